import Foundation
import SPCSCostCore

/// File formats of `spcs-cost report`.
public enum ReportFileFormat: String, CaseIterable, Sendable {
    case csv, markdown
}

/// What every report file is stamped with so a reader can reproduce it. No wall-clock time: the same inputs give
/// the same bytes.
public struct ReportStamp: Sendable, Equatable {
    /// spcs-cost's version.
    public var toolVersion: String
    /// The command that produced the report, as typed (without secrets).
    public var commandLine: String

    /// Creates a stamp.
    public init(toolVersion: String, commandLine: String) {
        self.toolVersion = toolVersion
        self.commandLine = commandLine
    }
}

/// Renders a ``SavingsReport`` into files: CSV (RFC 4180, one file per table) and Markdown.
public enum SavingsReportWriter {
    /// A file to write: its name (no folder) and contents.
    public struct File: Sendable, Equatable {
        /// File name, dated by the report's period: `spcs-cost-report_2024-04-01_2024-04-30.md`.
        public let name: String
        /// Full contents.
        public let contents: String
    }

    /// The files of `report` in `formats`, in a fixed order.
    public static func files(_ report: SavingsReport, formats: [ReportFileFormat], stamp: ReportStamp) -> [File] {
        let base = "spcs-cost-report_\(report.from)_\(report.through)"
        var files: [File] = []
        for format in ReportFileFormat.allCases where formats.contains(format) {
            switch format {
            case .csv:
                files.append(File(name: "\(base)_pools.csv", contents: poolsTable(report, machine: true).csv()))
                files.append(File(name: "\(base)_days.csv", contents: daysTable(report, machine: true).csv()))
            case .markdown:
                files.append(File(name: "\(base).md", contents: markdown(report, stamp: stamp)))
            }
        }
        return files
    }

    static func money(_ credits: Decimal, _ r: SavingsReport, machine: Bool) -> String {
        let c = r.cost(credits).converted
        return machine ? MoneyFormat.plain(c) : MoneyFormat.grouped(c)
    }

    static func q(_ d: Decimal) -> String { QuantityFormat.quantity(d) }

    /// The per-pool table. `machine` = plain amounts for CSV, grouped for people.
    public static func poolsTable(_ r: SavingsReport, machine: Bool) -> TextTable {
        let cur = r.fx.quote.code
        var header = ["pool", "family", "nodes", "credits_per_node_hour", "metered_credits", "metered_cost_\(cur)",
                      "always_on_node_hours", "always_on_credits", "always_on_cost_\(cur)"]
        if r.plan != nil { header += ["plan_node_hours", "plan_credits", "plan_cost_\(cur)"] }
        header += ["saved_vs_always_on_credits", "saved_vs_always_on_\(cur)"]
        if !machine { header = header.map(humanize) }
        var t = TextTable(header: header, alignments: [.left, .left] + Array(repeating: .right, count: header.count - 2))
        for p in r.pools {
            var row = [p.pool, p.shape.family.name, String(p.shape.nodes), QuantityFormat.exact(p.creditsPerNodeHour),
                       q(p.meteredCredits), money(p.meteredCredits, r, machine: machine),
                       q(p.alwaysOnNodeHours), q(p.alwaysOnCredits), money(p.alwaysOnCredits, r, machine: machine)]
            if r.plan != nil {
                row += [q(p.planNodeHours ?? 0), q(p.planCredits ?? 0), money(p.planCredits ?? 0, r, machine: machine)]
            }
            row += [q(p.savedCredits), money(p.savedCredits, r, machine: machine)]
            t.rows.append(row)
        }
        if r.pools.count > 1 {
            var row = ["TOTAL", "", "", "", q(r.meteredCredits), money(r.meteredCredits, r, machine: machine),
                       q(r.pools.reduce(0) { $0 + $1.alwaysOnNodeHours }), q(r.alwaysOnCredits),
                       money(r.alwaysOnCredits, r, machine: machine)]
            if let plan = r.planCredits {
                row += [q(r.pools.reduce(0) { $0 + ($1.planNodeHours ?? 0) }), q(plan), money(plan, r, machine: machine)]
            }
            let saved = r.alwaysOnCredits - r.meteredCredits
            row += [q(saved), money(saved, r, machine: machine)]
            t.rows.append(row)
        }
        return t
    }

