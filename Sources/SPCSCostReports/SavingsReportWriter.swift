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
/// forecast, the provisional days, and the rounding lines of every table. Every format renders this one value.
struct FinanceSummary {
    /// A headline figure: credits and their exact cost from the ledger.
    struct Figure {
        /// Machine key: `metered`, `estimated`, `difference`, `always_on`, `saved_vs_always_on`, `plan`,
        /// `saved_vs_plan`.
        let key: String
        /// Label for people.
        let label: String
        /// Exact credits and cost.
        let sum: ChargeSum
        /// The cost as a percentage of another figure's cost (exact); nil when there is none or it is zero.
        let percent: Decimal?
        /// What `percent` is a percentage of, in words (`always on`); nil without `percent`.
        let percentOf: String?

        /// Exact credits.
        var credits: Decimal { sum.quantity }

        /// A figure; `percentOf` names `whole`, and the percentage is left out when `whole` is nil or zero.
        init(key: String, label: String, sum: ChargeSum, percentOf: (words: String, whole: ChargeSum)? = nil) {
            self.key = key
            self.label = label
            self.sum = sum
            if let p = percentOf, p.whole.amount.amount != 0 {
                percent = sum.amount.amount / p.whole.amount.amount * 100
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
        /// Metered credits and cost over the period.
        let metered: ChargeSum
        /// Estimated credits and cost over the period.
        let estimated: ChargeSum
        /// The difference split by cause, in ``VarianceCause`` order; only causes with a share of at least a
        /// nano-credit or a millionth of the currency (smaller shares are arithmetic residue of the split).
        let causes: [(cause: VarianceCause, sum: ChargeSum)]
        /// Metered minus estimated; the causes add up to it.
        var difference: ChargeSum { metered - estimated }
    }

    /// A pool ranked by metered cost.
    struct TopPool {
        /// 1 for the pool that cost most.
        let rank: Int
        /// Pool name.
        let pool: String
        /// Metered credits and cost.
        let sum: ChargeSum
        /// Share of all metered cost in percent (exact).
        let share: Decimal
    }

    /// A table whose amounts, each rounded once, do not add up to its total rounded once.
    struct RoundingLine {
        /// Machine key of the table: `per_pool` or `per_day`.
        let table: String
        /// Machine key of the column: `metered`, `estimated`, `always_on`, `plan`.
        let column: String
        /// The table and column in words.
        let label: String
        /// The lines, rounded, and the total.
        let breakdown: RoundedBreakdown
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
    /// Metered credits and cost on provisional pool-days.
    let provisional: ChargeSum
    /// Provisional dates within the forecast's month.
    let provisionalDatesInMonth: Int
    /// The rounding lines of the per-pool and per-day tables (only those whose rounded lines miss the total).
    let roundingLines: [RoundingLine]

    /// The most pools listed under "Top pools by metered cost".
    static let topPoolLimit = 5

    /// Derives the summary of `r`.
    init(_ r: SavingsReport) {
        let zero = ChargeSum.zero(r.currency)
        var figures = [Figure(key: "metered", label: "Metered", sum: r.metered)]
        let estimatedPools = r.pools.filter { $0.estimated != nil }
        differences = estimatedPools.map { p in
            PoolDifference(pool: p.pool, metered: p.metered, estimated: p.estimated ?? zero,
                           causes: p.varianceByCause.sorted { $0.key < $1.key }
                               .filter { MoneyFormat.round($0.value.quantity, scale: 9) != 0
                                   || MoneyFormat.round($0.value.amount.amount, scale: 6) != 0 }
                               .map { (cause: $0.key, sum: $0.value) })
        }
        if let estimated = r.estimated {
            let partial = estimatedPools.count < r.pools.count
            let difference = differences.reduce(zero) { $0 + $1.difference }
            figures.append(Figure(key: "estimated", label: "Estimate (pools file)", sum: estimated))
            figures.append(Figure(key: "difference",
                                  label: partial ? "Difference (metered minus estimate, pools with an estimate)"
                                      : "Difference (metered minus estimate)",
                                  sum: difference, percentOf: ("the estimate", estimated)))
            poolsWithoutEstimate = r.pools.filter { $0.estimated == nil }.map(\.pool)
        } else {
            poolsWithoutEstimate = []
        }
        let alwaysOn = r.alwaysOn
        let withoutShape = r.poolsWithoutShape
        let label = withoutShape.isEmpty ? "" : " (pools with a known family)"
        figures.append(Figure(key: "always_on", label: "Always on\(label)", sum: alwaysOn))
        figures.append(Figure(key: "saved_vs_always_on", label: "Saved against always on (always on minus metered)\(label)",
                              sum: alwaysOn - r.meteredWithShape, percentOf: ("always on", alwaysOn)))
        if let plan = r.planTotal {
            figures.append(Figure(key: "plan", label: "Business-hours plan\(label)", sum: plan))
            figures.append(Figure(key: "saved_vs_plan", label: "Saved against the plan (plan minus metered)\(label)",
                                  sum: plan - r.meteredWithShape, percentOf: ("the plan", plan)))
        }
        self.figures = figures
        let total = r.metered.amount.amount
        let ranked = r.pools.filter { $0.meteredCredits > 0 }
            .sorted { ($1.metered.amount.amount, $0.pool) < ($0.metered.amount.amount, $1.pool) }
            .prefix(Self.topPoolLimit)
        topPools = ranked.enumerated().map { i, p in
            TopPool(rank: i + 1, pool: p.pool, sum: p.metered, share: total == 0 ? 0 : p.metered.amount.amount / total * 100)
        }
        forecast = r.forecast
        let provisional = r.days.filter(\.provisional)
        let dates = Array(Set(provisional.map(\.date))).sorted()
        provisionalDates = dates
        self.provisional = provisional.reduce(zero) { $0 + $1.metered }
        provisionalDatesInMonth = r.forecast.map { f in dates.filter { $0 >= f.monthStart }.count } ?? 0
        // Rounding lines: per table and money column, when the rounded lines do not add up to the rounded total.
        var rounding: [RoundingLine] = []
        func check(_ table: String, _ tableWords: String, _ column: String, _ columnWords: String, _ lines: [Money],
                   _ total: Money) {
            guard !lines.isEmpty else { return }
            let b = RoundedBreakdown(lines: lines, exactTotal: total)
            if b.difference.amount != 0 {
                rounding.append(RoundingLine(table: table, column: column, label: "\(tableWords), \(columnWords)",
                                             breakdown: b))
            }
        }
        check("per_pool", "Per pool", "metered", "metered cost", r.pools.map(\.metered.amount), r.metered.amount)
        check("per_day", "Per day", "metered", "metered cost", r.days.map(\.metered.amount), r.metered.amount)
        if let e = r.estimated {
            check("per_pool", "Per pool", "estimated", "estimated cost", r.pools.compactMap { $0.estimated?.amount }, e.amount)
            check("per_day", "Per day", "estimated", "estimated cost", r.days.compactMap { $0.estimated?.amount }, e.amount)
        }
        check("per_pool", "Per pool", "always_on", "always-on cost", r.pools.compactMap { $0.alwaysOn?.amount }, alwaysOn.amount)
        check("per_day", "Per day", "always_on", "always-on cost", r.days.compactMap { $0.alwaysOn?.amount }, alwaysOn.amount)
        if let plan = r.planTotal {
            check("per_pool", "Per pool", "plan", "plan cost", r.pools.compactMap { $0.plan?.amount }, plan.amount)
            check("per_day", "Per day", "plan", "plan cost", r.days.compactMap { $0.plan?.amount }, plan.amount)
        }
        roundingLines = rounding
    }

    /// The headline figure with `key`, if the report has it.
    func figure(_ key: String) -> Figure? { figures.first { $0.key == key } }

    /// The rounding lines in words: `Per day, metered cost: the rows, each rounded once, add up to 9,755 JPY; the
    /// total rounded once is 9,759 JPY (rounding line 4 JPY)`.
    var roundingSentences: [String] {
        roundingLines.map { l in
            "\(l.label): the rows, each rounded once, add up to \(MoneyFormat.withCode(l.breakdown.sumOfRoundedLines)); "
                + "the total rounded once is \(MoneyFormat.withCode(l.breakdown.total)) "
                + "(rounding line \(MoneyFormat.withCode(l.breakdown.difference)))"
        }
    }
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

    /// The rounding lines of `report` in words (for the terminal summary): each table whose rows, each rounded
    /// once, miss its total rounded once.
    public static func roundingSentences(_ report: SavingsReport) -> [String] { FinanceSummary(report).roundingSentences }

    // MARK: - Cells

    /// An exact ledger amount rounded once: plain (`9759`) for machines, grouped (`9,759`) for people.
    static func money(_ m: Money, machine: Bool) -> String {
        machine ? MoneyFormat.plain(m) : MoneyFormat.grouped(m)
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
    static func hasEstimate(_ r: SavingsReport) -> Bool { r.estimated != nil }

    // MARK: - Tables

    /// The per-pool table. `machine`: plain amounts and snake_case headers for CSV, no total row; otherwise
    /// grouped amounts, headers for people, a TOTAL row when there are several pools and a rounding row under it
    /// when the rounded rows do not add up to the rounded total. Estimate and difference columns appear when the
    /// report has an estimate (empty for a pool without one); plan columns with a plan; a pool without a known
    /// family has empty always-on and plan cells.
    public static func poolsTable(_ r: SavingsReport, machine: Bool) -> TextTable {
        let cur = r.currency.code
        let estimate = hasEstimate(r)
        var header = ["pool", "family", "nodes", "credits_per_node_hour"]
        if machine { header += ["shape_source", "rate_source", "lifetime"] }
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
        func amounts(_ sum: ChargeSum?) -> [String] {
            guard let sum else { return ["", ""] }
            return [q(sum.quantity), money(sum.amount, machine: machine)]
        }
        for p in r.pools {
            var row = [p.pool, p.shape?.family.name ?? "", p.shape.map { String($0.nodes) } ?? "",
                       p.creditsPerNodeHour.map(QuantityFormat.exact) ?? ""]
            if machine { row += [p.shapeSource ?? "", p.rateSource ?? "", p.lifetime.summary] }
            row += amounts(p.metered)
            if estimate { row += amounts(p.estimated) + amounts(p.estimated.map { p.metered - $0 }) }
            row += [p.alwaysOnNodeHours.map(q) ?? ""] + amounts(p.alwaysOn)
            if r.plan != nil { row += [p.planNodeHours.map(q) ?? ""] + amounts(p.plan) }
            row += amounts(p.savedVsAlwaysOn)
            if r.plan != nil { row += amounts(p.savedVsPlan) }
            t.rows.append(row)
        }
        if !machine && r.pools.count > 1 {
            let summary = FinanceSummary(r)
            var row = ["TOTAL", "", "", ""] + amounts(r.metered)
            if estimate { row += amounts(r.estimated) + amounts(summary.figure("difference")?.sum) }
            row += [q(r.pools.reduce(0) { $0 + ($1.alwaysOnNodeHours ?? 0) })] + amounts(r.alwaysOn)
            if let plan = r.planTotal { row += [q(r.pools.reduce(0) { $0 + ($1.planNodeHours ?? 0) })] + amounts(plan) }
            row += amounts(r.alwaysOn - r.meteredWithShape)
            if let plan = r.planTotal { row += amounts(plan - r.meteredWithShape) }
            t.rows.append(row)
            let lines = summary.roundingLines.filter { $0.table == "per_pool" }
            if !lines.isEmpty {
                // The rounding row: total rounded once minus the rounded rows, in each money column that misses.
                var rounding = Array(repeating: "", count: header.count)
                rounding[0] = "Rounding"
                for l in lines {
                    let column = humanize("\(l.column)_cost_\(cur)")
                    if let i = header.firstIndex(of: column) { rounding[i] = money(l.breakdown.difference, machine: false) }
                }
                t.rows.append(rounding)
            }
        }
        return t
    }

    /// The per-pool, per-day table, by date then pool. `provisional` is `true`/`false` for machines and
    /// `provisional` or empty for people; `restated` likewise; estimate and difference columns appear when the
    /// report has an estimate.
    public static func daysTable(_ r: SavingsReport, machine: Bool) -> TextTable {
        let cur = r.currency.code
        let estimate = hasEstimate(r)
        var header = ["date", "pool", "provisional", "restated", "day_hours", "metered_hours", "metered_credits",
                      "metered_cost_\(cur)"]
        if estimate {
            header += ["estimated_credits", "estimated_cost_\(cur)", "difference_credits", "difference_cost_\(cur)"]
        }
        header += ["always_on_credits", "always_on_cost_\(cur)"]
        if r.plan != nil { header += ["plan_node_hours", "plan_credits", "plan_cost_\(cur)"] }
        header += ["saved_vs_always_on_credits", "saved_vs_always_on_\(cur)"]
        if !machine { header = header.map(humanize) }
        var t = TextTable(header: header,
                          alignments: [.left, .left, .left, .left] + Array(repeating: .right, count: header.count - 4))
        func amounts(_ sum: ChargeSum?) -> [String] {
            guard let sum else { return ["", ""] }
            return [q(sum.quantity), money(sum.amount, machine: machine)]
        }
        for d in r.days {
            var row = [d.date.description, d.pool, machine ? String(d.provisional) : (d.provisional ? "provisional" : ""),
                       machine ? String(d.restated) : (d.restated ? "restated" : ""),
                       q(d.dayHours), String(d.meteredHours)] + amounts(d.metered)
            if estimate { row += amounts(d.estimated) + amounts(d.estimated.map { d.metered - $0 }) }
            row += amounts(d.alwaysOn)
            if r.plan != nil { row += [d.planNodeHours.map(q) ?? ""] + amounts(d.plan) }
            row += amounts(d.alwaysOn.map { $0 - d.metered })
            t.rows.append(row)
        }
        return t
    }

    /// The headline figures: label, credits, cost, share.
    static func figuresTable(_ s: FinanceSummary, _ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["", "Credits", "Cost (\(r.currency.code))", "Share"],
                          alignments: [.left, .right, .right, .left])
        for f in s.figures { t.rows.append([f.label, q(f.credits), money(f.sum.amount, machine: false), share(f)]) }
        return t
    }

    /// The difference by cause: per pool, each cause's credits and cost, then the pool's difference, and a
    /// rounding row where the causes, each rounded once, miss the difference rounded once.
    static func causesTable(_ s: FinanceSummary, _ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["Pool", "Cause", "Credits", "Cost (\(r.currency.code))"],
                          alignments: [.left, .left, .right, .right])
        for d in s.differences {
            for c in d.causes { t.rows.append([d.pool, c.cause.label, q(c.sum.quantity), money(c.sum.amount, machine: false)]) }
            if let b = causeRounding(d) {
                t.rows.append([d.pool, "Rounding", "", money(b.difference, machine: false)])
            }
            t.rows.append([d.pool, "Difference (metered minus estimate)", q(d.difference.quantity),
                           money(d.difference.amount, machine: false)])
        }
        return t
    }

    /// The causes of `d` rounded against its difference; nil when they add up.
    static func causeRounding(_ d: FinanceSummary.PoolDifference) -> RoundedBreakdown? {
        guard !d.causes.isEmpty else { return nil }
        let b = RoundedBreakdown(lines: d.causes.map(\.sum.amount), exactTotal: d.difference.amount)
        return b.difference.amount == 0 ? nil : b
    }

    /// Top pools by metered cost.
    static func topPoolsTable(_ s: FinanceSummary, _ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["Rank", "Pool", "Metered credits", "Metered cost (\(r.currency.code))", "Share of metered"],
                          alignments: [.right, .left, .right, .right, .right])
        for p in s.topPools {
            t.rows.append([String(p.rank), p.pool, q(p.sum.quantity), money(p.sum.amount, machine: false),
                           "\(percent(p.share)) %"])
        }
        return t
    }

