import Foundation
import SPCSCostCore

/// Output formats of `spcs-cost estimate`.
public enum EstimateFormat: String, CaseIterable, Sendable {
    case table, json, csv, markdown
}

/// Renders an ``EstimateResult``: a pure function of the result, so the same result always gives the same bytes.
public enum EstimateReport {
    /// Renders `result` in `format`.
    public static func render(_ result: EstimateResult, as format: EstimateFormat) -> String {
        switch format {
        case .table: table(result)
        case .json: json(result)
        case .csv: csv(result)
        case .markdown: markdown(result)
        }
    }

    // MARK: - Shared pieces

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

    /// The sources of the rate card and price table, as numbered notes.
    static func sources(_ r: EstimateResult) -> [String] {
        var out: [String] = []
        if let card = r.rateCard { out.append("Rate card \(card.id): \(card.source)") }
        for line in Set(r.pools.flatMap(\.lines).map(\.rateSource)).sorted() { out.append("Rate: \(line)") }
        if let t = r.priceTable { out.append("Price table \(t.id): \(t.title). \(t.source)") }
        // Every price the planned days were charged at, with its days (the ledger's price runs, per edition).
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

    static func showsPriceCurrency(_ r: EstimateResult) -> Bool { r.fx.base != r.fx.quote }

    static func costTable(_ costs: [PricedCost], _ r: EstimateResult) -> TextTable {
        let priceCur = costs.first?.creditPrice.price.currency.code ?? "USD"
        var header = ["Edition", "\(priceCur)/credit", priceCur]
        if showsPriceCurrency(r) { header.append(r.fx.quote.code) }
        var t = TextTable(header: header, alignments: [.left, .right, .right, .right])
        for c in costs {
            var row = [c.creditPrice.label, MoneyFormat.price(c.creditPrice.price),
                       MoneyFormat.grouped(c.amount)]
            if showsPriceCurrency(r) { row.append(MoneyFormat.grouped(c.converted)) }
            t.rows.append(row)
        }
        return t
    }

    static func roundingNote(_ r: EstimateResult) -> String {
        let currencies = Set([r.fx.base, r.fx.quote]).sorted { $0.code < $1.code }
            .map { "\($0.code) \($0.minorUnits)" }.joined(separator: ", ")
        return "Rounding: \(MoneyFormat.ruleDescription) (\(currencies))."
    }

    // MARK: - Table

    static func table(_ r: EstimateResult) -> String {
        var out = ""
        for line in r.preamble { out += line + "\n" }
        if !r.preamble.isEmpty { out += "\n" }
        for w in r.warnings { out += "warning: \(w)\n" }
        if !r.warnings.isEmpty { out += "\n" }
        out += "As of      \(r.asOf)\n"
        out += "Rates      \(rateLine(r))\n"
        out += "Prices     \(priceLine(r))\n"
        out += "FX         \(fxLine(r))\n"
        for (i, p) in r.pools.enumerated() {
            out += "\n\(planLabel(p))\n"
            for line in p.lines {
                out += "  \(line.item): \(formula(line)) (\(QuantityFormat.quantity(line.quantity)) \(line.unit.rawValue))\n"
            }
            out += "  Total: \(QuantityFormat.quantity(p.credits)) credits, "
                + "\(QuantityFormat.quantity(p.nodeHours)) node-hours\n\n"
            out += costTable(p.costs, r).terminal().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                + "\n"
            out += "  Range: \(range(p.costs))\n"
            if i < r.breakdowns.count { out += "  " + daysSummary(r.breakdowns[i]) + "\n" }
            if i < r.savings.count {
                let s = r.savings[i]
                out += "\n  Always on: \(formula(s.alwaysOn.lines[0]))\n"
                out += "  Always on costs: \(range(s.alwaysOn.costs))\n"
                out += "  Saving: \(QuantityFormat.quantity(s.savedCredits)) credits; "
                    + "\(savingRange(s))\n"
            }
        }
        if r.pools.count > 1 { out += "\n" + totalLine(r) + "\n" }
        out += "\nSources\n" + sources(r).map { "  \($0)\n" }.joined()
        out += "\n\(roundingNote(r))\n"
        return out
    }

    /// `30 days in Asia/Tokyo (2024-04-01 to 2024-04-30); 22 with scheduled hours; 2024-03-10 has 23 h`.
    static func daysSummary(_ b: PlanBreakdown) -> String {
        guard let first = b.days.first, let last = b.days.last else { return "" }
        let odd = b.days.filter { $0.hours != 24 }.map { "\($0.date) has \(QuantityFormat.quantity($0.hours)) h" }
        return "Days: \(b.days.count) (\(first.date) to \(last.date)), \(b.activeDays) with scheduled hours"
            + (odd.isEmpty ? "; every day 24 h" : "; " + odd.joined(separator: ", "))
    }

    /// Totals over pools when they share their prices; otherwise credits only.
    static func totals(_ r: EstimateResult) -> (credits: Decimal, nodeHours: Decimal, costs: [PricedCost]) {
        let credits = r.pools.reduce(Decimal(0)) { $0 + $1.credits }
        let nodeHours = r.pools.reduce(Decimal(0)) { $0 + $1.nodeHours }
        guard let first = r.pools.first else { return (credits, nodeHours, []) }
        let labels = first.costs.map(\.creditPrice.label)
        guard r.pools.allSatisfy({ $0.costs.map(\.creditPrice.label) == labels }) else { return (credits, nodeHours, []) }
        let costs = labels.indices.map { i in
            let parts = r.pools.map { $0.costs[i] }
            var total = parts[0]
            for c in parts.dropFirst() {
                if c.amount.currency == total.amount.currency { total.amount = total.amount + c.amount }
                total.converted = total.converted + c.converted
            }
            return total
        }
        return (credits, nodeHours, costs)
    }

    static func totalLine(_ r: EstimateResult) -> String {
        let t = totals(r)
        return "All pools: \(QuantityFormat.quantity(t.credits)) credits, \(QuantityFormat.quantity(t.nodeHours)) node-hours"
            + (t.costs.isEmpty ? "" : "; \(range(t.costs))")
    }

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

    // MARK: - Markdown

    static func markdown(_ r: EstimateResult) -> String {
        var out = "# SPCS cost estimate\n\n"
        if !r.preamble.isEmpty { out += "```\n" + r.preamble.joined(separator: "\n") + "\n```\n\n" }
        for w in r.warnings { out += "> **Warning:** \(w)\n>\n" }
        if !r.warnings.isEmpty { out.removeLast(2); out += "\n" }
        out += "- As of: \(r.asOf)\n- Rates: \(rateLine(r))\n- Prices: \(priceLine(r))\n- FX: \(fxLine(r))\n"
        for (i, p) in r.pools.enumerated() {
            out += "\n## \(planLabel(p))\n\n"
            var lines = TextTable(header: ["Item", "Formula", "Quantity", "Credits", "Rate source"],
                                  alignments: [.left, .left, .right, .right, .left])
            for l in p.lines {
                lines.rows.append([l.item, formula(l), "\(QuantityFormat.quantity(l.quantity)) \(l.unit.rawValue)",
                                   QuantityFormat.quantity(l.credits), l.rateSource])
            }
            out += lines.markdown() + "\n"
            out += "Total: **\(QuantityFormat.quantity(p.credits)) credits** "
                + "(\(QuantityFormat.quantity(p.nodeHours)) node-hours)\n\n"
            out += costTable(p.costs, r).markdown() + "\n"
            out += "Range: **\(range(p.costs))**\n"
            if i < r.breakdowns.count {
                let b = r.breakdowns[i]
                out += "\n\(daysSummary(b)).\n\n"
                var t = TextTable(header: ["Date", "Hours in day", "Scheduled node-hours", "Tail node-hours",
                                           "Minimum-charge node-hours", "Task runs"],
                                  alignments: [.left, .right, .right, .right, .right, .right])
                for d in b.days {
                    t.rows.append([d.date.description, QuantityFormat.quantity(d.hours),
                                   QuantityFormat.quantity(d.nodeHours[.scheduled] ?? 0),
                                   QuantityFormat.quantity(d.nodeHours[.autoSuspendTail] ?? 0),
                                   QuantityFormat.quantity(d.nodeHours[.minimumChargePadding] ?? 0), String(d.taskRuns)])
                }
                out += t.markdown()
            }
            if i < r.savings.count {
                let s = r.savings[i]
                out += "\n### Against always on (\(s.periodDays) days)\n\n"
                out += "- Always on: \(formula(s.alwaysOn.lines[0])); \(range(s.alwaysOn.costs))\n"
                out += "- Saving: **\(QuantityFormat.quantity(s.savedCredits)) credits**; \(savingRange(s))\n"
            }
        }
        if r.pools.count > 1 { out += "\n## All pools\n\n\(totalLine(r))\n" }
        out += "\n## Sources\n\n" + sources(r).map { "- \($0)\n" }.joined()
        out += "\n\(roundingNote(r))\n"
        return out
    }

    // MARK: - CSV

    static func csv(_ r: EstimateResult) -> String {
        var t = TextTable(header: [
            "pool", "scenario", "family", "nodes", "node_hours", "credits_per_node_hour", "rate_card", "credits",
            "edition", "credit_price", "price_currency", "amount_price_currency", "currency", "amount", "rounded",
            "price_table", "region", "fx_rate",
        ])
        func rows(_ p: PoolEstimate, scenario: String) {
            for c in p.costs {
                t.rows.append([
                    p.pool ?? "", scenario, p.family.name, String(p.nodes), QuantityFormat.quantity(p.nodeHours),
                    p.lines.first.map { QuantityFormat.exact($0.creditsPerUnit) } ?? "",
                    r.rateCard?.id ?? "override", QuantityFormat.quantity(p.credits),
                    c.creditPrice.label, MoneyFormat.price(c.creditPrice.price),
                    c.creditPrice.price.currency.code, MoneyFormat.exact(c.amount), c.converted.currency.code,
                    MoneyFormat.exact(c.converted), MoneyFormat.plain(c.converted),
                    r.priceTable?.id ?? "override", r.region?.region.id ?? "", ExactDecimal.text(r.fx.rate),
                ])
            }
        }
        for (i, p) in r.pools.enumerated() {
            rows(p, scenario: "plan")
            if i < r.savings.count { rows(r.savings[i].alwaysOn, scenario: "always-on") }
        }
        return t.csv()
    }

    // MARK: - JSON

    struct CostJSON: Encodable {
        let edition: String
        let creditPrice: String
        let creditPriceCurrency: String
        let priceSource: String
        let currency: String
        let amount: String
        let rounded: String
        let priceCurrencyAmount: String
        let priceCurrencyRounded: String

        init(_ c: PricedCost) {
            edition = c.creditPrice.label
            creditPrice = MoneyFormat.price(c.creditPrice.price)
            creditPriceCurrency = c.creditPrice.price.currency.code
            priceSource = c.creditPrice.source
            currency = c.converted.currency.code
            amount = MoneyFormat.exact(c.converted)
            rounded = MoneyFormat.plain(c.converted)
            priceCurrencyAmount = MoneyFormat.exact(c.amount)
            priceCurrencyRounded = MoneyFormat.plain(c.amount)
        }
    }

    struct LineJSON: Encodable {
        let item: String
        let detail: String
        let quantity: String
        let unit: String
        let creditsPerUnit: String
        let credits: String
        let rateSource: String
    }

    struct PoolJSON: Encodable {
        let pool: String?
        let family: String
        let nodes: Int
        let creditsPerNodeHour: String?
        let nodeHours: String
        let credits: String
        let lines: [LineJSON]
        let costs: [CostJSON]
        let alwaysOn: ScenarioJSON?
        let savings: SavingsJSON?
        let days: [DayJSON]?
    }

    struct DayJSON: Encodable {
        let date: String
        let hours: String
        let nodeHours: [String: String]
        let taskRuns: Int
    }

    struct ScenarioJSON: Encodable {
        let periodDays: Int
        let nodeHours: String
        let credits: String
        let costs: [CostJSON]
    }

    struct SavingJSON: Encodable {
        let edition: String
        let currency: String
        let amount: String
        let rounded: String
        let priceCurrencyAmount: String
        let priceCurrencyRounded: String
    }

    struct SavingsJSON: Encodable {
        let credits: String
        let costs: [SavingJSON]
    }

    struct RateCardJSON: Encodable {
        let id: String
        let title: String
        let documented: String
        let source: String
    }

    struct PriceTableJSON: Encodable {
        let id: String
        let title: String
        let effectiveFrom: String
        let region: String
        let regionName: String
        let source: String
    }

    struct FxJSON: Encodable {
        let base: String
        let quote: String
        let rate: String
        let source: String
    }

    struct DocumentJSON: Encodable {
        let asOf: String
        let rateCard: String?
        let rateCardDetail: RateCardJSON?
        let creditsPerNodeHour: String?
        let nodeHours: String
        let credits: String
        let costs: [CostJSON]
        let priceTable: PriceTableJSON?
        let fx: FxJSON
        let pools: [PoolJSON]
        let rounding: String
        let warnings: [String]
        let derived: [String]?
        /// Every price the planned days were charged at, with its days; absent for a result built without the ledger.
        let creditPrices: [String]?
    }

    static func json(_ r: EstimateResult) -> String {
        func pool(_ p: PoolEstimate, _ i: Int) -> PoolJSON {
            let rates = Set(p.lines.filter { $0.unit == .nodeHours }.map(\.creditsPerUnit))
            let s = i < r.savings.count ? r.savings[i] : nil
            return PoolJSON(
                pool: p.pool, family: p.family.name, nodes: p.nodes,
                creditsPerNodeHour: rates.count == 1 ? QuantityFormat.exact(rates.first!) : nil,
                nodeHours: QuantityFormat.quantity(p.nodeHours), credits: QuantityFormat.quantity(p.credits),
                lines: p.lines.map {
                    LineJSON(item: $0.item, detail: $0.detail, quantity: QuantityFormat.quantity($0.quantity),
                             unit: $0.unit.rawValue, creditsPerUnit: QuantityFormat.exact($0.creditsPerUnit),
                             credits: QuantityFormat.quantity($0.credits), rateSource: $0.rateSource)
                },
                costs: p.costs.map(CostJSON.init),
                alwaysOn: s.map {
                    ScenarioJSON(periodDays: $0.periodDays, nodeHours: QuantityFormat.quantity($0.alwaysOn.nodeHours),
                                 credits: QuantityFormat.quantity($0.alwaysOn.credits),
                                 costs: $0.alwaysOn.costs.map(CostJSON.init))
                },
                savings: s.map {
                    SavingsJSON(credits: QuantityFormat.quantity($0.savedCredits), costs: $0.savedCosts.map {
                        SavingJSON(edition: $0.price.label, currency: $0.converted.currency.code,
                                   amount: MoneyFormat.exact($0.converted), rounded: MoneyFormat.plain($0.converted),
                                   priceCurrencyAmount: MoneyFormat.exact($0.amount),
                                   priceCurrencyRounded: MoneyFormat.plain($0.amount))
                    })
                },
                days: i < r.breakdowns.count ? r.breakdowns[i].days.map { d in
                    DayJSON(date: d.date.description, hours: QuantityFormat.quantity(d.hours),
                            nodeHours: Dictionary(uniqueKeysWithValues: d.nodeHours.map { ($0.key.rawValue, QuantityFormat.quantity($0.value)) }),
                            taskRuns: d.taskRuns)
                } : nil)
        }
        let pools = r.pools.enumerated().map { pool($1, $0) }
        let (totalCredits, totalNodeHours, totalCosts) = totals(r)
        let doc = DocumentJSON(
            asOf: r.asOf.description,
            rateCard: r.rateCard?.id,
            rateCardDetail: r.rateCard.map {
                RateCardJSON(id: $0.id, title: $0.title, documented: $0.documentedPeriod, source: $0.source)
            },
            creditsPerNodeHour: pools.count == 1 ? pools[0].creditsPerNodeHour : nil,
            nodeHours: QuantityFormat.quantity(totalNodeHours),
            credits: QuantityFormat.quantity(totalCredits),
            costs: totalCosts.map(CostJSON.init),
            priceTable: r.priceTable.flatMap { t in
                r.region.map {
                    PriceTableJSON(id: t.id, title: t.title, effectiveFrom: t.effectiveFrom.description,
                                   region: $0.region.id, regionName: $0.name, source: t.source)
                }
            },
            fx: FxJSON(base: r.fx.base.code, quote: r.fx.quote.code, rate: ExactDecimal.text(r.fx.rate),
                       source: r.fx.source),
            pools: pools,
            rounding: MoneyFormat.ruleDescription,
            warnings: r.warnings,
            derived: r.preamble.isEmpty ? nil : r.preamble,
            creditPrices: r.priceRuns.isEmpty ? nil : r.priceRuns.map(SavingsReportDocument.priceRunText))
        return JSONText.encode(doc)
    }
}

/// Deterministic JSON text: sorted keys, two-space indentation, no escaped slashes, a final newline.
public enum JSONText {
    /// Encodes `value`; encoding our own plain value types cannot fail.
    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // The report value types hold only strings, numbers, arrays and optionals.
        let data = try! encoder.encode(value)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
