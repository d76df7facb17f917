import Foundation

/// The family and node count a report prices a pool with when it is "always on" or follows a plan
/// (`--family F --nodes N`, `--pool NAME=FAMILY[:NODES]`); the usage view itself has no family or node columns.
public struct PoolShape: Sendable, Hashable {
    /// Instance family.
    public var family: InstanceFamily
    /// Nodes running while the pool is not suspended (MIN_NODES).
    public var nodes: Int

    /// Creates a shape.
    public init(family: InstanceFamily, nodes: Int) {
        self.family = family
        self.nodes = nodes
    }
}

/// Metered usage of a period per pool and per day, set against the same pools always on and under a
/// business-hours plan: the data behind `spcs-cost report`.
///
/// Rules, stated in every rendering:
/// - Days are calendar days in `zone`; an hourly row belongs to the day its START_TIME falls in.
/// - Always on = nodes × the day's length in hours (23 or 25 on DST days) × credits per node-hour.
/// - Plan = nodes × the hours of the plan's window that fall in the day × credits per node-hour.
/// - Credits are exact; money is exact until rendering rounds it once.
public struct SavingsReport: Sendable {
    /// One pool on one day.
    public struct Day: Sendable, Hashable {
        /// The calendar day in the report's zone.
        public var date: CivilDate
        /// Pool name.
        public var pool: String
        /// Metered credits (sum of CREDITS_USED of the day's hourly rows).
        public var meteredCredits: Decimal
        /// Number of hourly rows metered on the day.
        public var meteredHours: Int
        /// Hours in the day (23, 24 or 25).
        public var dayHours: Decimal
        /// Node-hours if always on.
        public var alwaysOnNodeHours: Decimal
        /// Credits if always on.
        public var alwaysOnCredits: Decimal
        /// Node-hours under the plan; nil when the report has no plan.
        public var planNodeHours: Decimal?
        /// Credits under the plan; nil when the report has no plan.
        public var planCredits: Decimal?
        /// Estimated credits from the pools file's schedule model; nil without a pools file.
        public var estimatedCredits: Decimal?
        /// True when the day may still change (newer than the views' latency and restatement window).
        public var provisional: Bool = false
    }

    /// One pool over the period.
    public struct Pool: Sendable, Hashable {
        /// Pool name.
        public var pool: String
        /// The shape it is priced with.
        public var shape: PoolShape
        /// Credits per node-hour of the shape's family.
        public var creditsPerNodeHour: Decimal
        /// Where that rate comes from.
        public var rateSource: String
        /// Totals of the pool's days.
        public var meteredCredits: Decimal
        /// Node-hours if always on over the period.
        public var alwaysOnNodeHours: Decimal
        /// Credits if always on.
        public var alwaysOnCredits: Decimal
        /// Node-hours under the plan; nil without a plan.
        public var planNodeHours: Decimal?
        /// Credits under the plan; nil without a plan.
        public var planCredits: Decimal?
        /// Estimated credits from the pools file; nil without one.
        public var estimatedCredits: Decimal?
        /// The difference between metered and estimated credits split by cause; empty without a pools file.
        public var varianceByCause: [VarianceCause: Decimal] = [:]
        /// Credits always on minus metered: what running as metered saved against always on.
        public var savedCredits: Decimal { alwaysOnCredits - meteredCredits }
    }

    /// Month to date and a straight-line month-end forecast, for the month of the report's last day.
    public struct Forecast: Sendable, Hashable {
        /// The month's first day.
        public var monthStart: CivilDate
        /// Days of the month covered by the report (up to and including its last day).
        public var daysElapsed: Int
        /// Days in the month.
        public var daysInMonth: Int
        /// Metered credits from the month's first day to the report's last day.
        public var monthToDateCredits: Decimal
        /// Month to date × days in the month ÷ days elapsed (multiplied first, so a full month is exact).
        public var forecastCredits: Decimal { monthToDateCredits * Decimal(daysInMonth) / Decimal(daysElapsed) }
        /// The forecast's basis in words.
        public var basis: String {
            "straight line: \(daysElapsed) of \(daysInMonth) days of \(monthStart.year)-\(String(format: "%02d", monthStart.month)) metered, "
                + "month to date ÷ \(daysElapsed) × \(daysInMonth)"
        }
    }

