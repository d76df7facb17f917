import Foundation
import SPCSCostCore
import SPCSCostReports
import Testing

@testable import SPCSCostKit
@testable import SPCSCostStore

/// `report`'s ledger figures from real caches, as worked examples: the bill check per account (a cache holding two
/// accounts' pools, pulled through two connections, and the organization's USAGE_IN_CURRENCY_DAILY), restated days,
/// and rounding lines.
@Suite struct LedgerReportTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func hours(_ pool: String, account: String, day: String, count: Int, credits: String) -> [UsageRecord] {
        (0..<count).map { h in
            let s = Self.instant("\(day)T\(String(format: "%02d", 9 + h)):00:00Z")
            return UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: pool, computePoolID: nil,
                               creditsUsed: NanoCredits(parsing: credits)!, organization: "MYORG", account: account)
        }
    }

    func billed(_ account: String, _ day: String, _ usage: String, _ amount: String) -> UsageInCurrencyRow {
        UsageInCurrencyRow(usageDate: CivilDate(day)!, organizationName: "MYORG", accountName: account,
                           accountLocator: "", usageType: "snowpark container services",
                           serviceType: "SNOWPARK_CONTAINER_SERVICES", ratingType: "compute", billingType: "consumption",
                           balanceSource: "capacity", usage: Decimal(string: usage)!, usageInCurrency: Decimal(string: amount)!,
                           currency: "USD")
    }

    @Test func eachAccountIsComparedWithItsOwnBill() throws {
        let cache = try UsageCache(.memory)
        // DEV: 9 h × 0.11 = 0.99 credits on 2 April; PROD, a pool of the same name: 10 h × 0.11 = 1.1 credits.
        let rows = hours("POOL", account: "DEV", day: "2024-04-02", count: 9, credits: "0.11")
            + hours("POOL", account: "PROD", day: "2024-04-02", count: 10, credits: "0.11")
        _ = try cache.load(rows, as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: Self.instant("2024-04-10T00:00:00Z")))
        // The bill at 2.85 USD a credit: DEV 0.99 → 2.8215 → 2.82; PROD 1.1 → 3.135 → 3.14, but PROD billed 3.20.
        _ = try cache.load(.init(kind: "pull", source: "t", checksum: "y", loadedAt: Self.instant("2024-04-10T00:00:00Z"))) { w in
            try w.upsert(billed("DEV", "2024-04-02", "0.990", "2.82"))
            try w.upsert(billed("PROD", "2024-04-02", "1.100", "3.20"))
        }
        #expect(try cache.meteredByAccountAndUTCDay(from: Self.instant("2024-04-01T00:00:00Z"), to: Self.instant("2024-05-01T00:00:00Z"))
            .map { "\($0.account) \($0.utcDay) \($0.nanoCredits)" } == ["DEV 2024-04-02 990000000", "PROD 2024-04-02 1100000000"])
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!, timeZone: TimeZone(identifier: "UTC")!)
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        o.region = "aws-ap-northeast-1"
        let r = try ReportService(env: try testEnvironment()).build(o, cache: cache)
        let check = try #require(r.billCheck)
        #expect(check.days.map(\.account) == ["DEV", "PROD"])
        #expect(check.days.map { ExactDecimal.text($0.ledgerAmount.amount) } == ["2.8215", "3.135"])
        #expect(check.days[0].causes == [.rounding: Money(Decimal(string: "-0.0015")!, .usd)])
        #expect(check.days[1].causes == [.rounding: Money(Decimal(string: "0.005")!, .usd),
                                         .price: Money(Decimal(string: "0.06")!, .usd)])
        #expect(check.warnings.isEmpty)
    }

    /// A UTC day Snowflake restated marks every local day that overlaps it: in Asia/Tokyo (UTC+9), UTC 2 April
    /// overlaps the local 2 and 3 April.
    @Test func aRestatedUTCDayMarksTheLocalDaysItOverlaps() throws {
        let cache = try UsageCache(.memory)
        _ = try cache.load(hours("POOL", account: "DEV", day: "2024-04-02", count: 9, credits: "0.11"),
                           as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: Self.instant("2024-04-10T00:00:00Z")))
        for (amount, at) in [("2.80", "2024-04-10T00:00:00Z"), ("2.82", "2024-04-11T00:00:00Z")] {
            _ = try cache.load(.init(kind: "pull", source: "t", checksum: amount, loadedAt: Self.instant(at))) { w in
                try w.upsert(billed("DEV", "2024-04-02", "0.990", amount))
                try w.removeRowsNotReread(HistoryWriter.usageInCurrencyView, from: CivilDate("2024-04-01"))
            }
        }
        #expect(try cache.restatedDays() == [CivilDate("2024-04-02")!])
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-04")!, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        o.region = "aws-ap-northeast-1"
        let r = try ReportService(env: try testEnvironment()).build(o, cache: cache)
        #expect(r.days.filter(\.restated).map(\.date.description) == ["2024-04-02", "2024-04-03"])
    }

    /// Four pools whose metered cost each rounds up (0.0059999997 USD → 0.01) while their total rounds down
    /// (0.0239999988 → 0.02): the report carries a rounding line of -0.02 USD for the per-pool table.
    @Test func poolsThatEachRoundUpWhileTheirTotalRoundsDownGetARoundingLine() throws {
        let cache = try UsageCache(.memory)
        let rows = ["A", "B", "C", "D"].flatMap { hours($0, account: "DEV", day: "2024-04-02", count: 1, credits: "0.002105263") }
        _ = try cache.load(rows, as: .init(kind: "import", source: "t", checksum: "x", loadedAt: Self.instant("2024-04-10T00:00:00Z")))
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!, timeZone: TimeZone(identifier: "UTC")!)
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        o.region = "aws-ap-northeast-1"
        let r = try ReportService(env: try testEnvironment()).build(o, cache: cache)
        #expect(r.pools.map { ExactDecimal.text($0.metered.amount.amount) } == Array(repeating: "0.00599999955", count: 4))
        #expect(ExactDecimal.text(r.metered.amount.amount) == "0.0239999982")
        #expect(Document.savingsReport(r, stamp: ReportStamp(toolVersion: "t", commandLine: "c")).roundingLines.map(\.sentence).contains {
            $0.contains("metered cost") && $0.contains("add up to 0.04 USD") && $0.contains("is 0.02 USD (rounding line -0.02 USD)")
        }, "\(Document.savingsReport(r, stamp: ReportStamp(toolVersion: "t", commandLine: "c")).roundingLines.map(\.sentence))")
    }
}
