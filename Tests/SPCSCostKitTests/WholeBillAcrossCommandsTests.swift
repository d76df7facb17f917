import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// The whole bill across `report`, `report --by` and `export --focus`: compute, the scheduling tasks' warehouse
/// credits, block storage, snapshots and SPCS data transfer with its daily adjustment, served by the project's SQL API
/// test server over 127.0.0.1, pulled into a real SQLite file and priced by the ledger.
///
/// The worked example (AWS Tokyo, `--credit-price 3` USD; unit prices of the bundled table 2026-04, carried back to
/// April 2024; April has 30 days; a TB is 2^40 bytes), 2024-04-01 and 04-02 (UTC):
/// - compute: API_POOL (ID 7) 08:00-19:00 both days, 11 h × 0.06 = 0.66 credits a day: 1.32 credits = 3.96 USD;
/// - task warehouse: TASKS_WH runs only RESUME_API_POOL (08:00) and SUSPEND_API_POOL (19:00) and bills 0.1671 credits in
///   each of those 4 hours: each task 0.1671 credits a day = 0.5013 USD; 0.6684 credits = 2.0052 USD in all;
/// - serverless task: NIGHT_SUSPEND (22:00 on 04-01) 0.00025 credits = 0.00075 USD;
/// - on 04-01 only: API_POOL's volume 100 GiB = 100/1024 TB-days × 98.31/30 = 0.32001953125 USD; 1,000 IOPS above the
///   default × 6.00/30 = 0.2 USD; 100 MiB/s above the default = 100/1024 GB/s-days × 49.16/30 = 4.80078125/30 USD; a
///   20 GiB snapshot of WEB_SVC = 20/1024 × 51.20/30 = 1/30 USD; 1 TB of API_POOL's internal transfer × 3.07 = 3.07
///   USD; 0.5 TB of SPCS egress to us-east-1 × 90 = 45 USD; the adjustment −min(48.07, 10 % × 1.98) = −0.198 USD.
@Suite struct WholeBillAcrossCommandsTests {
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment

    /// 2024-04-01T00:00Z in epoch seconds.
    static let day1 = 1_711_929_600
    static let hour = 3600
    static let day = 86_400

    static func dec(_ text: String) -> Decimal { ExactDecimal.parse(text)! }
    /// 10^-30: how close sums of amounts with a non-terminating quotient (1/30 USD) agree, Decimal keeping 38 digits.
    static let epsilon = Decimal(sign: .plus, exponent: -30, significand: 1)
    static func at(_ d: Int, _ h: Int, _ s: Int = 0) -> Int { day1 + d * day + h * hour + s }

    /// The whole bill's exact total in USD (see the suite's comment).
    static let total = dec("3.96") + dec("2.0052") + dec("0.00075") + dec("0.32001953125") + dec("0.2") + dec("4.80078125") / 30
        + Decimal(1) / 30 + dec("3.07") + 45 - dec("0.198")

