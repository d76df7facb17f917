import Foundation
import SPCSCostCore

/// The period of a schedule estimate, read in each pool's own time zone.
public enum PeriodSpec: Sendable, Equatable {
    /// A calendar month (`--period 2024-04`).
    case month(year: Int, month: Int)
    /// Days `from...through`, inclusive (`--from`, `--to`).
    case days(from: CivilDate, through: CivilDate)

    /// Parses `YYYY-MM`; nil otherwise.
    public init?(month text: String) {
        let p = text.split(separator: "-")
        guard p.count == 2, p[0].count == 4, p[1].count == 2, let y = Int(p[0]), let m = Int(p[1]),
              CivilDate(year: y, month: m, day: 1) != nil else { return nil }
        self = .month(year: y, month: m)
    }

    /// First and last day.
    public var dates: (from: CivilDate, through: CivilDate) {
        switch self {
        case let .month(y, m):
            let first = CivilDate(year: y, month: m, day: 1)!
            return (first, first.lastOfMonth)
        case let .days(f, t):
            return (f, t)
        }
    }

    /// `2024-04-01 to 2024-04-30`.
    public var description: String { "\(dates.from) to \(dates.through)" }
}

/// A pool plan and how to price it.
public struct PlanEntry: Sendable {
    /// The plan.
    public var plan: PoolPlan
    /// Price region; nil = the run's default.
    public var region: String?
    /// Editions; empty = the run's default.
    public var editions: [Edition]
    /// A contract price per credit; nil = the price table.
    public var creditPrice: Money?
    /// The pool's own rate card; nil = the run's.
    public var rateCardID: String?

    /// Creates an entry.
    public init(plan: PoolPlan, region: String? = nil, editions: [Edition] = [], creditPrice: Money? = nil,
                rateCardID: String? = nil) {
        self.plan = plan
        self.region = region
        self.editions = editions
        self.creditPrice = creditPrice
        self.rateCardID = rateCardID
    }
}

/// Run-wide options of a schedule estimate.
public struct PlanEstimateOptions: Sendable {
    /// The period.
    public var period: PeriodSpec
    /// Rate card id; nil = the card in force on the period's first day.
    public var rateCardID: String?
    /// Date that chooses the credit price table; nil = today.
    public var asOf: CivilDate?
    /// Price region for pools that name none; nil = aws-us-east-1.
    public var region: String?
    /// Editions for pools that name none; empty = Standard to Business Critical.
    public var editions: [Edition] = []
    /// Presentation currency.
    public var currency: Currency = .usd
    /// Units of `currency` per unit of each price currency.
    public var fx: [Currency: Decimal] = [:]
    /// Where `fx` comes from, for the reader (`--fx`, the pools file).
    public var fxSource = "--fx"
    /// Also price every pool always on over the period.
    public var compareAlwaysOn = false

    /// Creates options for a period.
    public init(period: PeriodSpec) { self.period = period }
}

