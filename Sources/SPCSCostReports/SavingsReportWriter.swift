import Foundation
import SPCSCostCore

/// File formats of `spcs-cost report`.
public enum ReportFileFormat: String, CaseIterable, Sendable {
    /// RFC 4180 CSV, one file per table: `…_summary.csv`, `…_pools.csv`, `…_days.csv`.
    case csv
    /// One Markdown file, `….md`: the summary for finance, then the per-pool and per-day tables.
    case markdown
    /// One JSON file, `….json`: the summary, pools and days, amounts exact and rounded.
    case json
    /// One self-contained HTML file, `….html`: inline CSS, an inline SVG chart per pool, no scripts.
    case html
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

/// The summary for finance, derived from a ``SavingsReport`` without rounding: the headline figures, the
/// difference from the estimate by cause per pool, the top pools by metered cost, month to date with the month-end
/// forecast, and the provisional days. Every format renders this one value.
struct FinanceSummary {
    /// A headline figure in credits.
    struct Figure {
        /// Machine key: `metered`, `estimated`, `difference`, `always_on`, `saved_vs_always_on`, `plan`,
        /// `saved_vs_plan`.
        let key: String
        /// Label for people.
        let label: String
        /// Exact credits.
        let credits: Decimal
        /// `credits` as a percentage of another figure (exact); nil when there is none or it is zero.
        let percent: Decimal?
        /// What `percent` is a percentage of, in words (`always on`); nil without `percent`.
        let percentOf: String?

        /// A figure; `percentOf` names `whole`, and the percentage is left out when `whole` is nil or zero.
        init(key: String, label: String, credits: Decimal, percentOf: (words: String, whole: Decimal)? = nil) {
            self.key = key
            self.label = label
            self.credits = credits
            if let p = percentOf, p.whole != 0 {
                percent = credits / p.whole * 100
                self.percentOf = p.words
            } else {
                percent = nil
                self.percentOf = nil
            }
        }
    }

    /// One pool's estimate set against its metered credits.
    struct PoolDifference {
        /// Pool name.
        let pool: String
        /// Metered credits over the period.
        let metered: Decimal
        /// Estimated credits over the period.
        let estimated: Decimal
        /// The difference split by cause, in ``VarianceCause`` order; only causes with a share of at least a
        /// nano-credit (the precision of CREDITS_USED; smaller shares are arithmetic residue of the split).
        let causes: [(cause: VarianceCause, credits: Decimal)]
        /// Metered minus estimated credits; the causes add up to it.
        var difference: Decimal { metered - estimated }
    }

    /// A pool ranked by metered credits (and so by metered cost: every pool has the same price).
    struct TopPool {
        /// 1 for the pool that cost most.
        let rank: Int
        /// Pool name.
        let pool: String
        /// Metered credits.
        let credits: Decimal
        /// Share of all metered credits in percent (exact).
        let share: Decimal
    }

    /// Headline figures, in the order they are shown.
    let figures: [Figure]
    /// Pools with an estimate, by name.
    let differences: [PoolDifference]
    /// Pools without an estimate when some pools have one (left out of the difference); empty otherwise.
    let poolsWithoutEstimate: [String]
    /// Up to 5 pools with metered usage, most metered first (ties by name).
    let topPools: [TopPool]
    /// Month to date and the month-end forecast; nil when the report does not start on the first of its last month.
    let forecast: SavingsReport.Forecast?
    /// Dates on which any pool's day is provisional, in order.
    let provisionalDates: [CivilDate]
    /// Metered credits on provisional pool-days.
    let provisionalCredits: Decimal
    /// Provisional dates within the forecast's month.
    let provisionalDatesInMonth: Int

    /// The most pools listed under "Top pools by metered cost".
    static let topPoolLimit = 5

