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
    ///   - accounts: the accounts priced each at its own price (``Pricing/accountSchedules``): the run's edition in
    ///     the account's region (from `regions`, else the run's region with a warning naming the account), or the
    ///     account's RATE_SHEET_DAILY rows where the sheet has some, by the same order as the run's price
    ///     (``CreditPriceSchedule/orderDescription``). Empty (the default) = one price for the run. Ignored with
    ///     `--credit-price`, which prices every account.
    ///   - regions: each account's region as the cache holds it (``UsageCache/accountRegions()``); an account of
    ///     `accounts` whose region a unit price table lists also gets that region's prices billed in currency
    ///     (``Pricing/accountUnitPrices``), else the run's with a warning naming the account.
    ///   - locators: account locator to account name, upper case (``UsageCache/accountLocators()``): an account of
    ///     `accounts` written as a locator (a connection named by locator) finds its region and rate-sheet rows by
    ///     the name they carry. Empty = accounts matched by name only.
    /// - Throws: ``EstimateError`` for a bad flag, ``PricingError`` for an unknown region or edition,
    ///   ``CreditPriceError`` for an unusable rate sheet, ``FXBookError`` for a missing pair.
    public static func make(_ s: PriceSettings, catalog: PriceCatalog, rateSheet: [RateSheetRow], account: String?,
                            overageDays: Set<CivilDate> = [], period: ClosedRange<CivilDate>,
                            accounts: [String] = [], regions: [AccountRegion] = [], locators: [String: String] = [:],
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
        let byAccount = override == nil && !accounts.isEmpty
        // Accounts with different rates on one day make the sheet ambiguous for the run's price: each account takes
        // its own rows below, and the run's price (rows of no known account, planned figures) is then the contract
        // or list price.
        let runSheet = byAccount && sheet.map({ (try? $0.spcsComputeRows(account: account)) == nil }) == true ? nil : sheet
        let schedule = try CreditPriceSchedule(override: override, rateSheet: runSheet, account: account,
                                               contract: s.contract, list: list, overageDays: overageDays,
                                               requireRateSheetRows: false)
        var own: [String: CreditPriceSchedule] = [:]
        var ownUnits: [String: UnitPriceBook] = [:]
        if byAccount {
            for name in accounts where !name.isEmpty {
                var accountList = list
                // The name the rate sheet and ACCOUNTS use: a locator's account name where the cache knows it.
                let key = locators[name.uppercased()] ?? name.uppercased()
                if let r = regions.first(where: { $0.account == key }) {
                    let from = r.source == .accounts ? "ORGANIZATION_USAGE.ACCOUNTS" : "RATE_SHEET_DAILY REGION"
                    let l = RegionID(r.region).map { listPrices(region: $0, edition: s.edition, catalog: catalog) } ?? []
                    // Its prices billed in currency (block storage, snapshots, transfer): its region's too.
                    if let id = RegionID(r.region), let units = UnitPriceBook(region: id, tables: catalog.unitPriceTables) {
                        ownUnits[name] = units
                    } else if !catalog.unitPriceTables.isEmpty {
                        warnings.append("account \(name): its region \(r.region) (\(from)) is not in the bundled unit "
                            + "price table; its block storage, snapshots and data transfer are priced at --region "
                            + "\(regionText)'s.")
                    }
                    if l.isEmpty {
                        warnings.append("account \(name): its region \(r.region) (\(from)) has no \(s.edition.displayName) "
                            + "price in the bundled price tables; its credits are priced at --region \(regionText)'s.")
                    } else {
                        accountList = l.map {
                            var p = $0
                            p.price.source += " (region \(r.region), \(from))"
                            return p
                        }
                    }
                } else {
                    warnings.append("account \(name): no region known (no ORGANIZATION_USAGE.ACCOUNTS or RATE_SHEET_DAILY "
                        + "row names it in the cache); its credits, block storage and data transfer are priced at --region \(regionText). Pull with --org "
                        + "to read the accounts' regions.")
                }
                own[name] = try CreditPriceSchedule(override: nil, rateSheet: sheet, account: key, contract: s.contract,
                                                    list: accountList, overageDays: overageDays,
                                                    requireRateSheetRows: false)
            }
        }
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
                .compactMap { $0 } + schedule.rateSheetRows.map(\.currency)
                + own.values.flatMap { $0.rateSheetRows.map(\.currency) + $0.list.map(\.price.price.currency) })
            if currencies == [s.currency] {
                throw EstimateError.invalidOption(
                    flag: "--fx", value: ExactDecimal.text(bare!.rate),
                    fix: "converts \(s.currency.code) prices into another currency; add --currency CODE or drop --fx")
            }
        }
        // Prices billed in currency (block storage, snapshots, data transfer) of the region, from every unit price
        // table that lists it; nil when none does (those parts are then not priced, and the run says so).
        let unitPrices = UnitPriceBook(region: region, tables: catalog.unitPriceTables)
        return Pricing(currency: s.currency, schedule: schedule, fx: book, accountSchedules: own, unitPrices: unitPrices,
                       accountUnitPrices: ownUnits)
    }
}

