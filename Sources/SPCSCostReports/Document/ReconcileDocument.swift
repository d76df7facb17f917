import Foundation
import SPCSCostCore

/// What `spcs-cost reconcile` renders: estimate against metered, per pool and day, the difference split by cause.
/// Credits, and when the run priced them, money from the priced ledger (the same amount per pool and day as
/// `report`). ``Document/reconcile(_:stamp:)`` turns it into the command's document.
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
        /// Planned block storage against metered, one per pool that plans storage, by pool name (empty when none
        /// is planned or the run is not priced); already in the pools' money.
        public var storage: [StorageAgainstPlan]

        /// Creates an input; `currency` nil = credits only.
        public init(pools: [PoolReconciliation], from: CivilDate, to: CivilDate, rateCardID: String, warnings: [String],
                    currency: Currency? = nil, priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] = [],
                    storage: [StorageAgainstPlan] = []) {
            self.storage = storage
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

    /// How metered hours are matched to the schedule model and the difference split by cause.
    static let method = """
        Metered node-hours = CREDITS_USED ÷ the rate in force that day; each hour is matched to the schedule model \
        (scheduled, then tail, then the 5-minute minimum); the rest inside fully scheduled hours is extra nodes; \
        outside, blocks of consecutive hours end in an AUTO_SUSPEND_SECS tail and the rest is off-hours use; 12 or \
        more full hours outside the schedule mean the schedule did not act. Difference by cause = (metered − \
        estimated node-hours) × the estimate's rate; rate-card change = metered node-hours × (rate in force − \
        estimate's rate). Task (warehouse) credits are not in SNOWPARK_CONTAINER_SERVICES_HISTORY and are not \
        reconciled. Hourly rows cannot show when within an hour something happened.
        """

    /// Where the money comes from, when the run priced it.
    static let moneyMethod = "Money comes from the priced ledger, as in report: metered credits at the price and FX "
        + "of each hour's UTC day; a day's estimate and each cause's credits at the UTC day of the day's first "
        + "instant; what a second UTC day's price adds is unexplained, so the causes add up to the difference."
}

extension Document {
    /// The reconciliation's files are named `spcs-cost-reconcile_<from>_<to>` plus the format's suffix.
    public static func reconcileFileBase(_ r: ReconcileReport.Input) -> String { "spcs-cost-reconcile_\(r.from)_\(r.to)" }

    /// The reconciliation (`spcs-cost reconcile`) as one document: headline figures (estimated, metered,
    /// difference; when priced), the pools table, the difference by cause per pool, the per-day table with every
    /// cause, the method, rounding lines (pools against their total, causes against their pool's difference) and
    /// the stamp (rate card, credit prices with their days and FX, price order, rounding, tool, command).
    public static func reconcile(_ r: ReconcileReport.Input, stamp: ReportStamp) -> Document {
        ReconcileDocument(r: r, stamp: stamp).document
    }
}

/// Builds the ``Document`` of a reconciliation (see ``Document/reconcile(_:stamp:)``).
struct ReconcileDocument {
    let r: ReconcileReport.Input
    let stamp: ReportStamp

    /// True for a value that is not zero at the 9 decimals shown (the split leaves remainders of 10⁻³⁰).
    static func shown(_ d: Decimal?) -> Bool { d.map { QuantityFormat.quantity($0) != "0" } ?? false }

    /// The causes a pool shows: those with credits, node-hours or money that are not zero when shown.
    static func causes(_ p: PoolReconciliation) -> [VarianceCause] {
        let byCause = p.money?.byCause ?? [:]
        return VarianceCause.allCases.filter {
            shown(p.explained[$0]) || shown(p.meteredNodeHours[$0]) || (byCause[$0].map { MoneyFormat.rounded($0) != 0 } ?? false)
        }
    }