    init() throws {
        (server, home, env) = try LoopbackAccount.make(now: "2024-04-05T00:00:00Z")
        var rows: [[String?]] = []
        for d in 0..<2 {
            for h in 8..<19 {
                let start = Self.at(d, h)
                rows.append(["\(start).000000000", "\(start + Self.hour).000000000", "API_POOL", "7", "false", nil, nil,
                             "0.060000000"])
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
            rows: [["API_POOL", "7", "CPU_X64_XS", "1", "1", "1709251200.000000000"]]))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        server.register("USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([]))
        server.register("ACCOUNT_USAGE.BLOCK_STORAGE_HISTORY", result: TestResult(
            columns: TestResult.blockStorageHistoryColumns,
            rows: [["1711929600.000000000", "BLOCK_STORAGE", "API_POOL", "7", "107374182400", "1000.000000000", "100.000000000"],
                   ["1711929600.000000000", "SNAPSHOT", nil, nil, "21474836480", "0.000000000", "0.000000000"]]))
        server.register("ACCOUNT_USAGE.BLOCK_STORAGE_SNAPSHOTS", result: TestResult(
            columns: TestResult.blockStorageSnapshotsColumns,
            rows: [["6001", "SNAP_1", "WEB_SVC", "data", "20", "1711324800.000000000", nil]]))
        server.register("ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY", result: TestResult(
            columns: TestResult.internalDataTransferHistoryColumns,
            rows: [["1711933200.000000000", "1711936800.000000000", "SERVICE_FUNCTION", "API_POOL", "1099511627776"]]))
        server.register("ACCOUNT_USAGE.DATA_TRANSFER_HISTORY", result: TestResult(
            columns: TestResult.dataTransferHistoryColumns,
            rows: [["1711933200.000000000", "1711936800.000000000", "AWS", "ap-northeast-1", "AWS", "us-east-1",
                    "549755813888", "SNOWPARK_CONTAINER_SERVICES"]]))
        let runs = (0..<2).flatMap { d in
            [TaskWarehouseViews.TaskRun(name: "RESUME_API_POOL", queryText: "ALTER COMPUTE POOL API_POOL RESUME",
                                        scheduled: Self.at(d, 8), started: Self.at(d, 8, 1), completed: Self.at(d, 8, 2),
                                        queryID: "q-r\(d)", warehouse: "TASKS_WH"),
             TaskWarehouseViews.TaskRun(name: "SUSPEND_API_POOL", queryText: "ALTER COMPUTE POOL API_POOL SUSPEND",
                                        scheduled: Self.at(d, 19), started: Self.at(d, 19, 1), completed: Self.at(d, 19, 2),
                                        queryID: "q-s\(d)", warehouse: "TASKS_WH")]
        } + [TaskWarehouseViews.TaskRun(name: "NIGHT_SUSPEND", queryText: "ALTER COMPUTE POOL API_POOL SUSPEND",
                                        scheduled: Self.at(0, 22), started: Self.at(0, 22), completed: Self.at(0, 22, 3),
                                        queryID: "q-n", warehouse: nil)]
        server.serve(TaskWarehouseViews(
            metering: [0, 1].flatMap { d in [8, 19].map { h in
                TaskWarehouseViews.MeteringHour(start: Self.at(d, h), warehouseID: 11, warehouse: "TASKS_WH",
                                                compute: "0.167", cloudServices: "0.0001") } },
            runs: runs,
            serverless: [TaskWarehouseViews.ServerlessRange(start: Self.at(0, 22), end: Self.at(0, 23), taskID: 5,
                                                            task: "NIGHT_SUSPEND", credits: "0.00025")]))
    }

    /// Pulls every view into a real SQLite file and opens it again.
    func pulledCache() async throws -> (UsageCache, TemporaryDirectory) {
        let dir = try TemporaryDirectory()
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        _ = try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: try UsageCache(.path(dir.path("cache.sqlite"))))
        return (try UsageCache(.path(dir.path("cache.sqlite"))), dir)
    }

    func reportOptions(by: ReportGrouping? = nil) -> ReportOptions {
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        o.creditPrice = 3
        o.region = "aws-ap-northeast-1"
        o.groupBy = by
        return o
    }