/// What the cache holds about the prices of a run's UTC days: the pulled RATE_SHEET_DAILY rows and what Snowflake
/// billed (USAGE_IN_CURRENCY_DAILY), which marks the days paid as overage and feeds the bill check.
public struct CachedBilling: Sendable {
    /// RATE_SHEET_DAILY rows of the cache, all days (the schedule carries them forward and back); empty when none
    /// was pulled.
    public var rateSheet: [RateSheetRow]
    /// USAGE_IN_CURRENCY_DAILY rows of the period's UTC days whose currency is an ISO 4217 code.
    public var billed: [BilledUsageRow]
    /// UTC days of the period the cache marks as restated.
    public var restatedDays: Set<CivilDate>

    /// UTC days whose SPCS usage was paid as overage (BALANCE_SOURCE `overage`): they take the overage price.
    public var overageDays: Set<CivilDate> {
        Set(billed.filter { $0.isSPCS && $0.balanceSource.lowercased() == "overage" }.map(\.day))
    }

    /// Reads the cache's rate sheet and the billed rows of the UTC days `period`; a nil cache has none.
    /// - Throws: ``StoreError`` when the cache cannot be read.
    public static func read(_ cache: UsageCache?, period: ClosedRange<CivilDate>) throws -> CachedBilling {
        guard let cache else { return CachedBilling(rateSheet: [], billed: [], restatedDays: []) }
        let end = period.upperBound.adding(days: 1)
        let restated = Set(try cache.restatedDays(from: period.lowerBound, to: end))
        var billed: [BilledUsageRow] = []
        for r in try cache.usageInCurrency(from: period.lowerBound, to: end) {
            guard let currency = Currency(code: r.currency) else { continue }
            billed.append(BilledUsageRow(account: r.accountName, day: r.usageDate, serviceType: r.serviceType,
                                         ratingType: r.ratingType, balanceSource: r.balanceSource, usage: r.usage,
                                         amount: Money(r.usageInCurrency, currency),
                                         restated: restated.contains(r.usageDate)))
        }
        return CachedBilling(rateSheet: try cache.rateSheet(), billed: billed, restatedDays: restated)
    }
}

extension PriceSettings {
    /// The settings of a run from its flags and a pools file's `[defaults]`: the flags' region, edition,
    /// `--credit-price`, currency, `--fx` and FX file (and how its rows apply), with the file's contract and FX pairs. `fx = { USD = "150" }`
    /// is 150 of the file's `currency` per USD (of the run's currency when the file names none): a pair, never used
    /// for another currency. Every command builds its settings here, so the same flags and file price alike.
    public static func run(region: String?, edition: Edition, creditPrice: Decimal?, currency: Currency,
                           fx: [FXArgument], fxTable: FXTable?, fxLookup: FXTable.Lookup = .daily,
                           defaults: PoolsFile.Defaults?) -> PriceSettings {
        var s = PriceSettings()
        s.region = region
        s.edition = edition
        s.creditPrice = creditPrice
        s.currency = currency
        s.fx = fx
        s.fxTable = fxTable
        s.fxLookup = fxLookup
        if let d = defaults {
            s.contract = d.contract
            s.fileFX = d.fixedRates(runCurrency: currency)
        }
        return s
    }
}

