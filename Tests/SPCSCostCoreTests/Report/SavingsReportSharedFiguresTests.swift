import Foundation
import Testing

@testable import SPCSCostCore

/// `SavingsReport.build` prices the metered parts of a day in 64-bit integers where they fit (``DecimalSum``), sums
/// each pool's days the same way, and prices the always-on and plan figures once for the pools that share a shape,
/// price and lifetime on a day. These tests pin every figure against the Decimal path it replaces: each part priced
/// by ``DayRates/charge(_:onUTCDay:account:)`` and added with ChargeSum's `+`, pool by pool.
@Suite struct SavingsReportSharedFiguresTests {
    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static func dec(_ s: String) -> Decimal { Decimal(string: s)! }

    /// JPY at an FX rate of many digits; the run's credit price from a rate sheet that changes twice; account B at
    /// its own list price.
    static func pricing() throws -> Pricing {
        func row(_ day: String, _ rate: String) -> RateSheetRow {
            RateSheetRow(date: d(day), currency: .usd, effectiveRate: dec(rate), serviceType: RateSheet.spcsServiceType,
                         usageType: "compute", billingType: nil, origin: "RATE_SHEET_DAILY")
        }
        func list(_ price: String) -> CreditPriceSchedule.ListPrice {
            .init(price: CreditPrice(edition: .standard, price: Money(dec(price), .usd), source: "on-demand"), effectiveFrom: nil)
        }
        let sheet = RateSheet(rows: [row("2024-04-09", "3.00"), row("2024-04-13", "4.17"), row("2024-04-16", "2.999999999")])
        let run = try CreditPriceSchedule(rateSheet: sheet, account: nil, contract: nil, list: [list("2.85")])
        let b = try CreditPriceSchedule(rateSheet: nil, account: nil, contract: nil, list: [list("3.1")])
        let fx = FXBook(fixed: [.init(pair: .init(base: .usd, quote: .jpy), rate: dec("151.987654321"), source: "test")])
        return Pricing(currency: .jpy, schedule: run, fx: fx, accountSchedules: ["B": b])
    }

