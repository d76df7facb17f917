import Foundation

/// Dated exchange rates, looked up by the day an amount belongs to.
///
/// Each row says: on `date`, one unit of `base` is worth `rate` units of `quote` (for example 2024-04-15, USD, JPY,
/// 153.20). Rates are exact decimals and are never inverted or chained: converting JPY to USD needs a JPY→USD row,
/// because 1 ÷ 153.20 has no exact decimal form. Converting a currency into itself always uses the rate 1.
///
/// Two ways to pick the row for a day (``Lookup``):
/// - ``Lookup/daily``: the row dated that very day; a day without a row takes the latest earlier row within
///   ``maxCarryDays`` days (weekends and holidays, when treasury tables publish no rate), and the rate's source says
///   so. A longer gap is an error naming the pair and the day.
/// - ``Lookup/monthly``: the row dated the **first day of the day's month**, used for every day of that month.
///   A month's single rate is therefore written as a row dated `YYYY-MM-01`; the other rows of the month are
///   ignored in this mode.
public struct FXTable: Sendable {
    /// How a day finds its rate.
    public enum Lookup: String, Sendable, Hashable, CaseIterable {
        /// The rate dated the day itself.
        case daily
        /// The rate dated the first day of the day's month.
        case monthly
    }

    /// One dated rate.
    public struct Row: Sendable, Hashable {
        /// The day the rate applies to.
        public var date: CivilDate
        /// The currency converted from.
        public var base: Currency
        /// The currency converted to.
        public var quote: Currency
        /// Units of `quote` per one unit of `base`; must be positive.
        public var rate: Decimal
        /// Who published the rate, as the file states it (for example `MUFG TTM`, `ECB reference rate`).
        public var source: String
        /// Where the row was read, for messages (for example `usdjpy-april-2024.csv line 17`).
        public var origin: String

        /// Creates a row; see the properties for units.
        public init(date: CivilDate, base: Currency, quote: Currency, rate: Decimal, source: String, origin: String) {
            self.date = date
            self.base = base
            self.quote = quote
            self.rate = rate
            self.source = source
            self.origin = origin
        }
    }

    private struct Key: Hashable {
        let date: CivilDate
        let base: Currency
        let quote: Currency
    }

    /// Every row, sorted by date, then base, then quote; a (date, base, quote) appears once.
    public let rows: [Row]
    private let byKey: [Key: Row]

    /// Creates a table. A row repeated with the same rate is kept once.
    /// - Throws: ``RowError`` for the first row whose rate is not positive, that converts a currency into itself,
    ///   or whose (date, base, quote) already has another rate.
    public init(rows: [Row]) throws(RowError) {
        var byKey: [Key: Row] = [:]
        for row in rows {
            guard row.rate > 0 else { throw RowError(row: row, problem: .nonPositiveRate) }
            guard row.base != row.quote else { throw RowError(row: row, problem: .sameCurrency) }
            let key = Key(date: row.date, base: row.base, quote: row.quote)
            if let earlier = byKey[key] {
                guard earlier.rate == row.rate else { throw RowError(row: row, problem: .conflicts(with: earlier)) }
                continue
            }
            byKey[key] = row
        }
        self.byKey = byKey
        self.rows = byKey.values.sorted {
            ($0.date, $0.base.code, $0.quote.code) < ($1.date, $1.base.code, $1.quote.code)
        }
    }

    /// A row that cannot be part of a table. `description` names the row's origin, its rate and the fix.
    public struct RowError: Error, Equatable, Sendable, CustomStringConvertible {
        /// What is wrong with the row.
        public enum Problem: Equatable, Sendable {
            /// The rate is zero or less.
            case nonPositiveRate
            /// The row converts a currency into itself (that rate is always 1).
            case sameCurrency
            /// An earlier row has the same (date, base, quote) and another rate.
            case conflicts(with: Row)
        }

        /// The row at fault (for a conflict, the later of the two).
        public let row: Row
        /// What is wrong with it.
        public let problem: Problem

        /// The rate cell's problem and its fix, without the row's origin: "is not positive; ...".
        public var fix: String {
            switch problem {
            case .nonPositiveRate:
                return "is not positive; write the units of \(row.quote.code) per one \(row.base.code)"
            case .sameCurrency:
                return "converts \(row.base.code) into itself; remove the row (the rate is always 1)"
            case let .conflicts(first):
                return "conflicts with rate '\(ExactDecimal.text(first.rate))' for \(row.base.code)→\(row.quote.code) "
                    + "on \(row.date) at \(first.origin); keep one of the two rows"
            }
        }

