import Foundation
import SPCSCostCore

extension Document {
    /// The estimate's files are named `spcs-cost-estimate_<first day>_<last day>` (the planned days of a schedule,
    /// or the price runs of a flat plan), or `spcs-cost-estimate_<as of>` when no day was priced.
    public static func estimateFileBase(_ r: EstimateResult) -> String {
        if let first = r.breakdowns.compactMap(\.days.first?.date).min(),
           let last = r.breakdowns.compactMap(\.days.last?.date).max() {
            return "spcs-cost-estimate_\(first)_\(last)"
        }
        if let first = r.priceRuns.map(\.from).min(), let last = r.priceRuns.map(\.through).max() {
            return "spcs-cost-estimate_\(first)_\(last)"
        }
        return "spcs-cost-estimate_\(r.asOf)"
    }

    /// The estimate (`spcs-cost estimate`) as one document: a headline figure per edition (plan, always on and the
    /// saving against it, over all pools when they share their prices), a sentence per pool (its range and days),
    /// the cost lines with their formulas, the costs per pool, scenario and edition in the price currency and the
    /// presentation currency, the planned days of a schedule, the sources of every rate and price, rounding lines
    /// where the pools' rounded costs miss their rounded total, and the stamp (rate card, price table, credit
    /// prices with their days, FX, rounding, tool and command). Amounts stay exact.
    public static func estimate(_ r: EstimateResult, stamp: ReportStamp) -> Document {
        EstimateDocument(r: r, stamp: stamp).document
    }
}

/// Builds the ``Document`` of an ``EstimateResult`` (see ``Document/estimate(_:stamp:)``).
struct EstimateDocument {
    let r: EstimateResult
    let stamp: ReportStamp

    /// The presentation currency.
    var quote: Currency { r.fx.quote }
    /// The currency of the credit prices (USD unless a contract says otherwise).
    var priceCurrency: Currency { r.pools.first?.costs.first?.creditPrice.price.currency ?? r.fx.base }
    /// True when amounts are converted, so both currencies are shown.
    var converts: Bool { r.fx.base != r.fx.quote }

    var document: Document {
        var sections: [Document.Section] = []
        if !r.preamble.isEmpty {
            sections.append(.init(id: "input", title: "Read from the input", blocks: [.list(r.preamble)]))
        }
        sections.append(.init(id: "pools", title: "Per pool", blocks: [.list(r.pools.indices.map(poolSentence))]))
        sections.append(.init(id: "lines", title: "Cost lines", blocks: [.table(linesTable)]))
        sections.append(.init(id: "costs", title: "Costs per edition", blocks: [.table(costsTable)]))
        if !r.storage.isEmpty {
            var blocks: [Document.Block] = [.table(storageTable), .paragraph(Self.storageAssumption)]
            if r.storage.contains(where: { $0.kind == .blockStorageIOPS || $0.kind == .blockStorageThroughput }) {
                blocks.append(.paragraph(Self.iopsAssumption))
            }
            sections.append(.init(id: "storage", title: "Block storage and snapshots", blocks: blocks))
        }
        if !r.breakdowns.isEmpty {
            sections.append(.init(id: "days", title: "Planned days", blocks: [.table(daysTable)]))
        }
        sections.append(.init(id: "sources", title: "Sources", blocks: [.list(Self.sources(r))]))
        return Document(
            kind: "estimate", fileBase: Document.estimateFileBase(r), title: "SPCS cost estimate",
            stamp: documentStamp, warnings: r.warnings,
            notes: ["Credits = credits per node-hour (rate card) × nodes × billed hours; cost = credits × the price "
                + "per credit of each planned day × FX. Always on = the same pool billed 24 hours a day; the saving "
                + "is always on minus the plan."],
            figuresTitle: "Estimate", figures: figures + storageFigures, currency: quote, roundingLines: roundingLines,
            sections: sections)
    }

    // MARK: - Figures

