import Foundation
import Testing

@testable import SPCSCostCore

@Suite struct BusinessHoursTests {
    @Test func tokyoWeekdaysOfApril2024() {
        let plan = BusinessHours(startSecondOfDay: 10 * 3600, endSecondOfDay: 19 * 3600,
                                 weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo)
        let intervals = plan.intervals(from: CivilDate("2024-04-01")!, through: CivilDate("2024-04-30")!)
        // April 2024 has 22 weekdays; 10:00-19:00 JST is 01:00-10:00 UTC.
        #expect(intervals.count == 22)
        #expect(intervals[0] == DateInterval(start: instant("2024-04-01T01:00:00Z"), end: instant("2024-04-01T10:00:00Z")))
        #expect(intervals.reduce(0) { $0 + $1.duration } == 22 * 9 * 3600)
        #expect(plan.summary == "10:00-19:00 MON-FRI Asia/Tokyo")
    }

    @Test func windowAcrossTheSpringShiftIsAnHourShorter() {
        // 01:00-05:00 on Sunday 2024-03-10 in Los Angeles: the clock skips 02:00-03:00, so 3 h are billed.
        let plan = BusinessHours(startSecondOfDay: 3600, endSecondOfDay: 5 * 3600, weekdays: [.sunday], zone: losAngeles)
        let i = plan.intervals(from: CivilDate("2024-03-10")!, through: CivilDate("2024-03-10")!)
        #expect(i.map(\.duration) == [3 * 3600])
    }
}

@Suite struct SavingsReportTests {
    static func row(_ start: String, _ credits: String, pool: String = "P") -> UsageRecord {
        UsageRecord(startTime: instant(start), endTime: instant(start).addingTimeInterval(3600),
                    computePoolName: pool, creditsUsed: NanoCredits(parsing: credits)!)
    }

    /// A USD pricing at `price` per credit from the on-demand list.
    static func rates(_ price: String = "2.85", days: ClosedRange<CivilDate>) throws -> DayRates {
        let schedule = try CreditPriceSchedule(
            rateSheet: nil, account: nil, contract: nil,
            list: .init(price: CreditPrice(edition: .standard, price: Money(Decimal(string: price)!, .usd), source: "test"),
                        effectiveFrom: nil))
        return try Pricing(currency: .usd, schedule: schedule, fx: .none).rates(for: days)
    }

    static func setup(_ pool: String = "P", nodes: Int = 2, lifetime: PoolLifetime = .unbounded) -> ReportPoolSetup {
        ReportPoolSetup(pool: pool, shape: PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: nodes),
                        shapeSource: "test", creditsPerNodeHour: Decimal(string: "0.11")!, rateSource: "test",
                        lifetime: lifetime, planned: false)
    }

    @Test func metersAlwaysOnAndPlanPerDay() throws {
        // Two hourly rows on 2024-04-01 (Tokyo), one on Saturday 2024-04-06; plan 10:00-19:00 on weekdays.
        let plan = BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                                 weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo)
        let rows = [Self.row("2024-04-01T01:00:00Z", "0.11"), Self.row("2024-04-01T02:00:00Z", "0.055"),
                    Self.row("2024-04-06T05:00:00Z", "0.11"), Self.row("2024-05-01T01:00:00Z", "9")]
        var rates = try Self.rates(days: CivilDate("2024-03-31")!...CivilDate("2024-04-07")!)
        let report = try SavingsReport.build(
            metered: try MeteredPart.parts(of: rows, zone: tokyo), from: CivilDate("2024-04-01")!,
            through: CivilDate("2024-04-07")!, zone: tokyo, currency: .usd, pools: [Self.setup()], estimates: [:],
            plan: plan, rateCardID: "2024", rates: &rates, warnings: [])
        let p = try #require(report.pools.first)
        // Metered: 0.11 + 0.055 + 0.11 = 0.275 (the May row is outside the period).
        #expect(p.meteredCredits == Decimal(string: "0.275")!)
        // Always on: 2 nodes × 24 h × 7 days = 336 node-hours × 0.11 = 36.96 credits.
        #expect(p.alwaysOnNodeHours == 336)
        #expect(p.alwaysOn?.quantity == Decimal(string: "36.96")!)
        // Plan: 2 nodes × 9 h × 5 weekdays = 90 node-hours × 0.11 = 9.9 credits.
        #expect(p.planNodeHours == 90)
        #expect(p.plan?.quantity == Decimal(string: "9.9")!)
        #expect(report.days.count == 7)
        #expect(report.days[0].meteredCredits == Decimal(string: "0.165")!)
        #expect(report.days[0].meteredHours == 2)
        #expect(report.days[5].planNodeHours == 0)  // Saturday
        #expect(p.metered.amount == Money(Decimal(string: "0.78375")!, .usd))
    }

    @Test func aPoolWithoutShapeIsPricedAndItsBaselineUnknown() throws {
        var rates = try Self.rates(days: CivilDate("2024-04-01")!...CivilDate("2024-04-01")!)
        let report = try SavingsReport.build(
            metered: try MeteredPart.parts(of: [Self.row("2024-04-01T01:00:00Z", "0.5")], zone: utc),
            from: CivilDate("2024-04-01")!, through: CivilDate("2024-04-01")!, zone: utc, currency: .usd,
            pools: [ReportPoolSetup(pool: "P", shape: nil, shapeSource: nil, creditsPerNodeHour: nil, rateSource: nil,
                                    lifetime: .unbounded, planned: false)],
            estimates: [:], plan: nil, rateCardID: nil, rates: &rates, warnings: [])
        #expect(report.metered.amount == Money(Decimal(string: "1.425")!, .usd))
        #expect(report.pools[0].alwaysOn == nil && report.poolsWithoutShape == ["P"])
        #expect(report.alwaysOn.quantity == 0)
    }
}

