import Foundation
import SPCSCostCore

/// What `spcs-cost estimate` was asked, before any price is chosen.
public struct EstimateOptions: Sendable {
    /// Instance family as typed (`CPU_X64_XS`).
    public var family: String
    /// Nodes (MIN_NODES), at least 1.
    public var nodes: Int = 1
    /// Billed hours per day, 0...24.
    public var hoursPerDay: Decimal
    /// Number of days, at least 0.
    public var days: Decimal
    /// Region (`aws-ap-northeast-1` or `AWS_AP_NORTHEAST_1`); nil = `aws-us-east-1`.
    public var region: String?
    /// Editions to price; empty = Standard, Enterprise and Business Critical.
    public var editions: [Edition] = []
    /// `--credit-price`: a price per credit in `creditPriceCurrency` that replaces the table.
    public var creditPrice: Decimal?
    /// Currency of `creditPrice` (USD unless a contract says otherwise).
    public var creditPriceCurrency: Currency = .usd
    /// Presentation currency.
    public var currency: Currency = .usd
    /// `--fx RATE`: units of `currency` per unit of the price currency, undated; nil = none.
    public var fxRate: Decimal?
    /// `--fx QUOTE/BASE=RATE` pairs, in the order given (a rate is never used for another pair).
    public var fxPairs: [FXBook.FixedRate] = []
    /// A dated FX file: each planned day converted at its own day's rate; nil = `--fx` only.
    public var fxTable: FXTable?
    /// How a day finds its row in `fxTable`.
    public var fxLookup: FXTable.Lookup = .daily
    /// `--rate-card`: a rate card id that replaces the choice by date.
    public var rateCardID: String?
    /// `--as-of`: the date that chooses the rate card and price table; nil = today (UTC).
    public var asOf: CivilDate?
    /// `--credits-per-hour`: credits per node-hour that replace the rate card.
    public var creditsPerNodeHour: Decimal?
    /// `--compare-always-on`.
    public var compareAlwaysOn: Bool = false
    /// `--period-days`: days of the always-on comparison; nil = the days of the as-of date's month.
    public var periodDays: Int?

    /// Creates options with the required values; set the others as needed.
    public init(family: String, hoursPerDay: Decimal, days: Decimal) {
        self.family = family
        self.hoursPerDay = hoursPerDay
        self.days = days
    }
}

/// Why an estimate could not be made from the options given. Messages name the flag and the fix.
public enum EstimateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A flag value is out of range or malformed.
    case invalidOption(flag: String, value: String, fix: String)
    /// A presentation currency other than the price currency without `--fx`.
    case missingFX(currency: Currency, priceCurrency: Currency)

    public var description: String {
        switch self {
        case let .invalidOption(flag, value, fix):
            return "\(flag) '\(value)' \(fix)"
        case let .missingFX(currency, price):
            return "--currency \(currency.code) needs --fx RATE, the number of \(currency.code) per \(price.code) "
                + "(for example --fx 150)."
        }
    }

    /// Checks a period of days given as `--from` and `--to` (both inclusive).
    /// - Throws: ``invalidOption(flag:value:fix:)`` on `--to` when `to` is before `from`.
    public static func requireOrdered(from: CivilDate, to: CivilDate) throws(EstimateError) {
        guard from <= to else {
            throw .invalidOption(flag: "--to", value: to.description, fix: "is before --from \(from); swap them")
        }
    }
}

/// The default region when none is given or configured.
public let defaultRegion = "aws-us-east-1"

/// Chooses rates and prices and computes `spcs-cost estimate` for a plan given by flags.
public struct EstimateService: Sendable {
    /// Rate cards and price tables.
    public let catalog: PriceCatalog

    /// Creates the service over `catalog`.
    public init(catalog: PriceCatalog) { self.catalog = catalog }

