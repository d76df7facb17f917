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

    /// The files of `d` (see ``DocumentWriter/files(_:)``).
    public func files(_ d: Document) -> [DocumentFile] { [DocumentFile(name: "\(d.fileBase).txt", text: render(d))] }

    /// The whole document as text.
    public func render(_ d: Document) -> String {
        var out = heading(d.title, "=")
        for w in d.warnings { out += "\nWarning: \(clean(w))\n" }
        for n in d.notes { out += "\n\(clean(n))\n" }
        out += figuresChecksAndRounding(d)
        for s in d.sections {
            var body = ""
            for b in s.blocks {
                switch b {
                case .paragraph(let p): body += "\n\(clean(p))\n"
                case .list(let items): body += "\n" + items.map { "- \(clean($0))\n" }.joined()
                case .table(let t): body += "\n" + table(t)
                case .chart: break
                }
            }
            if !body.isEmpty { out += "\n" + heading(s.title, s.level == 1 ? "-" : "~") + body }
        }
        out += "\n" + heading("Stamp", "-") + "\n"
        for l in d.stamp.lines { out += "\(clean(l.label)): \(clean(l.text))\n" }
        return out
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

    /// `t` as padded columns, detail columns left out.
    func table(_ t: Table) -> String {
        let columns = CellText.humanColumns(t)
        var text = TextTable(header: columns.map { clean($0.column.label) },
                             alignments: columns.map { $0.column.kind.isNumeric ? .right : .left })
        for row in t.rows { text.rows.append(columns.map { clean(CellText.human(row.cells[$0.index], $0.column)) }) }
        return text.terminal()
    }

    /// `s` with control characters (escape sequences, line breaks inside a cell) shown as `?`.
    func clean(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
    }
}
