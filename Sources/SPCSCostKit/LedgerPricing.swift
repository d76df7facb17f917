import Foundation
import SPCSCostCore
import SPCSCostStore

/// One `--fx` value: a bare rate (`--fx 150`: units of `--currency` per one unit of the price currency, undated)
/// or a named pair (`--fx EUR/USD=0.92`: 0.92 EUR per one USD; "slash" reads "per").
public enum FXArgument: Sendable, Hashable {
    /// `--fx RATE`.
    case bare(Decimal)
    /// `--fx QUOTE/BASE=RATE`.
    case pair(FXBook.FixedRate)

    /// Parses `150` or `EUR/USD=0.92`.
    /// - Throws: ``EstimateError/invalidOption(flag:value:fix:)`` naming `--fx` and the form expected.
    public static func parse(_ text: String) throws(EstimateError) -> FXArgument {
        let t = text.trimmingCharacters(in: .whitespaces)
        func positive(_ s: Substring) throws(EstimateError) -> Decimal {
            guard let d = Decimal(string: String(s), locale: Locale(identifier: "en_US_POSIX")), d > 0,
                  s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else {
                throw .invalidOption(flag: "--fx", value: text,
                                     fix: "must be a positive rate (150) or a pair QUOTE/BASE=RATE (EUR/USD=0.92: EUR per USD)")
            }
            return d
        }
        guard let eq = t.firstIndex(of: "=") else { return .bare(try positive(t[...])) }
        let codes = t[..<eq].split(separator: "/")
        guard codes.count == 2, let quote = Currency(code: String(codes[0]).uppercased()),
              let base = Currency(code: String(codes[1]).uppercased()), quote != base else {
            throw .invalidOption(flag: "--fx", value: text,
                                 fix: "names a pair as QUOTE/BASE=RATE with two different ISO 4217 codes, for example EUR/USD=0.92")
        }
        let rate = try positive(t[t.index(after: eq)...])
        return .pair(FXBook.FixedRate(pair: .init(base: base, quote: quote), rate: rate, source: "--fx \(t)"))
    }
}

/// What chooses a run's prices and exchange rates: the flags and the pools file, before the cache is read.
public struct PriceSettings: Sendable {
    /// Region of the on-demand price; nil = the default region.
    public var region: String?
    /// Edition of the on-demand price.
    public var edition: Edition = .standard
    /// `--credit-price`: a what-if price per credit that replaces every source; nil = none.
    public var creditPrice: Decimal?
    /// The currency of `creditPrice`.
    public var creditPriceCurrency: Currency = .usd
    /// The presentation currency.
    public var currency: Currency = .usd
    /// `--fx` values, in the order given.
    public var fx: [FXArgument] = []
    /// Pairs from the pools file's `fx`.
    public var fileFX: [FXBook.FixedRate] = []
    /// A dated FX file, if any.
    public var fxTable: FXTable?
    /// How the FX file's rows apply.
    public var fxLookup: FXTable.Lookup = .daily
    /// A contract price (the pools file's), if any.
    public var contract: CreditPriceSchedule.Contract?
    /// Use the cache's RATE_SHEET_DAILY rows (on by default; a run without a cache has none).
    public var useRateSheet: Bool = true

    /// Settings with defaults.
    public init() {}
}

