import Foundation
import SPCSCostCore
import ZIPFoundation

/// `xlsx`: one Office Open XML workbook, `<base>.xlsx`, for finance's spreadsheet: one sheet per table (the headline
/// figures first, as `Summary`) and a `Notes` sheet with every other line of the document (title, warnings, notes,
/// checks, rounding lines, section paragraphs, stamp), the same rows as the CSV notes file.
///
/// Money cells are numbers rounded once to the currency's minor units, formatted with those decimals (`#,##0` for
/// JPY, `#,##0.00` for USD); credits and hours are numbers to at most 9 digits; percentages numbers with one
/// decimal shown; dates real dates (serial numbers with a `yyyy-mm-dd` format); text is inline text, so no formula
/// is ever written. Every sheet's header row is bold and frozen. Deterministic bytes: fixed entry dates
/// (1980-01-01) and a fixed order of parts, so the same document gives the same file.
public struct XLSXWriter: DocumentWriter {
    /// Creates the writer.
    public init() {}
    /// `xlsx`.
    public var format: String { "xlsx" }
    /// What the format makes, for `--help`.
    public var summary: String { "one Excel workbook, ….xlsx: a sheet per table and a Notes sheet" }
    /// Whether `--out -` may print it.
    public var isText: Bool { false }

    /// Writes `<base>.xlsx` (see ``DocumentWriter/write(_:to:)``). With a scratch folder (a folder output), each
    /// sheet is streamed row by row into a scratch file, deflated from it into the archive (itself a scratch file)
    /// and the archive copied into the output, so memory does not grow with the rows; in memory otherwise.
    public func write(_ d: Document, to output: any DocumentOutput) throws {
        try output.file("\(d.fileBase).xlsx") { try workbook(d, scratch: output.scratchFolder, into: $0) }
    }

    /// Style indices of `styles.xml`'s `cellXfs`.
    enum Style {
        static let plain = 0
        static let header = 1
        static let date = 2
        static let percent = 3
        static let quantity = 4
        static let bold = 5
        /// Money with `minorUnits` decimals (0...4).
        static func money(_ minorUnits: Int) -> Int { 6 + min(max(minorUnits, 0), 4) }
    }

    /// The workbook's bytes (a ZIP archive), made in memory.
    public func workbook(_ d: Document) -> Data { files(d).first?.data ?? Data() }

