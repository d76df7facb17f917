import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// The scheduling tasks' credits per pool, end to end: the task views served by the project's SQL API test server
/// over 127.0.0.1, pulled into a real SQLite cache, each run's credits attributed to the pool it acted on, and the
/// report's per-pool table and `--by pool` showing each schedule's net saving (README "Task warehouses").
@Suite struct TaskPoolAttributionTests {
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment

    /// 2024-04-01T00:00Z in epoch seconds; 2024-04-01 is a Monday.
    static let day1 = 1_711_929_600
    static let hour = 3600
    static let day = 86_400

    static func at(_ dayIndex: Int, _ h: Int, _ m: Int = 0, _ s: Int = 0) -> Int {
        day1 + dayIndex * day + h * hour + m * 60 + s
    }

    /// API_POOL runs 08:00-19:00 UTC (11 h) and ETL_POOL 08:00-17:00 (9 h) on both days, each metering 0.06 credits
    /// an hour: 1.32 and 1.08 credits. Both created 2024-03-01, so always on is 48 node-hours each.
    init() throws {
        (server, home, env) = try LoopbackAccount.make(now: "2024-04-03T00:00:00Z")
        var rows: [[String?]] = []
        for (pool, id, last) in [("API_POOL", "7", 19), ("ETL_POOL", "8", 17)] {
            for d in 0..<2 {
                for h in 8..<last {
                    let start = Self.day1 + d * Self.day + h * Self.hour
                    rows.append(["\(start).000000000", "\(start + Self.hour).000000000", pool, id, "false", nil, nil,
                                 "0.060000000"])
                }
            }
        }
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("COMPUTE_POOL_ID"), .boolean("IS_EXCLUSIVE"), .text("APPLICATION_NAME"),
                      .fixed("APPLICATION_ID"), .fixed("CREDITS_USED", precision: 38, scale: 9)],
            rows: rows))
        server.register("COMPUTE_POOLS", result: TestResult(
            columns: [.text("NAME"), .fixed("ID"), .text("INSTANCE_FAMILY"), .fixed("MIN_NODES"), .fixed("MAX_NODES"),
                      .timestampLTZ("CREATED")],
            rows: [["API_POOL", "7", "CPU_X64_XS", "1", "1", "1709251200.000000000"],
                   ["ETL_POOL", "8", "CPU_X64_XS", "1", "1", "1709251200.000000000"]]))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        server.register("USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([]))
    }

    func pull(into cache: UsageCache) async throws {
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        _ = try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: cache)
    }

    func options(by: ReportGrouping? = nil, taskPools: TaskPoolResolver = TaskPoolResolver()) -> ReportOptions {
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        o.creditPrice = 3
        o.groupBy = by
        o.taskPools = taskPools
        return o
    }

    /// A run of `name` on TASKS_WH at `h`:00 of day `d`, its statement from 1 s to 2 s after.
    static func run(_ name: String, _ text: String, day d: Int, _ h: Int) -> TaskWarehouseViews.TaskRun {
        TaskWarehouseViews.TaskRun(name: name, queryText: text, scheduled: at(d, h), started: at(d, h, 0, 1),
                                   completed: at(d, h, 0, 2), queryID: "q-\(name)-\(d)", warehouse: "TASKS_WH")
    }

    /// Two pools, each with a resume and a suspend task, on one X-Small warehouse that runs nothing else.
    ///
    /// Each day both resume tasks run at 08:00 (one warehouse hour of 0.1671 credits: 0.167 compute + 0.0001 cloud
    /// services), SUSPEND_ETL_POOL at 17:00 and SUSPEND_API_POOL at 19:00 (0.1671 each). The 08:00 hour's runs are
    /// alike (1 s of statement + the 600 s tail each), so each pool gets half: 0.08355. Per pool and day 0.08355 +
    /// 0.1671 = 0.25065 credits; over two days 0.5013 each, 1.0026 together = the 6 metered hours × 0.1671.
    /// At 3 USD a credit: 1.5039 USD a pool.
    /// Always on 48 node-hours × 0.11 (the 2024 card's CPU_X64_XS rate) = 5.28 credits a pool. Net saving:
    /// API_POOL 5.28 − 1.32 − 0.5013 = 3.4587 credits (10.3761 USD); ETL_POOL 5.28 − 1.08 − 0.5013 = 3.6987
    /// (11.0961 USD).
    @Test func twoPoolsEachWithAResumeAndASuspendTaskOnOneXSmallWarehouse() async throws {
        server.serve(TaskWarehouseViews(
            metering: [0, 1].flatMap { d in [8, 17, 19].map { h in
                TaskWarehouseViews.MeteringHour(start: Self.at(d, h), warehouseID: 11, warehouse: "TASKS_WH",
                                                compute: "0.167", cloudServices: "0.0001") } },
            runs: [0, 1].flatMap { d in [
                Self.run("RESUME_API_POOL", "ALTER COMPUTE POOL API_POOL RESUME", day: d, 8),
                Self.run("RESUME_ETL_POOL", "alter compute pool etl_pool resume;", day: d, 8),
                Self.run("SUSPEND_ETL_POOL", "ALTER COMPUTE POOL IF EXISTS ETL_POOL SUSPEND", day: d, 17),
                Self.run("SUSPEND_API_POOL", "EXECUTE IMMEDIATE 'ALTER COMPUTE POOL API_POOL SUSPEND'", day: d, 19),
            ] }))
        let cache = try UsageCache(.memory)
        try await pull(into: cache)

        let r = try ReportService(env: env).build(options(), cache: cache)
        let tasks = try #require(r.tasks)
        #expect(tasks.runs == 8)
        #expect(tasks.lines.map { "\($0.task) \($0.pool) \(ExactDecimal.text($0.sum.quantity))" } == [
            "OPS.PUBLIC.RESUME_API_POOL API_POOL 0.1671",
            "OPS.PUBLIC.RESUME_ETL_POOL ETL_POOL 0.1671",
            "OPS.PUBLIC.SUSPEND_API_POOL API_POOL 0.3342",
            "OPS.PUBLIC.SUSPEND_ETL_POOL ETL_POOL 0.3342",
        ])
        // The ledger rows name their pool; none is left on the account line.
        #expect(Set(tasks.rows.map(\.poolName)) == ["API_POOL", "ETL_POOL"])
        #expect(tasks.byPool.mapValues(\.quantity) == ["API_POOL": dec("0.5013"), "ETL_POOL": dec("0.5013")])
        #expect(tasks.total.quantity == dec("1.0026"))

        let api = try #require(r.pools.first { $0.pool == "API_POOL" })
        let etl = try #require(r.pools.first { $0.pool == "ETL_POOL" })
        #expect(api.creditsPerNodeHour == dec("0.11"))
        #expect(api.tasks == ChargeSum(quantity: dec("0.5013"), amount: Money(dec("1.5039"), .usd)))
        #expect(api.netSavedVsAlwaysOn == ChargeSum(quantity: dec("3.4587"), amount: Money(dec("10.3761"), .usd)))
        #expect(etl.netSavedVsAlwaysOn == ChargeSum(quantity: dec("3.6987"), amount: Money(dec("11.0961"), .usd)))
        // The pools' net savings add up to the report's: 7.1574 credits.
        #expect(try #require(r.netSavedVsAlwaysOn).quantity == dec("7.1574"))

        // The whole bill: compute 2.4 credits + the tasks' 1.0026 = 3.4026 credits, 10.2078 USD; its split only moves.
        let bill = try #require(r.wholeBill)
        #expect(bill.total == Money(dec("10.2078"), .usd))

        // --by pool: each pool's line carries its tasks and its net saving; the whole bill is unchanged.
        let byPool = try ReportService(env: env).build(options(by: .pool), cache: cache)
        #expect(byPool.groups.map(\.key) == ["API_POOL", "ETL_POOL"])
        #expect(byPool.groups.map { $0.sum(of: [.taskWarehouse, .serverlessTask], currency: .usd).quantity }
            == [dec("0.5013"), dec("0.5013")])
        #expect(byPool.groups.map(\.netSavedVsAlwaysOn?.quantity) == [dec("3.4587"), dec("3.6987")])
        #expect(byPool.groups.reduce(Money(0, .usd)) { $0 + $1.wholeBill } == Money(dec("10.2078"), .usd))

        // The per-pool table and the `--by pool` table show the tasks and the net saving.
        let document = Document.savingsReport(byPool, stamp: ReportStamp(toolVersion: "test", commandLine: "spcs-cost report"))
        let pools = try #require(document.tables.first { $0.id == "pools" })
        let keys = pools.columns.map(\.key)
        #expect(keys.suffix(4) == ["tasks_credits", "tasks_cost_USD", "net_saved_vs_always_on_credits",
                                   "net_saved_vs_always_on_USD"])
        let net = try #require(keys.firstIndex(of: "net_saved_vs_always_on_USD"))
        let apiRow = try #require(pools.rows.first { $0.cells.first == .text("API_POOL") })
        #expect(apiRow.cells[net] == .money(Money(dec("10.3761"), .usd)))
        let by = try #require(document.tables.first { $0.id == "by_pool" })
        #expect(by.columns.map(\.key).suffix(2) == ["net_saved_vs_always_on_credits", "net_saved_vs_always_on_USD"])
        let tasksTable = try #require(document.tables.first { $0.id == "tasks" })
        #expect(tasksTable.columns.map(\.key).prefix(2) == ["task", "pool"])
    }

    /// A task that calls the common suspend/resume procedure: without the setup SQL its pool cannot be told, so its
    /// credits stay on the account line; with `--from-sql` the setup-SQL reader follows the procedure (DESC SERVICE,
    /// then EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || ...) to DASH_POOL. One hour of 0.2 credits, the only run in it.
    @Test func aProcedureCallIsSetAgainstThePoolTheSetupSQLResolves() async throws {
        server.serve(TaskWarehouseViews(
            metering: [TaskWarehouseViews.MeteringHour(start: Self.at(0, 19), warehouseID: 11, warehouse: "TASKS_WH",
                                                       compute: "0.2")],
            runs: [Self.run("DASH_SUSPEND",
                            "CALL DASH_DB.APP.MANAGE_SERVICE(svc_name => 'DASH_DB.APP.DASH_SVC', action => 'suspend')",
                            day: 0, 19)]))
        let cache = try UsageCache(.memory)
        try await pull(into: cache)

        let plain = try #require(try ReportService(env: env).build(options(by: .pool), cache: cache).tasks)
        #expect(plain.lines.map(\.pool) == [""])
        #expect(plain.byPool.mapValues(\.quantity) == ["": dec("0.2")])

        let sql = try String(contentsOf: Repository.root.appendingPathComponent("Fixtures/setup-sql/dashboards-desc-service.sql"),
                             encoding: .utf8)
        let resolved = try ReportService(env: env).build(options(by: .pool, taskPools: TaskPoolResolver(setupSQL: sql)),
                                                         cache: cache)
        let tasks = try #require(resolved.tasks)
        #expect(tasks.lines.map(\.pool) == ["DASH_POOL"])
        #expect(tasks.total.quantity == dec("0.2") && tasks.total.amount == Money(dec("0.6"), .usd))
        #expect(resolved.groups.map(\.key).contains("DASH_POOL"))
        #expect(try #require(resolved.wholeBill).total == (try #require(try ReportService(env: env).build(options(by: .pool), cache: cache).wholeBill)).total)
    }

    func dec(_ text: String) -> Decimal { Decimal(string: text)! }
}
