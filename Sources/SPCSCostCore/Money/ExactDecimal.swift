import Foundation

/// Strict parsing and exact text of decimals. Foundation's `Decimal(string:)` accepts a valid prefix ("1.2abc" is
/// 1.2) and reads the machine's locale in some overloads; spcs-cost only takes plain `[-]digits[.digits]`.
public enum ExactDecimal {
    /// Parses `[-+]digits[.digits]` (also `.5` and `5.`), with `.` as the decimal separator and no grouping,
    /// exponent or spaces; nil for anything else (for example `0,110`, `1e3`, `NaN`, ``).
    public static func parse(_ text: some StringProtocol) -> Decimal? {
        var sawDigit = false
        var sawPoint = false
        for (i, ch) in text.enumerated() {
            switch ch {
            case "0"..."9": sawDigit = true
            case ".": if sawPoint { return nil }; sawPoint = true
            case "-", "+": if i != 0 { return nil }
            default: return nil
            }
        }
        guard sawDigit else { return nil }
        return Decimal(string: String(text), locale: Locale(identifier: "en_US_POSIX"))
    }

    /// The exact, unrounded text of `value` with `.` as separator and no grouping (for example `33858`,
    /// `225.72`, `0.733333333333333333333`).
    public static func text(_ value: Decimal) -> String {
        var v = value
        return NSDecimalString(&v, Locale(identifier: "en_US_POSIX"))
    }
}