extension EstimateService {
    /// Estimates each plan over the period (in the plan's own zone): node-hours by cause from the billing model,
    /// task runs, expected activity, each priced at its pool's prices.
    /// - Throws: ``EstimateError``, ``PricingError``.
    public func estimate(plans entries: [PlanEntry], options: PlanEstimateOptions, today: CivilDate,
                         notes: [String] = []) throws -> EstimateResult {
        let (from, through) = options.period.dates
        guard from <= through else {
            throw EstimateError.invalidOption(flag: "--to", value: through.description, fix: "is before --from \(from); swap them")
        }
        let asOf = options.asOf ?? today
        var warnings = notes
        let card: RateCard
        if let id = options.rateCardID {
            card = try catalog.rateCard(id: id)
        } else {
            let choice = try catalog.rateCard(asOf: from)
            if let w = choice.warning { warnings.append(w) }
            card = choice.item
        }
        var pools: [PoolEstimate] = []
        var breakdowns: [PlanBreakdown] = []
        var savings: [Savings] = []
        var table: CreditPriceTable?
        var regions = Set<String>()
        var regionPrices: CreditPriceTable.RegionPrices?
        var usdRate: ExchangeRate = .identity(.usd)
        for entry in entries {
            let plan = entry.plan
            let poolCard = try entry.rateCardID.map { try catalog.rateCard(id: $0) } ?? card
            let rate = try catalog.rate(of: plan.pool.family, on: poolCard)
            let rateSource = "rate card \(poolCard.id), \(plan.pool.family): \(rate.source)"
            let period = PlanEstimator.period(from: from, through: through, in: plan.zone)
            let breakdown = PlanEstimator.breakdown(plan, period: period)
            let (lines, lineNotes) = PlanEstimator.lines(plan, breakdown, creditsPerNodeHour: rate.creditsPerNodeHour,
                                                         rateSource: rateSource)
            warnings += breakdown.notes + lineNotes

            var priceOptions = EstimateOptions(family: plan.pool.family.name, hoursPerDay: 0, days: 0)
            priceOptions.region = entry.region ?? options.region
            priceOptions.editions = entry.editions.isEmpty ? options.editions : entry.editions
            priceOptions.creditPrice = entry.creditPrice?.amount
            priceOptions.creditPriceCurrency = entry.creditPrice?.currency ?? .usd
            try checkOffer(family: plan.pool.family, regionText: priceOptions.region ?? defaultRegion, card: poolCard,
                           pool: plan.pool.name, warnings: &warnings)
            var priceWarnings: [String] = []
            let prices = try choosePrices(options: priceOptions, family: plan.pool.family, card: card, asOf: asOf,
                                          warnings: &priceWarnings)
            // A contract price is not an override of a user's flag: say it is the pool's contract price.
            var poolPrices = prices.prices
            if let contract = entry.creditPrice {
                poolPrices = [CreditPrice(edition: nil, price: contract,
                                          source: "contract price per credit of pool \(plan.pool.name) (pools file)")]
            } else {
                warnings += priceWarnings.filter { !warnings.contains($0) }
            }
            table = prices.table ?? table
            if let r = prices.region { regions.insert(r.region.id); regionPrices = r }
            let priceCurrency = poolPrices[0].price.currency
            let fx = try exchangeRate(priceCurrency: priceCurrency, options: options)
            if priceCurrency == .usd { usdRate = fx }
            let estimate = PoolEstimate(pool: plan.pool.name, family: plan.pool.family, nodes: plan.pool.minNodes,
                                        lines: lines, prices: poolPrices, fx: fx)
            pools.append(estimate)
            breakdowns.append(breakdown)
            if options.compareAlwaysOn {
                let hours = Decimal(Int64(period.duration.rounded())) / 3600
                let line = CostLine(item: "Always on",
                                    detail: "\(plan.pool.minNodes) node\(plan.pool.minNodes == 1 ? "" : "s") × "
                                        + "\(ExactDecimal.text(hours)) h (\(from) to \(through), \(plan.zone.displayName))",
                                    quantity: Decimal(plan.pool.minNodes) * hours, unit: .nodeHours,
                                    creditsPerUnit: rate.creditsPerNodeHour, rateSource: rateSource)
                let always = PoolEstimate(pool: plan.pool.name, family: plan.pool.family, nodes: plan.pool.minNodes,
                                          lines: [line], prices: poolPrices, fx: fx)
                savings.append(Savings(plan: estimate, alwaysOn: always, periodDays: from.days(to: through) + 1))
            }
        }
        var result = EstimateResult(asOf: asOf, rateCard: card, priceTable: table,
                                    region: regions.count == 1 ? regionPrices : nil, fx: usdRate, pools: pools,
                                    savings: savings, warnings: warnings)
        result.breakdowns = breakdowns
        return result
    }

    func exchangeRate(priceCurrency: Currency, options: PlanEstimateOptions) throws -> ExchangeRate {
        if priceCurrency == options.currency { return .identity(priceCurrency) }
        guard let rate = options.fx[priceCurrency] else {
            throw EstimateError.missingFX(currency: options.currency, priceCurrency: priceCurrency)
        }
        return ExchangeRate(base: priceCurrency, quote: options.currency, rate: rate, source: options.fxSource)
    }
}
