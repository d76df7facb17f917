import Foundation
import SPCSCostCore

/// Text made safe for HTML element content and attribute values.
enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    static func escape(_ text: String) -> String {
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

/// The savings report as one self-contained HTML page: inline CSS, one inline SVG chart per pool, no scripts and
/// nothing fetched from anywhere. The same report and stamp give the same bytes (no timestamps, ids by position).
public enum HTMLReport {
    /// The page of `r`: the summary for finance, a chart per pool, the per-pool and per-day tables, the stamp.
    public static func render(_ r: SavingsReport, stamp: ReportStamp) -> String {
        let w = SavingsReportWriter.self
        let s = FinanceSummary(r)
        let title = "SPCS usage and savings: \(r.from) to \(r.through)"
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(esc(title))</title>\n<style>\n\(css)</style>\n</head>\n<body>\n"
        out += "<h1>\(esc(title))</h1>\n"
        for warning in r.warnings { out += "<p class=\"warning\"><strong>Warning:</strong> \(esc(warning))</p>\n" }

        out += "<section id=\"summary\">\n<h2>Summary for finance</h2>\n"
        out += "<p>Calendar days in \(esc(r.zone.displayName)). \(esc(w.pricedAt(r))) The stamp at the end says how to "
            + "reproduce this report.</p>\n"
        out += table(w.figuresTable(s, r)) { row in
            ["Metered", "Saved against always on (always on minus metered)"].contains(row[0]) ? "key" : nil
        }
        if !s.poolsWithoutEstimate.isEmpty {
            out += "<p>Pools without an estimate (left out of the difference): "
                + "\(esc(s.poolsWithoutEstimate.joined(separator: ", "))).</p>\n"
        }
        if !s.differences.isEmpty {
            out += "<h3>Difference from the estimate by cause</h3>\n"
            out += table(w.causesTable(s, r)) { $0[1].hasPrefix("Difference") ? "total" : nil }
        }
        if !r.checks.isEmpty {
            out += "<h3>Nightly checks</h3>\n" + table(w.checksTable(r)) { $0[1] == "ALERT" ? "key" : nil }
        }
        out += "<h3>Top pools by metered cost</h3>\n"
        out += s.topPools.isEmpty ? "<p>No pool has metered usage in the period.</p>\n" : table(w.topPoolsTable(s, r))
        if let f = s.forecast {
            out += "<h3>Month to date and forecast</h3>\n" + table(w.monthTable(f, r))
            out += "<p>Basis: \(esc(f.basis)).</p>\n"
            if let note = w.forecastProvisionalNote(s) { out += "<p>\(esc(note))</p>\n" }
        }
        out += "<h3>Provisional days</h3>\n<p>\(esc(w.provisionalSentence(s, r)))</p>\n"
        if let b = r.billCheck {
            out += "<h3>Bill check (USAGE_IN_CURRENCY_DAILY)</h3>\n"
            out += "<p>The ledger's SPCS amount per day against what Snowflake bills, in \(esc(b.currency.code)) before "
                + "FX; billed minus ledger \(esc(MoneyFormat.withCode(b.billedTotal - b.ledgerTotal))).</p>\n"
            out += table(w.billCheckTable(b))
            for warning in b.warnings { out += "<p>\(esc(warning)).</p>\n" }
        }
        if !s.roundingLines.isEmpty {
            out += "<h3>Rounding lines</h3>\n<ul>\n"
            for sentence in s.roundingSentences { out += "<li>\(esc(sentence)).</li>\n" }
            out += "</ul>\n"
        }
        out += "</section>\n"

        out += "<section id=\"charts\">\n<h2>Daily credits per pool</h2>\n"
        for (i, pool) in r.pools.enumerated() { out += figure(chart(pool, r, index: i + 1)) }
        out += "</section>\n"

        out += "<section id=\"pools\">\n<h2>Per pool</h2>\n"
        out += table(w.poolsTable(r, machine: false)) { ["TOTAL", "Rounding"].contains($0[0]) ? "total" : nil }
        out += "</section>\n<section id=\"days\">\n<h2>Per day</h2>\n"
        out += table(w.daysTable(r, machine: false)) { $0[2].isEmpty ? nil : "provisional" }
        out += "</section>\n"

        out += "<section id=\"stamp\">\n<h2>Stamp</h2>\n<dl>\n"
        for line in w.stampLines(r, stamp: stamp) {
            let text = line.label == "Command" ? "<code>\(esc(line.text))</code>" : esc(line.text)
            out += "<dt>\(esc(line.label))</dt><dd>\(text)</dd>\n"
        }
        out += "</dl>\n</section>\n</body>\n</html>\n"
        return out
    }

    static func esc(_ text: String) -> String { HTMLText.escape(text) }

    /// The chart of `pool`: metered against its estimate when it has one, else the plan, else always on.
    static func chart(_ pool: SavingsReport.Pool, _ r: SavingsReport, index: Int) -> SVGChart {
        let days = r.days.filter { $0.pool == pool.pool }
        let (label, noun, value): (String, String, (SavingsReport.Day) -> Decimal)
        if days.contains(where: { $0.estimated != nil }) {
            (label, noun, value) = ("Estimated (pools file)", "estimated", { $0.estimated?.quantity ?? 0 })
        } else if r.plan != nil, pool.plan != nil {
            (label, noun, value) = ("Business-hours plan", "the plan", { $0.plan?.quantity ?? 0 })
        } else if pool.alwaysOn != nil {
            (label, noun, value) = ("Always on", "always on", { $0.alwaysOn?.quantity ?? 0 })
        } else {
            (label, noun, value) = ("Always on (family unknown)", "always on", { _ in 0 })
        }
        return SVGChart(pool: pool.pool, comparisonLabel: label, comparisonNoun: noun,
                        days: days.map { SVGChart.Day(date: $0.date, metered: $0.meteredCredits, comparison: value($0),
                                                      provisional: $0.provisional) },
                        index: index)
    }

    /// A chart with its heading and legend.
    static func figure(_ c: SVGChart) -> String {
        var out = "<figure>\n" + c.render() + "<figcaption><strong>\(esc(c.pool))</strong> (credits per day) "
        out += "<span class=\"swatch metered\"></span>Metered <span class=\"swatch comparison\"></span>\(esc(c.comparisonLabel))"
        if c.days.contains(where: \.provisional) { out += " <span class=\"swatch metered provisional\"></span>Provisional day" }
        return out + "</figcaption>\n</figure>\n"
    }

    /// `t` as an HTML table (right-aligned columns get class `num`); `rowClass` gives a row's class, if any.
    static func table(_ t: TextTable, rowClass: ([String]) -> String? = { _ in nil }) -> String {
        func cls(_ i: Int) -> String { t.alignments[i] == .right ? " class=\"num\"" : "" }
        var out = "<div class=\"scroll\"><table>\n<thead><tr>"
        for (i, h) in t.header.enumerated() { out += "<th\(cls(i))>\(esc(h))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in t.rows {
            out += rowClass(row).map { "<tr class=\"\($0)\">" } ?? "<tr>"
            for (i, cell) in row.enumerated() { out += "<td\(cls(i))>\(esc(cell))</td>" }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
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
        @media print { body { max-width: none; } .scroll { overflow: visible; } table { font-size: 0.65rem; } }

        """
}
