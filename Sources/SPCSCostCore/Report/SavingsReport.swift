import Foundation

/// The family and node count a report prices a pool with when it is "always on" or follows a plan
/// (`--family F --nodes N`, `--pool NAME=FAMILY[:NODES]`, the pools file, or the cached inventory); the usage view
/// itself has no family or node columns.
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

/// What a report knows about one pool before it reads the usage: its shape and rate (when known), its lifetime, and
/// whether the pools file plans it.
public struct ReportPoolSetup: Sendable {
    /// Pool name (COMPUTE_POOL_NAME).
    public var pool: String
    /// Family and nodes; nil when nothing says (a CSV import of a pool outside the pools file, without `--family`).
    public var shape: PoolShape?
    /// Where the shape comes from: `pools file`, `COMPUTE_POOLS`, `--family`, `--pool`.
    public var shapeSource: String?
    /// Credits per node-hour of the shape's family; nil without a shape.
    public var creditsPerNodeHour: Decimal?
    /// Where that rate comes from.
    public var rateSource: String?
    /// When the pool existed.
    public var lifetime: PoolLifetime
    /// True when the pools file plans the pool (it then has an estimate, zero when it never ran).
    public var planned: Bool
    /// The account whose price the pool's planned quantities (always on, plan, estimate) take, when the pools file
    /// says (`account`); nil = the one account its metered rows name, else the run's price.
    public var account: String? = nil

    /// Creates a setup.
    public init(pool: String, shape: PoolShape?, shapeSource: String?, creditsPerNodeHour: Decimal?,
                rateSource: String?, lifetime: PoolLifetime, planned: Bool) {
        self.pool = pool
        self.shape = shape
        self.shapeSource = shapeSource
        self.creditsPerNodeHour = creditsPerNodeHour
        self.rateSource = rateSource
        self.lifetime = lifetime
        self.planned = planned
    }
}

/// Metered credits of one pool on one local day within one UTC day: the unit a report prices (a local day of a
/// zone east or west of UTC spans two UTC days, which may have two prices).
public struct MeteredPart: Sendable, Hashable {
    /// Pool name.
    public var pool: String
    /// The local day, as days since 1970-01-01 in the report's zone.
    public var localDay: Int
    /// The UTC day of the hours, as days since 1970-01-01.
    public var utcDay: Int
    /// Sum of CREDITS_USED, nano-credits.
    public var nanoCredits: Int64
    /// Number of hourly rows.
    public var hours: Int
    /// ORGANIZATION_NAME of the rows; `""` when not known.
    public var organization: String
    /// ACCOUNT_NAME of the rows, the key of their price (``DayRates/charge(_:onUTCDay:account:)``); `""` when not
    /// known (a CSV import), which takes the run's price.
    public var account: String

    /// Creates a part.
    public init(pool: String, localDay: Int, utcDay: Int, nanoCredits: Int64, hours: Int, organization: String = "",
                account: String = "") {
        self.pool = pool
        self.localDay = localDay
        self.utcDay = utcDay
        self.nanoCredits = nanoCredits
        self.hours = hours
        self.organization = organization
        self.account = account
    }
}

/// Metered usage of a period per pool and per day, set against the same pools always on and under a
/// business-hours plan, every amount read from the priced ledger: the data behind `spcs-cost report` and `nightly`.
///
/// Rules, stated in every rendering:
/// - Days are calendar days in `zone`; an hourly row belongs to the day its START_TIME falls in.
/// - Every amount is a sum of ledger charges: a quantity priced at the price and FX of the UTC day it falls in
///   (``Pricing``).
/// - Always on = nodes × the seconds of the day the pool existed (a DST day has 23 or 25 hours) × credits per
///   node-hour; plan = nodes × the seconds of the plan's window in the day while the pool existed.
/// - Credits and money are exact; rendering rounds each amount shown once.
public struct SavingsReport: Sendable {
    /// One pool on one day.
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
        /// Metered credits and their cost.
        public var metered: ChargeSum
        /// The always-on and plan figures, held once for every pool of the same shape, price and lifetime on the day
        /// (a year of a thousand pools of one shape holds 365 of them, not 365,000); nil when the pool's family is
        /// unknown.
        var baselines: Shared<Baselines>? = nil
        /// The estimate's credits and cost; nil for a pool the pools file does not plan.
        var estimate: Shared<ChargeSum>? = nil
        /// True when the day may still change (newer than the views' latency and restatement window).
        public var provisional: Bool = false
        /// True when a price of the day was restated by Snowflake after an earlier pull (RATE_SHEET_DAILY changes
        /// until the month closes).
        public var restated: Bool = false

        /// Node-hours always on (while the pool existed); nil when the pool's family is unknown.
        public var alwaysOnNodeHours: Decimal? {
            get { baselines?.value.alwaysOnNodeHours }
            set { updateBaselines { $0.alwaysOnNodeHours = newValue } }
        }
        /// Always-on credits and cost; nil when the pool's family is unknown.
        public var alwaysOn: ChargeSum? {
            get { baselines?.value.alwaysOn }
            set { updateBaselines { $0.alwaysOn = newValue } }
        }
        /// Node-hours under the plan; nil without a plan or a family.
        public var planNodeHours: Decimal? {
            get { baselines?.value.planNodeHours }
            set { updateBaselines { $0.planNodeHours = newValue } }
        }
        /// Plan credits and cost; nil without a plan or a family.
        public var plan: ChargeSum? {
            get { baselines?.value.plan }
            set { updateBaselines { $0.plan = newValue } }
        }
        /// The schedule estimate's credits and cost; nil for a pool the pools file does not plan.
        public var estimated: ChargeSum? {
            get { estimate?.value }
            set { estimate = newValue.map(Shared.init) }
        }

