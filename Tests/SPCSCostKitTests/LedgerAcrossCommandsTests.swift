import Foundation
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Every command reads money from the one ledger: for the same cache and flags, `estimate` (planned), `report`,
/// `reconcile` and `whatif` give the same amount for the same pool and UTC day.
///
/// The cache: pool ALWAYS_POOL (CPU_X64_XS, 1 node, rate card 2024: 0.11 credits/node-hour) metered 0.11 credits
/// every hour of 2024-04-10 to 2024-04-20 UTC, so 2.64 credits a day, and in COMPUTE_POOLS since 2024-01-01; pool
/// LATE_POOL created on 2024-04-25 and metered 0.11 credits an hour from then to the month's end.
@Suite struct LedgerAcrossCommandsTests {
    static let utc = TimeZone(identifier: "UTC")!
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static func t(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    static let poolsText = """
        [defaults]
        region = "aws-ap-northeast-1"
        rate_card = "2024"

        [[pools]]
        name = "ALWAYS_POOL"
        family = "CPU_X64_XS"
        auto_suspend_secs = 0
        timezone = "UTC"

        [[pools]]
        name = "LATE_POOL"
        family = "CPU_X64_XS"
        auto_suspend_secs = 0
        timezone = "UTC"
        """

    /// Two on-demand tables for AWS Tokyo, Standard: 2.85 USD from 2024-04-01, 3.00 USD from 2024-04-15 (the
    /// bundled tables are kept, later).
    static func catalog() throws -> PriceCatalog {
        let bundled = try BundledCatalog.load()
        func table(_ id: String, _ from: String, _ standard: String) -> CreditPriceTable {
            CreditPriceTable(id: id, title: "test table \(id)", effectiveFrom: d(from), currency: .usd, source: "test",
                             regions: [.init(region: RegionID("aws-ap-northeast-1")!, name: "AWS AP Northeast 1 (Tokyo)",
                                             prices: [.standard: dec(standard), .enterprise: dec("4.30"),
                                                      .businessCritical: dec("5.70")])])
        }
        return PriceCatalog(rateCards: bundled.rateCards,
                            priceTables: [table("T-2024-04-01", "2024-04-01", "2.85"), table("T-2024-04-15", "2024-04-15", "3.00")]
                                + bundled.priceTables)
    }

    static func env() throws -> Environment {
        Environment(now: { t("2026-11-29T12:00:00Z") }, variables: [:], homeDirectory: "/nonexistent-home",
                    currentDirectory: Repository.root.path, catalog: try catalog())
    }

    /// FX: 150 JPY per USD each day to 2024-04-14, 160 from 2024-04-15.
    static func fxTable() throws -> FXTable {
        try FXTable(rows: (1...30).map { day in
            let date = CivilDate(year: 2024, month: 4, day: day)!
            return .init(date: date, base: .usd, quote: .jpy, rate: day < 15 ? 150 : 160, source: "test FX", origin: "test")
        })
    }

    static func cache(rateSheet: [(String, String)] = []) throws -> UsageCache {
        let cache = try UsageCache(.memory)
        var rows: [UsageRecord] = []
        var hour = t("2024-04-10T00:00:00Z")
        while hour < t("2024-04-21T00:00:00Z") {
            rows.append(UsageRecord(startTime: hour, endTime: hour.addingTimeInterval(3600), computePoolName: "ALWAYS_POOL",
                                    computePoolID: 1, creditsUsed: NanoCredits(110_000_000)))
            hour = hour.addingTimeInterval(3600)
        }
        hour = t("2024-04-25T00:00:00Z")
        while hour < t("2024-05-01T00:00:00Z") {
            rows.append(UsageRecord(startTime: hour, endTime: hour.addingTimeInterval(3600), computePoolName: "LATE_POOL",
                                    computePoolID: 2, creditsUsed: NanoCredits(110_000_000)))
            hour = hour.addingTimeInterval(3600)
        }
        try cache.load(.init(kind: "pull", source: "test", checksum: "", loadedAt: t("2026-11-29T00:00:00Z"))) { w in
            for r in rows { try w.upsert(r) }
            try w.upsert(ComputePoolRecord(name: "ALWAYS_POOL", id: 1, minNodes: 1, maxNodes: 1, instanceFamily: "CPU_X64_XS",
                                           created: t("2024-01-01T00:00:00Z")))
            try w.upsert(ComputePoolRecord(name: "LATE_POOL", id: 2, minNodes: 1, maxNodes: 1, instanceFamily: "CPU_X64_XS",
                                           created: t("2024-04-25T00:00:00Z")))
            for (day, rate) in rateSheet {
                try w.upsert(RateSheetRow(date: d(day), currency: .usd, effectiveRate: dec(rate),
                                          serviceType: RateSheet.spcsServiceType, usageType: "compute", origin: "test"))
            }
        }
        return cache
    }

    static func pools() throws -> PoolsFile { try PoolsFile.parse(poolsText, file: "ledger.toml") }

    /// What each command says one pool's day costs, in JPY (exact).
    struct Amounts: Equatable, CustomStringConvertible {
        var metered: [String: Decimal] = [:]
        var estimate: [String: Decimal] = [:]
        var alwaysOn: [String: Decimal] = [:]
        var description: String { "metered \(metered), estimate \(estimate), always on \(alwaysOn)" }
    }

    /// Runs report, reconcile and whatif over `from...to` (UTC days) and collects each one's amounts for `pool`.
    static func cacheCommands(_ cache: UsageCache, pool: String, from: String, to: String, fx: [FXArgument],
                              fxTable: FXTable?, zone: TimeZone = utc) throws -> (report: Amounts, reconcile: Amounts, whatif: Amounts) {
        let env = try env()
        let file = try pools()
        var o = ReportOptions(from: d(from), to: d(to), timeZone: zone)
        o.poolsFile = file
        o.region = "aws-ap-northeast-1"
        o.currency = .jpy
        o.fx = fx
        o.fxTable = fxTable
        let report = try ReportService(env: env).build(o, cache: cache)
        var r = Amounts()
        for day in report.days where day.pool == pool {
            r.metered[day.date.description] = day.metered.amount.amount
            r.estimate[day.date.description] = day.estimated?.amount.amount
            r.alwaysOn[day.date.description] = day.alwaysOn?.amount.amount
        }
        var ro = ReconcileOptions(pools: file, from: d(from), to: d(to))
        ro.timeZone = zone
        ro.price = o.priceSettings
        let reconciled = try ReconcileService(env: env).reconcile(ro, cache: cache)
        for p in reconciled.pools {
            // The causes add up to the difference in money, exactly.
            let m = try #require(p.money)
            #expect(m.byCause.values.reduce(Money.zero(.jpy), +) == m.difference, "\(p.pool)")
        }
        var c = Amounts()
        for day in try #require(reconciled.pools.first { $0.pool == pool }).days {
            c.metered[day.date.description] = day.money?.metered.amount.amount
            c.estimate[day.date.description] = day.money?.estimated.amount.amount
        }
        let run = try WhatIfService(env: env).reprice(reconciled, pools: file, policies: [.alwaysOn], zone: zone,
                                                      cache: cache, price: o.priceSettings)
        var w = Amounts()
        for day in try #require(run.results.first { $0.pool == pool }).days {
            w.metered[day.date.description] = day.metered?.amount.amount
            w.alwaysOn[day.date.description] = day.policy?.amount.amount
        }
        return (r, c, w)
    }

    /// The planned estimate of `pool` for one UTC day, Standard, as `estimate --pools` computes it.
    static func estimateDay(_ pool: String, _ day: String, fx: Decimal?, fxTable: FXTable?) throws -> (plan: Decimal, alwaysOn: Decimal) {
        let file = try pools()
        let entries = file.pools.filter { $0.plan.pool.name == pool }.map {
            PlanEntry(plan: $0.plan, region: $0.region, editions: [.standard], creditPrice: $0.creditPrice, rateCardID: $0.rateCardID)
        }
        var o = PlanEstimateOptions(period: .days(from: d(day), through: d(day)))
        o.rateCardID = "2024"
        o.region = "aws-ap-northeast-1"
        o.currency = .jpy
        if let fx { o.fx = [.usd: fx] }
        o.fxTable = fxTable
        o.compareAlwaysOn = true
        let r = try EstimateService(catalog: try catalog()).estimate(plans: entries, options: o, today: d("2026-11-29"))
        return (r.pools[0].costs[0].converted.amount, r.savings[0].alwaysOn.costs[0].converted.amount)
    }

    /// A price-table effective date (2024-04-15) and a dated FX change on the same day, no rate sheet: the four
    /// commands agree on ALWAYS_POOL's days.
    @Test func fourCommandsAgreeAcrossAPriceTableEffectiveDate() throws {
        let cache = try Self.cache()
        let fx = try Self.fxTable()
        // (day, JPY): 2.64 credits × 2.85 USD × 150 = 1,128.6 on 04-14; 2.64 × 3.00 × 160 = 1,267.2 on 04-15.
        let cases: [(day: String, jpy: String)] = [("2024-04-14", "1128.6"), ("2024-04-15", "1267.2")]
        let (report, reconcile, whatif) = try Self.cacheCommands(cache, pool: "ALWAYS_POOL", from: "2024-04-14",
                                                                 to: "2024-04-15", fx: [], fxTable: fx)
        for c in cases {
            let expected = dec(c.jpy)
            let estimate = try Self.estimateDay("ALWAYS_POOL", c.day, fx: nil, fxTable: fx)
            #expect(estimate.plan == expected, "estimate \(c.day)")
            #expect(estimate.alwaysOn == expected, "estimate always on \(c.day)")
            #expect(report.metered[c.day] == expected && report.estimate[c.day] == expected
                    && report.alwaysOn[c.day] == expected, "report \(c.day): \(report)")
            #expect(reconcile.metered[c.day] == expected && reconcile.estimate[c.day] == expected,
                    "reconcile \(c.day): \(reconcile)")
            #expect(whatif.metered[c.day] == expected && whatif.alwaysOn[c.day] == expected, "whatif \(c.day): \(whatif)")
        }
    }

    /// A RATE_SHEET_DAILY price change mid-month (2.00 USD from 04-01, 2.50 USD from 04-15; 04-14 carried forward)
    /// at --fx 150: report, reconcile and whatif read the same price per UTC day. (`estimate` reads no cache, so
    /// it prices by the table: the test above.)
    @Test func cacheCommandsAgreeAcrossARateSheetChange() throws {
        let cache = try Self.cache(rateSheet: [("2024-04-01", "2.00"), ("2024-04-15", "2.50")])
        // (day, JPY): 2.64 × 2.00 × 150 = 792 on 04-14; 2.64 × 2.50 × 150 = 990 on 04-15.
        let cases: [(day: String, jpy: String)] = [("2024-04-14", "792"), ("2024-04-15", "990")]
        let (report, reconcile, whatif) = try Self.cacheCommands(cache, pool: "ALWAYS_POOL", from: "2024-04-14",
                                                                 to: "2024-04-15", fx: [.bare(150)], fxTable: nil)
        for c in cases {
            let expected = dec(c.jpy)
            #expect(report.metered[c.day] == expected && report.estimate[c.day] == expected
                    && report.alwaysOn[c.day] == expected, "report \(c.day): \(report)")
            #expect(reconcile.metered[c.day] == expected && reconcile.estimate[c.day] == expected,
                    "reconcile \(c.day): \(reconcile)")
            #expect(whatif.metered[c.day] == expected && whatif.alwaysOn[c.day] == expected, "whatif \(c.day): \(whatif)")
        }
    }

    /// Days of Asia/Tokyo (UTC+9) span two UTC days, each at its own rate-sheet price. Tokyo's 2024-04-15 is 9 hours
    /// of UTC 04-14 (2.00 USD) and 15 of UTC 04-15 (2.50 USD): metered and always on are 0.99 × 2.00 × 150 +
    /// 1.65 × 2.50 × 150 = 297 + 618.75 = 915.75 JPY in report, reconcile and whatif; the day's estimate is priced at
    /// the UTC day of its first instant (04-14): 2.64 × 2.00 × 150 = 792 JPY in report and reconcile; reconcile's
    /// 123.75 JPY difference on 0 credits is all "unexplained" (a second UTC day's price).
    @Test func aLocalDayAcrossTwoUTCPricesAgreesToo() throws {
        let cache = try Self.cache(rateSheet: [("2024-04-01", "2.00"), ("2024-04-15", "2.50")])
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let (report, reconcile, whatif) = try Self.cacheCommands(cache, pool: "ALWAYS_POOL", from: "2024-04-15",
                                                                 to: "2024-04-15", fx: [.bare(150)], fxTable: nil, zone: tokyo)
        let day = "2024-04-15"
        #expect(report.metered[day] == dec("915.75") && reconcile.metered[day] == dec("915.75")
                && whatif.metered[day] == dec("915.75"))
        #expect(report.alwaysOn[day] == dec("915.75") && whatif.alwaysOn[day] == dec("915.75"))
        #expect(report.estimate[day] == 792 && reconcile.estimate[day] == 792)
        var ro = ReconcileOptions(pools: try Self.pools(), from: Self.d(day), to: Self.d(day))
        ro.timeZone = tokyo
        var settings = PriceSettings()
        settings.region = "aws-ap-northeast-1"
        settings.currency = .jpy
        settings.fx = [.bare(150)]
        ro.price = settings
        let r = try ReconcileService(env: try Self.env()).reconcile(ro, cache: cache)
        let money = try #require(r.pools.first { $0.pool == "ALWAYS_POOL" }?.money)
        #expect(money.byCause[.unexplained] == Money(dec("123.75"), .jpy))
        #expect(r.priceRuns.count == 2)
    }

    /// LATE_POOL was created on 2024-04-25: whatif's always-on counts 6 days × 24 h × 0.11 = 15.84 credits from
    /// then (not 30 days' 79.2), as report's always-on does; at the 2024-04-15 table's 3.00 USD × 150 = 7,128 JPY.
    @Test func aPoolCreatedOnThe25thCountsOnlyFromThen() throws {
        let cache = try Self.cache()
        let env = try Self.env()
        let file = try Self.pools()
        var ro = ReconcileOptions(pools: file, from: Self.d("2024-04-01"), to: Self.d("2024-04-30"))
        ro.timeZone = Self.utc
        var settings = PriceSettings()
        settings.region = "aws-ap-northeast-1"
        settings.currency = .jpy
        settings.fx = [.bare(150)]
        ro.price = settings
        let reconciled = try ReconcileService(env: env).reconcile(ro, cache: cache)
        let run = try WhatIfService(env: env).reprice(reconciled, pools: file, policies: [.alwaysOn], zone: Self.utc,
                                                      cache: cache, price: settings)
        let late = try #require(run.results.first { $0.pool == "LATE_POOL" })
        #expect(late.lifetime.source == .inventory)
        #expect(late.policyCredits == dec("15.84"))
        #expect(late.days.first { $0.date == Self.d("2024-04-24") }?.policyCredits == 0)
        #expect(late.policyCost?.amount == Money(7128, .jpy))
        // Metered the same hours: nothing saved against always on.
        #expect(late.saved?.amount == Money(0, .jpy) && late.saved?.quantity == 0)

        var o = ReportOptions(from: Self.d("2024-04-01"), to: Self.d("2024-04-30"), timeZone: Self.utc)
        o.poolsFile = file
        o.region = "aws-ap-northeast-1"
        o.currency = .jpy
        o.fx = [.bare(150)]
        let report = try ReportService(env: env).build(o, cache: cache)
        #expect(report.pools.first { $0.pool == "LATE_POOL" }?.alwaysOn == late.policyCost)
    }

    /// A flat `estimate` whose days cross the 2024-04-15 table: 14 days at 2.85 and 6 at 3.00 (Standard), 10 h a
    /// day × 0.11 = 1.1 credits a day: 14 × 1.1 × 2.85 × 150 + 6 × 1.1 × 3.00 × 150 = 6,583.5 + 2,970 = 9,553.5 JPY.
    @Test func aFlatEstimateAcrossAPriceTableEffectiveDate() throws {
        var o = EstimateOptions(family: "CPU_X64_XS", hoursPerDay: 10, days: 20)
        o.region = "aws-ap-northeast-1"
        o.currency = .jpy
        o.fxRate = 150
        o.rateCardID = "2024"
        o.editions = [.standard]
        o.asOf = Self.d("2024-04-01")
        let r = try EstimateService(catalog: try Self.catalog()).estimate(o, today: Self.d("2026-11-29"))
        #expect(r.pools[0].credits == 22)
        #expect(r.pools[0].costs.map(\.converted.amount) == [dec("9553.5")])
        #expect(r.pools[0].costs[0].amount == Money(dec("63.69"), .usd))
        // The stamp lists both prices, each with the days it applied.
        #expect(r.priceRuns.map { "\($0.from)..\($0.through) \($0.rate.unitPrice.price.price.amount)" }
                == ["2024-04-01..2024-04-14 2.85", "2024-04-15..2024-04-20 3"])
        #expect(TableWriter().render(Document.estimate(r, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))).contains(
            "Credit price 2024-04-15 to 2024-04-20: Standard, 3.00 USD per credit (credit price table T-2024-04-15"))
        // Starting after the change, the whole plan is at 3.00: 22 × 3.00 × 150 = 9,900 JPY.
        o.asOf = Self.d("2024-04-15")
        let after = try EstimateService(catalog: try Self.catalog()).estimate(o, today: Self.d("2026-11-29"))
        #expect(after.pools[0].costs.map(\.converted.amount) == [9900])
    }

    /// The pools file's `[defaults]` contract now prices `estimate --pools` too, from its `contract_start`: ALWAYS_POOL
    /// on 2024-04-14 and 15 (2.64 credits a day) is 2.64 × 2.85 (on demand, before the contract) + 2.64 × 2.50
    /// (contract from the 15th) = 7.524 + 6.6 = 14.124 USD. A contract in another currency starting inside the plan
    /// cannot be summed in one price currency (even with its FX): exit 64 naming the days.
    @Test func aContractStartingInsideAPlan() throws {
        func estimate(_ contract: String) throws -> EstimateResult {
            let file = try PoolsFile.parse(Self.poolsText.replacingOccurrences(
                of: "rate_card = \"2024\"\n", with: "rate_card = \"2024\"\n" + contract + "\n"), file: "ledger.toml")
            let entries = file.pools.prefix(1).map {
                PlanEntry(plan: $0.plan, region: $0.region, editions: [.standard], creditPrice: $0.creditPrice, rateCardID: $0.rateCardID)
            }
            var o = PlanEstimateOptions(period: .days(from: Self.d("2024-04-14"), through: Self.d("2024-04-15")))
            o.rateCardID = "2024"
            o.region = "aws-ap-northeast-1"
            o.contract = file.defaults.contract
            o.fx = [.jpy: dec("0.0067")]   // USD per JPY, for the JPY contract
            return try EstimateService(catalog: try BundledCatalog.load()).estimate(plans: entries, options: o,
                                                                                  today: Self.d("2026-11-29"))
        }
        let usd = try estimate("contract_price = \"2.50\"\ncontract_start = \"2024-04-15\"")
        #expect(usd.pools[0].costs.map(\.converted) == [Money(dec("14.124"), .usd)])
        #expect(usd.priceRuns.map(\.rate.unitPrice.basis) == [.onDemand, .contract])
        #expect(throws: EstimateError.self) {
            try estimate("contract_price = \"400\"\ncontract_currency = \"JPY\"\ncontract_start = \"2024-04-15\"")
        }
    }
}
