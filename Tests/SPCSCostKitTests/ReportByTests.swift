import Foundation
import SPCSCostCore
import SPCSCostReports
import Testing

@testable import SPCSCostKit
@testable import SPCSCostStore

/// `report --by account|pool|family|application`: the same priced ledger grouped as finance asks, with the bill
/// check per account, in the document every format renders.
@Suite struct ReportByTests {
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func hours(_ pool: String, account: String, application: String? = nil, count: Int, credits: String) -> [UsageRecord] {
        (0..<count).map { h in
            let s = Self.instant("2024-04-02T\(String(format: "%02d", 9 + h)):00:00Z")
            return UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: pool,
                               applicationName: application, creditsUsed: NanoCredits(parsing: credits)!,
                               organization: "MYORG", account: account)
        }
    }

    /// DEV: POOL 9 h × 0.11 = 0.99 credits; PROD: POOL 10 h × 0.11 = 1.1 and GPU (application APP, a day row of
    /// 2 credits). At 2.85 USD a credit (Tokyo, Standard): DEV 2.8215, PROD 3.135 + 5.70 = 8.835 USD.
    func cache() throws -> UsageCache {
        let cache = try UsageCache(.memory)
        let day = Self.instant("2024-04-03T00:00:00Z")
        let rows = hours("POOL", account: "DEV", count: 9, credits: "0.11") + hours("POOL", account: "PROD", count: 10, credits: "0.11")
            + [UsageRecord(startTime: day, endTime: day.addingTimeInterval(86_400), computePoolName: "GPU",
                           applicationName: "APP", creditsUsed: NanoCredits(parsing: "2")!, organization: "MYORG",
                           account: "PROD", grain: .day)]
        _ = try cache.load(rows, as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: Self.instant("2024-04-10T00:00:00Z")))
        _ = try cache.load(.init(kind: "pull", source: "t", checksum: "y", loadedAt: Self.instant("2024-04-10T00:00:00Z"))) { w in
            for (account, usage, amount) in [("DEV", "0.990", "2.82"), ("PROD", "1.100", "3.20")] {
                try w.upsert(UsageInCurrencyRow(
                    usageDate: CivilDate("2024-04-02")!, organizationName: "MYORG", accountName: account, accountLocator: "",
                    usageType: "snowpark container services", serviceType: "SNOWPARK_CONTAINER_SERVICES",
                    ratingType: "compute", billingType: "consumption", balanceSource: "capacity",
                    usage: Decimal(string: usage)!, usageInCurrency: Decimal(string: amount)!, currency: "USD"))
            }
        }
        return cache
    }

    func report(_ by: ReportGrouping) throws -> SavingsReport {
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!, timeZone: TimeZone(identifier: "UTC")!)
        o.poolShapes = ["GPU": PoolShape(family: InstanceFamily("GPU_NV_S")!, nodes: 1)]
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        o.region = "aws-ap-northeast-1"
        o.rateCardID = "2026-04"
        o.groupBy = by
        return try ReportService(env: try testEnvironment()).build(o, cache: try cache())
    }

    func lines(_ r: SavingsReport) -> [String] {
        r.groups.map { "\($0.key) \($0.metered.quantity) \(ExactDecimal.text($0.metered.amount.amount))" }
    }

    @Test func theLedgerGroupedFourWaysAddsUpToTheReport() throws {
        let byAccount = try report(.account)
        #expect(lines(byAccount) == ["DEV 0.99 2.8215", "PROD 3.1 8.835"])
        #expect(try lines(report(.pool)) == ["GPU 2 5.7", "POOL 2.09 5.9565"])
        #expect(try lines(report(.family)) == ["CPU_X64_XS 2.09 5.9565", "GPU_NV_S 2 5.7"])
        #expect(try lines(report(.application)) == [" 2.09 5.9565", "APP 2 5.7"])
        for by in ReportGrouping.allCases {
            let r = try report(by)
            #expect(r.groups.reduce(ChargeSum.zero(.usd)) { $0 + $1.metered } == r.metered)
        }
        // The bill check per account, before FX: DEV billed 2.82 against 2.8215; PROD 3.20 against 3.135 (its 3
        // April has no billed row, so it is not in the check).
        #expect(byAccount.groups.map { $0.billed.map { ExactDecimal.text($0.amount) } ?? "-" } == ["2.82", "3.2"])
        #expect(byAccount.groups.map { $0.ledgerBeforeFX.map { ExactDecimal.text($0.amount) } ?? "-" } == ["2.8215", "3.135"])
        // Every format gets the table from the document.
        let doc = Document.savingsReport(byAccount, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
        let table = try #require(doc.tables.first { $0.id == "by_account" })
        #expect(table.columns.map(\.key) == ["account", "metered_credits", "metered_cost_USD", "ledger_USD", "billed_USD",
                                             "difference_USD"])
        #expect(table.rows.count == 3 && table.rows.last?.role == .total)
        #expect(try report(.application).groups.first?.key == ""
                && Document.savingsReport(try report(.application), stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
                    .tables.first { $0.id == "by_application" }?.rows.first?.cells.first == .text("(none)"))
    }
}
