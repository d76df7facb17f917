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
///
/// Writers stream: each file's bytes go through a ``ByteSink`` into the ``DocumentOutput`` (a folder, or memory),
/// and a table's rows are written one at a time as ``Table/forEachRow(_:)`` makes them, so memory does not grow with
/// the number of rows written.
public protocol DocumentWriter: Sendable {
    /// The `--format` name: `csv`.
    var format: String { get }
    /// One line for `--help`: what files the format makes.
    var summary: String { get }
    /// True when the format is text a terminal or a pipe can show (`--out -` may print it).
    var isText: Bool { get }
    /// Writes the files of `document` into `output`, in a fixed order.
    /// - Throws: what `output` throws when a file cannot be written.
    func write(_ document: Document, to output: any DocumentOutput) throws
}

extension DocumentWriter {
    /// The files of `document`, in a fixed order, made in memory (for standard output and tests).
    public func files(_ document: Document) -> [DocumentFile] {
        let memory = MemoryOutput()
        // Writing into memory fails only when memory does.
        try! write(document, to: memory)
        return memory.files
    }
}

/// Where a writer's files go: a folder (the CLI's `--out DIR`) or memory (``MemoryOutput``).
public protocol DocumentOutput: AnyObject {
    /// Writes the file `name` (no folder): `body` appends its bytes to the sink; the file is complete when `body`
    /// returns.
    /// - Throws: when the file cannot be written, or what `body` throws.
    func file(_ name: String, _ body: (ByteSink) throws -> Void) throws
    /// A folder for a writer's scratch files (the xlsx sheets before they are packed), removed by the writer; nil
    /// keeps everything in memory.
    var scratchFolder: String? { get }
}

/// A ``DocumentOutput`` that keeps every file in memory.
public final class MemoryOutput: DocumentOutput {
    /// The files written, in order.
    public private(set) var files: [DocumentFile] = []
    /// Creates an empty output.
    public init() {}
    /// Writes the file into memory.
    public func file(_ name: String, _ body: (ByteSink) throws -> Void) throws {
        let sink = ByteSink()
        try body(sink)
        files.append(DocumentFile(name: name, data: Data(try sink.finish())))
    }
    /// nil: no scratch files.
    public var scratchFolder: String? { nil }
}

/// A buffer of bytes in front of a file: writers append text and bytes, and every 256 KiB the buffer is handed to
/// its drain (a file) and emptied. Without a drain the sink keeps every byte (memory output).
public final class ByteSink {
    private var buffer: [UInt8] = []
    private let drain: ((UnsafeRawBufferPointer) throws -> Void)?
    private var failure: (any Error)?
    /// Bytes written so far.
    public private(set) var count = 0
    /// Bytes kept before the buffer is drained.
    static let capacity = 1 << 18

    /// A sink that keeps every byte (``finish()`` returns them).
    public init() {
        drain = nil
    }

    /// A sink that hands its bytes to `drain` in pieces of up to 256 KiB, in order.
    public init(drain: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.drain = drain
        buffer.reserveCapacity(Self.capacity)
    }

    /// Appends the UTF-8 bytes of `text`.
    @inline(__always)
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(bytes: $0) }
    }

    /// Appends `bytes`.
    public func write(bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        count += bytes.count
        if drain != nil, buffer.count >= Self.capacity { flush() }
    }

    /// Appends `data`.
    public func write(_ data: Data) {
        data.withUnsafeBytes { write(bytes: $0.bindMemory(to: UInt8.self)) }
    }

    /// Appends one byte.
    @inline(__always)
    public func write(byte: UInt8) {
        buffer.append(byte)
        count += 1
        if drain != nil, buffer.count >= Self.capacity { flush() }
    }

    /// Appends the UTF-8 bytes of `text` (`out += "text"`).
    public static func += (sink: ByteSink, text: String) { sink.write(text) }

    /// Hands the buffer to the drain (nothing without one); the first error is kept for ``finish()``.
    public func flush() {
        guard let drain, !buffer.isEmpty else { return }
        if failure == nil {
            do { try buffer.withUnsafeBytes { try drain($0) } } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and returns the bytes kept (every byte without a drain, none with one).
    /// - Throws: the first error of the drain.
    public func finish() throws -> [UInt8] {
        flush()
        if let failure { throw failure }
        return drain == nil ? buffer : []
    }
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
        // Rounded in 64-bit integers where the value fits (the text of NSDecimalRound, then the fixed digits).
        MoneyFormat.roundedFixed(d, scale: peopleCreditDigits, grouped: true)
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
        case .percent: MoneyFormat.roundedFixed(d, scale: 1, grouped: false)
        case .decimal: QuantityFormat.exact(d)
        default: QuantityFormat.quantity(d)
        }
    }

    /// The columns a narrow view for people shows (detail columns left out), with their indices.
    static func humanColumns(_ t: Table) -> [(index: Int, column: Table.Column)] {
        t.columns.enumerated().filter { !$0.element.detail }.map { ($0.offset, $0.element) }
    }
}
