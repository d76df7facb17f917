import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// The task warehouse views end to end: served by the project's SQL API test server over 127.0.0.1, pulled into a
/// real SQLite cache, attributed to the tasks that suspend and resume the pools, priced by the ledger and shown in
/// the report as the schedule's cost and net saving.
@Suite struct TaskWarehousePullTests {
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment

    /// 2024-04-01T00:00Z in epoch seconds; 2024-04-01 is a Monday.
    static let day1 = 1_711_929_600
    static let hour = 3600
    static let day = 86_400

    init() throws {
        (server, home, env) = try LoopbackAccount.make(now: "2024-04-03T00:00:00Z")
        // API_POOL runs 08:00-19:00 UTC on both days: 11 hours × 0.06 credits a day.
        var rows: [[String?]] = []
        for d in 0..<2 {
            for h in 8..<19 {
                let start = Self.day1 + d * Self.day + h * Self.hour
                rows.append(["\(start).000000000", "\(start + Self.hour).000000000", "API_POOL", "7", "false", nil, nil,
                             "0.060000000"])
            }
        }
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("COMPUTE_POOL_ID"), .boolean("IS_EXCLUSIVE"), .text("APPLICATION_NAME"),
                      .fixed("APPLICATION_ID"), .fixed("CREDITS_USED", precision: 38, scale: 9)],
            rows: rows))
        // Created 2024-03-01: the pool existed through the whole period, so always on is 48 node-hours.
        server.register("COMPUTE_POOLS", result: TestResult(
            columns: [.text("NAME"), .fixed("ID"), .text("INSTANCE_FAMILY"), .fixed("MIN_NODES"), .fixed("MAX_NODES"),
                      .timestampLTZ("CREATED")],
            rows: [["API_POOL", "7", "CPU_X64_XS", "1", "1", "1709251200.000000000"]]))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        server.register("USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([]))
    }

    func pull(since: String? = "2024-04-01", into cache: UsageCache) async throws -> PullSummary {
        var options = PullOptions()
        options.connectionName = "test"
        options.since = since.flatMap(CivilDate.init)
        return try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: cache)
    }

    func report(_ cache: UsageCache) throws -> SavingsReport {
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        o.creditPrice = 3
        return try ReportService(env: env).build(o, cache: cache)
    }

    static func at(_ dayIndex: Int, _ h: Int, _ m: Int = 0, _ s: Int = 0) -> Int {
        day1 + dayIndex * day + h * hour + m * 60 + s
    }

    /// The two pool tasks of one weekday on `warehouse` (nil: serverless): resume at 08:00, suspend at 19:00, each
    /// statement running from 1 s to 2 s after its scheduled time.
    static func poolTasks(day d: Int, warehouse: String?) -> [TaskWarehouseViews.TaskRun] {
        [TaskWarehouseViews.TaskRun(name: "RESUME_API_POOL", queryText: "ALTER COMPUTE POOL API_POOL RESUME",
                                    scheduled: at(d, 8), started: at(d, 8, 0, 1), completed: at(d, 8, 0, 2),
                                    queryID: "q-r\(d)", warehouse: warehouse),
         TaskWarehouseViews.TaskRun(name: "SUSPEND_API_POOL", queryText: "ALTER COMPUTE POOL IF EXISTS API_POOL SUSPEND",
                                    scheduled: at(d, 19), started: at(d, 19, 0, 1), completed: at(d, 19, 0, 2),
                                    queryID: "q-s\(d)", warehouse: warehouse)]
    }

    /// A warehouse that runs only the two pool tasks: every credit of the hours they ran in is theirs.
    /// TASKS_WH bills 0.167 compute + 0.0001 cloud services = 0.1671 credits in each of 4 hours (08:00 and 19:00 of
    /// two days): 0.6684 credits, at 3 USD = 2.0052 USD. Net saving = always on − metered − 0.6684 credits.
    @Test func aWarehouseThatRunsOnlyThePoolTasksIsAttributedWhole() async throws {
        server.serve(TaskWarehouseViews(
            metering: [0, 1].flatMap { d in [8, 19].map { h in
                TaskWarehouseViews.MeteringHour(start: Self.at(d, h), warehouseID: 11, warehouse: "TASKS_WH",
                                                compute: "0.167", cloudServices: "0.0001") } },
            runs: Self.poolTasks(day: 0, warehouse: "TASKS_WH") + Self.poolTasks(day: 1, warehouse: "TASKS_WH")))
        let cache = try UsageCache(.memory)
        let summary = try await pull(into: cache)
        #expect(summary.statements[4..<7].map(\.view) == [
            "SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY", "SNOWFLAKE.ACCOUNT_USAGE.TASK_HISTORY",
            "SNOWFLAKE.ACCOUNT_USAGE.SERVERLESS_TASK_HISTORY",
        ])
        #expect(summary.statements[4..<7].map(\.rows) == [4, 4, 0])
        let cached = try cache.taskWarehouseRows(from: Date(timeIntervalSince1970: TimeInterval(Self.day1)),
                                                 to: Date(timeIntervalSince1970: TimeInterval(Self.day1 + 2 * Self.day)))
        #expect(cached.metering.map(\.creditsUsed.value) == [167_100_000, 167_100_000, 167_100_000, 167_100_000])
        #expect(cached.runs.map(\.warehouseName) == Array(repeating: "TASKS_WH", count: 4))
        #expect(cached.runs.allSatisfy { $0.account == "MYACCOUNT" && $0.organization == "MYORG" })

        let r = try report(cache)
        let tasks = try #require(r.tasks)
        #expect(tasks.runs == 4)
        #expect(tasks.lines.map(\.task) == ["OPS.PUBLIC.RESUME_API_POOL", "OPS.PUBLIC.SUSPEND_API_POOL"])
        #expect(tasks.lines.map(\.kind) == [.taskWarehouse, .taskWarehouse])
        #expect(tasks.warehouse.quantity == dec("0.6684") && tasks.serverless.quantity == 0)
        #expect(tasks.total.amount == Money(dec("2.0052"), .usd))
        // Always on: 48 node-hours at the card's CPU_X64_XS rate; metered 22 h × 0.06 = 1.32 credits.
        let rate = try #require(r.pools.first?.creditsPerNodeHour)
        let net = try #require(r.netSavedVsAlwaysOn)
        #expect(net.quantity == 48 * rate - dec("1.32") - dec("0.6684"))
        #expect(net.amount == Money((48 * rate - dec("1.32") - dec("0.6684")) * 3, .usd))

        // Every format shows the tasks' figures and table (one document, one writer per format).
        let document = Document.savingsReport(r, stamp: ReportStamp(toolVersion: "test", commandLine: "spcs-cost report"))
        #expect(document.figures.map(\.key).suffix(2) == ["task_credits", "net_saved_vs_always_on"])
        for format in ["csv", "markdown", "json", "html"] {
            let out = MemoryOutput()
            try #require(DocumentWriters.writer(format)).write(document, to: out)
            let text = out.files.map { String(decoding: $0.data, as: UTF8.self) }.joined(separator: "\n")
            #expect(text.contains("SUSPEND_API_POOL"), "\(format) lacks the tasks table")
            #expect(text.contains("Net saving against always on"), "\(format) lacks the net saving")
        }
    }

    /// A warehouse shared with another task: the hour's credits are split by run time. RESUME_API_POOL keeps
    /// SHARED_WH from 08:00:00 to 08:10:00 (0 s of statement + the 600 s tail); LOAD_ORDERS from 08:20 to 08:50
    /// (1,200 s + 600 s). The hour's 0.4 credits × 600 ÷ (600 + 1,800) = 0.1 credits are the pool task's. A serverless
    /// pool task (a CALL whose arguments say SUSPEND) adds its own 0.00025 credits; a serverless task that does not act
    /// on a pool (REFRESH, 0.5 credits) adds nothing.
    @Test func aSharedWarehouseIsApportionedByRunTime() async throws {
        server.serve(TaskWarehouseViews(
            metering: [TaskWarehouseViews.MeteringHour(start: Self.at(0, 8), warehouseID: 12, warehouse: "SHARED_WH",
                                                       compute: "0.4")],
            runs: [
                TaskWarehouseViews.TaskRun(name: "RESUME_API_POOL", queryText: "alter compute pool api_pool resume;",
                                           scheduled: Self.at(0, 8), started: Self.at(0, 8), completed: Self.at(0, 8),
                                           queryID: "q1", warehouse: "SHARED_WH"),
                TaskWarehouseViews.TaskRun(name: "LOAD_ORDERS", queryText: "INSERT INTO orders SELECT * FROM staged_orders",
                                           scheduled: Self.at(0, 8, 20), started: Self.at(0, 8, 20),
                                           completed: Self.at(0, 8, 40), queryID: "q2", warehouse: "SHARED_WH"),
                TaskWarehouseViews.TaskRun(name: "SUSPEND_BY_CALL",
                                           queryText: "CALL ops.set_pool_state('API_POOL', 'SUSPEND')",
                                           scheduled: Self.at(0, 19), started: Self.at(0, 19), completed: Self.at(0, 19, 0, 3),
                                           queryID: "q3", warehouse: nil),
                TaskWarehouseViews.TaskRun(name: "REFRESH", queryText: "CALL ops.refresh_dashboards()",
                                           scheduled: Self.at(0, 20), started: Self.at(0, 20), completed: Self.at(0, 20, 5),
                                           queryID: "q4", warehouse: nil),
                TaskWarehouseViews.TaskRun(name: "SUSPEND_BY_CALL",
                                           queryText: "CALL ops.set_pool_state('API_POOL', 'SUSPEND')",
                                           scheduled: Self.at(1, 19), started: Self.at(1, 19), completed: Self.at(1, 19),
                                           state: "SKIPPED", queryID: "q5", warehouse: nil),
            ],
            serverless: [
                TaskWarehouseViews.ServerlessRange(start: Self.at(0, 19), end: Self.at(0, 20), taskID: 3,
                                                   task: "SUSPEND_BY_CALL", credits: "0.00025"),
                TaskWarehouseViews.ServerlessRange(start: Self.at(0, 20), end: Self.at(0, 21), taskID: 4, task: "REFRESH",
                                                   credits: "0.5"),
            ]))
        let cache = try UsageCache(.memory)
        _ = try await pull(into: cache)
        let tasks = try #require(try report(cache).tasks)
        // The SKIPPED run is not a run of the period.
        #expect(tasks.runs == 2)
        #expect(tasks.lines.map { "\($0.task) \($0.kind.rawValue) \($0.warehouse ?? "-") \(ExactDecimal.text($0.sum.quantity))" } == [
            "OPS.PUBLIC.RESUME_API_POOL task_warehouse SHARED_WH 0.1",
            "OPS.PUBLIC.SUSPEND_BY_CALL serverless_task - 0.00025",
        ])
        #expect(tasks.total.amount == Money(dec("0.30075"), .usd))
    }

    /// A role that cannot read a task view: a warning naming the view and the grant, not a failed pull; the other
    /// views still land.
    @Test func anUnreadableTaskViewIsAWarning() async throws {
        server.register("ACCOUNT_USAGE\\.WAREHOUSE_METERING_HISTORY") { _ in
            .failure(status: 422, code: "002003", sqlState: "02000",
                     message: "SQL compilation error:\nObject 'SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY' does not exist or not authorized.")
        }
        server.serve(TaskWarehouseViews(runs: Self.poolTasks(day: 0, warehouse: "TASKS_WH")))
        let cache = try UsageCache(.memory)
        let summary = try await pull(into: cache)
        let skipped = try #require(summary.statements.first { $0.view.hasSuffix("WAREHOUSE_METERING_HISTORY") })
        #expect(skipped.skipped?.contains("002003") == true && skipped.statementHandle == nil)
        #expect(summary.viewWarnings.contains { $0.contains("WAREHOUSE_METERING_HISTORY is not readable") && $0.contains("USAGE_VIEWER") })
        #expect(summary.inserted == 22)
        // The runs landed; the report says their warehouse credits are unknown.
        let r = try report(cache)
        #expect(r.tasks?.runs == 2 && r.tasks?.total.quantity == 0)
        #expect(r.warnings.contains { $0.contains("no WAREHOUSE_METERING_HISTORY hour") })
    }

    /// The next pull reads the task views from the watermark minus the lookback (bound as TIMESTAMP_LTZ), and
    /// rows read again replace their cached copies instead of adding to them.
    @Test func taskViewsArePulledIncrementally() async throws {
        server.serve(TaskWarehouseViews(
            metering: [0, 1].flatMap { d in [8, 19].map { h in
                TaskWarehouseViews.MeteringHour(start: Self.at(d, h), warehouseID: 11, warehouse: "TASKS_WH", compute: "0.167") } },
            runs: Self.poolTasks(day: 0, warehouse: "TASKS_WH") + Self.poolTasks(day: 1, warehouse: "TASKS_WH")))
        let cache = try UsageCache(.memory)
        _ = try await pull(into: cache)
        let again = try await pull(since: nil, into: cache)
        // Newest END_TIME 2024-04-02T19:00Z minus 24 h = 2024-04-01T19:00Z: the day-1 19:00 hour and day 2.
        #expect(again.windowStart == "2024-04-01T19:00:00Z")
        #expect(again.statements[4..<7].map(\.rows) == [3, 3, 0])
        let submitted = try #require(server.requests.last { $0.body.contains("ACCOUNT_USAGE.TASK_HISTORY") })
        #expect(submitted.body.contains("\(Self.at(0, 19))000000000"))
        let cached = try cache.taskWarehouseRows(from: Date(timeIntervalSince1970: TimeInterval(Self.day1)),
                                                 to: Date(timeIntervalSince1970: TimeInterval(Self.day1 + 2 * Self.day)))
        #expect(cached.metering.count == 4 && cached.runs.count == 4)
        #expect(try report(cache).tasks?.warehouse.quantity == dec("0.668"))
    }
}
