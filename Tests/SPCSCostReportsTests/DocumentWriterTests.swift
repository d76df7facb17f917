import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostReports

/// The writers render any document: hostile names cannot inject markup or formulas, and every warning, rounding
/// line and check reaches every format.
@Suite struct DocumentWriterTests {
    /// Names that would break a format that does not escape: HTML, Markdown table cells and code spans, CSV
    /// formulas, terminal escape sequences.
    static let hostile = ["<script>alert(1)</script>", "|x|", "a`b``c", "=HYPERLINK(\"http://evil\",\"x\")", "+1",
                          "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "*bold* _em_ [link](http://x) ![i](y) # h", "\u{1B}[31mred",
                          "&lt;already&gt;"]

    /// A document of every column kind whose texts are all hostile; USD money, a warning, a check, a rounding line.
    static func hostileDocument() -> Document {
        let usd = Currency.usd
        var t = Table(id: "pools", title: "Per pool <b>", columns: [
            .init(key: "pool", label: "Pool |", kind: .text), .init(key: "date", label: "Date", kind: .date),
            .init(key: "cost_USD", label: "Cost (USD)", kind: .money(usd)), .init(key: "credits", label: "Credits", kind: .credits),
            .init(key: "share", label: "Share", kind: .percent), .init(key: "n", label: "N", kind: .integer),
            .init(key: "provisional", label: "Provisional", kind: .flag)])
        for (i, name) in hostile.enumerated() {
            t.rows.append(.init([.text(name), .date(CivilDate("2024-04-01")!.adding(days: i)),
                                 .money(Money(Decimal(string: "-1234.565")!, usd)), .number(Decimal(string: "-1.5")!),
                                 .number(Decimal(string: "12.25")!), .integer(-3), .flag(i % 2 == 0)]))
        }
        let stamp = DocumentStamp(currency: usd, toolVersion: "0.0.0-test", commandLine: "spcs-cost report --pool '`<x>`'",
                                  lines: [.init(key: "command", label: "Command", text: "spcs-cost report --pool '`<x>`'", code: true)])
        let breakdown = RoundedBreakdown(lines: [Money(Decimal(string: "0.005")!, usd), Money(Decimal(string: "0.005")!, usd)],
                                         exactTotal: Money(Decimal(string: "0.01")!, usd))
        return Document(kind: "report", fileBase: "hostile", title: "Title <i>|", stamp: stamp,
                        warnings: hostile.map { "warning about \($0)" }, notes: ["note <u>"],
                        figures: [.init(key: "metered", label: "<script>", credits: 1, amount: Money(Decimal(string: "-0.5")!, usd))],
                        currency: usd, checks: [.init(key: "budget-exceeded", failed: true, message: "over <budget>")],
                        roundingLines: [.init(table: "pools", column: "cost", label: "Per pool |x|", breakdown: breakdown)],
                        sections: [.init(id: "pools", title: "Pools `x`", blocks: [.paragraph("para <p>"), .table(t)])])
    }

    static func render(_ format: String, _ d: Document) throws -> [DocumentFile] {
        try #require(DocumentWriters.writer(format)).files(d)
    }

    @Test func htmlEscapesEveryText() throws {
        let html = try Self.render("html", Self.hostileDocument())[0].text
        #expect(!html.contains("<script") && !html.contains("<b>") && !html.contains("<i>") && !html.contains("<u>")
            && html.contains("<p>para &lt;p&gt;</p>") && !html.contains("<budget>") && !html.contains("<x>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("&amp;lt;already&amp;gt;"))
    }

    @Test func markdownEscapesEveryText() throws {
        let md = try Self.render("markdown", Self.hostileDocument())[0].text
        // No `<`, `[`, `]` or `*` without its backslash, outside the one code span of the command line.
        let body = md.components(separatedBy: "- Command:")[0].replacingOccurrences(of: "> **Warning:** ", with: "")
        #expect(body.range(of: #"(?<!\\)[<\[\]*`]"#, options: .regularExpression) == nil)
        // Every row of the table has exactly one cell per column: 7 columns, the label "Pool |" escaped.
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") && $0.contains("2024-04") }
        #expect(rows.count == Self.hostile.count)
        for row in rows {
            var previous: Character = " "
            var pipes = 0
            for ch in row {
                if ch == "|" && previous != "\\" { pipes += 1 }
                previous = ch
            }
            #expect(pipes == 7 + 1, "\(row)")
        }
        #expect(md.contains("\\|x\\|") && md.contains("a\\`b\\`\\`c") && md.contains("\\&lt;already\\&gt;"))
        // The command line is one code span whose fence is longer than its backtick runs.
        #expect(md.contains("- Command: `` spcs-cost report --pool '`<x>`' ``") || md.contains("- Command: ``spcs-cost report --pool '`<x>`'``"))
        #expect(!md.contains("\u{1B}"))
    }

    @Test func tableShowsNoControlCharacters() throws {
        let text = try Self.render("table", Self.hostileDocument())[0].text
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0 == "\r" || $0 == "\t" })
        #expect(text.contains("<script>alert(1)</script>"))
    }