extension PoolsFile.Defaults {
    /// The pools file's exchange rates as currency pairs: its named pairs (`fx = { "EUR/USD" = "0.92" }`), then
    /// `fx = { USD = "150" }` as 150 of the file's `currency` per USD (of `runCurrency` when the file names no
    /// currency). A pair is never used for another currency: a JPY file's rate does not price a EUR run.
    public func fixedRates(runCurrency: Currency) -> [FXBook.FixedRate] {
        let quote = currency ?? runCurrency
        return fxPairs + fx.sorted { $0.key.code < $1.key.code }.map {
            FXBook.FixedRate(pair: .init(base: $0.key, quote: quote), rate: $0.value,
                             source: "pools file fx \($0.key.code) = \(ExactDecimal.text($0.value)) \(quote.code) per \($0.key.code)")
        }
    }
}

extension LedgerPricing {
    /// The pricing of a run that reads a cache: its RATE_SHEET_DAILY rows and overage days (``CachedBilling``),
    /// then ``make(_:catalog:rateSheet:account:overageDays:period:accounts:regions:warnings:)``. `report`,
    /// `nightly`, `export`, `reconcile`, `whatif` and `advise` all price through here. When the period's metered
    /// rows name two or more accounts, each account is priced at its own price (its region's list price or its
    /// rate-sheet rows; README "Accounts in several regions").
    /// - Parameters:
    ///   - cache: the cache; nil = no rate sheet and no overage days.
    ///   - rateSheet: rows that replace the cache's rate sheet (`export --rate-sheet FILE`); nil = the cache's.
    ///   - account: the account whose rate-sheet rows count; nil = any.
    ///   - period: the UTC days the run prices.
    ///   - overageDays: days paid as overage; nil = those the cache's USAGE_IN_CURRENCY_DAILY marks.
    /// - Returns: the pricing and what the cache holds about billing (for the bill check).
    /// - Throws: ``StoreError`` reading the cache, and what ``make(_:catalog:rateSheet:account:overageDays:period:warnings:)``
    ///   throws.
    public static func make(_ s: PriceSettings, catalog: PriceCatalog, cache: UsageCache?, rateSheet: [RateSheetRow]? = nil,
                            account: String?, period: ClosedRange<CivilDate>, overageDays: Set<CivilDate>? = nil,
                            warnings: inout [String]) throws -> (pricing: Pricing, billing: CachedBilling) {
        var billing = try CachedBilling.read(cache, period: period)
        if let rateSheet { billing.rateSheet = rateSheet }
        // Two or more accounts metered in the period: each is priced at its own price. One account (or none known)
        // keeps the run's price, so a single account's figures do not depend on what the cache knows of regions.
        var accounts: [String] = []
        var regions: [AccountRegion] = []
        var locators: [String: String] = [:]
        if let cache {
            let utc = TimeZone(identifier: "UTC")!
            let names = Set(try cache.meteredAccounts(from: period.lowerBound.startInstant(in: utc),
                                                      to: period.upperBound.adding(days: 1).startInstant(in: utc))
                .map(\.account).filter { !$0.isEmpty })
            if names.count > 1 {
                accounts = names.sorted()
                regions = try cache.accountRegions()
                locators = try cache.accountLocators()
            }
        }
        let pricing = try make(s, catalog: catalog, rateSheet: billing.rateSheet, account: account,
                               overageDays: overageDays ?? billing.overageDays, period: period, accounts: accounts,
                               regions: regions, locators: locators, warnings: &warnings)
        return (pricing, billing)
    }

    /// Reads a dated FX file (`--fx-file`, CSV `date,base,quote,rate,source`, see ``FXFile``).
    /// - Throws: ``InputFileError`` when the file cannot be read, ``StoreError`` naming the line and column of a bad
    ///   cell.
    public static func fxTable(file: String, env: Environment) throws -> FXTable {
        try FXFile.parse(try InputFileError.read(file, env: env), file: file)
    }

    /// The pricing of a run over `cache` (nil = no cache: no rate sheet, no overage days): what `report`,
    /// `reconcile`, `whatif` and `estimate` share, so the same cache and flags give the same price and FX on every
    /// UTC day.
    /// - Parameter period: the UTC days the run prices.
    /// - Throws: as ``make(_:catalog:rateSheet:account:overageDays:period:warnings:)``, and ``StoreError``.
    public static func make(_ s: PriceSettings, catalog: PriceCatalog, cache: UsageCache?,
                            period: ClosedRange<CivilDate>, warnings: inout [String]) throws -> Pricing {
        try make(s, catalog: catalog, cache: cache, account: nil, period: period, warnings: &warnings).pricing
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
