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
    /// One pool on one day. Stored as exact integers (nano-credits, seconds); the credit figures are computed
    /// from them when read, so a year of a thousand pools is built without a million decimal operations.
    public struct Day: Sendable, Hashable {
        /// The calendar day in the report's zone.
        public var date: CivilDate
        /// Pool name.
        public var pool: String
        /// Metered nano-credits (sum of CREDITS_USED of the day's hourly rows).
        public var meteredNanoCredits: Int64
        /// Number of hourly rows metered on the day.
        public var meteredHours: Int
        /// Seconds in the day (86,400, or 82,800/90,000 on DST days).
        public var daySeconds: Int
        /// Nodes of the pool's shape.
        public var nodes: Int
        /// Seconds of the plan's window in the day; nil when the report has no plan.
        public var planSeconds: Int?
        /// Credits per node-hour of the pool's family.
        public var creditsPerNodeHour: Decimal
        /// Estimated credits from the pools file's schedule model; nil without a pools file.
        public var estimatedCredits: Decimal?
        /// True when the day may still change (newer than the views' latency and restatement window).
        public var provisional: Bool = false

        /// Metered credits.
        public var meteredCredits: Decimal { NanoCredits(meteredNanoCredits).credits }
        /// Hours in the day (23, 24 or 25).
        public var dayHours: Decimal { Decimal(daySeconds) / 3600 }
        /// Node-hours if always on.
        public var alwaysOnNodeHours: Decimal { Decimal(nodes * daySeconds) / 3600 }
        /// Credits if always on.
        public var alwaysOnCredits: Decimal { alwaysOnNodeHours * creditsPerNodeHour }
        /// Node-hours under the plan; nil when the report has no plan.
        public var planNodeHours: Decimal? { planSeconds.map { Decimal(nodes * $0) / 3600 } }
        /// Credits under the plan; nil when the report has no plan.
        public var planCredits: Decimal? { planNodeHours.map { $0 * creditsPerNodeHour } }
    }

    /// One pool over the period, with exact integer totals behind its credit figures.
    public struct Pool: Sendable, Hashable {
        /// Pool name.
        public var pool: String
        /// The shape it is priced with.
        public var shape: PoolShape
        /// Credits per node-hour of the shape's family.
        public var creditsPerNodeHour: Decimal
        /// Where that rate comes from.
        public var rateSource: String
        /// Metered nano-credits over the period.
        public var meteredNanoCredits: Int64 = 0
        /// Node-seconds if always on over the period.
        public var alwaysOnNodeSeconds: Int64 = 0
        /// Node-seconds under the plan; nil without a plan.
        public var planNodeSeconds: Int64?
        /// Estimated credits from the pools file; nil without one.
        public var estimatedCredits: Decimal?
        /// The difference between metered and estimated credits split by cause; empty without a pools file.
        public var varianceByCause: [VarianceCause: Decimal] = [:]

        /// Metered credits over the period.
        public var meteredCredits: Decimal { NanoCredits(meteredNanoCredits).credits }
        /// Node-hours if always on over the period.
        public var alwaysOnNodeHours: Decimal { Decimal(alwaysOnNodeSeconds) / 3600 }
        /// Credits if always on.
        public var alwaysOnCredits: Decimal { alwaysOnNodeHours * creditsPerNodeHour }
        /// Node-hours under the plan; nil without a plan.
        public var planNodeHours: Decimal? { planNodeSeconds.map { Decimal($0) / 3600 } }
        /// Credits under the plan; nil without a plan.
        public var planCredits: Decimal? { planNodeHours.map { $0 * creditsPerNodeHour } }
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
    /// - Throws: ``ArithmeticLimitError`` when a pool's day does not sum in 64-bit nano-credits.
    public static func metered(_ records: [UsageRecord], zone: TimeZone) throws(ArithmeticLimitError) -> Metered {
        var out: Metered = [:]
        for r in records {
            let day = CivilDate.of(r.startTime, in: zone)
            let (c, n) = out[r.computePoolName]?[day] ?? (.zero, 0)
            let sum = try ExactInt64.add(c.value, r.creditsUsed.value, "the metered credits of pool \(r.computePoolName) on \(day)")
            out[r.computePoolName, default: [:]][day] = (NanoCredits(sum), n + 1)
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
        for name in poolNames {
            guard let shape = shapes[name] ?? defaultShape else { throw ReportError.noShape(pool: name) }
            let (ratePerNodeHour, source) = try rate(name, shape.family)
            pools.append(Pool(pool: name, shape: shape, creditsPerNodeHour: ratePerNodeHour, rateSource: source,
                              planNodeSeconds: plan == nil ? nil : 0))
        }
        let daySeconds = dayIntervals.map { Int($0.duration) }
        // Date by date, pools in name order: the days come out sorted.
        var days: [Day] = []
        days.reserveCapacity(dates.count * pools.count)
        var monthToDate: Decimal = 0  // over every pool: a Decimal, which no number of pools overflows
        let monthStart = through.firstOfMonth
        for (i, date) in dates.enumerated() {
            for p in pools.indices {
                let name = pools[p].pool
                let nodes = pools[p].shape.nodes
                let (credits, hours) = metered[name]?[date] ?? (.zero, 0)
                days.append(Day(date: date, pool: name, meteredNanoCredits: credits.value, meteredHours: hours,
                                daySeconds: daySeconds[i], nodes: nodes, planSeconds: plan == nil ? nil : planSeconds[i],
                                creditsPerNodeHour: pools[p].creditsPerNodeHour))
                let what = "the metered credits of pool \(name) from \(from) to \(through)"
                pools[p].meteredNanoCredits = try ExactInt64.add(pools[p].meteredNanoCredits, credits.value, what)
                let nodeSeconds = "the always-on node-seconds of pool \(name) from \(from) to \(through)"
                pools[p].alwaysOnNodeSeconds = try ExactInt64.add(
                    pools[p].alwaysOnNodeSeconds, try ExactInt64.multiply(Int64(nodes), Int64(daySeconds[i]), nodeSeconds),
                    nodeSeconds)
                if plan != nil {
                    let planned = "the planned node-seconds of pool \(name) from \(from) to \(through)"
                    pools[p].planNodeSeconds = try ExactInt64.add(
                        pools[p].planNodeSeconds!, try ExactInt64.multiply(Int64(nodes), Int64(planSeconds[i]), planned),
                        planned)
                }
                if date >= monthStart { monthToDate += credits.credits }
            }
        }
        var report = SavingsReport(from: from, through: through, zone: zone, plan: plan, rateCardID: rateCardID,
                                   creditPrice: creditPrice, fx: fx, pools: pools, days: days, warnings: warnings)
        if from <= monthStart {
            report.forecast = Forecast(monthStart: monthStart, daysElapsed: through.day, daysInMonth: through.daysInMonth,
                                       monthToDateCredits: monthToDate)
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