    @Test func jsonKeepsEveryTextExactly() throws {
        let text = try Self.render("json", Self.hostileDocument())[0].text
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["warnings"] as? [String] == Self.hostile.map { "warning about \($0)" })
        let rows = try #require(((object["tables"] as? [String: Any])?["pools"] as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(rows.map { $0["pool"] as? String } == Self.hostile)
        #expect((rows[0]["cost_USD"] as? [String: Any])?["rounded"] as? String == "-1234.56")
        #expect((rows[0]["cost_USD"] as? [String: Any])?["amount"] as? String == "-1234.565")
    }

    /// OWASP: text cells that begin with `=`, `+`, `-`, `@`, tab or CR get a leading `'`; number cells, negative
    /// ones included, stay numbers.
    @Test func csvNeutralisesFormulasButKeepsNumbers() throws {
        let files = try Self.render("csv", Self.hostileDocument())
        #expect(files.map(\.name) == ["hostile_summary.csv", "hostile_pools.csv", "hostile_notes.csv"])
        let rows = GoldenTests.parseCSV(files[1].text)
        #expect(rows[0] == ["pool", "date", "cost_USD", "credits", "share", "n", "provisional"])
        #expect(rows.dropFirst().map { $0[0] } == Self.hostile.map { ["=", "+", "-", "@", "\t", "\r"].contains(String($0.prefix(1))) ? "'" + $0 : $0 })
        #expect(rows[1].dropFirst() == ["2024-04-01", "-1234.56", "-1.5", "12.2", "-3", "true"])   // 12.25 → 12.2, half-even
        #expect(GoldenTests.parseCSV(files[0].text)[1][3] == "-0.50")
        let notes = GoldenTests.parseCSV(files[2].text)
        #expect(notes.contains { $0 == ["warning", "", "warning about =HYPERLINK(\"http://evil\",\"x\")"] })
        #expect(notes.contains { $0[0] == "stamp" && $0[2] == "Command: spcs-cost report --pool '`<x>`'" })
    }

    @Test func csvNeutralisationRule() {
        for (text, expected) in [("=1+1", "'=1+1"), ("+49 30", "'+49 30"), ("-x", "'-x"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
                                 ("\rx", "'\rx"), ("JUPYTER_POOL", "JUPYTER_POOL"), ("", ""), ("a=b", "a=b")] {
            #expect(CSVDocumentWriter.neutralised(text) == expected)
        }
    }

    @Test func xlsxIsWellFormedWithHostileNames() throws {
        let data = try Self.render("xlsx", Self.hostileDocument())[0].data
        let parts = try XLSXWriterTests.parts(data)
        for (name, xml) in parts {
            let parser = XMLParser(data: Data(xml.utf8))
            #expect(parser.parse(), "\(name) is not well-formed XML: \(String(describing: parser.parserError))")
        }
        let sheet = try #require(parts["xl/worksheets/sheet2.xml"])
        #expect(sheet.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !sheet.contains("<f>"))
        // USD money: rounded once to cents, style 8 = #,##0.00.
        #expect(sheet.contains("<c r=\"C2\" s=\"8\"><v>-1234.56</v></c>"))
    }

    /// Every warning, check and rounding line of a document reaches every registered format (the golden report and
    /// the hostile document, the estimate's documents).
    @Test(arguments: DocumentWriters.names)
    func everyWarningReachesEveryFormat(format: String) throws {
        for d in [try GoldenTests.document(), Self.hostileDocument(), GoldenTests.estimateDocument(),
                  GoldenTests.twoPoolEstimate()] {
            let files = try Self.render(format, d)
            let texts: [String]
            switch format {
            case "csv":
                let notes = try #require(files.last)
                #expect(notes.name.hasSuffix("_notes.csv"))
                texts = GoldenTests.parseCSV(notes.text).map { $0.count > 2 ? $0[2] : "" }
            case "xlsx":
                let notes = try #require(try XLSXWriterTests.parts(files[0].data).first { $0.value.contains("<t xml:space=\"preserve\">Kind</t>") })
                texts = [notes.value]
            case "json":
                let object = try #require(try JSONSerialization.jsonObject(with: files[0].data) as? [String: Any])
                let checks = (object["checks"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
                let rounding = (object["roundingLines"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
                texts = (object["warnings"] as? [String] ?? []) + checks + rounding
            default:
                texts = files.map(\.text)
            }
            func shown(_ s: String) -> String {
                switch format {
                case "html": HTMLText.escape(s)
                case "markdown": MarkdownWriter.inline(s)
                case "xlsx": XLSXWriter.xml(s)
                case "table": TableWriter().clean(s)
                default: s
                }
            }
            func reaches(_ s: String) -> Bool {
                format == "csv" ? texts.contains { $0.contains(s) } : texts.contains { $0.contains(shown(s)) }
            }
            for w in d.warnings { #expect(reaches(w), "\(format): warning \(w)") }
            for c in d.checks { #expect(reaches(c.message), "\(format): check \(c.key)") }
            for l in d.roundingLines { #expect(reaches(format == "json" ? l.label : l.sentence), "\(format): rounding \(l.label)") }
        }
    }

    @Test func theRegistryHasOneWriterPerFormat() {
        #expect(DocumentWriters.names == ["table", "csv", "markdown", "json", "html", "xlsx"])
        #expect(Set(DocumentWriters.names).count == DocumentWriters.all.count)
        #expect(DocumentWriters.writer(" XLSX ")?.format == "xlsx" && DocumentWriters.writer("pdf") == nil)
    }

    /// The golden report with a pool renamed to a hostile name: the report's own document, through every writer.
    @Test func aHostilePoolNameInTheReportInjectsNothing() throws {
        let name = "=cmd|' /C calc'!A0 <script>alert(1)</script> |x| `y`"
        var r = try GoldenTests.savingsReport()
        for i in r.pools.indices where r.pools[i].pool == "API_POOL" { r.pools[i].pool = name }
        for i in r.days.indices where r.days[i].pool == "API_POOL" { r.days[i].pool = name }
        let d = Document.savingsReport(r, stamp: GoldenTests.stamp)
        let html = try Self.render("html", d)[0].text
        #expect(!html.contains("<script") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let md = try Self.render("markdown", d)[0].text
        #expect(md.range(of: #"(?<!\\)<script"#, options: .regularExpression) == nil)
        #expect(md.contains("\\<script\\>") && md.contains("\\|x\\| \\`y\\`"))
        let csv = try Self.render("csv", d)
        let pools = GoldenTests.parseCSV(try #require(csv.first { $0.name.hasSuffix("2024-04-03_pools.csv") }).text)
        #expect(pools.dropFirst().map { $0[0] }.contains("'" + name))
        let json = try #require(try JSONSerialization.jsonObject(with: try Self.render("json", d)[0].data) as? [String: Any])
        let rows = try #require(((json["tables"] as? [String: Any])?["pools"] as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(rows.contains { $0["pool"] as? String == name })
        let sheet = try #require(try XLSXWriterTests.parts(try Self.render("xlsx", d)[0].data)["xl/worksheets/sheet7.xml"])
        #expect(sheet.contains(XLSXWriter.xml(name)) && !sheet.contains("<script"))
    }
}

/// Markdown: command-line flags in prose are code spans (no renderer turns `--` into a dash).
@Suite struct MarkdownFlagTests {
    @Test(arguments: [
        ("Pass --credit-price if you know the price then.", "Pass `--credit-price` if you know the price then."),
        ("--credit-price (a what-if) > RATE_SHEET_DAILY", "`--credit-price` (a what-if) \\> RATE_SHEET_DAILY"),
        ("pass --pool P=FAMILY[:NODES]; or --family", "pass `--pool` P=FAMILY\\[:NODES\\]; or `--family`"),
        ("-- alone, a-b--c and -x stay text", "\\-- alone, a-b--c and -x stay text"),
    ])
    func flagsAreCodeSpans(text: String, expected: String) {
        #expect(MarkdownWriter.inline(text) == expected)
    }
}