    /// The per-pool, per-day table.
    public static func daysTable(_ r: SavingsReport, machine: Bool) -> TextTable {
        let cur = r.fx.quote.code
        var header = ["date", "pool", "day_hours", "metered_hours", "metered_credits", "metered_cost_\(cur)",
                      "always_on_credits", "always_on_cost_\(cur)"]
        if r.plan != nil { header += ["plan_node_hours", "plan_credits", "plan_cost_\(cur)"] }
        header += ["saved_vs_always_on_credits"]
        if !machine { header = header.map(humanize) }
        var t = TextTable(header: header, alignments: [.left, .left] + Array(repeating: .right, count: header.count - 2))
        for d in r.days {
            var row = [d.date.description, d.pool, q(d.dayHours), String(d.meteredHours), q(d.meteredCredits),
                       money(d.meteredCredits, r, machine: machine), q(d.alwaysOnCredits),
                       money(d.alwaysOnCredits, r, machine: machine)]
            if r.plan != nil {
                row += [q(d.planNodeHours ?? 0), q(d.planCredits ?? 0), money(d.planCredits ?? 0, r, machine: machine)]
            }
            row += [q(d.alwaysOnCredits - d.meteredCredits)]
            t.rows.append(row)
        }
        return t
    }

    static func humanize(_ column: String) -> String {
        let words = column.split(separator: "_").map(String.init)
        var out = words.joined(separator: " ")
        if let last = words.last, last.count == 3, last == last.uppercased() {
            out = words.dropLast().joined(separator: " ") + " (\(last))"
        }
        return out.prefix(1).uppercased() + out.dropFirst()
    }

    static func headerLines(_ r: SavingsReport, stamp: ReportStamp) -> [String] {
        let price = r.creditPrice
        var lines = [
            "Period: \(r.from) to \(r.through), calendar days in \(r.zone.displayName); an hourly row counts on the day its START_TIME falls in.",
            "Rates: " + (r.rateCardID.map { "rate card \($0)" } ?? "override")
                + "; always on = nodes × hours in the day × credits per node-hour.",
            "Credit price: \(price.label), \(MoneyFormat.price(price.price)) \(price.price.currency.code) per credit (\(price.source)).",
            r.fx.base == r.fx.quote ? "FX: none (amounts in \(r.fx.quote.code))."
                : "FX: \(ExactDecimal.text(r.fx.rate)) \(r.fx.quote.code) per \(r.fx.base.code) (\(r.fx.source)).",
            "Rounding: \(MoneyFormat.ruleDescription) (\(r.fx.quote.code) \(r.fx.quote.minorUnits)).",
            "Produced by spcs-cost \(stamp.toolVersion): `\(stamp.commandLine)`",
        ]
        if let plan = r.plan {
            lines.insert("Plan: \(plan.summary) (\(QuantityFormat.quantity(plan.nominalHoursPerDay)) h a day on those weekdays).", at: 2)
        }
        return lines
    }

    /// The Markdown report: stamp, summary per pool, then per day.
    public static func markdown(_ r: SavingsReport, stamp: ReportStamp) -> String {
        var out = "# SPCS usage and savings: \(r.from) to \(r.through)\n\n"
        for w in r.warnings { out += "> **Warning:** \(w)\n\n" }
        for line in headerLines(r, stamp: stamp) { out += "- \(line)\n" }
        out += "\n## Summary\n\n"
        let metered = r.cost(r.meteredCredits).converted
        let always = r.cost(r.alwaysOnCredits).converted
        out += "- Metered: **\(q(r.meteredCredits)) credits**, \(MoneyFormat.withCode(metered)).\n"
        out += "- Always on: \(q(r.alwaysOnCredits)) credits, \(MoneyFormat.withCode(always)).\n"
        if let plan = r.planCredits {
            out += "- Business-hours plan: \(q(plan)) credits, \(MoneyFormat.withCode(r.cost(plan).converted)).\n"
        }
        let saved = r.alwaysOnCredits - r.meteredCredits
        out += "- Saved against always on: **\(q(saved)) credits**, \(MoneyFormat.withCode(r.cost(saved).converted))"
        out += r.alwaysOnCredits > 0
            ? " (\(MoneyFormat.round(saved / r.alwaysOnCredits * 100, scale: 1)) % of always on).\n" : ".\n"
        out += "\n## Per pool\n\n" + poolsTable(r, machine: false).markdown()
        out += "\n## Per day\n\n" + daysTable(r, machine: false).markdown()
        return out
    }
}
