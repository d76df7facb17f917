import Foundation
import SPCSCostCore

/// What `spcs-cost advise` renders: the recommendations (each with its saving, its own cost, the SQL and its
/// assumptions), the metered total and the prices used. ``Document/advise(_:stamp:)`` turns it into the document.
public struct AdviseInput: Sendable {
    /// Recommendations in pool, then kind order.
    public var advice: [Advice]
    /// First day.
    public var from: CivilDate
    /// Last day.
    public var to: CivilDate
    /// Zone of the days.
    public var timeZone: TimeZone
    /// The rate card used.
    public var rateCardID: String
    /// Metered credits over the period, all pools.
    public var meteredCredits: Decimal
    /// Metered credits and cost, all pools; nil when not priced.
    public var metered: ChargeSum?
    /// Notes for the reader.
    public var warnings: [String]
    /// The presentation currency; nil = credits only.
    public var currency: Currency?
    /// The prices and FX used, per run of UTC days (empty when not priced).
    public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)]

    /// Creates an input; `currency` nil = credits only.
    public init(advice: [Advice], from: CivilDate, to: CivilDate, timeZone: TimeZone, rateCardID: String,
                meteredCredits: Decimal, metered: ChargeSum?, warnings: [String], currency: Currency?,
                priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)]) {
        self.advice = advice
        self.from = from
        self.to = to
        self.timeZone = timeZone
        self.rateCardID = rateCardID
        self.meteredCredits = meteredCredits
        self.metered = metered
        self.warnings = warnings
        self.currency = currency
        self.priceRuns = priceRuns
    }
}

extension Document {
    /// The advice's files are named `spcs-cost-advise_<from>_<to>` plus the format's suffix.
    public static func adviseFileBase(_ a: AdviseInput) -> String { "spcs-cost-advise_\(a.from)_\(a.to)" }

    /// The advice (`spcs-cost advise`) as one document (kind `advise`, JSON schema `spcs-cost.advise/2`): headline
    /// figures (metered; the best net saving per pool from AUTO_SUSPEND_SECS or a schedule, summed), the `recommendations` table (pool, kind, change,
    /// saving, the change's own cost from least to most, net saving, the SQL), a section per recommendation (what the
    /// history shows, the assumptions, the SQL) and the stamp (rate card, credit prices with their days and FX, price
    /// order, rounding, tool, command).
    public static func advise(_ a: AdviseInput, stamp: ReportStamp) -> Document {
        AdviseDocument(a: a, stamp: stamp).document
    }
}

/// Builds the ``Document`` of an advice run (see ``Document/advise(_:stamp:)``).
struct AdviseDocument {
    let a: AdviseInput
    let stamp: ReportStamp

    var document: Document {
        var notes = [
            "Each saving is what the change would have saved on this history, computed by the billing model of whatif "
                + "from the metered hours; net saving = saving minus the most the change itself costs (its tasks). "
                + "Recommendations of one pool are alternatives: their savings do not add up.",
        ]
        if a.currency != nil {
            notes.append("Every amount is a sum of ledger charges (as in report): each UTC day's credits at that day's "
                + "credit price and FX; the tasks' credits at the price of the day they run.")
        }
        if a.advice.contains(where: { $0.kind == .notebookWarehouse }) {
            notes.append("A notebook_warehouse recommendation names a warehouse, not a pool: its Metered is the "
                + "warehouse's WAREHOUSE_METERING_HISTORY credits in the period (not in the headline Metered, which is "
                + "the pools'), from SHOW WAREHOUSES and SHOW NOTEBOOKS as last pulled.")
        }
        var sections: [Document.Section] = [
            .init(id: "recommendations", title: "Recommendations",
                  blocks: a.advice.isEmpty ? [.paragraph("No recommendation for this period.")] : [.table(table)]),
        ]
        for (i, r) in a.advice.enumerated() {
            var blocks: [Document.Block] = [.paragraph(r.finding)]
            blocks.append(.list(r.assumptions.map { "Assumption: \($0)" }))
            blocks.append(.list(r.sql.split(separator: "\n").map { "SQL: \($0)" }))
            sections.append(.init(id: "recommendation_\(i + 1)", title: "\(i + 1). \(r.pool): \(r.change)", level: 2,
                                  blocks: blocks))
        }
        return Document(kind: "advise", fileBase: Document.adviseFileBase(a),
                        title: "Advice: \(a.from) to \(a.to)", stamp: documentStamp, warnings: a.warnings, notes: notes,
                        figuresTitle: "Summary", figures: figures, currency: a.currency ?? .usd, sections: sections)
    }

    /// The best net saving of each pool among its AUTO_SUSPEND_SECS and schedule recommendations (the others
    /// depend on what the usage view cannot show: whether a service did work, whether two pools' services fit on one),
    /// and each notebook warehouse's AUTO_SUSPEND recommendation (one per warehouse and account).
    var bestPerPool: [Advice] {
        var best: [String: Advice] = [:]
        for r in a.advice where r.netCredits > 0 && (r.kind == .autoSuspend || r.kind == .schedule || r.kind == .notebookWarehouse) {
            let key = r.kind == .notebookWarehouse ? "warehouse \(r.account ?? "") \(r.pool)" : "pool \(r.pool)"
            if let b = best[key], (b.net?.amount.amount ?? b.netCredits) >= (r.net?.amount.amount ?? r.netCredits) { continue }
            best[key] = r
        }
        return best.keys.sorted().map { best[$0]! }
    }

