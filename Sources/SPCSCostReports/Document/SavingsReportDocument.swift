import Foundation
import SPCSCostCore

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
/// forecast, the provisional days, and the rounding lines of every table. ``SavingsReportDocument`` turns it into the
/// report's ``Document``.
struct FinanceSummary {
    /// A headline figure: credits and their exact cost from the ledger.
    struct Figure {
        /// Machine key: `metered`, `estimated`, `difference`, `always_on`, `saved_vs_always_on` (or
        /// `over_always_on`), `plan`, `saved_vs_plan` (or `over_plan`).
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
        /// Machine key of the table: `pools` or `days`.
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
            figures.append(Figure(key: "estimated", label: "Estimate", sum: estimated))
            figures.append(Figure(key: "difference",
                                  label: partial ? "Difference (metered minus estimate, pools with an estimate)"
                                      : "Difference (metered minus estimate)",
                                  sum: difference, percentOf: ("the estimate", estimated)))
            poolsWithoutEstimate = r.pools.filter { $0.estimated == nil }.map(\.pool)
            if let planned = r.plannedStorage, let metered = r.meteredStorage, let withStorage = r.estimatedWithStorage {
                // Storage bills in dollars, also while suspended: both sides with it (README "Planned storage").
                figures.append(Figure(key: "planned_storage", label: "Planned block storage and snapshots",
                                      sum: ChargeSum(quantity: 0, amount: planned)))
                figures.append(Figure(key: "metered_storage",
                                      label: "Metered block storage and snapshots (pools that plan storage)",
                                      sum: ChargeSum(quantity: 0, amount: metered)))
                figures.append(Figure(key: "estimated_with_storage", label: "Estimate with planned storage",
                                      sum: withStorage))
                figures.append(Figure(key: "difference_with_storage",
                                      label: "Difference with storage (metered minus estimate, both with storage)",
                                      sum: r.meteredWithStorage - withStorage, percentOf: ("the estimate with storage", withStorage)))
            }
        } else {
            poolsWithoutEstimate = []
        }
        let alwaysOn = r.alwaysOn
        let withoutShape = r.poolsWithoutShape
        let label = withoutShape.isEmpty ? "" : " (pools with a known family)"
        figures.append(Figure(key: "always_on", label: "Always on\(label)", sum: alwaysOn))
        figures.append(Self.savedOrOver(baseline: "always_on", words: "always on", baselineSum: alwaysOn,
                                        metered: r.meteredWithShape, suffix: label))
        if let plan = r.planTotal {
            figures.append(Figure(key: "plan", label: "Plan\(label)", sum: plan))
            figures.append(Self.savedOrOver(baseline: "plan", words: "the plan", baselineSum: plan,
                                            metered: r.meteredWithShape, suffix: label))
        }
        if let tasks = r.tasks, let net = r.netSavedVsAlwaysOn {
            figures.append(Figure(key: "task_credits",
                                  label: "Scheduling tasks (warehouse and serverless credits of the tasks that suspend and "
                                      + "resume the pools)", sum: tasks.total))
            if net.amount.amount < 0 {
                figures.append(Figure(key: "net_over_always_on",
                                      label: "Net over always on (metered plus the tasks' credits minus always on)\(label)",
                                      sum: ChargeSum.zero(r.currency) - net, percentOf: ("always on", alwaysOn)))
            } else {
                figures.append(Figure(key: "net_saved_vs_always_on",
                                      label: "Net saving against always on (saved minus the tasks' credits)\(label)",
                                      sum: net, percentOf: ("always on", alwaysOn)))
            }
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
        func check(_ table: String, _ tableWords: String, _ column: String, _ columnWords: String,
                   _ lines: some Sequence<Money>, _ total: Money) {
            // The rows' rounded sum, read as they come (a year's rows are not copied).
            guard let rounded = RoundedBreakdown.sumOfRounded(lines, currency: total.currency) else { return }
            // Kept as its sum of rounded rows and total only (a year's rows are not kept twice).
            let sum = RoundedBreakdown(lines: [rounded], exactTotal: total)
            if sum.difference.amount != 0 {
                rounding.append(RoundingLine(table: table, column: column, label: "\(tableWords), \(columnWords)",
                                             breakdown: sum))
            }
        }
        check("pools", "Per pool", "metered", "metered cost", r.pools.map(\.metered.amount), r.metered.amount)
        check("days", "Per day", "metered", "metered cost", r.days.lazy.map(\.metered.amount), r.metered.amount)
        if let e = r.estimated {
            check("pools", "Per pool", "estimated", "estimated cost", r.pools.compactMap { $0.estimated?.amount }, e.amount)
            check("days", "Per day", "estimated", "estimated cost", r.days.lazy.compactMap { $0.estimated?.amount }, e.amount)
        }
        check("pools", "Per pool", "always_on", "always-on cost", r.pools.compactMap { $0.alwaysOn?.amount }, alwaysOn.amount)
        check("days", "Per day", "always_on", "always-on cost", r.days.lazy.compactMap { $0.alwaysOn?.amount }, alwaysOn.amount)
        if let plan = r.planTotal {
            check("pools", "Per pool", "plan", "plan cost", r.pools.compactMap { $0.plan?.amount }, plan.amount)
            check("days", "Per day", "plan", "plan cost", r.days.lazy.compactMap { $0.plan?.amount }, plan.amount)
        }
        roundingLines = rounding
    }

    /// What metered cost against a baseline, in words a finance reader uses: `saved_vs_<baseline>` "Saved against
    /// <words> (<words> minus metered)" when metered is at or under the baseline, else an overspend,
    /// `over_<baseline>` "Over <words> (metered minus <words>)", a positive amount. The percentage is of the baseline.
    static func savedOrOver(baseline: String, words: String, baselineSum: ChargeSum, metered: ChargeSum,
                            suffix: String) -> Figure {
        let saved = baselineSum - metered
        let plain = words.hasPrefix("the ") ? String(words.dropFirst(4)) : words
        if saved.amount.amount < 0 {
            return Figure(key: "over_\(baseline)", label: "Over \(words) (metered minus \(plain))\(suffix)",
                          sum: metered - baselineSum, percentOf: (words, baselineSum))
        }
        return Figure(key: "saved_vs_\(baseline)", label: "Saved against \(words) (\(plain) minus metered)\(suffix)",
                      sum: saved, percentOf: (words, baselineSum))
    }

    /// The headline figure with `key`, if the report has it.
    func figure(_ key: String) -> Figure? { figures.first { $0.key == key } }
}

extension Document {
    /// The report's files are named `spcs-cost-report_<from>_<through>` plus the format's suffix.
    public static func savingsReportFileBase(_ r: SavingsReport) -> String { "spcs-cost-report_\(r.from)_\(r.through)" }