    /// Per edition: the plan, and with `--compare-always-on` always on and the saving; over all pools when they
    /// share their prices (otherwise the per-pool costs table carries the amounts).
    var figures: [Document.Figure] {
        let t = Self.totals(r)
        var out: [Document.Figure] = []
        for c in t.costs {
            out.append(.init(key: "plan_\(Self.key(c.creditPrice.label))", label: "Plan, \(c.creditPrice.label)",
                             credits: t.credits, amount: c.converted,
                             note: "\(MoneyFormat.price(c.creditPrice.price)) \(c.creditPrice.price.currency.code) per credit",
                             emphasis: true))
        }
        if !r.savings.isEmpty, r.savings.count == r.pools.count, !t.costs.isEmpty {
            let alwaysOn = Self.totals(r.savings.map(\.alwaysOn))
            var savings: [Document.Figure] = []
            for (i, c) in alwaysOn.costs.enumerated() where i < t.costs.count {
                let label = c.creditPrice.label
                out.append(.init(key: "always_on_\(Self.key(label))", label: "Always on, \(label)",
                                 credits: alwaysOn.credits, amount: c.converted))
                let saved = c.converted - t.costs[i].converted
                savings.append(.init(key: "saved_vs_always_on_\(Self.key(label))",
                                 label: "Saving against always on, \(label)", credits: alwaysOn.credits - t.credits,
                                 amount: saved, percent: c.converted.amount == 0 ? nil : saved.amount / c.converted.amount * 100,
                                 percentOf: c.converted.amount == 0 ? nil : "always on"))
            }
            out += savings
        }
        return out
    }

    /// What every planned block storage figure assumes (README "Pools file", `block_storage` and `snapshots`).
    static let storageAssumption = "Block storage volumes and snapshots are billed in dollars per TB-month (Service "
        + "Consumption Table, Table 3(c)), a month's price spread over its days, 2^40 bytes a TB, for every second "
        + "they exist: also while the pool is suspended, whatever the schedule. They are not in the plan's "
        + "credits or its cost per edition."

    /// Said beside the storage table when some pool plans IOPS or throughput above the defaults.
    static let iopsAssumption = "IOPS and throughput above the defaults (3,000 IOPS and 125 MiB/s a volume on AWS) are "
        + "billed in dollars per 1,000 IOPS-month and per GB/s-month (Table 3(c)), 1,024 MiB/s a GB/s, for every "
        + "second the volumes exist, as BLOCK_STORAGE_HISTORY's ADDITIONAL_IOPS and ADDITIONAL_THROUGHPUT meter them."

    /// The planned block storage and snapshots over all pools, when some pool plans them: one figure, not in the
    /// plan's figures per edition.
    var storageFigures: [Document.Figure] {
        guard let first = r.storage.first else { return [] }
        let total = r.storage.dropFirst().reduce(first.amount) { $0 + $1.amount }
        return [.init(key: "block_storage_and_snapshots", label: "Block storage and snapshots", credits: nil,
                      amount: total, note: "billed in dollars, also while suspended; not in the plan's figures")]
    }

    /// Planned block storage volumes, IOPS and throughput above the defaults, and snapshots per pool: what is kept
    /// (GiB; IOPS and MiB/s for those items, in `unit`), that × days, cost and the first day's price. Without IOPS or
    /// throughput the table has no `unit` column (every row is GiB).
    var storageTable: Table {
        let cur = quote.code
        let units = r.storage.contains { $0.kind == .blockStorageIOPS || $0.kind == .blockStorageThroughput }
        var columns: [Table.Column] = [
            .init(key: "pool", label: "Pool", kind: .text), .init(key: "item", label: "Item", kind: .text),
            .init(key: "gib", label: units ? "Kept" : "GiB", kind: .decimal),
            .init(key: "gib_days", label: units ? "Kept × days" : "GiB-days", kind: .decimal)]
        if units { columns.append(.init(key: "unit", label: "Unit", kind: .text)) }
        columns += [.init(key: "cost_\(cur)", label: "Cost (\(cur))", kind: .money(quote)),
                    .init(key: "price_source", label: "Price", kind: .text, detail: true)]
        var t = Table(id: "storage", title: "Block storage and snapshots", columns: columns)
        for p in r.storage {
            var cells: [Cell] = [.text(p.pool), .text(p.kind.rawValue), .number(p.gib), .number(p.gibDays)]
            if units {
                cells.append(.text(p.kind == .blockStorageIOPS ? "IOPS" : p.kind == .blockStorageThroughput ? "MiB/s" : "GiB"))
            }
            cells += [.money(p.amount), .text(p.priceSource)]
            t.rows.append(.init(cells))
        }
        return t
    }