    /// First day of the period (inclusive).
    public var from: CivilDate
    /// Last day of the period (inclusive).
    public var through: CivilDate
    /// The zone whose calendar days the report uses.
    public var zone: TimeZone
    /// The plan, if any.
    public var plan: BusinessHours?
    /// The rate card used for always-on and plan credits (id), nil when overridden.
    public var rateCardID: String?
    /// The credit price every amount uses.
    public var creditPrice: CreditPrice
    /// Conversion from the price currency into the presentation currency.
    public var fx: ExchangeRate
    /// Pools, sorted by name.
    public var pools: [Pool]
    /// Days, sorted by date then pool.
    public var days: [Day]
    /// Notes the reader must see (rate-card choice, pools without a shape, ...).
    public var warnings: [String]
    /// Month to date and forecast; nil when the report's period does not reach into its last month from its first
    /// day (the forecast needs the month from day 1).
    public var forecast: Forecast?
    /// Hex SHA-256 of the hourly rows the report used, so a reader can check two reports saw the same data.
    public var dataChecksum: String = ""
    /// Number of hourly rows the report used.
    public var rowCount: Int = 0

    /// Credits metered over all pools.
    public var meteredCredits: Decimal { pools.reduce(0) { $0 + $1.meteredCredits } }
    /// Credits always on over all pools.
    public var alwaysOnCredits: Decimal { pools.reduce(0) { $0 + $1.alwaysOnCredits } }
    /// Credits under the plan over all pools; nil without a plan.
    public var planCredits: Decimal? { plan == nil ? nil : pools.reduce(0) { $0 + ($1.planCredits ?? 0) } }
    /// Estimated credits over all pools; nil without a pools file.
    public var estimatedCredits: Decimal? {
        pools.contains { $0.estimatedCredits != nil } ? pools.reduce(0) { $0 + ($1.estimatedCredits ?? 0) } : nil
    }

    /// `credits` priced at ``creditPrice`` and converted with ``fx``.
    public func cost(_ credits: Decimal) -> PricedCost { PricedCost(credits: credits, price: creditPrice, fx: fx) }

    /// Metered credits and hourly-row counts per pool and local day.
    public typealias Metered = [String: [CivilDate: (credits: NanoCredits, hours: Int)]]

    /// Sums `records` per pool and local day in `zone` (an hourly row counts on the day its START_TIME falls in).
    public static func metered(_ records: [UsageRecord], zone: TimeZone) -> Metered {
        var out: Metered = [:]
        for r in records {
            let day = CivilDate.of(r.startTime, in: zone)
            let (c, n) = out[r.computePoolName]?[day] ?? (.zero, 0)
            out[r.computePoolName, default: [:]][day] = (c + r.creditsUsed, n + 1)
        }
        return out
    }

    /// Builds the report from hourly rows (rows outside the period are ignored).
    /// - Throws: see ``build(metered:from:through:zone:shapes:defaultShape:plan:rateCardID:rate:creditPrice:fx:warnings:)``.
    public static func build(
        records: [UsageRecord], from: CivilDate, through: CivilDate, zone: TimeZone,
        shapes: [String: PoolShape], defaultShape: PoolShape?, plan: BusinessHours?,
        rateCardID: String?, rate: (_ pool: String, InstanceFamily) throws -> (Decimal, String),
        creditPrice: CreditPrice, fx: ExchangeRate, warnings: [String]
    ) throws -> SavingsReport {
        let period = DateInterval(start: from.startInstant(in: zone), end: through.adding(days: 1).startInstant(in: zone))
        return try build(metered: metered(records.filter { period.contains($0.startTime) && $0.startTime < period.end },
                                          zone: zone),
                         from: from, through: through, zone: zone, shapes: shapes, defaultShape: defaultShape,
                         plan: plan, rateCardID: rateCardID, rate: rate, creditPrice: creditPrice, fx: fx,
                         warnings: warnings)
    }

