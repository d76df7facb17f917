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
    @Test func metersAlwaysOnAndPlanPerDay() throws {
        // Two hourly rows on 2024-04-01 (Tokyo), one on Saturday 2024-04-06; plan 10:00-19:00 on weekdays.
        func row(_ start: String, _ credits: String) -> UsageRecord {
            UsageRecord(startTime: instant(start), endTime: instant(start).addingTimeInterval(3600),
                        computePoolName: "P", creditsUsed: NanoCredits(parsing: credits)!)
        }
        let plan = BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                                 weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo)
        let report = try SavingsReport.build(
            records: [row("2024-04-01T01:00:00Z", "0.11"), row("2024-04-01T02:00:00Z", "0.055"),
                      row("2024-04-06T05:00:00Z", "0.11"), row("2024-05-01T01:00:00Z", "9")],
            from: CivilDate("2024-04-01")!, through: CivilDate("2024-04-07")!, zone: tokyo,
            shapes: [:], defaultShape: PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 2), plan: plan,
            rateCardID: "2024", rate: { _, _ in (Decimal(string: "0.11")!, "test") },
            creditPrice: CreditPrice(edition: .standard, price: Money(Decimal(string: "2.85")!, .usd), source: "test"),
            fx: .identity(.usd), warnings: [])
        let p = try #require(report.pools.first)
        // Metered: 0.11 + 0.055 + 0.11 = 0.275 (the May row is outside the period).
        #expect(p.meteredCredits == Decimal(string: "0.275")!)
        // Always on: 2 nodes × 24 h × 7 days = 336 node-hours × 0.11 = 36.96 credits.
        #expect(p.alwaysOnNodeHours == 336)
        #expect(p.alwaysOnCredits == Decimal(string: "36.96")!)
        // Plan: 2 nodes × 9 h × 5 weekdays = 90 node-hours × 0.11 = 9.9 credits.
        #expect(p.planNodeHours == 90)
        #expect(p.planCredits == Decimal(string: "9.9")!)
        #expect(report.days.count == 7)
        #expect(report.days[0].meteredCredits == Decimal(string: "0.165")!)
        #expect(report.days[0].meteredHours == 2)
        #expect(report.days[5].planNodeHours == 0)  // Saturday
        #expect(report.cost(p.meteredCredits).amount == Money(Decimal(string: "0.78375")!, .usd))
    }

    @Test func poolWithoutShapeIsAnError() {
        #expect(throws: ReportError.noShape(pool: "P")) {
            try SavingsReport.build(
                records: [UsageRecord(startTime: instant("2024-04-01T01:00:00Z"), endTime: instant("2024-04-01T02:00:00Z"),
                                      computePoolName: "P", creditsUsed: .zero)],
                from: CivilDate("2024-04-01")!, through: CivilDate("2024-04-01")!, zone: utc, shapes: [:],
                defaultShape: nil, plan: nil, rateCardID: nil, rate: { _, _ in (1, "") },
                creditPrice: CreditPrice(edition: nil, price: Money(1, .usd), source: ""), fx: .identity(.usd),
                warnings: [])
        }
    }
}
