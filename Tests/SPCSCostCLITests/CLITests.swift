import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

func env(variables: [String: String] = [:]) throws -> Environment {
    let now = ISO8601DateFormatter().date(from: "2026-11-29T12:00:00Z")!
    return Environment(now: { now }, variables: variables, homeDirectory: "/nonexistent-home",
                       currentDirectory: Repository.root.path, catalog: try BundledCatalog.load())
}

/// Parses `arguments` as the command line and runs the command in-process.
func run(_ arguments: [String], variables: [String: String] = [:]) async throws -> CommandOutput {
    let command = try SpcsCost.parseAsRoot(arguments)
    guard let c = command as? any EnvironmentCommand else { throw ValidationError("not a command: \(arguments)") }
    return try await c.execute(in: try env(variables: variables))
}

@Suite struct CLITests {
    @Test func estimateTheReferencePlanAsJSON() async throws {
        let out = try await run(["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--rate-card", "2024",
                                 "--region", "AWS_AP_NORTHEAST_1", "--currency", "JPY", "--fx", "150", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "spcs-cost.estimate/2")
        let figures = try #require(object["figures"] as? [String: Any])
        #expect((figures["planStandard"] as? [String: Any])?["credits"] as? String == "22")
        #expect(["planStandard", "planEnterprise", "planBusinessCritical"].map { (figures[$0] as? [String: Any])?["rounded"] as? String }
                == ["9405", "14190", "18810"])
    }

    @Test func estimateTableSaysWhichRateCard() async throws {
        let out = try await run(["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20",
                                 "--region", "aws-ap-northeast-1", "--currency", "JPY", "--fx", "150"])
        #expect(out.stdout.contains("rate card 2026-04"))
        #expect(out.stdout.contains("0.06 credits/node-hour × 1 node × 10 h × 20 days = 12 credits"))
        #expect(out.stdout.contains("Range: 5,130 to 10,260 JPY (Standard to Business Critical)"))
    }

    @Test func theConfiguredRegionIsTheDefault() async throws {
        let args = ["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--format", "json"]
        // Without a flag: SPCS_COST_REGION (Tokyo, 2.85 USD per Standard credit: 12 × 2.85 = 34.2) ...
        let tokyo = try await run(args, variables: ["SPCS_COST_REGION": "AWS_AP_NORTHEAST_1"])
        #expect(tokyo.stdout.contains("(aws-ap-northeast-1)\""))
        #expect(tokyo.stdout.contains("\"amount\" : \"34.2\""))
        // ... and --region wins over it.
        let east = try await run(args + ["--region", "aws-us-east-1"], variables: ["SPCS_COST_REGION": "AWS_AP_NORTHEAST_1"])
        #expect(east.stdout.contains("(aws-us-east-1)\""))
    }

    @Test("usage errors exit 64", arguments: [
        ["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--currency", "JPY"],
        ["estimate", "--family", "CPU_X64_M", "--hours", "10", "--days", "20", "--rate-card", "2024"],
        ["estimate", "--family", "CPU_X64_XS", "--hours", "25", "--days", "20"],
        ["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--currency", "XXX", "--fx", "1"],
        // report: --service-pool names a service's pool in --from-sql's script, so alone it is a usage error, as is
        // a value that is not SERVICE=POOL.
        ["report", "--period", "2024-04", "--service-pool", "DASH_SVC=DASH_POOL"],
        ["report", "--period", "2024-04", "--from-sql", "Fixtures/setup-sql/dashboards-desc-service.sql",
         "--service-pool", "DASH_SVC"],
        ["nightly", "--pools", "Fixtures/pools/jupyterlab.toml", "--service-pool", "DASH_SVC=DASH_POOL"],
    ])
    func usageErrors(arguments: [String]) async {
        do {
            _ = try await run(arguments)
            Issue.record("expected an error for \(arguments)")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
        }
    }

    @Test func badFlagValuesAreRejectedByTheParser() {
        #expect(throws: (any Error).self) { try SpcsCost.parseAsRoot(["estimate", "--family", "X", "--hours", "1,5", "--days", "2"]) }
        #expect(throws: (any Error).self) { try SpcsCost.parseAsRoot(["estimate", "--family", "X", "--hours", "1", "--days", "2", "--as-of", "2024-13-01"]) }
    }

