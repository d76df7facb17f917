import Foundation
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Planned block storage set against BLOCK_STORAGE_HISTORY in `reconcile`, `report` and `nightly`, on a real SQLite
/// cache file. The worked example: pool API_POOL in AWS US East 1 plans 100 GiB for April 2026 and meters 150 GiB
/// every day. Volume price 81.92 USD per TB-month (Consumption Table 3(c), catalog/dollar-prices-2026-04.json),
/// 2^40 bytes a TB, spread over April's 30 days:
/// - planned: 100/1024 TB × 81.92 = 8.00 USD (3,000 GiB-days; 0.2666… USD a day);
/// - metered: 150/1024 TB × 81.92 = 12.00 USD (4,500 GiB-days; 0.40 USD a day);
/// - the block storage cause: 12.00 − 8.00 = 4.00 USD (0.1333… a day).
/// The pool runs always on and meters exactly its planned credits, so storage is the only difference.
@Suite struct PlannedStorageReconcileTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let from = CivilDate("2026-04-01")!, to = CivilDate("2026-04-30")!
    static let poolsText = """
        [defaults]
        region = "aws-us-east-1"
        edition = "standard"
        [[pools]]
        name = "API_POOL"
        family = "CPU_X64_XS"
        block_storage = { gib = 100 }
        """

    let env: Environment
    let folder: TemporaryDirectory
    let cache: UsageCache
    let pools: PoolsFile
    /// The pool's credits per node-hour on the April 2026 card (what the always-on estimate uses).
    let rate: Decimal

    /// A cache file with API_POOL always on for April 2026 at its card's rate, and 150 GiB of volumes every day.
    init() throws {
        env = try testEnvironment()
        folder = try TemporaryDirectory()
        cache = try UsageCache(.path(folder.path("cache.sqlite")))
        pools = try PoolsFile.parse(Self.poolsText, file: "storage.toml")
        var warnings: [String] = []
        let card = try env.catalog.rateCard(id: nil, asOf: Self.from, warnings: &warnings)
        rate = try env.catalog.rate(of: InstanceFamily("CPU_X64_XS")!, on: card).creditsPerNodeHour
        let nano = NanoCredits(Int64(truncating: (rate * 1_000_000_000) as NSNumber))
        let start = Self.from.startInstant(in: Self.utc), end = Self.to.adding(days: 1).startInstant(in: Self.utc)
        try cache.load(.init(kind: "pull", source: "test", checksum: "", loadedAt: start)) { w in
            var hour = start
            while hour < end {
                try w.upsert(UsageRecord(startTime: hour, endTime: hour.addingTimeInterval(3600),
                                         computePoolName: "API_POOL", computePoolID: 1, creditsUsed: nano))
                hour = hour.addingTimeInterval(3600)
            }
            for day in 0..<30 {
                try w.upsert(BlockStorageRecord(usageDate: Self.from.adding(days: day), storageType: "BLOCK_STORAGE",
                                                poolName: "API_POOL", poolID: 1, bytes: 150 * 1_073_741_824))
            }
        }
    }

    /// True when `m` is `expected` USD to 25 decimals: day-by-day sums of a month's price ÷ 30 carry 38-digit
    /// Decimal remainders (as in PlannedStorageEstimateTests).
    func close(_ m: Money?, _ expected: Decimal) -> Bool {
        guard let m, m.currency == .usd else { return false }
        return abs(m.amount - expected) < dec("1e-25")
    }

    /// Reconcile priced in USD, days in UTC.
    func reconcile(_ file: PoolsFile? = nil) throws -> ReconcileResult {
        var o = ReconcileOptions(pools: file ?? pools, from: Self.from, to: Self.to)
        o.timeZone = Self.utc
        var price = PriceSettings()
        price.region = "aws-us-east-1"
        o.price = price
        return try ReconcileService(env: env).reconcile(o, cache: cache)
    }

    @Test func reconcileExplainsTheStorageDifferenceAsItsOwnCause() throws {
        let r = try reconcile()
        let pool = try #require(r.pools.first { $0.pool == "API_POOL" })
        let money = try #require(pool.money)
        // Compute matches its plan exactly: no credit difference.
        #expect(pool.meteredCredits == pool.estimatedCredits)
        #expect(close(money.plannedStorage, 8))
        #expect(close(money.meteredStorage, 12))
        #expect(close(money.byCause[.blockStorage], 4))
        #expect(close(money.difference, 4))
        // The causes add up to the difference exactly.
        #expect(close(money.byCause.values.reduce(Money.zero(.usd), +), money.difference.amount))
        // Storage is on both sides of the money, per day: 0.40 metered, 8/30 planned.
        let day = pool.days[9]
        #expect(close(day.money?.meteredStorage, dec("0.4")))
        #expect(abs((day.money?.plannedStorage.amount ?? 0) - Decimal(8) / 30) < dec("1e-30"))
        #expect(close(day.money!.byCause[.blockStorage]! + (day.money!.byCause[.unexplained] ?? .zero(.usd)),
                      (day.money!.metered.amount - day.money!.estimated.amount).amount))
        let storage = try #require(r.storage["API_POOL"])
        #expect(storage.plannedGiBDays == 3_000 && storage.meteredGiBDays == 4_500)
        #expect(storage.days.count == 30)
    }

    @Test func theReconcileDocumentShowsTheCauseLineAndTheStorageTable() throws {
        let r = try reconcile()
        let input = ReconcileReport.Input(pools: r.pools, from: r.from, to: r.to, rateCardID: r.rateCardID,
                                          warnings: r.warnings, currency: r.currency, priceRuns: r.priceRuns,
                                          storage: r.storage.values.sorted { $0.pool < $1.pool })
        let doc = Document.reconcile(input, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
        let causes = try #require(doc.tables.first { $0.id == "causes" })
        #expect(causes.rows.contains { row in
            row.cells.contains { if case .text("block_storage") = $0 { true } else { false } }
                && row.cells.contains { if case let .money(m) = $0 { close(m, 4) } else { false } }
        })
        let table = try #require(doc.tables.first { $0.id == "storage" })
        #expect(table.rows.count == 1)
        let text = TableWriter().render(doc)
        #expect(text.contains("Block storage and snapshots against the plan"))
        #expect(text.contains("also while the pool is suspended"))
        // Without planned storage the per-day table has no block storage column (documents unchanged).
        let plain = Document.reconcile(ReconcileReport.Input(pools: r.pools, from: r.from, to: r.to,
                                                             rateCardID: r.rateCardID, warnings: [], currency: .usd),
                                       stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
        let days = try #require(plain.tables.first { $0.id == "days" })
        #expect(!days.columns.contains { $0.key.hasSuffix("block_storage") })
    }

    @Test func snapshotsOfTheAccountAreSharedAmongThePoolsThatPlanThem() throws {
        // 20 GiB of snapshots a day (no pool), planned 10 GiB by API_POOL: all 20 are set against its 10.
        try cache.load(.init(kind: "pull", source: "test", checksum: "", loadedAt: Self.from.startInstant(in: Self.utc))) { w in
            for day in 0..<30 {
                try w.upsert(BlockStorageRecord(usageDate: Self.from.adding(days: day), storageType: "SNAPSHOT",
                                                poolName: nil, poolID: nil, bytes: 20 * 1_073_741_824))
            }
        }
        let file = try PoolsFile.parse(Self.poolsText + "\nsnapshots = { gib = 10 }\n", file: "storage.toml")
        let r = try reconcile(file)
        let storage = try #require(r.storage["API_POOL"])
        // Snapshots at 51.20 USD per TB-month: planned 10/1024 × 51.20 = 0.50, metered 20/1024 × 51.20 = 1.00.
        #expect(close(storage.planned, dec("8.5")))
        #expect(close(storage.metered, 13))
        #expect(storage.plannedGiBDays == 3_300 && storage.meteredGiBDays == 5_100)
        #expect(close(r.pools[0].money?.byCause[.blockStorage], dec("4.5")))
    }

    @Test func reportAndNightlyCarryPlannedStorageIntoTheVariance() throws {
        var o = ReportOptions(from: Self.from, to: Self.to, timeZone: Self.utc)
        o.poolsFile = pools
        o.region = "aws-us-east-1"
        let service = ReportService(env: env)
        let report = try service.build(o, cache: cache)
        let storage = try #require(report.storageAgainstPlan.first)
        #expect(report.storageAgainstPlan.count == 1)
        #expect(close(storage.planned, 8) && close(storage.metered, 12))
        let estimated = try #require(report.estimated)
        #expect(report.metered == estimated)  // compute as planned
        #expect(close(report.estimatedWithStorage?.amount, estimated.amount.amount + 8))
        #expect(close(report.meteredWithStorage.amount, report.metered.amount.amount + 12))
        let pct = try #require(report.variancePercent)
        #expect(abs(pct - Decimal(4) / (estimated.amount.amount + 8) * 100) < dec("1e-25"))
        let doc = Document.savingsReport(report, stamp: ReportStamp(toolVersion: "0", commandLine: "c"), detail: .day)
        #expect(doc.figures.contains { $0.key == "planned_storage" && close($0.amount, 8) })
        #expect(doc.figures.contains { $0.key == "difference_with_storage" && close($0.amount, 4) })
        #expect(doc.tables.contains { $0.id == "storage" } && doc.tables.contains { $0.id == "storage_days" })

        // nightly on 1 May 2026 reports April: its variance check reads the same figure.
        var report2 = o
        report2.formats = []
        var n = NightlyOptions(pools: pools, report: report2, outDirectory: folder.path("nightly"))
        n.maxVariancePercent = pct / 2
        let outcome = try NightlyJob(env: env).run(n, cache: cache, today: CivilDate("2026-05-01")!,
                                                   stamp: ReportStamp(toolVersion: "0", commandLine: "c"), pullSummary: nil)
        #expect(outcome.failed.contains(.varianceExceeded))
        #expect(outcome.lines.contains { $0.hasPrefix("VARIANCE: metered is \(MoneyFormat.round(pct, scale: 1)) %") })
        n.maxVariancePercent = pct * 2
        let calm = try NightlyJob(env: env).run(n, cache: cache, today: CivilDate("2026-05-01")!,
                                                stamp: ReportStamp(toolVersion: "0", commandLine: "c"), pullSummary: nil)
        #expect(!calm.failed.contains(.varianceExceeded))
    }

    // MARK: - whatif

    /// whatif over the same cache: business hours 09:00-18:00 on April 2026's 22 weekdays (1 April is a Wednesday).
    func whatIf(_ file: PoolsFile? = nil) throws -> WhatIfRun {
        var o = ReconcileOptions(pools: file ?? pools, from: Self.from, to: Self.to)
        o.timeZone = Self.utc
        var price = PriceSettings()
        price.region = "aws-us-east-1"
        o.price = price
        return try WhatIfService(env: env).run(o, policies: ["always-on", "business-hours=09:00-18:00,MON-FRI,UTC"],
                                               cache: cache)
    }

    /// The schedule's tasks are in the business-hours policy's cost: 22 windows = 44 runs (a resume and a suspend
    /// each) on an X-Small warehouse (1 credit/h, assumed: the pools file names no task), 60 s each = 44/60 =
    /// 0.7333… credits counted, up to 44 × 600 s = 7.333… credits (AUTO_SUSPEND 600, issue 11's worked example).
    /// Block storage (150 GiB metered = 12.00 USD) is the same under both policies and in neither's cost.
    @Test func whatIfCostsTheScheduleTasksAndKeepsStorage() throws {
        let run = try whatIf()
        let always = try #require(run.results.first { $0.policy == .alwaysOn })
        let hours = try #require(run.results.first { if case .businessHours = $0.policy { true } else { false } })
        #expect(always.tasks == nil)
        let tasks = try #require(hours.tasks)
        #expect(tasks.runs == 44 && !tasks.fromPoolsFile)
        #expect(tasks.compute == .warehouse(name: nil, size: .xSmall))
        #expect(abs(tasks.credits - Decimal(44) * 60 / 3600) < dec("1e-25"))
        #expect(abs(tasks.highCredits - Decimal(44) * 600 / 3600) < dec("1e-25"))
        #expect(abs(hours.policyCredits - (198 * rate + Decimal(44) * 60 / 3600)) < dec("1e-25"))
        #expect(tasks.assumption.contains("0.733333333 credits") && tasks.assumption.contains("7.333333333 credits"))
        // The tasks' cost is the ledger's charge of their credits, inside the policy's cost.
        let cost = try #require(tasks.cost)
        #expect(abs(cost.quantity - tasks.credits) < dec("1e-25"))
        let policy = try #require(hours.policyCost)
        #expect(cost.amount.amount > 0 && cost.amount.amount < policy.amount.amount)
        for r in run.results {
            #expect(close(r.storage, 12) && r.storageSource == "metered", "\(r.policy.label)")
        }
        // In the document: the tasks' assumption, their figure and columns, storage unchanged across policies.
        let input = WhatIfInput(results: run.results, from: Self.from, to: Self.to, rateCardID: run.rateCardID,
                                warnings: run.warnings, currency: run.currency, priceRuns: run.priceRuns)
        let doc = Document.whatIf(input, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
        #expect(doc.figures.contains { $0.key.hasSuffix("_tasks") && $0.amount == cost.amount && $0.credits == cost.quantity })
        #expect(doc.figures.contains { $0.key == "block_storage" && close($0.amount, 12) })
        let table = try #require(doc.tables.first { $0.id == "pools" })
        #expect(table.columns.contains { $0.key == "task_credits" } && table.columns.contains { $0.key == "storage_cost_USD" })
        let text = TableWriter().render(doc)
        #expect(text.contains("Schedule tasks") && text.contains("assumed: the pools file names no task"))
        #expect(text.contains("API_POOL: 12.00 USD (metered), under every policy"))
    }

    /// Serverless tasks from the pools file: 44 runs × 1 s × 1 credit/h (X-Small) × 0.9 = 0.011 credits, low = high.
    @Test func whatIfTakesThePoolsFilesServerlessTasks() throws {
        let file = try PoolsFile.parse(Self.poolsText + """

            [[pools.tasks]]
            name = "RESUME_API"
            action = "resume"
            schedule = "USING CRON 0 9 * * MON-FRI UTC"
            serverless = true
            run_seconds = 1
            [[pools.tasks]]
            name = "SUSPEND_API"
            action = "suspend"
            schedule = "USING CRON 0 18 * * MON-FRI UTC"
            serverless = true
            run_seconds = 1
            """, file: "storage.toml")
        let run = try whatIf(file)
        let hours = try #require(run.results.first { if case .businessHours = $0.policy { true } else { false } })
        let tasks = try #require(hours.tasks)
        #expect(tasks.fromPoolsFile && tasks.runs == 44)
        #expect(tasks.credits == dec("0.011") && tasks.highCredits == tasks.credits)
        #expect(tasks.assumption.contains("serverless"))
    }

    /// The tasks' warehouse AUTO_SUSPEND as pulled (SHOW WAREHOUSES: TASK_WH at 300 s) is the high end instead of the
    /// assumed 600 s: 44 runs × 300 s × 1 credit/h ÷ 3600 = 3.666… credits at most; the 60 s minimum counted is
    /// unchanged (0.7333…). A warehouse the pull did not see keeps 600 s, said as assumed.
    @Test func whatIfTakesTheTaskWarehousesAutoSuspendFromThePull() throws {
        let tasks = """

            [[pools.tasks]]
            name = "RESUME_API"
            action = "resume"
            schedule = "USING CRON 0 9 * * MON-FRI UTC"
            warehouse = "TASK_WH"
            [[pools.tasks]]
            name = "SUSPEND_API"
            action = "suspend"
            schedule = "USING CRON 0 18 * * MON-FRI UTC"
            warehouse = "TASK_WH"
            """
        let file = try PoolsFile.parse(Self.poolsText + tasks, file: "storage.toml")
        let before = try #require(try whatIf(file).results.compactMap(\.tasks).first)
        #expect(abs(before.highCredits - Decimal(44) * 600 / 3600) < dec("1e-25") && !before.autoSuspendPulled)
        #expect(before.assumption.contains("assumed 600 s, the CREATE WAREHOUSE default"))
        _ = try cache.load(.init(kind: "pull", source: "test", checksum: "w", loadedAt: Self.from.startInstant(in: Self.utc))) { w in
            try w.replaceWarehouses([WarehouseRecord(name: "TASK_WH", size: "X-Small", type: "STANDARD",
                                                     autoSuspendSeconds: 300, autoResume: true)],
                                    organization: "", account: "")
        }
        let after = try #require(try whatIf(file).results.compactMap(\.tasks).first)
        #expect(after.runs == 44 && after.autoSuspendPulled && after.autoSuspendSeconds == 300)
        #expect(abs(after.highCredits - Decimal(44) * 300 / 3600) < dec("1e-25"))
        #expect(abs(after.credits - Decimal(44) * 60 / 3600) < dec("1e-25"))
        #expect(after.assumption.contains("3.666666667 credits") && after.assumption.contains("300 s, SHOW WAREHOUSES as last pulled"))
    }
}