    /// Derives the summary of `r`.
    init(_ r: SavingsReport) {
        var figures = [Figure(key: "metered", label: "Metered", credits: r.meteredCredits)]
        let estimatedPools = r.pools.filter { $0.estimatedCredits != nil }
        differences = estimatedPools.map { p in
            PoolDifference(pool: p.pool, metered: p.meteredCredits, estimated: p.estimatedCredits ?? 0,
                           causes: p.varianceByCause.sorted { $0.key < $1.key }
                               .filter { MoneyFormat.round($0.value, scale: 9) != 0 }
                               .map { (cause: $0.key, credits: $0.value) })
        }
        if let estimated = r.estimatedCredits {
            let partial = estimatedPools.count < r.pools.count
            let difference = differences.reduce(Decimal(0)) { $0 + $1.difference }
            figures.append(Figure(key: "estimated", label: "Estimate (pools file)", credits: estimated))
            figures.append(Figure(key: "difference",
                                  label: partial ? "Difference (metered minus estimate, pools with an estimate)"
                                      : "Difference (metered minus estimate)",
                                  credits: difference, percentOf: ("the estimate", estimated)))
            poolsWithoutEstimate = r.pools.filter { $0.estimatedCredits == nil }.map(\.pool)
        } else {
            poolsWithoutEstimate = []
        }
        let saved = r.alwaysOnCredits - r.meteredCredits
        figures.append(Figure(key: "always_on", label: "Always on", credits: r.alwaysOnCredits))
        figures.append(Figure(key: "saved_vs_always_on", label: "Saved against always on (always on minus metered)",
                              credits: saved, percentOf: ("always on", r.alwaysOnCredits)))
        if let plan = r.planCredits {
            let savedVsPlan = plan - r.meteredCredits
            figures.append(Figure(key: "plan", label: "Business-hours plan", credits: plan))
            figures.append(Figure(key: "saved_vs_plan", label: "Saved against the plan (plan minus metered)",
                                  credits: savedVsPlan, percentOf: ("the plan", plan)))
        }
        self.figures = figures
        let ranked = r.pools.filter { $0.meteredCredits > 0 }
            .sorted { ($1.meteredCredits, $0.pool) < ($0.meteredCredits, $1.pool) }
            .prefix(Self.topPoolLimit)
        topPools = ranked.enumerated().map { i, p in
            TopPool(rank: i + 1, pool: p.pool, credits: p.meteredCredits,
                    share: p.meteredCredits / r.meteredCredits * 100)
        }
        forecast = r.forecast
        let provisional = r.days.filter(\.provisional)
        let dates = Array(Set(provisional.map(\.date))).sorted()
        provisionalDates = dates
        provisionalCredits = provisional.reduce(0) { $0 + $1.meteredCredits }
        provisionalDatesInMonth = r.forecast.map { f in dates.filter { $0 >= f.monthStart }.count } ?? 0
    }

    /// The headline figure with `key`, if the report has it.
    func figure(_ key: String) -> Figure? { figures.first { $0.key == key } }
}

/// Renders a ``SavingsReport`` into files: CSV (RFC 4180, one file per table), Markdown, JSON and HTML. Every
/// rendering is a pure function of the report and the stamp: the same inputs give the same bytes.
public enum SavingsReportWriter {
    /// A file to write: its name (no folder) and contents.
    public struct File: Sendable, Equatable {
        /// File name, dated by the report's period: `spcs-cost-report_2024-04-01_2024-04-30.md`.
        public let name: String
        /// Full contents.
        public let contents: String
    }

    /// The files of `report` in `formats`, in a fixed order: `…_summary.csv`, `…_pools.csv`, `…_days.csv`, `….md`,
    /// `….json`, `….html` (those asked for).
    public static func files(_ report: SavingsReport, formats: [ReportFileFormat], stamp: ReportStamp) -> [File] {
        let base = "spcs-cost-report_\(report.from)_\(report.through)"
        var files: [File] = []
        for format in ReportFileFormat.allCases where formats.contains(format) {
            switch format {
            case .csv:
                files.append(File(name: "\(base)_summary.csv", contents: summaryCSV(report, stamp: stamp)))
                files.append(File(name: "\(base)_pools.csv",
                                  contents: stamped(poolsTable(report, machine: true), report, stamp).csv()))
                files.append(File(name: "\(base)_days.csv",
                                  contents: stamped(daysTable(report, machine: true), report, stamp).csv()))
            case .markdown:
                files.append(File(name: "\(base).md", contents: markdown(report, stamp: stamp)))
            case .json:
                files.append(File(name: "\(base).json", contents: json(report, stamp: stamp)))
            case .html:
                files.append(File(name: "\(base).html", contents: HTMLReport.render(report, stamp: stamp)))
            }
        }
        return files
    }

    // MARK: - Cells

    /// `credits` priced and converted, rounded once: plain (`9759`) for machines, grouped (`9,759`) for people.
    static func money(_ credits: Decimal, _ r: SavingsReport, machine: Bool) -> String {
        let c = r.cost(credits).converted
        return machine ? MoneyFormat.plain(c) : MoneyFormat.grouped(c)
    }

    /// Credits or node-hours (at most 9 fraction digits).
    static func q(_ d: Decimal) -> String { QuantityFormat.quantity(d) }

    /// A percentage with one fraction digit, rounded once by ``MoneyFormat`` (`71.2`).
    static func percent(_ p: Decimal) -> String {
        MoneyFormat.fixed(MoneyFormat.round(p, scale: 1), scale: 1, grouped: false)
    }

    /// `71.2 % of always on`, or empty.
    static func share(_ f: FinanceSummary.Figure) -> String {
        guard let p = f.percent, let of = f.percentOf else { return "" }
        return "\(percent(p)) % of \(of)"
    }

    /// `2024-04-29, 2024-04-30`.
    static func dateList(_ dates: [CivilDate]) -> String { dates.map(\.description).joined(separator: ", ") }

