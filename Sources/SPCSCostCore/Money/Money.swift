import Foundation

/// An exact amount of money in one currency. The amount is never rounded here: rounding to the currency's minor
/// units happens once, at presentation (`MoneyFormat` in SPCSCostReports).
public struct Money: Hashable, Sendable {
    /// Exact amount, unrounded (for example `33858.0` JPY or `225.72` USD).
    public let amount: Decimal
    /// Currency of `amount`.
    public let currency: Currency

    /// Creates an amount in `currency`.
    public init(_ amount: Decimal, _ currency: Currency) {
        self.amount = amount
        self.currency = currency
    }

    /// Zero in `currency`.
    public static func zero(_ currency: Currency) -> Money { Money(0, currency) }

    /// The sum; both amounts must be in the same currency (a programming error otherwise).
    public static func + (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "adding \(a.currency) to \(b.currency)")
        return Money(a.amount + b.amount, a.currency)
    }

    /// The difference; both amounts must be in the same currency.
    public static func - (a: Money, b: Money) -> Money {
        precondition(a.currency == b.currency, "subtracting \(b.currency) from \(a.currency)")
        return Money(a.amount - b.amount, a.currency)
    }

    /// The amount scaled by a dimensionless factor.
    public static func * (a: Money, factor: Decimal) -> Money { Money(a.amount * factor, a.currency) }

    /// This amount converted with `rate` (units of `rate.quote` per one unit of `rate.base`); exact.
    /// - Precondition: `currency == rate.base`.
    public func converted(with rate: ExchangeRate) -> Money {
        precondition(currency == rate.base, "converting \(currency) with a \(rate.base) rate")
        return Money(amount * rate.rate, rate.quote)
    }
}

/// An exchange rate: `rate` units of `quote` for one unit of `base` (150 JPY per USD is base USD, quote JPY, 150).
public struct ExchangeRate: Hashable, Sendable {
    /// The currency converted from.
    public let base: Currency
    /// The currency converted to.
    public let quote: Currency
    /// Units of `quote` per one unit of `base`; positive and exact.
    public let rate: Decimal
    /// Where the rate comes from (for example `--fx 150` or a line of an FX file).
    public let source: String
    /// The day the rate applies to; nil for a single rate given for the whole run.
    public let date: CivilDate?

    /// Creates a rate; `rate` must be positive.
    public init(base: Currency, quote: Currency, rate: Decimal, source: String, date: CivilDate? = nil) {
        precondition(rate > 0, "exchange rate must be positive")
        self.base = base
        self.quote = quote
        self.rate = rate
        self.source = source
        self.date = date
    }

    /// The identity rate for `currency` (1), used when the presentation currency is the price currency.
    public static func identity(_ currency: Currency) -> ExchangeRate {
        ExchangeRate(base: currency, quote: currency, rate: 1, source: "same currency")
    }
}