/// The ledger's rules as worked examples: each row a case with its exact figures.
@Suite struct LedgerWorkedExamples {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static func dec(_ s: String) -> Decimal { Decimal(string: s)! }
    static let list = CreditPriceSchedule.ListPrice(
        price: CreditPrice(edition: .standard, price: Money(dec("2.85"), .usd), source: "on-demand"), effectiveFrom: nil)
    static func sheetRow(_ day: String, _ rate: String, billing: String? = nil) -> RateSheetRow {
        RateSheetRow(date: d(day), currency: .usd, effectiveRate: dec(rate), serviceType: RateSheet.spcsServiceType,
                     usageType: "compute", billingType: billing, origin: "RATE_SHEET_DAILY")
    }

    @Test func aRateSheetGapIsCarriedForwardAndSaysSo() throws {
        let sheet = RateSheet(rows: [Self.sheetRow("2024-04-05", "3.87"), Self.sheetRow("2024-04-08", "3.66")])
        let pricing = Pricing(currency: .usd, schedule: try CreditPriceSchedule(rateSheet: sheet, account: nil, contract: nil,
                                                                                list: Self.list), fx: .none)
        let cases: [(day: String, price: String, carried: Bool)] = [
            ("2024-04-05", "3.87", false), ("2024-04-06", "3.87", true), ("2024-04-07", "3.87", true),
            ("2024-04-08", "3.66", false), ("2024-04-04", "3.87", true),
        ]
        for c in cases {
            let rate = try pricing.rate(on: Self.d(c.day))
            let charge = Pricing.charge(2, at: rate)
            #expect(charge.amount == Money(Self.dec(c.price) * 2, .usd), "\(c.day)")
            #expect(rate.unitPrice.price.source.contains("carried") == c.carried, "\(c.day)")
        }
    }

    @Test func capacityRunningOutMidMonthUsesTheOveragePrice() throws {
        // A contract at 3.44 a credit; USAGE_IN_CURRENCY_DAILY says the capacity ran out on 04-14 (overage at 4.30).
        let contract = CreditPriceSchedule.Contract(pricePerCredit: Money(Self.dec("3.44"), .usd),
                                                    overagePricePerCredit: Money(Self.dec("4.30"), .usd),
                                                    reference: "contract")
        let overage: Set<CivilDate> = Set((14...30).map { Self.d(String(format: "2024-04-%02d", $0)) })
        let schedule = try CreditPriceSchedule(rateSheet: nil, account: nil, contract: contract, list: [Self.list],
                                               overageDays: overage)
        let pricing = Pricing(currency: .usd, schedule: schedule, fx: .none)
        let cases: [(day: String, amount: String, basis: CreditPriceSchedule.Basis)] = [
            ("2024-04-13", "3.44", .contract), ("2024-04-14", "4.30", .contractOverage), ("2024-04-30", "4.30", .contractOverage),
        ]
        for c in cases {
            let rate = try pricing.rate(on: Self.d(c.day))
            #expect(Pricing.charge(1, at: rate).amount == Money(Self.dec(c.amount), .usd), "\(c.day)")
            #expect(rate.unitPrice.basis == c.basis && rate.unitPrice.overage == (c.basis == .contractOverage))
        }
    }

