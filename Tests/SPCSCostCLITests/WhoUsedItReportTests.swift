import Foundation
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `spcs-cost report`'s "Who used it" table in every format, from a real cache holding the generator's rows of
/// Fixtures/usage (the SPCS history imported as a CSV, the notebook rows loaded as a pull loads them), with goldens of
/// the markdown section and the CSV table.
@Suite struct WhoUsedItReportTests {
    static func notebookRows() throws -> [NotebookUsageRecord] {
        let text = try String(contentsOf: Repository.fixture("usage/NOTEBOOKS_CONTAINER_RUNTIME_HISTORY.csv"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let iso = ISO8601DateFormatter()
        return lines.dropFirst().map { cells in
            let c = Dictionary(uniqueKeysWithValues: zip(lines[0], cells))
            return NotebookUsageRecord(
                startTime: iso.date(from: c["START_TIME"]!)!, endTime: iso.date(from: c["END_TIME"]!)!,
                notebookName: c["NOTEBOOK_NAME"]!, notebookID: Int64(c["NOTEBOOK_ID"]!), userName: c["USER_NAME"]!,
                userID: Int64(c["USER_ID"]!), computePoolName: c["COMPUTE_POOL_NAME"]!,
                computePoolID: Int64(c["COMPUTE_POOL_ID"]!), serviceName: c["SERVICE_NAME"],
                serviceID: Int64(c["SERVICE_ID"]!), executionSeconds: Int64(c["NOTEBOOK_EXECUTION_TIME_SECS"]!),
                credits: NanoCredits(parsing: c["CREDITS"]!)!)
        }
    }

    @Test func theTableInEveryFormat() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/usage/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv", "--cache", cache])
        let rows = try Self.notebookRows()
        try UsageCache(.path(cache)).load(.init(kind: "pull", source: "notebooks", checksum: "",
                                                loadedAt: Date(timeIntervalSince1970: 1_714_608_000))) { w in
            for r in rows { try w.upsert(r) }
        }
        let base = "spcs-cost-report_2024-04-01_2024-04-30"
        let common = ["report", "--from", "2024-04-01", "--to", "2024-04-30", "--cache", cache, "--region",
                      "aws-ap-northeast-1", "--rate-card", "2026-04", "--as-of", "2026-04-01"]
        // One run writes every format (table to standard output).
        let out = dir.path("out")
        let result = try await run(common + ["--format", "csv,markdown,json,html,xlsx,table", "--out", out])
        for format in ["csv", "markdown", "json", "html", "xlsx", "table"] {
            switch format {
            case "csv":
                let table = try String(contentsOfFile: "\(out)/\(base)_who_used_it.csv", encoding: .utf8)
                assertSnapshot(table, named: "\(base)_who_used_it.csv")
            case "markdown":
                let md = try String(contentsOfFile: "\(out)/\(base).md", encoding: .utf8)
                let section = try #require(md.range(of: "## Who used it"))
                let rest = md[section.lowerBound...]
                let end = rest.dropFirst().range(of: "\n## ")?.lowerBound ?? rest.endIndex
                assertSnapshot(String(rest[..<end]), named: "\(base)_who_used_it.md")
            case "json":
                let json = try String(contentsOfFile: "\(out)/\(base).json", encoding: .utf8)
                #expect(json.contains("\"who_used_it\"") && json.contains("OLD_APP") && json.contains("Idle (no notebook)"))
            case "html":
                let html = try String(contentsOfFile: "\(out)/\(base).html", encoding: .utf8)
                #expect(html.contains("Who used it") && html.contains("FORECAST_NB"))
            case "xlsx":
                #expect(try xlsxText("\(out)/\(base).xlsx").contains("FORECAST_NB"))
            default:
                #expect(result.stdout.contains("Who used it") && result.stdout.contains("ALICE"))
            }
        }
    }
}
