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
    /// Block storage volumes and snapshots, priced in dollars by the ledger's unit prices; nil = none.
    public var storage: PlannedStorage?

    /// Creates an entry.
    public init(plan: PoolPlan, region: String? = nil, editions: [Edition] = [], creditPrice: Money? = nil,
                rateCardID: String? = nil, storage: PlannedStorage? = nil) {
        self.plan = plan
        self.storage = storage
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
    /// `--fx RATE`: units of `currency` per unit of each price currency, undated (the flag's one rate is for USD).
    public var fx: [Currency: Decimal] = [:]
    /// Where `fx` comes from, for the reader.
    public var fxSource = "--fx"
    /// Named pairs: `--fx QUOTE/BASE=RATE` first, then the pools file's (`fx = { USD = "150" }` is 150 of the
    /// file's `currency` per USD; ``PoolsFile/Defaults``). A rate is never used for another pair.
    public var fxPairs: [FXBook.FixedRate] = []
    /// Also price every pool always on over the period.
    public var compareAlwaysOn = false
    /// The pools file's contract (its `[defaults]` contract price), for pools without their own price; nil = none.
    public var contract: CreditPriceSchedule.Contract?
    /// A dated FX file: each planned day converted at its own day's rate; nil = `fx` only.
    public var fxTable: FXTable?
    /// How a day finds its row in `fxTable`.
    public var fxLookup: FXTable.Lookup = .daily

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
        try EstimateError.requireOrdered(from: from, to: through)
        let asOf = options.asOf ?? today
        var warnings = notes
        let card = try catalog.rateCard(id: options.rateCardID, asOf: from, warnings: &warnings)
        var pools: [PoolEstimate] = []
        var breakdowns: [PlanBreakdown] = []
        var savings: [Savings] = []
        var table: CreditPriceTable?
        var regions = Set<String>()
        var regionPrices: CreditPriceTable.RegionPrices?
        var usdRate: ExchangeRate = .identity(.usd)
        var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []
        var storage: [StorageEstimate] = []
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

            let region = entry.region ?? options.region
            try checkOffer(family: plan.pool.family, regionText: region ?? defaultRegion, card: poolCard,
                           pool: plan.pool.name, warnings: &warnings)
            // Priced through the ledger: each planned day's credits at the price and FX of its day (the day's
            // first instant's UTC day, as report and reconcile price an estimate), in the shared price order.
            var settings = PriceSettings()
            settings.region = region
            settings.currency = options.currency
            settings.fileFX = options.fxPairs + options.fx.sorted { $0.key.code < $1.key.code }.map {
                FXBook.FixedRate(pair: .init(base: $0.key, quote: options.currency), rate: $0.value, source: options.fxSource)
            }
            settings.fxTable = options.fxTable
            settings.fxLookup = options.fxLookup
            if let contract = entry.creditPrice {
                settings.contract = .init(pricePerCredit: contract,
                                          reference: "contract price per credit of pool \(plan.pool.name) (pools file)")
            } else {
                settings.contract = options.contract
            }
            let utc = TimeZone(identifier: "UTC")!
            let firstDay = CivilDate.of(period.start, in: utc)
            let lastDay = CivilDate.of(period.end.addingTimeInterval(-1), in: utc)
            var priceWarnings: [String] = []
            var pricing = try PlannedPricing(settings, editions: entry.editions.isEmpty ? options.editions : entry.editions,
                                             catalog: catalog, period: firstDay...max(firstDay, lastDay),
                                             warnings: &priceWarnings)
            warnings += priceWarnings.filter { !warnings.contains($0) }
            if table == nil { table = pricing.table }
            if let r = pricing.region { regions.insert(r.region.id); regionPrices = r }
            if pricing.fx.base == .usd { usdRate = pricing.fx }
            priceRuns += pricing.priceRuns
            let estimate = PoolEstimate(pool: plan.pool.name, family: plan.pool.family, nodes: plan.pool.minNodes,
                                        lines: lines,
                                        costs: try pricing.costs(Self.plannedCredits(plan, breakdown, lines: lines,
                                                                                     rate: rate.creditsPerNodeHour,
                                                                                     firstDay: firstDay)))
            pools.append(estimate)
            breakdowns.append(breakdown)
            if let planned = entry.storage, let first = pricing.editions.first?.pricing {
                // Billed in dollars, whatever the edition: the first edition's rules (same currency and FX).
                if first.unitPrices == nil {
                    warnings.append("pool \(plan.pool.name): no unit price table lists region \(region ?? defaultRegion): "
                        + "its block storage and snapshots are not priced; use a region of catalog/dollar-prices-*.json.")
                } else {
                    for part in try planned.price(pool: plan.pool.name, from: period.start, to: period.end, pricing: first) {
                        storage.append(StorageEstimate(pool: plan.pool.name, kind: part.kind, gib: part.gib,
                                                       gibDays: part.gibDays, amount: part.amount,
                                                       priceSource: part.rows.first?.charge.rate.unitPrice.price.source ?? "",
                                                       rows: part.rows))
                    }
                }
            }
            if options.compareAlwaysOn {
                let hours = Decimal(Int64(period.duration.rounded())) / 3600
                let line = CostLine(item: "Always on",
                                    detail: "\(plan.pool.minNodes) node\(plan.pool.minNodes == 1 ? "" : "s") × "
                                        + "\(ExactDecimal.text(hours)) h (\(from) to \(through), \(plan.zone.displayName))",
                                    quantity: Decimal(plan.pool.minNodes) * hours, unit: .nodeHours,
                                    creditsPerUnit: rate.creditsPerNodeHour, rateSource: rateSource)
                // Always on: MIN_NODES × every second of the period, cut at UTC midnights.
                var always: [Int: Decimal] = [:]
                var t = period.start
                while t < period.end {
                    let day = Int((t.timeIntervalSince1970 / 86_400).rounded(.down))
                    let next = min(Date(timeIntervalSince1970: TimeInterval((day + 1) * 86_400)), period.end)
                    always[day, default: 0] += Decimal(plan.pool.minNodes) * Decimal(Int(next.timeIntervalSince(t))) / 3600
                        * rate.creditsPerNodeHour
                    t = next
                }
                let alwaysOn = PoolEstimate(pool: plan.pool.name, family: plan.pool.family, nodes: plan.pool.minNodes,
                                            lines: [line], costs: try pricing.costs(always))
                savings.append(Savings(plan: estimate, alwaysOn: alwaysOn, periodDays: from.days(to: through) + 1))
            }
        }
        var result = EstimateResult(asOf: asOf, rateCard: card, priceTable: table,
                                    region: regions.count == 1 ? regionPrices : nil, fx: usdRate, pools: pools,
                                    savings: savings, warnings: warnings)
        result.breakdowns = breakdowns
        result.storage = storage
        result.priceRuns = PlannedPricing.merged(priceRuns)
        return result
    }

    /// A plan's credits per UTC day (days since 1970-01-01): each local day's estimate (the schedule's node-hours
    /// by cause and the expected activity spread over the days, as `reconcile` and `report` estimate a day) at the
    /// UTC day of the day's first instant; what the lines hold beyond the days (task warehouse credits, and the
    /// expected activity's share of a fraction of a day) on the first planned day.
    static func plannedCredits(_ plan: PoolPlan, _ b: PlanBreakdown, lines: [CostLine], rate: Decimal,
                               firstDay: CivilDate) -> [Int: Decimal] {
        var estimated: [CivilDate: [BillingCause: Decimal]] = [:]
        for d in b.days { estimated[d.date] = d.nodeHours }
        Reconciler.spreadExpectedActivity(plan, breakdown: b, into: &estimated)
        let utc = TimeZone(identifier: "UTC")!
        var out: [Int: Decimal] = [:]
        var byDays: Decimal = 0
        for (date, hours) in estimated.sorted(by: { $0.key < $1.key }) {
            let credits = hours.valuesInKeyOrder.reduce(0, +) * rate
            guard credits != 0 else { continue }
            out[CivilDate.of(date.startInstant(in: plan.zone), in: utc).daysSinceEpoch, default: 0] += credits
            byDays += credits
        }
        let rest = lines.reduce(Decimal(0)) { $0 + $1.credits } - byDays
        if rest != 0 { out[firstDay.daysSinceEpoch, default: 0] += rest }
        return out
    }

}
