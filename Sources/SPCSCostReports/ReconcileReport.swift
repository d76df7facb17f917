import Foundation
import SPCSCostCore

/// Renders a reconciliation: estimate against metered, per pool and day, the difference split by cause.
/// Credits, and when the run priced them, money from the priced ledger (the same amount per pool and day as
/// `report`); a pure function of its input.
public enum ReconcileReport {
    /// The data to render.
    public struct Input: Sendable {
        /// Pools, in order.
        public var pools: [PoolReconciliation]
        /// First day.
        public var from: CivilDate
        /// Last day.
        public var to: CivilDate
        /// The estimate's rate card.
        public var rateCardID: String
        /// Notes for the reader.
        public var warnings: [String]
        /// The presentation currency; nil when the reconciliation is in credits only.
        public var currency: Currency?
        /// The credit prices and FX used, per run of UTC days (empty when not priced).
        public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)]

        /// Creates an input; `currency` nil = credits only.
        public init(pools: [PoolReconciliation], from: CivilDate, to: CivilDate, rateCardID: String, warnings: [String],
                    currency: Currency? = nil, priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []) {
            self.pools = pools
            self.from = from
            self.to = to
            self.rateCardID = rateCardID
            self.warnings = warnings
            self.currency = currency
            self.priceRuns = priceRuns
        }

        var priced: Bool { currency != nil }
    }

    static func q(_ d: Decimal) -> String { QuantityFormat.quantity(d) }
    /// True for a value that is not zero at the 9 decimals shown (the split leaves remainders of 10⁻³⁰).
    static func shown(_ d: Decimal?) -> Bool { d.map { q($0) != "0" } ?? false }
    static func signed(_ d: Decimal) -> String { (d > 0 ? "+" : "") + q(d) }
    static func money(_ m: Money?) -> String { m.map(MoneyFormat.grouped) ?? "" }
    static func signedMoney(_ m: Money?) -> String {
        guard let m else { return "" }
        return (MoneyFormat.rounded(m) > 0 ? "+" : "") + MoneyFormat.grouped(m)
    }
    static func plainMoney(_ m: Money?) -> String { m.map(MoneyFormat.plain) ?? "" }

    static let moneyMethod = "Money comes from the priced ledger, as in report: metered credits at the price and FX "
        + "of each hour's UTC day; a day's estimate and each cause's credits at the UTC day of the day's first "
        + "instant; what a second UTC day's price adds is unexplained, so the causes add up to the difference."

    /// The prices used, one line per run of UTC days.
    static func priceLines(_ r: Input) -> [String] { r.priceRuns.map(SavingsReportDocument.priceRunText) }

    static let method = """
        Metered node-hours = CREDITS_USED ÷ the rate in force that day; each hour is matched to the schedule model \
        (scheduled, then tail, then the 5-minute minimum); the rest inside fully scheduled hours is extra nodes; \
        outside, blocks of consecutive hours end in an AUTO_SUSPEND_SECS tail and the rest is off-hours use; 12 or \
        more full hours outside the schedule mean the schedule did not act. Difference by cause = (metered − \
        estimated node-hours) × the estimate's rate; rate-card change = metered node-hours × (rate in force − \
        estimate's rate). Task (warehouse) credits are not in SNOWPARK_CONTAINER_SERVICES_HISTORY and are not \
        reconciled. Hourly rows cannot show when within an hour something happened.
        """

    /// A terminal summary.
    public static func table(_ r: Input) -> String {
        var out = ""
        for w in r.warnings { out += "warning: \(w)\n" }
        if !r.warnings.isEmpty { out += "\n" }
        out += "Reconciliation \(r.from) to \(r.to) (estimate at rate card \(r.rateCardID) unless a pool names its own); credits"
            + (r.currency.map { " and \($0.code)" } ?? "") + "\n\n"
        var header = ["Pool", "Credits/node-hour", "Estimated", "Metered", "Difference"]
        if let c = r.currency { header += ["Estimated \(c.code)", "Metered \(c.code)", "Difference \(c.code)"] }
        header.append("Provisional days")
        var t = TextTable(header: header, alignments: [.left] + Array(repeating: .right, count: header.count - 1))
        for p in r.pools {
            var row = [p.pool, p.plan == nil ? "" : QuantityFormat.exact(p.estimateRate), q(p.estimatedCredits),
                       q(p.meteredCredits), signed(p.meteredCredits - p.estimatedCredits)]
            if r.priced { let m = p.money; row += [money(m?.estimated.amount), money(m?.metered.amount), signedMoney(m?.difference)] }
            row.append(String(p.days.filter(\.provisional).count))
            t.rows.append(row)
        }
        out += t.terminal()
        for p in r.pools {
            let e = p.explained
            guard !e.isEmpty else { continue }
            out += "\n\(p.pool): difference by cause (credits\(r.currency.map { ", \($0.code)" } ?? "")), and the metered node-hours of each cause\n"
            let byCause = p.money?.byCause ?? [:]
            var c = TextTable(header: r.priced ? ["Cause", "Difference", "Difference \(r.currency!.code)", "Metered node-hours"]
                                               : ["Cause", "Difference", "Metered node-hours"],
                              alignments: r.priced ? [.left, .right, .right, .right] : [.left, .right, .right])
            let hours = p.meteredNodeHours
            for cause in VarianceCause.allCases where shown(e[cause]) || shown(hours[cause]) || (byCause[cause].map { MoneyFormat.rounded($0) != 0 } ?? false) {
                var row = [cause.label, signed(e[cause] ?? 0)]
                if r.priced { row.append(signedMoney(byCause[cause] ?? .zero(r.currency!))) }
                row.append(hours[cause].map(q) ?? "")
                c.rows.append(row)
            }
            out += c.terminal()
        }
        if r.priced {
            out += "\nCredit prices (per UTC day):\n" + priceLines(r).map { "  \($0)\n" }.joined()
        }
        out += "\nMethod: \(method)\(r.priced ? " " + moneyMethod : "")\n"
        return out
    }

    /// One CSV row per pool and day (RFC 4180).
    public static func csv(_ r: Input) -> String {
        var header = ["date", "pool", "provisional", "estimated_node_hours", "estimated_credits", "metered_credits",
                      "difference_credits"]
        header += VarianceCause.allCases.map { "difference_\($0.rawValue)" }
        header += VarianceCause.allCases.filter { $0 != .rateCardChange && $0 != .unexplained }
            .map { "metered_node_hours_\($0.rawValue)" }
        if let c = r.currency {
            header += ["currency", "estimated_amount", "metered_amount", "difference_amount"]
            header += VarianceCause.allCases.map { "difference_amount_\($0.rawValue)" }
            _ = c
        }
        var t = TextTable(header: header)
        for p in r.pools {
            for d in p.days {
                var row = [d.date.description, p.pool, d.provisional ? "true" : "false",
                           q(d.estimatedNodeHours.values.reduce(0, +)), q(d.estimatedCredits), q(d.meteredCredits),
                           q(d.difference)]
                row += VarianceCause.allCases.map { q(d.explained[$0] ?? 0) }
                row += VarianceCause.allCases.filter { $0 != .rateCardChange && $0 != .unexplained }
                    .map { q(d.meteredNodeHours[$0] ?? 0) }
                if let c = r.currency {
                    let m = d.money ?? .zero(c)
                    row += [c.code, plainMoney(m.estimated.amount), plainMoney(m.metered.amount), plainMoney(m.difference)]
                    row += VarianceCause.allCases.map { plainMoney(m.byCause[$0] ?? .zero(c)) }
                }
                t.rows.append(row)
            }
        }
        return t.csv()
    }

    /// Markdown: summary, causes per pool, then days.
    public static func markdown(_ r: Input) -> String {
        var out = "# Reconciliation \(r.from) to \(r.to)\n\n"
        for w in r.warnings { out += "> **Warning:** \(w)\n\n" }
        out += "Estimate at rate card \(r.rateCardID). \(method)\(r.priced ? " " + moneyMethod : "")\n\n"
        if r.priced { out += "Credit prices (per UTC day):\n\n" + priceLines(r).map { "- \($0)\n" }.joined() + "\n" }
        var header = ["Pool", "Estimated credits", "Metered credits", "Difference"]
        if let c = r.currency { header += ["Estimated \(c.code)", "Metered \(c.code)", "Difference \(c.code)"] }
        header.append("Provisional days")
        var t = TextTable(header: header, alignments: [.left] + Array(repeating: .right, count: header.count - 1))
        for p in r.pools {
            var row = [p.pool, q(p.estimatedCredits), q(p.meteredCredits), signed(p.meteredCredits - p.estimatedCredits)]
            if r.priced { let m = p.money; row += [money(m?.estimated.amount), money(m?.metered.amount), signedMoney(m?.difference)] }
            row.append(String(p.days.filter(\.provisional).count))
            t.rows.append(row)
        }
        out += t.markdown()
        for p in r.pools {
            out += "\n## \(p.pool)\n\n"
            var c = TextTable(header: r.priced ? ["Cause", "Difference (credits)", "Difference (\(r.currency!.code))", "Metered node-hours"]
                                               : ["Cause", "Difference (credits)", "Metered node-hours"],
                              alignments: r.priced ? [.left, .right, .right, .right] : [.left, .right, .right])
            let e = p.explained
            let byCause = p.money?.byCause ?? [:]
            let hours = p.meteredNodeHours
            for cause in VarianceCause.allCases where shown(e[cause]) || shown(hours[cause]) || (byCause[cause].map { MoneyFormat.rounded($0) != 0 } ?? false) {
                var row = [cause.label, signed(e[cause] ?? 0)]
                if r.priced { row.append(signedMoney(byCause[cause] ?? .zero(r.currency!))) }
                row.append(hours[cause].map(q) ?? "")
                c.rows.append(row)
            }
            out += c.markdown() + "\n"
            var days = TextTable(header: ["Date", "Estimated", "Metered", "Difference", "Largest cause", "Provisional"],
                                 alignments: [.left, .right, .right, .right, .left, .left])
            for d in p.days {
                let top = d.explained.max { abs($0.value) < abs($1.value) }
                days.rows.append([d.date.description, q(d.estimatedCredits), q(d.meteredCredits), signed(d.difference),
                                  top.map { "\($0.key.label) \(signed($0.value))" } ?? "", d.provisional ? "yes" : ""])
            }
            out += days.markdown()
        }
        return out
    }

    struct DayJSON: Encodable {
        let date: String
        let provisional: Bool
        let estimatedNodeHours: [String: String]
        let estimatedCredits: String
        let meteredCredits: String
        let meteredNodeHours: [String: String]
        let difference: String
        let differenceByCause: [String: String]
        let money: MoneyJSON?
    }

    struct MoneyJSON: Encodable {
        let currency: String
        let estimatedAmount: String
        let meteredAmount: String
        let differenceAmount: String
        let differenceAmountByCause: [String: String]

        init(_ m: ReconcileMoney) {
            currency = m.metered.amount.currency.code
            estimatedAmount = MoneyFormat.exact(m.estimated.amount)
            meteredAmount = MoneyFormat.exact(m.metered.amount)
            differenceAmount = MoneyFormat.exact(m.difference)
            differenceAmountByCause = Dictionary(uniqueKeysWithValues: m.byCause.map { ($0.key.rawValue, MoneyFormat.exact($0.value)) })
        }
    }

    struct PoolJSON: Encodable {
        let pool: String
        let planned: Bool
        let estimateRate: String
        let estimatedCredits: String
        let meteredCredits: String
        let difference: String
        let differenceByCause: [String: String]
        let meteredNodeHoursByCause: [String: String]
        let money: MoneyJSON?
        let days: [DayJSON]
    }

    struct DocJSON: Encodable {
        let from: String
        let to: String
        let rateCard: String
        let method: String
        let currency: String?
        let creditPrices: [String]
        let warnings: [String]
        let pools: [PoolJSON]
    }

    /// JSON with every day and cause.
    public static func json(_ r: Input) -> String {
        func map<K: RawRepresentable>(_ d: [K: Decimal]) -> [String: String] where K.RawValue == String {
            Dictionary(uniqueKeysWithValues: d.map { ($0.key.rawValue, q($0.value)) })
        }
        return JSONText.encode(DocJSON(
            from: r.from.description, to: r.to.description, rateCard: r.rateCardID,
            method: method + (r.priced ? " " + moneyMethod : ""), currency: r.currency?.code, creditPrices: priceLines(r),
            warnings: r.warnings,
            pools: r.pools.map { p in
                PoolJSON(pool: p.pool, planned: p.plan != nil, estimateRate: QuantityFormat.exact(p.estimateRate),
                         estimatedCredits: q(p.estimatedCredits), meteredCredits: q(p.meteredCredits),
                         difference: q(p.meteredCredits - p.estimatedCredits), differenceByCause: map(p.explained),
                         meteredNodeHoursByCause: map(p.meteredNodeHours), money: p.money.map(MoneyJSON.init),
                         days: p.days.map { d in
                             DayJSON(date: d.date.description, provisional: d.provisional,
                                     estimatedNodeHours: map(d.estimatedNodeHours), estimatedCredits: q(d.estimatedCredits),
                                     meteredCredits: q(d.meteredCredits), meteredNodeHours: map(d.meteredNodeHours),
                                     difference: q(d.difference), differenceByCause: map(d.explained),
                                     money: d.money.map(MoneyJSON.init))
                         })
            }))
    }
}
