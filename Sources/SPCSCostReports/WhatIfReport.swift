import Foundation
import SPCSCostCore

/// Renders what-if re-pricings: per policy and pool, metered credits against the policy's, with the policy's
/// assumptions stated.
public enum WhatIfReport {
    /// Renders `results` (in policy, then pool order) as `format`.
    public static func render(_ results: [WhatIfResult], from: CivilDate, to: CivilDate, format: EstimateFormat) -> String {
        let q = QuantityFormat.quantity
        var policies: [WhatIfPolicy] = []
        for r in results where !policies.contains(r.policy) { policies.append(r.policy) }
        switch format {
        case .json:
            struct Row: Encodable { let pool: String; let meteredCredits: String; let policyCredits: String; let savedCredits: String
                let days: [[String: String]] }
            struct Policy: Encodable { let policy: String; let assumptions: String; let pools: [Row] }
            struct Doc: Encodable { let from: String; let to: String; let policies: [Policy] }
            return JSONText.encode(Doc(from: from.description, to: to.description, policies: policies.map { p in
                Policy(policy: p.label, assumptions: p.assumptions, pools: results.filter { $0.policy == p }.map { r in
                    Row(pool: r.pool, meteredCredits: q(r.meteredCredits), policyCredits: q(r.policyCredits),
                        savedCredits: q(r.savedCredits),
                        days: r.days.map { ["date": $0.date.description, "meteredCredits": q($0.meteredCredits),
                                            "policyCredits": q($0.policyCredits)] })
                })
            }))
        case .csv:
            var t = TextTable(header: ["policy", "pool", "date", "metered_credits", "policy_credits"])
            for r in results {
                for d in r.days { t.rows.append([r.policy.label, r.pool, d.date.description, q(d.meteredCredits), q(d.policyCredits)]) }
            }
            return t.csv()
        case .table, .markdown:
            var out = format == .markdown ? "# What if: \(from) to \(to)\n" : "What if: \(from) to \(to) (credits)\n"
            out += (format == .markdown ? "\n" : "") + "Policy minus metered: positive when the policy would have cost more "
                + "than what was metered (the metered use saved that much), negative when the policy would have saved.\n"
            for p in policies {
                out += format == .markdown ? "\n## \(p.label)\n\n\(p.assumptions)\n\n" : "\n\(p.label)\n  Assumes: \(p.assumptions)\n"
                var t = TextTable(header: ["Pool", "Metered", "Under the policy", "Policy minus metered"],
                                  alignments: [.left, .right, .right, .right])
                for r in results where r.policy == p {
                    t.rows.append([r.pool, q(r.meteredCredits), q(r.policyCredits), q(r.savedCredits)])
                }
                out += format == .markdown ? t.markdown()
                    : t.terminal().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
            }
            return out
        }
    }
}