        public var description: String { "\(row.origin): rate '\(ExactDecimal.text(row.rate))' \(fix)." }
    }

    /// How many days back a daily lookup may reach for a day without a row: 4 covers a weekend next to a
    /// two-day holiday.
    public static let maxCarryDays = 4

    /// True when the table has at least one row converting `base` into `quote`.
    public func hasPair(base: Currency, quote: Currency) -> Bool {
        rows.contains { $0.base == base && $0.quote == quote }
    }

    /// The rate that converts `base` into `quote` for an amount that belongs to `day`.
    /// - Returns: an ``ExchangeRate`` whose `date` is the date of the row used (the first of the month in monthly
    ///   mode) and whose `source` names the row's source and origin; the identity rate (1, dated `day`) when
    ///   `base == quote`.
    /// - Throws: ``FXError/missingRate(base:quote:day:lookup:needed:)`` naming the day that has no row.
    public func rate(from base: Currency, to quote: Currency, for day: CivilDate,
                     lookup: Lookup) throws(FXError) -> ExchangeRate {
        if base == quote {
            return ExchangeRate(base: base, quote: quote, rate: 1, source: "same currency", date: day)
        }
        let needed = lookup == .daily ? day : day.firstOfMonth
        let reach = lookup == .daily ? Self.maxCarryDays : 0
        for back in 0...reach {
            guard let row = byKey[Key(date: needed.adding(days: -back), base: base, quote: quote)] else { continue }
            let how = lookup == .monthly ? ", the rate of \(needed) used for all of \(Self.monthName(needed))"
                : back > 0 ? ", the rate of \(row.date) carried to \(day), which has no row" : ""
            return ExchangeRate(base: base, quote: quote, rate: row.rate,
                                source: "\(row.source) (\(row.origin)\(how))", date: row.date)
        }
        throw .missingRate(base: base, quote: quote, day: day, lookup: lookup, needed: needed,
                           known: datesCovered(base: base, quote: quote))
    }

    /// `money` converted into `quote` with the rate for `day`; exact (no rounding).
    /// - Throws: what ``rate(from:to:for:lookup:)`` throws.
    public func convert(_ money: Money, to quote: Currency, for day: CivilDate,
                        lookup: Lookup) throws(FXError) -> Money {
        money.converted(with: try rate(from: money.currency, to: quote, for: day, lookup: lookup))
    }

    /// The first and last date with a `base`→`quote` row, or nil when the table has none.
    func datesCovered(base: Currency, quote: Currency) -> ClosedRange<CivilDate>? {
        let dates = rows.filter { $0.base == base && $0.quote == quote }.map(\.date)
        guard let first = dates.first, let last = dates.last else { return nil }
        return first...last
    }

    /// `April 2024`.
    static func monthName(_ date: CivilDate) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"]
        return "\(names[date.month - 1]) \(date.year)"
    }
}

/// Why a dated exchange rate could not be found. `description` is a finished sentence naming the day and the fix.
public enum FXError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No row for `needed` (`day` itself in daily mode, the first of its month in monthly mode); `known` is the
    /// range of dates the table has for the pair, nil when it has none.
    case missingRate(base: Currency, quote: Currency, day: CivilDate, lookup: FXTable.Lookup, needed: CivilDate,
                     known: ClosedRange<CivilDate>?)

    public var description: String {
        switch self {
        case let .missingRate(base, quote, day, lookup, needed, known):
            let have = known.map { "the table has \(base.code)→\(quote.code) rates from \($0.lowerBound) to \($0.upperBound)" }
                ?? "the table has no \(base.code)→\(quote.code) rates at all"
            switch lookup {
            case .daily:
                return "no \(base.code)→\(quote.code) rate for \(day) or the \(FXTable.maxCarryDays) days before it "
                    + "(\(have)); add a row dated \(day), or use monthly rates (--fx-lookup monthly)."
            case .monthly:
                return "no \(base.code)→\(quote.code) rate for \(needed), the first day of "
                    + "\(FXTable.monthName(needed)), which monthly lookup uses for \(day) (\(have)); add a row dated \(needed)."
            }
        }
    }
}
