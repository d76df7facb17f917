import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// "Who used it" end to end: `pull` over real HTTP (the project's loopback SQL API server serving the emulator
/// generator's rows of Fixtures/usage), a real SQLite file, then `report` and the FOCUS export, checked against the
/// generator's ground truth: notebook credits per user, application credits per APPLICATION_ID (one application
/// uninstalled, so a later pull reads its rows with APPLICATION_NAME NULL), and the idle share of the notebook pool.
@Suite struct WhoUsedItTests {
    struct Truth: Decodable {
        struct Pool: Decodable { let total_credits: String }
        struct Credits: Decodable { let total_credits: String }
        struct Notebooks: Decodable { let by_user: [String: Credits]; let by_notebook: [String: Credits] }
        let pools: [String: Pool]
        let notebooks: Notebooks
    }

    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment
    let truth: Truth

    init() throws {
        (server, home, env) = try LoopbackAccount.make(now: "2024-05-02T00:00:00Z")
        truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: Repository.fixture("usage/ground_truth.json")))
        server.register("COMPUTE_POOLS", result: TestResult(columns: [.text("NAME"), .fixed("ID")], rows: []))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
    }

    /// The rows of a generator CSV (no quoted cells), each a dictionary by column; an empty cell is absent.
    static func csv(_ name: String) throws -> [[String: String]] {
        let text = try String(contentsOf: Repository.fixture("usage/\(name)"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { cells in
            Dictionary(uniqueKeysWithValues: zip(lines[0], cells).filter { !$0.1.isEmpty })
        }
    }

    /// An ISO 8601 instant as TIMESTAMP_LTZ(9) wire text.
    static func wire(_ iso: String?) -> String? {
        iso.map { "\(Int64(ISO8601DateFormatter().date(from: $0)!.timeIntervalSince1970)).000000000" }
    }

    /// Serves the history with APPLICATION_ID typed as `idType` (`fixed`: NUMBER, newer docs; `text`: VARCHAR, older),
    /// and OLD_APP_POOL's APPLICATION_NAME NULL when `uninstalled`.
    func serveHistory(idType: String, uninstalled: Bool) throws {
        let rows = try Self.csv("SNOWPARK_CONTAINER_SERVICES_HISTORY.csv").map { r -> [String?] in
            let name = uninstalled && r["COMPUTE_POOL_NAME"] == "OLD_APP_POOL" ? nil : r["APPLICATION_NAME"]
            return [Self.wire(r["START_TIME"]), Self.wire(r["END_TIME"]), r["COMPUTE_POOL_NAME"], r["COMPUTE_POOL_ID"],
                    r["IS_EXCLUSIVE"], name, r["APPLICATION_ID"], r["CREDITS_USED"]]
        }
        let id = idType == "text" ? TestColumn.text("APPLICATION_ID") : TestColumn.fixed("APPLICATION_ID")
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("COMPUTE_POOL_ID"), .boolean("IS_EXCLUSIVE"), .text("APPLICATION_NAME"), id,
                      .fixed("CREDITS_USED", precision: 38, scale: 9)],
            rows: rows, partitionSizes: [500, rows.count - 500]))
    }

    func serveNotebooks() throws {
        let rows = try Self.csv("NOTEBOOKS_CONTAINER_RUNTIME_HISTORY.csv").map { r -> [String?] in
            [Self.wire(r["START_TIME"]), Self.wire(r["END_TIME"]), r["NOTEBOOK_NAME"], r["NOTEBOOK_ID"], r["USER_NAME"],
             r["USER_ID"], r["COMPUTE_POOL_NAME"], r["COMPUTE_POOL_ID"], r["SERVICE_NAME"], r["SERVICE_ID"],
             r["NOTEBOOK_EXECUTION_TIME_SECS"], r["CREDITS"]]
        }
        server.register("NOTEBOOKS_CONTAINER_RUNTIME_HISTORY", result: .notebooksContainerRuntimeHistory(rows))
    }

    func pull(into cache: UsageCache) async throws -> PullSummary {
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        return try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: cache)
    }

    /// April 2024 in UTC at the on-demand AWS Tokyo Standard price of rate card 2026-04's table.
    func reportOptions(by: ReportGrouping? = nil) -> ReportOptions {
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!, timeZone: TimeZone(identifier: "UTC")!)
        o.region = "aws-ap-northeast-1"
        o.rateCardID = "2026-04"
        o.groupBy = by
        return o
    }

    func credits(_ text: String) -> Decimal { dec(text) }

    @Test(arguments: ["fixed", "text"])
    func notebooksUsersApplicationsAndIdleMatchTheGroundTruth(idType: String) async throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("cache.sqlite")))
        try serveHistory(idType: idType, uninstalled: false)
        try serveNotebooks()
        let first = try await pull(into: cache)
        #expect(first.statements.map(\.view).contains("SNOWFLAKE.ACCOUNT_USAGE.NOTEBOOKS_CONTAINER_RUNTIME_HISTORY"))
        // The application is uninstalled: the view now shows its rows with APPLICATION_NAME NULL.
        try serveHistory(idType: idType, uninstalled: true)
        _ = try await pull(into: cache)
        let reopened = try UsageCache(.path(dir.path("cache.sqlite")))
        #expect(try reopened.notebookUsage().count == 308)
        #expect(try reopened.applicationNames().map { "\($0.applicationID)=\($0.name)" } == ["9101=COST_APP", "9102=OLD_APP"])

        let report = try ReportService(env: env).build(reportOptions(), cache: reopened)
        let usage = try #require(report.usage)
        func sum(_ f: (UsageAttribution.Line) -> Bool) -> Decimal { usage.lines.filter(f).reduce(0) { $0 + $1.usage.quantity } }
        for (user, t) in truth.notebooks.by_user {
            #expect(sum { $0.kind == .notebook && $0.user == user } == credits(t.total_credits), "\(user)")
        }
        for (notebook, t) in truth.notebooks.by_notebook {
            #expect(sum { $0.kind == .notebook && $0.notebook == notebook } == credits(t.total_credits), "\(notebook)")
        }
        let apps = usage.lines.filter { $0.kind == .application }
        #expect(apps.map { "\($0.applicationID ?? "")=\($0.applicationName ?? "")" } == ["9101=COST_APP", "9102=OLD_APP"])
        #expect(apps[0].usage.quantity == credits(truth.pools["APP_POOL"]!.total_credits))
        #expect(apps[1].usage.quantity == credits(truth.pools["OLD_APP_POOL"]!.total_credits))
        // Idle: the notebook pool's credits less its notebooks' (31.46 - 15.73 - 9.438 = 6.292).
        let notebookTotal = truth.notebooks.by_user.values.reduce(Decimal(0)) { $0 + credits($1.total_credits) }
        let idle = try #require(usage.lines.first { $0.kind == .idle })
        #expect(idle.pool == "NOTEBOOK_POOL" && idle.usage.quantity == credits(truth.pools["NOTEBOOK_POOL"]!.total_credits) - notebookTotal)
        #expect(idle.usage.quantity == dec("6.292"))
        #expect(usage.lines.filter { $0.kind == .other }.map(\.pool) == ["WEB_POOL"])
        #expect(usage.warnings.isEmpty)
        // The lines add up to the metered total, credits and money (the ledger's amounts, exact).
        let total = usage.lines.reduce(ChargeSum.zero(report.currency)) { $0 + $1.usage }
        #expect(total == report.metered)

        // report --by application: keyed by ID, with the last name seen (the uninstalled app keeps its name).
        let by = try ReportService(env: env).build(reportOptions(by: .application), cache: reopened)
        #expect(by.groups.map(\.key) == ["", "COST_APP (ID 9101)", "OLD_APP (ID 9102)"])
        #expect(by.groups[2].metered.quantity == credits(truth.pools["OLD_APP_POOL"]!.total_credits))

        // Every format gets the table from the document.
        let doc = Document.savingsReport(report, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
        let table = try #require(doc.tables.first { $0.id == "who_used_it" })
        #expect(table.rows.count == usage.lines.count + 1 && table.rows.last?.role == .total)
    }

    @Test func aRoleThatCannotReadTheNotebookViewGetsAWarningNotAFailedPull() async throws {
        let cache = try UsageCache(.memory)
        try serveHistory(idType: "fixed", uninstalled: false)
        server.register("NOTEBOOKS_CONTAINER_RUNTIME_HISTORY") { _ in
            .failure(status: 422, code: "002003", sqlState: "02000", message: "SQL compilation error:\nObject "
                     + "'SNOWFLAKE.ACCOUNT_USAGE.NOTEBOOKS_CONTAINER_RUNTIME_HISTORY' does not exist or not authorized.")
        }
        let s = try await pull(into: cache)
        #expect(s.historyRows == 1160)
        let skipped = try #require(s.statements.first { $0.view.hasSuffix("NOTEBOOKS_CONTAINER_RUNTIME_HISTORY") })
        #expect(skipped.skipped?.contains("002003") == true)
        #expect(s.viewWarnings.contains { $0.contains("NOTEBOOKS_CONTAINER_RUNTIME_HISTORY is not readable") })
        #expect(try cache.notebookUsage().isEmpty)
        // Without notebook rows the report still attributes the applications; the notebook pool is "other".
        let usage = try #require(try ReportService(env: env).build(reportOptions(), cache: cache).usage)
        #expect(!usage.lines.contains { $0.kind == .notebook || $0.kind == .idle })
        #expect(usage.lines.contains { $0.kind == .other && $0.pool == "NOTEBOOK_POOL" })
    }

    /// Notebook credits above the pool's in an hour: the idle share is zero there, never negative, and a warning
    /// says so. Worked example: NB's hour 10:00 metered 0.22, notebooks 0.15 + 0.10 = 0.25 (0.03 over); hour 11:00
    /// metered 0.22, notebook 0.05, idle 0.17.
    @Test func notebookCreditsAboveThePoolsGiveAWarningAndNoNegativeIdle() throws {
        let cache = try UsageCache(.memory)
        let t10 = ISO8601DateFormatter().date(from: "2024-04-02T10:00:00Z")!, t11 = t10.addingTimeInterval(3600)
        try cache.load(.init(kind: "pull", source: "t", checksum: "x", loadedAt: t10)) { w in
            for t in [t10, t11] {
                try w.upsert(UsageRecord(startTime: t, endTime: t.addingTimeInterval(3600), computePoolName: "NB",
                                         creditsUsed: NanoCredits(parsing: "0.22")!))
            }
            for (t, n, u, c) in [(t10, "A", "ALICE", "0.15"), (t10, "B", "BOB", "0.10"), (t11, "A", "ALICE", "0.05")] {
                try w.upsert(NotebookUsageRecord(startTime: t, endTime: t.addingTimeInterval(3600), notebookName: n,
                                                 userName: u, computePoolName: "NB", credits: NanoCredits(parsing: c)!))
            }
        }
        let usage = try #require(try ReportService(env: env).build(reportOptions(), cache: cache).usage)
        #expect(usage.lines.map { "\($0.kind.rawValue) \($0.user ?? "-") \($0.usage.quantity)" }
                == ["notebook ALICE 0.2", "notebook BOB 0.1", "idle - 0.17"])
        #expect(usage.overHours == ["NB at 2024-04-02T10:00:00Z"])
        #expect(usage.warnings.first?.contains("0.030000000 credits in all") == true)
    }
}
