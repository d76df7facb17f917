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
    /// column's width, a second writes them (the same text as ``TextTable/terminal()``).
    func table(_ t: Table, into out: ByteSink) {
        guard t.source != nil else { out += table(t); return }
        let columns = CellText.humanColumns(t)
        let header = columns.map { clean($0.column.label) }
        var widths = header.map(\.count)
        t.forEachRow { row in
            for (n, c) in columns.enumerated() {
                widths[n] = max(widths[n], clean(CellText.human(row.cells[c.index], c.column)).count)
            }
        }
        func line(_ cells: [String]) {
            var text = ""
            for (n, cell) in cells.enumerated() {
                if n > 0 { text += "  " }
                let pad = String(repeating: " ", count: widths[n] - cell.count)
                text += columns[n].column.kind.isNumeric ? pad + cell : cell + pad
            }
            while let last = text.last, last.isWhitespace { text.removeLast() }
            out += text + "\n"
        }
        line(header)
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        t.forEachRow { row in line(columns.map { clean(CellText.human(row.cells[$0.index], $0.column)) }) }
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
