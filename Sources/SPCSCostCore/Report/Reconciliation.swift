import Foundation

/// Why metered usage differs from the estimate; each cause gets its share of the difference.
public enum VarianceCause: String, Sendable, Codable, CaseIterable, Comparable {
    /// More or fewer scheduled node-hours than planned (a task that did not run, a holiday, a late resume).
    case scheduled
    /// More or less idle time after suspends than AUTO_SUSPEND_SECS predicts.
    case autoSuspendTail = "auto_suspend_tail"
    /// Use outside the scheduled hours (AUTO_RESUME sessions), more or less than expected.
    case offHoursResume = "off_hours_resume"
    /// Extra nodes (autoscaling), more or less than expected.
    case autoscaleBurst = "autoscale_burst"
    /// The 5-minute minimum per node start.
    case minimumChargePadding = "minimum_charge_padding"
    /// The schedule did not act: the pool ran through the hours it should have been suspended.
    case scheduleDidNotAct = "schedule_did_not_act"
    /// The rate in force on the day differs from the rate the estimate used.
    case rateCardChange = "rate_card_change"
    /// Metered block storage (volumes, IOPS, throughput, the pool's share of snapshots) differs from the storage the
    /// pools file plans (`block_storage`, `snapshots`). Money only: storage is billed in currency, not credits
    /// (``StorageAgainstPlan``).
    case blockStorage = "block_storage"
    /// What the causes above do not explain (rounding of node-hours derived from credits).
    case unexplained

    /// Label for reports.
    public var label: String {
        switch self {
        case .scheduled: "Scheduled hours"
        case .autoSuspendTail: "Auto-suspend tail"
        case .offHoursResume: "Off-hours use (AUTO_RESUME)"
        case .autoscaleBurst: "Extra nodes (autoscaling)"
        case .minimumChargePadding: "5-minute minimum"
        case .scheduleDidNotAct: "Schedule did not act"
        case .rateCardChange: "Rate-card change"
        case .blockStorage: "Block storage and snapshots"
        case .unexplained: "Unexplained"
        }
    }

    public static func < (a: VarianceCause, b: VarianceCause) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The estimate of one pool set against what was metered, per day, with the difference split by cause.
///
/// Method (stated in every report):
/// - Estimated node-hours per day come from the schedule model (``PlanEstimator``) plus the expected activity of the
///   pools file spread evenly: autoscale on each scheduled day, off-hours sessions as sessions per week ÷ 7 a day.
///   Task (warehouse) credits are not in SNOWPARK_CONTAINER_SERVICES_HISTORY and are left out.
/// - Metered node-hours per hourly row = CREDITS_USED ÷ the rate in force that day. Each hour's node-seconds are
///   matched first to the model's scheduled time, then to its tail and minimum-charge time; what is left inside fully
///   scheduled hours is extra nodes; what is left outside forms blocks of consecutive hours, whose last
///   AUTO_SUSPEND_SECS × MIN_NODES node-seconds are an auto-suspend tail and the rest off-hours use. A block of 12 or
///   more full hours means the schedule did not act.
/// - Difference by cause = (metered − estimated node-hours of the cause) × the estimate's rate; the rate-card change
///   = metered node-hours × (rate in force − estimate's rate); the remainder is unexplained.
/// Hourly rows cannot show when within an hour something happened, so the split is exact only on hour boundaries.
public struct PoolReconciliation: Sendable {
    /// One day.
    public struct Day: Sendable, Hashable {
        /// Date in the pool's zone.
        public var date: CivilDate
        /// True when the day is newer than the views' latency and restatement window: numbers may still change.
        public var provisional: Bool
        /// Estimated node-hours by cause.
        public var estimatedNodeHours: [BillingCause: Decimal]
        /// Estimated credits (at the estimate's rate).
        public var estimatedCredits: Decimal
        /// Metered credits (sum of CREDITS_USED), exact.
        public var meteredCredits: Decimal
        /// Metered node-hours by cause (derived).
        public var meteredNodeHours: [VarianceCause: Decimal]
        /// The difference (metered − estimated credits) split by cause; sums to `difference` exactly.
        public var explained: [VarianceCause: Decimal]
        /// The day's money; nil when the reconciliation was not priced (``PoolReconciliation/price(metered:zone:rates:)``).
        public var money: ReconcileMoney?
        /// Metered − estimated credits.
        public var difference: Decimal { meteredCredits - estimatedCredits }
    }