    /// Month to date and the month-end forecast.
    static func monthTable(_ f: SavingsReport.Forecast, _ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["", "Credits", "Cost (\(r.currency.code))"], alignments: [.left, .right, .right])
        t.rows.append(["Month to date (\(f.monthStart) to \(monthToDateEnd(f)))", q(f.monthToDateCredits),
                       money(f.monthToDate.amount, machine: false)])
        t.rows.append(["Month-end forecast (\(month(f)))", q(f.forecastCredits), money(f.forecast.amount, machine: false)])
        return t
    }

    /// The checks of a nightly run (budget, variance, staleness), one row each.
    static func checksTable(_ r: SavingsReport) -> TextTable {
        var t = TextTable(header: ["Check", "Result", "Finding"], alignments: [.left, .left, .left])
        for c in r.checks { t.rows.append([c.check.rawValue, c.failed ? "ALERT" : "ok", c.message]) }
        return t
    }

    /// The bill check per day: ledger, billed, difference and its causes.
    static func billCheckTable(_ b: BillCheck) -> TextTable {
        let cur = b.currency.code
        var t = TextTable(header: ["Date", "Account", "Ledger credits", "Billed credits", "Ledger (\(cur))",
                                   "Billed (\(cur))", "Difference (\(cur))", "Causes"],
                          alignments: [.left, .left, .right, .right, .right, .right, .right, .left])
        for d in b.days {
            t.rows.append([d.day.description, d.account, q(d.ledgerCredits), q(d.billedCredits),
                           money(d.ledgerAmount, machine: false), money(d.billedAmount, machine: false),
                           money(d.difference, machine: false), causesText(d.causes)])
        }
        return t
    }