    @Test func theWholeBillHasTheSchedulingTasksCreditsAsLinesOfTheirOwnAndInItsTotal() async throws {
        let (cache, _dir) = try await pulledCache()
        _ = _dir
        let r = try ReportService(env: env).build(reportOptions(), cache: cache)
        let bill = try #require(r.wholeBill)
        let lines = Dictionary(uniqueKeysWithValues: bill.lines.map { ($0.key, $0) })
        #expect(bill.lines.map(\.key) == ["compute", "task_warehouse", "serverless_task", "block_storage",
                                          "block_storage_iops", "block_storage_throughput", "snapshot", "data_transfer",
                                          "data_transfer_adjustment", "total"])
        #expect(lines["compute"]?.amount == Money(Self.dec("3.96"), .usd))
        // 4 hours × 0.1671 credits at 3 USD: the same figures as the "Scheduling tasks" table.
        #expect(lines["task_warehouse"]?.quantity == Self.dec("0.6684") && lines["task_warehouse"]?.unit == "credits")
        #expect(lines["task_warehouse"]?.amount == Money(Self.dec("2.0052"), .usd))
        #expect(lines["task_warehouse"]?.amount == r.tasks?.warehouse.amount)
        #expect(lines["serverless_task"]?.quantity == Self.dec("0.00025"))
        #expect(lines["serverless_task"]?.amount == Money(Self.dec("0.00075"), .usd))
        #expect(lines["serverless_task"]?.amount == r.tasks?.serverless.amount)
        #expect(lines["data_transfer_adjustment"]?.amount == Money(Self.dec("-0.198"), .usd))
        #expect(abs(bill.total.amount - Self.total) < Self.epsilon && bill.total.currency == .usd)
        // Each task's credits of each UTC day are one ledger row at that day's price: 0.1671 × 3 = 0.5013 USD.
        let taskRows = bill.rows.filter { $0.kind == .taskWarehouse }
        #expect(taskRows.count == 4)
        #expect(taskRows.allSatisfy { $0.charge.amount == Money(Self.dec("0.5013"), .usd) && $0.warehouse == "TASKS_WH" })
        #expect(Set(taskRows.compactMap(\.task)) == ["OPS.PUBLIC.RESUME_API_POOL", "OPS.PUBLIC.SUSPEND_API_POOL"])
    }

    @Test func theFocusFileHasARowPerKindWithItsUnitsAndAddsUpToTheWholeBill() async throws {
        let (cache, dir) = try await pulledCache()
        let bill = try #require(try ReportService(env: env).build(reportOptions(), cache: cache).wholeBill)
        var o = ExportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        o.creditPrice = 3
        o.region = "aws-ap-northeast-1"
        o.billingAccount = "MYORG"
        let service = ExportService(env: env)
        let export = try service.build(o, cache: cache)
        // The summary's credits are compute's and the tasks' (1.32 + 0.6684 + 0.00025), not TB or GiB.
        #expect(export.metered.credits == Self.dec("1.98865"))
        let paths = try service.write(export, to: dir.path("focus"))
        let text = try String(contentsOfFile: try #require(paths.first), encoding: .utf8)
        // `.ci/focus-validate.sh` validates this file with focus-validator 2.2.1 (FOCUS 1.2): it asks for a copy.
        if let sample = ProcessInfo.processInfo.environment["SPCS_COST_FOCUS_SAMPLE_DIR"] {
            try FileManager.default.createDirectory(atPath: sample, withIntermediateDirectories: true)
            try text.write(toFile: sample + "/spcs-cost-focus_whole-bill_2024-04-01_2024-04-02_metered.csv",
                           atomically: true, encoding: .utf8)
        }
        let table = try #require(csvRows(text))
        let header = table[0]
        let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
        // Every row's exact BilledCost adds up to the report's whole bill: exactly, but for the last of Decimal's 38
        // digits of the amounts a month's price over its days makes non-terminating (1/30 USD here).
        #expect(abs(rows.reduce(Decimal(0)) { $0 + Self.dec($1["BilledCost"]!) } - bill.total.amount) < Self.epsilon)
        func only(_ kind: String, _ filter: ([String: String]) -> Bool = { _ in true }) throws -> [String: String] {
            let m = rows.filter { $0["x_ChargeKind"] == kind && filter($0) }
            try #require(m.count == 1, "\(kind): \(m.count) rows")
            return m[0]
        }
        // Block storage: 100 GiB-days consumed, priced per TiB-day (2^40 bytes): 100/1024 = 0.09765625.
        let volume = try only("block_storage")
        #expect([volume["ConsumedQuantity"], volume["ConsumedUnit"], volume["PricingQuantity"], volume["PricingUnit"]]
            == ["100", "GiB-Days", "0.09765625", "TiB-Days"])
        #expect(volume["BilledCost"] == "0.32001953125" && volume["ChargeCategory"] == "Usage")
        #expect(volume["ResourceId"] == "7" && volume["ResourceName"] == "API_POOL" && volume["ServiceCategory"] == "Storage")
        #expect(volume["ChargePeriodStart"] == "2024-04-01T00:00:00Z" && volume["ChargePeriodEnd"] == "2024-04-02T00:00:00Z")
        // IOPS: 1,000 IOPS-days at 6.00/30 per 1,000 IOPS-day = 0.0002 USD per IOPS-day: 0.2 USD.
        let iops = try only("block_storage_iops")
        #expect([iops["ConsumedQuantity"], iops["ConsumedUnit"], iops["PricingQuantity"], iops["PricingUnit"],
                 iops["ContractedUnitPrice"], iops["ListUnitPrice"], iops["BilledCost"]]
            == ["1000", "IOPS-Days", "1000", "IOPS-Days", "0.0002", "0.0002", "0.2"])
        let throughput = try only("block_storage_throughput")
        #expect(throughput["PricingQuantity"] == "0.09765625" && throughput["PricingUnit"] == "GiBps-Days")
        #expect(volume["ServiceName"] == "Snowpark Container Services Block Storage")
        // The snapshot is WEB_SVC's: 20 GiB-days at 51.20/30 per TiB-day = 1/30 USD.
        let snapshot = try only("snapshot")
        #expect(snapshot["ResourceId"] == "WEB_SVC" && snapshot["ResourceType"] == "Service")
        #expect(snapshot["ConsumedQuantity"] == "20" && snapshot["ServiceSubcategory"] == "Block Storage")
        #expect(abs(Self.dec(snapshot["BilledCost"]!) - Decimal(1) / 30) < Self.epsilon)
        // Transfer: API_POOL's internal 1 TiB (1,024 GiB) at 3.07; the egress 0.5 TiB at 90, an account line.
        let internalTransfer = try only("data_transfer") { $0["ResourceName"] == "API_POOL" }
        #expect([internalTransfer["ConsumedQuantity"], internalTransfer["ConsumedUnit"], internalTransfer["PricingQuantity"],
                 internalTransfer["PricingUnit"], internalTransfer["BilledCost"]] == ["1024", "GiB", "1", "TiB", "3.07"])
        let egress = try only("data_transfer") { $0["ResourceId"] == "" }
        #expect(egress["ConsumedQuantity"] == "512" && egress["BilledCost"] == "45"
                && egress["SkuId"] == "TRANSFER_DIFFERENT_REGION" && egress["ServiceCategory"] == "Networking")
        // The adjustment is a credit (FOCUS 1.2 Discount Handling): no quantity, unit price or SKU; ChargeClass null.
        let adjustment = try only("data_transfer_adjustment")
        #expect(adjustment["ChargeCategory"] == "Credit" && adjustment["ChargeClass"] == "")
        #expect(adjustment["BilledCost"] == "-0.198" && adjustment["EffectiveCost"] == "-0.198" && adjustment["ListCost"] == "-0.198")
        #expect([adjustment["ConsumedQuantity"], adjustment["PricingQuantity"], adjustment["PricingUnit"],
                 adjustment["ListUnitPrice"], adjustment["SkuId"], adjustment["ResourceId"]] == ["", "", "", "", "", ""])
        // Task warehouse credits: one row per task and UTC day, 0.1671 credits at 3 USD.
        let resume = try only("task_warehouse") {
            $0["ResourceId"] == "OPS.PUBLIC.RESUME_API_POOL" && $0["ChargePeriodStart"] == "2024-04-02T00:00:00Z"
        }
        #expect([resume["ConsumedQuantity"], resume["ConsumedUnit"], resume["PricingQuantity"], resume["PricingUnit"],
                 resume["BilledCost"], resume["ContractedUnitPrice"], resume["SkuId"], resume["x_Warehouse"],
                 resume["ResourceType"]]
            == ["0.1671", "Credits", "0.1671", "Credits", "0.5013", "3", "WAREHOUSE_METERING", "TASKS_WH", "Task"])
        #expect(rows.filter { $0["x_ChargeKind"] == "task_warehouse" }.count == 4)
        // Serverless task credits: 0.00025 at 3 USD, no warehouse.
        let serverless = try only("serverless_task")
        #expect([serverless["ConsumedQuantity"], serverless["PricingUnit"], serverless["BilledCost"], serverless["SkuId"],
                 serverless["ServiceName"], serverless["ServiceSubcategory"], serverless["ResourceId"], serverless["x_Warehouse"]]
            == ["0.00025", "Credits", "0.00075", "SERVERLESS_TASK", "Serverless Tasks", "Serverless Compute",
                "OPS.PUBLIC.NIGHT_SUSPEND", ""])
        #expect(rows.filter { $0["x_ChargeKind"] == "compute" }.count == 2)
    }

    @Test func reportByPoolAndAccountCarryTheWholeBill() async throws {
        let (cache, _dir) = try await pulledCache()
        _ = _dir
        let byPool = try ReportService(env: env).build(reportOptions(by: .pool), cache: cache)
        let bill = try #require(byPool.wholeBill)
        let pools = Dictionary(uniqueKeysWithValues: byPool.groups.map { ($0.key, $0) })
        #expect(byPool.groups.map(\.key) == ["(account MYACCOUNT)", "API_POOL"])
        // API_POOL: its compute, volume, IOPS, throughput and internal transfer, and the tasks, which all act on it
        // (ALTER COMPUTE POOL API_POOL ...): 0.6684 warehouse credits (2.0052 USD) and 0.00025 serverless (0.00075 USD).
        let pool = try #require(pools["API_POOL"])
        // Exact but for Decimal's 38th digit: 4.80078125 / 30 does not terminate, and the expectation adds in its own order.
        #expect(abs(pool.wholeBill.amount - (dec("3.96") + dec("0.32001953125") + dec("0.2") + dec("4.80078125") / 30
            + dec("3.07") + dec("2.0052") + dec("0.00075"))) < Self.epsilon)
        #expect(pool.sum(of: [.dataTransfer], currency: .usd).amount == Money(dec("3.07"), .usd))
        #expect(pool.sum(of: [.taskWarehouse, .serverlessTask], currency: .usd).quantity == dec("0.66865"))
        // The account line: WEB_SVC's snapshot (no pool), the egress and the adjustment; no task is left on it.
        let account = try #require(pools["(account MYACCOUNT)"])
        #expect(account.metered.amount == Money(0, .usd))
        #expect(account.sum(of: [.taskWarehouse, .serverlessTask], currency: .usd).quantity == 0)
        #expect(abs(account.wholeBill.amount - (Decimal(1) / 30 + 45 - dec("0.198"))) < Self.epsilon)
        #expect(abs(byPool.groups.reduce(Money(0, .usd)) { $0 + $1.wholeBill }.amount - bill.total.amount) < Self.epsilon)

        let byAccount = try ReportService(env: env).build(reportOptions(by: .account), cache: cache)
        #expect(byAccount.groups.map(\.key) == ["MYACCOUNT"])
        #expect(abs(try #require(byAccount.groups.first).wholeBill.amount - Self.total) < Self.epsilon)

        // --by family: API_POOL's rows under its family (COMPUTE_POOLS: CPU_X64_XS); --by application: API_POOL runs
        // no application, so its rows join its compute on the `""` line; the rest is the account line either way.
        let byFamily = try ReportService(env: env).build(reportOptions(by: .family), cache: cache)
        #expect(byFamily.groups.map(\.key) == ["(account MYACCOUNT)", "CPU_X64_XS"])
        #expect(abs(try #require(byFamily.groups.last).wholeBill.amount - pool.wholeBill.amount) < Self.epsilon)
        let byApplication = try ReportService(env: env).build(reportOptions(by: .application), cache: cache)
        #expect(byApplication.groups.map(\.key) == ["", "(account MYACCOUNT)"])
        #expect(abs(byApplication.groups.reduce(Money(0, .usd)) { $0 + $1.wholeBill }.amount - Self.total) < Self.epsilon)

        // The table: per kind columns and a total row equal to the whole bill.
        let document = Document.savingsReport(byPool, stamp: ReportStamp(toolVersion: "test", commandLine: "spcs-cost report"))
        let table = try #require(document.tables.first { $0.id == "by_pool" })
        #expect(table.columns.map(\.key).suffix(9) == ["task_credits", "tasks_cost_USD", "block_storage_cost_USD",
                                                      "snapshots_cost_USD", "data_transfer_cost_USD",
                                                      "transfer_adjustment_cost_USD", "whole_bill_cost_USD",
                                                      "net_saved_vs_always_on_credits", "net_saved_vs_always_on_USD"])
    }

    func dec(_ text: String) -> Decimal { Self.dec(text) }
}