    /// The pool.
    public var pool: String
    /// The pool's plan (nil for a pool metered but absent from the pools file).
    public var plan: PoolPlan?
    /// The estimate's credits per node-hour.
    public var estimateRate: Decimal
    /// Days of the period.
    public var days: [Day]

    /// Sum over days of a day's value.
    public func total(_ f: (Day) -> Decimal) -> Decimal { days.reduce(0) { $0 + f($1) } }
    /// Estimated credits over the period.
    public var estimatedCredits: Decimal { total(\.estimatedCredits) }
    /// Metered credits over the period.
    public var meteredCredits: Decimal { total(\.meteredCredits) }
    /// The difference by cause over the period.
    public var explained: [VarianceCause: Decimal] {
        var out: [VarianceCause: Decimal] = [:]
        for d in days { for (k, v) in d.explained { out[k, default: 0] += v } }
        return out
    }
    /// Metered node-hours by cause over the period.
    public var meteredNodeHours: [VarianceCause: Decimal] {
        var out: [VarianceCause: Decimal] = [:]
        for d in days { for (k, v) in d.meteredNodeHours { out[k, default: 0] += v } }
        return out
    }
}

/// Builds ``PoolReconciliation``s.
public enum Reconciler {
    /// Reconciles one pool.
    /// - Parameters:
    ///   - plan: the pool's plan; nil for a pool that is metered but not planned (everything is then unexplained
    ///     against a zero estimate, and node-hours are not split).
    ///   - records: the pool's hourly rows (any order; rows outside the period are ignored).
    ///   - from, through: the period, days in `zone`.
    ///   - estimateRate: credits per node-hour the estimate uses.
    ///   - rateInForce: the rate in force on a date (for node-hours from metered credits).
    ///   - provisionalAfter: days ending after this instant are provisional.
    public static func reconcile(pool: String, plan: PoolPlan?, records: [UsageRecord], from: CivilDate,
                                 through: CivilDate, zone: TimeZone, estimateRate: Decimal,
                                 rateInForce: (CivilDate) -> Decimal, provisionalAfter: Date) -> PoolReconciliation {
        let period = PlanEstimator.period(from: from, through: through, in: zone)
        let dates = (0...from.days(to: through)).map { from.adding(days: $0) }
        var estimated: [CivilDate: [BillingCause: Decimal]] = [:]
        var expectedIntervals: [BilledInterval] = []
        if var plan {
            // Days of the breakdown in the reconciliation's zone, whatever zone the plan names.
            plan.zone = zone
            let b = PlanEstimator.breakdown(plan, period: period)
            expectedIntervals = b.intervals
            for d in b.days { estimated[d.date] = d.nodeHours }
            spreadExpectedActivity(plan, breakdown: b, into: &estimated)
        }
        let minNodes = Decimal(plan?.pool.minNodes ?? 1)
        let fullHour = minNodes * 3600

        // Metered node-seconds per UTC hour, and the rows' credits per local day.
        var meteredSeconds: [Int64: Decimal] = [:]
        var meteredCredits: [CivilDate: Decimal] = [:]
        for r in records where r.startTime >= period.start && r.startTime < period.end {
            let day = CivilDate.of(r.startTime, in: zone)
            let hour = Int64(r.startTime.timeIntervalSince1970) / 3600
            meteredCredits[day, default: 0] += r.creditsUsed.credits
            meteredSeconds[hour, default: 0] += r.creditsUsed.credits / rateInForce(day) * 3600
        }

        // Expected node-seconds per UTC hour by cause.
        var expected: [Int64: [BillingCause: Decimal]] = [:]
        for i in expectedIntervals {
            var t = Int64(i.start.timeIntervalSince1970)
            let end = Int64(i.end.timeIntervalSince1970)
            while t < end {
                let h = t / 3600
                let next = min(end, (h + 1) * 3600)
                expected[h, default: [:]][i.cause, default: 0] += Decimal(i.nodes) * Decimal(next - t)
                t = next
            }
        }

        // Match each hour; collect what is outside the model.
        var byHour: [Int64: [VarianceCause: Decimal]] = [:]
        var outside: [Int64: Decimal] = [:]
        for (h, m) in meteredSeconds {
            var left = m
            var parts: [VarianceCause: Decimal] = [:]
            guard plan != nil else { byHour[h] = [.unexplained: m]; continue }
            let e = expected[h] ?? [:]
            for (cause, vc) in [(BillingCause.scheduled, VarianceCause.scheduled), (.autoSuspendTail, .autoSuspendTail),
                                (.minimumChargePadding, .minimumChargePadding)] {
                let take = min(left, e[cause] ?? 0)
                if take > 0 { parts[vc, default: 0] += take; left -= take }
            }
            let covered = (e[.scheduled] ?? 0) + (e[.autoSuspendTail] ?? 0)
            if left > 0 {
                if covered >= fullHour {
                    parts[.autoscaleBurst, default: 0] += left
                } else {
                    // More than MIN_NODES can run in the uncovered part means extra nodes too.
                    let extra = max(0, m - fullHour)
                    if extra > 0 { parts[.autoscaleBurst, default: 0] += min(extra, left); left -= min(extra, left) }
                    if left > 0 { outside[h] = left }
                }
            }
            byHour[h] = parts
        }
        // Blocks of consecutive hours with usage outside the model.
        let autoSuspend = Decimal(plan?.pool.autoSuspendSeconds ?? 0) * minNodes
        var hoursSorted = outside.keys.sorted()
        while let first = hoursSorted.first {
            var block = [first]
            hoursSorted.removeFirst()
            while let next = hoursSorted.first, next == block.last! + 1 { block.append(next); hoursSorted.removeFirst() }
            let full = block.filter { outside[$0]! >= fullHour }.count
            if full >= 12 {
                for h in block { byHour[h, default: [:]][.scheduleDidNotAct, default: 0] += outside[h]! }
                continue
            }
            // The block's last node-seconds, up to AUTO_SUSPEND_SECS × MIN_NODES, are the tail after the session.
            var tail = autoSuspend
            for h in block.reversed() {
                let u = outside[h]!
                let t = min(u, tail)
                tail -= t
                if t > 0 { byHour[h, default: [:]][.autoSuspendTail, default: 0] += t }
                if u - t > 0 { byHour[h, default: [:]][.offHoursResume, default: 0] += u - t }
            }
        }

        var meteredByDay: [CivilDate: [VarianceCause: Decimal]] = [:]
        for h in byHour.keys.sorted() {
            let parts = byHour[h]!
            let day = CivilDate.of(Date(timeIntervalSince1970: TimeInterval(h * 3600)), in: zone)
            for k in parts.keys.sorted() { meteredByDay[day, default: [:]][k, default: 0] += parts[k]! / 3600 }
        }

        var days: [PoolReconciliation.Day] = []
        for date in dates {
            let est = estimated[date] ?? [:]
            let estCredits = BillingCause.allCases.reduce(Decimal(0)) { $0 + (est[$1] ?? 0) } * estimateRate
            let metered = meteredByDay[date] ?? [:]
            let credits = meteredCredits[date] ?? 0
            var explained: [VarianceCause: Decimal] = [:]
            if plan != nil {
                let pairs: [(VarianceCause, BillingCause?)] = [
                    (.scheduled, .scheduled), (.autoSuspendTail, .autoSuspendTail), (.offHoursResume, .offHoursResume),
                    (.autoscaleBurst, .autoscaleBurst), (.minimumChargePadding, .minimumChargePadding),
                    (.scheduleDidNotAct, nil),
                ]
                for (vc, bc) in pairs {
                    let delta = ((metered[vc] ?? 0) - (bc.flatMap { est[$0] } ?? 0)) * estimateRate
                    if delta != 0 { explained[vc] = delta }
                }
                let meteredHours = VarianceCause.allCases.reduce(Decimal(0)) { $0 + (metered[$1] ?? 0) }
                let rateDelta = meteredHours * (rateInForce(date) - estimateRate)
                if rateDelta != 0 { explained[.rateCardChange] = rateDelta }
            }
            let rest = (credits - estCredits) - VarianceCause.allCases.reduce(Decimal(0)) { $0 + (explained[$1] ?? 0) }
            if rest != 0 { explained[.unexplained] = rest }
            let end = date.adding(days: 1).startInstant(in: zone)
            days.append(.init(date: date, provisional: end > provisionalAfter, estimatedNodeHours: est,
                              estimatedCredits: estCredits, meteredCredits: credits, meteredNodeHours: metered,
                              explained: explained))
        }
        return PoolReconciliation(pool: pool, plan: plan, estimateRate: estimateRate, days: days)
    }

