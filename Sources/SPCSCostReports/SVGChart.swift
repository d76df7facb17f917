import Foundation
import SPCSCostCore

/// A small inline SVG bar chart of one pool's daily credits: metered next to one comparison series (the
/// estimate, the business-hours plan or always on), for the HTML report.
///
/// Deterministic: geometry is computed in `Decimal` and written with at most 2 fraction digits, element ids come
/// from the chart's position in the report, and nothing refers to anything outside the page (no `xmlns`, links or
/// fonts). Colours and sizes are presentation attributes, so the chart looks the same wherever it is copied.
struct SVGChart {
    /// One day's bar pair.
    struct Day {
        /// The calendar day.
        let date: CivilDate
        /// Metered credits.
        let metered: Decimal
        /// Credits of the comparison series.
        let comparison: Decimal
        /// True when the day may still change.
        let provisional: Bool
    }

    /// Names the chart in its `<title>`: `JUPYTER_POOL`.
    let pool: String
    /// Name of the comparison series for people: `Estimate`.
    let comparisonLabel: String
    /// Lower-case noun of the comparison for bar titles: `estimated`.
    let comparisonNoun: String
    /// Days in order.
    let days: [Day]
    /// Unit of the values axis, written along it: `credits per day`.
    var unit: String = "credits per day"
    /// 1-based position of the chart in the report, for its element ids.
    let index: Int

    /// Left margin for the axis label and the credit ticks, in px.
    static let left: Decimal = 56
    /// Right margin, in px.
    static let right: Decimal = 8
    /// Top margin, in px.
    static let top: Decimal = 10
    /// Height of the plot area, in px.
    static let plotHeight: Decimal = 120
    /// Room under the plot for the day numbers and the axis label, in px.
    static let bottom: Decimal = 34
    /// Width of one day, in px: two bars of ``bar`` with 2 px around them.
    static let slot: Decimal = 16
    /// Width of one bar, in px.
    static let bar: Decimal = 6
    /// About this many gridlines above zero.
    static let tickCount = 4
    /// Fill of the metered bars (and of their legend swatch).
    static let meteredColor = "#1f5fa8"
    /// Fill of the comparison bars (and of their legend swatch).
    static let comparisonColor = "#f0a030"
    /// Opacity of a provisional day's metered bar.
    static let provisionalOpacity = "0.45"

    /// The id of the chart's `<title>` element.
    var titleID: String { "chart-\(index)-title" }

    /// The chart's `<title>` text.
    var title: String {
        guard let first = days.first, let last = days.last else { return "\(pool): no days" }
        return "\(pool): daily metered credits against \(comparisonNoun == "estimated" ? "the estimate" : comparisonNoun), "
            + "\(first.date) to \(last.date)"
    }

    /// The `<svg>` element, ending in a newline.
    func render() -> String {
        let sink = ByteSink()
        render(into: sink)
        return String(decoding: try! sink.finish(), as: UTF8.self)
    }

