import Foundation
import SPCSCostCore

/// `json`: one JSON file, `<base>.json`, schema `spcs-cost.<kind>/2` (documented in README "JSON schema"):
///
/// `schema`, `kind`, `title`, `warnings`, `notes`, `figures` (an object keyed by each figure's camelCase key, each
/// `{label, credits, currency, amount, rounded, percent, percentOf, note}`), `checks` (`{check, failed, message}`),
/// `roundingLines` (`{table, column, label, sumOfRoundedRows, total, rounding}`, each a money object), `tables` (an
/// object keyed by table id: `{title, columns: [{key, label, kind, currency}], rows: [{<column key>: value}]}`),
/// `sections` (`{id, title, level, blocks: [{paragraph} | {list} | {table: id} | {chart: index}]}`), `charts`
/// (`{subject, unit, comparisonLabel, points: [{date, metered, comparison, provisional}]}`) and `stamp`.
///
/// Values: money is `{currency, amount (exact), rounded (once, by MoneyFormat)}`; credits, hours and percentages are
/// decimal strings (credits to at most 9 digits, percentages to one); whole numbers are numbers; flags are booleans;
/// dates `YYYY-MM-DD`; an empty cell is `null`. Total and rounding rows are left out of `tables` (they are in
/// `figures` and `roundingLines`). Keys keep the order above, so the same document gives the same bytes.
public struct JSONDocumentWriter: DocumentWriter {
    /// The schema version of every document.
    public static let schemaVersion = 2

    /// Creates the writer.
    public init() {}
    /// `json`.
    public var format: String { "json" }
    /// What the format makes, for `--help`.
    public var summary: String { "one JSON file, ….json (schema spcs-cost.<kind>/2)" }
    /// Whether `--out -` may print it.
    public var isText: Bool { true }

    /// Writes `<base>.json` (see ``DocumentWriter/write(_:to:)``): the tables' rows and the charts are streamed.
    public func write(_ d: Document, to output: any DocumentOutput) throws {
        try output.file("\(d.fileBase).json") { write(d, into: $0) }
    }

    /// The document as JSON text, ending in a newline.
    public func render(_ d: Document) -> String {
        let sink = ByteSink()
        write(d, into: sink)
        return String(decoding: try! sink.finish(), as: UTF8.self)
    }

    /// Writes the document into `out`: the small members as values, the tables row by row, the charts one at a time.
    func write(_ d: Document, into out: ByteSink) {
        let top = value(d).objectPairs
        out += "{\n"
        for (i, (key, v)) in top.enumerated() {
            out += "  "
            JSONValue.quote(key, into: out)
            out += " : "
            switch key {
            case "tables": tables(d.tables, into: out)
            case "charts": charts(d.charts, into: out)
            default: v.write(to: out, indent: 2)
            }
            out += i + 1 < top.count ? ",\n" : "\n"
        }
        out += "}\n"
    }

    /// The `tables` member at indent 2: an object keyed by table id.
    func tables(_ tables: [Table], into out: ByteSink) {
        guard !tables.isEmpty else { out += "{}"; return }
        out += "{\n"
        for (i, t) in tables.enumerated() {
            out += "    "
            JSONValue.quote(t.id, into: out)
            out += " : {\n      \"title\" : "
            JSONValue.quote(t.title, into: out)
            out += ",\n      \"columns\" : "
            JSONValue.array(t.columns.map { c in
                var o: [(String, JSONValue)] = [("key", .string(c.key)), ("label", .string(c.label)),
                                                ("kind", .string(Self.kindName(c.kind)))]
                if case .money(let cur) = c.kind { o.append(("currency", .string(cur.code))) }
                return .object(o)
            }).write(to: out, indent: 6)
            out += ",\n      \"rows\" : "
            rows(t, into: out)
            out += "\n    }"
            out += i + 1 < tables.count ? ",\n" : "\n"
        }
        out += "  }"
    }

