import Foundation
import SPCSCostCore

/// Amounts of a table rounded for display, with the rounding difference shown instead of hidden.
///
/// Each line is rounded once, and the total is rounded once from the exact total (not summed from the rounded
/// lines), both by ``MoneyFormat`` (half-even to the currency's ISO 4217 minor units). The rounded lines then need
/// not add up to the rounded total; ``difference`` says by how much, so a report can print
/// "Rounding difference: 1 JPY" next to its total.
///
/// Example (JPY, 0 minor units): lines 100.5, 200.5, 300.4 round to 100, 200, 300 (sum 600); the exact total 601.4
/// rounds to 601; the difference is 601 − 600 = 1 JPY.
public struct RoundedBreakdown: Sendable, Hashable {
    /// The currency of every amount.
    public let currency: Currency
    /// Each line rounded once, in the order given.
    public let lines: [Money]
    /// The exact total rounded once.
    public let total: Money
    /// The exact total, unrounded (kept so a report can show it next to the rounded one).
    public let exactTotal: Money

    /// Rounds `lines` and `exactTotal`, which must all be in `exactTotal.currency` (a programming error otherwise).
    /// - Parameters:
    ///   - lines: exact, unrounded line amounts; may be empty.
    ///   - exactTotal: the exact total of the lines as the caller computed it (for example credits × price over the
    ///     whole period), not necessarily the sum of `lines` to the last digit.
    public init(lines: [Money], exactTotal: Money) {
        precondition(lines.allSatisfy { $0.currency == exactTotal.currency },
                     "lines and total must share one currency")
        self.currency = exactTotal.currency
        // Each line rounded once; in whole minor units through a 64-bit integer where it fits (the same value as
        // MoneyFormat.rounded), so a year of per-day lines adds up without a Decimal addition per line.
        let scale = currency.minorUnits
        var rounded: [Money] = []
        rounded.reserveCapacity(lines.count)
        var units: Int64? = 0
        for line in lines {
            if let (negative, n) = MoneyFormat.scaled(line.amount, scale: scale), n <= UInt64(Int64.max) {
                rounded.append(Money(Self.decimal(negative: negative, units: n, scale: scale), currency))
                units = units.flatMap { u in
                    let (r, overflow) = u.addingReportingOverflow(negative ? -Int64(n) : Int64(n))
                    return overflow ? nil : r
                }
            } else {
                rounded.append(Money(MoneyFormat.rounded(line), currency))
                units = nil
            }
        }
        self.lines = rounded
        self.total = Money(MoneyFormat.rounded(exactTotal), exactTotal.currency)
        self.exactTotal = exactTotal
        let cur = exactTotal.currency
        if let units {
            sumOfRoundedLines = Money(Self.decimal(negative: units < 0, units: units.magnitude, scale: scale), cur)
        } else {
            sumOfRoundedLines = rounded.reduce(Money.zero(cur), +)
        }
    }

    /// The sum of `lines`, each rounded once, in `currency`: the ``sumOfRoundedLines`` of a breakdown of the same
    /// lines, made without keeping them (a year's per-day lines are read as they come); nil when `lines` is empty.
    /// Every line must be in `currency` (a programming error otherwise).
    public static func sumOfRounded(_ lines: some Sequence<Money>, currency: Currency) -> Money? {
        let scale = currency.minorUnits
        var units: Int64 = 0
        // Set from the first line or sum that leaves 64 bits: the sum so far, then Decimal's own additions.
        var decimalSum: Money?
        var empty = true
        for line in lines {
            precondition(line.currency == currency, "lines and total must share one currency")
            empty = false
            if decimalSum == nil, let (negative, n) = MoneyFormat.scaled(line.amount, scale: scale), n <= UInt64(Int64.max) {
                let (r, overflow) = units.addingReportingOverflow(negative ? -Int64(n) : Int64(n))
                if !overflow {
                    units = r
                    continue
                }
            }
            let sum = decimalSum ?? Money(decimal(negative: units < 0, units: units.magnitude, scale: scale), currency)
            decimalSum = sum + Money(MoneyFormat.rounded(line), currency)
        }
        if empty { return nil }
        return decimalSum ?? Money(decimal(negative: units < 0, units: units.magnitude, scale: scale), currency)
    }

    /// ±`units` × 10^-`scale`.
    static func decimal(negative: Bool, units: UInt64, scale: Int) -> Decimal {
        units == 0 ? 0 : Decimal(sign: negative ? .minus : .plus, exponent: -scale, significand: Decimal(units))
    }

    /// Rounds `lines` and their exact sum; `lines` must not be empty (its currency is the breakdown's).
    public init(lines: [Money]) {
        precondition(!lines.isEmpty, "a breakdown without lines needs an explicit total")
        self.init(lines: lines, exactTotal: lines.dropFirst().reduce(lines[0], +))
    }

    /// The sum of the rounded lines, exact (a whole number of minor units).
    public let sumOfRoundedLines: Money

    /// Rounded total − sum of the rounded lines; zero when the rounded lines add up to the rounded total. A whole
    /// number of minor units, positive or negative.
    public var difference: Money { total - sumOfRoundedLines }

    /// `Rounding difference: 1 JPY` (grouped, with the currency's minor digits: `-0.02 USD`, `0.001 KWD`).
    public var differenceText: String { "Rounding difference: \(MoneyFormat.withCode(difference))" }
}
