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

    /// The files of `d` (see ``DocumentWriter/files(_:)``).
    public func files(_ d: Document) -> [DocumentFile] {
        var files: [DocumentFile] = []
        let tables = (d.figures.isEmpty ? [] : [d.figuresTable]) + d.tables
        for t in tables { files.append(DocumentFile(name: "\(d.fileBase)_\(t.id).csv", data: csv(t))) }
        var notes = Data("kind,item,text\r\n".utf8)
        for r in d.noteRows {
            append(text: r.kind, to: &notes)
            notes.append(UInt8(ascii: ","))
            append(text: r.item, to: &notes)
            notes.append(UInt8(ascii: ","))
            append(text: r.text, to: &notes)
            notes.append(contentsOf: [13, 10])
        }
        files.append(DocumentFile(name: "\(d.fileBase)_notes.csv", data: notes))
        return files
    }

    /// `t` as CSV bytes: the header of column keys, then the data rows.
    public func csv(_ t: Table) -> Data {
        var out = Data()
        for (i, c) in t.columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            append(text: c.key, to: &out)
        }
        out.append(contentsOf: [13, 10])
        for row in t.rows where row.role.isData {
            for (i, c) in t.columns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                let cell = row.cells[i]
                let text = CellText.machine(cell, c)
                switch cell {
                case .money, .number, .integer: append(field: text, to: &out)
                default: append(text: text, to: &out)
                }
            }
            out.append(contentsOf: [13, 10])
        }
        return out
    }

    /// Appends a text field, neutralised against formula injection, quoted when needed.
    func append(text: String, to out: inout Data) {
        append(field: Self.neutralised(text), to: &out)
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
    func append(field text: String, to out: inout Data) {
        let bytes = text.utf8
        if bytes.contains(where: { $0 == 44 || $0 == 34 || $0 == 13 || $0 == 10 }) {
            out.append(34)
            for b in bytes {
                if b == 34 { out.append(34) }
                out.append(b)
            }
            out.append(34)
        } else {
            out.append(contentsOf: bytes)
        }
    }
}
