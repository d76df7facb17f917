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
    /// `--fx`: units of `currency` per unit of the price currency; required when the two differ.
    public var fxRate: Decimal?
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
        let prices = try choosePrices(options: options, family: family, card: rates.card, asOf: asOf,
                                      warnings: &warnings)
        let fx = try exchangeRate(options: options, priceCurrency: prices.prices[0].price.currency)

        let plan = FlatPlan(family: family, nodes: options.nodes, hoursPerDay: options.hoursPerDay, days: options.days)
        let estimate = PoolEstimate(
            pool: nil, family: family, nodes: options.nodes,
            lines: [plan.line(creditsPerNodeHour: rates.rate, rateSource: rates.source)],
            prices: prices.prices, fx: fx)
        var savings: [Savings] = []
        if options.compareAlwaysOn {
            let periodDays = options.periodDays ?? asOf.daysInMonth
            guard periodDays >= 1 else {
                throw EstimateError.invalidOption(flag: "--period-days", value: "\(periodDays)",
                                                  fix: "must be at least 1")
            }
            let always = plan.alwaysOn(periodDays: periodDays)
            let alwaysEstimate = PoolEstimate(
                pool: nil, family: family, nodes: options.nodes,
                lines: [always.line(creditsPerNodeHour: rates.rate, rateSource: rates.source, item: "Always on")],
                prices: prices.prices, fx: fx)
            savings.append(Savings(plan: estimate, alwaysOn: alwaysEstimate, periodDays: periodDays))
        } else if options.periodDays != nil {
            throw EstimateError.invalidOption(flag: "--period-days", value: "\(options.periodDays!)",
                                              fix: "only applies with --compare-always-on; add that flag")
        }
        return EstimateResult(asOf: asOf, rateCard: rates.card, priceTable: prices.table, region: prices.region,
                              fx: fx, pools: [estimate], savings: savings, warnings: warnings)
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

    struct PriceChoice {
        let prices: [CreditPrice]
        let table: CreditPriceTable?
        let region: CreditPriceTable.RegionPrices?
    }

    func choosePrices(options: EstimateOptions, family: InstanceFamily, card: RateCard?, asOf: CivilDate,
                      warnings: inout [String]) throws -> PriceChoice {
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
            return PriceChoice(
                prices: [CreditPrice(edition: options.editions.count == 1 ? options.editions[0] : nil,
                                     price: Money(price, options.creditPriceCurrency),
                                     source: "--credit-price override", isOverride: true)],
                table: nil, region: nil)
        }
        let choice = try catalog.priceTable(asOf: asOf)
        if let w = choice.warning { warnings.append(w) }
        let table = choice.item
        guard let regionPrices = table.prices(for: region) else {
            throw PricingError.unknownRegion(regionText, table: table.id, known: table.regions.map(\.region.id))
        }
        let editions = options.editions.isEmpty ? Edition.defaultRange : options.editions
        var prices: [CreditPrice] = []
        for edition in editions {
            guard let p = regionPrices.prices[edition] else {
                throw PricingError.editionNotSold(edition, region: region.id, table: table.id)
            }
            prices.append(CreditPrice(
                edition: edition, price: Money(p, table.currency),
                source: "credit price table \(table.id), \(regionPrices.name), \(edition.displayName)"))
        }
        return PriceChoice(prices: prices, table: table, region: regionPrices)
    }

    func exchangeRate(options: EstimateOptions, priceCurrency: Currency) throws -> ExchangeRate {
        if options.currency == priceCurrency {
            if let fx = options.fxRate, fx != 1 {
                throw EstimateError.invalidOption(
                    flag: "--fx", value: ExactDecimal.text(fx),
                    fix: "converts \(priceCurrency.code) into another currency; add --currency CODE or drop --fx")
            }
            return .identity(priceCurrency)
        }
        guard let fx = options.fxRate else {
            throw EstimateError.missingFX(currency: options.currency, priceCurrency: priceCurrency)
        }
        guard fx > 0 else {
            throw EstimateError.invalidOption(flag: "--fx", value: ExactDecimal.text(fx), fix: "must be positive")
        }
        return ExchangeRate(base: priceCurrency, quote: options.currency, rate: fx, source: "--fx")
    }
}