    var document: Document {
        var sections: [Document.Section] = [
            .init(id: "pools", title: "Per pool", blocks: [.table(poolsTable)]),
            .init(id: "causes", title: "Difference by cause", blocks: [.paragraph(
                "Per pool: the difference (metered minus estimated) split by cause, and the metered node-hours of "
                    + "each cause."), .table(causesTable)]),
            .init(id: "days", title: "Per day", blocks: [.table(daysTable)]),
        ]
        if !r.storage.isEmpty, r.currency != nil {
            sections.insert(.init(id: "storage", title: "Block storage and snapshots against the plan",
                                  blocks: [.table(StorageAgainstPlanTables.pools(r.storage, currency: r.currency!)),
                                           .paragraph(StorageAgainstPlanTables.method)]), at: 2)
        }
        if r.pools.isEmpty { sections = [.init(id: "pools", title: "Per pool", blocks: [.paragraph("No pool to reconcile.")])] }
        var notes = ["Estimate at rate card \(r.rateCardID) unless a pool names its own; credits"
            + (r.currency.map { " and \($0.code)" } ?? " only") + "."]
        notes.append(ReconcileReport.method + (r.priced ? " " + ReconcileReport.moneyMethod : ""))
        return Document(
            kind: "reconcile", fileBase: Document.reconcileFileBase(r), title: "Reconciliation: \(r.from) to \(r.to)",
            stamp: documentStamp, warnings: r.warnings, notes: notes, figuresTitle: "Summary", figures: figures,
            currency: r.currency ?? .usd, roundingLines: roundingLines, sections: sections)
    }

    /// Estimated, metered and difference over all pools, credits with their cost (only when priced).
    var figures: [Document.Figure] {
        guard let c = r.currency else { return [] }
        let estimated = r.pools.reduce(Decimal(0)) { $0 + $1.estimatedCredits }
        let metered = r.pools.reduce(Decimal(0)) { $0 + $1.meteredCredits }
        let estimatedCost = r.pools.reduce(Money.zero(c)) { $0 + ($1.money?.estimated.amount ?? .zero(c)) }
        let meteredCost = r.pools.reduce(Money.zero(c)) { $0 + ($1.money?.metered.amount ?? .zero(c)) }
        let difference = meteredCost - estimatedCost
        return [
            .init(key: "estimated", label: "Estimate", credits: estimated, amount: estimatedCost),
            .init(key: "metered", label: "Metered", credits: metered, amount: meteredCost, emphasis: true),
            .init(key: "difference", label: "Difference (metered minus estimated)", credits: metered - estimated,
                  amount: difference, percent: estimatedCost.amount == 0 ? nil : difference.amount / estimatedCost.amount * 100,
                  percentOf: estimatedCost.amount == 0 ? nil : "estimated", emphasis: true),
        ]
    }

    /// Pools whose rounded cost differences miss the rounded total, and causes that miss their pool's difference.
    var roundingLines: [Document.RoundingLine] {
        guard let c = r.currency else { return [] }
        var out: [Document.RoundingLine] = []
        if r.pools.count > 1 {
            let lines = r.pools.map { $0.money?.difference ?? .zero(c) }
            let b = RoundedBreakdown(lines: lines, exactTotal: lines.dropFirst().reduce(lines[0], +))
            if b.difference.amount != 0 {
                out.append(.init(table: "pools", column: "difference_cost_\(c.code)",
                                 label: "Per pool, difference (\(c.code))", breakdown: b))
            }
        }
        for p in r.pools {
            guard let m = p.money, !m.byCause.isEmpty else { continue }
            let lines = Self.causes(p).map { m.byCause[$0] ?? .zero(c) }
            guard !lines.isEmpty else { continue }
            let b = RoundedBreakdown(lines: lines, exactTotal: m.difference)
            if b.difference.amount != 0 {
                out.append(.init(table: "causes", column: p.pool, label: "Difference by cause of \(p.pool)", breakdown: b))
            }
        }
        return out
    }

