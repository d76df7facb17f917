import Foundation
import SPCSCostCore

/// Text made safe for HTML element content and attribute values.
enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    static func escape(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// `html`: one self-contained page, `<base>.html`: inline CSS, an inline SVG chart per chart block, no scripts and
/// nothing fetched from anywhere. Every text is escaped (``HTMLText``), so no name, warning or path can add markup.
/// Detail columns are left out of the tables (CSV, JSON and xlsx have them). The same document gives the same bytes
/// (no timestamps; element ids by position).
public struct HTMLWriter: DocumentWriter {
    /// Creates the writer.
    public init() {}
    /// `html`.
    public var format: String { "html" }
    /// What the format makes, for `--help`.
    public var summary: String { "one self-contained HTML page with a chart per pool, ….html" }
    /// Whether `--out -` may print it.
    public var isText: Bool { true }

    /// Writes `<base>.html` (see ``DocumentWriter/write(_:to:)``), tables row by row and charts one at a time.
    public func write(_ d: Document, to output: any DocumentOutput) throws {
        try output.file("\(d.fileBase).html") { write(d, into: $0) }
    }

    /// The page of `d`.
    public func render(_ d: Document) -> String {
        let sink = ByteSink()
        write(d, into: sink)
        return String(decoding: try! sink.finish(), as: UTF8.self)
    }

    /// Writes the page of `d` into `out`.
    func write(_ d: Document, into out: ByteSink) {
        out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(esc(d.title))</title>\n<style>\n\(Self.css)</style>\n</head>\n<body>\n"
        out += "<h1>\(esc(d.title))</h1>\n"
        for warning in d.warnings { out += "<p class=\"warning\"><strong>Warning:</strong> \(esc(warning))</p>\n" }
        if !d.figures.isEmpty || !d.notes.isEmpty {
            out += "<section id=\"summary\">\n<h2>\(esc(d.figuresTitle))</h2>\n"
            for n in d.notes { out += "<p>\(esc(n))</p>\n" }
            if !d.figures.isEmpty { table(d.figuresTable, into: out) }
            out += "</section>\n"
        }
        if !d.checks.isEmpty {
            out += "<section id=\"checks\">\n<h3>Checks</h3>\n<div class=\"scroll\"><table>\n"
            out += "<thead><tr><th>Check</th><th>Result</th><th>Finding</th></tr></thead>\n<tbody>\n"
            for c in d.checks {
                out += "<tr\(c.failed ? " class=\"key\"" : "")><td>\(esc(c.key))</td><td>\(esc(c.result))</td>"
                    + "<td>\(esc(c.message))</td></tr>\n"
            }
            out += "</tbody>\n</table></div>\n</section>\n"
        }
        if !d.roundingLines.isEmpty {
            out += "<section id=\"rounding\">\n<h3>Rounding lines</h3>\n<ul>\n"
            for l in d.roundingLines { out += "<li>\(esc(l.sentence)).</li>\n" }
            out += "</ul>\n</section>\n"
        }
        var chartIndex = 0
        for s in d.sections {
            let h = s.level == 1 ? "h2" : "h3"
            out += "<section id=\"\(esc(s.id))\">\n<\(h)>\(esc(s.title))</\(h)>\n"
            for b in s.blocks {
                switch b {
                case .paragraph(let p): out += "<p>\(esc(p))</p>\n"
                case .list(let items): out += "<ul>\n" + items.map { "<li>\(esc($0))</li>\n" }.joined() + "</ul>\n"
                case .table(let t): table(t, into: out)
                case .chart(let c):
                    chartIndex += 1
                    figure(c, index: chartIndex, into: out)
                }
            }
            out += "</section>\n"
        }
        out += "<section id=\"stamp\">\n<h2>Stamp</h2>\n<dl>\n"
        for line in d.stamp.lines {
            let text = line.code ? "<code>\(esc(line.text))</code>" : esc(line.text)
            out += "<dt>\(esc(line.label))</dt><dd>\(text)</dd>\n"
        }
        out += "</dl>\n</section>\n</body>\n</html>\n"
    }

    func esc(_ text: String) -> String { HTMLText.escape(text) }

    /// A chart with its heading, unit and legend.
    func figure(_ c: Chart, index: Int, into sink: ByteSink) {
        let svg = SVGChart(pool: c.subject, comparisonLabel: c.comparisonLabel, comparisonNoun: c.comparisonNoun,
                           days: c.points.map { SVGChart.Day(date: $0.date, metered: $0.metered,
                                                              comparison: $0.comparison, provisional: $0.provisional) },
                           unit: c.unit, index: index)
        sink += "<figure>\n"
        svg.render(into: sink)
        var out = "<figcaption><strong>\(esc(c.subject))</strong> (\(esc(c.unit))) "
        out += "<span class=\"swatch metered\"></span>Metered <span class=\"swatch comparison\"></span>\(esc(c.comparisonLabel))"
        if c.points.contains(where: \.provisional) {
            out += " <span class=\"swatch metered provisional\"></span>Provisional day"
        }
        sink += out + "</figcaption>\n</figure>\n"
    }

    /// `t` as an HTML table, detail columns left out; number columns get class `num`, rows their role's class.
    func table(_ t: Table, into out: ByteSink) {
        let columns = CellText.humanColumns(t)
        func cls(_ c: Table.Column) -> String { c.kind.isNumeric ? " class=\"num\"" : "" }
        out += "<div class=\"scroll\"><table>\n<thead><tr>"
        for (_, c) in columns { out += "<th\(cls(c))>\(esc(c.label))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        let open = columns.map { "<td\(cls($0.column))>" }
        t.forEachRow { row in
            switch row.role {
            case .data: out += "<tr>"
            case .emphasis: out += "<tr class=\"key\">"
            case .highlight: out += "<tr class=\"provisional\">"
            case .total, .rounding: out += "<tr class=\"total\">"
            }
            for (n, c) in columns.enumerated() {
                out += open[n]
                out += esc(CellText.human(row.cells[c.index], c.column))
                out += "</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table></div>\n"
    }

    /// The page's style sheet: system fonts only, printable; the chart colours come from ``SVGChart``.
    static let css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; line-height: 1.4;
               max-width: 80rem; margin: 1.5rem auto; padding: 0 1rem; }
        h1 { font-size: 1.5rem; } h2 { font-size: 1.25rem; margin-top: 2rem; } h3 { font-size: 1.05rem; }
        .warning { border-left: 4px solid #c77700; background: #fff4e0; padding: 0.5rem 1rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.875rem; }
        th, td { border-bottom: 1px solid #d9d9d9; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tr.key td, tr.total td { font-weight: 600; }
        tr.provisional td { background: #fff8dc; }
        figure { display: inline-block; margin: 0 1.5rem 1rem 0; vertical-align: top; }
        figcaption { font-size: 0.8rem; }
        .swatch { display: inline-block; width: 0.8em; height: 0.8em; margin: 0 0.3em 0 0.6em; vertical-align: -0.05em; }
        .swatch.metered { background: \(SVGChart.meteredColor); }
        .swatch.comparison { background: \(SVGChart.comparisonColor); }
        .swatch.provisional { opacity: \(SVGChart.provisionalOpacity); }
        dt { font-weight: 600; } dd { margin: 0 0 0.4rem 1.5rem; }
        code { font-size: 0.85em; word-break: break-all; }
        @media print { @page { size: A4 landscape; margin: 10mm; } body { max-width: none; margin: 0; padding: 0; }
                .scroll { overflow: visible; } table { font-size: 0.6rem; width: 100%; }
                th, td { padding: 0.15rem 0.3rem; overflow-wrap: break-word; }
                .num { white-space: normal; } thead { display: table-header-group; } tr, figure { break-inside: avoid; }
                h2, h3 { break-after: avoid; } }

        """
}