/// Builds the ledger's ``Pricing`` from ``PriceSettings``, the catalog's on-demand tables and the cached rate sheet:
/// the one place commands get their prices from.
public enum LedgerPricing {
    /// The pricing of a run.
    /// - Parameters:
    ///   - rateSheet: cached RATE_SHEET_DAILY rows (empty when none was pulled).
    ///   - account: the account whose rate-sheet rows count; nil = any.
    ///   - overageDays: UTC days USAGE_IN_CURRENCY_DAILY marks as paid as overage.
    ///   - period: UTC days the run prices (to check the FX book and collect warnings).
    /// - Throws: ``EstimateError`` for a bad flag, ``PricingError`` for an unknown region or edition,
    ///   ``CreditPriceError`` for an unusable rate sheet, ``FXBookError`` for a missing pair.
    public static func make(_ s: PriceSettings, catalog: PriceCatalog, rateSheet: [RateSheetRow], account: String?,
                            overageDays: Set<CivilDate> = [], period: ClosedRange<CivilDate>,
                            warnings: inout [String]) throws -> Pricing {
        let regionText = s.region ?? defaultRegion
        guard let region = RegionID(regionText) else {
            throw EstimateError.invalidOption(
                flag: "--region", value: regionText,
                fix: "is not a region id; use a form such as aws-ap-northeast-1 or AWS_AP_NORTHEAST_1")
        }
        // On-demand prices of every table that lists the region and edition, by effective date.
        let list = listPrices(region: region, edition: s.edition, catalog: catalog)
        if list.isEmpty {
            let table = try catalog.priceTable(asOf: period.lowerBound).item
            if table.prices(for: region) == nil {
                throw PricingError.unknownRegion(regionText, table: table.id, known: table.regions.map(\.region.id))
            }
            throw PricingError.editionNotSold(s.edition, region: region.id, table: table.id)
        }
        if let first = list.min(by: { ($0.effectiveFrom ?? .distantPast) < ($1.effectiveFrom ?? .distantPast) }),
           let from = first.effectiveFrom, period.lowerBound < from, s.creditPrice == nil {
            warnings.append("no credit price table is documented before \(from); days before it are priced by the "
                + "earliest known, \(first.price.source). Pass --credit-price if you know the price then.")
        }
        var override: CreditPrice?
        if let p = s.creditPrice {
            guard p > 0 else {
                throw EstimateError.invalidOption(flag: "--credit-price", value: ExactDecimal.text(p),
                                                  fix: "must be a positive price per credit")
            }
            override = CreditPrice(edition: s.edition, price: Money(p, s.creditPriceCurrency),
                                   source: "--credit-price, a what-if", isOverride: true)
            warnings.append("credit price overridden: \(ExactDecimal.text(p)) \(s.creditPriceCurrency.code) per credit "
                + "(--credit-price, a what-if); no rate sheet, contract or price table used.")
        }
        let sheet = s.useRateSheet && !rateSheet.isEmpty ? RateSheet(rows: rateSheet) : nil
        let schedule = try CreditPriceSchedule(override: override, rateSheet: sheet, account: account,
                                               contract: s.contract, list: list, overageDays: overageDays,
                                               requireRateSheetRows: false)
        if let first = schedule.rateSheetRows.first, override == nil, period.lowerBound < first.date {
            warnings.append("RATE_SHEET_DAILY starts on \(first.date); days from \(period.lowerBound) are priced at "
                + "that first row, carried back.")
        }
        warnings += schedule.contractDisagreements(over: period)
        // The FX book: --fx pairs and the pools file's pairs (flags first), at most one bare rate, the FX file.
        var fixed: [FXBook.FixedRate] = []
        var bare: (rate: Decimal, source: String)?
        for a in s.fx {
            switch a {
            case let .bare(rate):
                guard bare == nil else {
                    throw EstimateError.invalidOption(flag: "--fx", value: ExactDecimal.text(rate),
                                                      fix: "is a second bare rate; name each pair (--fx EUR/USD=0.92)")
                }
                bare = (rate, "--fx \(ExactDecimal.text(rate)), undated")
            case let .pair(f): fixed.append(f)
            }
        }
        fixed += s.fileFX
        let book = FXBook(fixed: fixed, bare: bare, bareQuote: bare == nil ? nil : s.currency, dated: s.fxTable,
                          lookup: s.fxLookup)
        if bare != nil {
            let currencies = Set(list.map(\.price.price.currency) + [s.contract?.pricePerCredit.currency, override?.price.currency]
                .compactMap { $0 } + schedule.rateSheetRows.map(\.currency))
            if currencies == [s.currency] {
                throw EstimateError.invalidOption(
                    flag: "--fx", value: ExactDecimal.text(bare!.rate),
                    fix: "converts \(s.currency.code) prices into another currency; add --currency CODE or drop --fx")
            }
        }
        return Pricing(currency: s.currency, schedule: schedule, fx: book)
    }
}