    /// `Business Critical` → `business_critical`.
    static func key(_ label: String) -> String {
        label.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce(into: "") { $0.append($1) }
    }

    /// Where the pools' costs, each rounded once, miss the all-pools cost rounded once (one line per edition).
    var roundingLines: [Document.RoundingLine] {
        guard r.pools.count > 1 else { return [] }
        let t = Self.totals(r)
        return t.costs.enumerated().compactMap { i, c in
            let b = RoundedBreakdown(lines: r.pools.map { $0.costs[i].converted }, exactTotal: c.converted)
            guard b.difference.amount != 0 else { return nil }
            return .init(table: "costs", column: "cost_\(quote.code).\(Self.key(c.creditPrice.label))",
                         label: "All pools, \(c.creditPrice.label), cost", breakdown: b)
        }
    }

    // MARK: - Per pool

    /// The pool in one item: totals, range, days and the comparison with always on.
    func poolSentence(_ i: Int) -> String {
        let p = r.pools[i]
        var text = "\(Self.planLabel(p)): \(QuantityFormat.quantity(p.credits)) credits, "
            + "\(QuantityFormat.quantity(p.nodeHours)) node-hours. Range: \(Self.range(p.costs))."
        if i < r.breakdowns.count { text += " " + Self.daysSummary(r.breakdowns[i]) + "." }
        if i < r.savings.count {
            let s = r.savings[i]
            text += " Always on (\(s.periodDays) days): \(Self.formula(s.alwaysOn.lines[0])); \(Self.range(s.alwaysOn.costs))."
            text += " Saving: \(QuantityFormat.quantity(s.savedCredits)) credits; \(Self.savingRange(s))."
        }
        return text
    }