    /// The savings report as one document: the headline figures for finance, the nightly checks, the rounding
    /// lines, the difference from the estimate by cause, the top pools, month to date and forecast, the provisional
    /// days, the bill check, a chart per pool, the per-pool and per-day tables, and the stamp. Amounts stay exact.
    ///
    /// `detail` chooses the body's tables (``ReportDetail``); `hours` is the per-pool, per-hour table that
    /// ``ReportDetail/hour`` adds (``Document/hourlyTable(currency:source:)``), nil for the other levels.
    public static func savingsReport(_ r: SavingsReport, stamp: ReportStamp, detail: ReportDetail = .day,
                                     hours: Table? = nil) -> Document {
        SavingsReportDocument(r, stamp: stamp, detail: detail, hours: hours).document
    }

    /// The per-pool, per-hour table of ``ReportDetail/hour`` (id `hours`): `date` (the hour's calendar day in the
    /// report's zone), `hour_start_utc` (`2024-04-01T01:00:00Z`), `pool`, `credits` (the hour's CREDITS_USED,
    /// exact) and `cost_<CUR>` (priced at the price and FX of the hour's UTC day, exact until shown), by pool then
    /// hour; its rows come from `source` (one row per metered hour, streamed).
    public static func hourlyTable(currency: Currency, source: RowSource) -> Table {
        Table(id: "hours", title: "Per hour", columns: [
            .init(key: "date", label: "Date", kind: .date),
            .init(key: "hour_start_utc", label: "Hour start (UTC)", kind: .text),
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "cost_\(currency.code)", label: "Cost (\(currency.code))", kind: .money(currency)),
        ], source: source)
    }
}

/// How much detail a savings report's document carries (`--detail`): each level adds to the one before.
public enum ReportDetail: String, CaseIterable, Sendable, Comparable {
    /// The summary for finance only: headline figures, checks, rounding lines, the difference by cause, top pools,
    /// month to date, provisional days and the bill check.
    case summary
    /// The summary and the per-pool table.
    case pool
    /// The summary, the per-pool table, a chart per pool and the per-day table (the default: what `report` and
    /// `nightly` always wrote).
    case day
    /// Everything of `day` and a per-pool, per-hour table read from the cache's hourly rows.
    case hour

    /// Levels in the order above.
    public static func < (a: ReportDetail, b: ReportDetail) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Builds the ``Document`` of a ``SavingsReport`` (see ``Document/savingsReport(_:stamp:)``).
struct SavingsReportDocument {
    let r: SavingsReport
    let s: FinanceSummary
    let stamp: ReportStamp
    let detail: ReportDetail
    let hours: Table?
    var cur: String { r.currency.code }

    init(_ r: SavingsReport, stamp: ReportStamp, detail: ReportDetail = .day, hours: Table? = nil) {
        self.r = r
        s = FinanceSummary(r)
        self.stamp = stamp
        self.detail = detail
        self.hours = hours
    }