    /// The month of a forecast: `2024-04`.
    static func month(_ f: SavingsReport.Forecast) -> String {
        "\(f.monthStart.year)-\(f.monthStart.month < 10 ? "0" : "")\(f.monthStart.month)"
    }

    /// The forecast month's last day the report covers.
    static func monthToDateEnd(_ f: SavingsReport.Forecast) -> CivilDate { f.monthStart.adding(days: f.daysElapsed - 1) }

    /// True when some pool has an estimate: the tables get estimate and difference columns.
    static func hasEstimate(_ r: SavingsReport) -> Bool { r.estimatedCredits != nil }

    // MARK: - Tables

    /// The per-pool table. `machine`: plain amounts and snake_case headers for CSV, no total row; otherwise
    /// grouped amounts, headers for people and a TOTAL row when there are several pools. Estimate and difference
    /// columns appear when the report has an estimate (empty for a pool without one); plan columns with a plan.
    public static func poolsTable(_ r: SavingsReport, machine: Bool) -> TextTable {
        let cur = r.fx.quote.code
        let estimate = hasEstimate(r)
        var header = ["pool", "family", "nodes", "credits_per_node_hour"]
        if machine { header.append("rate_source") }
        header += ["metered_credits", "metered_cost_\(cur)"]
        if estimate {
            header += ["estimated_credits", "estimated_cost_\(cur)", "difference_credits", "difference_cost_\(cur)"]
        }
        header += ["always_on_node_hours", "always_on_credits", "always_on_cost_\(cur)"]
        if r.plan != nil { header += ["plan_node_hours", "plan_credits", "plan_cost_\(cur)"] }
        header += ["saved_vs_always_on_credits", "saved_vs_always_on_\(cur)"]
        if r.plan != nil { header += ["saved_vs_plan_credits", "saved_vs_plan_\(cur)"] }
        if !machine { header = header.map(humanize) }
        var t = TextTable(header: header, alignments: [.left, .left] + Array(repeating: .right, count: header.count - 2))
        func amounts(_ credits: Decimal?) -> [String] {
            guard let credits else { return ["", ""] }
            return [q(credits), money(credits, r, machine: machine)]
        }
        for p in r.pools {
            var row = [p.pool, p.shape.family.name, String(p.shape.nodes), QuantityFormat.exact(p.creditsPerNodeHour)]
            if machine { row.append(p.rateSource) }
            row += amounts(p.meteredCredits)
            if estimate { row += amounts(p.estimatedCredits) + amounts(p.estimatedCredits.map { p.meteredCredits - $0 }) }
            row += [q(p.alwaysOnNodeHours)] + amounts(p.alwaysOnCredits)
            if r.plan != nil { row += [q(p.planNodeHours ?? 0)] + amounts(p.planCredits ?? 0) }
            row += amounts(p.savedCredits)
            if r.plan != nil { row += amounts((p.planCredits ?? 0) - p.meteredCredits) }
            t.rows.append(row)
        }
        if !machine && r.pools.count > 1 {
            let summary = FinanceSummary(r)
            var row = ["TOTAL", "", "", ""] + amounts(r.meteredCredits)
            if estimate { row += amounts(r.estimatedCredits) + amounts(summary.figure("difference")?.credits) }
            row += [q(r.pools.reduce(0) { $0 + $1.alwaysOnNodeHours })] + amounts(r.alwaysOnCredits)
            if let plan = r.planCredits { row += [q(r.pools.reduce(0) { $0 + ($1.planNodeHours ?? 0) })] + amounts(plan) }
            row += amounts(r.alwaysOnCredits - r.meteredCredits)
            if let plan = r.planCredits { row += amounts(plan - r.meteredCredits) }
            t.rows.append(row)
        }
        return t
    }

    /// The per-pool, per-day table, by date then pool. `provisional` is `true`/`false` for machines and
    /// `provisional` or empty for people; estimate and difference columns appear when the report has an estimate.
    public static func daysTable(_ r: SavingsReport, machine: Bool) -> TextTable {
        let cur = r.fx.quote.code
        let estimate = hasEstimate(r)
        var header = ["date", "pool", "provisional", "day_hours", "metered_hours", "metered_credits",
                      "metered_cost_\(cur)"]
        if estimate {
            header += ["estimated_credits", "estimated_cost_\(cur)", "difference_credits", "difference_cost_\(cur)"]
        }
        header += ["always_on_credits", "always_on_cost_\(cur)"]
        if r.plan != nil { header += ["plan_node_hours", "plan_credits", "plan_cost_\(cur)"] }
        header += ["saved_vs_always_on_credits", "saved_vs_always_on_\(cur)"]
        if !machine { header = header.map(humanize) }
        var t = TextTable(header: header,
                          alignments: [.left, .left, .left] + Array(repeating: .right, count: header.count - 3))
        func amounts(_ credits: Decimal?) -> [String] {
            guard let credits else { return ["", ""] }
            return [q(credits), money(credits, r, machine: machine)]
        }
        for d in r.days {
            var row = [d.date.description, d.pool, machine ? String(d.provisional) : (d.provisional ? "provisional" : ""),
                       q(d.dayHours), String(d.meteredHours)] + amounts(d.meteredCredits)
            if estimate { row += amounts(d.estimatedCredits) + amounts(d.estimatedCredits.map { d.meteredCredits - $0 }) }
            row += amounts(d.alwaysOnCredits)
            if r.plan != nil { row += [q(d.planNodeHours ?? 0)] + amounts(d.planCredits ?? 0) }
            row += amounts(d.alwaysOnCredits - d.meteredCredits)
            t.rows.append(row)
        }
        return t
    }

