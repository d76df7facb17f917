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
///
/// Writers append millions of short pieces, so the buffer is raw memory appended to with `memcpy` and its counters are
/// exempt from dynamic exclusivity checks (a sink is used by one writer on one thread at a time).
public final class ByteSink {
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var used = 0
    private let drain: ((UnsafeRawBufferPointer) throws -> Void)?
    private var failure: (any Error)?
    /// Bytes written so far.
    @exclusivity(unchecked) public private(set) var count = 0
    /// Bytes kept before the buffer is drained.
    static let capacity = 1 << 18

    /// A sink that keeps every byte (``finish()`` returns them).
    public init() {
        drain = nil
        capacity = 4096
        storage = .allocate(capacity: capacity)
    }

    /// A sink that hands its bytes to `drain` in pieces of up to 256 KiB, in order.
    public init(drain: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.drain = drain
        capacity = Self.capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Appends the UTF-8 bytes of `text`.
    @inline(__always)
    public func write(_ text: String) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ write(bytes: $0) }) { return done }
        var text = text
        text.withUTF8 { write(bytes: $0) }
    }

    /// Appends `bytes`.
    @inline(__always)
    public func write(bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return }
        if used + n > capacity { makeRoom(for: n) }
        if used + n <= capacity {
            (storage + used).update(from: base, count: n)
            used += n
        } else {
            // Larger than the whole buffer, which was just drained: straight to the drain.
            pass(UnsafeRawBufferPointer(bytes))
        }
        count += n
    }

    /// Drains the buffer (with a drain) or grows it (without one) before `n` more bytes.
    private func makeRoom(for n: Int) {
        if drain != nil {
            flush()
        } else {
            var c = capacity * 2
            while c < used + n { c *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
            bigger.update(from: storage, count: used)
            storage.deallocate()
            storage = bigger
            capacity = c
        }
    }

    /// Appends `data`.
    public func write(_ data: Data) {
        data.withUnsafeBytes { write(bytes: $0.bindMemory(to: UInt8.self)) }
    }

    /// Appends one byte.
    @inline(__always)
    public func write(byte: UInt8) {
        if used == capacity { makeRoom(for: 1) }
        storage[used] = byte
        used += 1
        count += 1
    }

    /// Appends the UTF-8 bytes of `text` (`out += "text"`).
    @inline(__always)
    public static func += (sink: ByteSink, text: String) { sink.write(text) }

    /// Hands `bytes` to the drain unless it failed before; the first error is kept for ``finish()``.
    private func pass(_ bytes: UnsafeRawBufferPointer) {
        guard let drain, failure == nil else { return }
        do { try drain(bytes) } catch { failure = error }
    }

    /// Hands the buffer to the drain (nothing without one); the first error is kept for ``finish()``.
    public func flush() {
        guard drain != nil, used > 0 else { return }
        pass(UnsafeRawBufferPointer(start: storage, count: used))
        used = 0
    }

    /// Flushes and returns the bytes kept (every byte without a drain, none with one).
    /// - Throws: the first error of the drain.
    public func finish() throws -> [UInt8] {
        flush()
        if let failure { throw failure }
        return drain == nil ? Array(UnsafeBufferPointer(start: storage, count: used)) : []
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
        // roundedFixed rounds as MoneyFormat.round does, in 64-bit integers when the value fits (the same text).
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