    /// Adds the pools file's expected activity to each day's estimate: autoscale on days with scheduled hours (or
    /// every day for an always-on pool), off-hours sessions as (sessions per week ÷ 7) a day with their tail.
    public static func spreadExpectedActivity(_ plan: PoolPlan, breakdown b: PlanBreakdown,
                                       into estimated: inout [CivilDate: [BillingCause: Decimal]]) {
        for d in b.days {
            var e = estimated[d.date] ?? [:]
            if let a = plan.activity.autoscale, (e[.scheduled] ?? 0) > 0 || plan.tasks.isEmpty {
                let extra = min(a.extraNodes, plan.pool.maxNodes - plan.pool.minNodes)
                if extra > 0 { e[.autoscaleBurst, default: 0] += Decimal(extra) * max(a.hoursPerDay, Decimal(5) / 60) }
            }
            if let o = plan.activity.offHours, !plan.tasks.isEmpty, plan.pool.autoResume {
                let sessions = o.sessionsPerWeek / 7
                e[.offHoursResume, default: 0] += sessions * o.minutes / 60 * Decimal(plan.pool.minNodes)
                e[.autoSuspendTail, default: 0] += sessions * Decimal(plan.pool.autoSuspendSeconds) / 3600
                    * Decimal(plan.pool.minNodes)
            }
            estimated[d.date] = e
        }
    }
}

/// The money of a reconciled pool on one day (or over the period), every amount a sum of ledger charges in the
/// presentation currency, exact.
public struct ReconcileMoney: Sendable, Hashable {
    /// The estimate's credits and cost: a local day's estimate is priced at the UTC day of its first instant.
    public var estimated: ChargeSum
    /// Metered credits and cost: each hourly row at the price of its UTC day (what `report` shows for the pool
    /// and day).
    public var metered: ChargeSum
    /// The difference (metered − estimated cost) by cause: each cause's credits of a day priced at the day's
    /// estimate price; ``VarianceCause/blockStorage`` = metered − planned storage; `unexplained` takes what the
    /// prices of other UTC days (a local day that spans two) add, so the causes add up to the difference exactly.
    public var byCause: [VarianceCause: Money]
    /// Planned block storage and snapshots (in `estimated`'s amount, not its credits); zero when none is planned.
    public var plannedStorage: Money
    /// Metered block storage of the pool (in `metered`'s amount, not its credits); zero when none was compared.
    public var meteredStorage: Money

