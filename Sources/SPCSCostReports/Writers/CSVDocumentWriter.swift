import Foundation
import SPCSCostCore

/// `csv`: one RFC 4180 file per table, `<base>_<table id>.csv` (the headline figures are the `summary` table), and
/// `<base>_notes.csv` with every other line of the document: the title, warnings, notes, checks, rounding lines,
/// each section's paragraphs and the stamp, as `kind,item,text` rows. One rule for every document.
///
/// Cells: header row of column keys; money rounded once to the currency's minor units as a plain decimal (`-697`,
/// `62.70`, no grouping), credits and hours to at most 9 digits, percentages to one, dates `YYYY-MM-DD`, flags
/// `true`/`false`. Number cells stay numbers, negative ones included. A text cell that begins with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` (OWASP's advice against CSV injection), so a spreadsheet
/// shows it as text and never runs it. Total and rounding rows, which are for people, are left out (the totals are
/// the `summary` file, the rounding lines are in the notes file). CRLF line ends.
public struct CSVDocumentWriter: DocumentWriter {
    /// Creates the writer.
    public init() {}
    /// `csv`.
    public var format: String { "csv" }
    /// What the format makes, for `--help`.
    public var summary: String { "one CSV file per table and …_notes.csv (stamp, warnings, rounding lines, checks)" }
    /// Whether `--out -` may print it.
    public var isText: Bool { false }

    /// Writes the files of `d` (see ``DocumentWriter/write(_:to:)``): each table streamed row by row.
    public func write(_ d: Document, to output: any DocumentOutput) throws {
        let tables = (d.figures.isEmpty ? [] : [d.figuresTable]) + d.tables
        for t in tables { try output.file("\(d.fileBase)_\(t.id).csv") { csv(t, into: $0) } }
        try output.file("\(d.fileBase)_notes.csv") { out in
            out += "kind,item,text\r\n"
            for r in d.noteRows {
                append(text: r.kind, to: out)
                out.write(byte: UInt8(ascii: ","))
                append(text: r.item, to: out)
                out.write(byte: UInt8(ascii: ","))
                append(text: r.text, to: out)
                out.write(byte: 13)
                out.write(byte: 10)
            }
        }
    }

    /// `t` as CSV bytes: the header of column keys, then the data rows.
    public func csv(_ t: Table) -> Data {
        let sink = ByteSink()
        csv(t, into: sink)
        return Data(try! sink.finish())
    }

    /// Writes `t` into `out`: the header of column keys, then the data rows, one at a time.
    func csv(_ t: Table, into out: ByteSink) {
        for (i, c) in t.columns.enumerated() {
            if i > 0 { out.write(byte: UInt8(ascii: ",")) }
            append(text: c.key, to: out)
        }
        out.write(byte: 13)
        out.write(byte: 10)
        let columns = t.columns
        t.forEachRow { row in
            guard row.role.isData else { return }
            for i in columns.indices {
                if i > 0 { out.write(byte: UInt8(ascii: ",")) }
                let cell = row.cells[i]
                switch cell {
                case .empty: break
                // Number cells hold only digits, `.` and `-`: never quoted, never neutralised.
                case .money, .number, .integer, .date, .flag: out.write(CellText.machine(cell, columns[i]))
                case .text(let s): append(text: s, to: out)
                }
            }
            out.write(byte: 13)
            out.write(byte: 10)
        }
    }

    /// Appends a text field, neutralised against formula injection, quoted when needed.
    func append(text: String, to out: ByteSink) {
        append(field: Self.neutralised(text), to: out)
    }

    /// `text` with a leading `'` when it begins with `=`, `+`, `-`, `@`, tab or carriage return.
    static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first else { return text }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13: return "'" + text
        default: return text
        }
    }

    /// Appends `text` as one RFC 4180 field: quoted (quotes doubled) when it holds `,`, `"`, CR or LF.
    func append(field text: String, to out: ByteSink) {
        var text = text
        text.withUTF8 { bytes in
            if bytes.contains(where: { $0 == 44 || $0 == 34 || $0 == 13 || $0 == 10 }) {
                out.write(byte: 34)
                for b in bytes {
                    if b == 34 { out.write(byte: 34) }
                    out.write(byte: b)
                }
                out.write(byte: 34)
            } else {
                out.write(bytes: bytes)
            }
        }
    }
}