    @Test func importThenReportWritesDatedFilesAtomically() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        let imported = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        #expect(imported.stdout.contains("Imported 210 hourly rows"))
        let bad = ["import", "Fixtures/snowsight/bad-decimal.csv", "--cache", cache]
        do { _ = try await run(bad); Issue.record("expected an error") } catch {
            #expect(ExitStatus.code(for: error) == 65)
        }
        do { _ = try await run(["import", "missing.csv", "--cache", cache]); Issue.record("expected an error") } catch {
            #expect(ExitStatus.code(for: error) == 66)
        }
        let out = try await run(DemoCommand.reportArguments + ["--out", dir.path("reports"), "--cache", cache])
        #expect(out.stdout.contains("Saved against always on (always on minus metered)"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("reports")).sorted()
        #expect(files == ReportFilesTests.names.sorted())
    }

    /// The demo's inputs tell one story: its pools file describes the pool of its export as it ran, so the report
    /// opens with only the two warnings the README explains, and metered is 1.5 % over the estimate.
    @Test func demoTellsOneConsistentStory() async throws {
        let dir = try TemporaryDirectory()
        let out = try await run(["demo", "--out", dir.path("demo")])
        let warnings = out.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.contains { $0.contains("no credit price table is documented before 2026-04-01") })
        #expect(warnings.contains { $0.contains("leaves out the tasks' warehouse credits") })
        #expect(!out.stderr.contains("not metered"))
        let md = try String(contentsOfFile: dir.path("demo/spcs-cost-report_2024-04-01_2024-04-30.md"), encoding: .utf8)
        // Credits to two places for people (exact in CSV and JSON); the overspend against the plan called one.
        #expect(md.contains("| Metered | 22.83 | 9,759 |  |  |  |"))
        #expect(md.contains("| Estimate | 22.49 | 9,613 |  |  |  |"))
        #expect(md.contains("| Difference (metered minus estimate) | 0.34 | 146 | 1.5 | the estimate |  |"))
        #expect(md.contains("| Saved against always on (always on minus metered) | 56.37 | 24,099 | 71.2 | always on |  |"))
        #expect(md.contains("| Over the plan (metered minus plan) | 1.05 | 448 | 4.8 | the plan |  |"))
        // The pools file and the export describe the same pool: one node, as the export's README says.
        let pools = try String(contentsOfFile: "Fixtures/pools/jupyterlab-april-2024.toml", encoding: .utf8)
        #expect(!pools.contains("API_POOL") && !pools.contains("autoscale") && !pools.contains("max_nodes = 2"))
    }

    /// `demo --detail` narrows or widens the report as `report --detail` does, and shows the flag in the command
    /// it prints; without it the demo writes the per-day tables (the samples).
    @Test func demoTakesTheReportsDetail() async throws {
        let dir = try TemporaryDirectory()
        let out = try await run(["demo", "--detail", "summary", "--out", dir.path("summary")])
        #expect(out.stdout.contains("--pools Fixtures/pools/jupyterlab-april-2024.toml --detail summary --format"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("summary"))
        #expect(!files.isEmpty)
        #expect(!files.contains { $0.hasSuffix("_days.csv") || $0.hasSuffix("_pools_detail.csv") }, "\(files)")
        let day = try FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("Reports/samples").path)
        #expect(day.contains { $0.hasSuffix("_days.csv") })
        await #expect(throws: (any Error).self) { try await run(["demo", "--detail", "week", "--out", dir.path("x")]) }
    }

    /// Reports/samples is what `spcs-cost demo --out Reports/samples` writes; it must match a fresh run.
    @Test func committedSamplesMatchAFreshRun() async throws {
        let dir = try TemporaryDirectory()
        _ = try await run(["demo", "--out", dir.path("samples")])
        let samples = Repository.root.appendingPathComponent("Reports/samples")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("samples")).sorted()
            == (try FileManager.default.contentsOfDirectory(atPath: samples.path).sorted()))
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path("samples")) {
            let fresh = try Data(contentsOf: URL(fileURLWithPath: dir.path("samples/\(name)")))
            let committed = try Data(contentsOf: samples.appendingPathComponent(name))
            #expect(fresh == committed, "Reports/samples/\(name) differs from a fresh run; regenerate it with spcs-cost demo --out Reports/samples")
        }
    }
}

@Suite struct EstimateBlockStorageCLITests {
    /// `estimate --pools` with `block_storage`: the figure, the table and the assumption, in JSON. 100 GiB for all of
    /// April 2026 in AWS Tokyo = 100/1024 × 98.31 USD per TB-month = 9.60 USD.
    @Test func theWorkedExampleAsJSON() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spcs-cost-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pools.toml")
        try """
            [defaults]
            region = "aws-ap-northeast-1"
            [[pools]]
            name = "API_POOL"
            family = "CPU_X64_XS"
            block_storage = { volumes = 1, gib = 100 }
            """.write(to: file, atomically: true, encoding: .utf8)
        let out = try await run(["estimate", "--pools", file.path, "--period", "2026-04", "--edition", "standard",
                                 "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let figures = try #require(object["figures"] as? [String: Any])
        let storage = try #require(figures["blockStorageAndSnapshots"] as? [String: Any])
        #expect(storage["rounded"] as? String == "9.60")
        #expect(storage["amount"] as? String == ExactDecimal.text(Decimal(100) / 1024 * Decimal(string: "98.31")!))
        let tables = try #require(object["tables"] as? [String: Any])
        #expect(tables["storage"] != nil)
        #expect(out.stdout.contains("also while the pool is suspended"))
    }
}