    /// Creates money; storage zero unless given.
    public init(estimated: ChargeSum, metered: ChargeSum, byCause: [VarianceCause: Money], plannedStorage: Money? = nil,
                meteredStorage: Money? = nil) {
        self.estimated = estimated
        self.metered = metered
        self.byCause = byCause
        self.plannedStorage = plannedStorage ?? .zero(estimated.amount.currency)
        self.meteredStorage = meteredStorage ?? .zero(estimated.amount.currency)
    }

    /// Zero in `currency`.
    public static func zero(_ currency: Currency) -> ReconcileMoney {
        ReconcileMoney(estimated: .zero(currency), metered: .zero(currency), byCause: [:])
    }

    /// Metered minus estimated cost.
    public var difference: Money { metered.amount - estimated.amount }

    /// The sum of two.
    public static func + (a: ReconcileMoney, b: ReconcileMoney) -> ReconcileMoney {
        var causes = a.byCause
        for (k, v) in b.byCause { causes[k] = causes[k].map { $0 + v } ?? v }
        return ReconcileMoney(estimated: a.estimated + b.estimated, metered: a.metered + b.metered, byCause: causes,
                              plannedStorage: a.plannedStorage + b.plannedStorage,
                              meteredStorage: a.meteredStorage + b.meteredStorage)
    }
}

extension PoolReconciliation {
    /// The money over the period; nil when the reconciliation was not priced.
    public var money: ReconcileMoney? {
        guard let first = days.first?.money else { return nil }
        return days.dropFirst().reduce(first) { $0 + ($1.money ?? .zero(first.metered.amount.currency)) }
    }