    var document: Document {
        var notes = ["Calendar days in \(r.zone.displayName). \(pricedAt) The stamp at the end says how to reproduce "
            + "this report."]
        notes += baselineDefinitions
        if !s.poolsWithoutEstimate.isEmpty {
            notes.append("Pools without an estimate (left out of the difference): "
                + s.poolsWithoutEstimate.joined(separator: ", ") + ".")
        }
        // Rounding lines only for the tables the document carries.
        var rounding = s.roundingLines.filter {
            ($0.table != "pools" || detail >= .pool) && ($0.table != "days" || detail >= .day)
        }.map {
            Document.RoundingLine(table: $0.table, column: $0.column, label: $0.label, breakdown: $0.breakdown)
        }
        for d in s.differences {
            if let b = Self.causeRounding(d) {
                rounding.append(.init(table: "difference_by_cause", column: d.pool,
                                      label: "Difference by cause of \(d.pool)", breakdown: b))
            }
        }
        var sections: [Document.Section] = []
        if !s.differences.isEmpty {
            sections.append(.init(id: "difference_by_cause", title: "Difference from the estimate by cause", level: 2,
                                  blocks: [.table(causesTable)]))
        }
        sections.append(.init(id: "top_pools", title: "Top pools by metered cost", level: 2,
                              blocks: [s.topPools.isEmpty ? .paragraph("No pool has metered usage in the period.")
                                  : .table(topPoolsTable)]))
        if let f = s.forecast {
            var blocks: [Document.Block] = [.table(monthTable(f)), .paragraph("Basis: \(f.basis).")]
            if let note = forecastProvisionalNote { blocks.append(.paragraph(note)) }
            sections.append(.init(id: "month", title: "Month to date and forecast", level: 2, blocks: blocks))
        }
        sections.append(.init(id: "provisional", title: "Provisional days", level: 2,
                              blocks: [.paragraph(provisionalSentence)]))
        if let b = r.billCheck {
            var blocks: [Document.Block] = [
                .paragraph("The ledger's SPCS amount per day against what Snowflake bills, in \(b.currency.code) "
                    + "before FX; billed minus ledger \(MoneyFormat.withCode(b.billedTotal - b.ledgerTotal)) over "
                    + "\(b.days.count) day\(b.days.count == 1 ? "" : "s")."),
                .table(billCheckTable(b)),
            ]
            for w in b.warnings { blocks.append(.paragraph("\(w).")) }
            if !b.unbilledDays.isEmpty {
                blocks.append(.paragraph("Days with ledger usage but no billed row: "
                    + b.unbilledDays.map(\.description).joined(separator: ", ") + "."))
            }
            blocks.append(.table(billCausesTable(b)))
            sections.append(.init(id: "bill_check", title: "Bill check (USAGE_IN_CURRENCY_DAILY)", level: 2,
                                  blocks: blocks))
        }
        if !r.storageAgainstPlan.isEmpty {
            sections.append(.init(id: "planned_storage", title: "Block storage and snapshots against the plan", level: 2,
                                  blocks: [.table(StorageAgainstPlanTables.pools(r.storageAgainstPlan, currency: r.currency)),
                                           .paragraph(StorageAgainstPlanTables.method)]))
        }
        if let tasks = r.tasks {
            let b = RoundedBreakdown(lines: tasks.lines.map(\.sum.amount), exactTotal: tasks.total.amount)
            if b.difference.amount != 0 {
                rounding.append(.init(table: "tasks", column: "cost_\(cur)", label: "Scheduling tasks, cost", breakdown: b))
            }
            sections.append(.init(id: "tasks", title: "Scheduling tasks", level: 2, blocks: [
                .paragraph("\(tasks.runs) run\(tasks.runs == 1 ? "" : "s") of tasks that suspend or resume pools (QUERY_TEXT "
                    + "with ALTER COMPUTE POOL or ALTER SERVICE ... SUSPEND|RESUME, or a CALL of a procedure whose name or "
                    + "arguments say SUSPEND or RESUME). Each warehouse hour's credits are shared among the task runs on "
                    + "that warehouse by their seconds in the hour, each run counted until "
                    + (tasks.pulledTails.isEmpty
                        ? "\(tasks.tailSeconds) s after it completed (the CREATE WAREHOUSE default AUTO_SUSPEND)"
                        : "its warehouse's AUTO_SUSPEND after it completed (SHOW WAREHOUSES as last pulled: "
                            + tasks.pulledTails.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) s" }
                                .joined(separator: ", ")
                            + "; \(tasks.tailSeconds) s, the CREATE WAREHOUSE default, for any other)")
                    + "; queries outside tasks are not seen. "
                    + "Serverless tasks' credits are their own. Each run's part goes to the pools it acted on (ALTER "
                    + "COMPUTE POOL, or the pool of the service or procedure the setup SQL of --from-sql resolves; split "
                    + "evenly when it acted on several); a serverless task's credits go to its runs' pools by the number "
                    + "of runs; runs whose pool cannot be told stay on the account line, \"(account)\". Priced at the "
                    + "day's credit price, like compute."),
                .table(tasksTable(tasks)),
            ]))
        }
        if let w = r.wholeBill {
            let lines = w.lines
            let b = RoundedBreakdown(lines: lines.dropLast().map(\.amount), exactTotal: w.total)
            if b.difference.amount != 0 {
                rounding.append(.init(table: "whole_bill", column: "cost_\(cur)", label: "The whole bill, cost", breakdown: b))
            }
            var blocks: [Document.Block] = [
                .paragraph("Compute and the credits of the tasks that suspend and resume the pools (task warehouses and "
                    + "serverless tasks, as in \"Scheduling tasks\"), over the period, each account's credits at its "
                    + "credit price of the UTC day, with the parts Snowflake bills in currency: block storage "
                    + "and snapshots (Service Consumption Table, Table 3(c)) and SPCS data transfer (Tables 4(a)-(c)) "
                    + "less the daily adjustment (the lower of the day's SPCS transfer and 10 % of its SPCS compute), "
                    + (w.days.map { "priced per UTC day from \($0.lowerBound) to \($0.upperBound)." }
                        ?? "which cover whole UTC days only, and the period holds none.")),
                .table(wholeBillTable(lines)),
            ]
            for n in w.notes { blocks.append(.paragraph(n)) }
            sections.append(.init(id: "whole_bill", title: "The whole bill", level: 2, blocks: blocks))
        }
        if let by = r.groupedBy {
            let b = RoundedBreakdown(lines: r.groups.map(\.metered.amount), exactTotal: r.metered.amount)
            if b.difference.amount != 0 {
                rounding.append(.init(table: "by_\(by.rawValue)", column: "metered_cost_\(cur)",
                                      label: "By \(by.rawValue), metered cost", breakdown: b))
            }
            if let w = r.wholeBill {
                let wb = RoundedBreakdown(lines: r.groups.map(\.wholeBill), exactTotal: w.total)
                if wb.difference.amount != 0 {
                    rounding.append(.init(table: "by_\(by.rawValue)", column: "whole_bill_cost_\(cur)",
                                          label: "By \(by.rawValue), whole bill", breakdown: wb))
                }
            }
            sections.append(.init(id: "by_\(by.rawValue)", title: "By \(by.rawValue)", level: 1,
                                  blocks: [.table(groupsTable(by))]))
        }
        if let u = r.usage {
            let total = u.lines.reduce(ChargeSum.zero(r.currency)) { $0 + $1.usage }
            let b = RoundedBreakdown(lines: u.lines.map(\.usage.amount), exactTotal: total.amount)
            if b.difference.amount != 0 {
                rounding.append(.init(table: "who_used_it", column: "cost_\(cur)", label: "Who used it, cost", breakdown: b))
            }
            var blocks: [Document.Block] = [
                .paragraph("The period's metered credits by who used them: each notebook and its user "
                    + "(NOTEBOOKS_CONTAINER_RUNTIME_HISTORY), each native application (by APPLICATION_ID, with the last "
                    + "name seen), the share of a notebook pool that no notebook used (idle), and the other services of "
                    + "the pools. Priced by the ledger at each hour's UTC day."),
                .table(whoUsedItTable(u)),
            ]
            for w in u.warnings { blocks.append(.paragraph("\(w).")) }
            sections.append(.init(id: "who_used_it", title: "Who used it", level: 1, blocks: blocks))
        }
        if detail >= .day {
            // The days of each pool, in date order (the report's days are by date, then pool), by index.
            var daysOfPool: [String: [Int]] = [:]
            for (i, d) in r.days.enumerated() { daysOfPool[d.pool, default: []].append(i) }
            sections.append(.init(id: "charts", title: "Daily credits per pool", level: 1,
                                  blocks: r.pools.map { .chart(chart($0, days: daysOfPool[$0.pool] ?? [])) }))
        }
        if detail >= .pool {
            sections.append(.init(id: "pools", title: "Per pool", level: 1, blocks: [.table(poolsTable)]))
            sections.append(.init(id: "pools_detail", title: "Per pool: the credits and node-hours behind the costs",
                                  level: 2, blocks: [.table(poolsDetailTable)]))
        }
        if detail >= .day {
            sections.append(.init(id: "days", title: "Per day", level: 1, blocks: [.table(daysTable)]))
        }
        if detail >= .day, !r.storageAgainstPlan.isEmpty {
            sections.append(.init(id: "planned_storage_days", title: "Block storage and snapshots against the plan, per day",
                                  level: 1, blocks: [.table(StorageAgainstPlanTables.days(r.storageAgainstPlan,
                                                                                         currency: r.currency))]))
        }
        if detail >= .day, let w = r.wholeBill, !w.rows.isEmpty {
            sections.append(.init(id: "whole_bill_lines", title: "The whole bill per UTC day", level: 1,
                                  blocks: [.table(wholeBillLinesTable(w))]))
        }
        if detail >= .hour, let hours {
            sections.append(.init(id: "hours", title: "Per hour", level: 1, blocks: [.table(hours)]))
        }
        return Document(
            kind: "report", fileBase: Document.savingsReportFileBase(r),
            title: "SPCS usage and savings: \(r.from) to \(r.through)", stamp: documentStamp,
            warnings: r.warnings, notes: notes, figuresTitle: "Summary for finance",
            figures: s.figures.map { f in
                // Storage is billed in currency: its figures have no credits.
                Document.Figure(key: f.key, label: f.label,
                                credits: f.key == "planned_storage" || f.key == "metered_storage" ? nil : f.credits,
                                amount: f.sum.amount,
                                percent: f.percent, percentOf: f.percentOf,
                                note: f.key == "difference" && !s.poolsWithoutEstimate.isEmpty
                                    ? "pools without an estimate: " + s.poolsWithoutEstimate.joined(separator: ", ") : "",
                                emphasis: f.key == "metered" || f.key == "saved_vs_always_on"
                                    || f.key == "over_always_on" || f.key == "net_saved_vs_always_on"
                                    || f.key == "net_over_always_on")
            },
            currency: r.currency,
            checks: r.checks.map { Document.Check(key: $0.check.rawValue, failed: $0.failed, message: $0.message) },
            roundingLines: rounding, sections: sections)
    }

    // MARK: - Tables

    /// A column whose label is the key for people: `metered_cost_JPY` → `Metered cost (JPY)`.
    static func column(_ key: String, _ kind: ColumnKind, detail: Bool = false) -> Table.Column {
        .init(key: key, label: humanize(key), kind: kind, detail: detail)
    }

