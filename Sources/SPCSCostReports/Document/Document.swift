import Foundation
import SPCSCostCore

/// One run's output, independent of any format: what every writer (``DocumentWriters``) renders.
///
/// A use case builds one document per run (for `report`: ``Document/savingsReport(_:stamp:)``); each writer turns it
/// into files. Amounts stay exact ``Money`` (Decimal with its currency) in the document; a writer rounds each amount
/// once, by ``MoneyFormat``, when it shows it. Nothing here is a Double.
///
/// Order in which every writer presents a document: title, warnings, notes, headline figures, checks, rounding
/// lines, sections (paragraphs, tables and charts in their order), stamp.
public struct Document: Sendable {
    /// What produced the document, as a machine key: `report`.
    public var kind: String
    /// The start of every file name, without folder or extension: `spcs-cost-report_2024-04-01_2024-04-30`.
    public var fileBase: String
    /// The title for people: `SPCS usage and savings: 2024-04-01 to 2024-04-30`.
    public var title: String
    /// How to reproduce the document: prices and their sources, FX, data checksum, rounding rule, tool, command.
    public var stamp: DocumentStamp
    /// Warnings, each one finished sentence; every format shows every one.
    public var warnings: [String]
    /// Assumptions and reading notes shown under the title (one paragraph each).
    public var notes: [String]
    /// Heading of the headline figures: `Summary for finance`.
    public var figuresTitle: String
    /// The headline figures, in the order shown; their currency is ``currency``.
    public var figures: [Figure]
    /// The presentation currency of the headline figures.
    public var currency: Currency
    /// Results of checks (budget, variance, staleness); empty when none ran.
    public var checks: [Check]
    /// Tables whose rows, each rounded once, miss their total rounded once.
    public var roundingLines: [RoundingLine]
    /// The body, in order.
    public var sections: [Section]

    /// Creates a document.
    public init(kind: String, fileBase: String, title: String, stamp: DocumentStamp, warnings: [String] = [],
                notes: [String] = [], figuresTitle: String = "Summary", figures: [Figure] = [], currency: Currency,
                checks: [Check] = [], roundingLines: [RoundingLine] = [], sections: [Section] = []) {
        self.kind = kind
        self.fileBase = fileBase
        self.title = title
        self.stamp = stamp
        self.warnings = warnings
        self.notes = notes
        self.figuresTitle = figuresTitle
        self.figures = figures
        self.currency = currency
        self.checks = checks
        self.roundingLines = roundingLines
        self.sections = sections
    }

    /// A headline figure: exact credits (when the figure has any) and exact cost.
    public struct Figure: Sendable, Equatable {
        /// Machine key: `metered`, `estimated`, `difference`, `always_on`, `saved_vs_always_on`, `plan`, ...
        public var key: String
        /// Label for people: `Saved against always on (always on minus metered)`.
        public var label: String
        /// Exact credits; nil when the figure is money only.
        public var credits: Decimal?
        /// Exact cost.
        public var amount: Money
        /// The cost as a percentage (exact) of another figure; nil when there is none.
        public var percent: Decimal?
        /// What ``percent`` is a percentage of, in words (`always on`); nil without it.
        public var percentOf: String?
        /// A remark (`pools without an estimate: API_POOL`); empty for none.
        public var note: String
        /// True for the figures a reader should see first (shown in bold in HTML).
        public var emphasis: Bool

        /// Creates a figure.
        public init(key: String, label: String, credits: Decimal?, amount: Money, percent: Decimal? = nil,
                    percentOf: String? = nil, note: String = "", emphasis: Bool = false) {
            self.key = key
            self.label = label
            self.credits = credits
            self.amount = amount
            self.percent = percent
            self.percentOf = percentOf
            self.note = note
            self.emphasis = emphasis
        }
    }

    /// The result of one check.
    public struct Check: Sendable, Equatable {
        /// Machine key: `budget-exceeded`, `variance-exceeded`, `stale-data`.
        public var key: String
        /// True when the check failed (an alert).
        public var failed: Bool
        /// The finding in one sentence, with its figures.
        public var message: String

        /// Creates a check result.
        public init(key: String, failed: Bool, message: String) {
            self.key = key
            self.failed = failed
            self.message = message
        }

        /// `ALERT` or `ok`.
        public var result: String { failed ? "ALERT" : "ok" }
    }