        /// Changes the baselines (a new shared value; nil when every figure is nil).
        mutating func updateBaselines(_ change: (inout Baselines) -> Void) {
            var b = baselines?.value ?? Baselines()
            change(&b)
            baselines = b == Baselines() ? nil : Shared(b)
        }

        /// Metered credits.
        public var meteredCredits: Decimal { metered.quantity }
        /// Hours in the day (23, 24 or 25).
        public var dayHours: Decimal { Decimal(daySeconds) / 3600 }
    }

    /// A day's always-on and plan figures (``Day/alwaysOn``, ``Day/plan`` and their node-hours).
    struct Baselines: Sendable, Hashable {
        var alwaysOnNodeHours: Decimal?
        var alwaysOn: ChargeSum?
        var planNodeHours: Decimal?
        var plan: ChargeSum?
    }

    /// One pool over the period.
    public struct Pool: Sendable, Hashable {
        /// Pool name.
        public var pool: String
        /// The shape it is priced with; nil when unknown.
        public var shape: PoolShape?
        /// Where the shape comes from; nil without one.
        public var shapeSource: String?
        /// Credits per node-hour of the shape's family; nil without a shape.
        public var creditsPerNodeHour: Decimal?
        /// Where that rate comes from.
        public var rateSource: String?
        /// When the pool existed.
        public var lifetime: PoolLifetime
        /// True when the pools file plans it.
        public var planned: Bool
        /// Metered nano-credits over the period.
        public var meteredNanoCredits: Int64 = 0
        /// Metered credits and cost.
        public var metered: ChargeSum
        /// Node-seconds always on over the period (while the pool existed); nil without a shape.
        public var alwaysOnNodeSeconds: Int64?
        /// Always-on credits and cost; nil without a shape.
        public var alwaysOn: ChargeSum?
        /// Node-seconds under the plan; nil without a plan or shape.
        public var planNodeSeconds: Int64?
        /// Plan credits and cost.
        public var plan: ChargeSum?
        /// The estimate's credits and cost; nil when not planned.
        public var estimated: ChargeSum?
        /// The difference between metered and estimated credits split by cause, with each cause's cost (exact; the
        /// costs add up to the difference's cost); empty without an estimate.
        public var varianceByCause: [VarianceCause: ChargeSum] = [:]

        /// Metered credits over the period.
        public var meteredCredits: Decimal { metered.quantity }
        /// Node-hours if always on over the period; nil without a shape.
        public var alwaysOnNodeHours: Decimal? { alwaysOnNodeSeconds.map { Decimal($0) / 3600 } }
        /// Node-hours under the plan; nil without a plan.
        public var planNodeHours: Decimal? { planNodeSeconds.map { Decimal($0) / 3600 } }
        /// Always on minus metered: what running as metered saved against always on; nil without a shape.
        public var savedVsAlwaysOn: ChargeSum? { alwaysOn.map { $0 - metered } }
        /// The credits and cost of the scheduling tasks attributed to the pool (``TaskCosts/byPool``); nil when the
        /// report has no task costs (zero when it has, but none of them is this pool's).
        public var tasks: ChargeSum?
        /// The schedule's net saving: always on minus metered minus the pool's tasks' credits (credits; cost at each
        /// account's and day's price, as the ledger prices them); nil without a shape or without task costs.
        public var netSavedVsAlwaysOn: ChargeSum? {
            guard let saved = savedVsAlwaysOn, let tasks else { return nil }
            return saved - tasks
        }
        /// Plan minus metered; nil without a plan.
        public var savedVsPlan: ChargeSum? { plan.map { $0 - metered } }
    }

    /// Month to date and a straight-line month-end forecast, for the month of the report's last day.
    public struct Forecast: Sendable, Hashable {
        /// The month's first day.
        public var monthStart: CivilDate
        /// Days of the month covered by the report (up to and including its last day).
        public var daysElapsed: Int
        /// Days in the month.
        public var daysInMonth: Int
        /// Metered credits and cost from the month's first day to the report's last day.
        public var monthToDate: ChargeSum
        /// Month to date × days in the month ÷ days elapsed (multiplied first, so a full month is exact).
        public var forecast: ChargeSum {
            ChargeSum(quantity: monthToDate.quantity * Decimal(daysInMonth) / Decimal(daysElapsed),
                      amount: Money(monthToDate.amount.amount * Decimal(daysInMonth) / Decimal(daysElapsed),
                                    monthToDate.amount.currency))
        }
        /// Month-to-date credits.
        public var monthToDateCredits: Decimal { monthToDate.quantity }
        /// Forecast credits.
        public var forecastCredits: Decimal { forecast.quantity }
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
    /// The presentation currency of every amount.
    public var currency: Currency
    /// The plan, if any.
    public var plan: BusinessHours?
    /// The rate card used for always-on and plan credits (id), nil when overridden.
    public var rateCardID: String?
    /// The prices and FX rates used, one entry per run of days with the same price and rate.
    public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)]
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
    /// Results of the checks a nightly run makes (budget, variance, staleness); empty for `report`.
    public var checks: [CheckResult] = []
    /// The comparison with what Snowflake bills (USAGE_IN_CURRENCY_DAILY); nil when the cache has no such rows.
    public var billCheck: BillCheck?
    /// How `report --by` grouped the ledger; nil without `--by`.
    public var groupedBy: ReportGrouping?
    /// The ledger's metered lines grouped by ``groupedBy``, sorted by key; empty without `--by`.
    public var groups: [GroupLine] = []
    /// "Who used it": the period's metered credits by notebook and user, application, idle share and other services
    /// (``UsageAttribution``); nil when the period has no notebook row and no row of an application.
    public var usage: UsageAttribution?

    /// The credits of the tasks that suspend and resume the pools (WAREHOUSE_METERING_HISTORY apportioned to them,
    /// SERVERLESS_TASK_HISTORY), priced by the ledger; nil when the cache has no run of such a task in the period.
    public var tasks: TaskCosts?

    /// Sets ``tasks`` to `costs` and each pool's share of them (``Pool/tasks``, from ``TaskCosts/byPool``: zero for
    /// a pool none of them acts on; nil for every pool when `costs` is nil).
    public mutating func setTasks(_ costs: TaskCosts?) {
        tasks = costs
        let byPool = costs?.byPool
        for i in pools.indices { pools[i].tasks = byPool.map { $0[pools[i].pool] ?? .zero(currency) } }
    }

    /// Saved against always on minus the tasks' credits: what the schedule saved net of what running it cost; nil
    /// without ``tasks``.
    public var netSavedVsAlwaysOn: ChargeSum? { tasks.map { alwaysOn - meteredWithShape - $0.total } }

    /// The whole bill (compute with the scheduling tasks' credits, block storage, snapshots and data transfer); nil
    /// when the cache holds no row of BLOCK_STORAGE_HISTORY, BLOCK_STORAGE_SNAPSHOTS, INTERNAL_DATA_TRANSFER_HISTORY or
    /// DATA_TRANSFER_HISTORY for the period and no credits of tasks that act on pools (``tasks``).
    public var wholeBill: WholeBill?

    /// Metered credits and cost over all pools.
    public var metered: ChargeSum { pools.reduce(.zero(currency)) { $0 + $1.metered } }
    /// Metered credits over all pools.
    public var meteredCredits: Decimal { metered.quantity }
    /// Always-on credits and cost over the pools with a shape.
    public var alwaysOn: ChargeSum { pools.reduce(.zero(currency)) { $0 + ($1.alwaysOn ?? .zero(currency)) } }
    /// Metered credits and cost of the pools with a shape (what the always-on saving compares with).
    public var meteredWithShape: ChargeSum {
        pools.filter { $0.alwaysOn != nil }.reduce(.zero(currency)) { $0 + $1.metered }
    }
    /// Plan credits and cost over the pools with a shape; nil without a plan.
    public var planTotal: ChargeSum? {
        plan == nil ? nil : pools.reduce(.zero(currency)) { $0 + ($1.plan ?? .zero(currency)) }
    }
    /// Estimate over the planned pools (those that never ran included); nil without a pools file.
    public var estimated: ChargeSum? {
        pools.contains { $0.estimated != nil } ? pools.reduce(.zero(currency)) { $0 + ($1.estimated ?? .zero(currency)) } : nil
    }
    /// Pools metered but without a family (their always-on baseline is unknown).
    public var poolsWithoutShape: [String] { pools.filter { $0.shape == nil }.map(\.pool) }
    /// The pools file's planned block storage and snapshots set against the metered, one per pool that plans
    /// storage (``StorageAgainstPlan``); empty when none is planned.
    public var storageAgainstPlan: [StorageAgainstPlan] = []
    /// Planned storage cost over the pools that plan storage; nil when none is planned.
    public var plannedStorage: Money? {
        storageAgainstPlan.isEmpty ? nil : storageAgainstPlan.reduce(.zero(currency)) { $0 + $1.planned }
    }
    /// Metered storage cost of the pools that plan storage; nil when none is planned.
    public var meteredStorage: Money? {
        storageAgainstPlan.isEmpty ? nil : storageAgainstPlan.reduce(.zero(currency)) { $0 + $1.metered }
    }
    /// The estimate's cost with the planned storage (credits: the estimate's); nil without an estimate.
    public var estimatedWithStorage: ChargeSum? {
        estimated.map { ChargeSum(quantity: $0.quantity, amount: $0.amount + (plannedStorage ?? .zero(currency))) }
    }
    /// Metered cost with the metered storage of the pools that plan storage (credits: the metered).
    public var meteredWithStorage: ChargeSum {
        ChargeSum(quantity: metered.quantity, amount: metered.amount + (meteredStorage ?? .zero(currency)))
    }
    /// The variance, metered minus estimate over the estimate, in percent of cost (exact), both sides with the
    /// block storage and snapshots of the pools that plan storage (``storageAgainstPlan``); nil without an
    /// estimate or when the estimate is zero. The one definition `report` and `nightly` share.
    public var variancePercent: Decimal? {
        guard let e = estimatedWithStorage, e.amount.amount != 0 else { return nil }
        return (meteredWithStorage.amount.amount - e.amount.amount) / e.amount.amount * 100
    }

    /// Builds the report, pricing every figure through `rates`.
    /// - Parameters:
    ///   - metered: metered credits per pool, local day and UTC day (parts outside the period are ignored).
    ///   - from, through: the period's first and last day in `zone`, inclusive.
    ///   - pools: every pool the report covers (metered ones and planned ones), with what is known of it.
    ///   - estimates: per planned pool, estimated credits per local day and the difference by cause per day.
    ///   - rates: the ledger's day rates (filled as days are met).
    /// - Throws: ``FXBookError`` when a day's price cannot be converted, ``ArithmeticLimitError`` when a sum does
    ///   not fit in 64-bit nano-credits or node-seconds.
    public static func build(
        metered: [MeteredPart], from: CivilDate, through: CivilDate, zone: TimeZone, currency: Currency,
        pools setups: [ReportPoolSetup], estimates: [String: [CivilDate: (credits: Decimal, causes: [VarianceCause: Decimal])]],
        plan: BusinessHours?, rateCardID: String?, rates: inout DayRates, warnings: [String]
    ) throws -> SavingsReport {
        precondition(from <= through)
        let dates = stride(from: 0, through: from.days(to: through), by: 1).map { from.adding(days: $0) }
        let dayIntervals = dates.map { $0.interval(in: zone) }
        let planIntervals = plan?.intervals(from: from.adding(days: -1), through: through.adding(days: 1)) ?? []
        // Each local day cut at UTC midnights: the parts a planned quantity is priced in.
        let utcParts: [[(utcDay: Int, span: DateInterval)]] = dayIntervals.map { Self.utcParts(of: $0) }
        // The plan's window in each part (the same for every pool; clipped to each pool's lifetime later).
        let planParts: [[[DateInterval]]] = utcParts.map { parts in
            parts.map { p in planIntervals.compactMap { w in
                let a = max(w.start, p.span.start), b = min(w.end, p.span.end)
                return b > a ? DateInterval(start: a, end: b) : nil
            } }
        }
        let firstDay = from.daysSinceEpoch, lastDay = through.daysSinceEpoch
        // The account whose price a pool's baselines and estimate take: the pools file's `account` for the pool
        // (``ReportPoolSetup/account``), else the one account its metered rows name; `""` (the run's price) for a
        // pool of no known account or of several.
        var poolAccounts: [String: Set<String>] = [:]
        for m in metered where m.localDay >= firstDay && m.localDay <= lastDay {
            poolAccounts[m.pool, default: []].insert(m.account)
        }
        var poolAccount = poolAccounts.mapValues { $0.count == 1 ? $0.first! : "" }
        for s in setups { if let a = s.account { poolAccount[s.pool] = a } }
        let zero = ChargeSum.zero(currency)
        var pools: [Pool] = setups.sorted { $0.pool < $1.pool }.map { s in
            Pool(pool: s.pool, shape: s.shape, shapeSource: s.shapeSource, creditsPerNodeHour: s.creditsPerNodeHour,
                 rateSource: s.rateSource, lifetime: s.lifetime, planned: s.planned, metered: zero,
                 alwaysOnNodeSeconds: s.shape == nil ? nil : 0, alwaysOn: s.shape == nil ? nil : zero,
                 planNodeSeconds: s.shape == nil || plan == nil ? nil : 0,
                 plan: s.shape == nil || plan == nil ? nil : zero, estimated: s.planned ? zero : nil)
        }
        // Each pool name's parts of the period (indices into `metered`, in its order), by local day: read with one
        // cursor per pool as the days go by.
        var listOfName: [String: Int] = [:]
        for pool in pools where listOfName[pool.pool] == nil { listOfName[pool.pool] = listOfName.count }
        var partLists = [[Int]](repeating: [], count: listOfName.count)
        for (k, m) in metered.enumerated() where m.localDay >= firstDay && m.localDay <= lastDay {
            if let n = listOfName[m.pool] { partLists[n].append(k) }
        }
        for n in partLists.indices
        where !zip(partLists[n], partLists[n].dropFirst()).allSatisfy({ metered[$0].localDay <= metered[$1].localDay }) {
            partLists[n].sort { (metered[$0].localDay, $0) < (metered[$1].localDay, $1) }
        }
        let listOfPool = pools.map { listOfName[$0.pool]! }
        var cursor = [Int](repeating: 0, count: pools.count)
        // A pool's always-on and plan figures of a day depend on it only through its nodes × lifetime seconds in
        // each UTC part of the day, its credits per node-hour and its account: the pools that share those share
        // the figures, priced once (the same charges as pool by pool, so the same values).
        var priceIndex: [ReportPriceKey: Int] = [:]
        let priceOfPool: [Int] = pools.map { pool in
            guard let rate = pool.creditsPerNodeHour else { return -1 }
            let key = ReportPriceKey(rate: rate, account: poolAccount[pool.pool] ?? "")
            if let i = priceIndex[key] { return i }
            priceIndex[key] = priceIndex.count
            return priceIndex.count - 1
        }
        var baselineMemo: [ReportBaselineKey: (shared: Shared<Baselines>, alwaysSeconds: Int, planSeconds: Int)] = [:]
        // Running sums of each pool's days and of the month to date, in day order (``DecimalSum``: the values of
        // adding them one by one with Decimal's `+`, in 64-bit integers while they fit).
        var meteredSums = [ChargeSumAccumulator](repeating: .init(), count: pools.count)
        var alwaysSums = meteredSums, planSums = meteredSums
        var monthToDateSum = ChargeSumAccumulator()
        var days: [Day] = []
        days.reserveCapacity(dates.count * pools.count)
        let monthStart = through.firstOfMonth
        // Seconds as hours (seconds ÷ 3600, exact): a Decimal division, made once per distinct number of seconds
        // (a day has few: whole hours of the day, the plan's window, the DST days) instead of per pool and day.
        var hoursOfSeconds: [Int: Decimal] = [:]
        func hours(_ seconds: Int) -> Decimal {
            if let h = hoursOfSeconds[seconds] { return h }
            let h = Decimal(seconds) / 3600
            hoursOfSeconds[seconds] = h
            return h
        }
        for (i, date) in dates.enumerated() {
            let daySeconds = Int(dayIntervals[i].duration)
            let dayNumber = date.daysSinceEpoch
            for p in pools.indices {
                let name = pools[p].pool
                var day = Day(date: date, pool: name, meteredNanoCredits: 0, meteredHours: 0, daySeconds: daySeconds,
                              metered: zero)
                // Metered: each part's credits priced at its UTC day's price, as ``DayRates/charge(_:onUTCDay:account:)``
                // prices them (credits × price × FX), summed.
                var credits = DecimalSum(), amount = DecimalSum()
                let list = partLists[listOfPool[p]]
                while cursor[p] < list.count, metered[list[cursor[p]]].localDay == dayNumber {
                    let part = metered[list[cursor[p]]]
                    cursor[p] += 1
                    day.meteredNanoCredits = try ExactInt64.add(day.meteredNanoCredits, part.nanoCredits,
                                                                "the metered credits of pool \(name) on \(date)")
                    day.meteredHours += part.hours
                    let rate = try rates.rate(part.utcDay, account: part.account)
                    let price = rate.unitPrice.price.price
                    precondition(price.currency == rate.fx.base, "converting \(price.currency) with a \(rate.fx.base) rate")
                    precondition(rate.fx.quote == currency, "adding \(rate.fx.quote) to \(currency)")
                    let quantity = NanoCredits(part.nanoCredits).credits
                    credits.add(quantity)
                    amount.add(product: quantity, price.amount, rate.fx.rate)
                }
                day.metered = ChargeSum(quantity: credits.value, amount: Money(amount.value, currency))
                if let shape = pools[p].shape, let rate = pools[p].creditsPerNodeHour {
                    let lifetime = pools[p].lifetime
                    let parts = utcParts[i]
                    // The key: the seconds of each part (up to three; a day of more parts is priced unshared).
                    var key = ReportBaselineKey(day: i, price: priceOfPool[p])
                    let shareable = parts.count <= 3
                    if shareable {
                        for k in parts.indices {
                            let s = shape.nodes * lifetime.seconds(in: parts[k].span)
                            let w = plan == nil ? 0 : shape.nodes * lifetime.clip(planParts[i][k]).reduce(0) { $0 + Int($1.duration) }
                            key.set(part: k, alwaysSeconds: s, planSeconds: w)
                        }
                    }
                    let entry: (shared: Shared<Baselines>, alwaysSeconds: Int, planSeconds: Int)
                    if shareable, let known = baselineMemo[key] {
                        entry = known
                    } else {
                        var alwaysSeconds = 0
                        var always = zero
                        var planSeconds = 0
                        var planned = zero
                        for (k, part) in parts.enumerated() {
                            let s = shape.nodes * lifetime.seconds(in: part.span)
                            if s > 0 {
                                alwaysSeconds += s
                                always += try rates.charge(hours(s) * rate, onUTCDay: part.utcDay,
                                                           account: poolAccount[name] ?? "")
                            }
                            if plan != nil {
                                let w = shape.nodes * lifetime.clip(planParts[i][k]).reduce(0) { $0 + Int($1.duration) }
                                if w > 0 {
                                    planSeconds += w
                                    planned += try rates.charge(hours(w) * rate, onUTCDay: part.utcDay,
                                                                account: poolAccount[name] ?? "")
                                }
                            }
                        }
                        var b = Baselines(alwaysOnNodeHours: hours(alwaysSeconds), alwaysOn: always)
                        if plan != nil {
                            b.planNodeHours = hours(planSeconds)
                            b.plan = planned
                        }
                        entry = (Shared(b), alwaysSeconds, planSeconds)
                        if shareable { baselineMemo[key] = entry }
                    }
                    day.baselines = entry.shared
                    pools[p].alwaysOnNodeSeconds = try ExactInt64.add(pools[p].alwaysOnNodeSeconds!, Int64(entry.alwaysSeconds),
                                                                      "the always-on node-seconds of pool \(name)")
                    alwaysSums[p].add(entry.shared.value.alwaysOn!)
                    if plan != nil {
                        pools[p].planNodeSeconds = try ExactInt64.add(pools[p].planNodeSeconds!, Int64(entry.planSeconds),
                                                                      "the planned node-seconds of pool \(name)")
                        planSums[p].add(entry.shared.value.plan!)
                    }
                }
                if pools[p].planned {
                    // The estimate of a local day is priced at the UTC day of its first instant.
                    let utcDay = utcParts[i][0].utcDay
                    let e = estimates[name]?[date]
                    let charge = try rates.charge(e?.credits ?? 0, onUTCDay: utcDay, account: poolAccount[name] ?? "")
                    let estimated = ChargeSum(quantity: charge.quantity, amount: charge.amount)
                    day.estimated = estimated
                    pools[p].estimated! = pools[p].estimated! + estimated
                    for (cause, credits) in e?.causes ?? [:] where cause != .unexplained {
                        pools[p].varianceByCause[cause, default: zero] += try rates.charge(credits, onUTCDay: utcDay,
                                                                                           account: poolAccount[name] ?? "")
                    }
                }
                pools[p].meteredNanoCredits = try ExactInt64.add(pools[p].meteredNanoCredits, day.meteredNanoCredits,
                                                                 "the metered credits of pool \(name) from \(from) to \(through)")
                meteredSums[p].add(day.metered)
                if date >= monthStart { monthToDateSum.add(day.metered) }
                days.append(day)
            }
        }
        for p in pools.indices {
            pools[p].metered = meteredSums[p].value(currency)
            if pools[p].alwaysOn != nil { pools[p].alwaysOn = alwaysSums[p].value(currency) }
            if pools[p].plan != nil { pools[p].plan = planSums[p].value(currency) }
        }
        let monthToDate = monthToDateSum.value(currency)
        // What the causes priced day by day do not cover (credits and prices of other days) is unexplained, so the
        // causes add up to the difference exactly, in credits and in money.
        for p in pools.indices where pools[p].estimated != nil {
            let difference = pools[p].metered - pools[p].estimated!
            let others = pools[p].varianceByCause.valuesInKeyOrder.reduce(zero, +)
            let rest = difference - others
            if rest.quantity != 0 || rest.amount.amount != 0 { pools[p].varianceByCause[.unexplained] = rest }
        }
        var report = SavingsReport(from: from, through: through, zone: zone, currency: currency, plan: plan,
                                   rateCardID: rateCardID, priceRuns: rates.priceRuns, pools: pools, days: days,
                                   warnings: warnings)
        if from <= monthStart {
            report.forecast = Forecast(monthStart: monthStart, daysElapsed: through.day, daysInMonth: through.daysInMonth,
                                       monthToDate: monthToDate)
        }
        return report
    }

    /// `span` cut at UTC midnights, each part with its UTC day (days since 1970-01-01).
    static func utcParts(of span: DateInterval) -> [(utcDay: Int, span: DateInterval)] {
        var out: [(utcDay: Int, span: DateInterval)] = []
        var start = span.start
        while start < span.end {
            let day = Int((start.timeIntervalSince1970 / 86_400).rounded(.down))
            let midnight = Date(timeIntervalSince1970: TimeInterval((day + 1) * 86_400))
            let end = min(midnight, span.end)
            out.append((day, DateInterval(start: start, end: end)))
            start = end
        }
        return out
    }
}