    @Test func anFXFileWithARateChangeMidMonth() throws {
        // USD→JPY 150 from 04-01, 155 from 04-15 (weekdays only: the weekend uses Friday's rate, saying so).
        let table = try FXTable(rows: [
            .init(date: Self.d("2024-04-12"), base: .usd, quote: .jpy, rate: 150, source: "fx.csv", origin: "fx.csv line 2"),
            .init(date: Self.d("2024-04-15"), base: .usd, quote: .jpy, rate: 155, source: "fx.csv", origin: "fx.csv line 3"),
        ])
        let pricing = Pricing(currency: .jpy, schedule: try CreditPriceSchedule(rateSheet: nil, account: nil, contract: nil,
                                                                                list: Self.list),
                              fx: FXBook(dated: table))
        let cases: [(day: String, jpy: String, carried: Bool)] = [
            ("2024-04-12", "427.5", false), ("2024-04-14", "427.5", true), ("2024-04-15", "441.75", false),
        ]
        for c in cases {
            let rate = try pricing.rate(on: Self.d(c.day))
            #expect(Pricing.charge(1, at: rate).amount == Money(Self.dec(c.jpy), .jpy), "\(c.day)")
            #expect(rate.fx.source.contains("carried") == c.carried, "\(c.day): \(rate.fx.source)")
        }
        // Five days after the last row is beyond the 4-day carry: an error naming the pair and the day.
        #expect(throws: FXBookError.self) { try pricing.rate(on: Self.d("2024-04-20")) }
    }

    @Test func aJPYRateIsNeverUsedForEUR() throws {
        let book = FXBook(fixed: [.init(pair: .init(base: .usd, quote: .jpy), rate: 150, source: "pools file fx")])
        let pricing = Pricing(currency: Currency(code: "EUR")!, schedule: try CreditPriceSchedule(
            rateSheet: nil, account: nil, contract: nil, list: Self.list), fx: book)
        do {
            _ = try pricing.rate(on: Self.d("2024-04-01"))
            Issue.record("expected a missing pair")
        } catch {
            #expect(error.description.hasPrefix("no EUR per USD rate for 2024-04-01 (the rates given are JPY per USD"))
        }
    }

    @Test func aPoolCreatedOnThe25thCountsOnlyItsDays() throws {
        // April 2024 in UTC; the pool exists from 2024-04-25T00:00Z: always on is 6 days × 24 h × 1 node.
        let lifetime = PoolLifetime.between(instant("2024-04-25T00:00:00Z"), nil, source: .inventory)
        var rates = try SavingsReportTests.rates(days: Self.d("2024-04-01")...Self.d("2024-04-30"))
        let report = try SavingsReport.build(
            metered: try MeteredPart.parts(of: [SavingsReportTests.row("2024-04-25T01:00:00Z", "0.11")], zone: utc),
            from: Self.d("2024-04-01"), through: Self.d("2024-04-30"), zone: utc, currency: .usd,
            pools: [SavingsReportTests.setup(nodes: 1, lifetime: lifetime)], estimates: [:],
            plan: BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                                weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: utc),
            rateCardID: nil, rates: &rates, warnings: [])
        let p = report.pools[0]
        #expect(p.alwaysOnNodeHours == 144 && p.alwaysOn?.quantity == Self.dec("15.84"))
        // Weekdays from the 25th: 25, 26, 29, 30 → 4 × 9 h.
        #expect(p.planNodeHours == 36)
        #expect(p.savedVsAlwaysOn?.quantity == Self.dec("15.73"))
        #expect(report.days.first { $0.date == Self.d("2024-04-24") }?.alwaysOnNodeHours == 0)
    }

    @Test func aLocalDayAcrossTwoUTCDaysIsPricedPerUTCDay() throws {
        // Tokyo 2024-04-15 runs from 04-14T15:00Z to 04-15T15:00Z; the rate sheet changes on 04-15 (UTC).
        let sheet = RateSheet(rows: [Self.sheetRow("2024-04-14", "3.00"), Self.sheetRow("2024-04-15", "4.00")])
        let pricing = Pricing(currency: .usd, schedule: try CreditPriceSchedule(rateSheet: sheet, account: nil, contract: nil,
                                                                                list: Self.list), fx: .none)
        var rates = try pricing.rates(for: Self.d("2024-04-14")...Self.d("2024-04-15"))
        let rows = [SavingsReportTests.row("2024-04-14T20:00:00Z", "1"), SavingsReportTests.row("2024-04-15T01:00:00Z", "1")]
        let report = try SavingsReport.build(
            metered: try MeteredPart.parts(of: rows, zone: tokyo), from: Self.d("2024-04-15"), through: Self.d("2024-04-15"),
            zone: tokyo, currency: .usd, pools: [SavingsReportTests.setup(nodes: 1)], estimates: [:], plan: nil,
            rateCardID: nil, rates: &rates, warnings: [])
        #expect(report.metered.amount == Money(7, .usd))
        // Always on: 9 h of 04-14 (UTC) at 3.00 and 15 h of 04-15 at 4.00, × 0.11 credits.
        #expect(report.alwaysOn.amount == Money(Self.dec("0.11") * (9 * 3 + 15 * 4), .usd))
        #expect(report.priceRuns.count == 2)
    }
}