    /// A table's money column whose rows, each rounded once, do not add up to its total rounded once.
    public struct RoundingLine: Sendable, Equatable {
        /// Machine key of the table: `pools`, `days`, `difference_by_cause`.
        public var table: String
        /// Machine key of the column (or, for the difference by cause, the pool).
        public var column: String
        /// The table and column in words: `Per day, metered cost`.
        public var label: String
        /// The rows rounded once each, added up (exact sum of rounded amounts).
        public var sumOfRoundedRows: Money
        /// The exact total rounded once.
        public var total: Money
        /// `total − sumOfRoundedRows`, a whole number of minor units.
        public var difference: Money { total - sumOfRoundedRows }

        /// Creates a rounding line from a ``RoundedBreakdown``.
        public init(table: String, column: String, label: String, breakdown: RoundedBreakdown) {
            self.table = table
            self.column = column
            self.label = label
            sumOfRoundedRows = breakdown.sumOfRoundedLines
            total = breakdown.total
        }

        /// `Per day, metered cost: the rows, each rounded once, add up to 9,755 JPY; the total rounded once is
        /// 9,759 JPY (rounding line 4 JPY)`.
        public var sentence: String {
            "\(label): the rows, each rounded once, add up to \(MoneyFormat.withCode(sumOfRoundedRows)); "
                + "the total rounded once is \(MoneyFormat.withCode(total)) "
                + "(rounding line \(MoneyFormat.withCode(difference)))"
        }
    }

    /// A part of the body with a heading.
    public struct Section: Sendable {
        /// Machine key: `pools`.
        public var id: String
        /// Heading for people: `Per pool`.
        public var title: String
        /// 1 for a main section, 2 for a subsection.
        public var level: Int
        /// Paragraphs, lists, tables and charts in order.
        public var blocks: [Block]

        /// Creates a section.
        public init(id: String, title: String, level: Int = 1, blocks: [Block]) {
            self.id = id
            self.title = title
            self.level = level
            self.blocks = blocks
        }
    }

    /// One piece of a section.
    public enum Block: Sendable {
        /// A paragraph of plain text (writers escape it).
        case paragraph(String)
        /// A bulleted list of plain-text items.
        case list([String])
        /// A table with typed columns.
        case table(Table)
        /// A chart of a daily series.
        case chart(Chart)
    }

    /// Every table of the body, in order.
    public var tables: [Table] {
        sections.flatMap { $0.blocks.compactMap { if case .table(let t) = $0 { t } else { nil } } }
    }

    /// Every chart of the body, in order.
    public var charts: [Chart] {
        sections.flatMap { $0.blocks.compactMap { if case .chart(let c) = $0 { c } else { nil } } }
    }

    /// The headline figures as a table (id `summary`): item, label, credits, cost, percent, percent of, note.
    public var figuresTable: Table {
        var t = Table(id: "summary", title: figuresTitle, columns: [
            .init(key: "item", label: "Item", kind: .text, detail: true),
            .init(key: "label", label: "", kind: .text),
            .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "cost_\(currency.code)", label: "Cost (\(currency.code))", kind: .money(currency)),
            .init(key: "percent", label: "Share (%)", kind: .percent),
            .init(key: "percent_of", label: "Of", kind: .text),
            .init(key: "note", label: "Note", kind: .text),
        ])
        for f in figures {
            t.rows.append(.init([.text(f.key), .text(f.label), f.credits.map(Cell.number) ?? .empty, .money(f.amount),
                                 f.percent.map(Cell.number) ?? .empty, f.percentOf.map(Cell.text) ?? .empty,
                                 f.note.isEmpty ? .empty : .text(f.note)],
                                role: f.emphasis ? .emphasis : .data))
        }
        return t
    }

    /// Every line of text the document carries besides its tables, as (kind, item, text) rows: the stamp lines,
    /// warnings, notes, checks, rounding lines and each section's paragraphs and list items. The CSV notes file and
    /// the xlsx Notes sheet are these rows.
    public var noteRows: [(kind: String, item: String, text: String)] {
        var rows: [(kind: String, item: String, text: String)] = []
        rows.append(("title", kind, title))
        for w in warnings { rows.append(("warning", "", w)) }
        for n in notes { rows.append(("note", "", n)) }
        for c in checks { rows.append(("check", c.key, "\(c.result): \(c.message)")) }
        for l in roundingLines { rows.append(("rounding", "\(l.table).\(l.column)", l.sentence)) }
        for s in sections {
            for b in s.blocks {
                switch b {
                case .paragraph(let p): rows.append(("note", s.id, p))
                case .list(let items): for i in items { rows.append(("note", s.id, i)) }
                case .table, .chart: break
                }
            }
        }
        for l in stamp.lines { rows.append(("stamp", l.key, "\(l.label): \(l.text)")) }
        return rows
    }
}

