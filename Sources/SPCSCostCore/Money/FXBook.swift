import Foundation

/// Every exchange rate a run may use, each tied to a currency pair: dated rows (an FX file), fixed pairs
/// (`--fx EUR/USD=0.92`, the pools file's `fx`), and at most one bare rate (`--fx 150`).
///
/// Lookup of `base` → `quote` for a day (README "Prices, FX and the ledger"):
/// 1. the same currency: the rate 1;
/// 2. the dated table, when it has rows for the pair: the day's row, else the latest earlier row within
///    ``FXTable/maxCarryDays`` days (said in the rate's source), else an error naming the pair and the day;
/// 3. a fixed rate for the pair (undated, stamped as such);
/// 4. the bare rate, which converts the price currency into the presentation currency: it applies only when its
///    quote is `quote`, and a run whose prices are in two currencies cannot use it (``FXBookError/ambiguousBareRate``);
/// 5. otherwise ``FXBookError/missingPair(base:quote:day:known:)``: a rate of another pair (JPY per USD) is never
///    used for this one (EUR per USD), and rates are never inverted or chained.
public struct FXBook: Sendable {
    /// A pair: one unit of `base` is worth some units of `quote`.
    public struct Pair: Hashable, Sendable, Comparable, CustomStringConvertible {
        /// The currency converted from.
        public var base: Currency
        /// The currency converted to.
        public var quote: Currency

        /// Creates a pair.
        public init(base: Currency, quote: Currency) {
            self.base = base
            self.quote = quote
        }

        /// `JPY per USD`.
        public var description: String { "\(quote.code) per \(base.code)" }

        public static func < (a: Pair, b: Pair) -> Bool { (a.base.code, a.quote.code) < (b.base.code, b.quote.code) }
    }

    /// An undated rate of one pair and where it was given.
    public struct FixedRate: Sendable, Hashable {
        /// The pair.
        public var pair: Pair
        /// Units of `pair.quote` per one unit of `pair.base`; positive.
        public var rate: Decimal
        /// Where it was given: `--fx EUR/USD=0.92`, `pools file team.toml, [defaults] fx`.
        public var source: String

        /// Creates a fixed rate; `rate` must be positive.
        public init(pair: Pair, rate: Decimal, source: String) {
            precondition(rate > 0, "an exchange rate must be positive")
            self.pair = pair
            self.rate = rate
            self.source = source
        }
    }

    /// Fixed rates by pair.
    public var fixed: [Pair: FixedRate]
    /// `--fx RATE` without a pair: units of `bareQuote` per one unit of whatever the price currency is.
    public var bare: (rate: Decimal, source: String)?
    /// The presentation currency a bare rate converts into.
    public var bareQuote: Currency?
    /// Dated rates, if an FX file was given.
    public var dated: FXTable?
    /// How `dated` finds a day's row.
    public var lookup: FXTable.Lookup

    /// Creates a book.
    public init(fixed: [FixedRate] = [], bare: (rate: Decimal, source: String)? = nil, bareQuote: Currency? = nil,
                dated: FXTable? = nil, lookup: FXTable.Lookup = .daily) {
        var byPair: [Pair: FixedRate] = [:]
        for f in fixed where byPair[f.pair] == nil { byPair[f.pair] = f }
        self.fixed = byPair
        self.bare = bare
        self.bareQuote = bareQuote
        self.dated = dated
        self.lookup = lookup
    }

    /// An empty book: only same-currency conversions succeed.
    public static let none = FXBook()

    /// The rate converting `base` into `quote` for an amount of `day` (a UTC day).
    /// - Throws: ``FXBookError/missingPair(base:quote:day:known:)`` when no rate of that pair is known,
    ///   ``FXBookError/dated(_:)`` when the FX file has the pair but not the day.
    public func rate(from base: Currency, to quote: Currency, on day: CivilDate) throws(FXBookError) -> ExchangeRate {
        if base == quote { return .identity(base) }
        if let dated, dated.hasPair(base: base, quote: quote) {
            do { return try dated.rate(from: base, to: quote, for: day, lookup: lookup) } catch { throw .dated(error) }
        }
        let pair = Pair(base: base, quote: quote)
        if let f = fixed[pair] {
            return ExchangeRate(base: base, quote: quote, rate: f.rate, source: f.source)
        }
        if let bare, bareQuote == quote {
            return ExchangeRate(base: base, quote: quote, rate: bare.rate, source: bare.source)
        }
        throw .missingPair(base: base, quote: quote, day: day, known: knownPairs)
    }

    /// Checks that a bare `--fx` rate meets at most one price currency: `priceCurrencies` are the currencies the
    /// run's prices are set in.
    /// - Throws: ``FXBookError/ambiguousBareRate(currencies:quote:)``.
    public func checkBareRate(priceCurrencies: Set<Currency>) throws(FXBookError) {
        guard bare != nil, let quote = bareQuote else { return }
        let converted = priceCurrencies.filter { $0 != quote && fixed[Pair(base: $0, quote: quote)] == nil
            && !(dated?.hasPair(base: $0, quote: quote) ?? false) }
        if converted.count > 1 { throw .ambiguousBareRate(currencies: converted.sorted { $0.code < $1.code }, quote: quote) }
    }

    /// Every pair the book can convert, for messages.
    public var knownPairs: [Pair] {
        var pairs = Set(fixed.keys)
        for r in dated?.rows ?? [] { pairs.insert(Pair(base: r.base, quote: r.quote)) }
        return pairs.sorted()
    }
}

/// Why an exchange rate could not be found. Each `description` is a finished sentence naming the pair and the fix.
public enum FXBookError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No rate of the pair is known.
    case missingPair(base: Currency, quote: Currency, day: CivilDate, known: [FXBook.Pair])
    /// The FX file has the pair but no row near the day.
    case dated(FXError)
    /// A bare `--fx RATE` would convert prices in several currencies.
    case ambiguousBareRate(currencies: [Currency], quote: Currency)

    public var description: String {
        switch self {
        case let .missingPair(base, quote, day, known):
            let have = known.isEmpty ? "no exchange rate is given" : "the rates given are "
                + known.map(\.description).joined(separator: ", ")
            return "no \(quote.code) per \(base.code) rate for \(day) (\(have); a rate of another pair is never used "
                + "for this one); pass --fx \(quote.code)/\(base.code)=RATE (units of \(quote.code) per one "
                + "\(base.code)), add \"\(quote.code)/\(base.code)\" to the pools file's fx, or give an FX file with "
                + "\(base.code)→\(quote.code) rows."
        case let .dated(e):
            return e.description
        case let .ambiguousBareRate(currencies, quote):
            let list = currencies.map(\.code).joined(separator: " and ")
            return "--fx RATE converts the one price currency into \(quote.code), but prices are in \(list); name "
                + "each pair instead, for example " + currencies.map { "--fx \(quote.code)/\($0.code)=RATE" }
                .joined(separator: " ") + "."
        }
    }
}
