import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostReports
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `report --detail summary|pool|day|hour`: the default keeps every table of before (nightly jobs keep their
/// `_days.csv`), `summary` and `pool` narrow, `hour` adds a per-pool, per-hour table read from the cache's hours.
@Suite struct ReportDetailTests {
    static let base = "spcs-cost-report_2024-04-01_2024-04-30"

    func csvFiles(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".csv") }
            .map { String($0.dropFirst(Self.base.count + 1).dropLast(4)) }.sorted()
    }

    @Test func eachLevelChoosesItsTables() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        for level in ["summary", "pool", "day", "hour"] {
            _ = try await run(DemoCommand.reportArguments + ["--out", dir.path(level), "--cache", cache, "--detail", level,
                                                             "--format", "csv,json"])
        }
        _ = try await run(DemoCommand.reportArguments + ["--out", dir.path("default"), "--cache", cache, "--format", "csv,json"])
        let summary = ["difference_by_cause", "month", "notes", "summary", "top_pools"]
        #expect(try csvFiles(dir.path("summary")) == summary)
        #expect(try csvFiles(dir.path("pool")) == (summary + ["pools", "pools_detail"]).sorted())
        #expect(try csvFiles(dir.path("day")) == (summary + ["pools", "pools_detail", "days"]).sorted())
        #expect(try csvFiles(dir.path("hour")) == (summary + ["pools", "pools_detail", "days", "hours"]).sorted())
        // The default is `day`, byte for byte.
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path("default")) {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path("default/\(name)")))
                == Data(contentsOf: URL(fileURLWithPath: dir.path("day/\(name)"))), "\(name)")
        }
        // A narrower level drops the tables, their charts and their rounding lines, and keeps the figures.
        let json = try String(contentsOfFile: dir.path("summary/\(Self.base).json"), encoding: .utf8)
        #expect(!json.contains("\"days\" : {") && !json.contains("\"pools\" : {") && json.contains("\"charts\" : []"))
        #expect(!json.contains("\"table\" : \"days\""))
        let full = try String(contentsOfFile: dir.path("day/\(Self.base).json"), encoding: .utf8)
        #expect(json.components(separatedBy: "\"figures\" : {")[1].components(separatedBy: "\"checks\"")[0]
            == full.components(separatedBy: "\"figures\" : {")[1].components(separatedBy: "\"checks\"")[0])
        // The hours: one row per metered hour (the fixture has 210), each day's hours adding up to the day's
        // metered credits, each hour priced at 0.11 credits × 2.85 USD × 150 JPY per USD = 47.025 JPY → 47.
        let hours = try String(contentsOfFile: dir.path("hour/\(Self.base)_hours.csv"), encoding: .utf8)
            .split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(hours[0] == ["date", "hour_start_utc", "pool", "credits", "cost_JPY"])
        #expect(hours.count == 211)
        #expect(hours[1] == ["2024-04-01", "2024-04-01T01:00:00Z", "JUPYTER_POOL", "0.11", "47"])
        let days = try String(contentsOfFile: dir.path("hour/\(Self.base)_days.csv"), encoding: .utf8)
            .split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let creditsColumn = try #require(days[0].firstIndex(of: "metered_credits"))
        var perDay: [String: Decimal] = [:]
        for h in hours.dropFirst() { perDay[h[0], default: 0] += Decimal(string: h[3])! }
        for d in days.dropFirst() { #expect(perDay[d[0], default: 0] == Decimal(string: d[creditsColumn])!, "\(d[0])") }
    }

    @Test func anUnknownLevelIsAUsageError() async throws {
        do {
            _ = try await run(DemoCommand.reportArguments + ["--detail", "week"])
            Issue.record("expected a usage error")
        } catch {
            // A value outside the list is a parse error: exit 64 and a message naming the four levels.
            #expect(SpcsCost.exitCode(for: error).rawValue == 64)
            #expect(SpcsCost.message(for: error).contains("'summary', 'pool', 'day' or 'hour'"))
        }
    }
}

/// `spcs-cost-bench`, built beside `spcs-cost`; nil when it has not been built.
enum BenchExecutable {
    static let path: String? = SpcsCostExecutable.path.map { ($0 as NSString).deletingLastPathComponent + "/spcs-cost-bench" }
        .flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
}

/// Large tables are written streaming: `spcs-cost-bench stream-table` (built beside the tests) writes a document
/// whose per-day table is made row by row, and its peak resident memory (VmHWM) must not grow with the rows. A
/// million rows through csv and json (the formats of machines and nightly jobs); 100,000 through the others, which
/// are slower in a debug build. A writer that kept its file or its rows in memory would grow by tens to hundreds
/// of MB (the million-row JSON file is 300 MB).
@Suite(.enabled(if: BenchExecutable.path != nil, "needs spcs-cost-bench, built by swift build --build-tests"))
struct StreamingMemoryTests {
    /// Peak memory in MB of writing `rows` rows in `formats`, and the folder written.
    func peak(rows: Int, formats: String, in dir: TemporaryDirectory) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(BenchExecutable.path))
        process.arguments = ["stream-table", "--rows", String(rows), "--format", formats, "--out", dir.path("\(rows)")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let mb = try #require(text.components(separatedBy: "peak memory ").last?.split(separator: " ").first)
        return try #require(Double(mb))
    }

    /// Lines in a file, counted in 1 MiB reads.
    func lines(_ path: String) throws -> Int {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var n = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { n += chunk.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } }
        return n
    }

    @Test func aMillionRowsThroughCSVAndJSONInBoundedMemory() throws {
        let dir = try TemporaryDirectory()
        let small = try peak(rows: 10_000, formats: "csv,json", in: dir)
        let large = try peak(rows: 1_000_000, formats: "csv,json", in: dir)
        #expect(large - small < 16, "peak \(small) MB for 10,000 rows, \(large) MB for 1,000,000")
        #expect(try lines(dir.path("1000000/stream_days.csv")) == 1_000_001)
        let json = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir.path("1000000/stream.json")))
        defer { try? json.close() }
        #expect(try json.seekToEnd() > 250_000_000)
    }

    @Test func theOtherFormatsStreamToo() throws {
        let dir = try TemporaryDirectory()
        let formats = "markdown,html,table,xlsx"
        let small = try peak(rows: 10_000, formats: formats, in: dir)
        let large = try peak(rows: 100_000, formats: formats, in: dir)
        #expect(large - small < 6, "peak \(small) MB for 10,000 rows, \(large) MB for 100,000")
        #expect(try lines(dir.path("100000/stream.md")) > 100_000)
    }
}
