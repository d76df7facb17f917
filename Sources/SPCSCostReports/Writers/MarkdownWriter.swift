import Foundation
import SPCSCostCore

/// `markdown`: one GitHub-flavoured Markdown file, `<base>.md`. Every text from the document is escaped (see
/// ``MarkdownWriter/escape(_:)``), so a pool named `<script>`, `|x|` or with backticks shows as typed and cannot add
/// markup, links or table cells; the command line is a code span. Detail columns are left out of the tables (CSV,
/// JSON and xlsx have them); charts are left out (their figures are in the per-day table).
public struct MarkdownWriter: DocumentWriter {
    /// Creates the writer.
    public init() {}
    /// `markdown`.
    public var format: String { "markdown" }
    /// What the format makes, for `--help`.
    public var summary: String { "one Markdown file, ….md" }
    /// Whether `--out -` may print it.
    public var isText: Bool { true }

    /// Writes `<base>.md` (see ``DocumentWriter/write(_:to:)``), tables row by row.
    public func write(_ d: Document, to output: any DocumentOutput) throws {
        try output.file("\(d.fileBase).md") { write(d, into: $0) }
    }

    /// The whole document as Markdown.
    public func render(_ d: Document) -> String {
        let sink = ByteSink()
        write(d, into: sink)
        return String(decoding: try! sink.finish(), as: UTF8.self)
    }

    /// Writes the whole document as Markdown into `out`.
    func write(_ d: Document, into out: ByteSink) {
        out += "# \(Self.escape(d.title))\n\n"
        for w in d.warnings { out += "> **Warning:** \(Self.inline(w))\n\n" }
        if !d.figures.isEmpty || !d.notes.isEmpty { out += "## \(Self.escape(d.figuresTitle))\n\n" }
        for n in d.notes { out += "\(Self.inline(n))\n\n" }
        if !d.figures.isEmpty { table(d.figuresTable, into: out) }
        if !d.checks.isEmpty {
            out += "\n### Checks\n\n"
            var t = Table(id: "checks", title: "Checks", columns: [
                .init(key: "check", label: "Check", kind: .text), .init(key: "result", label: "Result", kind: .text),
                .init(key: "finding", label: "Finding", kind: .text)])
            t.rows = d.checks.map { .init([.text($0.key), .text($0.result), .text($0.message)]) }
            table(t, into: out)
        }
        if !d.roundingLines.isEmpty {
            out += "\n### Rounding lines\n\n"
            for l in d.roundingLines { out += "- \(Self.inline(l.sentence)).\n" }
        }
        for s in d.sections {
            // A section of charts only has nothing to show here (its figures are in the tables).
            guard s.blocks.contains(where: { if case .chart = $0 { false } else { true } }) else { continue }
            out += "\n\(s.level == 1 ? "##" : "###") \(Self.escape(s.title))\n"
            for b in s.blocks {
                switch b {
                case .paragraph(let p): out += "\n\(Self.inline(p))\n"
                case .list(let items): out += "\n" + items.map { "- \(Self.inline($0))\n" }.joined()
                case .table(let t): out += "\n"; table(t, into: out)
                case .chart: break
                }
            }
        }
        out += "\n## Stamp\n\n"
        for l in d.stamp.lines {
            out += "- \(Self.escape(l.label)): \(l.code ? Self.codeSpan(l.text) : Self.inline(l.text))\n"
        }
    }

    /// `t` as a Markdown table, detail columns left out; numbers right-aligned.
    func table(_ t: Table, into out: ByteSink) {
        let columns = CellText.humanColumns(t)
        out += "| " + columns.map { Self.escape($0.column.label) }.joined(separator: " | ") + " |\n"
        out += "|" + columns.map { $0.column.kind.isNumeric ? "---:|" : "---|" }.joined() + "\n"
        t.forEachRow { row in
            out += "| "
            for (n, c) in columns.enumerated() {
                if n > 0 { out += " | " }
                let text = CellText.human(row.cells[c.index], c.column)
                // Number cells hold only digits, `,`, `.` and `-`: nothing to escape.
                out += c.column.kind.isNumeric ? text : Self.escape(text)
            }
            out += " |\n"
        }
    }

    /// `text` safe as Markdown inline text: `\`, `` ` ``, `*`, `[`, `]`, `<`, `>`, `|`, `&`, `~` and an `_` that
    /// could open or close emphasis are backslash-escaped; line breaks become spaces and other control characters `?`; a leading `-`, `+`, `=` or `#`
    /// is escaped so it cannot start a list, a heading or an underline.
    public static func escape(_ text: String) -> String {
        // Fast path: printable ASCII with nothing to escape is shown as it is.
        if let first = text.utf8.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "+"), first != UInt8(ascii: "="),
           first != UInt8(ascii: "#"), plainASCII(text) {
            return text
        }
        let chars = Array(text)
        var out = ""
        out.reserveCapacity(chars.count)
        for (i, ch) in chars.enumerated() {
            switch ch {
            case "\\", "`", "*", "[", "]", "<", ">", "|", "&", "~":
                out.append("\\"); out.append(ch)
            case "_":
                let before = i > 0 ? chars[i - 1] : " "
                let after = i + 1 < chars.count ? chars[i + 1] : " "
                if before.isLetter || before.isNumber, after.isLetter || after.isNumber { out.append(ch) } else { out += "\\_" }
            case "\n", "\r": out.append(" ")
            case "-", "+", "=", "#":
                if out.isEmpty { out.append("\\") }
                out.append(ch)
            default:
                // Control characters (a terminal escape sequence in a name) are shown as `?`.
                if ch.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { out.append("?") } else { out.append(ch) }
            }
        }
        return out
    }

    /// True when `text` is printable ASCII that ``escape(_:)`` leaves as it is: no markup character, and each `_`
    /// between two letters or digits (`POOL_0001`).
    static func plainASCII(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func alnum(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "_") {
                guard i > 0, i + 1 < bytes.count, alnum(bytes[i - 1]), alnum(bytes[i + 1]) else { return false }
            } else if b >= 128 || !plain[Int(b)] {
                return false
            }
        }
        return true
    }

    /// The ASCII bytes ``escape(_:)`` copies as they are (printable, not markup).
    static let plain: [Bool] = (0..<128).map { b in
        b >= 0x20 && b < 0x7F && !"\\`*[]<>|&~_\n\r".utf8.contains(UInt8(b))
    }

    /// `text` escaped as ``escape(_:)`` does, with each command-line flag (`--credit-price`) as a code span, so no
    /// renderer turns its `--` into a dash.
    public static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let r = rest.range(of: #"(?<![A-Za-z0-9_-])--[a-z][a-z0-9-]*"#, options: .regularExpression) {
            let before = String(rest[..<r.lowerBound])
            out += before.isEmpty ? "" : (out.isEmpty ? escape(before) : escapeInside(before))
            out += "`\(rest[r])`"
            rest = rest[r.upperBound...]
        }
        if !rest.isEmpty { out += out.isEmpty ? escape(String(rest)) : escapeInside(String(rest)) }
        return out
    }

    /// `text` escaped as ``escape(_:)`` for the middle of a line (a leading `-`, `+`, `=` or `#` needs no escape).
    static func escapeInside(_ text: String) -> String {
        let escaped = escape(text)
        if let first = text.first, "-+=#".contains(first) { return String(escaped.dropFirst()) }
        return escaped
    }

    /// `text` as a code span whose fence is longer than any run of backticks in it.
    public static func codeSpan(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        var longest = 0, run = 0
        for ch in flat { if ch == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + pad + flat + pad + fence
    }
}