extension PriceSettings {
    /// The settings of a run from its flags and a pools file's `[defaults]`: the flags' region, edition,
    /// `--credit-price`, currency, `--fx` and FX file, with the file's contract and FX pairs. `fx = { USD = "150" }`
    /// is 150 of the file's `currency` per USD (of the run's currency when the file names none): a pair, never used
    /// for another currency. Every command builds its settings here, so the same flags and file price alike.
    public static func run(region: String?, edition: Edition, creditPrice: Decimal?, currency: Currency,
                           fx: [FXArgument], fxTable: FXTable?, defaults: PoolsFile.Defaults?) -> PriceSettings {
        var s = PriceSettings()
        s.region = region
        s.edition = edition
        s.creditPrice = creditPrice
        s.currency = currency
        s.fx = fx
        s.fxTable = fxTable
        if let d = defaults {
            s.contract = d.contract
            s.fileFX = d.fxPairs
            let fileCurrency = d.currency ?? currency
            s.fileFX += d.fx.sorted { $0.key.code < $1.key.code }.map {
                FXBook.FixedRate(pair: .init(base: $0.key, quote: fileCurrency), rate: $0.value,
                                 source: "pools file fx \($0.key.code) = \(ExactDecimal.text($0.value)) \(fileCurrency.code) per \($0.key.code)")
            }
        }
        return s
    }
}

extension LedgerPricing {
    /// The UTC days in `period` that the cached USAGE_IN_CURRENCY_DAILY bills SPCS as overage (they take the
    /// contract's overage price).
    /// - Throws: ``StoreError``.
    public static func overageDays(_ cache: UsageCache, period: ClosedRange<CivilDate>) throws -> Set<CivilDate> {
        var out = Set<CivilDate>()
        for r in try cache.usageInCurrency(from: period.lowerBound, to: period.upperBound.adding(days: 1)) {
            guard let currency = Currency(code: r.currency) else { continue }
            let row = BilledUsageRow(account: r.accountName, day: r.usageDate, serviceType: r.serviceType,
                                     ratingType: r.ratingType, balanceSource: r.balanceSource, usage: r.usage,
                                     amount: Money(r.usageInCurrency, currency))
            if row.isSPCS && row.balanceSource.lowercased() == "overage" { out.insert(row.day) }
        }
        return out
    }

    /// The pricing of a run over `cache` (nil = no cache: no rate sheet, no overage days): what `report`,
    /// `reconcile`, `whatif` and `estimate` share, so the same cache and flags give the same price and FX on every
    /// UTC day.
    /// - Parameter period: the UTC days the run prices.
    /// - Throws: as ``make(_:catalog:rateSheet:account:overageDays:period:warnings:)``, and ``StoreError``.
    public static func make(_ s: PriceSettings, catalog: PriceCatalog, cache: UsageCache?,
                            period: ClosedRange<CivilDate>, warnings: inout [String]) throws -> Pricing {
        let sheet = try cache?.rateSheet() ?? []
        let overage = try cache.map { try overageDays($0, period: period) } ?? []
        return try make(s, catalog: catalog, rateSheet: sheet, account: nil, overageDays: overage, period: period,
                        warnings: &warnings)
    }

    /// The on-demand prices of `edition` in `region` from every price table of `catalog` that lists them, by
    /// effective date: the one region and edition lookup of spcs-cost.
    /// - Returns: the prices (empty when no table lists the region and edition).
    public static func listPrices(region: RegionID, edition: Edition, catalog: PriceCatalog) -> [CreditPriceSchedule.ListPrice] {
        var list: [CreditPriceSchedule.ListPrice] = []
        for table in catalog.priceTables {
            guard let prices = table.prices(for: region), let p = prices.prices[edition] else { continue }
            list.append(.init(price: CreditPrice(edition: edition, price: Money(p, table.currency),
                                                 source: "credit price table \(table.id), \(prices.name), \(edition.displayName)"),
                              effectiveFrom: table.effectiveFrom))
        }
        return list
    }
}