/// A table with typed columns. Cells hold exact values; writers format them by column kind.
public struct Table: Sendable {
    /// Machine key, unique in its document; names the CSV file (`…_pools.csv`) and the JSON member.
    public var id: String
    /// Heading for people (also the xlsx sheet name, shortened to 31 characters).
    public var title: String
    /// Columns in order.
    public var columns: [Column]
    /// Rows kept in memory; each has one cell per column. A large table leaves them empty and has a ``source``.
    public var rows: [Row]
    /// Rows made on demand, after ``rows``: a large table (the per-day and per-hour tables of a year) that writers
    /// consume row by row, so memory does not grow with its length; nil for a table of ``rows`` only.
    public var source: RowSource?

    /// Creates a table.
    public init(id: String, title: String, columns: [Column], rows: [Row] = [], source: RowSource? = nil) {
        self.id = id
        self.title = title
        self.columns = columns
        self.rows = rows
        self.source = source
    }

    /// Calls `body` with every row in order: ``rows``, then the rows of ``source``. Each call of a source makes its
    /// rows again, so a table can be written any number of times.
    public func forEachRow(_ body: (Row) -> Void) {
        for r in rows { body(r) }
        source?.produce(body)
    }

    /// Every row in memory (``rows`` and the source's rows): for tests and small tables only.
    public var allRows: [Row] {
        var out: [Row] = []
        forEachRow { out.append($0) }
        return out
    }

    /// A column.
    public struct Column: Sendable, Equatable {
        /// Machine key: the CSV header and JSON member, `metered_cost_JPY`.
        public var key: String
        /// Header for people: `Metered cost (JPY)`.
        public var label: String
        /// What the cells hold.
        public var kind: ColumnKind
        /// True for a detail column that the narrow views for people (terminal, Markdown, HTML) leave out; CSV, JSON
        /// and xlsx keep it.
        public var detail: Bool

        /// Creates a column.
        public init(key: String, label: String, kind: ColumnKind, detail: Bool = false) {
            self.key = key
            self.label = label
            self.kind = kind
            self.detail = detail
        }

        /// The column with its own copies of its strings: for a thread that reads it for every cell while others read
        /// the original (a shared string's count of references is changed by every thread that copies it).
        var deepCopy: Column {
            func copy(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }
            var c = self
            c.key = copy(key)
            c.label = copy(label)
            if case .money(let currency) = kind, let fresh = Currency(code: copy(currency.code)) { c.kind = .money(fresh) }
            return c
        }
    }

    /// What a row is.
    public enum RowRole: String, Sendable {
        /// An ordinary row.
        case data
        /// A row a reader should see first (bold in HTML).
        case emphasis
        /// A row marked for attention (a provisional day).
        case highlight
        /// A total row, for people only: CSV and JSON leave it out (their totals are the headline figures).
        case total
        /// A rounding row under a total, for people only: CSV and JSON carry rounding lines in their notes.
        case rounding

        /// True for rows that CSV and JSON write.
        public var isData: Bool { self == .data || self == .emphasis || self == .highlight }
    }

    /// A row.
    public struct Row: Sendable {
        /// One cell per column.
        public var cells: [Cell]
        /// What the row is.
        public var role: RowRole

        /// Creates a row.
        public init(_ cells: [Cell], role: RowRole = .data) {
            self.cells = cells
            self.role = role
        }
    }
}

/// The rows of a large table, made on demand: each call of ``produce`` makes every row again, in order, and hands
/// them one at a time to its argument (which must not keep them). Writers stream them into their files.
public struct RowSource: Sendable {
    /// Makes the rows, in order, calling the argument once per row.
    public let produce: @Sendable (_ body: (Table.Row) -> Void) -> Void
    /// Why the last ``produce`` stopped early (a source that reads a database can fail); nil when it made every
    /// row. Whoever writes the table checks it after writing and throws it.
    public let failure: @Sendable () -> (any Error)?

    /// How many partitions ``part`` makes the rows in (1 for a source made in one piece).
    public let partitions: Int
    /// Makes the rows of partition `p` (0 ..< ``partitions``), in order; nil for a source made in one piece. The
    /// rows of every partition in order are ``produce``'s rows, and any partition can be made on any thread, alone:
    /// a writer may make several at once (the terminal table does).
    public let part: (@Sendable (_ p: Int, _ body: (Table.Row) -> Void) -> Void)?