    /// `rounding 0.01; price -0.30`, causes in their declared order, exact to 6 decimals.
    static func causesText(_ causes: [BillCause: Money]) -> String {
        BillCause.allCases.compactMap { c in
            causes[c].map { "\(c.rawValue) \(ExactDecimal.text(MoneyFormat.round($0.amount, scale: 6)))" }
        }.joined(separator: "; ")
    }

    /// The provisional days in one sentence.
    static func provisionalSentence(_ s: FinanceSummary, _ r: SavingsReport) -> String {
        guard !s.provisionalDates.isEmpty else {
            return "None: every day of the report is final (older than the usage views' latency and restatement window)."
        }
        let n = s.provisionalDates.count
        return "\(n) day\(n == 1 ? "" : "s") may still change (\(dateList(s.provisionalDates))): "
            + "\(q(s.provisional.quantity)) credits, \(MoneyFormat.withCode(s.provisional.amount)) "
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

    /// One price run in words: `2024-04-01 to 2024-04-30: Standard, 2.85 USD per credit (AWS ap-northeast-1 …),
    /// × 150 JPY per USD (--fx)`.
    static func priceRunText(_ run: (from: CivilDate, through: CivilDate, rate: DayRate)) -> String {
        let p = run.rate.unitPrice.price
        let days = run.from == run.through ? "\(run.from)" : "\(run.from) to \(run.through)"
        var text = "\(days): \(p.label), \(MoneyFormat.price(p.price)) \(p.price.currency.code) per credit "
            + "(\(p.source.withoutCarryNoteText))"
        if run.rate.unitPrice.overage { text += ", overage" }
        let fx = run.rate.fx
        if fx.base != fx.quote {
            text += ", × \(ExactDecimal.text(fx.rate)) \(fx.quote.code) per \(fx.base.code) (\(fx.source.withoutCarryNoteText))"
        }
        return text
    }

    /// The stamp as labelled lines for people: period, rates, plan, credit prices with FX, data, estimate,
    /// rounding, tool and command. Shown at the end of the Markdown and HTML reports.
    static func stampLines(_ r: SavingsReport, stamp: ReportStamp) -> [(label: String, text: String)] {
        var lines: [(label: String, text: String)] = [
            ("Period", "\(r.from) to \(r.through), calendar days in \(r.zone.displayName); an hourly row counts on the "
                + "day its START_TIME falls in."),
            ("Rates", (r.rateCardID.map { "rate card \($0)" } ?? "override")
                + "; always on = nodes × hours in the day the pool existed × credits per node-hour."),
        ]
        for p in r.pools {
            if let rate = p.creditsPerNodeHour, let shape = p.shape {
                lines.append(("Rate of \(p.pool)", "\(QuantityFormat.exact(rate)) credits per node-hour "
                    + "(\(p.rateSource ?? "")); \(shape.family.name) × \(shape.nodes) from \(p.shapeSource ?? ""); "
                    + "existed \(p.lifetime.summary)."))
            } else {
                lines.append(("Rate of \(p.pool)", "unknown: no instance family (pass --pool \(p.pool)=FAMILY[:NODES]); "
                    + "metered cost priced, always-on and plan baselines left out."))
            }
        }
        if let plan = r.plan {
            lines.append(("Plan", "\(plan.summary) (\(q(plan.nominalHoursPerDay)) h a day on those weekdays)."))
        }
        for run in r.priceRuns { lines.append(("Credit price", priceRunText(run) + ".")) }
        if r.priceRuns.isEmpty { lines.append(("Credit price", "no day priced.")) }
        lines.append(("Price order", CreditPriceSchedule.orderDescription + "."))
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

    /// The rounding rule with the presentation currency's minor units.
    static func roundingText(_ r: SavingsReport) -> String {
        "\(MoneyFormat.ruleDescription) (\(r.currency.code) \(r.currency.minorUnits))"
    }

    /// The stamp columns every CSV row ends with, so a row copied elsewhere still says where it came from.
    static func stampColumns(_ r: SavingsReport, stamp: ReportStamp) -> [(header: String, value: String)] {
        [
            ("rate_card", r.rateCardID ?? "override"),
            ("credit_prices", r.priceRuns.map(priceRunText).joined(separator: "; ")),
            ("price_order", CreditPriceSchedule.orderDescription),
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
    /// Sections: `summary`, `difference_by_cause`, `top_pools`, `month`, `provisional`, `rounding` (a table's
    /// rounding line: the cost is the total rounded once minus its rows rounded once), `check` (nightly), `bill_check`,
    /// `warning`.
    static func summaryCSV(_ r: SavingsReport, stamp: ReportStamp) -> String {
        let s = FinanceSummary(r)
        let cur = r.currency.code
        var t = TextTable(header: ["section", "item", "pool", "label", "credits", "cost_\(cur)", "percent", "days", "note"])
        func row(_ section: String, _ item: String, _ pool: String, _ label: String, _ sum: ChargeSum?,
                 cost: Money? = nil, percent p: Decimal? = nil, days: Int? = nil, note: String = "") {
            t.rows.append([section, item, pool, label, sum.map { q($0.quantity) } ?? "",
                           (cost ?? sum?.amount).map { money($0, machine: true) } ?? "",
                           p.map(percent) ?? "", days.map(String.init) ?? "", note])
        }
        for f in s.figures {
            let note = f.key == "difference" && !s.poolsWithoutEstimate.isEmpty
                ? "pools without an estimate: " + s.poolsWithoutEstimate.joined(separator: ", ") : ""
            row("summary", f.key, "", f.label, f.sum, percent: f.percent,
                note: f.percentOf.map { "percent of \($0)" + (note.isEmpty ? "" : "; " + note) } ?? note)
        }
        for d in s.differences {
            for c in d.causes { row("difference_by_cause", c.cause.rawValue, d.pool, c.cause.label, c.sum) }
            if let b = causeRounding(d) {
                row("difference_by_cause", "rounding", d.pool, "Rounding", nil, cost: b.difference,
                    note: "the difference rounded once minus the causes rounded once")
            }
            row("difference_by_cause", "total", d.pool, "Difference (metered minus estimate)", d.difference)
        }
        for p in s.topPools {
            row("top_pools", String(p.rank), p.pool, "Metered", p.sum, percent: p.share, note: "percent of metered")
        }
        if let f = s.forecast {
            let n = s.provisionalDatesInMonth
            let note = n == 0 ? "" : "; includes \(n) provisional day\(n == 1 ? "" : "s")"
            row("month", "month_to_date", "", "Month to date (\(f.monthStart) to \(monthToDateEnd(f)))",
                f.monthToDate, days: f.daysElapsed, note: "days of \(month(f)) covered" + note)
            row("month", "forecast_month_end", "", "Month-end forecast (\(month(f)))", f.forecast,
                days: f.daysInMonth, note: f.basis)
        }
        row("provisional", "provisional_days", "", "Metered on provisional days", s.provisional,
            days: s.provisionalDates.count, note: dateList(s.provisionalDates))
        for (l, sentence) in zip(s.roundingLines, s.roundingSentences) {
            row("rounding", "\(l.table).\(l.column)", "", "Rounding", nil, cost: l.breakdown.difference, note: sentence)
        }
        for c in r.checks {
            row("check", c.check.rawValue, "", c.failed ? "ALERT" : "ok", nil, note: c.message)
        }
        if let b = r.billCheck {
            for (cause, m) in b.totalsByCause.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                t.rows.append(["bill_check", cause.rawValue, "", "Billed minus ledger: \(cause.rawValue)", "",
                               ExactDecimal.text(m.amount), "", "", "\(m.currency.code), exact"])
            }
        }
        for w in r.warnings { row("warning", "warning", "", "Warning", nil, note: w) }
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
        if !r.checks.isEmpty {
            out += "\n### Nightly checks\n\n" + checksTable(r).markdown()
        }
        if !s.differences.isEmpty {
            out += "\n### Difference from the estimate by cause\n\n" + causesTable(s, r).markdown()
        }
        out += "\n### Top pools by metered cost\n\n"
        out += s.topPools.isEmpty ? "No pool has metered usage in the period.\n" : topPoolsTable(s, r).markdown()
        if let f = s.forecast {
            out += "\n### Month to date and forecast\n\n" + monthTable(f, r).markdown()
            out += "\nBasis: \(f.basis).\n"
            if let note = forecastProvisionalNote(s) { out += "\n\(note)\n" }
        }
        out += "\n### Provisional days\n\n\(provisionalSentence(s, r))\n"
        if let b = r.billCheck {
            out += "\n### Bill check (USAGE_IN_CURRENCY_DAILY)\n\n"
            out += "The ledger's SPCS amount per day against what Snowflake bills, in \(b.currency.code) before FX; "
                + "billed minus ledger "
                + "\(MoneyFormat.withCode(b.billedTotal - b.ledgerTotal)) over \(b.days.count) day"
                + "\(b.days.count == 1 ? "" : "s").\n\n"
            out += billCheckTable(b).markdown()
            for w in b.warnings { out += "\n\(w).\n" }
        }
        if !s.roundingLines.isEmpty {
            out += "\n### Rounding lines\n\n"
            for sentence in s.roundingSentences { out += "- \(sentence).\n" }
        }
        out += "\n## Per pool\n\n" + poolsTable(r, machine: false).markdown()
        out += "\n## Per day\n\n" + daysTable(r, machine: false).markdown()
        out += "\n## Stamp\n\n"
        for line in stampLines(r, stamp: stamp) {
            out += line.label == "Command" ? "- \(line.label): `\(line.text)`\n" : "- \(line.label): \(line.text)\n"
        }
        return out
    }

    /// `Credits are priced at Standard, 2.85 USD per credit, at 150 JPY per USD; …` in one sentence, or a pointer
    /// to the stamp when the period has several prices.
    static func pricedAt(_ r: SavingsReport) -> String {
        let tail = "each amount is rounded once, half-even, to \(r.currency.minorUnits) decimal"
            + "\(r.currency.minorUnits == 1 ? "" : "s")."
        guard r.priceRuns.count == 1, let run = r.priceRuns.first else {
            return "Credits are priced per UTC day (\(r.priceRuns.count) prices, listed in the stamp); " + tail
        }
        let p = run.rate.unitPrice.price
        let fx = run.rate.fx
        let fxText = fx.base == fx.quote ? "" : ", at \(ExactDecimal.text(fx.rate)) \(fx.quote.code) per \(fx.base.code)"
        return "Credits are priced at \(p.label), \(MoneyFormat.price(p.price)) \(p.price.currency.code) "
            + "per credit\(fxText); " + tail
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

        init(_ sum: ChargeSum, label: String? = nil, percent p: Decimal? = nil, of: String? = nil) {
            credits = QuantityFormat.quantity(sum.quantity)
            currency = sum.amount.currency.code
            amount = MoneyFormat.exact(sum.amount)
            rounded = MoneyFormat.plain(sum.amount)
            self.label = label
            percent = p.map(SavingsReportWriter.percent)
            percentOf = p == nil ? nil : of
        }
    }

    struct MoneyJSON: Encodable {
        let currency: String
        let amount: String
        let rounded: String

        init(_ m: Money) {
            currency = m.currency.code
            amount = MoneyFormat.exact(m)
            rounded = MoneyFormat.plain(m)
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
        let rounding: MoneyJSON?
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

    struct RoundingJSON: Encodable {
        let table: String
        let column: String
        let sumOfRoundedRows: MoneyJSON
        let total: MoneyJSON
        let rounding: MoneyJSON
    }

    struct CheckJSON: Encodable {
        let check: String
        let failed: Bool
        let message: String
    }

    struct BillDayJSON: Encodable {
        let date: String
        let account: String
        let ledgerCredits: String
        let billedCredits: String
        let ledger: MoneyJSON
        let billed: MoneyJSON
        let difference: MoneyJSON
        let causes: [String: String]
    }

    struct BillCheckJSON: Encodable {
        let currency: String
        let ledger: MoneyJSON
        let billed: MoneyJSON
        let byCause: [String: String]
        let days: [BillDayJSON]
        let unbilledDays: [String]
        let warnings: [String]
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
        let poolsWithoutFamily: [String]?
        let alwaysOn: AmountJSON
        let savedVsAlwaysOn: AmountJSON
        let plan: AmountJSON?
        let savedVsPlan: AmountJSON?
        let differenceByCause: [PoolDifferenceJSON]?
        let topPools: [TopPoolJSON]
        let month: MonthJSON?
        let provisional: ProvisionalJSON
        let roundingLines: [RoundingJSON]
        let checks: [CheckJSON]?
        let billCheck: BillCheckJSON?
    }

    struct PoolJSON: Encodable {
        let pool: String
        let family: String?
        let nodes: Int?
        let shapeSource: String?
        let creditsPerNodeHour: String?
        let rateSource: String?
        let lifetime: String
        let metered: AmountJSON
        let estimated: AmountJSON?
        let difference: AmountJSON?
        let alwaysOnNodeHours: String?
        let alwaysOn: AmountJSON?
        let planNodeHours: String?
        let plan: AmountJSON?
        let savedVsAlwaysOn: AmountJSON?
        let savedVsPlan: AmountJSON?
    }

    struct DayJSON: Encodable {
        let date: String
        let pool: String
        let provisional: Bool
        let restated: Bool
        let dayHours: String
        let meteredHours: Int
        let metered: AmountJSON
        let estimated: AmountJSON?
        let difference: AmountJSON?
        let alwaysOnNodeHours: String?
        let alwaysOn: AmountJSON?
        let planNodeHours: String?
        let plan: AmountJSON?
        let savedVsAlwaysOn: AmountJSON?
    }

    struct PriceRunJSON: Encodable {
        let from: String
        let through: String
        let edition: String
        let price: String
        let currency: String
        let source: String
        let basis: String
        let overage: Bool
        let fx: FxJSON
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
        let creditPrices: [PriceRunJSON]
        let priceOrder: String
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

    /// The JSON report: `financeSummary` (with `roundingLines`, nightly `checks` and the `billCheck`), `perPool`,
    /// `perDay`, `stamp` and `warnings`; keys sorted (``JSONText``), credits as decimal strings, every amount as
    /// `amount` (exact) and `rounded` (once, by ``MoneyFormat``).
    public static func json(_ r: SavingsReport, stamp: ReportStamp) -> String {
        let s = FinanceSummary(r)
        func figure(_ key: String) -> AmountJSON? {
            s.figure(key).map { AmountJSON($0.sum, label: $0.label, percent: $0.percent, of: $0.percentOf) }
        }
        let summary = SummaryJSON(
            from: r.from.description, through: r.through.description, timeZone: r.zone.displayName,
            currency: r.currency.code,
            metered: figure("metered")!, estimated: figure("estimated"), difference: figure("difference"),
            poolsWithoutEstimate: s.poolsWithoutEstimate.isEmpty ? nil : s.poolsWithoutEstimate,
            poolsWithoutFamily: r.poolsWithoutShape.isEmpty ? nil : r.poolsWithoutShape,
            alwaysOn: figure("always_on")!, savedVsAlwaysOn: figure("saved_vs_always_on")!,
            plan: figure("plan"), savedVsPlan: figure("saved_vs_plan"),
            differenceByCause: s.differences.isEmpty ? nil : s.differences.map { d in
                PoolDifferenceJSON(pool: d.pool, metered: AmountJSON(d.metered), estimated: AmountJSON(d.estimated),
                                   difference: AmountJSON(d.difference),
                                   byCause: d.causes.map {
                                       CauseJSON(cause: $0.cause.rawValue, label: $0.cause.label,
                                                 difference: AmountJSON($0.sum))
                                   },
                                   rounding: causeRounding(d).map { MoneyJSON($0.difference) })
            },
            topPools: s.topPools.map {
                TopPoolJSON(rank: $0.rank, pool: $0.pool, metered: AmountJSON($0.sum, percent: $0.share, of: "metered"))
            },
            month: s.forecast.map { f in
                MonthJSON(month: month(f), from: f.monthStart.description, through: monthToDateEnd(f).description,
                          daysElapsed: f.daysElapsed, daysInMonth: f.daysInMonth,
                          monthToDate: AmountJSON(f.monthToDate), forecast: AmountJSON(f.forecast),
                          basis: f.basis, provisionalDays: s.provisionalDatesInMonth)
            },
            provisional: ProvisionalJSON(count: s.provisionalDates.count, dates: s.provisionalDates.map(\.description),
                                         metered: AmountJSON(s.provisional)),
            roundingLines: s.roundingLines.map {
                RoundingJSON(table: $0.table, column: $0.column, sumOfRoundedRows: MoneyJSON($0.breakdown.sumOfRoundedLines),
                             total: MoneyJSON($0.breakdown.total), rounding: MoneyJSON($0.breakdown.difference))
            },
            checks: r.checks.isEmpty ? nil : r.checks.map { CheckJSON(check: $0.check.rawValue, failed: $0.failed, message: $0.message) },
            billCheck: r.billCheck.map { b in
                BillCheckJSON(
                    currency: b.currency.code, ledger: MoneyJSON(b.ledgerTotal), billed: MoneyJSON(b.billedTotal),
                    byCause: Dictionary(uniqueKeysWithValues: b.totalsByCause.map { ($0.key.rawValue, ExactDecimal.text($0.value.amount)) }),
                    days: b.days.map { d in
                        BillDayJSON(date: d.day.description, account: d.account, ledgerCredits: q(d.ledgerCredits),
                                    billedCredits: q(d.billedCredits), ledger: MoneyJSON(d.ledgerAmount),
                                    billed: MoneyJSON(d.billedAmount), difference: MoneyJSON(d.difference),
                                    causes: Dictionary(uniqueKeysWithValues: d.causes.map { ($0.key.rawValue, ExactDecimal.text($0.value.amount)) }))
                    },
                    unbilledDays: b.unbilledDays.map(\.description), warnings: b.warnings)
            })
        let pools = r.pools.map { p in
            PoolJSON(pool: p.pool, family: p.shape?.family.name, nodes: p.shape?.nodes, shapeSource: p.shapeSource,
                     creditsPerNodeHour: p.creditsPerNodeHour.map(QuantityFormat.exact), rateSource: p.rateSource,
                     lifetime: p.lifetime.summary,
                     metered: AmountJSON(p.metered), estimated: p.estimated.map { AmountJSON($0) },
                     difference: p.estimated.map { AmountJSON(p.metered - $0) },
                     alwaysOnNodeHours: p.alwaysOnNodeHours.map(q), alwaysOn: p.alwaysOn.map { AmountJSON($0) },
                     planNodeHours: p.planNodeHours.map(q), plan: p.plan.map { AmountJSON($0) },
                     savedVsAlwaysOn: p.savedVsAlwaysOn.map { AmountJSON($0) },
                     savedVsPlan: p.savedVsPlan.map { AmountJSON($0) })
        }
        let days = r.days.map { d in
            DayJSON(date: d.date.description, pool: d.pool, provisional: d.provisional, restated: d.restated,
                    dayHours: q(d.dayHours), meteredHours: d.meteredHours, metered: AmountJSON(d.metered),
                    estimated: d.estimated.map { AmountJSON($0) },
                    difference: d.estimated.map { AmountJSON(d.metered - $0) },
                    alwaysOnNodeHours: d.alwaysOnNodeHours.map(q), alwaysOn: d.alwaysOn.map { AmountJSON($0) },
                    planNodeHours: d.planNodeHours.map(q), plan: d.plan.map { AmountJSON($0) },
                    savedVsAlwaysOn: d.alwaysOn.map { AmountJSON($0 - d.metered) })
        }
        let stampJSON = StampJSON(
            from: r.from.description, through: r.through.description, timeZone: r.zone.displayName,
            dayRule: "calendar days in \(r.zone.displayName); an hourly row counts on the day its START_TIME falls in",
            rateCard: r.rateCardID ?? "override",
            plan: r.plan.map { PlanJSON(summary: $0.summary, hoursPerDay: q($0.nominalHoursPerDay)) },
            creditPrices: r.priceRuns.map { run in
                let p = run.rate.unitPrice
                return PriceRunJSON(from: run.from.description, through: run.through.description,
                                    edition: p.price.label, price: MoneyFormat.price(p.price.price),
                                    currency: p.price.price.currency.code, source: p.price.source.withoutCarryNoteText,
                                    basis: p.basis.key, overage: p.overage,
                                    fx: FxJSON(base: run.rate.fx.base.code, quote: run.rate.fx.quote.code,
                                               rate: ExactDecimal.text(run.rate.fx.rate),
                                               source: run.rate.fx.source.withoutCarryNoteText,
                                               date: run.rate.fx.date?.description))
            },
            priceOrder: CreditPriceSchedule.orderDescription,
            dataSha256: r.dataChecksum, dataRows: r.rowCount, rounding: MoneyFormat.ruleDescription,
            currency: r.currency.code, currencyMinorUnits: r.currency.minorUnits,
            toolVersion: stamp.toolVersion, commandLine: stamp.commandLine)
        return JSONText.encode(DocumentJSON(financeSummary: summary, perPool: pools, perDay: days, stamp: stampJSON,
                                            warnings: r.warnings))
    }
}
