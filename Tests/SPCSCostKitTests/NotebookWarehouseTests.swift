import Foundation
import GRDB
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// The warehouses' settings and the notebooks' query warehouses end to end: SHOW WAREHOUSES and SHOW NOTEBOOKS IN
/// ACCOUNT served by the project's SQL API test server over 127.0.0.1, pulled into a real SQLite cache file with the
/// warehouses' WAREHOUSE_METERING_HISTORY hours, and `advise`'s notebook_warehouse recommendation priced through the
/// ledger; the task warehouse's AUTO_SUSPEND taken from the pull.
@Suite struct NotebookWarehouseTests {
    /// 2024-03-01T00:00Z in epoch seconds (a Friday).
    static let march1 = 1_709_251_200
    static let hour = 3600, day = 86_400
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment

    init() throws {
        (server, home, env) = try LoopbackAccount.make(now: "2024-04-03T00:00:00Z")
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("COMPUTE_POOL_ID"), .fixed("CREDITS_USED", precision: 38, scale: 9)],
            rows: [["\(Self.march1).000000000", "\(Self.march1 + Self.hour).000000000", "API_POOL", "7", "0.060000000"]]))
        server.register("COMPUTE_POOLS", result: TestResult(
            columns: [.text("NAME"), .fixed("ID"), .text("INSTANCE_FAMILY"), .fixed("MIN_NODES"), .fixed("MAX_NODES")],
            rows: [["API_POOL", "7", "CPU_X64_XS", "1", "1"]]))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        server.register("USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([]))
        // NB_WH, the notebooks' query warehouse, metered at 10:00 UTC on 22 days of March (0.2 credits each, 22
        // separate one-hour runs); TASKS_WH once; QUICK_WH (AUTO_SUSPEND 60) at 10:00-12:00 on 1 March.
        server.serve(TaskWarehouseViews(metering:
            (0..<22).map { TaskWarehouseViews.MeteringHour(start: Self.march1 + $0 * Self.day + 10 * Self.hour,
                                                           warehouseID: 21, warehouse: "NB_WH", compute: "0.2",
                                                           cloudServices: "0.01") }
            + [TaskWarehouseViews.MeteringHour(start: Self.march1 + 8 * Self.hour, warehouseID: 22, warehouse: "TASKS_WH",
                                               compute: "0.1"),
               TaskWarehouseViews.MeteringHour(start: Self.march1 + 10 * Self.hour, warehouseID: 23, warehouse: "QUICK_WH",
                                               compute: "1"),
               TaskWarehouseViews.MeteringHour(start: Self.march1 + 11 * Self.hour, warehouseID: 23, warehouse: "QUICK_WH",
                                               compute: "1")]))
        server.serve(Self.inventory)
    }

    static let inventory = AccountInventory(
        warehouses: [AccountInventory.Warehouse(name: "NB_WH", size: "X-Small", autoSuspend: 600),
                     AccountInventory.Warehouse(name: "QUICK_WH", size: "Small", autoSuspend: 60),
                     AccountInventory.Warehouse(name: "TASKS_WH", size: "X-Small", autoSuspend: 300),
                     AccountInventory.Warehouse(name: "IDLE_WH", size: "Medium", autoSuspend: nil)],
        notebooks: [AccountInventory.Notebook(name: "CHURN", queryWarehouse: "NB_WH", computePool: "API_POOL",
                                              runtimeName: "SYSTEM$BASIC_RUNTIME", idleAutoShutdownSeconds: 3600),
                    AccountInventory.Notebook(name: "FORECAST", schema: "ML", queryWarehouse: "NB_WH"),
                    AccountInventory.Notebook(name: "QUICK", queryWarehouse: "QUICK_WH"),
                    AccountInventory.Notebook(name: "OLD", queryWarehouse: "GONE_WH"),
                    AccountInventory.Notebook(name: "AWAKE", queryWarehouse: "IDLE_WH"),
                    AccountInventory.Notebook(name: "NO_WH", queryWarehouse: nil)])

    func pull(into cache: UsageCache) async throws -> PullSummary {
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-03-01")
        return try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: cache)
    }

    /// March 2024 in UTC at 3 USD a credit (rate card 2024); tasks on `taskCompute`.
    func advise(_ cache: UsageCache, taskCompute: AdviceTaskCompute = .serverless,
                suspendAfter: Int = AdviseOptions.defaultWarehouseSuspendAfterSeconds) throws -> AdviseRun {
        let utc = TimeZone(identifier: "UTC")!
        let window = BusinessHours(startSecondOfDay: 9 * 3600, endSecondOfDay: 18 * 3600,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: utc)
        var o = AdviseOptions(from: CivilDate("2024-03-01")!, to: CivilDate("2024-03-31")!, timeZone: utc, window: window)
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        o.rateCardID = "2024"  // the bundled card from 2024-04-01, for API_POOL's one March hour
        o.taskCompute = taskCompute
        o.warehouseSuspendAfterSeconds = suspendAfter
        var priced = ReportOptions(from: o.from, to: o.to, timeZone: utc)
        priced.creditPrice = 3
        o.price = priced.priceSettings
        return try AdviseService(env: env).advise(o, cache: cache)
    }

    /// The pull runs SHOW WAREHOUSES and SHOW NOTEBOOKS IN ACCOUNT after the views and keeps their rows in the cache
    /// file, each under the connection's organization and account; WAREHOUSE_METERING_HISTORY (all warehouses, not
    /// only the tasks') brings NB_WH's 22 hours.
    @Test func thePullCachesTheWarehousesAndNotebooks() async throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("cache.sqlite")))
        let summary = try await pull(into: cache)
        #expect(summary.statements.suffix(2).map(\.view) == ["SHOW WAREHOUSES", "SHOW NOTEBOOKS IN ACCOUNT"])
        #expect(summary.statements.suffix(2).map(\.rows) == [4, 6])
        #expect(summary.statements.suffix(2).allSatisfy { $0.skipped == nil && $0.statementHandle != nil })
        #expect(server.requests.contains { $0.body.contains("SHOW WAREHOUSES") })

        let warehouses = try UsageCache(.path(dir.path("cache.sqlite"))).warehouseInventory()
        #expect(warehouses.map { "\($0.organization).\($0.account) \($0.name) \($0.size ?? "-") \($0.type ?? "-") \($0.autoSuspendSeconds.map(String.init) ?? "never") \($0.autoResume == true)" } == [
            "MYORG.MYACCOUNT IDLE_WH Medium STANDARD never true",
            "MYORG.MYACCOUNT NB_WH X-Small STANDARD 600 true",
            "MYORG.MYACCOUNT QUICK_WH Small STANDARD 60 true",
            "MYORG.MYACCOUNT TASKS_WH X-Small STANDARD 300 true",
        ])
        let notebooks = try cache.notebookInventory()
        #expect(notebooks.map { "\($0.qualifiedName) \($0.queryWarehouse ?? "-")" } == [
            "ANALYTICS.ML.FORECAST NB_WH", "ANALYTICS.PUBLIC.AWAKE IDLE_WH", "ANALYTICS.PUBLIC.CHURN NB_WH",
            "ANALYTICS.PUBLIC.NO_WH -", "ANALYTICS.PUBLIC.OLD GONE_WH", "ANALYTICS.PUBLIC.QUICK QUICK_WH",
        ])
        let churn = try #require(notebooks.first { $0.name == "CHURN" })
        #expect(churn.computePool == "API_POOL" && churn.runtimeName == "SYSTEM$BASIC_RUNTIME"
                && churn.idleAutoShutdownSeconds == 3600 && churn.account == "MYACCOUNT")
        let metering = try cache.taskWarehouseRows(from: Date(timeIntervalSince1970: TimeInterval(Self.march1)),
                                                   to: Date(timeIntervalSince1970: TimeInterval(Self.march1 + 31 * Self.day))).metering
        #expect(metering.filter { $0.warehouseName == "NB_WH" }.count == 22)

        // A later pull that no longer sees a warehouse drops it (SHOW is the settings as of the pull).
        server.serve(AccountInventory(warehouses: [AccountInventory.Warehouse(name: "NB_WH", autoSuspend: 120)]))
        _ = try await pull(into: cache)
        #expect(try cache.warehouseInventory().map { "\($0.name) \($0.autoSuspendSeconds ?? 0)" } == ["NB_WH 120"])
        #expect(try cache.notebookInventory().isEmpty)
    }

    /// A role the commands refuse: a warning naming the command and the grants, the statement listed as skipped, and
    /// the pull goes on (the history lands; the cached inventory from an earlier pull is kept).
    @Test func aRoleThatCannotRunTheShowCommandsIsWarned() async throws {
        let cache = try UsageCache(.memory)
        _ = try await pull(into: cache)
        server.register("^SHOW WAREHOUSES") { _ in
            .failure(status: 422, code: "003001", sqlState: "42501",
                     message: "SQL access control error:\nInsufficient privileges to operate on account 'MYACCOUNT'")
        }
        server.register("^SHOW NOTEBOOKS") { _ in
            .failure(status: 422, code: "002003", sqlState: "02000",
                     message: "SQL compilation error:\nObject does not exist or not authorized.")
        }
        let summary = try await pull(into: cache)
        let skipped = summary.statements.suffix(2)
        #expect(skipped.map(\.view) == ["SHOW WAREHOUSES", "SHOW NOTEBOOKS IN ACCOUNT"])
        #expect(skipped.allSatisfy { $0.statementHandle == nil && $0.rows == 0 })
        #expect(skipped.first?.skipped?.contains("003001") == true && skipped.last?.skipped?.contains("002003") == true)
        #expect(summary.viewWarnings.contains { $0.hasPrefix("SHOW WAREHOUSES was refused (Snowflake error 003001)") && $0.contains("MONITOR") })
        #expect(summary.viewWarnings.contains { $0.hasPrefix("SHOW NOTEBOOKS IN ACCOUNT was refused (Snowflake error 002003)") })
        #expect(summary.historyRows == 1)
        // The rows of the earlier pull stay: nothing newer replaced them.
        #expect(try cache.warehouseInventory().count == 4 && cache.notebookInventory().count == 6)
    }

    /// Issue 11's worked example through advise: NB_WH (X-Small, 1 credit/h, AUTO_SUSPEND 600) is the query
    /// warehouse of two notebooks and was metered in 22 separate one-hour runs; at AUTO_SUSPEND 60 each run's last
    /// 540 s would not have been billed: 22 × 540 s × 1 credit/h ÷ 3600 = 3.3 credits, at 3 USD = 9.90 USD.
    /// QUICK_WH is at 60 already (no advice); GONE_WH is not in SHOW WAREHOUSES and IDLE_WH never suspends (warnings).
    /// A SHOW command the server does not know (001003, a SQL compilation error) is not called a missing privilege:
    /// the warning says the server did not understand it and gives no grant to try.
    @Test func aShowCommandTheServerDoesNotKnowIsNotCalledAPrivilegeProblem() {
        let unknown = PullService.inventoryUnreadableWarning(
            statement: "SHOW NOTEBOOKS IN ACCOUNT",
            error: .statementFailed(statement: "SHOW NOTEBOOKS IN ACCOUNT",
                                    error: SnowflakeErrorBody(code: "001003", message: "SQL compilation error")))
        #expect(unknown.hasPrefix("SHOW NOTEBOOKS IN ACCOUNT was not understood by the server (Snowflake error 001003"))
        #expect(!unknown.contains("grant"))
        let refused = PullService.inventoryUnreadableWarning(
            statement: "SHOW WAREHOUSES",
            error: .statementFailed(statement: "SHOW WAREHOUSES",
                                    error: SnowflakeErrorBody(code: "003001", message: "Insufficient privileges")))
        #expect(refused.hasPrefix("SHOW WAREHOUSES was refused (Snowflake error 003001)") && refused.contains("MONITOR"))
    }

    @Test func aNotebookWarehouseThatStaysAwake() async throws {
        let cache = try UsageCache(.memory)
        _ = try await pull(into: cache)
        let run = try advise(cache)
        let all = run.advice.filter { $0.kind == .notebookWarehouse }
        #expect(all.map(\.pool) == ["NB_WH"])
        let a = try #require(all.first)
        #expect(a.savedCredits == Decimal(string: "3.3")!)
        #expect(a.saved?.amount == Money(Decimal(string: "9.9")!, .usd))
        #expect(a.netCredits == a.savedCredits && a.costHighCredits == 0)
        // Metered: 22 × (0.2 compute + 0.01 cloud services) = 4.62 credits.
        #expect(a.meteredCredits == Decimal(string: "4.62")!)
        #expect(a.account == "MYACCOUNT")
        #expect(a.change == "AUTO_SUSPEND 600 → 60")
        #expect(a.sql == "ALTER WAREHOUSE NB_WH SET AUTO_SUSPEND = 60;")
        #expect(a.finding.contains("notebooks ANALYTICS.ML.FORECAST, ANALYTICS.PUBLIC.CHURN"))
        #expect(a.finding.contains("22 hours of the period, in 22 runs"))
        #expect(a.assumptions.contains { $0.contains("shows no queries") && $0.contains("X-Small rate, 1 credit/h") })
        #expect(a.assumptions.contains { $0.contains("shared with other work") })
        #expect(run.warnings.contains { $0.hasPrefix("GONE_WH (account MYACCOUNT), the query warehouse of notebook ANALYTICS.PUBLIC.OLD, is not in SHOW WAREHOUSES") })
        #expect(run.warnings.contains { $0.hasPrefix("IDLE_WH (account MYACCOUNT)") && $0.contains("never suspends") })
        // A higher threshold saves less: at 300 s, 22 × 300 s = 1.8333… credits.
        let at300 = try advise(cache, suspendAfter: 300)
        let b = try #require(at300.advice.first { $0.kind == .notebookWarehouse })
        #expect(b.savedCredits == 22 * (Decimal(300) / 3600) && b.sql == "ALTER WAREHOUSE NB_WH SET AUTO_SUSPEND = 300;")

        // In the document: the kind in the table, the warehouse in the headline, the note on what Metered is.
        let input = AdviseInput(advice: run.advice, from: CivilDate("2024-03-01")!, to: CivilDate("2024-03-31")!,
                                timeZone: TimeZone(identifier: "UTC")!, rateCardID: run.rateCardID,
                                meteredCredits: run.meteredCredits.values.reduce(0, +), metered: run.metered,
                                warnings: run.warnings, currency: run.currency, priceRuns: run.priceRuns)
        let doc = Document.advise(input, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
        let best = try #require(doc.figures.first { $0.key == "best_net_saving" })
        #expect(best.note == "1 pool, 1 warehouse" && best.label.contains("notebook warehouse"))
        // API_POOL's one metered hour ends in a tail too: its best AUTO_SUSPEND_SECS or schedule net saving is the
        // pool's part of the headline.
        let poolBest = run.advice.filter { $0.pool == "API_POOL" && ($0.kind == .autoSuspend || $0.kind == .schedule) }
            .compactMap { $0.net?.amount.amount }.max() ?? 0
        #expect(best.amount == Money(Decimal(string: "9.9")! + poolBest, .usd), "\(run.advice.map { "\($0.pool) \($0.kind) \($0.net?.amount.amount ?? -1)" })")
        for format in ["csv", "markdown", "json", "html"] {
            let out = MemoryOutput()
            try #require(DocumentWriters.writer(format)).write(doc, to: out)
            let text = out.files.map { String(decoding: $0.data, as: UTF8.self) }.joined(separator: "\n")
            #expect(text.contains("notebook_warehouse") && text.contains("ALTER WAREHOUSE NB_WH SET AUTO_SUSPEND = 60;"),
                    "\(format)")
        }
    }

    /// advise --task-warehouse: the warehouse's AUTO_SUSPEND from SHOW WAREHOUSES as pulled (TASKS_WH: 300 s) is
    /// the tasks' high end, and the assumption says so; --task-warehouse-auto-suspend still wins; a warehouse the
    /// pull did not see keeps the assumed 600 s.
    @Test func theTaskWarehousesAutoSuspendComesFromThePull() async throws {
        let cache = try UsageCache(.memory)
        _ = try await pull(into: cache)
        let pulled = try advise(cache, taskCompute: .warehouse(name: "tasks_wh", autoSuspendSeconds: 600, autoSuspendSource: .assumed))
        #expect(pulled.taskCompute == .warehouse(name: "tasks_wh", autoSuspendSeconds: 300, autoSuspendSource: .pulled))
        // 44 runs: 44 × 300 s × 1 credit/h ÷ 3600 = 3.666… credits at most.
        #expect(pulled.taskCompute.credits(runs: 44).high == Decimal(44 * 300) / 3600)
        #expect(pulled.taskCompute.assumption.contains("300 s (the warehouse's AUTO_SUSPEND in SHOW WAREHOUSES as last pulled)"))
        let flagged = try advise(cache, taskCompute: .warehouse(name: "TASKS_WH", autoSuspendSeconds: 900, autoSuspendSource: .flag))
        #expect(flagged.taskCompute == .warehouse(name: "TASKS_WH", autoSuspendSeconds: 900, autoSuspendSource: .flag))
        let unknown = try advise(cache, taskCompute: .warehouse(name: "OTHER_WH", autoSuspendSeconds: 600, autoSuspendSource: .assumed))
        #expect(unknown.taskCompute == .warehouse(name: "OTHER_WH", autoSuspendSeconds: 600, autoSuspendSource: .assumed))
        #expect(unknown.taskCompute.assumption.contains("600 s (assumed: CREATE WAREHOUSE's default"))
        let never = try advise(cache, taskCompute: .warehouse(name: "IDLE_WH", autoSuspendSeconds: 600, autoSuspendSource: .assumed))
        #expect(never.taskCompute == .warehouse(name: "IDLE_WH", autoSuspendSeconds: 600, autoSuspendSource: .assumed))
        #expect(never.warnings.contains { $0.hasPrefix("--task-warehouse IDLE_WH") && $0.contains("never suspends") })
    }
}