    /// Credits and cost columns: `<prefix>_credits`, `<prefix>_cost_<CUR>` (or `<prefix>_<CUR>` for savings).
    /// The credits column is a detail (CSV, JSON and xlsx keep it exact; the per-pool detail table shows it for
    /// people), so the tables people read show money; a saving is labelled by its sign-neutral formula
    /// (`Plan minus metered (JPY)`), since a negative one is an overspend.
    func pair(_ prefix: String, savings: Bool = false) -> [Table.Column] {
        let credits = Self.column("\(prefix)_credits", .credits, detail: true)
        guard savings else { return [credits, Self.column("\(prefix)_cost_\(cur)", .money(r.currency))] }
        let baseline = prefix.replacingOccurrences(of: "saved_vs_", with: "")
        return [Table.Column(key: credits.key, label: "\(Self.humanize(baseline)) minus metered credits", kind: .credits, detail: true),
                .init(key: "\(prefix)_\(cur)", label: "\(Self.humanize(baseline)) minus metered (\(cur))",
                               kind: .money(r.currency))]
    }

    /// Credits and cost cells of `sum`; empty cells for nil.
    static func cells(_ sum: ChargeSum?) -> [Cell] {
        guard let sum else { return [.empty, .empty] }
        return [.number(sum.quantity), .money(sum.amount)]
    }

    /// Appends the credits and cost cells of `sum` (``cells(_:)``) to `row`.
    @inline(__always)
    static func append(_ sum: ChargeSum?, to row: inout [Cell]) {
        if let sum {
            row.append(.number(sum.quantity)); row.append(.money(sum.amount))
        } else {
            row.append(.empty); row.append(.empty)
        }
    }

    /// The scheduling tasks' table (id `tasks`): one row per task, charge kind, warehouse and pool (`(account)` for
    /// runs whose pool cannot be told), a TOTAL row when there are several.
    func tasksTable(_ tasks: TaskCosts) -> Table {
        var t = Table(id: "tasks", title: "Scheduling tasks", columns: [
            Self.column("task", .text), Self.column("pool", .text), Self.column("charge_kind", .text),
            Self.column("warehouse", .text), Self.column("metered_rows", .integer, detail: true),
        ] + pair("tasks"))
        for l in tasks.lines {
            t.rows.append(Table.Row([.text(l.task), .text(l.pool.isEmpty ? "(account)" : l.pool), .text(l.kind.rawValue),
                                     .text(l.warehouse ?? "serverless"), .integer(l.rows)] + Self.cells(l.sum)))
        }
        if tasks.lines.count > 1 {
            t.rows.append(Table.Row([.text("TOTAL"), .empty, .empty, .empty, .integer(tasks.lines.reduce(0) { $0 + $1.rows })]
                                    + Self.cells(tasks.total), role: .total))
        }
        return t
    }

    /// The per-pool table: one row per pool, a TOTAL row when there are several pools and a Rounding row under it
    /// when the rounded rows miss the rounded total. Estimate columns with an estimate, plan columns with a plan; a
    /// pool without a known family has empty always-on and plan cells.
    var poolsTable: Table {
        let estimate = r.estimated != nil
        let plan = r.plan != nil
        var columns = [Self.column("pool", .text), Self.column("family", .text), Self.column("nodes", .integer),
                       Self.column("credits_per_node_hour", .decimal, detail: true), Self.column("shape_source", .text, detail: true),
                       Self.column("rate_source", .text, detail: true), Self.column("lifetime", .text, detail: true)]
        columns += pair("metered")
        if estimate { columns += pair("estimated") + pair("difference") }
        columns += [Self.column("always_on_node_hours", .nodeHours, detail: true)] + pair("always_on")
        if plan { columns += [Self.column("plan_node_hours", .nodeHours, detail: true)] + pair("plan") }
        columns += pair("saved_vs_always_on", savings: true)
        if plan { columns += pair("saved_vs_plan", savings: true) }
        let tasks = r.tasks != nil
        if tasks { columns += pair("tasks") + netColumns }
        var t = Table(id: "pools", title: "Per pool", columns: columns)
        for p in r.pools {
            var row: [Cell] = [.text(p.pool), p.shape.map { .text($0.family.name) } ?? .empty,
                               p.shape.map { .integer($0.nodes) } ?? .empty, p.creditsPerNodeHour.map(Cell.number) ?? .empty,
                               p.shapeSource.map(Cell.text) ?? .empty, p.rateSource.map(Cell.text) ?? .empty,
                               .text(p.lifetime.summary)]
            row += Self.cells(p.metered)
            if estimate { row += Self.cells(p.estimated) + Self.cells(p.estimated.map { p.metered - $0 }) }
            row += [p.alwaysOnNodeHours.map(Cell.number) ?? .empty] + Self.cells(p.alwaysOn)
            if plan { row += [p.planNodeHours.map(Cell.number) ?? .empty] + Self.cells(p.plan) }
            row += Self.cells(p.savedVsAlwaysOn)
            if plan { row += Self.cells(p.savedVsPlan) }
            if tasks { row += Self.cells(p.tasks) + Self.cells(p.netSavedVsAlwaysOn) }
            t.rows.append(.init(row))
        }
        if r.pools.count > 1 {
            var row: [Cell] = [.text("TOTAL"), .empty, .empty, .empty, .empty, .empty, .empty] + Self.cells(r.metered)
            if estimate { row += Self.cells(r.estimated) + Self.cells(s.figure("difference")?.sum) }
            row += [.number(r.pools.reduce(0) { $0 + ($1.alwaysOnNodeHours ?? 0) })] + Self.cells(r.alwaysOn)
            if let p = r.planTotal {
                row += [.number(r.pools.reduce(0) { $0 + ($1.planNodeHours ?? 0) })] + Self.cells(p)
            }
            row += Self.cells(r.alwaysOn - r.meteredWithShape)
            if let p = r.planTotal { row += Self.cells(p - r.meteredWithShape) }
            if tasks {
                row += Self.cells(r.pools.compactMap(\.tasks).reduce(.zero(r.currency), +))
                    + Self.cells(r.pools.compactMap(\.netSavedVsAlwaysOn).reduce(.zero(r.currency), +))
            }
            t.rows.append(.init(row, role: .total))
            let lines = s.roundingLines.filter { $0.table == "pools" }
            if !lines.isEmpty {
                // The rounding row: total rounded once minus the rounded rows, in each money column that misses.
                var cells = Array(repeating: Cell.empty, count: columns.count)
                cells[0] = .text("Rounding")
                for l in lines {
                    if let i = columns.firstIndex(where: { $0.key == "\(l.column)_cost_\(cur)" }) {
                        cells[i] = .money(l.breakdown.difference)
                    }
                }
                t.rows.append(.init(cells, role: .rounding))
            }
        }
        return t
    }