    static func setup(_ pool: String, nodes: Int?, rate: String = "0.11", lifetime: PoolLifetime = .unbounded,
                      account: String? = nil) -> ReportPoolSetup {
        var s = ReportPoolSetup(pool: pool, shape: nodes.map { PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: $0) },
                                shapeSource: nodes == nil ? nil : "test", creditsPerNodeHour: nodes == nil ? nil : dec(rate),
                                rateSource: nodes == nil ? nil : "test", lifetime: lifetime, planned: false)
        s.account = account
        return s
    }

    @Test func sharedBaselinesAndIntegerSumsAreTheDecimalPath() throws {
        let zone = tokyo  // every local day spans two UTC days, priced apart
        let from = Self.d("2024-04-10"), through = Self.d("2024-04-18")
        let plan = BusinessHours(startSecondOfDay: 8 * 3600, endSecondOfDay: 20 * 3600,
                                 weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: zone)
        let setups = [
            Self.setup("A1", nodes: 2), Self.setup("A2", nodes: 2), Self.setup("A4", nodes: 2, account: "B"),
            Self.setup("A3", nodes: 2, lifetime: .between(instant("2024-04-12T03:30:00Z"), instant("2024-04-16T22:00:00Z"),
                                                          source: .inventory)),
            Self.setup("C", nodes: 3, rate: "0.22"), Self.setup("N", nodes: nil), Self.setup("Q", nodes: 1),
        ]
        // Parts: several per day (two UTC days, two accounts), credits of 9 decimals, one part so large that its
        // amount leaves 64 bits (Decimal's own product then), and a pool (Q) with no part at all.
        var metered: [MeteredPart] = []
        for (k, date) in stride(from: 0, through: from.days(to: through), by: 1).map({ from.adding(days: $0) }).enumerated() {
            let local = date.daysSinceEpoch
            for (pool, credits) in [("A1", "0.123456789"), ("A2", "1.5"), ("A3", "0.000000001"), ("C", "7.77"), ("N", "2.25")] {
                metered.append(MeteredPart(pool: pool, localDay: local, utcDay: local - 1,
                                           nanoCredits: NanoCredits(parsing: credits)!.value + Int64(k), hours: 9))
                metered.append(MeteredPart(pool: pool, localDay: local, utcDay: local, nanoCredits: 1_000_000_007 * Int64(k + 1),
                                           hours: 15))
            }
            metered.append(MeteredPart(pool: "A4", localDay: local, utcDay: local, nanoCredits: 333_333_333, hours: 3,
                                       account: "B"))
            metered.append(MeteredPart(pool: "A4", localDay: local, utcDay: local, nanoCredits: 1, hours: 1, account: "C"))
        }
        metered.append(MeteredPart(pool: "C", localDay: through.daysSinceEpoch, utcDay: through.daysSinceEpoch,
                                   nanoCredits: 987_654_321_123_456_789, hours: 1))
        let utcDays = from.adding(days: -1)...through
        var rates = try Self.pricing().rates(for: utcDays)
        let report = try SavingsReport.build(metered: metered, from: from, through: through, zone: zone, currency: .jpy,
                                             pools: setups, estimates: [:], plan: plan, rateCardID: nil, rates: &rates,
                                             warnings: [])

        // The Decimal path, pool by pool and day by day.
        var reference = try Self.pricing().rates(for: utcDays)
        let zero = ChargeSum.zero(.jpy)
        let planIntervals = plan.intervals(from: from.adding(days: -1), through: through.adding(days: 1))
        var expectedDays: [SavingsReport.Day] = []
        var poolMetered: [String: ChargeSum] = [:], poolAlways: [String: ChargeSum] = [:], poolPlan: [String: ChargeSum] = [:]
        for offset in 0...from.days(to: through) {
            let date = from.adding(days: offset)
            for s in setups.sorted(by: { $0.pool < $1.pool }) {
                var day = SavingsReport.Day(date: date, pool: s.pool, meteredNanoCredits: 0, meteredHours: 0,
                                            daySeconds: Int(date.interval(in: zone).duration), metered: zero)
                for m in metered where m.pool == s.pool && m.localDay == date.daysSinceEpoch {
                    day.meteredNanoCredits += m.nanoCredits
                    day.meteredHours += m.hours
                    day.metered += try reference.charge(NanoCredits(m.nanoCredits).credits, onUTCDay: m.utcDay, account: m.account)
                }
                poolMetered[s.pool] = (poolMetered[s.pool] ?? zero) + day.metered
                if let shape = s.shape, let rate = s.creditsPerNodeHour {
                    let named = Set(metered.filter { $0.pool == s.pool }.map(\.account))
                    let account = s.account ?? (named.count == 1 ? named.first! : "")
                    var always = zero, planned = zero, alwaysSeconds = 0, planSeconds = 0
                    for part in SavingsReport.utcParts(of: date.interval(in: zone)) {
                        let seconds = shape.nodes * s.lifetime.seconds(in: part.span)
                        if seconds > 0 {
                            alwaysSeconds += seconds
                            always += try reference.charge(Decimal(seconds) / 3600 * rate, onUTCDay: part.utcDay, account: account)
                        }
                        let window = planIntervals.compactMap { $0.intersection(with: part.span) }.filter { $0.duration > 0 }
                        let w = shape.nodes * s.lifetime.clip(window).reduce(0) { $0 + Int($1.duration) }
                        if w > 0 {
                            planSeconds += w
                            planned += try reference.charge(Decimal(w) / 3600 * rate, onUTCDay: part.utcDay, account: account)
                        }
                    }
                    day.alwaysOnNodeHours = Decimal(alwaysSeconds) / 3600
                    day.alwaysOn = always
                    day.planNodeHours = Decimal(planSeconds) / 3600
                    day.plan = planned
                    poolAlways[s.pool] = (poolAlways[s.pool] ?? zero) + always
                    poolPlan[s.pool] = (poolPlan[s.pool] ?? zero) + planned
                }
                expectedDays.append(day)
            }
        }
        #expect(report.days.count == expectedDays.count)
        for (got, want) in zip(report.days, expectedDays) {
            #expect(got == want, "\(want.pool) \(want.date)")
            #expect(got.metered == want.metered && got.alwaysOn == want.alwaysOn && got.plan == want.plan,
                    "\(want.pool) \(want.date)")
        }
        for p in report.pools {
            #expect(p.metered == poolMetered[p.pool], "\(p.pool)")
            #expect(p.alwaysOn == poolAlways[p.pool], "\(p.pool)")
            #expect(p.plan == poolPlan[p.pool], "\(p.pool)")
        }
        // The case the integers cannot hold took Decimal's product: C's last day is its big part's charge and more.
        let big = try reference.charge(NanoCredits(987_654_321_123_456_789).credits, onUTCDay: through.daysSinceEpoch)
        let cLast = try #require(report.days.last { $0.pool == "C" })
        #expect(cLast.metered.amount.amount > big.amount.amount)
        // Pools of one shape and price share their always-on and plan figures on a day; A3 (a shorter lifetime),
        // A4 (account B's price) and C (another shape) have their own.
        let first = report.days.filter { $0.date == from }
        func baselines(_ pool: String) -> Shared<SavingsReport.Baselines>? { first.first { $0.pool == pool }?.baselines }
        #expect(baselines("A1") === baselines("A2"))
        #expect(baselines("A1") !== baselines("A3") && baselines("A1") !== baselines("A4") && baselines("A1") !== baselines("C"))
        #expect(baselines("A1")?.value != baselines("A4")?.value)
        #expect(baselines("N") == nil)
        // The month to date (April from day 1 is not in the period: no forecast) and the totals agree too.
        #expect(report.metered == report.pools.reduce(zero) { $0 + $1.metered })
    }

    @Test func aLifetimesInstantIsTheFormattersText() {
        // The stamp writes a thousand pools' lifetimes: whole seconds from 1970 are written from integers, which
        // must be what ISO8601DateFormatter writes; other instants go to the formatter.
        var instants: [TimeInterval] = [0, 1, 59, 3599, 86_399, 86_400, 951_782_400, 1_709_251_199, 1_714_003_200,
                                        253_402_300_799, 1.5, -1, -86_400.25, 1_714_003_200.999]
        var t: TimeInterval = 0
        while t < 253_402_300_800 {
            instants.append(t)
            t += 7_777_777
        }
        for i in instants {
            let d = Date(timeIntervalSince1970: i)
            #expect(PoolLifetime.instantText(d) == ISO8601DateFormatter().string(from: d), "\(i)")
        }
        let lifetime = PoolLifetime.between(instant("2024-04-25T00:00:00Z"), instant("2024-05-01T13:05:09Z"), source: .inventory)
        #expect(lifetime.summary == "COMPUTE_POOLS: 2024-04-25T00:00:00Z to 2024-05-01T13:05:09Z")
    }

    @Test func settingADaysBaselinesKeepsTheOthers() {
        var day = SavingsReport.Day(date: Self.d("2024-04-01"), pool: "P", meteredNanoCredits: 0, meteredHours: 0,
                                    daySeconds: 86_400, metered: .zero(.usd))
        #expect(day.alwaysOn == nil && day.baselines == nil)
        day.alwaysOn = ChargeSum(quantity: 2, amount: Money(5, .usd))
        day.planNodeHours = 3
        #expect(day.alwaysOn == ChargeSum(quantity: 2, amount: Money(5, .usd)) && day.planNodeHours == 3 && day.plan == nil)
        day.alwaysOn = nil
        day.planNodeHours = nil
        #expect(day.baselines == nil)
        day.estimated = .zero(.usd)
        #expect(day.estimated == .zero(.usd))
    }
}
