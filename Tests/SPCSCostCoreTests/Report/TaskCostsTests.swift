import Foundation
import Testing

@testable import SPCSCostCore

/// The scheduling tasks' credits as ledger rows (``TaskCosts/priced(_:runs:tailSeconds:rates:)``): per account, task,
/// kind, warehouse and UTC day, each at its account's credit price of that day.
@Suite struct TaskCostsTests {
    static func dec(_ s: String) -> Decimal { Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))! }
    static func schedule(_ price: String) throws -> CreditPriceSchedule {
        try CreditPriceSchedule(rateSheet: nil, account: nil, contract: nil,
                                list: .init(price: CreditPrice(edition: .enterprise, price: Money(dec(price), .usd),
                                                               source: "test \(price)"), effectiveFrom: nil))
    }
    static func share(_ account: String, _ task: String, _ warehouse: String?, _ iso: String, _ credits: String)
        -> TaskWarehouseAttribution.Share {
        TaskWarehouseAttribution.Share(organization: "ORG", account: account, task: task, warehouse: warehouse,
                                       kind: warehouse == nil ? .serverless : .warehouse,
                                       periodStart: ISO8601DateFormatter().date(from: iso)!, credits: dec(credits),
                                       fraction: 1)
    }

    /// TOKYO's tasks at its own 4.30 USD a credit, OREGON's at the run's 3.00 (it has no price of its own). Before,
    /// every task credit took the run's price: TOKYO's 0.2 credits were 0.60 USD, not 0.86.
    /// - TOKYO RESUME on TASKS_WH: 0.1 at 23:00 on 04-01 and 0.1 at 08:00 on 04-02: two UTC days, two rows of 0.43 USD;
    /// - OREGON SUSPEND, serverless: 0.0002 + 0.0003 in two ranges of 04-02: one row of 0.0005 credits = 0.0015 USD.
    @Test func eachAccountsTaskCreditsOfAUTCDayAreOneRowAtItsOwnPrice() throws {
        let pricing = Pricing(currency: .usd, schedule: try Self.schedule("3.00"), fx: .none,
                              accountSchedules: ["TOKYO": try Self.schedule("4.30")])
        var rates = try pricing.rates(for: CivilDate("2026-04-01")!...CivilDate("2026-04-02")!)
        let costs = try TaskCosts.priced([
            Self.share("TOKYO", "OPS.PUBLIC.RESUME", "TASKS_WH", "2026-04-01T23:00:00Z", "0.1"),
            Self.share("TOKYO", "OPS.PUBLIC.RESUME", "TASKS_WH", "2026-04-02T08:00:00Z", "0.1"),
            Self.share("OREGON", "OPS.PUBLIC.SUSPEND", nil, "2026-04-02T19:00:00Z", "0.0002"),
            Self.share("OREGON", "OPS.PUBLIC.SUSPEND", nil, "2026-04-02T20:00:00Z", "0.0003"),
        ], runs: 4, tailSeconds: 600, rates: &rates)
        #expect(costs.rows.map { "\($0.account) \($0.kind.rawValue) \($0.task ?? "") \($0.warehouse ?? "-") \(ExactDecimal.text($0.charge.quantity)) \(ExactDecimal.text($0.charge.amount.amount))" } == [
            "TOKYO task_warehouse OPS.PUBLIC.RESUME TASKS_WH 0.1 0.43",
            "OREGON serverless_task OPS.PUBLIC.SUSPEND - 0.0005 0.0015",
            "TOKYO task_warehouse OPS.PUBLIC.RESUME TASKS_WH 0.1 0.43",
        ])
        #expect(costs.rows.allSatisfy { $0.grain == .day && $0.poolName.isEmpty && $0.organization == "ORG" })
        // The lines are the sums of the rows; the metered rows behind each are still counted.
        #expect(costs.warehouse == ChargeSum(quantity: Self.dec("0.2"), amount: Money(Self.dec("0.86"), .usd)))
        #expect(costs.serverless.amount == Money(Self.dec("0.0015"), .usd))
        #expect(costs.lines.map(\.rows) == [2, 2])
    }
}