    /// A table's data rows at indent 6, as objects keyed by column key, written one at a time as they are made.
    /// A source made in partitions (``RowSource/init(partitions:_:)``) is written on every core, a few partitions at
    /// a time, each into its own bytes, and written in order: the same bytes.
    func rows(_ t: Table, into out: ByteSink) {
        var first = true
        let rows = RowObjects(t.columns)
        /// The separator before a row, then the row.
        func write(_ row: Table.Row, _ rows: RowObjects, into out: ByteSink) {
            out += first ? "[\n        {\n" : ",\n        {\n"
            first = false
            rows.write(row, into: out)
        }
        let threads = min(t.source?.partitions ?? 1, max(1, ProcessInfo.processInfo.activeProcessorCount))
        if let source = t.source, let part = source.part, threads > 1 {
            for row in t.rows where row.role.isData { write(row, rows, into: out) }
            // Each partition's rows, every one after the separator of a row that is not the first.
            let separator = Array(",\n        {\n".utf8)
            let window = threads * 8
            for base in stride(from: 0, to: source.partitions, by: window) {
                let count = min(window, source.partitions - base)
                let made = PartitionResults<[UInt8]>(count: count)
                DispatchQueue.concurrentPerform(iterations: threads) { i in
                    // The thread's own copies of the keys and columns (their strings are not shared with the others).
                    let mine = RowObjects(rows.columns.map(\.deepCopy))
                    for k in stride(from: i, to: count, by: threads) {
                        let sink = ByteSink()
                        part(base + k) { row in
                            guard row.role.isData else { return }
                            separator.withUnsafeBufferPointer { sink.write(bytes: $0) }
                            mine.write(row, into: sink)
                        }
                        made.set(k, (try? sink.finish()) ?? [])
                    }
                }
                for case let bytes? in made.values where !bytes.isEmpty {
                    if first {
                        out += "[\n        {\n"
                        first = false
                        bytes.withUnsafeBufferPointer { out.write(bytes: UnsafeBufferPointer(rebasing: $0[separator.count...])) }
                    } else {
                        bytes.withUnsafeBufferPointer { out.write(bytes: $0) }
                    }
                }
            }
        } else {
            t.forEachRow { row in if row.role.isData { write(row, rows, into: out) } }
        }
        out += first ? "[]" : "\n      ]"
    }

    /// Writes a table's rows as JSON objects keyed by column key (the members at indent 10, the closing brace at 8).
    struct RowObjects {
        let columns: [Table.Column]
        /// Each column's key as a quoted JSON string.
        let keys: [[UInt8]]

        init(_ columns: [Table.Column]) {
            self.columns = columns
            keys = columns.map { c in
                let k = ByteSink()
                JSONValue.quote(c.key, into: k)
                return (try? k.finish()) ?? []
            }
        }

        /// The members of `row` and the closing brace.
        func write(_ row: Table.Row, into out: ByteSink) {
            for i in columns.indices {
                out += "          "
                keys[i].withUnsafeBufferPointer { out.write(bytes: $0) }
                out += " : "
                switch row.cells[i] {
                case .empty: out += "null"
                case .money(let m):
                    out += "{\n            \"currency\" : "
                    JSONValue.quote(m.currency.code, into: out)
                    out += ",\n            \"amount\" : \""
                    out += MoneyFormat.exact(m)
                    out += "\",\n            \"rounded\" : \""
                    out += MoneyFormat.plain(m)
                    out += "\"\n          }"
                case .integer(let v): out += String(v)
                case .flag(let b): out += b ? "true" : "false"
                case .text(let s): JSONValue.quote(s, into: out)
                case let cell: JSONValue.quote(CellText.machine(cell, columns[i]), into: out)
                }
                out += i + 1 < columns.count ? ",\n" : "\n"
            }
            out += "        }"
        }
    }