    /// A source whose rows `produce` makes; `failure` says why it stopped early (never, by default).
    public init(failure: @escaping @Sendable () -> (any Error)? = { nil },
                _ produce: @escaping @Sendable (_ body: (Table.Row) -> Void) -> Void) {
        self.produce = produce
        self.failure = failure
        partitions = 1
        part = nil
    }

    /// A source made in `partitions` independent partitions, `part(p, body)` making partition `p`'s rows (each
    /// partition read on its own, from values in memory: a source that reads a database is made in one piece).
    public init(partitions: Int, _ part: @escaping @Sendable (_ p: Int, _ body: (Table.Row) -> Void) -> Void) {
        self.partitions = partitions
        self.part = part
        failure = { nil }
        produce = { body in for p in 0..<partitions { part(p, body) } }
    }
}

/// One value per partition (or thread), set from the threads that make them.
final class PartitionResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Sets slot `i`.
    func set(_ i: Int, _ value: Value) { lock.lock(); slots[i] = value; lock.unlock() }

    /// Every slot, in order (nil where none was set).
    var values: [Value?] { lock.lock(); defer { lock.unlock() }; return slots }
}

/// What the cells of a column hold, and so how each writer shows them.
public enum ColumnKind: Sendable, Equatable {
    /// Money in this currency (cells `.money`): rounded once to the currency's minor units when shown.
    case money(Currency)
    /// Credits (cells `.number`): at most 9 fraction digits.
    case credits
    /// Node-hours or hours (cells `.number`): at most 9 fraction digits.
    case nodeHours
    /// An exact decimal shown as given, such as a rate (cells `.number`).
    case decimal
    /// A whole number (cells `.integer`).
    case integer
    /// A calendar date (cells `.date`).
    case date
    /// Text (cells `.text`).
    case text
    /// A percentage (cells `.number`, 51.4 for 51.4 %): one fraction digit when shown.
    case percent
    /// Yes or no (cells `.flag`): `true`/`false` for machines; for people the column's label when true, else empty.
    case flag

    /// True for kinds whose cells are numbers (never neutralised as CSV text).
    public var isNumeric: Bool {
        switch self {
        case .money, .credits, .nodeHours, .decimal, .integer, .percent: true
        case .date, .text, .flag: false
        }
    }
}

/// One cell's exact value.
public enum Cell: Sendable, Equatable {
    /// No value.
    case empty
    /// Text.
    case text(String)
    /// Exact money.
    case money(Money)
    /// An exact decimal (credits, hours, a rate or a percentage, by column kind).
    case number(Decimal)
    /// A whole number.
    case integer(Int)
    /// A calendar date.
    case date(CivilDate)
    /// Yes or no.
    case flag(Bool)
}

/// A chart of a daily series: metered credits next to one comparison series, per day.
public struct Chart: Sendable {
    /// One day.
    public struct Point: Sendable, Equatable {
        /// The calendar day.
        public var date: CivilDate
        /// Metered credits (exact).
        public var metered: Decimal
        /// Credits of the comparison series (exact).
        public var comparison: Decimal
        /// True when the day may still change.
        public var provisional: Bool

        /// Creates a point.
        public init(date: CivilDate, metered: Decimal, comparison: Decimal, provisional: Bool) {
            self.date = date
            self.metered = metered
            self.comparison = comparison
            self.provisional = provisional
        }
    }

    /// What the chart shows (a pool name).
    public var subject: String
    /// Unit of the values axis: `credits per day`.
    public var unit: String
    /// Name of the comparison series for people: `Estimate`.
    public var comparisonLabel: String
    /// Lower-case noun of the comparison: `estimated`.
    public var comparisonNoun: String
    /// Days in order.
    public var points: [Point]

    /// Creates a chart.
    public init(subject: String, unit: String, comparisonLabel: String, comparisonNoun: String, points: [Point]) {
        self.subject = subject
        self.unit = unit
        self.comparisonLabel = comparisonLabel
        self.comparisonNoun = comparisonNoun
        self.points = points
    }
}

/// What a document is stamped with so a reader can reproduce it. No wall-clock time: the same inputs give the same
/// bytes.
public struct DocumentStamp: Sendable {
    /// One credit price applied over a run of days, with its FX rate.
    public struct PriceRun: Sendable, Equatable {
        /// First day (UTC) the price applied.
        public var from: CivilDate
        /// Last day (UTC) the price applied.
        public var through: CivilDate
        /// The price's label (edition): `Standard`.
        public var edition: String
        /// Price per credit, exact, in its own currency.
        public var price: Money
        /// Where the price comes from.
        public var source: String
        /// Machine key of the price's basis (`list`, `contract`, `rate_sheet`, ...).
        public var basis: String
        /// True when an overage rate applied.
        public var overage: Bool
        /// Exchange rate into the presentation currency (identity when the same).
        public var fx: FX