    /// Builds the report from metered credits per pool and day.
    /// - Parameters:
    ///   - metered: credits and hourly rows per pool and local day (days outside the period are ignored).
    ///   - from, through: the period's first and last day in `zone`, inclusive.
    ///   - shapes: the shape of each pool; pools without one are priced with `defaultShape`.
    ///   - defaultShape: the shape of pools not in `shapes`; nil makes such pools an error.
    ///   - rate: credits per node-hour of a pool's family and the source of that figure; throws when unknown.
    /// - Throws: ``ReportError/noShape(pool:)`` or whatever `rate` throws.
    public static func build(
        metered: Metered, from: CivilDate, through: CivilDate, zone: TimeZone,
        shapes: [String: PoolShape], defaultShape: PoolShape?, plan: BusinessHours?,
        rateCardID: String?, rate: (_ pool: String, InstanceFamily) throws -> (Decimal, String),
        creditPrice: CreditPrice, fx: ExchangeRate, warnings: [String]
    ) throws -> SavingsReport {
        precondition(from <= through)
        let dates = stride(from: 0, through: from.days(to: through), by: 1).map { from.adding(days: $0) }
        let dayIntervals = dates.map { $0.interval(in: zone) }
        let planIntervals = plan?.intervals(from: from.adding(days: -1), through: through.adding(days: 1)) ?? []
        // The plan's seconds in each day, the same for every pool.
        let planSeconds = dayIntervals.map { day in planIntervals.reduce(0) { $0 + Int($1.overlapSeconds(with: day)) } }

        let poolNames = Set(metered.keys).union(shapes.keys).sorted()

        var pools: [Pool] = []
        var days: [Day] = []
        for name in poolNames {
            guard let shape = shapes[name] ?? defaultShape else { throw ReportError.noShape(pool: name) }
            let (ratePerNodeHour, source) = try rate(name, shape.family)
            let nodes = Decimal(shape.nodes)
            var pool = Pool(pool: name, shape: shape, creditsPerNodeHour: ratePerNodeHour, rateSource: source,
                            meteredCredits: 0, alwaysOnNodeHours: 0, alwaysOnCredits: 0,
                            planNodeHours: plan == nil ? nil : 0, planCredits: plan == nil ? nil : 0)
            for (i, date) in dates.enumerated() {
                let interval = dayIntervals[i]
                let (credits, hours) = metered[name]?[date] ?? (.zero, 0)
                let dayHours = Decimal(Int(interval.duration)) / 3600
                let alwaysOnNH = nodes * dayHours
                var planNH: Decimal?
                if plan != nil { planNH = nodes * Decimal(planSeconds[i]) / 3600 }
                let day = Day(date: date, pool: name, meteredCredits: credits.credits, meteredHours: hours,
                              dayHours: dayHours, alwaysOnNodeHours: alwaysOnNH,
                              alwaysOnCredits: alwaysOnNH * ratePerNodeHour, planNodeHours: planNH,
                              planCredits: planNH.map { $0 * ratePerNodeHour })
                days.append(day)
                pool.meteredCredits += day.meteredCredits
                pool.alwaysOnNodeHours += alwaysOnNH
                pool.alwaysOnCredits += day.alwaysOnCredits
                if let p = planNH {
                    pool.planNodeHours! += p
                    pool.planCredits! += p * ratePerNodeHour
                }
            }
            pools.append(pool)
        }
        days.sort { ($0.date, $0.pool) < ($1.date, $1.pool) }
        var report = SavingsReport(from: from, through: through, zone: zone, plan: plan, rateCardID: rateCardID,
                                   creditPrice: creditPrice, fx: fx, pools: pools, days: days, warnings: warnings)
        let monthStart = through.firstOfMonth
        if from <= monthStart {
            let mtd = days.filter { $0.date >= monthStart }.reduce(Decimal(0)) { $0 + $1.meteredCredits }
            report.forecast = Forecast(monthStart: monthStart, daysElapsed: through.day, daysInMonth: through.daysInMonth,
                                       monthToDateCredits: mtd)
        }
        return report
    }
}

/// Why a report could not be built.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A pool in the cache has no family and node count to price it with.
    case noShape(pool: String)

    public var description: String {
        switch self {
        case let .noShape(pool):
            return "pool \(pool) has no instance family to price it always on; pass --family F (for every pool) "
                + "or --pool \(pool)=FAMILY[:NODES]."
        }
    }
}