    /// Estimates `options`, choosing prices as of `options.asOf ?? today`.
    /// - Throws: ``EstimateError`` for bad options, ``PricingError`` when no rate or price applies.
    public func estimate(_ options: EstimateOptions, today: CivilDate) throws -> EstimateResult {
        guard let family = InstanceFamily(options.family) else {
            throw EstimateError.invalidOption(flag: "--family", value: options.family,
                                              fix: "is not an instance family name; use a name such as CPU_X64_XS")
        }
        if let v = ComputePool.violation(minNodes: options.nodes, maxNodes: options.nodes, autoSuspendSeconds: 0) {
            throw EstimateError.invalidOption(flag: "--nodes", value: "\(options.nodes)", fix: v.reason())
        }
        guard options.hoursPerDay >= 0, options.hoursPerDay <= 24 else {
            throw EstimateError.invalidOption(flag: "--hours", value: ExactDecimal.text(options.hoursPerDay),
                                              fix: "must be between 0 and 24 hours a day")
        }
        guard options.days >= 0 else {
            throw EstimateError.invalidOption(flag: "--days", value: ExactDecimal.text(options.days),
                                              fix: "must not be negative")
        }
        let asOf = options.asOf ?? today
        var warnings: [String] = []
        let rates = try chooseRate(family: family, options: options, asOf: asOf, warnings: &warnings)
        try checkOffer(family: family, regionText: options.region ?? defaultRegion, card: rates.card, pool: nil,
                       warnings: &warnings)
        if options.compareAlwaysOn {
            guard (options.periodDays ?? 1) >= 1 else {
                throw EstimateError.invalidOption(flag: "--period-days", value: "\(options.periodDays!)",
                                                  fix: "must be at least 1")
            }
        } else if options.periodDays != nil {
            throw EstimateError.invalidOption(flag: "--period-days", value: "\(options.periodDays!)",
                                              fix: "only applies with --compare-always-on; add that flag")
        }
        let periodDays = options.periodDays ?? asOf.daysInMonth
        // The planned days run from the as-of date, one UTC day each (the last one a fraction when --days is);
        // each is priced through the ledger at the price and FX of its own day.
        let wholeDays = NSDecimalNumber(decimal: options.days).intValue
        let plannedDays = max(1, wholeDays + (options.days > Decimal(wholeDays) ? 1 : 0))
        let lastDay = asOf.adding(days: max(plannedDays, options.compareAlwaysOn ? periodDays : 1) - 1)
        var settings = PriceSettings()
        settings.region = options.region
        settings.creditPrice = options.creditPrice
        settings.creditPriceCurrency = options.creditPriceCurrency
        settings.currency = options.currency
        settings.fx = (options.fxRate.map { [.bare($0)] } ?? []) + options.fxPairs.map { .pair($0) }
        settings.fxTable = options.fxTable
        settings.fxLookup = options.fxLookup
        var pricing = try PlannedPricing(settings, editions: options.editions, catalog: catalog, period: asOf...lastDay,
                                         warnings: &warnings)

        let plan = FlatPlan(family: family, nodes: options.nodes, hoursPerDay: options.hoursPerDay, days: options.days)
        let perDay = Decimal(options.nodes) * options.hoursPerDay * rates.rate
        let estimate = PoolEstimate(
            pool: nil, family: family, nodes: options.nodes,
            lines: [plan.line(creditsPerNodeHour: rates.rate, rateSource: rates.source)],
            costs: try pricing.costs(Self.flatDays(from: asOf, days: options.days, creditsPerDay: perDay)))
        var savings: [Savings] = []
        if options.compareAlwaysOn {
            let always = plan.alwaysOn(periodDays: periodDays)
            let alwaysEstimate = PoolEstimate(
                pool: nil, family: family, nodes: options.nodes,
                lines: [always.line(creditsPerNodeHour: rates.rate, rateSource: rates.source, item: "Always on")],
                costs: try pricing.costs(Self.flatDays(from: asOf, days: Decimal(periodDays),
                                                       creditsPerDay: Decimal(options.nodes) * 24 * rates.rate)))
            savings.append(Savings(plan: estimate, alwaysOn: alwaysEstimate, periodDays: periodDays))
        }
        var result = EstimateResult(asOf: asOf, rateCard: rates.card, priceTable: pricing.table, region: pricing.region,
                                    fx: pricing.fx, pools: [estimate], savings: savings, warnings: warnings)
        result.priceRuns = pricing.priceRuns
        return result
    }

    /// Credits of a flat plan per UTC day (days since 1970-01-01): `creditsPerDay` on each whole day from `from`,
    /// the fraction of a day after them.
    static func flatDays(from: CivilDate, days: Decimal, creditsPerDay: Decimal) -> [Int: Decimal] {
        var out: [Int: Decimal] = [:]
        let whole = NSDecimalNumber(decimal: days).intValue
        for i in 0..<max(whole, 0) { out[from.adding(days: i).daysSinceEpoch] = creditsPerDay }
        let rest = days - Decimal(whole)
        if rest > 0 { out[from.adding(days: whole).daysSinceEpoch] = rest * creditsPerDay }
        return out
    }

    struct RateChoice {
        let rate: Decimal
        let source: String
        let card: RateCard?
    }