/// A pool's price of always-on and plan credits in a report: its credits per node-hour and the account whose price
/// it takes.
struct ReportPriceKey: Hashable {
    var rate: Decimal
    var account: String
}

/// What a pool's always-on and plan figures of one day depend on (``SavingsReport/build(metered:from:through:zone:currency:pools:estimates:plan:rateCardID:rates:warnings:)``):
/// the day, the pool's price (an index of ``ReportPriceKey``) and its node-seconds always on and under the plan in
/// each of the day's UTC parts (up to three).
struct ReportBaselineKey: Hashable {
    var day: Int
    var price: Int
    var always0 = 0, always1 = 0, always2 = 0
    var plan0 = 0, plan1 = 0, plan2 = 0

    init(day: Int, price: Int) {
        self.day = day
        self.price = price
    }

    /// Sets the node-seconds of part `part` (0, 1 or 2).
    mutating func set(part: Int, alwaysSeconds: Int, planSeconds: Int) {
        switch part {
        case 0: (always0, plan0) = (alwaysSeconds, planSeconds)
        case 1: (always1, plan1) = (alwaysSeconds, planSeconds)
        default: (always2, plan2) = (alwaysSeconds, planSeconds)
        }
    }
}

/// A running sum of charge sums (credits and money): the value of adding them one by one with ChargeSum's `+` from
/// zero (``DecimalSum``).
struct ChargeSumAccumulator {
    var quantity = DecimalSum()
    var amount = DecimalSum()