    /// Writes the `<svg>` element, ending in a newline, into `out`.
    func render(into out: ByteSink) {
        let esc = HTMLText.escape
        let width = Self.left + Self.slot * Decimal(days.count) + Self.right
        let height = Self.top + Self.plotHeight + Self.bottom
        let baseline = Self.top + Self.plotHeight
        let peak = days.reduce(Decimal(0)) { max($0, $1.metered, $1.comparison) }
        let step = Self.niceStep(peak / Decimal(Self.tickCount))
        var ticks = 1
        while step * Decimal(ticks) < peak { ticks += 1 }
        let scaleTop = step * Decimal(ticks)
        func y(_ credits: Decimal) -> Decimal { baseline - max(0, credits) / scaleTop * Self.plotHeight }

        out += "<svg class=\"chart\" role=\"img\" aria-labelledby=\"\(titleID)\" width=\"\(n(width))\" "
            + "height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\">\n"
        out += "<title id=\"\(titleID)\">\(esc(title))</title>\n"
        out += "<g stroke=\"#e6e6e6\" fill=\"#555555\" font-size=\"9\" font-family=\"sans-serif\">\n"
        for i in 0...ticks {
            let value = step * Decimal(i)
            let ty = y(value)
            out += "<line x1=\"\(n(Self.left))\" y1=\"\(n(ty))\" x2=\"\(n(width - Self.right))\" y2=\"\(n(ty))\"/>"
            out += "<text x=\"\(n(Self.left - 4))\" y=\"\(n(ty + 3))\" text-anchor=\"end\" stroke=\"none\">"
                + "\(esc(QuantityFormat.quantity(value)))</text>\n"
        }
        out += "</g>\n<g>\n"
        // A bar's y and height text, computed once per distinct credits value (an always-on pool meters the same
        // credits most days), in Decimal as before.
        // Keyed by the value's parts where it has them (hashing a Decimal costs more than the bar); the y and height
        // of such a value come from exact integer arithmetic (``Self.barText``), the same text as in Decimal.
        var bars: [Decimal: (y: String, height: String, credits: String)] = [:]
        var barsByParts: [BarKey: (y: String, height: String, credits: String)] = [:]
        let integerScale = Self.integerScale(scaleTop: scaleTop, baseline: baseline)
        func bar(_ credits: Decimal) -> (y: String, height: String, credits: String) {
            if let p = ExactDecimal.parts(credits) {
                let key = BarKey(negative: p.negative, significand: p.significand, exponent: p.exponent)
                if let b = barsByParts[key] { return b }
                if let integerScale, let text = Self.barText(p, scale: integerScale) {
                    let b = (text.y, text.height, esc(QuantityFormat.quantity(credits)))
                    barsByParts[key] = b
                    return b
                }
            }
            if let b = bars[credits] { return b }
            let top = y(credits)
            let b = (n(top), n(baseline - top), esc(QuantityFormat.quantity(credits)))
            bars[credits] = b
            return b
        }
        let barWidth = n(Self.bar)
        let whole = Self.wholeGeometry
        for (i, d) in days.enumerated() {
            // x = left + slot × i + 2; whole numbers with the margins and sizes above, so written as integers.
            let x = whole.map { String($0.left + 2 + $0.slot * i) } ?? n(Self.left + Self.slot * Decimal(i) + 2)
            let x2 = whole.map { String($0.left + 2 + $0.bar + $0.slot * i) }
                ?? n(Self.left + Self.slot * Decimal(i) + 2 + Self.bar)
            let metered = bar(d.metered)
            let comparison = bar(d.comparison)
            let note = d.provisional ? " (provisional)" : ""
            out += "<rect class=\"metered\(d.provisional ? " provisional" : "")\" fill=\"\(Self.meteredColor)\""
                + (d.provisional ? " fill-opacity=\"\(Self.provisionalOpacity)\"" : "") + " x=\"\(x)\" y=\"\(metered.y)\" "
                + "width=\"\(barWidth)\" height=\"\(metered.height)\"><title>\(d.date)\(note): metered "
                + "\(metered.credits) credits</title></rect>"
            out += "<rect class=\"comparison\" fill=\"\(Self.comparisonColor)\" x=\"\(x2)\" "
                + "y=\"\(comparison.y)\" width=\"\(barWidth)\" "
                + "height=\"\(comparison.height)\"><title>\(d.date)\(note): \(esc(comparisonNoun)) "
                + "\(comparison.credits) credits</title></rect>\n"
        }
        out += "</g>\n<g fill=\"#555555\" font-size=\"9\" font-family=\"sans-serif\" text-anchor=\"middle\">\n"
        let labelY = n(baseline + 12)
        for (i, d) in days.enumerated() where days.count <= 31 || i % 7 == 0 {
            let x = whole.map { String($0.left + $0.slot / 2 + $0.slot * i) }
                ?? n(Self.left + Self.slot * Decimal(i) + Self.slot / 2)
            out += "<text x=\"\(x)\" y=\"\(labelY)\">\(d.date.day)</text>\n"
        }
        out += "</g>\n"
        // Axis labels: the unit along the values axis, the calendar days along the other.
        let month = days.first.map { "\($0.date.year)-\($0.date.month < 10 ? "0" : "")\($0.date.month)" } ?? ""
        let daysLabel = month.isEmpty ? "day" : (days.first?.date.month == days.last?.date.month && days.first?.date.year == days.last?.date.year
            ? "day of \(month)" : "day of the month, from \(month)")
        out += "<g fill=\"#333333\" font-size=\"9\" font-family=\"sans-serif\" text-anchor=\"middle\">\n"
        out += "<text class=\"axis-label\" transform=\"translate(10 \(n(Self.top + Self.plotHeight / 2))) rotate(-90)\">"
            + "\(esc(unit))</text>\n"
        out += "<text class=\"axis-label\" x=\"\(n(Self.left + (width - Self.left - Self.right) / 2))\" "
            + "y=\"\(n(baseline + 27))\">\(esc(daysLabel))</text>\n</g>\n"
        out += "<line stroke=\"#777777\" x1=\"\(n(Self.left))\" y1=\"\(n(baseline))\" x2=\"\(n(width - Self.right))\" "
            + "y2=\"\(n(baseline))\"/>\n"
        out += "</svg>\n"
    }

    /// The left margin, slot and bar widths as whole numbers (56, 16 and 6), with an even slot: a bar's x is then
    /// `left + 2 + slot × i`, the next bar's `left + 2 + bar + slot × i` and a day label's `left + slot / 2 + slot × i`,
    /// whole numbers written as integers (the text ``n(_:)`` gives them) without Decimal arithmetic per day; nil when
    /// they are not whole (the coordinates are then computed in Decimal).
    static let wholeGeometry: (left: Int, slot: Int, bar: Int)? = {
        func whole(_ d: Decimal) -> Int? {
            guard let p = ExactDecimal.parts(d), p.exponent >= 0, p.exponent < 6, p.significand < 1_000_000 else { return nil }
            var v = Int(p.significand)
            for _ in 0..<p.exponent { v *= 10 }
            return p.negative ? -v : v
        }
        guard let l = whole(left), let s = whole(slot), let b = whole(bar), s % 2 == 0 else { return nil }
        return (l, s, b)
    }()