    func chooseRate(family: InstanceFamily, options: EstimateOptions, asOf: CivilDate,
                    warnings: inout [String]) throws -> RateChoice {
        if let override = options.creditsPerNodeHour {
            guard override > 0 else {
                throw EstimateError.invalidOption(flag: "--credits-per-hour", value: ExactDecimal.text(override),
                                                  fix: "must be a positive number of credits per node-hour")
            }
            warnings.append("credits per node-hour overridden: \(ExactDecimal.text(override)) for \(family) "
                            + "(--credits-per-hour); no rate card used.")
            return RateChoice(rate: override, source: "--credits-per-hour override", card: nil)
        }
        let card: RateCard
        if let id = options.rateCardID {
            card = try catalog.rateCard(id: id)
        } else {
            let choice = try catalog.rateCard(asOf: asOf)
            if let w = choice.warning { warnings.append(w) }
            card = choice.item
        }
        let rate = try catalog.rate(of: family, on: card)
        return RateChoice(rate: rate.creditsPerNodeHour, source: "rate card \(card.id), \(family): \(rate.source)",
                          card: card)
    }

}

extension EstimateService {
    /// The on-demand price of each edition of `options` as of `asOf`, or the `--credit-price` override: what
    /// `export` builds its list price from until it prices through ``LedgerPricing`` too. The region and edition
    /// lookup is ``LedgerPricing/listPrices(region:edition:catalog:)``, the one every command uses.
    /// - Throws: ``EstimateError`` for a bad region or price, ``PricingError`` when the region or an edition is not
    ///   in the table in force on `asOf`.
    func choosePrices(options: EstimateOptions, family: InstanceFamily, card: RateCard?, asOf: CivilDate,
                      warnings: inout [String]) throws -> (prices: [CreditPrice], table: CreditPriceTable?) {
        let regionText = options.region ?? defaultRegion
        guard let region = RegionID(regionText) else {
            throw EstimateError.invalidOption(
                flag: "--region", value: regionText,
                fix: "is not a region id; use a form such as aws-ap-northeast-1 or AWS_AP_NORTHEAST_1")
        }
        if let price = options.creditPrice {
            guard price > 0 else {
                throw EstimateError.invalidOption(flag: "--credit-price", value: ExactDecimal.text(price),
                                                  fix: "must be a positive price per credit")
            }
            warnings.append("credit price overridden: \(ExactDecimal.text(price)) \(options.creditPriceCurrency.code) "
                            + "per credit (--credit-price); no price table used.")
            return ([CreditPrice(edition: options.editions.count == 1 ? options.editions[0] : nil,
                                 price: Money(price, options.creditPriceCurrency),
                                 source: "--credit-price override", isOverride: true)], nil)
        }
        let choice = try catalog.priceTable(asOf: asOf)
        if let w = choice.warning { warnings.append(w) }
        let table = choice.item
        guard table.prices(for: region) != nil else {
            throw PricingError.unknownRegion(regionText, table: table.id, known: table.regions.map(\.region.id))
        }
        var prices: [CreditPrice] = []
        for edition in options.editions.isEmpty ? Edition.defaultRange : options.editions {
            // The table in force on `asOf` among the tables that list the region and edition.
            guard let p = LedgerPricing.listPrices(region: region, edition: edition, catalog: catalog)
                .filter({ ($0.effectiveFrom ?? .distantPast) <= table.effectiveFrom })
                .max(by: { ($0.effectiveFrom ?? .distantPast) < ($1.effectiveFrom ?? .distantPast) }) else {
                throw PricingError.editionNotSold(edition, region: region.id, table: table.id)
            }
            prices.append(p.price)
        }
        return (prices, table)
    }
}

/// The ledger pricing of planned credits: one ``Pricing`` per edition priced (the price order every command
/// shares: `--credit-price` > contract > the on-demand table of the day's date), each planned UTC day at its own
/// price and FX.
struct PlannedPricing {
    var editions: [(pricing: Pricing, rates: DayRates)]
    /// The first planned day: its price is the one each cost shows (the stamp lists every price used).
    let firstDay: CivilDate
    /// True when more than one edition was asked: a `--credit-price` then stands for none of them (label
    /// `Override`).
    let relabel: Bool
    let catalog: PriceCatalog
    let regionText: String

    /// - Throws: ``EstimateError`` (a missing `--fx` is ``EstimateError/missingFX(currency:priceCurrency:)``),
    ///   ``PricingError``, ``FXBookError``.
    init(_ base: PriceSettings, editions requested: [Edition], catalog: PriceCatalog, period: ClosedRange<CivilDate>,
         warnings: inout [String]) throws {
        let single = base.creditPrice != nil || base.contract != nil
        let editions = requested.isEmpty ? Edition.defaultRange : requested
        self.relabel = editions.count != 1
        self.firstDay = period.lowerBound
        self.catalog = catalog
        self.regionText = base.region ?? defaultRegion
        var out: [(pricing: Pricing, rates: DayRates)] = []
        for edition in single ? [editions[0]] : editions {
            var s = base
            s.edition = edition
            var w: [String] = []
            let pricing = try LedgerPricing.make(s, catalog: catalog, rateSheet: [], account: nil, period: period, warnings: &w)
            // The editions' warnings differ only by the edition's name: the first edition's say it once.
            if out.isEmpty { warnings += w.filter { !warnings.contains($0) } }
            let pc = pricing.schedule.price(on: period.lowerBound).price.price.currency
            if pc != s.currency {
                // No rate for the pair at all is the missing --fx; a dated file that lacks a day says which.
                let fx = pricing.fx, currency = s.currency, first = period.lowerBound
                switch Result(catching: { () throws(FXBookError) -> ExchangeRate in try fx.rate(from: pc, to: currency, on: first) }) {
                case .success: break
                case .failure(.missingPair): throw EstimateError.missingFX(currency: s.currency, priceCurrency: pc)
                case let .failure(other): throw other
                }
            }
            out.append((pricing, try pricing.rates(for: period)))
        }
        self.editions = out
    }