    /// The headline figures: label, credits, cost, share.
    static func figuresTable(_ s: FinanceSummary, _ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["", "Credits", "Cost (\(r.fx.quote.code))", "Share"],
                          alignments: [.left, .right, .right, .left])
        for f in s.figures { t.rows.append([f.label, q(f.credits), money(f.credits, r, machine: false), share(f)]) }
        return t
    }

    /// The difference by cause: per pool, each cause's credits and cost, then the pool's difference.
    static func causesTable(_ s: FinanceSummary, _ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["Pool", "Cause", "Credits", "Cost (\(r.fx.quote.code))"],
                          alignments: [.left, .left, .right, .right])
        for d in s.differences {
            for c in d.causes { t.rows.append([d.pool, c.cause.label, q(c.credits), money(c.credits, r, machine: false)]) }
            t.rows.append([d.pool, "Difference (metered minus estimate)", q(d.difference),
                           money(d.difference, r, machine: false)])
        }
        return t
    }

    /// Pools whose cause amounts, each rounded once, do not add up to their difference rounded once: a note per
    /// such pool, so a reader adding up the rows is not surprised.
    static func roundingNotes(_ s: FinanceSummary, _ r: SavingsReport) -> [String] {
        s.differences.compactMap { d in
            let lines = d.causes.reduce(Decimal(0)) { $0 + MoneyFormat.rounded(r.cost($1.credits).converted) }
            let total = MoneyFormat.rounded(r.cost(d.difference).converted)
            guard !d.causes.isEmpty, total != lines else { return nil }
            return "\(d.pool): the causes, each rounded once, add up to "
                + "\(MoneyFormat.withCode(Money(lines, r.fx.quote))); the difference rounded once is "
                + "\(MoneyFormat.withCode(Money(total, r.fx.quote)))"
        }
    }

    /// Top pools by metered cost.
    static func topPoolsTable(_ s: FinanceSummary, _ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["Rank", "Pool", "Metered credits", "Metered cost (\(r.fx.quote.code))", "Share of metered"],
                          alignments: [.right, .left, .right, .right, .right])
        for p in s.topPools {
            t.rows.append([String(p.rank), p.pool, q(p.credits), money(p.credits, r, machine: false),
                           "\(percent(p.share)) %"])
        }
        return t
    }

    /// Month to date and the month-end forecast.
    static func monthTable(_ f: SavingsReport.Forecast, _ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["", "Credits", "Cost (\(r.fx.quote.code))"], alignments: [.left, .right, .right])
        t.rows.append(["Month to date (\(f.monthStart) to \(monthToDateEnd(f)))", q(f.monthToDateCredits),
                       money(f.monthToDateCredits, r, machine: false)])
        t.rows.append(["Month-end forecast (\(month(f)))", q(f.forecastCredits), money(f.forecastCredits, r, machine: false)])
        return t
    }

    /// The provisional days in one sentence.
    static func provisionalSentence(_ s: FinanceSummary, _ r: SavingsReport) -> String {
        guard !s.provisionalDates.isEmpty else {
            return "None: every day of the report is final (older than the usage views' latency and restatement window)."
        }
        let n = s.provisionalDates.count
        return "\(n) day\(n == 1 ? "" : "s") may still change (\(dateList(s.provisionalDates))): "
            + "\(q(s.provisionalCredits)) credits, \(MoneyFormat.withCode(r.cost(s.provisionalCredits).converted)) "
            + "metered on \(n == 1 ? "it" : "them") so far; marked provisional in the per-day table."
    }

    /// The note under the month-to-date table when provisional days are in the month.
    static func forecastProvisionalNote(_ s: FinanceSummary) -> String? {
        guard s.provisionalDatesInMonth > 0 else { return nil }
        let n = s.provisionalDatesInMonth
        return "Month to date and the forecast include \(n) provisional day\(n == 1 ? "" : "s")."
    }

    /// `metered_cost_JPY` → `Metered cost (JPY)`.
    static func humanize(_ column: String) -> String {
        let words = column.split(separator: "_").map(String.init)
        var out = words.joined(separator: " ")
        if let last = words.last, last.count == 3, last == last.uppercased() {
            out = words.dropLast().joined(separator: " ") + " (\(last))"
        }
        return out.prefix(1).uppercased() + out.dropFirst()
    }

    // MARK: - Stamp

    /// The stamp as labelled lines for people: period, rates, plan, credit price, FX, data, estimate, rounding,
    /// tool and command. Shown at the end of the Markdown and HTML reports.
    static func stampLines(_ r: SavingsReport, stamp: ReportStamp) -> [(label: String, text: String)] {
        let price = r.creditPrice
        var lines: [(label: String, text: String)] = [
            ("Period", "\(r.from) to \(r.through), calendar days in \(r.zone.displayName); an hourly row counts on the "
                + "day its START_TIME falls in."),
            ("Rates", (r.rateCardID.map { "rate card \($0)" } ?? "override")
                + "; always on = nodes × hours in the day × credits per node-hour."),
        ]
        for p in r.pools {
            lines.append(("Rate of \(p.pool)", "\(QuantityFormat.exact(p.creditsPerNodeHour)) credits per node-hour "
                + "(\(p.rateSource))."))
        }
        if let plan = r.plan {
            lines.append(("Plan", "\(plan.summary) (\(q(plan.nominalHoursPerDay)) h a day on those weekdays)."))
        }
        lines.append(("Credit price", "\(price.label), \(MoneyFormat.price(price.price)) \(price.price.currency.code) "
            + "per credit (\(price.source))."))
        lines.append(("FX", fxText(r) + "."))
        lines.append(("Data", "\(r.rowCount) hourly row\(r.rowCount == 1 ? "" : "s") of "
            + "SNOWPARK_CONTAINER_SERVICES_HISTORY, SHA-256 \(r.dataChecksum)."))
        if hasEstimate(r) {
            lines.append(("Estimate", "the pools file's schedule model per pool and day; the difference (metered "
                + "minus estimate) is split by cause as spcs-cost reconcile explains it."))
        }
        lines.append(("Rounding", roundingText(r) + "."))
        lines.append(("Tool", "spcs-cost \(stamp.toolVersion)"))
        lines.append(("Command", stamp.commandLine))
        return lines
    }

    /// `150 JPY per USD (--fx)`, with the rate's date when it has one, or `none (amounts in USD)`.
    static func fxText(_ r: SavingsReport) -> String {
        guard r.fx.base != r.fx.quote else { return "none (amounts in \(r.fx.quote.code))" }
        return "\(ExactDecimal.text(r.fx.rate)) \(r.fx.quote.code) per \(r.fx.base.code) (\(r.fx.source)"
            + (r.fx.date.map { ", rate of \($0)" } ?? "") + ")"
    }

    /// The rounding rule with the presentation currency's minor units.
    static func roundingText(_ r: SavingsReport) -> String {
        "\(MoneyFormat.ruleDescription) (\(r.fx.quote.code) \(r.fx.quote.minorUnits))"
    }

    /// The stamp columns every CSV row ends with, so a row copied elsewhere still says where it came from.
    static func stampColumns(_ r: SavingsReport, stamp: ReportStamp) -> [(header: String, value: String)] {
        let price = r.creditPrice
        return [
            ("rate_card", r.rateCardID ?? "override"),
            ("credit_price_edition", price.label),
            ("credit_price", MoneyFormat.price(price.price)),
            ("credit_price_currency", price.price.currency.code),
            ("credit_price_source", price.source),
            ("fx_rate", ExactDecimal.text(r.fx.rate)),
            ("fx_base", r.fx.base.code),
            ("fx_source", r.fx.source),
            ("fx_date", r.fx.date?.description ?? ""),
            ("data_sha256", r.dataChecksum),
            ("data_rows", String(r.rowCount)),
            ("rounding", roundingText(r)),
            ("tool_version", stamp.toolVersion),
            ("command_line", stamp.commandLine),
        ]
    }

    /// `t` with the stamp columns appended to its header and to every row.
    static func stamped(_ t: TextTable, _ r: SavingsReport, _ stamp: ReportStamp) -> TextTable {
        let columns = stampColumns(r, stamp: stamp)
        var out = t
        out.header += columns.map(\.header)
        out.rows = t.rows.map { $0 + columns.map(\.value) }
        return out
    }

    // MARK: - CSV summary

    /// The summary for finance as one CSV table: `section`, `item` (a machine key), `pool` (empty for all pools),
    /// `label`, `credits`, the cost rounded once, `percent` (one digit), `days` (a count) and `note`, then the stamp.
    static func summaryCSV(_ r: SavingsReport, stamp: ReportStamp) -> String {
        let s = FinanceSummary(r)
        let cur = r.fx.quote.code
        var t = TextTable(header: ["section", "item", "pool", "label", "credits", "cost_\(cur)", "percent", "days", "note"])
        func row(_ section: String, _ item: String, _ pool: String, _ label: String, _ credits: Decimal,
                 percent p: Decimal? = nil, days: Int? = nil, note: String = "") {
            t.rows.append([section, item, pool, label, q(credits), money(credits, r, machine: true),
                           p.map(percent) ?? "", days.map(String.init) ?? "", note])
        }
        for f in s.figures {
            let note = f.key == "difference" && !s.poolsWithoutEstimate.isEmpty
                ? "pools without an estimate: " + s.poolsWithoutEstimate.joined(separator: ", ") : ""
            row("summary", f.key, "", f.label, f.credits, percent: f.percent,
                note: f.percentOf.map { "percent of \($0)" + (note.isEmpty ? "" : "; " + note) } ?? note)
        }
        for d in s.differences {
            for c in d.causes { row("difference_by_cause", c.cause.rawValue, d.pool, c.cause.label, c.credits) }
            row("difference_by_cause", "total", d.pool, "Difference (metered minus estimate)", d.difference)
        }
        for p in s.topPools {
            row("top_pools", String(p.rank), p.pool, "Metered", p.credits, percent: p.share, note: "percent of metered")
        }
        if let f = s.forecast {
            let n = s.provisionalDatesInMonth
            let note = n == 0 ? "" : "; includes \(n) provisional day\(n == 1 ? "" : "s")"
            row("month", "month_to_date", "", "Month to date (\(f.monthStart) to \(monthToDateEnd(f)))",
                f.monthToDateCredits, days: f.daysElapsed, note: "days of \(month(f)) covered" + note)
            row("month", "forecast_month_end", "", "Month-end forecast (\(month(f)))", f.forecastCredits,
                days: f.daysInMonth, note: f.basis)
        }
        row("provisional", "provisional_days", "", "Metered on provisional days", s.provisionalCredits,
            days: s.provisionalDates.count, note: dateList(s.provisionalDates))
        return stamped(t, r, stamp).csv()
    }

    // MARK: - Markdown

    /// The Markdown report: the summary for finance, the per-pool and per-day tables, then the stamp.
    public static func markdown(_ r: SavingsReport, stamp: ReportStamp) -> String {
        let s = FinanceSummary(r)
        var out = "# SPCS usage and savings: \(r.from) to \(r.through)\n\n"
        for w in r.warnings { out += "> **Warning:** \(w)\n\n" }
        out += "## Summary for finance\n\n"
        out += "Calendar days in \(r.zone.displayName). \(pricedAt(r)) The stamp at the end says how to reproduce "
            + "this report.\n\n"
        out += figuresTable(s, r).markdown()
        if !s.poolsWithoutEstimate.isEmpty {
            out += "\nPools without an estimate (left out of the difference): "
                + s.poolsWithoutEstimate.joined(separator: ", ") + ".\n"
        }
        if !s.differences.isEmpty {
            out += "\n### Difference from the estimate by cause\n\n" + causesTable(s, r).markdown()
            for note in roundingNotes(s, r) { out += "\n\(note).\n" }
        }
        out += "\n### Top pools by metered cost\n\n"
        out += s.topPools.isEmpty ? "No pool has metered usage in the period.\n" : topPoolsTable(s, r).markdown()
        if let f = s.forecast {
            out += "\n### Month to date and forecast\n\n" + monthTable(f, r).markdown()
            out += "\nBasis: \(f.basis).\n"
            if let note = forecastProvisionalNote(s) { out += "\n\(note)\n" }
        }
        out += "\n### Provisional days\n\n\(provisionalSentence(s, r))\n"
        out += "\n## Per pool\n\n" + poolsTable(r, machine: false).markdown()
        out += "\n## Per day\n\n" + daysTable(r, machine: false).markdown()
        out += "\n## Stamp\n\n"
        for line in stampLines(r, stamp: stamp) {
            out += line.label == "Command" ? "- \(line.label): `\(line.text)`\n" : "- \(line.label): \(line.text)\n"
        }
        return out
    }

    /// `Credits are priced at Standard, 2.85 USD per credit, × 150 JPY per USD; …` in one sentence.
    static func pricedAt(_ r: SavingsReport) -> String {
        let price = r.creditPrice
        let fx = r.fx.base == r.fx.quote ? "" : ", at \(ExactDecimal.text(r.fx.rate)) \(r.fx.quote.code) per \(r.fx.base.code)"
        return "Credits are priced at \(price.label), \(MoneyFormat.price(price.price)) \(price.price.currency.code) "
            + "per credit\(fx); each amount is rounded once, half-even, to \(r.fx.quote.minorUnits) decimal"
            + "\(r.fx.quote.minorUnits == 1 ? "" : "s")."
    }

    // MARK: - JSON

    /// Credits with their cost: exact and rounded once.
    struct AmountJSON: Encodable {
        let credits: String
        let currency: String
        let amount: String
        let rounded: String
        let label: String?
        let percent: String?
        let percentOf: String?

        init(_ credits: Decimal, _ r: SavingsReport, label: String? = nil, percent p: Decimal? = nil, of: String? = nil) {
            let c = r.cost(credits).converted
            self.credits = QuantityFormat.quantity(credits)
            currency = c.currency.code
            amount = MoneyFormat.exact(c)
            rounded = MoneyFormat.plain(c)
            self.label = label
            percent = p.map(SavingsReportWriter.percent)
            percentOf = p == nil ? nil : of
        }
    }

    struct CauseJSON: Encodable {
        let cause: String
        let label: String
        let difference: AmountJSON
    }

    struct PoolDifferenceJSON: Encodable {
        let pool: String
        let metered: AmountJSON
        let estimated: AmountJSON
        let difference: AmountJSON
        let byCause: [CauseJSON]
    }

    struct TopPoolJSON: Encodable {
        let rank: Int
        let pool: String
        let metered: AmountJSON
    }

    struct MonthJSON: Encodable {
        let month: String
        let from: String
        let through: String
        let daysElapsed: Int
        let daysInMonth: Int
        let monthToDate: AmountJSON
        let forecast: AmountJSON
        let basis: String
        let provisionalDays: Int
    }

    struct ProvisionalJSON: Encodable {
        let count: Int
        let dates: [String]
        let metered: AmountJSON
    }

    struct SummaryJSON: Encodable {
        let from: String
        let through: String
        let timeZone: String
        let currency: String
        let metered: AmountJSON
        let estimated: AmountJSON?
        let difference: AmountJSON?
        let poolsWithoutEstimate: [String]?
        let alwaysOn: AmountJSON
        let savedVsAlwaysOn: AmountJSON
        let plan: AmountJSON?
        let savedVsPlan: AmountJSON?
        let differenceByCause: [PoolDifferenceJSON]?
        let topPools: [TopPoolJSON]
        let month: MonthJSON?
        let provisional: ProvisionalJSON
    }

    struct PoolJSON: Encodable {
        let pool: String
        let family: String
        let nodes: Int
        let creditsPerNodeHour: String
        let rateSource: String
        let metered: AmountJSON
        let estimated: AmountJSON?
        let difference: AmountJSON?
        let alwaysOnNodeHours: String
        let alwaysOn: AmountJSON
        let planNodeHours: String?
        let plan: AmountJSON?
        let savedVsAlwaysOn: AmountJSON
        let savedVsPlan: AmountJSON?
    }

    struct DayJSON: Encodable {
        let date: String
        let pool: String
        let provisional: Bool
        let dayHours: String
        let meteredHours: Int
        let metered: AmountJSON
        let estimated: AmountJSON?
        let difference: AmountJSON?
        let alwaysOnNodeHours: String
        let alwaysOn: AmountJSON
        let planNodeHours: String?
        let plan: AmountJSON?
        let savedVsAlwaysOn: AmountJSON
    }

    struct CreditPriceJSON: Encodable {
        let edition: String
        let price: String
        let currency: String
        let source: String
    }

    struct FxJSON: Encodable {
        let base: String
        let quote: String
        let rate: String
        let source: String
        let date: String?
    }

    struct PlanJSON: Encodable {
        let summary: String
        let hoursPerDay: String
    }

    struct StampJSON: Encodable {
        let from: String
        let through: String
        let timeZone: String
        let dayRule: String
        let rateCard: String
        let plan: PlanJSON?
        let creditPrice: CreditPriceJSON
        let fx: FxJSON
        let dataSha256: String
        let dataRows: Int
        let rounding: String
        let currency: String
        let currencyMinorUnits: Int
        let toolVersion: String
        let commandLine: String
    }

    struct DocumentJSON: Encodable {
        let financeSummary: SummaryJSON
        let perPool: [PoolJSON]
        let perDay: [DayJSON]
        let stamp: StampJSON
        let warnings: [String]
    }

    /// The JSON report: `financeSummary`, `perPool`, `perDay`, `stamp` and `warnings`; keys sorted (``JSONText``),
    /// credits as decimal strings, every amount as `amount` (exact) and `rounded` (once, by ``MoneyFormat``).
    public static func json(_ r: SavingsReport, stamp: ReportStamp) -> String {
        let s = FinanceSummary(r)
        func figure(_ key: String) -> AmountJSON? {
            s.figure(key).map { AmountJSON($0.credits, r, label: $0.label, percent: $0.percent, of: $0.percentOf) }
        }
        let summary = SummaryJSON(
            from: r.from.description, through: r.through.description, timeZone: r.zone.displayName,
            currency: r.fx.quote.code,
            metered: figure("metered")!, estimated: figure("estimated"), difference: figure("difference"),
            poolsWithoutEstimate: s.poolsWithoutEstimate.isEmpty ? nil : s.poolsWithoutEstimate,
            alwaysOn: figure("always_on")!, savedVsAlwaysOn: figure("saved_vs_always_on")!,
            plan: figure("plan"), savedVsPlan: figure("saved_vs_plan"),
            differenceByCause: s.differences.isEmpty ? nil : s.differences.map { d in
                PoolDifferenceJSON(pool: d.pool, metered: AmountJSON(d.metered, r), estimated: AmountJSON(d.estimated, r),
                                   difference: AmountJSON(d.difference, r),
                                   byCause: d.causes.map {
                                       CauseJSON(cause: $0.cause.rawValue, label: $0.cause.label,
                                                 difference: AmountJSON($0.credits, r))
                                   })
            },
            topPools: s.topPools.map {
                TopPoolJSON(rank: $0.rank, pool: $0.pool,
                            metered: AmountJSON($0.credits, r, percent: $0.share, of: "metered"))
            },
            month: s.forecast.map { f in
                MonthJSON(month: month(f), from: f.monthStart.description, through: monthToDateEnd(f).description,
                          daysElapsed: f.daysElapsed, daysInMonth: f.daysInMonth,
                          monthToDate: AmountJSON(f.monthToDateCredits, r), forecast: AmountJSON(f.forecastCredits, r),
                          basis: f.basis, provisionalDays: s.provisionalDatesInMonth)
            },
            provisional: ProvisionalJSON(count: s.provisionalDates.count, dates: s.provisionalDates.map(\.description),
                                         metered: AmountJSON(s.provisionalCredits, r)))
        let pools = r.pools.map { p in
            PoolJSON(pool: p.pool, family: p.shape.family.name, nodes: p.shape.nodes,
                     creditsPerNodeHour: QuantityFormat.exact(p.creditsPerNodeHour), rateSource: p.rateSource,
                     metered: AmountJSON(p.meteredCredits, r), estimated: p.estimatedCredits.map { AmountJSON($0, r) },
                     difference: p.estimatedCredits.map { AmountJSON(p.meteredCredits - $0, r) },
                     alwaysOnNodeHours: q(p.alwaysOnNodeHours), alwaysOn: AmountJSON(p.alwaysOnCredits, r),
                     planNodeHours: p.planNodeHours.map(q), plan: p.planCredits.map { AmountJSON($0, r) },
                     savedVsAlwaysOn: AmountJSON(p.savedCredits, r),
                     savedVsPlan: p.planCredits.map { AmountJSON($0 - p.meteredCredits, r) })
        }
        let days = r.days.map { d in
            DayJSON(date: d.date.description, pool: d.pool, provisional: d.provisional, dayHours: q(d.dayHours),
                    meteredHours: d.meteredHours, metered: AmountJSON(d.meteredCredits, r),
                    estimated: d.estimatedCredits.map { AmountJSON($0, r) },
                    difference: d.estimatedCredits.map { AmountJSON(d.meteredCredits - $0, r) },
                    alwaysOnNodeHours: q(d.alwaysOnNodeHours), alwaysOn: AmountJSON(d.alwaysOnCredits, r),
                    planNodeHours: d.planNodeHours.map(q), plan: d.planCredits.map { AmountJSON($0, r) },
                    savedVsAlwaysOn: AmountJSON(d.alwaysOnCredits - d.meteredCredits, r))
        }
        let price = r.creditPrice
        let stampJSON = StampJSON(
            from: r.from.description, through: r.through.description, timeZone: r.zone.displayName,
            dayRule: "calendar days in \(r.zone.displayName); an hourly row counts on the day its START_TIME falls in",
            rateCard: r.rateCardID ?? "override",
            plan: r.plan.map { PlanJSON(summary: $0.summary, hoursPerDay: q($0.nominalHoursPerDay)) },
            creditPrice: CreditPriceJSON(edition: price.label, price: MoneyFormat.price(price.price),
                                         currency: price.price.currency.code, source: price.source),
            fx: FxJSON(base: r.fx.base.code, quote: r.fx.quote.code, rate: ExactDecimal.text(r.fx.rate),
                       source: r.fx.source, date: r.fx.date?.description),
            dataSha256: r.dataChecksum, dataRows: r.rowCount, rounding: MoneyFormat.ruleDescription,
            currency: r.fx.quote.code, currencyMinorUnits: r.fx.quote.minorUnits,
            toolVersion: stamp.toolVersion, commandLine: stamp.commandLine)
        return JSONText.encode(DocumentJSON(financeSummary: summary, perPool: pools, perDay: days, stamp: stampJSON,
                                            warnings: r.warnings))
    }
}
