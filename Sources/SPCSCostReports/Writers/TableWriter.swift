import Foundation
import SPCSCostCore

/// `table`: the document as plain text for a terminal, `….txt` when written to a folder. Tables are padded columns
/// (detail columns left out); money grouped and rounded once; charts are left out (their figures are in the
/// per-day table). Terminal control characters in any text are shown as `?` so a name cannot move the cursor.
public struct TableWriter: DocumentWriter {
    /// Creates the writer.
    public init() {}
    /// `table`.
    public var format: String { "table" }
    /// What the format makes, for `--help`.
    public var summary: String { "the document as plain-text tables (standard output; ….txt in a folder)" }
    /// Whether `--out -` may print it.
    public var isText: Bool { true }

    /// Writes `<base>.txt` (see ``DocumentWriter/write(_:to:)``), tables row by row.
    public func write(_ d: Document, to output: any DocumentOutput) throws {
        try output.file("\(d.fileBase).txt") { write(d, into: $0) }
    }

    /// The whole document as text.
    public func render(_ d: Document) -> String {
        let sink = ByteSink()
        write(d, into: sink)
        return String(decoding: try! sink.finish(), as: UTF8.self)
    }

    /// Writes the whole document as text into `out`.
    func write(_ d: Document, into out: ByteSink) {
        out += heading(d.title, "=")
        for w in d.warnings { out += "\nWarning: \(clean(w))\n" }
        for n in d.notes { out += "\n\(clean(n))\n" }
        out += figuresChecksAndRounding(d)
        for s in d.sections {
            // A section of charts only has nothing to show here.
            guard s.blocks.contains(where: { if case .chart = $0 { false } else { true } }) else { continue }
            out += "\n" + heading(s.title, s.level == 1 ? "-" : "~")
            for b in s.blocks {
                switch b {
                case .paragraph(let p): out += "\n\(clean(p))\n"
                case .list(let items): out += "\n" + items.map { "- \(clean($0))\n" }.joined()
                case .table(let t): out += "\n"; table(t, into: out)
                case .chart: break
                }
            }
        }
        out += "\n" + heading("Stamp", "-") + "\n"
        for l in d.stamp.lines { out += "\(clean(l.label)): \(clean(l.text))\n" }
    }

    /// The head of the document for a command's confirmation: the title, the headline figures, the checks and the
    /// rounding lines (warnings go to standard error; `--format table` prints the rest).
    public func summary(_ d: Document) -> String {
        heading(d.title, "=") + figuresChecksAndRounding(d)
    }

    /// The headline figures, checks and rounding lines, each under its heading (nothing for an empty part).
    func figuresChecksAndRounding(_ d: Document) -> String {
        var out = ""
        if !d.figures.isEmpty { out += "\n" + heading(d.figuresTitle, "-") + "\n" + table(d.figuresTable) }
        if !d.checks.isEmpty {
            out += "\n" + heading("Checks", "-") + "\n"
            for c in d.checks { out += "\(c.result): \(c.key): \(clean(c.message))\n" }
        }
        if !d.roundingLines.isEmpty {
            out += "\n" + heading("Rounding lines", "-") + "\n"
            for l in d.roundingLines { out += "- \(clean(l.sentence)).\n" }
        }
        return out
    }

    /// `title` underlined with `mark`.
    func heading(_ title: String, _ mark: Character) -> String {
        let t = clean(title)
        return t + "\n" + String(repeating: mark, count: t.count) + "\n"
    }

    /// `t` as padded columns, detail columns left out, written row by row: a first pass over the rows finds each
    /// column's width, a second writes them (the same text as ``TextTable/terminal()``). Each line is assembled in
    /// bytes; a text cell equal to the one above it (a pool's name, a policy) is cleaned and measured once.
    func table(_ t: Table, into out: ByteSink) {
        guard t.source != nil else { out += table(t); return }
        let columns = CellText.humanColumns(t)
        let header = columns.map { clean($0.column.label) }
        var widths = header.map(\.count)
        var texts = CellTexts(count: columns.count)
        t.forEachRow { row in
            for (n, c) in columns.enumerated() {
                widths[n] = max(widths[n], texts.text(n, row.cells[c.index], c.column, writer: self).width)
            }
        }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        var ascii = true
        let numeric = columns.map { $0.column.kind.isNumeric }
        func write(_ n: Int, _ text: String, _ width: Int, _ isASCII: Bool) {
            ascii = ascii && isASCII
            if n > 0 { line.append(32); line.append(32) }
            let pad = widths[n] - width
            if numeric[n], pad > 0 { line.append(contentsOf: repeatElement(32, count: pad)) }
            line.append(contentsOf: text.utf8)
            if !numeric[n], pad > 0 { line.append(contentsOf: repeatElement(32, count: pad)) }
        }
        func end() {
            // Trailing whitespace removed, as Character.isWhitespace sees it: in printable ASCII only spaces; a line
            // with other characters goes through String.
            if ascii {
                while line.last == 32 { line.removeLast() }
                line.append(10)
                line.withUnsafeBufferPointer { out.write(bytes: $0) }
            } else {
                var text = String(decoding: line, as: UTF8.self)
                while let c = text.last, c.isWhitespace { text.removeLast() }
                out += text + "\n"
            }
            line.removeAll(keepingCapacity: true)
            ascii = true
        }
        for (n, h) in header.enumerated() { write(n, h, h.count, false) }
        end()
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        t.forEachRow { row in
            for (n, c) in columns.enumerated() {
                let t = texts.text(n, row.cells[c.index], c.column, writer: self)
                write(n, t.text, t.width, t.ascii)
            }
            end()
        }
    }

    /// The cleaned text of cells and its width in characters, keeping the last text cell of each column (a column of
    /// repeated names is cleaned and measured once per run of equal names).
    struct CellTexts {
        private var last: [(text: String, cleaned: String, width: Int, ascii: Bool)?]

        init(count: Int) { last = Array(repeating: nil, count: count) }

        /// Column `n`'s cell as the terminal shows it, its width, and whether it is printable ASCII.
        mutating func text(_ n: Int, _ cell: Cell, _ column: Table.Column,
                           writer: TableWriter) -> (text: String, width: Int, ascii: Bool) {
            if case .text(let s) = cell {
                if let l = last[n], l.text == s { return (l.cleaned, l.width, l.ascii) }
                let c = writer.cleanWithWidth(s)
                last[n] = (s, c.text, c.width, c.ascii)
                return c
            }
            return writer.cleanWithWidth(CellText.human(cell, column))
        }
    }

    /// `s` cleaned (``clean(_:)``), its width in characters (its byte count when printable ASCII), and whether it
    /// is printable ASCII.
    func cleanWithWidth(_ s: String) -> (text: String, width: Int, ascii: Bool) {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return (s, s.utf8.count, true) }
        let c = clean(s)
        return (c, c.count, false)
    }

    /// `t` as padded columns, detail columns left out.
    func table(_ t: Table) -> String {
        let columns = CellText.humanColumns(t)
        var text = TextTable(header: columns.map { clean($0.column.label) },
                             alignments: columns.map { $0.column.kind.isNumeric ? .right : .left })
        t.forEachRow { row in text.rows.append(columns.map { clean(CellText.human(row.cells[$0.index], $0.column)) }) }
        return text.terminal()
    }

    /// `s` with control characters (escape sequences, line breaks inside a cell) shown as `?`.
    func clean(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
    }
}
