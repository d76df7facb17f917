import Foundation
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostReports

/// Golden files for every output format (Tests/SPCSCostReportsTests/Snapshots; RECORD_SNAPSHOTS=1 re-records).
@Suite struct GoldenTests {
    static let card = RateCard(id: "2024", title: "Test card", effectiveFrom: CivilDate("2024-04-01")!,
                               documentedThrough: CivilDate("2024-04-30")!, clouds: [.aws], source: "test source",
                               rates: [])
    static let prices = [Edition.standard, .enterprise, .businessCritical].map { e in
        CreditPrice(edition: e, price: Money(["standard": Decimal(string: "2.85")!, "enterprise": Decimal(string: "4.30")!,
                                              "business-critical": Decimal(string: "5.70")!][e.rawValue]!, .usd),
                    source: "table test, Tokyo, \(e.displayName)")
    }
    static let fx = ExchangeRate(base: .usd, quote: .jpy, rate: 150, source: "--fx")

    static func estimate() -> EstimateResult {
        let plan = FlatPlan(family: InstanceFamily("CPU_X64_XS")!, nodes: 1, hoursPerDay: 10, days: 20)
        let line = plan.line(creditsPerNodeHour: Decimal(string: "0.11")!, rateSource: "rate card 2024, CPU_X64_XS")
        let p = PoolEstimate(pool: nil, family: plan.family, nodes: 1, lines: [line], prices: prices, fx: fx)
        let a = plan.alwaysOn(periodDays: 30)
        let ap = PoolEstimate(pool: nil, family: plan.family, nodes: 1,
                              lines: [a.line(creditsPerNodeHour: Decimal(string: "0.11")!, rateSource: "rate card 2024, CPU_X64_XS", item: "Always on")],
                              prices: prices, fx: fx)
        return EstimateResult(asOf: CivilDate("2026-11-29")!, rateCard: card, priceTable: nil, region: nil, fx: fx,
                              pools: [p], savings: [Savings(plan: p, alwaysOn: ap, periodDays: 30)],
                              warnings: ["a test warning."])
    }

    @Test(arguments: EstimateFormat.allCases)
    func estimateFormats(format: EstimateFormat) {
        let ext = ["table": "txt", "json": "json", "csv": "csv", "markdown": "md"][format.rawValue]!
        assertSnapshot(EstimateReport.render(Self.estimate(), as: format), named: "estimate.\(ext)")
    }

    @Test func jsonHasTheDocumentedKeys() throws {
        let data = Data(EstimateReport.render(Self.estimate(), as: .json).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["rateCard"] as? String == "2024")
        #expect(object["creditsPerNodeHour"] as? String == "0.11")
        #expect(object["nodeHours"] as? String == "200")
        #expect(object["credits"] as? String == "22")
        let costs = try #require(object["costs"] as? [[String: Any]])
        #expect(costs.map { $0["edition"] as? String } == ["Standard", "Enterprise", "Business Critical"])
        #expect(costs.map { $0["rounded"] as? String } == ["9405", "14190", "18810"])
        #expect(costs[0]["currency"] as? String == "JPY" && costs[0]["creditPrice"] as? String == "2.85")
        #expect(costs[0]["amount"] as? String == "9405")
    }

    static func savingsReport() throws -> SavingsReport {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let start = ISO8601DateFormatter().date(from: "2024-04-01T01:00:00Z")!
        let rows = (0..<10).map { h in
            UsageRecord(startTime: start.addingTimeInterval(Double(h) * 3600),
                        endTime: start.addingTimeInterval(Double(h + 1) * 3600), computePoolName: "JUPYTER_POOL",
                        creditsUsed: NanoCredits(110_000_000))
        } + [UsageRecord(startTime: start, endTime: start.addingTimeInterval(3600), computePoolName: "API_POOL",
                         creditsUsed: NanoCredits(330_000_000))]
        return try SavingsReport.build(
            records: rows, from: CivilDate("2024-04-01")!, through: CivilDate("2024-04-03")!, zone: tokyo,
            shapes: ["API_POOL": PoolShape(family: InstanceFamily("CPU_X64_S")!, nodes: 3)],
            defaultShape: PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1),
            plan: BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                                weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo),
            rateCardID: "2024", rate: { _, _ in (Decimal(string: "0.11")!, "test") },
            creditPrice: prices[0], fx: fx, warnings: ["a test warning."])
    }

    @Test func savingsReportFiles() throws {
        let files = SavingsReportWriter.files(try Self.savingsReport(), formats: [.csv, .markdown],
                                              stamp: ReportStamp(toolVersion: "test", commandLine: "spcs-cost report --test"))
        #expect(files.map(\.name) == ["spcs-cost-report_2024-04-01_2024-04-03_pools.csv",
                                      "spcs-cost-report_2024-04-01_2024-04-03_days.csv",
                                      "spcs-cost-report_2024-04-01_2024-04-03.md"])
        for f in files { assertSnapshot(f.contents, named: f.name) }
    }
}