    /// The smallest of 1, 2 or 5 × a power of ten that is at least `raw`; 1 when `raw` is not positive.
    /// Worked examples: 0.66 → 1 (0.66 lies in [0.1, 1), and 1 × 1 ≥ 0.66); 0.275 → 0.5; 39.6 → 50.
    static func niceStep(_ raw: Decimal) -> Decimal {
        guard raw > 0 else { return 1 }
        var power: Decimal = 1
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        for m in [1, 2, 5] as [Decimal] where m * power >= raw { return m * power }
        return 10 * power
    }

    /// A credits value by its parts (``ExactDecimal/parts(_:)``): the key of the bar texts already made.
    struct BarKey: Hashable {
        let negative: Bool
        let significand: UInt64
        let exponent: Int
    }

    /// The chart's scale in integers: the top of the scale as ±`significand` × 10^`exponent` and the baseline in
    /// hundredths of a px; nil when either is outside 64 bits (the bars are then computed in Decimal).
    static func integerScale(scaleTop: Decimal, baseline: Decimal) -> (significand: UInt64, exponent: Int, baselineHundredths: Int64)? {
        guard let s = ExactDecimal.parts(scaleTop), !s.negative, s.significand > 0,
              let b = MoneyFormat.scaled(baseline, scale: 2), !b.negative, b.n < 1 << 40,
              MoneyFormat.round(baseline, scale: 2) == baseline else { return nil }
        return (s.significand, s.exponent, Int64(b.n))
    }

    /// The y and height texts of a bar of `credits` (its parts) on `scale`: height = max(0, credits) / scale top ×
    /// ``plotHeight``, y = baseline − height, each rounded once, half-even, to 2 digits and written as ``n(_:)`` writes
    /// them. Exact: the height in hundredths is the quotient of two 64-bit integers rounded to the nearest, and the
    /// baseline is an even whole number of hundredths, so y rounds to baseline − (height rounded). nil for an exact
    /// tie, an odd baseline or a product outside 64 bits: the caller then computes in Decimal. Decimal's own
    /// quotient (38 digits) rounds to the same hundredths when the exact value is not a tie: it is then further from
    /// one than Decimal's last digit.
    static func barText(_ credits: (negative: Bool, significand: UInt64, exponent: Int),
                        scale: (significand: UInt64, exponent: Int, baselineHundredths: Int64)) -> (y: String, height: String)? {
        guard scale.baselineHundredths % 2 == 0, let plot = ExactDecimal.parts(plotHeight), !plot.negative else { return nil }
        var hundredths: UInt64 = 0
        if !credits.negative && credits.significand != 0 {
            // height × 100 = (c × h × 10^(ec + eh + 2 − es)) / s.
            let (ch, o1) = credits.significand.multipliedReportingOverflow(by: plot.significand)
            guard !o1 else { return nil }
            var numerator = ch
            var denominator = scale.significand
            let shift = credits.exponent + plot.exponent + 2 - scale.exponent
            if shift >= 0 {
                guard shift <= 19 else { return nil }
                for _ in 0..<shift {
                    let (m, o) = numerator.multipliedReportingOverflow(by: 10)
                    guard !o else { return nil }
                    numerator = m
                }
            } else {
                guard shift >= -19 else { return nil }
                for _ in 0..<(-shift) {
                    let (m, o) = denominator.multipliedReportingOverflow(by: 10)
                    guard !o else { return nil }
                    denominator = m
                }
            }
            var q = numerator / denominator
            let r = numerator % denominator
            // An exact tie (5.49175 ÷ 6 × 120 = 109.835) is left to Decimal: its 38-digit quotient, made before the
            // multiplication, falls just under the tie (109.83), and the page keeps that text.
            guard r != denominator - r else { return nil }
            if r > denominator - r { q += 1 }
            hundredths = q
        }
        guard hundredths <= UInt64(scale.baselineHundredths) else { return nil }
        let top = UInt64(scale.baselineHundredths) - hundredths
        guard let y = ExactDecimal.text(negative: false, digits: top, scale: 2, trim: true),
              let height = ExactDecimal.text(negative: false, digits: hundredths, scale: 2, trim: true) else { return nil }
        return (y, height)
    }

    /// A coordinate with at most 2 fraction digits (rounded by ``MoneyFormat``, the one place that rounds).
    func n(_ value: Decimal) -> String { MoneyFormat.roundedText(value, scale: 2) }
}
