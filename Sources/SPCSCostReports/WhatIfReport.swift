import Foundation
import SPCSCostCore

/// Renders what-if re-pricings: per policy and pool, metered credits against the policy's, and when priced the
/// amounts in the presentation currency from the priced ledger, with totals per policy and the policy's
/// assumptions stated.
public enum WhatIfReport {
    /// Renders `results` (in policy, then pool order) as `format`.
    /// - Parameters:
    ///   - currency: the presentation currency of the results' amounts; nil = credits only.
    ///   - priceRuns: the prices and FX used, per run of UTC days (listed under the tables).
    public static func render(_ results: [WhatIfResult], from: CivilDate, to: CivilDate, format: EstimateFormat,
                              currency: Currency? = nil,
                              priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []) -> String {
        let q = QuantityFormat.quantity
        let priced = currency != nil
        var policies: [WhatIfPolicy] = []
        for r in results where !policies.contains(r.policy) { policies.append(r.policy) }
        func total(_ p: WhatIfPolicy, _ f: (WhatIfResult) -> ChargeSum?) -> ChargeSum? {
            guard let c = currency else { return nil }
            return results.filter { $0.policy == p }.reduce(ChargeSum.zero(c)) { $0 + (f($1) ?? .zero(c)) }
        }
        let prices = priceRuns.map(SavingsReportDocument.priceRunText)
        let method = "Every amount is a sum of ledger charges (as in report): each UTC day's credits at that day's "
            + "credit price and FX. Always on and business hours count only the hours each pool existed."
        func exact(_ m: Money?) -> String? { m.map(MoneyFormat.exact) }
        func signedMoney(_ m: Money) -> String { (MoneyFormat.rounded(m) > 0 ? "+" : "") + MoneyFormat.grouped(m) }
        switch format {
        case .json:
            struct Row: Encodable {
                let pool: String; let lifetime: String; let meteredCredits: String; let policyCredits: String
                let savedCredits: String; let meteredAmount: String?; let policyAmount: String?; let savedAmount: String?
                let days: [[String: String]]
            }
            struct Totals: Encodable {
                let meteredCredits: String; let policyCredits: String; let savedCredits: String
                let meteredAmount: String; let policyAmount: String; let savedAmount: String
            }
            struct Policy: Encodable { let policy: String; let assumptions: String; let totals: Totals?; let pools: [Row] }
            struct Doc: Encodable {
                let from: String; let to: String; let currency: String?; let method: String?; let creditPrices: [String]?
                let policies: [Policy]
            }
            return JSONText.encode(Doc(
                from: from.description, to: to.description, currency: currency?.code, method: priced ? method : nil,
                creditPrices: priced ? prices : nil,
                policies: policies.map { p in
                    let m = total(p, \.metered), c = total(p, \.policyCost)
                    let totals = m.flatMap { m in c.map { c in
                        Totals(meteredCredits: q(m.quantity), policyCredits: q(c.quantity), savedCredits: q(c.quantity - m.quantity),
                               meteredAmount: MoneyFormat.exact(m.amount), policyAmount: MoneyFormat.exact(c.amount),
                               savedAmount: MoneyFormat.exact(c.amount - m.amount))
                    } }
                    return Policy(policy: p.label, assumptions: p.assumptions, totals: totals,
                                  pools: results.filter { $0.policy == p }.map { r in
                        Row(pool: r.pool, lifetime: r.lifetime.summary, meteredCredits: q(r.meteredCredits),
                            policyCredits: q(r.policyCredits), savedCredits: q(r.savedCredits),
                            meteredAmount: exact(r.metered?.amount), policyAmount: exact(r.policyCost?.amount),
                            savedAmount: exact(r.saved?.amount),
                            days: r.days.map { d in
                                var row = ["date": d.date.description, "meteredCredits": q(d.meteredCredits),
                                           "policyCredits": q(d.policyCredits)]
                                if let m = d.metered, let c = d.policy {
                                    row["meteredAmount"] = MoneyFormat.exact(m.amount)
                                    row["policyAmount"] = MoneyFormat.exact(c.amount)
                                }
                                return row
                            })
                    })
                }))
        case .csv:
            var header = ["policy", "pool", "date", "metered_credits", "policy_credits"]
            if priced { header += ["currency", "metered_amount", "policy_amount", "saved_amount"] }
            var t = TextTable(header: header)
            for r in results {
                for d in r.days {
                    var row = [r.policy.label, r.pool, d.date.description, q(d.meteredCredits), q(d.policyCredits)]
                    if let c = currency {
                        let m = d.metered?.amount ?? .zero(c), p = d.policy?.amount ?? .zero(c)
                        row += [c.code, MoneyFormat.plain(m), MoneyFormat.plain(p), MoneyFormat.plain(p - m)]
                    }
                    t.rows.append(row)
                }
            }
            return t.csv()
        case .table, .markdown:
            let md = format == .markdown
            var out = md ? "# What if: \(from) to \(to)\n"
                : "What if: \(from) to \(to) (credits\(currency.map { " and \($0.code)" } ?? ""))\n"
            out += (md ? "\n" : "") + "Policy minus metered: positive when the policy would have cost more "
                + "than what was metered (the metered use saved that much), negative when the policy would have saved.\n"
            if priced { out += (md ? "\n" : "") + method + "\n" }
            for p in policies {
                out += md ? "\n## \(p.label)\n\n\(p.assumptions)\n\n" : "\n\(p.label)\n  Assumes: \(p.assumptions)\n"
                var header = ["Pool", "Metered", "Under the policy", "Policy minus metered"]
                if let c = currency { header += ["Metered \(c.code)", "Under the policy \(c.code)", "Policy minus metered \(c.code)"] }
                var t = TextTable(header: header, alignments: [.left] + Array(repeating: .right, count: header.count - 1))
                for r in results where r.policy == p {
                    var row = [r.pool, q(r.meteredCredits), q(r.policyCredits), q(r.savedCredits)]
                    if let m = r.metered, let c = r.policyCost {
                        row += [MoneyFormat.grouped(m.amount), MoneyFormat.grouped(c.amount), signedMoney(c.amount - m.amount)]
                    }
                    t.rows.append(row)
                }
                if let m = total(p, \.metered), let c = total(p, \.policyCost),
                   results.filter({ $0.policy == p }).count > 1 {
                    t.rows.append(["All pools", q(m.quantity), q(c.quantity), q(c.quantity - m.quantity),
                                   MoneyFormat.grouped(m.amount), MoneyFormat.grouped(c.amount), signedMoney(c.amount - m.amount)])
                }
                out += md ? t.markdown()
                    : t.terminal().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            }
            if priced {
                out += md ? "\n## Credit prices (per UTC day)\n\n" + prices.map { "- \($0)\n" }.joined()
                    : "\nCredit prices (per UTC day):\n" + prices.map { "  \($0)\n" }.joined()
                let lifetimes = Dictionary(results.map { ($0.pool, $0.lifetime.summary) }, uniquingKeysWith: { a, _ in a })
                out += md ? "\n## Pool lifetimes\n\n" + lifetimes.sorted { $0.key < $1.key }.map { "- \($0.key): \($0.value)\n" }.joined()
                    : "\nPool lifetimes:\n" + lifetimes.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
            }
            return out
        }
    }
}