    /// One row per pool (a total row for people when there are several).
    var poolsTable: Table {
        var columns: [Table.Column] = [
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "credits_per_node_hour", label: "Credits/node-hour", kind: .decimal),
            .init(key: "estimated_credits", label: "Estimated credits", kind: .credits),
            .init(key: "metered_credits", label: "Metered credits", kind: .credits),
            .init(key: "difference_credits", label: "Difference (credits)", kind: .credits),
        ]
        if let c = r.currency {
            columns += [.init(key: "estimated_cost_\(c.code)", label: "Estimated (\(c.code))", kind: .money(c)),
                        .init(key: "metered_cost_\(c.code)", label: "Metered (\(c.code))", kind: .money(c)),
                        .init(key: "difference_cost_\(c.code)", label: "Difference (\(c.code))", kind: .money(c))]
        }
        columns.append(.init(key: "provisional_days", label: "Provisional days", kind: .integer))
        var t = Table(id: "pools", title: "Per pool", columns: columns)
        for p in r.pools {
            var cells: [Cell] = [.text(p.pool), p.plan == nil ? .empty : .number(p.estimateRate), .number(p.estimatedCredits),
                                 .number(p.meteredCredits), .number(p.meteredCredits - p.estimatedCredits)]
            if let c = r.currency {
                let m = p.money
                cells += [.money(m?.estimated.amount ?? .zero(c)), .money(m?.metered.amount ?? .zero(c)),
                          .money(m?.difference ?? .zero(c))]
            }
            cells.append(.integer(p.days.filter(\.provisional).count))
            t.rows.append(.init(cells))
        }
        if r.pools.count > 1 {
            for f in [figures] where !f.isEmpty {
                var cells: [Cell] = [.text("Total"), .empty, .number(f[0].credits ?? 0), .number(f[1].credits ?? 0),
                                     .number(f[2].credits ?? 0), .money(f[0].amount), .money(f[1].amount), .money(f[2].amount)]
                cells.append(.integer(r.pools.reduce(0) { $0 + $1.days.filter(\.provisional).count }))
                t.rows.append(.init(cells, role: .total))
            }
        }
        return t
    }

    /// The causes of the per-day table: every cause, the block storage cause only when some pool plans storage.
    var dayCauses: [VarianceCause] {
        VarianceCause.allCases.filter { $0 != .blockStorage || (!r.storage.isEmpty && r.priced) }
    }

    /// Per pool and cause: the difference in credits (and money when priced) and the metered node-hours.
    var causesTable: Table {
        var columns: [Table.Column] = [
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "cause", label: "Cause", kind: .text, detail: true),
            .init(key: "cause_label", label: "Cause", kind: .text),
            .init(key: "difference_credits", label: "Difference (credits)", kind: .credits),
        ]
        if let c = r.currency { columns.append(.init(key: "difference_cost_\(c.code)", label: "Difference (\(c.code))", kind: .money(c))) }
        columns.append(.init(key: "metered_node_hours", label: "Metered node-hours", kind: .nodeHours))
        var t = Table(id: "causes", title: "Difference by cause", columns: columns)
        for p in r.pools {
            for cause in Self.causes(p) {
                var cells: [Cell] = [.text(p.pool), .text(cause.rawValue), .text(cause.label), .number(p.explained[cause] ?? 0)]
                if let c = r.currency { cells.append(.money(p.money?.byCause[cause] ?? .zero(c))) }
                cells.append(p.meteredNodeHours[cause].map(Cell.number) ?? .empty)
                t.rows.append(.init(cells))
            }
        }
        return t
    }

    /// One row per pool and day, every cause in detail columns.
    var daysTable: Table {
        let hourCauses = VarianceCause.allCases.filter { $0 != .rateCardChange && $0 != .unexplained && $0 != .blockStorage }
        let dayCauses = self.dayCauses
        var columns: [Table.Column] = [
            .init(key: "date", label: "Date", kind: .date),
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "provisional", label: "Provisional", kind: .flag),
            .init(key: "estimated_node_hours", label: "Estimated node-hours", kind: .nodeHours, detail: true),
            .init(key: "estimated_credits", label: "Estimated", kind: .credits),
            .init(key: "metered_credits", label: "Metered", kind: .credits),
            .init(key: "difference_credits", label: "Difference", kind: .credits),
            .init(key: "largest_cause", label: "Largest cause", kind: .text),
        ]
        columns += dayCauses.map {
            .init(key: "difference_\($0.rawValue)", label: "Difference, \($0.label)", kind: .credits, detail: true)
        }
        columns += hourCauses.map {
            .init(key: "metered_node_hours_\($0.rawValue)", label: "Metered node-hours, \($0.label)", kind: .nodeHours, detail: true)
        }
        if let c = r.currency {
            columns += [.init(key: "estimated_cost_\(c.code)", label: "Estimated (\(c.code))", kind: .money(c)),
                        .init(key: "metered_cost_\(c.code)", label: "Metered (\(c.code))", kind: .money(c)),
                        .init(key: "difference_cost_\(c.code)", label: "Difference (\(c.code))", kind: .money(c))]
            columns += dayCauses.map {
                .init(key: "difference_cost_\(c.code)_\($0.rawValue)", label: "Difference (\(c.code)), \($0.label)",
                      kind: .money(c), detail: true)
            }
        }
        var t = Table(id: "days", title: "Per day", columns: columns)
        for p in r.pools {
            for d in p.days {
                let top = d.explained.filter { Self.shown($0.value) }.max { abs($0.value) < abs($1.value) }
                var cells: [Cell] = [.date(d.date), .text(p.pool), .flag(d.provisional),
                                     .number(d.estimatedNodeHours.valuesInKeyOrder.reduce(0, +)), .number(d.estimatedCredits),
                                     .number(d.meteredCredits), .number(d.difference),
                                     top.map { .text($0.key.label) } ?? .empty]
                cells += dayCauses.map { .number(d.explained[$0] ?? 0) }
                cells += hourCauses.map { .number(d.meteredNodeHours[$0] ?? 0) }
                if let c = r.currency {
                    let m = d.money ?? .zero(c)
                    cells += [.money(m.estimated.amount), .money(m.metered.amount), .money(m.difference)]
                    cells += dayCauses.map { .money(m.byCause[$0] ?? .zero(c)) }
                }
                t.rows.append(.init(cells, role: d.provisional ? .highlight : .data))
            }
        }
        return t
    }

    /// Period, rate card, credit prices with their days and FX, price order, rounding, tool, command.
    var documentStamp: DocumentStamp {
        var lines: [DocumentStamp.Line] = [
            .init(key: "period", label: "Period", text: "\(r.from) to \(r.to)"),
            .init(key: "rate_card", label: "Rates", text: "rate card \(r.rateCardID) for the estimate, unless a pool "
                + "names its own; metered node-hours at the rate in force each day."),
        ]
        for run in r.priceRuns {
            lines.append(.init(key: "credit_price", label: "Credit price", text: SavingsReportDocument.priceRunText(run) + "."))
        }
        if r.priced {
            lines.append(.init(key: "price_order", label: "Price order", text: CreditPriceSchedule.orderDescription + "."))
        } else {
            lines.append(.init(key: "credit_price", label: "Credit price", text: "not priced: credits only."))
        }
        if let c = r.currency {
            lines.append(.init(key: "rounding", label: "Rounding", text: "\(MoneyFormat.ruleDescription) (\(c.code) \(c.minorUnits))."))
        }
        lines.append(.init(key: "tool", label: "Tool", text: "spcs-cost \(stamp.toolVersion)"))
        lines.append(.init(key: "command", label: "Command", text: stamp.commandLine, code: true))
        return DocumentStamp(
            from: r.from, through: r.to, rateCard: r.rateCardID,
            creditPrices: r.priceRuns.map(DocumentStamp.PriceRun.init(run:)),
            priceOrder: r.priced ? CreditPriceSchedule.orderDescription : nil,
            currency: r.currency ?? .usd, toolVersion: stamp.toolVersion, commandLine: stamp.commandLine, lines: lines)
    }
}