    /// The `charts` member at indent 2, one chart at a time.
    func charts(_ charts: [Chart], into out: ByteSink) {
        guard !charts.isEmpty else { out += "[]"; return }
        out += "[\n"
        for (i, c) in charts.enumerated() {
            // The text of the chart as a JSONValue object at indent 4, written point by point (a year of 1,000 pools
            // is 365,000 points): the same bytes.
            out += "    {\n      \"subject\" : "
            JSONValue.quote(c.subject, into: out)
            out += ",\n      \"unit\" : "
            JSONValue.quote(c.unit, into: out)
            out += ",\n      \"comparisonLabel\" : "
            JSONValue.quote(c.comparisonLabel, into: out)
            out += ",\n      \"points\" : "
            if c.points.isEmpty {
                out += "[]"
            } else {
                out += "[\n"
                for (k, p) in c.points.enumerated() {
                    out += "        {\n          \"date\" : "
                    JSONValue.quote(p.date.description, into: out)
                    out += ",\n          \"metered\" : "
                    JSONValue.quote(QuantityFormat.quantity(p.metered), into: out)
                    out += ",\n          \"comparison\" : "
                    JSONValue.quote(QuantityFormat.quantity(p.comparison), into: out)
                    out += ",\n          \"provisional\" : "
                    out += p.provisional ? "true" : "false"
                    out += k + 1 < c.points.count ? "\n        },\n" : "\n        }\n"
                }
                out += "      ]"
            }
            out += "\n    }"
            out += i + 1 < charts.count ? ",\n" : "\n"
        }
        out += "  ]"
    }

    /// The document as a JSON value.
    func value(_ d: Document) -> JSONValue {
        var figures: [(String, JSONValue)] = []
        for f in d.figures {
            var o = money(f.amount).objectPairs
            o.insert(("label", .string(f.label)), at: 0)
            o.insert(("credits", f.credits.map { .string(QuantityFormat.quantity($0)) } ?? .null), at: 1)
            o.append(("percent", f.percent.map { .string(CellText.number($0, .percent, grouped: false)) } ?? .null))
            o.append(("percentOf", f.percentOf.map(JSONValue.string) ?? .null))
            o.append(("note", f.note.isEmpty ? .null : .string(f.note)))
            figures.append((Self.camel(f.key), .object(o)))
        }
        var chartIndex = 0
        let sections: [JSONValue] = d.sections.map { s in
            .object([("id", .string(s.id)), ("title", .string(s.title)), ("level", .int(s.level)),
                     ("blocks", .array(s.blocks.map { b in
                         switch b {
                         case .paragraph(let p): return .object([("paragraph", .string(p))])
                         case .list(let items): return .object([("list", .array(items.map(JSONValue.string)))])
                         case .table(let t): return .object([("table", .string(t.id))])
                         case .chart:
                             defer { chartIndex += 1 }
                             return .object([("chart", .int(chartIndex))])
                         }
                     }))])
        }
        return .object([
            ("schema", .string("spcs-cost.\(d.kind)/\(Self.schemaVersion)")),
            ("kind", .string(d.kind)),
            ("title", .string(d.title)),
            ("warnings", .array(d.warnings.map(JSONValue.string))),
            ("notes", .array(d.notes.map(JSONValue.string))),
            ("currency", .string(d.currency.code)),
            ("figures", .object(figures)),
            ("checks", .array(d.checks.map {
                .object([("check", .string($0.key)), ("failed", .bool($0.failed)), ("message", .string($0.message))])
            })),
            ("roundingLines", .array(d.roundingLines.map {
                .object([("table", .string($0.table)), ("column", .string($0.column)), ("label", .string($0.label)),
                         ("sumOfRoundedRows", money($0.sumOfRoundedRows)), ("total", money($0.total)),
                         ("rounding", money($0.difference))])
            })),
            ("tables", .null),  // streamed by tables(_:into:)
            ("sections", .array(sections)),
            ("charts", .null),  // streamed by charts(_:into:)
            ("stamp", stamp(d.stamp)),
        ])
    }

    /// One cell's JSON value.
    func cell(_ cell: Cell, _ column: Table.Column) -> JSONValue {
        switch cell {
        case .empty: .null
        case .money(let m): money(m)
        case .integer(let i): .int(i)
        case .flag(let b): .bool(b)
        default: .string(CellText.machine(cell, column))
        }
    }

    /// `{currency, amount, rounded}`.
    func money(_ m: Money) -> JSONValue {
        .object([("currency", .string(m.currency.code)), ("amount", .string(MoneyFormat.exact(m))),
                 ("rounded", .string(MoneyFormat.plain(m)))])
    }

