import Foundation
import SPCSCostCore
import Testing

/// The bill check per account and UTC day: the ledger's SPCS amount against USAGE_IN_CURRENCY_DAILY, by cause.
@Suite struct BillCheckTests {
    static let usd = Currency(code: "USD")!
    static func money(_ text: String) -> Money { Money(Decimal(string: text)!, usd) }
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    /// Ledger figures at 2.85 USD a credit.
    static func ledger(_ entries: [(String, String, String)]) -> [BillCheck.AccountDay: BillCheck.LedgerDay] {
        var out: [BillCheck.AccountDay: BillCheck.LedgerDay] = [:]
        for (account, day, credits) in entries {
            let c = Decimal(string: credits)!
            out[.init(account: account, day: Self.day(day))] = .init(credits: c, amount: Money(c * Decimal(string: "2.85")!, usd),
                                                                       unitPrice: money("2.85"))
        }
        return out
    }

    static func billed(_ account: String, _ day: String, _ usage: String, _ amount: String) -> BilledUsageRow {
        BilledUsageRow(account: account, day: Self.day(day), serviceType: "SNOWPARK_CONTAINER_SERVICES", ratingType: "compute",
                       balanceSource: "capacity", usage: Decimal(string: usage)!, amount: money(amount))
    }

    /// (accounts of the ledger with their credits, billed rows, expected "ACCOUNT DAY difference causes" lines,
    /// expected unbilled days, a warning fragment or "").
    @Test(arguments: [
        // Two accounts, each compared with its own bill: 1.1 credits × 2.85 = 3.135, billed 3.14 (rounding 0.005);
        // 0.99 × 2.85 = 2.8215, billed 2.82 (rounding -0.0015).
        ([("DEV", "2024-04-02", "1.1"), ("PROD", "2024-04-02", "0.99")],
         [billed("dev", "2024-04-02", "1.100", "3.14"), billed("PROD", "2024-04-02", "0.990", "2.82")],
         ["dev 2024-04-02 0.005 rounding 0.005", "PROD 2024-04-02 -0.0015 rounding -0.0015"], [String](), ""),
        // Usage without an account (a CSV import) is the only billed account's.
        ([("", "2024-04-02", "1.1")], [billed("DEV", "2024-04-02", "1.100", "3.14")],
         ["DEV 2024-04-02 0.005 rounding 0.005"], [], ""),
        // ... and is compared with the sum of all accounts when the bill names several.
        ([("", "2024-04-02", "2.09")],
         [billed("DEV", "2024-04-02", "1.100", "3.14"), billed("PROD", "2024-04-02", "0.990", "2.82")],
         ["all accounts 2024-04-02 0.0035 rounding 0.0035"], [], "compares each day's total of all accounts"),
        // An account the bill does not show is not compared; a day no account is billed for yet is listed.
        ([("DEV", "2024-04-02", "1.1"), ("OTHER", "2024-04-02", "5"), ("DEV", "2024-04-03", "1.1")],
         [billed("DEV", "2024-04-02", "1.100", "3.14")],
         ["DEV 2024-04-02 0.005 rounding 0.005"], ["2024-04-03"], "no SPCS row for account OTHER"),
        // A day billed for one account and not for another that ran: held credits not billed.
        ([("DEV", "2024-04-02", "1.1"), ("PROD", "2024-04-02", "1"), ("PROD", "2024-04-01", "1")],
         [billed("DEV", "2024-04-02", "1.100", "3.14"), billed("PROD", "2024-04-01", "1.000", "2.85")],
         ["DEV 2024-04-02 0.005 rounding 0.005", "PROD 2024-04-01 0", "PROD 2024-04-02 -2.85 usage not in cache -2.85"],
         [], ""),
    ] as [([(String, String, String)], [BilledUsageRow], [String], [String], String)])
    func perAccountAndDay(ledger: [(String, String, String)], billed: [BilledUsageRow], expected: [String],
                          unbilled: [String], warning: String) throws {
        let check = try #require(BillCheck.build(ledger: Self.ledger(ledger), billed: billed))
        let lines = check.days.map { d in
            ([d.account, d.day.description, ExactDecimal.text(d.difference.amount)]
                + BillCause.allCases.compactMap { c in d.causes[c].map { "\(c.rawValue) \(ExactDecimal.text($0.amount))" } })
                .joined(separator: " ")
        }
        #expect(lines == expected)
        #expect(check.unbilledDays.map(\.description) == unbilled)
        if warning.isEmpty { #expect(check.warnings.isEmpty) } else { #expect(check.warnings.contains { $0.contains(warning) }) }
        // The causes add up to billed minus ledger exactly, every day.
        for d in check.days {
            #expect(d.causes.values.reduce(Decimal(0)) { $0 + $1.amount } == d.difference.amount)
        }
    }
}
