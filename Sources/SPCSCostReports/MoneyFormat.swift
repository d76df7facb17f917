import Foundation
import SPCSCostCore

/// The one place where amounts are rounded and turned into text.
///
/// Rule: each amount shown is rounded once, half-even (banker's rounding: 0.5 goes to the even neighbour), to its
/// currency's ISO 4217 minor units (JPY 0, USD 2, KWD 3). Exact amounts are computed without rounding before this.
/// Text uses `.` as the decimal separator whatever the machine's locale; grouping (`33,858`) only in tables meant
/// for people (terminal, Markdown, HTML), never in CSV or JSON.
public enum MoneyFormat {
    /// The rounding rule in words, printed in every report.
    public static let ruleDescription =
        "amounts are exact until shown; each amount shown is rounded once, half-even, to its currency's ISO 4217 minor units"

    /// `money` rounded half-even to its currency's minor units.
    public static func rounded(_ money: Money) -> Decimal {
        round(money.amount, scale: money.currency.minorUnits)
    }

    /// Rounded amount as plain text with exactly the currency's minor digits: `33858`, `62.70`, `1.235`.
    public static func plain(_ money: Money) -> String {
        roundedFixed(money.amount, scale: money.currency.minorUnits, grouped: false)
    }

    /// Rounded amount with thousands grouped by `,`: `33,858`, `1,062.70`.
    public static func grouped(_ money: Money) -> String {
        roundedFixed(money.amount, scale: money.currency.minorUnits, grouped: true)
    }

    /// `value` rounded once, half-even, to `scale` fraction digits, as ±`n` × 10^-`scale` with `n` in 64 bits;
    /// nil when `value` is outside the fast path (see ``ExactDecimal/parts(_:)``) or `n` would overflow.
    /// Integer arithmetic, exact: the same result as ``round(_:scale:)``.
    static func scaled(_ value: Decimal, scale: Int) -> (negative: Bool, n: UInt64)? {
        guard let (negative, m, e) = ExactDecimal.parts(value) else { return nil }
        return rounded(negative: negative, significand: m, exponent: e, scale: scale)
    }

    /// ±`m` × 10^`e` rounded once, half-even, to `scale` fraction digits (the dropped digits' first decides, a 5
    /// alone is a tie, as `NSDecimalRound` rounds), as ±`n` × 10^-`scale` with `n` in 64 bits; nil when `n` would not
    /// fit. `M` is the significand's width: 64 bits for ``ExactDecimal/parts(_:)``, 128 for
    /// ``ExactDecimal/wideParts(_:)``.
    static func rounded<M: FixedWidthInteger & UnsignedInteger>(negative: Bool, significand m: M, exponent e: Int,
                                                                 scale: Int) -> (negative: Bool, n: UInt64)? {
        if m == 0 { return (false, 0) }
        if e >= -scale {
            var n = m
            for _ in 0..<(e + scale) {
                let (r, overflow) = n.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                n = r
            }
            return UInt64(exactly: n).map { (negative, $0) }
        }
        let drop = -scale - e
        // M.max < 0.5 × 10^d, d its number of decimal digits (20 for 64 bits, 39 for 128): dropping d or more
        // digits rounds to zero.
        guard drop < M.bitWidth * 30_103 / 100_000 + 1 else { return (negative, 0) }
        var p: M = 1
        for _ in 0..<drop { p *= 10 }
        var q = m / p
        let r = m % p
        if r > p / 2 || (r == p / 2 && q & 1 == 1) { q += 1 }
        return UInt64(exactly: q).map { (negative, $0) }
    }

    /// `value` rounded once, half-even, with exactly `scale` fraction digits, optionally grouped.
    static func roundedFixed(_ value: Decimal, scale: Int, grouped: Bool) -> String {
        if let (negative, n) = scaled(value, scale: scale),
           let text = ExactDecimal.text(negative: negative, digits: n, scale: scale, trim: false, grouped: grouped) {
            return text
        }
        return fixed(round(value, scale: scale), scale: scale, grouped: grouped)
    }

    /// `value` rounded once, half-even, to at most `scale` fraction digits, trailing zeros removed: `62.7`, `79.2`
    /// (the text of ``round(_:scale:)``).
    public static func roundedText(_ value: Decimal, scale: Int) -> String {
        if let (negative, n) = scaled(value, scale: scale),
           let text = ExactDecimal.text(negative: negative, digits: n, scale: scale, trim: true) {
            return text
        }
        return ExactDecimal.text(round(value, scale: scale))
    }

    /// Rounded amount with its code: `33,858 JPY`.
    public static func withCode(_ money: Money) -> String { "\(grouped(money)) \(money.currency.code)" }

    /// A unit price exactly as set, padded to at least the currency's minor units and never rounded: `4.30`,
    /// `2.85`, `0.0275`.
    public static func price(_ money: Money) -> String {
        let text = ExactDecimal.text(money.amount)
        let digits = text.split(separator: ".").dropFirst().first?.count ?? 0
        return fixed(money.amount, scale: max(digits, money.currency.minorUnits), grouped: false)
    }

    /// The exact, unrounded amount as text (`62.7`, `0.7333333333333333333333333333333333333`).
    public static func exact(_ money: Money) -> String { ExactDecimal.text(money.amount) }

    /// Rounds `value` half-even to `scale` fraction digits.
    public static func round(_ value: Decimal, scale: Int) -> Decimal {
        var v = value
        var r = Decimal()
        NSDecimalRound(&r, &v, scale, .bankers)
        return r
    }

    /// `value` with exactly `scale` fraction digits (padding with zeros), optionally grouped by thousands.
    static func fixed(_ value: Decimal, scale: Int, grouped: Bool) -> String {
        // Fast path for a value with at most `scale` fraction digits (nothing to round).
        if let p = ExactDecimal.parts(value), p.exponent >= -scale, let (negative, n) = scaled(value, scale: scale),
           let text = ExactDecimal.text(negative: negative, digits: n, scale: scale, trim: false, grouped: grouped) {
            return text
        }
        var text = ExactDecimal.text(value)
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var whole = parts[0]
        var frac = parts.count > 1 ? parts[1] : ""
        if frac.count < scale { frac += String(repeating: "0", count: scale - frac.count) }
        if grouped && whole.count > 3 {
            var out = ""
            for (i, ch) in whole.enumerated() {
                if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
                out.append(ch)
            }
            whole = out
        }
        let body = scale > 0 ? "\(whole).\(frac)" : whole
        return (negative && value != 0 ? "-" : "") + body
    }
}

/// Text of quantities that are not money: credits and node-hours.
///
/// Credits are shown to at most 9 fraction digits (the precision of CREDITS_USED, NUMBER(38,9)), rounded half-even
/// and without trailing zeros: `79.2`, `0.733333333`. Machine formats (JSON, CSV) use the same text.
public enum QuantityFormat {
    /// Credits or node-hours: at most 9 fraction digits, trailing zeros trimmed.
    public static func quantity(_ value: Decimal) -> String {
        MoneyFormat.roundedText(value, scale: 9)
    }

    /// A rate or a price exactly as given (`0.11`, `2.85`).
    public static func exact(_ value: Decimal) -> String { ExactDecimal.text(value) }
}