    /// The stamp: today's field names, then the lines for people.
    func stamp(_ s: DocumentStamp) -> JSONValue {
        .object([
            ("from", s.from.map { .string($0.description) } ?? .null),
            ("through", s.through.map { .string($0.description) } ?? .null),
            ("timeZone", s.timeZone.map(JSONValue.string) ?? .null),
            ("rateCard", s.rateCard.map(JSONValue.string) ?? .null),
            ("creditPrices", .array(s.creditPrices.map { p in
                .object([("from", .string(p.from.description)), ("through", .string(p.through.description)),
                         ("edition", .string(p.edition)), ("price", .string(MoneyFormat.price(p.price))),
                         ("currency", .string(p.price.currency.code)), ("source", .string(p.source)),
                         ("basis", .string(p.basis)), ("overage", .bool(p.overage)),
                         ("fx", .object([("base", .string(p.fx.base)), ("quote", .string(p.fx.quote)),
                                         ("rate", .string(ExactDecimal.text(p.fx.rate))), ("source", .string(p.fx.source)),
                                         ("date", p.fx.date.map { .string($0.description) } ?? .null)]))])
            })),
            ("priceOrder", s.priceOrder.map(JSONValue.string) ?? .null),
            ("dataSha256", s.dataSha256.map(JSONValue.string) ?? .null),
            ("dataRows", s.dataRows.map(JSONValue.int) ?? .null),
            ("rounding", .string(MoneyFormat.ruleDescription)),
            ("currency", .string(s.currency.code)),
            ("currencyMinorUnits", .int(s.currency.minorUnits)),
            ("toolVersion", .string(s.toolVersion)),
            ("commandLine", .string(s.commandLine)),
            ("lines", .array(s.lines.map {
                .object([("key", .string($0.key)), ("label", .string($0.label)), ("text", .string($0.text))])
            })),
        ])
    }

    /// `saved_vs_always_on` → `savedVsAlwaysOn`.
    static func camel(_ key: String) -> String {
        let parts = key.split(separator: "_")
        return (parts.first.map(String.init) ?? "") + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The kind's name in the schema: `money`, `credits`, `nodeHours`, `decimal`, `integer`, `date`, `text`,
    /// `percent`, `flag`.
    static func kindName(_ k: ColumnKind) -> String {
        switch k {
        case .money: "money"
        case .credits: "credits"
        case .nodeHours: "nodeHours"
        case .decimal: "decimal"
        case .integer: "integer"
        case .date: "date"
        case .text: "text"
        case .percent: "percent"
        case .flag: "flag"
        }
    }
}

/// A JSON value whose objects keep their key order, written pretty-printed (two spaces, `"key" : value`).
indirect enum JSONValue {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// The pairs of an object; empty for any other value.
    var objectPairs: [(String, JSONValue)] { if case .object(let o) = self { o } else { [] } }

    /// Appends the value, its nested lines indented by `indent + 2` spaces.
    func write(to out: ByteSink, indent: Int) {
        let pad = String(repeating: " ", count: indent + 2)
        let close = String(repeating: " ", count: indent)
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): Self.quote(s, into: out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: out, indent: indent + 2)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += close + "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (key, value)) in pairs.enumerated() {
                out += pad
                Self.quote(key, into: out)
                out += " : "
                value.write(to: out, indent: indent + 2)
                out += i + 1 < pairs.count ? ",\n" : "\n"
            }
            out += close + "}"
        }
    }

    /// `s` as a JSON string: `"` and `\` escaped, control characters as `\uXXXX` (or `\n`, `\r`, `\t`), and
    /// U+2028 and U+2029 as `\u2028` and `\u2029`; runs of other bytes are copied as they are.
    static func quote(_ s: String, into out: ByteSink) {
        var s = s
        s.withUTF8 { bytes in
            out.write(byte: 34)
            var start = 0
            var i = 0
            func flush() { if start < i { out.write(bytes: UnsafeBufferPointer(rebasing: bytes[start..<i])) } }
            while i < bytes.count {
                let b = bytes[i]
                var escape: String?
                var width = 1
                switch b {
                case 34: escape = "\\\""
                case 92: escape = "\\\\"
                case 10: escape = "\\n"
                case 13: escape = "\\r"
                case 9: escape = "\\t"
                case 0..<0x20:
                    let hex = String(b, radix: 16)
                    escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                    escape = bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    width = 3
                default: break
                }
                if let escape {
                    flush()
                    out += escape
                    i += width
                    start = i
                } else {
                    i += 1
                }
            }
            flush()
            out.write(byte: 34)
        }
    }
}