    /// The schedule's net saving columns (`net_saved_vs_always_on_credits`, `net_saved_vs_always_on_<CUR>`): always
    /// on minus metered minus the pool's scheduling tasks.
    var netColumns: [Table.Column] {
        [Table.Column(key: "net_saved_vs_always_on_credits", label: "Always on minus metered minus tasks credits",
                      kind: .credits, detail: true),
         .init(key: "net_saved_vs_always_on_\(cur)", label: "Always on minus metered minus tasks (\(cur))",
               kind: .money(r.currency))]
    }

    /// The detail behind the per-pool table for people: each pool's shape, rate, credits and node-hours (the
    /// per-pool table people read shows money only; CSV, JSON and xlsx carry every column of both).
    var poolsDetailTable: Table {
        let estimate = r.estimated != nil
        let plan = r.plan != nil
        func col(_ key: String, _ kind: ColumnKind) -> Table.Column { Self.column(key, kind) }
        var columns = [col("pool", .text), col("family", .text), col("nodes", .integer),
                       col("credits_per_node_hour", .decimal), col("metered_credits", .credits)]
        if estimate { columns += [col("estimated_credits", .credits), col("difference_credits", .credits)] }
        columns += [col("always_on_node_hours", .nodeHours), col("always_on_credits", .credits)]
        if plan { columns += [col("plan_node_hours", .nodeHours), col("plan_credits", .credits)] }
        var t = Table(id: "pools_detail", title: "Pool credits and node-hours", columns: columns)
        func row(_ name: String, _ shape: PoolShape?, _ rate: Decimal?, _ metered: ChargeSum, _ estimated: ChargeSum?,
                 _ difference: ChargeSum?, _ alwaysOnHours: Decimal?, _ alwaysOn: ChargeSum?, _ planHours: Decimal?,
                 _ planSum: ChargeSum?, role: Table.RowRole) -> Table.Row {
            var cells: [Cell] = [.text(name), shape.map { .text($0.family.name) } ?? .empty,
                                 shape.map { .integer($0.nodes) } ?? .empty, rate.map(Cell.number) ?? .empty,
                                 .number(metered.quantity)]
            if estimate { cells += [estimated.map { .number($0.quantity) } ?? .empty,
                                    difference.map { .number($0.quantity) } ?? .empty] }
            cells += [alwaysOnHours.map(Cell.number) ?? .empty, alwaysOn.map { .number($0.quantity) } ?? .empty]
            if plan { cells += [planHours.map(Cell.number) ?? .empty, planSum.map { .number($0.quantity) } ?? .empty] }
            return .init(cells, role: role)
        }
        for p in r.pools {
            t.rows.append(row(p.pool, p.shape, p.creditsPerNodeHour, p.metered, p.estimated,
                              p.estimated.map { p.metered - $0 }, p.alwaysOnNodeHours, p.alwaysOn, p.planNodeHours,
                              p.plan, role: .data))
        }
        if r.pools.count > 1 {
            t.rows.append(row("TOTAL", nil, nil, r.metered, r.estimated, s.figure("difference")?.sum,
                              r.pools.reduce(0) { $0 + ($1.alwaysOnNodeHours ?? 0) }, r.alwaysOn,
                              r.pools.reduce(0) { $0 + ($1.planNodeHours ?? 0) }, r.planTotal, role: .total))
        }
        return t
    }

    /// The per-pool, per-day table, by date then pool; provisional days are highlighted.
    var daysTable: Table {
        let estimate = r.estimated != nil
        var columns = [Self.column("date", .date), Self.column("pool", .text), Self.column("provisional", .flag),
                       Self.column("restated", .flag), Self.column("day_hours", .nodeHours, detail: true),
                       Self.column("metered_hours", .integer, detail: true)] + pair("metered")
        if estimate { columns += pair("estimated") + pair("difference") }
        columns += pair("always_on")
        if r.plan != nil { columns += [Self.column("plan_node_hours", .nodeHours, detail: true)] + pair("plan") }
        columns += pair("saved_vs_always_on", savings: true)
        // A row source: the rows are made from the report's days each time a writer reads them, never kept.
        let report = r
        let width = columns.count
        return Table(id: "days", title: "Per day", columns: columns, source: RowSource { body in
            let plan = report.plan != nil
            // Hours in the day: 24, or 23 and 25 on DST days; divided once per distinct length, not per row.
            var dayHours: [Int: Decimal] = [:]
            for d in report.days {
                let hours = dayHours[d.daySeconds] ?? d.dayHours
                dayHours[d.daySeconds] = hours
                // One array per row, filled in place (no array per pair of cells).
                var row: [Cell] = []
                row.reserveCapacity(width)
                row.append(.date(d.date)); row.append(.text(d.pool)); row.append(.flag(d.provisional))
                row.append(.flag(d.restated)); row.append(.number(hours)); row.append(.integer(d.meteredHours))
                Self.append(d.metered, to: &row)
                if estimate {
                    Self.append(d.estimated, to: &row)
                    Self.append(d.estimated.map { Self.minus(d.metered, $0) }, to: &row)
                }
                Self.append(d.alwaysOn, to: &row)
                if plan {
                    row.append(d.planNodeHours.map(Cell.number) ?? .empty)
                    Self.append(d.plan, to: &row)
                }
                Self.append(d.alwaysOn.map { Self.minus($0, d.metered) }, to: &row)
                body(.init(row, role: d.provisional ? .highlight : .data))
            }
        })
    }

    /// `a − b`, exact: the same value as ChargeSum's subtraction, made in 64-bit integers when both amounts fit
    /// (the per-day rows are made again for every format).
    static func minus(_ a: ChargeSum, _ b: ChargeSum) -> ChargeSum {
        ChargeSum(quantity: minus(a.quantity, b.quantity),
                  amount: Money(minus(a.amount.amount, b.amount.amount), a.amount.currency))
    }

    /// `a − b`, exact, through 64-bit integers when both fit (see ``ExactDecimal/parts(_:)``), else Decimal's.
    static func minus(_ a: Decimal, _ b: Decimal) -> Decimal {
        guard let pa = ExactDecimal.parts(a), let pb = ExactDecimal.parts(b) else { return a - b }
        let e = min(pa.exponent, pb.exponent)
        func integer(_ p: (negative: Bool, significand: UInt64, exponent: Int)) -> Int64? {
            guard p.significand <= UInt64(Int64.max) else { return nil }
            var v = Int64(p.significand)
            for _ in 0..<(p.exponent - e) {
                let (r, overflow) = v.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                v = r
            }
            return p.negative ? -v : v
        }
        guard let x = integer(pa), let y = integer(pb) else { return a - b }
        let (r, overflow) = x.subtractingReportingOverflow(y)
        guard !overflow else { return a - b }
        return r == 0 ? 0 : Decimal(sign: r < 0 ? .minus : .plus, exponent: e, significand: Decimal(r.magnitude))
    }