    /// Metered, and the best net saving per pool (AUTO_SUSPEND_SECS or schedule) summed; only when priced.
    var figures: [Document.Figure] {
        guard let m = a.metered, let c = a.currency else { return [] }
        let best = bestPerPool
        let credits = best.reduce(Decimal(0)) { $0 + $1.netCredits }
        let amount = best.reduce(Money.zero(c)) { $0 + ($1.net?.amount ?? .zero(c)) }
        let warehouses = best.filter { $0.kind == .notebookWarehouse }.count
        let pools = best.count - warehouses
        let label = warehouses == 0 ? "Best net saving per pool (AUTO_SUSPEND_SECS or schedule), summed"
            : "Best net saving per pool (AUTO_SUSPEND_SECS or schedule) and notebook warehouse (AUTO_SUSPEND), summed"
        let count = "\(pools) pool\(pools == 1 ? "" : "s")"
            + (warehouses == 0 ? "" : ", \(warehouses) warehouse\(warehouses == 1 ? "" : "s")")
        return [
            .init(key: "metered", label: "Metered", credits: m.quantity, amount: m.amount, emphasis: true),
            .init(key: "best_net_saving", label: label, credits: credits, amount: amount,
                  percent: m.amount.amount == 0 ? nil : amount.amount / m.amount.amount * 100,
                  percentOf: m.amount.amount == 0 ? nil : "metered",
                  note: count, emphasis: true),
        ]
    }

    var table: Table {
        var columns: [Table.Column] = [
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "kind", label: "Kind", kind: .text, detail: true),
            .init(key: "recommendation", label: "Recommendation", kind: .text),
            .init(key: "metered_credits", label: "Metered", kind: .credits),
            .init(key: "saved_credits", label: "Saving", kind: .credits),
            .init(key: "cost_low_credits", label: "Own cost, least", kind: .credits),
            .init(key: "cost_high_credits", label: "Own cost, most", kind: .credits),
            .init(key: "net_credits", label: "Net saving", kind: .credits),
        ]
        if let c = a.currency {
            columns += [.init(key: "saved_cost_\(c.code)", label: "Saving (\(c.code))", kind: .money(c)),
                        .init(key: "cost_low_\(c.code)", label: "Own cost, least (\(c.code))", kind: .money(c)),
                        .init(key: "cost_high_\(c.code)", label: "Own cost, most (\(c.code))", kind: .money(c)),
                        .init(key: "net_cost_\(c.code)", label: "Net saving (\(c.code))", kind: .money(c))]
        }
        columns.append(.init(key: "sql", label: "SQL", kind: .text, detail: true))
        var t = Table(id: "recommendations", title: "Recommendations", columns: columns)
        for r in a.advice {
            var cells: [Cell] = [.text(r.pool), .text(r.kind.rawValue), .text("\(r.kind.label): \(r.change)"),
                                 .number(r.meteredCredits), .number(r.savedCredits), .number(r.costLowCredits),
                                 .number(r.costHighCredits), .number(r.netCredits)]
            if let c = a.currency {
                cells += [.money(r.saved?.amount ?? .zero(c)), .money(r.costLow?.amount ?? .zero(c)),
                          .money(r.costHigh?.amount ?? .zero(c)), .money(r.net?.amount ?? .zero(c))]
            }
            cells.append(.text(r.sql))
            t.rows.append(.init(cells))
        }
        return t
    }

    /// Period, rate card, credit prices with their days and FX, price order, rounding, tool, command.
    var documentStamp: DocumentStamp {
        var lines: [DocumentStamp.Line] = [
            .init(key: "period", label: "Period", text: "\(a.from) to \(a.to) (\(a.timeZone.displayName))"),
            .init(key: "rate_card", label: "Rates", text: "rate card \(a.rateCardID) for node-hours from metered credits."),
        ]
        for run in a.priceRuns {
            lines.append(.init(key: "credit_price", label: "Credit price", text: SavingsReportDocument.priceRunText(run) + "."))
        }
        if let c = a.currency {
            lines.append(.init(key: "price_order", label: "Price order", text: CreditPriceSchedule.orderDescription + "."))
            lines.append(.init(key: "rounding", label: "Rounding", text: "\(MoneyFormat.ruleDescription) (\(c.code) \(c.minorUnits))."))
        } else {
            lines.append(.init(key: "credit_price", label: "Credit price", text: "not priced: credits only."))
        }
        lines.append(.init(key: "tool", label: "Tool", text: "spcs-cost \(stamp.toolVersion)"))
        lines.append(.init(key: "command", label: "Command", text: stamp.commandLine, code: true))
        return DocumentStamp(
            from: a.from, through: a.to, rateCard: a.rateCardID,
            creditPrices: a.priceRuns.map(DocumentStamp.PriceRun.init(run:)),
            priceOrder: a.currency != nil ? CreditPriceSchedule.orderDescription : nil,
            currency: a.currency ?? .usd, toolVersion: stamp.toolVersion, commandLine: stamp.commandLine, lines: lines)
    }
}
