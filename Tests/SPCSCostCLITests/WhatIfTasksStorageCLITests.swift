import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `whatif` in every format on a real cache file: the business-hours policy's schedule tasks (assumed on an X-Small
/// warehouse: 44 runs in April 2026's 22 weekdays, 0.733… credits at the 60 s minimum, up to 7.333… credits) and the
/// pool's block storage (150 GiB metered every day = 12.00 USD in AWS US East 1), unchanged under every policy.
@Suite struct WhatIfTasksStorageCLITests {
    static let base = "spcs-cost-whatif_2026-04-01_2026-04-30"

    /// A cache file and a pools file in `dir`: API_POOL always on at 0.06 credits an hour all of April 2026, 150 GiB
    /// of volumes metered every day, 100 GiB planned. Returns the cache's and the pools file's paths.
    static func inputs(_ dir: TemporaryDirectory) throws -> (cache: String, pools: String) {
        let cachePath = dir.path("cache.sqlite")
        let cache = try UsageCache(.path(cachePath))
        let utc = TimeZone(identifier: "UTC")!
        let from = CivilDate("2026-04-01")!
        let start = from.startInstant(in: utc)
        try cache.load(.init(kind: "pull", source: "test", checksum: "", loadedAt: start)) { w in
            for h in 0..<(30 * 24) {
                let hour = start.addingTimeInterval(TimeInterval(h * 3600))
                try w.upsert(UsageRecord(startTime: hour, endTime: hour.addingTimeInterval(3600), computePoolName: "API_POOL",
                                         computePoolID: 1, creditsUsed: NanoCredits(60_000_000)))
            }
            for day in 0..<30 {
                try w.upsert(BlockStorageRecord(usageDate: from.adding(days: day), storageType: "BLOCK_STORAGE",
                                                poolName: "API_POOL", poolID: 1, bytes: 150 * 1_073_741_824))
            }
        }
        let pools = dir.path("pools.toml")
        try """
            [defaults]
            region = "aws-us-east-1"
            edition = "standard"
            [[pools]]
            name = "API_POOL"
            family = "CPU_X64_XS"
            created = "2026-01-01"
            block_storage = { gib = 100 }
            """.write(toFile: pools, atomically: true, encoding: .utf8)
        return (cachePath, pools)
    }

    /// Every text file of every format, by name (xlsx: its text).
    static func files() async throws -> [String: String] {
        let dir = try TemporaryDirectory()
        let (cachePath, pools) = try inputs(dir)
        let arguments = ["whatif", "--pools", pools, "--from", "2026-04-01", "--to", "2026-04-30", "--timezone", "UTC",
                         "--policy", "always-on", "--policy", "business-hours=09:00-18:00,MON-FRI,UTC", "--cache", cachePath]
        var files: [String: String] = [:]
        for name in DocumentWriters.names {
            let out = try await run(arguments + ["--format", name, "--out", dir.path(name)])
            if name == "table" { files["\(base).txt"] = out.stdout; continue }
            for f in try FileManager.default.contentsOfDirectory(atPath: dir.path(name)) {
                let path = dir.path(name) + "/" + f
                files[f] = f.hasSuffix(".xlsx") ? try xlsxText(path) : try String(contentsOfFile: path, encoding: .utf8)
            }
        }
        return files
    }

    @Test func everyFormatShowsTheTasksAndTheUnchangedStorage() async throws {
        let files = try await Self.files()
        #expect(files.count >= 8)
        for (name, text) in files where !name.hasSuffix("_days.csv") && !name.hasSuffix("_summary.csv")
            && !name.hasSuffix("_notes.csv") {
            #expect(text.contains("task_credits") || text.contains("Tasks (in the policy)"), "\(name) lacks the task column")
            #expect(text.contains("storage_cost_USD") || text.contains("Block storage, every policy (USD)"),
                    "\(name) lacks the storage column")
        }
        for (name, text) in files where !name.hasSuffix(".csv") {
            #expect(text.contains("44 task runs") && text.contains("assumed: the pools file names no task"),
                    "\(name) lacks the tasks' assumption")
            #expect(text.contains("7.333333333 credits"), "\(name) lacks the tasks' high end")
            #expect(text.contains("API_POOL: 12.00 USD (metered), under every policy"), "\(name) lacks the storage line")
            #expect(text.contains("also while the pool is suspended"), "\(name) lacks the storage sentence")
        }
        // The summary CSV carries the figures: the tasks (in the policy's cost) and storage (the same every policy).
        let summary = try #require(files["\(Self.base)_summary.csv"])
        #expect(summary.contains("policy_business_hours_09_00_18_00_mon_fri_utc_tasks"))
        #expect(summary.contains("block_storage,Block storage and snapshots (the same under every policy),,12.00"))
    }

    /// `reconcile` and `report` through the CLI: the block storage cause line (12.00 − 8.00 = 4.00 USD) and the
    /// storage tables in their JSON documents.
    @Test func reconcileAndReportShowPlannedStorageAgainstMetered() async throws {
        let dir = try TemporaryDirectory()
        let (cache, pools) = try Self.inputs(dir)
        let period = ["--pools", pools, "--from", "2026-04-01", "--to", "2026-04-30", "--timezone", "UTC", "--cache", cache]
        let reconcile = try await run(["reconcile"] + period + ["--format", "json"]).stdout
        #expect(reconcile.contains("\"block_storage\""))
        #expect(reconcile.contains("Block storage and snapshots against the plan"))
        let table = try await run(["reconcile"] + period).stdout
        #expect(table.contains("API_POOL        Block storage and snapshots") || table.contains("Block storage and snapshots"))
        #expect(table.contains("4.00"))
        _ = try await run(["report"] + period + ["--format", "json", "--out", dir.path("report")])
        let report = try String(contentsOfFile: dir.path("report") + "/spcs-cost-report_2026-04-01_2026-04-30.json",
                                encoding: .utf8)
        #expect(report.contains("\"storage_days\"") && report.contains("\"planned_storage\""))
        #expect(report.contains("difference_with_storage") || report.contains("differenceWithStorage"))
    }
}
