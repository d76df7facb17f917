import Foundation
import SPCSCostCore

/// A file a writer makes: its name (no folder) and bytes.
public struct DocumentFile: Sendable, Equatable {
    /// File name: `spcs-cost-report_2024-04-01_2024-04-30.md`.
    public let name: String
    /// Full contents.
    public let data: Data

    /// A file of UTF-8 text.
    public init(name: String, text: String) {
        self.name = name
        data = Data(text.utf8)
    }

    /// A file of bytes.
    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }

    /// The contents as UTF-8 text (binary files such as xlsx give replacement characters).
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// Renders any ``Document`` in one format. A pure function of the document: the same document gives the same bytes.
public protocol DocumentWriter: Sendable {
    /// The `--format` name: `csv`.
    var format: String { get }
    /// One line for `--help`: what files the format makes.
    var summary: String { get }
    /// True when the format is text a terminal or a pipe can show (`--out -` may print it).
    var isText: Bool { get }
    /// The files of `document`, in a fixed order.
    func files(_ document: Document) -> [DocumentFile]
}

/// The one list of formats. Adding a format is one new writer file and one line here; every command that renders
/// documents derives its `--format` values from this list.
public enum DocumentWriters {
    /// Every writer, in the order files are written.
    public static let all: [any DocumentWriter] = [
        TableWriter(),
        CSVDocumentWriter(),
        MarkdownWriter(),
        JSONDocumentWriter(),
        HTMLWriter(),
        XLSXWriter(),
    ]

    /// Every format name, in order: `table, csv, markdown, json, html, xlsx`.
    public static var names: [String] { all.map(\.format) }

    /// The writer of `format` (case-insensitive); nil for an unknown name.
    public static func writer(_ format: String) -> (any DocumentWriter)? {
        let name = format.trimmingCharacters(in: .whitespaces).lowercased()
        return all.first { $0.format == name }
    }
}

/// Cell and number text shared by the writers; every rounding goes through ``MoneyFormat``.
enum CellText {
    /// A cell for people (terminal, Markdown, HTML): grouped money, credits to ``peopleCreditDigits`` places,
    /// one-digit percentages, `provisional` for a true flag in a column labelled Provisional.
    static func human(_ cell: Cell, _ column: Table.Column) -> String {
        switch cell {
        case .empty: ""
        case .text(let s): s
        case .money(let m): MoneyFormat.grouped(m)
        case .number(let d) where column.kind == .credits: credits(d)
        case .number(let d): number(d, column.kind, grouped: false)
        case .integer(let i): String(i)
        case .date(let d): d.description
        case .flag(let b): b ? column.label.lowercased() : ""
        }
    }

    /// Fraction digits of credits shown to people: 2. A hundredth of a credit costs under 6 US cents at the
    /// highest list price (5.70 USD, Business Critical), below what a finance reader acts on; CSV, JSON and xlsx keep
    /// the exact credits (up to 9 digits, as CREDITS_USED is NUMBER(38,9)).
    static let peopleCreditDigits = 2

    /// Credits for people: rounded once (half-even, by ``MoneyFormat``) to ``peopleCreditDigits`` places, grouped:
    /// `1,048.67`, `22.00`.
    static func credits(_ d: Decimal) -> String {
        MoneyFormat.fixed(MoneyFormat.round(d, scale: peopleCreditDigits), scale: peopleCreditDigits, grouped: true)
    }

    /// A cell for machines (CSV, JSON text): plain rounded money, numbers without grouping, `true`/`false`.
    static func machine(_ cell: Cell, _ column: Table.Column) -> String {
        switch cell {
        case .empty: ""
        case .text(let s): s
        case .money(let m): MoneyFormat.plain(m)
        case .number(let d): number(d, column.kind, grouped: false)
        case .integer(let i): String(i)
        case .date(let d): d.description
        case .flag(let b): b ? "true" : "false"
        }
    }

    /// A number by its column kind: percentages to one digit, exact decimals as given, quantities to 9 digits.
    static func number(_ d: Decimal, _ kind: ColumnKind, grouped: Bool) -> String {
        switch kind {
        case .percent: MoneyFormat.fixed(MoneyFormat.round(d, scale: 1), scale: 1, grouped: false)
        case .decimal: QuantityFormat.exact(d)
        default: QuantityFormat.quantity(d)
        }
    }

    /// The columns a narrow view for people shows (detail columns left out), with their indices.
    static func humanColumns(_ t: Table) -> [(index: Int, column: Table.Column)] {
        t.columns.enumerated().filter { !$0.element.detail }.map { ($0.offset, $0.element) }
    }
}