    /// Prices every day through the ledger (``Pricing``): metered credits per UTC day of their hours, the estimate
    /// and the causes of a day at the UTC day of the day's first instant, the rest of the difference unexplained.
    /// - Parameters:
    ///   - metered: the pool's metered credits per local day (in `zone`) and UTC day (``MeteredPart/parts(of:zone:)``).
    ///   - zone: the zone of the reconciliation's days.
    ///   - rates: the ledger's day rates.
    ///   - account: the account whose price the estimate and the causes take (``DayRates/charge(_:onUTCDay:account:)``;
    ///     `""` = the run's price); metered parts take their own account's.
    ///   - storage: the pool's planned storage against its metered storage, per day of `zone`; nil = none. Each day's
    ///     planned storage joins the estimate's amount, the metered the metered amount, and their difference is
    ///     the ``VarianceCause/blockStorage`` line.
    /// - Throws: ``FXBookError`` when a day's price cannot be converted.
    public mutating func price(metered: [MeteredPart], zone: TimeZone, rates: inout DayRates,
                               account: String = "", storage: StorageAgainstPlan? = nil) throws(FXBookError) {
        let storageDays = Dictionary((storage?.days ?? []).map { ($0.date, $0) }, uniquingKeysWith: { a, _ in a })
        let currency = rates.currency
        var partsByDay: [Int: [MeteredPart]] = [:]
        for p in metered where p.pool == pool { partsByDay[p.localDay, default: []].append(p) }
        for i in days.indices {
            let date = days[i].date
            let utcDay = Int((date.startInstant(in: zone).timeIntervalSince1970 / 86_400).rounded(.down))
            var m = ReconcileMoney.zero(currency)
            let e = try rates.charge(days[i].estimatedCredits, onUTCDay: utcDay, account: account)
            m.estimated += e
            for part in partsByDay[date.daysSinceEpoch] ?? [] {
                m.metered += try rates.charge(NanoCredits(part.nanoCredits).credits, onUTCDay: part.utcDay,
                                              account: part.account)
            }
            var explained = Money.zero(currency)
            if let st = storageDays[date] {
                m.estimated.amount = m.estimated.amount + st.planned
                m.metered.amount = m.metered.amount + st.metered
                m.plannedStorage = st.planned
                m.meteredStorage = st.metered
                if st.planned.amount != 0 || st.metered.amount != 0 {
                    m.byCause[.blockStorage] = st.difference
                    explained = explained + st.difference
                }
            }
            for cause in VarianceCause.allCases where cause != .unexplained && cause != .blockStorage {
                guard let credits = days[i].explained[cause] else { continue }
                let amount = try rates.charge(credits, onUTCDay: utcDay, account: account).amount
                m.byCause[cause] = amount
                explained = explained + amount
            }
            let rest = m.difference - explained
            if rest.amount != 0 || days[i].explained[.unexplained] != nil { m.byCause[.unexplained] = rest }
            days[i].money = m
        }
    }
}