    /// The difference by cause: per pool, each cause, a rounding row where the causes, each rounded once, miss
    /// the difference rounded once, then the pool's difference (cause key `total`).
    var causesTable: Table {
        var t = Table(id: "difference_by_cause", title: "Difference from the estimate by cause", columns: [
            .init(key: "pool", label: "Pool", kind: .text), .init(key: "cause", label: "Cause key", kind: .text, detail: true),
            .init(key: "label", label: "Cause", kind: .text), .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "cost_\(cur)", label: "Cost (\(cur))", kind: .money(r.currency))])
        for d in s.differences {
            for c in d.causes {
                t.rows.append(.init([.text(d.pool), .text(c.cause.rawValue), .text(c.cause.label)] + Self.cells(c.sum)))
            }
            if let b = Self.causeRounding(d) {
                t.rows.append(.init([.text(d.pool), .text("rounding"), .text("Rounding"), .empty, .money(b.difference)],
                                    role: .rounding))
            }
            t.rows.append(.init([.text(d.pool), .text("total"), .text("Difference (metered minus estimate)")]
                + Self.cells(d.difference), role: .emphasis))
        }
        return t
    }

    /// The causes of `d` rounded against its difference; nil when they add up.
    static func causeRounding(_ d: FinanceSummary.PoolDifference) -> RoundedBreakdown? {
        guard !d.causes.isEmpty else { return nil }
        let b = RoundedBreakdown(lines: d.causes.map(\.sum.amount), exactTotal: d.difference.amount)
        return b.difference.amount == 0 ? nil : b
    }

    /// `report --by`: the metered credits and cost of each account, pool, family or application, a total row, and
    /// for `--by account` with a bill check the ledger before FX, the billed amount and their difference.
    func groupsTable(_ by: ReportGrouping) -> Table {
        let none = by == .family ? "unknown" : "(none)"
        var columns: [Table.Column] = [
            .init(key: by.rawValue, label: by.rawValue.prefix(1).uppercased() + by.rawValue.dropFirst(), kind: .text),
            .init(key: "metered_credits", label: "Metered credits", kind: .credits),
            .init(key: "metered_cost_\(cur)", label: "Metered cost (\(cur))", kind: .money(r.currency))]
        // With a whole bill: the line's share of it, per kind, and its whole bill (README "report --by").
        let whole = r.wholeBill != nil
        if whole {
            columns += [.init(key: "task_credits", label: "Task credits", kind: .credits),
                        .init(key: "tasks_cost_\(cur)", label: "Tasks (\(cur))", kind: .money(r.currency)),
                        .init(key: "block_storage_cost_\(cur)", label: "Block storage (\(cur))", kind: .money(r.currency)),
                        .init(key: "snapshots_cost_\(cur)", label: "Snapshots (\(cur))", kind: .money(r.currency)),
                        .init(key: "data_transfer_cost_\(cur)", label: "Data transfer (\(cur))", kind: .money(r.currency)),
                        .init(key: "transfer_adjustment_cost_\(cur)", label: "Transfer adjustment (\(cur))",
                              kind: .money(r.currency)),
                        .init(key: "whole_bill_cost_\(cur)", label: "Whole bill (\(cur))", kind: .money(r.currency))]
        }
        func wholeCells(_ parts: (Set<ChargeKind>) -> ChargeSum, total: Money) -> [Cell] {
            let tasks = parts([.taskWarehouse, .serverlessTask])
            return [.number(tasks.quantity), .money(tasks.amount),
                    .money(parts([.blockStorage, .blockStorageIOPS, .blockStorageThroughput]).amount),
                    .money(parts([.snapshot]).amount), .money(parts([.dataTransfer]).amount),
                    .money(parts([.dataTransferAdjustment]).amount), .money(total)]
        }
        // `--by pool` with scheduling tasks: each pool's net saving against always on (as in the per-pool table).
        let net = by == .pool && r.tasks != nil
        if net { columns += netColumns }
        let bill = by == .account ? r.billCheck : nil
        if let b = bill {
            let c = b.currency.code
            columns += [.init(key: "ledger_\(c)", label: "Bill check: ledger (\(c))", kind: .money(b.currency)),
                        .init(key: "billed_\(c)", label: "Bill check: billed (\(c))", kind: .money(b.currency)),
                        .init(key: "difference_\(c)", label: "Bill check: billed minus ledger (\(c))", kind: .money(b.currency))]
        }
        var t = Table(id: "by_\(by.rawValue)", title: "By \(by.rawValue)", columns: columns)
        for g in r.groups {
            var row: [Cell] = [.text(g.key.isEmpty ? none : g.key)] + Self.cells(g.metered)
            if whole { row += wholeCells({ g.sum(of: $0, currency: r.currency) }, total: g.wholeBill) }
            if net { row += Self.cells(g.netSavedVsAlwaysOn) }
            if bill != nil {
                row += [g.ledgerBeforeFX.map(Cell.money) ?? .empty, g.billed.map(Cell.money) ?? .empty,
                        g.billed.flatMap { billed in g.ledgerBeforeFX.map { .money(billed - $0) } } ?? .empty]
            }
            t.rows.append(.init(row))
        }
        var total: [Cell] = [.text("Total")] + Self.cells(r.metered)
        if let w = r.wholeBill {
            let sums = Dictionary(grouping: w.rows, by: \.kind).mapValues {
                $0.reduce(ChargeSum.zero(r.currency)) { $0 + ChargeSum(quantity: $1.charge.quantity, amount: $1.charge.amount) }
            }
            total += wholeCells({ kinds in sums.filter { kinds.contains($0.key) }.valuesInCaseOrder.reduce(.zero(r.currency), +) },
                                total: w.total)
        }
        if net { total += Self.cells(r.groups.compactMap(\.netSavedVsAlwaysOn).reduce(.zero(r.currency), +)) }
        if let b = bill { total += [.money(b.ledgerTotal), .money(b.billedTotal), .money(b.billedTotal - b.ledgerTotal)] }
        t.rows.append(.init(total, role: .total))
        return t
    }

    /// "Who used it": one row per notebook and user, application, idle share and other services of a pool
    /// (``UsageAttribution``), and a total row (the lines' exact sum).
    func whoUsedItTable(_ u: UsageAttribution) -> Table {
        var t = Table(id: "who_used_it", title: "Who used it", columns: [
            .init(key: "kind", label: "Used by", kind: .text), .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "notebook", label: "Notebook", kind: .text), .init(key: "user", label: "User", kind: .text),
            .init(key: "application_id", label: "Application ID", kind: .text),
            .init(key: "application", label: "Application", kind: .text),
            .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "cost_\(cur)", label: "Cost (\(cur))", kind: .money(r.currency))])
        func text(_ s: String?) -> Cell { s.map(Cell.text) ?? .empty }
        for line in u.lines {
            let kind: String
            switch line.kind {
            case .notebook: kind = "Notebook"
            case .application: kind = "Application"
            case .idle: kind = "Idle (no notebook)"
            case .other: kind = "Other services"
            }
            let name = line.kind == .application ? (line.applicationName ?? "(name not known)") : nil
            t.rows.append(.init([.text(kind), .text(line.pool), text(line.notebook), text(line.user),
                                 text(line.applicationID), text(name)] + Self.cells(line.usage)))
        }
        let total = u.lines.reduce(ChargeSum.zero(r.currency)) { $0 + $1.usage }
        t.rows.append(.init([.text("Total"), .empty, .empty, .empty, .empty, .empty] + Self.cells(total), role: .total))
        return t
    }

    /// The whole bill: one line per part (compute, task warehouses, serverless tasks, block storage volumes, IOPS, throughput, snapshots, data transfer,
    /// the adjustment) and the total.
    func wholeBillTable(_ lines: [WholeBill.Line]) -> Table {
        var t = Table(id: "whole_bill", title: "The whole bill", columns: [
            .init(key: "item", label: "Item", kind: .text, detail: true), .init(key: "label", label: "", kind: .text),
            .init(key: "quantity", label: "Quantity", kind: .decimal), .init(key: "unit", label: "Unit", kind: .text),
            .init(key: "gib_days", label: "GiB-days", kind: .decimal),
            .init(key: "cost_\(cur)", label: "Cost (\(cur))", kind: .money(r.currency))])
        for l in lines {
            t.rows.append(.init([.text(l.key), .text(l.label), l.quantity.map(Cell.number) ?? .empty, .text(l.unit),
                                 l.gibDays.map(Cell.number) ?? .empty, .money(l.amount)],
                                role: l.key == "total" ? .total : .data))
        }
        return t
    }

    /// The whole bill's ledger rows but compute's: per UTC day, part, pool (or service, else `(account)`), the task
    /// and its warehouse (task rows), the quantity, its unit, GiB-days for storage, the cost and the price's source; with an `account` column after the
    /// date when the rows are priced per account (some row names an account), none otherwise.
    func wholeBillLinesTable(_ w: WholeBill) -> Table {
        let byAccount = w.rows.contains { !$0.account.isEmpty }
        var t = Table(id: "whole_bill_lines", title: "The whole bill per UTC day", columns: [
            .init(key: "date", label: "Date (UTC)", kind: .date)]
            + (byAccount ? [.init(key: "account", label: "Account", kind: .text)] : []) + [
            .init(key: "item", label: "Item", kind: .text),
            .init(key: "pool", label: "Pool", kind: .text), .init(key: "service", label: "Service", kind: .text),
            .init(key: "task", label: "Task", kind: .text), .init(key: "warehouse", label: "Warehouse", kind: .text),
            .init(key: "quantity", label: "Quantity", kind: .decimal), .init(key: "unit", label: "Unit", kind: .text),
            .init(key: "gib_days", label: "GiB-days", kind: .decimal),
            .init(key: "cost_\(cur)", label: "Cost (\(cur))", kind: .money(r.currency)),
            .init(key: "price_source", label: "Price", kind: .text, detail: true)])
        let utc = TimeZone(identifier: "UTC")!
        for row in w.rows {
            let q = row.charge.quantity
            t.rows.append(.init([
                .date(CivilDate.of(row.periodStart, in: utc))] + (byAccount ? [.text(row.account)] : []) + [
                .text(row.kind.rawValue),
                .text(!row.poolName.isEmpty ? row.poolName : row.service == nil ? "(account)" : ""), .text(row.service ?? ""),
                .text(row.task ?? ""), .text(row.warehouse ?? ""), .number(q),
                .text(row.charge.unit.rawValue), row.charge.unit == .terabyteDays ? .number(w.gibDays(q)) : .empty,
                .money(row.charge.amount), .text(row.charge.rate.unitPrice.price.source)]))
        }
        return t
    }

    /// Top pools by metered cost.
    var topPoolsTable: Table {
        var t = Table(id: "top_pools", title: "Top pools by metered cost", columns: [
            .init(key: "rank", label: "Rank", kind: .integer), .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "metered_credits", label: "Metered credits", kind: .credits),
            .init(key: "metered_cost_\(cur)", label: "Metered cost (\(cur))", kind: .money(r.currency)),
            .init(key: "share_of_metered", label: "Share of metered (%)", kind: .percent)])
        for p in s.topPools {
            t.rows.append(.init([.integer(p.rank), .text(p.pool)] + Self.cells(p.sum) + [.number(p.share)]))
        }
        return t
    }

    /// Month to date and the month-end forecast.
    func monthTable(_ f: SavingsReport.Forecast) -> Table {
        var t = Table(id: "month", title: "Month to date and forecast", columns: [
            .init(key: "item", label: "Item", kind: .text, detail: true), .init(key: "label", label: "", kind: .text),
            .init(key: "from", label: "From", kind: .date, detail: true),
            .init(key: "through", label: "Through", kind: .date, detail: true),
            .init(key: "days", label: "Days", kind: .integer, detail: true),
            .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "cost_\(cur)", label: "Cost (\(cur))", kind: .money(r.currency))])
        let monthEnd = f.monthStart.adding(days: f.daysInMonth - 1)
        t.rows.append(.init([.text("month_to_date"), .text("Month to date (\(f.monthStart) to \(monthToDateEnd(f)))"),
                             .date(f.monthStart), .date(monthToDateEnd(f)), .integer(f.daysElapsed)]
            + Self.cells(f.monthToDate)))
        t.rows.append(.init([.text("forecast_month_end"), .text("Month-end forecast (\(month(f)))"),
                             .date(f.monthStart), .date(monthEnd), .integer(f.daysInMonth)] + Self.cells(f.forecast)))
        return t
    }

    /// The bill check per day: ledger, billed, difference and its causes.
    func billCheckTable(_ b: BillCheck) -> Table {
        let c = b.currency
        var t = Table(id: "bill_check", title: "Bill check", columns: [
            .init(key: "date", label: "Date", kind: .date), .init(key: "account", label: "Account", kind: .text),
            .init(key: "ledger_credits", label: "Ledger credits", kind: .credits),
            .init(key: "billed_credits", label: "Billed credits", kind: .credits),
            .init(key: "ledger_\(c.code)", label: "Ledger (\(c.code))", kind: .money(c)),
            .init(key: "billed_\(c.code)", label: "Billed (\(c.code))", kind: .money(c)),
            .init(key: "difference_\(c.code)", label: "Difference (\(c.code))", kind: .money(c)),
            .init(key: "causes", label: "Causes", kind: .text)])
        for d in b.days {
            t.rows.append(.init([.date(d.day), .text(d.account), .number(d.ledgerCredits), .number(d.billedCredits),
                                 .money(d.ledgerAmount), .money(d.billedAmount), .money(d.difference),
                                 .text(Self.causesText(d.causes))]))
        }
        return t
    }

    /// Billed minus ledger over the period by cause (exact in CSV's and JSON's amounts, rounded once for people).
    func billCausesTable(_ b: BillCheck) -> Table {
        var t = Table(id: "bill_check_by_cause", title: "Bill check by cause", columns: [
            .init(key: "cause", label: "Cause", kind: .text),
            .init(key: "billed_minus_ledger_\(b.currency.code)", label: "Billed minus ledger (\(b.currency.code))",
                  kind: .money(b.currency))])
        for (cause, m) in b.totalsByCause.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            t.rows.append(.init([.text(cause.rawValue), .money(m)]))
        }
        return t
    }

    /// `rounding 0.01; price -0.30`, causes in their declared order, exact to 6 decimals.
    static func causesText(_ causes: [BillCause: Money]) -> String {
        BillCause.allCases.compactMap { c in
            causes[c].map { "\(c.rawValue) \(ExactDecimal.text(MoneyFormat.round($0.amount, scale: 6)))" }
        }.joined(separator: "; ")
    }

    /// The chart of `pool`: metered against its estimate when it has one, else the plan, else always on.
    func chart(_ pool: SavingsReport.Pool, days indices: [Int]) -> Chart {
        let days = indices.lazy.map { r.days[$0] }
        let (label, noun, value): (String, String, (SavingsReport.Day) -> Decimal)
        if days.contains(where: { $0.estimated != nil }) {
            (label, noun, value) = ("Estimate", "estimated", { $0.estimated?.quantity ?? 0 })
        } else if r.plan != nil, pool.plan != nil {
            (label, noun, value) = ("Plan", "the plan", { $0.plan?.quantity ?? 0 })
        } else if pool.alwaysOn != nil {
            (label, noun, value) = ("Always on", "always on", { $0.alwaysOn?.quantity ?? 0 })
        } else {
            (label, noun, value) = ("Always on (family unknown)", "always on", { _ in 0 })
        }
        return Chart(subject: pool.pool, unit: "credits per day", comparisonLabel: label, comparisonNoun: noun,
                     points: days.map { .init(date: $0.date, metered: $0.meteredCredits, comparison: value($0),
                                              provisional: $0.provisional) })
    }

    // MARK: - Sentences

    /// `2024-04-29, 2024-04-30`.
    static func dateList(_ dates: [CivilDate]) -> String { dates.map(\.description).joined(separator: ", ") }

    /// The month of a forecast: `2024-04`.
    func month(_ f: SavingsReport.Forecast) -> String {
        "\(f.monthStart.year)-\(f.monthStart.month < 10 ? "0" : "")\(f.monthStart.month)"
    }

    /// The forecast month's last day the report covers.
    func monthToDateEnd(_ f: SavingsReport.Forecast) -> CivilDate { f.monthStart.adding(days: f.daysElapsed - 1) }

    /// The baselines metered cost is set against, each defined once in one sentence and named the same in every
    /// figure, column and chart: the estimate (with a pools file), the plan (with business hours) and always on.
    var baselineDefinitions: [String] {
        var out: [String] = []
        if r.estimated != nil {
            out.append("Estimate: what the pools file's schedules should cost, per pool and day, by spcs-cost's billing "
                + "model (the difference is metered minus estimate).")
        }
        if let plan = r.plan {
            out.append("Plan: each pool running only in business hours, \(plan.summary), with its nodes "
                + "(a negative plan minus metered is an overspend, shown as over the plan).")
        }
        out.append("Always on: each pool running every hour of every day it existed, with its nodes.")
        return out
    }

    /// The provisional days in one sentence.
    var provisionalSentence: String {
        guard !s.provisionalDates.isEmpty else {
            return "None: every day of the report is final (older than the usage views' latency and restatement window)."
        }
        let n = s.provisionalDates.count
        return "\(n) day\(n == 1 ? "" : "s") may still change (\(Self.dateList(s.provisionalDates))): "
            + "\(QuantityFormat.quantity(s.provisional.quantity)) credits, \(MoneyFormat.withCode(s.provisional.amount)) "
            + "metered on \(n == 1 ? "it" : "them") so far; marked provisional in the per-day table."
    }

    /// The note under the month-to-date table when provisional days are in the month.
    var forecastProvisionalNote: String? {
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

    /// `Credits are priced at Standard, 2.85 USD per credit, at 150 JPY per USD; …` in one sentence, or a pointer
    /// to the stamp when the period has several prices.
    var pricedAt: String {
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

    /// The stamp: period, rates, plan, credit prices with FX and the days each applied, price order, data,
    /// estimate, rounding, tool and command.
    var documentStamp: DocumentStamp {
        var lines: [DocumentStamp.Line] = [
            .init(key: "period", label: "Period", text: "\(r.from) to \(r.through), calendar days in "
                + "\(r.zone.displayName); an hourly row counts on the day its START_TIME falls in."),
            .init(key: "rate_card", label: "Rates", text: (r.rateCardID.map { "rate card \($0)" } ?? "override")
                + "; always on = nodes × hours in the day the pool existed × credits per node-hour."),
        ]
        for p in r.pools {
            if let rate = p.creditsPerNodeHour, let shape = p.shape {
                lines.append(.init(key: "rate", label: "Rate of \(p.pool)", text: "\(QuantityFormat.exact(rate)) credits "
                    + "per node-hour (\(p.rateSource ?? "")); \(shape.family.name) × \(shape.nodes) from "
                    + "\(p.shapeSource ?? ""); existed \(p.lifetime.summary)."))
            } else {
                lines.append(.init(key: "rate", label: "Rate of \(p.pool)", text: "unknown: no instance family (pass "
                    + "--pool \(p.pool)=FAMILY[:NODES]); metered cost priced, always-on and plan baselines left out."))
            }
        }
        if let plan = r.plan {
            lines.append(.init(key: "plan", label: "Plan", text: "\(plan.summary) "
                + "(\(QuantityFormat.quantity(plan.nominalHoursPerDay)) h a day on those weekdays)."))
        }
        for run in r.priceRuns { lines.append(.init(key: "credit_price", label: "Credit price", text: Self.priceRunText(run) + ".")) }
        if r.priceRuns.isEmpty { lines.append(.init(key: "credit_price", label: "Credit price", text: "no day priced.")) }
        lines.append(.init(key: "price_order", label: "Price order", text: CreditPriceSchedule.orderDescription + "."))
        lines.append(.init(key: "data", label: "Data", text: "\(r.rowCount) hourly row\(r.rowCount == 1 ? "" : "s") of "
            + "SNOWPARK_CONTAINER_SERVICES_HISTORY, SHA-256 \(r.dataChecksum)."))
        if r.estimated != nil {
            lines.append(.init(key: "estimate", label: "Estimate", text: "the pools file's schedule model per pool and "
                + "day; the difference (metered minus estimate) is split by cause as spcs-cost reconcile explains it."))
        }
        lines.append(.init(key: "rounding", label: "Rounding",
                           text: "\(MoneyFormat.ruleDescription) (\(r.currency.code) \(r.currency.minorUnits))."))
        lines.append(.init(key: "tool", label: "Tool", text: "spcs-cost \(stamp.toolVersion)"))
        lines.append(.init(key: "command", label: "Command", text: stamp.commandLine, code: true))
        return DocumentStamp(
            from: r.from, through: r.through, timeZone: r.zone.displayName, rateCard: r.rateCardID ?? "override",
            creditPrices: r.priceRuns.map(DocumentStamp.PriceRun.init(run:)),
            priceOrder: CreditPriceSchedule.orderDescription, dataSha256: r.dataChecksum, dataRows: r.rowCount,
            currency: r.currency, toolVersion: stamp.toolVersion, commandLine: stamp.commandLine, lines: lines)
    }
}
