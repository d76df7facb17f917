import Foundation

/// Snowflake credits held as an exact count of billionths (nano-credits).
///
/// CREDITS_USED in the usage views is NUMBER(38,9) (docs.snowflake.com, account-usage
/// `snowpark_container_services_history`, spcs-facts §3 [S8a]), so nine fraction digits are exact; an `Int64`
/// holds up to 9.2 billion credits, and sums of `NanoCredits` never go through floating point.
public struct NanoCredits: Hashable, Comparable, Sendable, AdditiveArithmetic, CustomStringConvertible {
    /// Credits × 10⁹.
    public var value: Int64

    /// Wraps a count of nano-credits (credits × 10⁹).
    public init(_ value: Int64) { self.value = value }

    /// Zero credits.
    public static let zero = NanoCredits(0)

    /// Parses a decimal text of credits with at most 9 fraction digits (`0.110000000`, `1.5`, `-0.02`);
    /// nil when the text is not a plain decimal, has more than 9 fraction digits, or overflows `Int64`.
    public init?(parsing text: some StringProtocol) {
        var s = Substring(text)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let frac = parts.count > 1 ? parts[1] : ""
        guard !(whole.isEmpty && frac.isEmpty), frac.count <= 9,
              whole.allSatisfy({ $0 >= "0" && $0 <= "9" }), frac.allSatisfy({ $0 >= "0" && $0 <= "9" })
        else { return nil }
        var total: Int64 = 0
        for ch in whole {
            let (m, o1) = total.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(ch.asciiValue! - 48))
            guard !o1, !o2 else { return nil }
            total = a
        }
        let (scaled, o3) = total.multipliedReportingOverflow(by: 1_000_000_000)
        guard !o3 else { return nil }
        var fracValue: Int64 = 0
        for ch in frac { fracValue = fracValue * 10 + Int64(ch.asciiValue! - 48) }
        for _ in frac.count..<9 { fracValue *= 10 }
        let (sum, o4) = scaled.addingReportingOverflow(fracValue)
        guard !o4 else { return nil }
        self.value = negative ? -sum : sum
    }

    /// Exact credits as a `Decimal` (value × 10⁻⁹, built from its exponent: no division).
    public var credits: Decimal {
        Decimal(sign: value < 0 ? .minus : .plus, exponent: -9, significand: Decimal(value.magnitude))
    }

    /// Converts an exact credit amount with at most 9 fraction digits; nil when `credits` needs more digits
    /// (use ``rounded(_:)`` to round explicitly).
    public init?(exactly credits: Decimal) {
        let scaled = credits * 1_000_000_000
        var s = scaled
        var r = Decimal()
        NSDecimalRound(&r, &s, 0, .plain)
        guard r == scaled, let v = Int64(exactly: NSDecimalNumber(decimal: r).int64Value),
              Decimal(v) == r else { return nil }
        self.value = v
    }

    /// `credits` rounded half-up to 9 fraction digits, the precision of CREDITS_USED NUMBER(38,9).
    public static func rounded(_ credits: Decimal) -> NanoCredits {
        var s = credits * 1_000_000_000
        var r = Decimal()
        NSDecimalRound(&r, &s, 0, .plain)
        return NanoCredits(NSDecimalNumber(decimal: r).int64Value)
    }

    /// Text with exactly 9 fraction digits, as Snowflake prints NUMBER(38,9) (`0.110000000`).
    public var description: String {
        let sign = value < 0 ? "-" : ""
        let mag = value.magnitude
        let whole = mag / 1_000_000_000
        let frac = String(mag % 1_000_000_000)
        return "\(sign)\(whole)." + String(repeating: "0", count: 9 - frac.count) + frac
    }

    public static func < (a: NanoCredits, b: NanoCredits) -> Bool { a.value < b.value }
    public static func + (a: NanoCredits, b: NanoCredits) -> NanoCredits { NanoCredits(a.value + b.value) }
    public static func - (a: NanoCredits, b: NanoCredits) -> NanoCredits { NanoCredits(a.value - b.value) }
}