    /// Adds `sum`.
    mutating func add(_ sum: ChargeSum) {
        quantity.add(sum.quantity)
        amount.add(sum.amount.amount)
    }

    /// The sum, its amount in `currency`.
    func value(_ currency: Currency) -> ChargeSum {
        ChargeSum(quantity: quantity.value, amount: Money(amount.value, currency))
    }
}

/// An immutable value held once and referred to by many (days of many pools that share it); equal and hashed by
/// its value.
final class Shared<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The value.
    let value: Value
    /// Holds `value`.
    init(_ value: Value) { self.value = value }
    static func == (a: Shared, b: Shared) -> Bool { a === b || a.value == b.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

extension ChargeSum {
    /// Adds a charge's quantity and amount.
    public static func += (s: inout ChargeSum, c: ChargeSum) { s = s + c }
}

/// The result of one nightly check, carried in the report so every file shows it.
public struct CheckResult: Sendable, Hashable {
    /// Which check.
    public enum Check: String, Sendable, Hashable, CaseIterable {
        /// No metered row newer than the staleness limit (exit 12).
        case staleData = "stale-data"
        /// Metered (or forecast) cost of the month over the budget (exit 10).
        case budgetExceeded = "budget-exceeded"
        /// |metered − estimated| over the variance threshold (exit 11).
        case varianceExceeded = "variance-exceeded"
    }

    /// Which check.
    public var check: Check
    /// True when the check failed (an alert).
    public var failed: Bool
    /// The finding in one sentence, with the figures.
    public var message: String

    /// Creates a result.
    public init(check: Check, failed: Bool, message: String) {
        self.check = check
        self.failed = failed
        self.message = message
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

extension MeteredPart {
    /// Sums `records` per pool, local day in `zone` and UTC day (what ``SavingsReport/build(metered:from:through:zone:currency:pools:estimates:plan:rateCardID:rates:warnings:)``
    /// prices), sorted by pool, local day, UTC day: for callers that hold rows in memory (the cache sums them in
    /// SQLite instead).
    /// - Throws: ``ArithmeticLimitError`` when a part does not sum in 64-bit nano-credits.
    public static func parts(of records: [UsageRecord], zone: TimeZone) throws(ArithmeticLimitError) -> [MeteredPart] {
        let utc = TimeZone(identifier: "UTC")!
        var byKey: [String: MeteredPart] = [:]
        for r in records {
            let local = CivilDate.of(r.startTime, in: zone).daysSinceEpoch
            let utcDay = CivilDate.of(r.startTime, in: utc).daysSinceEpoch
            let key = "\(r.computePoolName)\u{0}\(local)\u{0}\(utcDay)\u{0}\(r.organization)\u{0}\(r.account)"
            var p = byKey[key] ?? MeteredPart(pool: r.computePoolName, localDay: local, utcDay: utcDay, nanoCredits: 0,
                                              hours: 0, organization: r.organization, account: r.account)
            p.nanoCredits = try ExactInt64.add(p.nanoCredits, r.creditsUsed.value,
                                               "the metered credits of pool \(r.computePoolName) on \(CivilDate(daysSinceEpoch: local))")
            p.hours += 1
            byKey[key] = p
        }
        return byKey.values.sorted {
            ($0.pool, $0.localDay, $0.utcDay, $0.organization, $0.account) < ($1.pool, $1.localDay, $1.utcDay, $1.organization, $1.account)
        }
    }
}

/// What `report --by` groups the priced ledger's metered lines by.
public enum ReportGrouping: String, Sendable, Hashable, CaseIterable {
    /// The account (ACCOUNT_NAME, or the connection's account; `""` for a CSV import without one).
    case account
    /// COMPUTE_POOL_NAME (pools of one name in several accounts are one line).
    case pool
    /// The pool's instance family (pools file, `--pool`, `--family`, or COMPUTE_POOLS; `unknown` without one).
    case family
    /// APPLICATION_NAME (`""` for pools of no application).
    case application
}

/// One line of `report --by`: the metered credits and cost of one account, pool, family or application over the
/// report's period, priced hour by hour (or day by day for day rows) at its UTC day's price by the ledger.
public struct GroupLine: Sendable, Hashable {
    /// The account, pool, family or application; `""` where the source names none.
    public var key: String
    /// Metered credits and their cost in the presentation currency, exact.
    public var metered: ChargeSum
    /// `--by account` with a bill check: the ledger's SPCS amount before FX (the price currency) over the bill
    /// check's days; nil otherwise.
    public var ledgerBeforeFX: Money?
    /// `--by account` with a bill check: what USAGE_IN_CURRENCY_DAILY bills the account over the same days; nil
    /// otherwise.
    public var billed: Money?
    /// The line's share of the rest of the whole bill (``WholeBill/rows``: the scheduling tasks' credits, block
    /// storage, snapshots, data transfer and its adjustment), by charge kind; empty when the report has no whole bill
    /// or the line has none of it.
    public var parts: [ChargeKind: ChargeSum] = [:]
    /// `--by pool` with scheduling tasks: the pool's net saving against always on (``SavingsReport/Pool/netSavedVsAlwaysOn``);
    /// nil otherwise, for an account line and for a pool without a shape.
    public var netSavedVsAlwaysOn: ChargeSum?

    /// The line's sum of `kinds` in ``parts`` (zero in `currency` when it has none).
    public func sum(of kinds: Set<ChargeKind>, currency: Currency) -> ChargeSum {
        parts.filter { kinds.contains($0.key) }.valuesInCaseOrder.reduce(.zero(currency), +)
    }

    /// The line's whole bill: metered compute plus every part, exact.
    public var wholeBill: Money { parts.valuesInCaseOrder.reduce(metered.amount) { $0 + $1.amount } }

    /// Creates a line.
    public init(key: String, metered: ChargeSum, ledgerBeforeFX: Money? = nil, billed: Money? = nil) {
        self.key = key
        self.metered = metered
        self.ledgerBeforeFX = ledgerBeforeFX
        self.billed = billed
    }
}

/// What the tasks that act on compute pools cost in a report's period, priced by the ledger (charge kinds
/// ``ChargeKind/taskWarehouse`` and ``ChargeKind/serverlessTask``).
public struct TaskCosts: Sendable, Hashable {
    /// One task's credits of one kind (on one warehouse, or serverless) attributed to one pool over the period.
    public struct Line: Sendable, Hashable {
        /// The task, `DATABASE.SCHEMA.NAME`.
        public var task: String
        /// The compute pool the credits are attributed to (``TaskWarehouseAttribution``); `""` for the account line
        /// (runs whose pool cannot be told).
        public var pool: String
        /// `task_warehouse` or `serverless_task`.
        public var kind: ChargeKind
        /// The warehouse; nil for serverless credits.
        public var warehouse: String?
        /// Metered rows (warehouse hours or serverless ranges) with a share attributed to the task.
        public var rows: Int
        /// Credits and cost, exact.
        public var sum: ChargeSum

        /// Creates a line.
        public init(task: String, kind: ChargeKind, warehouse: String?, rows: Int, sum: ChargeSum, pool: String = "") {
            self.task = task
            self.pool = pool
            self.kind = kind
            self.warehouse = warehouse
            self.rows = rows
            self.sum = sum
        }
    }

    /// Lines sorted by task, kind, warehouse and pool: each the sum of its ``rows``.
    public var lines: [Line]
    /// The priced ledger rows behind ``lines``: one per organization, account, task, kind, warehouse, pool and UTC
    /// day (grain day, scenario metered; pool `""`, an account line, for runs whose pool cannot be told), the day's
    /// credits at the account's credit price of that day. What the whole bill, the FOCUS export and `report --by` read. Sorted by day, kind, account, task and
    /// warehouse.
    public var rows: [LedgerRow]
    /// Runs of pool tasks in the period (SKIPPED runs left out).
    public var runs: Int
    /// The auto-suspend tail assumed after each warehouse run, in seconds (``TaskWarehouseAttribution``), for a
    /// warehouse not in ``pulledTails``.
    public var tailSeconds: Int
    /// The warehouses (upper-case names) of the period's pool task runs whose tail is their own AUTO_SUSPEND from SHOW
    /// WAREHOUSES as last pulled, in seconds; empty when none was pulled.
    public var pulledTails: [String: Int] = [:]
    /// The presentation currency.
    public var currency: Currency

    /// Creates the costs.
    public init(lines: [Line], rows: [LedgerRow] = [], runs: Int, tailSeconds: Int, currency: Currency) {
        self.lines = lines
        self.rows = rows
        self.runs = runs
        self.tailSeconds = tailSeconds
        self.currency = currency
    }

    /// Warehouse credits and cost.
    public var warehouse: ChargeSum { lines.filter { $0.kind == .taskWarehouse }.reduce(.zero(currency)) { $0 + $1.sum } }
    /// Serverless credits and cost.
    public var serverless: ChargeSum { lines.filter { $0.kind == .serverlessTask }.reduce(.zero(currency)) { $0 + $1.sum } }
    /// Both.
    public var total: ChargeSum { lines.reduce(.zero(currency)) { $0 + $1.sum } }
    /// Credits and cost per pool (`""`: the account line), exact: the sums of ``lines``.
    public var byPool: [String: ChargeSum] {
        lines.reduce(into: [:]) { $0[$1.pool, default: .zero(currency)] += $1.sum }
    }

    /// Prices `shares` through `rates` and sums them per task, kind and warehouse.
    ///
    /// The ledger's rule, as for compute: each share belongs to the UTC day of its row's START_TIME; the shares of one
    /// organization, account, task, kind, warehouse and UTC day are summed (credits, exact) and priced once at the
    /// account's credit price of that day (``DayRates/charge(_:onUTCDay:account:)``: its own schedule when it has
    /// one, else the run's). A line is the sum of its rows, so the "Scheduling tasks" table, the whole bill and the
    /// FOCUS export add up to the same amounts.
    /// - Throws: ``FXBookError`` when a day's price cannot be converted.
    public static func priced(_ shares: [TaskWarehouseAttribution.Share], runs: Int, tailSeconds: Int,
                              rates: inout DayRates) throws -> TaskCosts {
        struct Key: Hashable { var task: String; var kind: ChargeKind; var warehouse: String?; var pool: String }
        struct DayKey: Hashable {
            var organization: String; var account: String; var line: Key; var utcDay: Int
        }
        var credits: [DayKey: Decimal] = [:]
        var counts: [Key: Int] = [:]
        for s in shares {
            let t = Int64(s.periodStart.timeIntervalSince1970.rounded(.down))
            let utcDay = Int(t >= 0 ? t / 86_400 : (t - 86_399) / 86_400)
            let key = Key(task: s.task, kind: s.kind == .warehouse ? .taskWarehouse : .serverlessTask, warehouse: s.warehouse,
                          pool: s.pool)
            counts[key, default: 0] += 1
            credits[DayKey(organization: s.organization, account: s.account, line: key, utcDay: utcDay), default: 0] += s.credits
        }
        let utc = TimeZone(identifier: "UTC")!
        var rows: [LedgerRow] = []
        var sums: [Key: ChargeSum] = [:]
        let ordered = credits.keys.sorted {
            ($0.utcDay, $0.line.kind.rawValue, $0.account, $0.organization, $0.line.task, ($0.line.warehouse ?? "") + "\u{1}" + $0.line.pool)
                < ($1.utcDay, $1.line.kind.rawValue, $1.account, $1.organization, $1.line.task, ($1.line.warehouse ?? "") + "\u{1}" + $1.line.pool)
        }
        for k in ordered {
            let charge = try rates.charge(credits[k]!, onUTCDay: k.utcDay, account: k.account)
            sums[k.line, default: .zero(rates.currency)] += charge
            rows.append(LedgerRow(organization: k.organization, account: k.account, poolName: k.line.pool,
                                  periodStart: CivilDate(daysSinceEpoch: k.utcDay).startInstant(in: utc), grain: .day,
                                  kind: k.line.kind, scenario: .metered, charge: charge, task: k.line.task,
                                  warehouse: k.line.warehouse))
        }
        let lines = sums.map { Line(task: $0.key.task, kind: $0.key.kind, warehouse: $0.key.warehouse,
                                    rows: counts[$0.key] ?? 0, sum: $0.value, pool: $0.key.pool) }
            .sorted { ($0.task, $0.kind.rawValue, $0.warehouse ?? "", $0.pool) < ($1.task, $1.kind.rawValue, $1.warehouse ?? "", $1.pool) }
        return TaskCosts(lines: lines, rows: rows, runs: runs, tailSeconds: tailSeconds, currency: rates.currency)
    }
}