    /// Writes the workbook into `sink`; `scratch` is the folder for the scratch files (nil: in memory).
    /// - Throws: when a scratch file cannot be written or read, or the archive cannot be made.
    func workbook(_ d: Document, scratch: String?, into sink: ByteSink) throws {
        var sheets: [(name: String, table: Table, widths: [Int]?)] = []
        var used = Set<String>()
        func name(_ title: String) -> String {
            var base = String(title.map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
            if base.isEmpty { base = "Sheet" }
            var n = base, i = 2
            while used.contains(n.lowercased()) { n = String(base.prefix(28)) + " \(i)"; i += 1 }
            used.insert(n.lowercased())
            return n
        }
        let tables = (d.figures.isEmpty ? [] : [d.figuresTable]) + d.tables
        for t in tables { sheets.append((name(t.id == "summary" ? "Summary" : t.title), t, nil)) }
        var notes = Table(id: "notes", title: "Notes", columns: [
            .init(key: "kind", label: "Kind", kind: .text), .init(key: "item", label: "Item", kind: .text),
            .init(key: "text", label: "Text", kind: .text)])
        notes.rows = d.noteRows.map { .init([.text($0.kind), .text($0.item), .text($0.text)]) }
        sheets.append((name("Notes"), notes, [10, 28, 120]))

        let parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(sheets.count)),
            ("_rels/.rels", rootRels),
            ("xl/workbook.xml", workbookXML(sheets.map(\.name))),
            ("xl/_rels/workbook.xml.rels", workbookRels(sheets.count)),
            ("xl/styles.xml", styles),
        ]
        let tag = UUID().uuidString
        let archiveURL = scratch.map { URL(fileURLWithPath: $0).appendingPathComponent(".\(d.fileBase).xlsx.\(tag).zip") }
        defer { if let archiveURL { try? FileManager.default.removeItem(at: archiveURL) } }
        let archive = try archiveURL.map { try Archive(url: $0, accessMode: .create) } ?? Archive(accessMode: .create)
        for (path, text) in parts { try Self.add(Data(text.utf8), as: path, to: archive) }
        for (i, s) in sheets.enumerated() {
            let path = "xl/worksheets/sheet\(i + 1).xml"
            guard let scratch else {
                let memory = ByteSink()
                sheet(s.table, widths: s.widths, into: memory)
                try Self.add(Data(try memory.finish()), as: path, to: archive)
                continue
            }
            let spool = URL(fileURLWithPath: scratch).appendingPathComponent(".\(d.fileBase).sheet\(i + 1).\(tag).xml")
            defer { try? FileManager.default.removeItem(at: spool) }
            guard FileManager.default.createFile(atPath: spool.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: spool.path])
            }
            let size: Int
            do {
                let handle = try FileHandle(forWritingTo: spool)
                defer { try? handle.close() }
                let file = ByteSink { try handle.write(contentsOf: Data($0)) }
                sheet(s.table, widths: s.widths, into: file)
                _ = try file.finish()
                size = file.count
            }
            let reader = try FileHandle(forReadingFrom: spool)
            defer { try? reader.close() }
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(size), modificationDate: Self.entryDate,
                                 permissions: 0o644, compressionMethod: .deflate, bufferSize: 1 << 18,
                                 provider: { _, size in try reader.read(upToCount: size) ?? Data() })
        }
        guard let archiveURL else {
            sink.write(archive.data ?? Data())
            return
        }
        let zipped = try FileHandle(forReadingFrom: archiveURL)
        defer { try? zipped.close() }
        while let chunk = try zipped.read(upToCount: 1 << 20), !chunk.isEmpty { sink.write(chunk) }
    }

    /// A worksheet: bold frozen header of column labels (keys for columns without a label), then every row.
    func sheet(_ t: Table, widths: [Int]? = nil, into out: ByteSink) {
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        out += "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        out += "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" "
            + "state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews>"
        out += "<cols>"
        for (i, c) in t.columns.enumerated() {
            let w = widths?[i] ?? max(10, min(60, (c.label.isEmpty ? c.key : c.label).count + 2))
            out += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(w)\" customWidth=\"1\"/>"
        }
        out += "</cols><sheetData>"
        out += "<row r=\"1\">"
        for (i, c) in t.columns.enumerated() {
            out += inlineString(ref(i, 1), c.label.isEmpty ? c.key : c.label, style: Style.header)
        }
        out += "</row>"
        let letters = t.columns.indices.map { String(ref($0, 1).dropLast()) }
        var r = 1
        t.forEachRow { row in
            r += 1
            let rowText = String(r)
            out += "<row r=\"\(rowText)\">"
            let bold = row.role == .total || row.role == .rounding || row.role == .emphasis
            for (i, c) in t.columns.enumerated() {
                let at = letters[i] + rowText
                switch row.cells[i] {
                case .empty: break
                case .text(let s): out += inlineString(at, s, style: bold ? Style.bold : Style.plain)
                case .money(let m):
                    out += number(at, MoneyFormat.roundedText(m.amount, scale: m.currency.minorUnits),
                                  style: Style.money(m.currency.minorUnits))
                case .number(let v):
                    let text = c.kind == .percent ? MoneyFormat.roundedText(v, scale: 9)
                        : CellText.number(v, c.kind, grouped: false)
                    out += number(at, text, style: c.kind == .percent ? Style.percent : Style.quantity)
                case .integer(let v): out += number(at, String(v), style: Style.plain)
                case .date(let day):
                    // Spreadsheet serial: days since 1899-12-30 (1970-01-01 is 25569).
                    out += number(at, String(day.daysSinceEpoch + 25569), style: Style.date)
                case .flag(let b): out += "<c r=\"\(at)\" t=\"b\"><v>\(b ? 1 : 0)</v></c>"
                }
            }
            out += "</row>"
        }
        out += "</sheetData></worksheet>"
    }

    /// A cell reference: column index 0 and row 1 → `A1`.
    func ref(_ column: Int, _ row: Int) -> String {
        var c = column + 1
        var letters = ""
        while c > 0 {
            let m = (c - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + m))) + letters
            c = (c - 1) / 26
        }
        return "\(letters)\(row)"
    }

    func number(_ ref: String, _ value: String, style: Int) -> String {
        "<c r=\"\(ref)\"\(style == 0 ? "" : " s=\"\(style)\"")><v>\(value)</v></c>"
    }

    func inlineString(_ ref: String, _ text: String, style: Int) -> String {
        "<c r=\"\(ref)\"\(style == 0 ? "" : " s=\"\(style)\"") t=\"inlineStr\"><is><t xml:space=\"preserve\">"
            + Self.xml(text) + "</t></is></c>"
    }

    /// `text` escaped for XML, characters XML 1.0 cannot hold replaced by U+FFFD.
    static func xml(_ text: String) -> String {
        // Nothing to escape or replace: printable bytes other than `&`, `<`, `>`, `"` and the lead byte of U+FFFE/F.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 38 && $0 != 60 && $0 != 62 && $0 != 34 && $0 != 0xEF }) { return text }
        var out = ""
        for u in text.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                if u.value < 0x20 && u != "\t" && u != "\n" && u != "\r" || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    func contentTypes(_ sheets: Int) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        out += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        out += "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        out += "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        out += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        out += "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        for i in 1...sheets {
            out += "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return out + "</Types>"
    }

    let rootRels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "</Relationships>"

    func workbookXML(_ names: [String]) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        out += "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
            + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
        for (i, n) in names.enumerated() {
            out += "<sheet name=\"\(Self.xml(n))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return out + "</sheets></workbook>"
    }

    func workbookRels(_ sheets: Int) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        out += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        for i in 1...sheets {
            out += "<Relationship Id=\"rId\(i)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>"
        }
        out += "<Relationship Id=\"rId\(sheets + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return out + "</Relationships>"
    }

    /// Number formats 164 (date), 165 (percent, one decimal), 166 (quantity, up to 9 decimals) and 167–171 (money
    /// with 0–4 decimals); cell styles in ``Style`` order.
    var styles: String {
        let money = (0...4).map { mu in "#,##0" + (mu == 0 ? "" : "." + String(repeating: "0", count: mu)) }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        out += "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        out += "<numFmts count=\"8\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/>"
            + "<numFmt numFmtId=\"165\" formatCode=\"0.0\"/><numFmt numFmtId=\"166\" formatCode=\"#,##0.#########\"/>"
        for (i, f) in money.enumerated() { out += "<numFmt numFmtId=\"\(167 + i)\" formatCode=\"\(f)\"/>" }
        out += "</numFmts>"
        out += "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>"
            + "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
        out += "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
        out += "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        out += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        var xfs = ["<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>",
                   "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>",
                   "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
                   "<xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
                   "<xf numFmtId=\"166\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>",
                   "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>"]
        for i in 0...4 {
            xfs.append("<xf numFmtId=\"\(167 + i)\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>")
        }
        out += "<cellXfs count=\"\(xfs.count)\">" + xfs.joined() + "</cellXfs>"
        out += "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        return out + "</styleSheet>"
    }

    /// The fixed date of every ZIP entry: 1980-01-01T00:00:00Z, the first the ZIP format can hold (ZIPFoundation
    /// turns it into the entry's date and time fields with `gmtime`, so no machine zone enters).
    static let entryDate = Date(timeIntervalSince1970: 315_532_800)

    /// Adds `data` as the entry `path`, deflated, with the fixed date.
    static func add(_ data: Data, as path: String, to archive: Archive) throws {
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                             modificationDate: entryDate, permissions: 0o644, compressionMethod: .deflate,
                             provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
    }
}