        /// Creates a price run.
        public init(from: CivilDate, through: CivilDate, edition: String, price: Money, source: String,
                    basis: String, overage: Bool, fx: FX) {
            self.from = from
            self.through = through
            self.edition = edition
            self.price = price
            self.source = source
            self.basis = basis
            self.overage = overage
            self.fx = fx
        }

        /// Creates the price run of a ledger run of days (``DayRate``: the credit price with its source and basis,
        /// and the FX rate with its date), as every priced document states it.
        public init(run: (from: CivilDate, through: CivilDate, rate: DayRate)) {
            let p = run.rate.unitPrice
            let fx = run.rate.fx
            self.init(from: run.from, through: run.through, edition: p.price.label, price: p.price.price,
                      source: p.price.source.withoutCarryNoteText, basis: p.basis.key, overage: p.overage,
                      fx: FX(base: fx.base.code, quote: fx.quote.code, rate: fx.rate,
                             source: fx.source.withoutCarryNoteText, date: fx.date))
        }
    }

    /// An exchange rate: units of `quote` per unit of `base`.
    public struct FX: Sendable, Equatable {
        /// ISO 4217 code of the price currency.
        public var base: String
        /// ISO 4217 code of the presentation currency.
        public var quote: String
        /// Exact rate.
        public var rate: Decimal
        /// Where the rate comes from.
        public var source: String
        /// The rate's date; nil for an undated rate.
        public var date: CivilDate?

        /// Creates an FX rate.
        public init(base: String, quote: String, rate: Decimal, source: String, date: CivilDate?) {
            self.base = base
            self.quote = quote
            self.rate = rate
            self.source = source
            self.date = date
        }
    }

    /// A stamp line for people.
    public struct Line: Sendable, Equatable {
        /// Machine key: `rate_card`, `credit_price`, `data`, `command`.
        public var key: String
        /// Label: `Credit price`.
        public var label: String
        /// The fact, one sentence.
        public var text: String
        /// True when the text is code (a command line): Markdown and HTML show it as code.
        public var code: Bool

        /// Creates a line.
        public init(key: String, label: String, text: String, code: Bool = false) {
            self.key = key
            self.label = label
            self.text = text
            self.code = code
        }
    }

    /// First day of the period; nil for documents without one.
    public var from: CivilDate?
    /// Last day of the period; nil without one.
    public var through: CivilDate?
    /// IANA name of the zone of the calendar days; nil without one.
    public var timeZone: String?
    /// Rate card id, or `override`; nil when no rate card applies.
    public var rateCard: String?
    /// Credit prices in day order.
    public var creditPrices: [PriceRun]
    /// The order in which a day's credit price is chosen, in words; nil when not relevant.
    public var priceOrder: String?
    /// SHA-256 of the data read, hex; nil when no data was read.
    public var dataSha256: String?
    /// Rows of data read; nil when none.
    public var dataRows: Int?
    /// The presentation currency.
    public var currency: Currency
    /// spcs-cost's version.
    public var toolVersion: String
    /// The command as typed (without secrets).
    public var commandLine: String
    /// The stamp for people, in order (includes every fact above in words).
    public var lines: [Line]

    /// The rounding rule with the currency's minor units: `amounts are exact until shown; … (JPY 0)`.
    public var rounding: String { "\(MoneyFormat.ruleDescription) (\(currency.code) \(currency.minorUnits))" }

    /// Creates a stamp.
    public init(from: CivilDate? = nil, through: CivilDate? = nil, timeZone: String? = nil, rateCard: String? = nil,
                creditPrices: [PriceRun] = [], priceOrder: String? = nil, dataSha256: String? = nil,
                dataRows: Int? = nil, currency: Currency, toolVersion: String, commandLine: String, lines: [Line]) {
        self.from = from
        self.through = through
        self.timeZone = timeZone
        self.rateCard = rateCard
        self.creditPrices = creditPrices
        self.priceOrder = priceOrder
        self.dataSha256 = dataSha256
        self.dataRows = dataRows
        self.currency = currency
        self.toolVersion = toolVersion
        self.commandLine = commandLine
        self.lines = lines
    }
}