    /// Every cost line of every pool (plan and always on), with its formula and rate source.
    var linesTable: Table {
        var t = Table(id: "lines", title: "Cost lines", columns: [
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "scenario", label: "Scenario", kind: .text),
            .init(key: "item", label: "Item", kind: .text),
            .init(key: "formula", label: "Formula", kind: .text),
            .init(key: "quantity", label: "Quantity", kind: .nodeHours),
            .init(key: "unit", label: "Unit", kind: .text),
            .init(key: "credits_per_unit", label: "Credits per unit", kind: .decimal, detail: true),
            .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "rate_source", label: "Rate source", kind: .text, detail: true),
        ])
        func rows(_ p: PoolEstimate, _ scenario: String) {
            for l in p.lines {
                t.rows.append(.init([.text(Self.poolName(p)), .text(scenario), .text(l.item), .text(Self.formula(l)),
                                     .number(l.quantity), .text(l.unit.rawValue), .number(l.creditsPerUnit),
                                     .number(l.credits), .text(l.rateSource)]))
            }
        }
        for (i, p) in r.pools.enumerated() {
            rows(p, "plan")
            if i < r.savings.count { rows(r.savings[i].alwaysOn, "always-on") }
        }
        return t
    }

    /// Per pool, scenario (plan, always on, saving) and edition: credits, the price per credit (exact in JSON, rounded
    /// to the currency's minor units elsewhere; the stamp states each price exactly), the cost in
    /// the price currency and, when converted, in the presentation currency. All-pools rows (for people) end it.
    var costsTable: Table {
        var columns: [Table.Column] = [
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "family", label: "Family", kind: .text, detail: true),
            .init(key: "nodes", label: "Nodes", kind: .integer, detail: true),
            .init(key: "scenario", label: "Scenario", kind: .text),
            .init(key: "edition", label: "Edition", kind: .text),
            .init(key: "node_hours", label: "Node-hours", kind: .nodeHours),
            .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "credit_price_\(priceCurrency.code)", label: "\(priceCurrency.code)/credit",
                  kind: .money(priceCurrency)),
            .init(key: "price_source", label: "Price source", kind: .text, detail: true),
            .init(key: "cost_\(priceCurrency.code)", label: "Cost (\(priceCurrency.code))", kind: .money(priceCurrency)),
        ]
        if converts {
            columns.append(.init(key: "cost_\(quote.code)", label: "Cost (\(quote.code))", kind: .money(quote)))
            columns.append(.init(key: "fx_rate", label: "FX", kind: .decimal, detail: true))
        }
        var t = Table(id: "costs", title: "Costs per edition", columns: columns)
        func row(_ p: PoolEstimate, _ scenario: String, _ nodeHours: Decimal?, _ credits: Decimal, _ price: CreditPrice,
                 _ amount: Money, _ converted: Money, role: Table.RowRole = .data) {
            var cells: [Cell] = [.text(Self.poolName(p)), .text(p.family.name), .integer(p.nodes), .text(scenario),
                                 .text(price.label), nodeHours.map(Cell.number) ?? .empty, .number(credits),
                                 .money(price.price), .text(price.source), .money(amount)]
            if converts { cells += [.money(converted), .number(r.fx.rate)] }
            t.rows.append(.init(cells, role: role))
        }
        for (i, p) in r.pools.enumerated() {
            for c in p.costs { row(p, "plan", p.nodeHours, p.credits, c.creditPrice, c.amount, c.converted) }
            if i < r.savings.count {
                let s = r.savings[i]
                for c in s.alwaysOn.costs {
                    row(s.alwaysOn, "always-on", s.alwaysOn.nodeHours, s.alwaysOn.credits, c.creditPrice, c.amount, c.converted)
                }
                for c in s.savedCosts {
                    row(p, "saving", s.alwaysOn.nodeHours - p.nodeHours, s.savedCredits, c.price, c.amount, c.converted)
                }
            }
        }
        if r.pools.count > 1 {
            let tot = Self.totals(r)
            for c in tot.costs {
                var cells: [Cell] = [.text("All pools"), .empty, .empty, .text("plan"), .text(c.creditPrice.label),
                                     .number(tot.nodeHours), .number(tot.credits), .money(c.creditPrice.price),
                                     .empty, c.amount.currency == priceCurrency ? .money(c.amount) : .empty]
                if converts { cells += [.money(c.converted), .empty] }
                t.rows.append(.init(cells, role: .total))
            }
        }
        return t
    }

    /// The planned days of each schedule: hours in the day (23 or 25 on a DST change), node-hours by cause, task runs.
    var daysTable: Table {
        var t = Table(id: "days", title: "Planned days", columns: [
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "date", label: "Date", kind: .date),
            .init(key: "hours_in_day", label: "Hours in day", kind: .nodeHours),
            .init(key: "scheduled_node_hours", label: "Scheduled node-hours", kind: .nodeHours),
            .init(key: "tail_node_hours", label: "Tail node-hours", kind: .nodeHours),
            .init(key: "minimum_charge_node_hours", label: "Minimum-charge node-hours", kind: .nodeHours),
            .init(key: "task_runs", label: "Task runs", kind: .integer),
        ])
        for (i, b) in r.breakdowns.enumerated() where i < r.pools.count {
            for d in b.days {
                t.rows.append(.init([.text(Self.poolName(r.pools[i])), .date(d.date), .number(d.hours),
                                     .number(d.nodeHours[.scheduled] ?? 0), .number(d.nodeHours[.autoSuspendTail] ?? 0),
                                     .number(d.nodeHours[.minimumChargePadding] ?? 0), .integer(d.taskRuns)]))
            }
        }
        return t
    }

    // MARK: - Stamp

    /// As of, rate card, price table, credit prices with their days and FX, price order, FX, rounding, tool, command.
    var documentStamp: DocumentStamp {
        var lines: [DocumentStamp.Line] = [
            .init(key: "as_of", label: "As of", text: r.asOf.description),
            .init(key: "rate_card", label: "Rates", text: Self.rateLine(r)),
            .init(key: "price_table", label: "Prices", text: Self.priceLine(r)),
        ]
        for run in r.priceRuns {
            lines.append(.init(key: "credit_price", label: "Credit price", text: SavingsReportDocument.priceRunText(run) + "."))
        }
        if !r.priceRuns.isEmpty {
            lines.append(.init(key: "price_order", label: "Price order", text: CreditPriceSchedule.orderDescription + "."))
        }
        lines.append(.init(key: "fx", label: "FX", text: Self.fxLine(r)))
        let currencies = Set([r.fx.base, r.fx.quote]).sorted { $0.code < $1.code }
            .map { "\($0.code) \($0.minorUnits)" }.joined(separator: ", ")
        lines.append(.init(key: "rounding", label: "Rounding", text: "\(MoneyFormat.ruleDescription) (\(currencies))."))
        lines.append(.init(key: "tool", label: "Tool", text: "spcs-cost \(stamp.toolVersion)"))
        lines.append(.init(key: "command", label: "Command", text: stamp.commandLine, code: true))
        return DocumentStamp(
            from: r.priceRuns.map(\.from).min(), through: r.priceRuns.map(\.through).max(),
            rateCard: r.rateCard?.id ?? "override",
            creditPrices: r.priceRuns.map(DocumentStamp.PriceRun.init(run:)),
            priceOrder: r.priceRuns.isEmpty ? nil : CreditPriceSchedule.orderDescription,
            currency: quote, toolVersion: stamp.toolVersion, commandLine: stamp.commandLine, lines: lines)
    }

    // MARK: - Words

    static func poolName(_ p: PoolEstimate) -> String { p.pool ?? "plan" }

    static func rateLine(_ r: EstimateResult) -> String {
        if let card = r.rateCard { return "rate card \(card.id), documented \(card.documentedPeriod): \(card.title)" }
        return "overridden by --credits-per-hour (no rate card used)"
    }

    static func priceLine(_ r: EstimateResult) -> String {
        if let t = r.priceTable, let region = r.region {
            return "credit price table \(t.id), effective \(t.effectiveFrom), \(region.name) (\(region.region))"
        }
        return "overridden by --credit-price (no price table used)"
    }

    /// The sources of the rate card, the rates, the price table and every credit price with its days.
    static func sources(_ r: EstimateResult) -> [String] {
        var out: [String] = []
        if let card = r.rateCard { out.append("Rate card \(card.id): \(card.source)") }
        for line in Set(r.pools.flatMap(\.lines).map(\.rateSource)).sorted() { out.append("Rate: \(line)") }
        if let t = r.priceTable { out.append("Price table \(t.id): \(t.title). \(t.source)") }
        for run in r.priceRuns { out.append("Credit price \(SavingsReportDocument.priceRunText(run))") }
        return out
    }

    static func fxLine(_ r: EstimateResult) -> String {
        r.fx.base == r.fx.quote
            ? "none (amounts in \(r.fx.quote.code))"
            : "\(ExactDecimal.text(r.fx.rate)) \(r.fx.quote.code) per \(r.fx.base.code) (\(r.fx.source))"
    }

    static func planLabel(_ p: PoolEstimate) -> String {
        (p.pool.map { "\($0): " } ?? "") + "\(p.family), \(p.nodes) node\(p.nodes == 1 ? "" : "s")"
    }

    static func formula(_ line: CostLine) -> String {
        "\(QuantityFormat.exact(line.creditsPerUnit)) credit\(line.creditsPerUnit == 1 ? "" : "s")/\(line.unit.rawValue.dropLast()) × "
            + "\(line.detail) = \(QuantityFormat.quantity(line.credits)) credits"
    }

    /// `9,405 to 18,810 JPY (Standard to Business Critical)`, or one amount when there is one price.
    static func range(_ costs: [PricedCost]) -> String {
        guard let first = costs.first else { return "" }
        if costs.count == 1 { return "\(MoneyFormat.withCode(first.converted)) (\(first.creditPrice.label))" }
        let lo = costs.min { $0.converted.amount < $1.converted.amount }!
        let hi = costs.max { $0.converted.amount < $1.converted.amount }!
        return "\(MoneyFormat.grouped(lo.converted)) to \(MoneyFormat.withCode(hi.converted)) "
            + "(\(lo.creditPrice.label) to \(hi.creditPrice.label))"
    }

    /// `Days: 30 (2024-04-01 to 2024-04-30), 22 with scheduled hours; every day 24 h`.
    static func daysSummary(_ b: PlanBreakdown) -> String {
        guard let first = b.days.first, let last = b.days.last else { return "" }
        let odd = b.days.filter { $0.hours != 24 }.map { "\($0.date) has \(QuantityFormat.quantity($0.hours)) h" }
        return "Days: \(b.days.count) (\(first.date) to \(last.date)), \(b.activeDays) with scheduled hours"
            + (odd.isEmpty ? "; every day 24 h" : "; " + odd.joined(separator: ", "))
    }

    /// Totals over pools when they share their prices (same editions in the same order); otherwise credits and
    /// node-hours only.
    static func totals(_ r: EstimateResult) -> (credits: Decimal, nodeHours: Decimal, costs: [PricedCost]) {
        totals(r.pools)
    }

    /// Totals of `pools` (see ``totals(_:)-(EstimateResult)``).
    static func totals(_ pools: [PoolEstimate]) -> (credits: Decimal, nodeHours: Decimal, costs: [PricedCost]) {
        let credits = pools.reduce(Decimal(0)) { $0 + $1.credits }
        let nodeHours = pools.reduce(Decimal(0)) { $0 + $1.nodeHours }
        guard let first = pools.first else { return (credits, nodeHours, []) }
        let labels = first.costs.map(\.creditPrice.label)
        guard pools.allSatisfy({ $0.costs.map(\.creditPrice.label) == labels }),
              pools.allSatisfy({ $0.costs.map(\.converted.currency) == first.costs.map(\.converted.currency) })
        else { return (credits, nodeHours, []) }
        let costs = labels.indices.map { i in
            let parts = pools.map { $0.costs[i] }
            var total = parts[0]
            for c in parts.dropFirst() {
                if c.amount.currency == total.amount.currency { total.amount = total.amount + c.amount }
                total.converted = total.converted + c.converted
            }
            return total
        }
        return (credits, nodeHours, costs)
    }

    /// The saving as a range over editions, with the price-currency range when converted.
    static func savingRange(_ s: Savings) -> String {
        let saved = s.savedCosts
        if saved.allSatisfy({ MoneyFormat.rounded($0.converted) == 0 }), let first = saved.first {
            return MoneyFormat.withCode(first.converted)
        }
        guard let lo = saved.min(by: { $0.converted.amount < $1.converted.amount }),
              let hi = saved.max(by: { $0.converted.amount < $1.converted.amount }) else { return "" }
        if saved.count == 1 { return "\(MoneyFormat.withCode(lo.converted)) (\(lo.price.label))" }
        let usd = saved.first!.amount.currency != lo.converted.currency
            ? " (\(MoneyFormat.grouped(saved.min { $0.amount.amount < $1.amount.amount }!.amount)) to "
                + "\(MoneyFormat.withCode(saved.max { $0.amount.amount < $1.amount.amount }!.amount)))"
            : ""
        return "\(MoneyFormat.grouped(lo.converted)) to \(MoneyFormat.withCode(hi.converted)) "
            + "(\(lo.price.label) to \(hi.price.label))" + usd
    }
}