    /// The credits of each UTC day priced under every edition: one cost per edition, the sum of its charges.
    /// - Throws: ``FXBookError``; ``EstimateError/invalidOption(flag:value:fix:)`` when the planned days are priced
    ///   in two currencies (a contract in another currency that starts inside the plan), whose sum has no currency.
    mutating func costs(_ credits: [Int: Decimal]) throws -> [PricedCost] {
        var out: [PricedCost] = []
        for i in editions.indices {
            let first = try editions[i].rates.rate(firstDay.daysSinceEpoch)
            var price = first.unitPrice.price
            switch first.unitPrice.basis {
            case .contract, .contractOverage: price.edition = nil
            case .override: if relabel { price.edition = nil }
            default: break
            }
            var amount = Money.zero(price.price.currency), converted = Money.zero(first.currency)
            for (day, c) in credits.sorted(by: { $0.key < $1.key }) {
                let charge = try editions[i].rates.charge(c, onUTCDay: day)
                guard charge.priceAmount.currency == amount.currency else {
                    let d = CivilDate(daysSinceEpoch: day)
                    throw EstimateError.invalidOption(
                        flag: "--period", value: "\(firstDay) to \(d)",
                        fix: "is priced in \(amount.currency.code) on \(firstDay) and in \(charge.priceAmount.currency.code) "
                            + "on \(d) (a contract price in another currency starts inside the plan); estimate the days "
                            + "before and from the contract's start separately")
                }
                amount = amount + charge.priceAmount
                converted = converted + charge.amount
            }
            out.append(PricedCost(price: price, amount: amount, converted: converted))
        }
        return out
    }

    /// The FX of the first planned day of the first edition (what the stamp's FX line shows).
    var fx: ExchangeRate { (try? editions.first.map { var r = $0.rates; return try r.rate(firstDay.daysSinceEpoch).fx } ?? nil) ?? .identity(.usd) }

    /// Every price run of every edition, in edition order.
    var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] { editions.flatMap(\.rates.priceRuns) }

    /// `runs` with the runs of one price and FX that overlap or touch merged (the pools of a file price the same
    /// days, or days one apart), in the order each price first appears, then by date.
    static func merged(_ runs: [(from: CivilDate, through: CivilDate, rate: DayRate)])
        -> [(from: CivilDate, through: CivilDate, rate: DayRate)] {
        func key(_ r: DayRate) -> String {
            let p = r.unitPrice.price
            return "\(p.label)|\(p.price.amount)|\(p.price.currency.code)|\(p.source.withoutCarryNoteText)|"
                + "\(r.unitPrice.overage)|\(r.fx.rate)|\(r.fx.base.code)|\(r.fx.quote.code)|\(r.fx.source.withoutCarryNoteText)"
        }
        var order: [String] = []
        var byKey: [String: [(from: CivilDate, through: CivilDate, rate: DayRate)]] = [:]
        for r in runs {
            let k = key(r.rate)
            if byKey[k] == nil { order.append(k) }
            byKey[k, default: []].append(r)
        }
        var out: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []
        for k in order {
            var group: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []
            for r in byKey[k]!.sorted(by: { $0.from < $1.from }) {
                if let last = group.last, r.from <= last.through.adding(days: 1) {
                    group[group.count - 1].through = max(last.through, r.through)
                } else {
                    group.append(r)
                }
            }
            out += group
        }
        return out
    }

    /// The on-demand table of the first planned day when that day is priced on demand; nil otherwise.
    var table: CreditPriceTable? {
        guard let r = try? editions.first.map({ var x = $0.rates; return try x.rate(firstDay.daysSinceEpoch) }),
              r.unitPrice.basis == .onDemand else { return nil }
        return try? catalog.priceTable(asOf: firstDay).item
    }

    /// The region's prices in ``table``; nil when not priced on demand.
    var region: CreditPriceTable.RegionPrices? { RegionID(regionText).flatMap { table?.prices(for: $0) } }
}
