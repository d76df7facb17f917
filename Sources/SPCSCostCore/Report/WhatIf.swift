import Foundation

/// A policy to re-price metered history with: what each pool would have cost on the same days.
public enum WhatIfPolicy: Sendable, Hashable {
    /// The pool never suspends: MIN_NODES × every hour of the day.
    case alwaysOn
    /// The pool runs only in a daily window (for example 10:00-19:00 MON-FRI Asia/Tokyo).
    case businessHours(BusinessHours)
    /// The pool's AUTO_SUSPEND_SECS is another number of seconds.
    case autoSuspend(seconds: Int)
    /// The pool's nodes are of another instance family.
    case family(InstanceFamily, creditsPerNodeHour: Decimal)

    /// The policy in words.
    public var label: String {
        switch self {
        case .alwaysOn: "Always on"
        case let .businessHours(b): "Business hours \(b.summary)"
        case let .autoSuspend(s): "AUTO_SUSPEND_SECS \(s)"
        case let .family(f, _): "Instance family \(f)"
        }
    }

    /// What the re-pricing assumes, stated in every output.
    public var assumptions: String {
        switch self {
        case .alwaysOn:
            "MIN_NODES nodes billed every hour of every day (23 or 25 on DST days); metered extra nodes are dropped."
        case .businessHours:
            "The pool runs MIN_NODES nodes for the whole window on the window's weekdays and is suspended outside it "
                + "(no AUTO_RESUME, no tail); extra nodes metered inside the window are kept, use outside it is dropped."
        case let .autoSuspend(s):
            "Every auto-suspend tail found in the metered hours (see reconcile) is \(s == 0 ? "never ending: the pool runs until the next scheduled resume" : "\(s) seconds long") "
                + "instead of the pool's AUTO_SUSPEND_SECS; everything else as metered."
        case let .family(f, r):
            "The same node-hours as metered, billed at \(f)'s \(ExactDecimal.text(r)) credits per node-hour (the "
                + "workload is assumed to fit the other family)."
        }
    }
}

/// Metered history re-priced under a policy, per pool and day.
public struct WhatIfResult: Sendable {
    /// One pool on one day.
    public struct Day: Sendable, Hashable {
        /// Date in the pool's zone.
        public var date: CivilDate
        /// Metered credits.
        public var meteredCredits: Decimal
        /// Credits under the policy.
        public var policyCredits: Decimal
        /// Metered credits by the UTC day (days since 1970-01-01) their hours fall in: what the ledger prices.
        public var meteredParts: [Int: Decimal] = [:]
        /// Policy credits by UTC day; sums to ``policyCredits``.
        public var policyParts: [Int: Decimal] = [:]
        /// Metered credits and cost; nil until priced (``WhatIfResult/price(rates:)``).
        public var metered: ChargeSum?
        /// Policy credits and cost; nil until priced.
        public var policy: ChargeSum?

        /// Creates a day (credits only, not split by UTC day).
        public init(date: CivilDate, meteredCredits: Decimal, policyCredits: Decimal) {
            self.date = date
            self.meteredCredits = meteredCredits
            self.policyCredits = policyCredits
        }

        /// Creates a day from its credits per UTC day.
        public init(date: CivilDate, meteredParts: [Int: Decimal], policyParts: [Int: Decimal]) {
            self.date = date
            self.meteredCredits = meteredParts.values.reduce(0, +)
            self.policyCredits = policyParts.values.reduce(0, +)
            self.meteredParts = meteredParts
            self.policyParts = policyParts
        }
    }

    /// The pool.
    public var pool: String
    /// The policy.
    public var policy: WhatIfPolicy
    /// Days.
    public var days: [Day]

    /// Creates a result.
    public init(pool: String, policy: WhatIfPolicy, days: [Day]) {
        self.pool = pool
        self.policy = policy
        self.days = days
    }

    /// Metered credits over the period.
    public var meteredCredits: Decimal { days.reduce(0) { $0 + $1.meteredCredits } }
    /// Credits under the policy over the period.
    public var policyCredits: Decimal { days.reduce(0) { $0 + $1.policyCredits } }
    /// What the metered use saved against the policy (policy − metered; negative when the policy is cheaper).
    public var savedCredits: Decimal { policyCredits - meteredCredits }
    /// When the pool existed: what the always-on and business-hours policies count.
    public var lifetime: PoolLifetime = .unbounded

    /// Metered credits and cost over the period; nil when not priced.
    public var metered: ChargeSum? { sum(\.metered) }
    /// Policy credits and cost over the period; nil when not priced.
    public var policyCost: ChargeSum? { sum(\.policy) }
    /// Policy minus metered, credits and cost (positive: the metered use saved that much); nil when not priced.
    public var saved: ChargeSum? { policyCost.flatMap { p in metered.map { p - $0 } } }

    func sum(_ f: (Day) -> ChargeSum?) -> ChargeSum? {
        guard let first = days.first.flatMap(f) else { return nil }
        return days.dropFirst().reduce(first) { $0 + (f($1) ?? .zero(first.amount.currency)) }
    }

    /// Prices every day through the ledger: each UTC day's credits at that day's price and FX (the same charge
    /// `report` makes of the same credits on the same day).
    /// - Throws: ``FXBookError``.
    public mutating func price(rates: inout DayRates) throws(FXBookError) {
        for i in days.indices {
            var m = ChargeSum.zero(rates.currency), p = ChargeSum.zero(rates.currency)
            for (day, credits) in days[i].meteredParts.sorted(by: { $0.key < $1.key }) {
                m += try rates.charge(credits, onUTCDay: day)
            }
            for (day, credits) in days[i].policyParts.sorted(by: { $0.key < $1.key }) {
                p += try rates.charge(credits, onUTCDay: day)
            }
            days[i].metered = m
            days[i].policy = p
        }
    }
}

/// Re-prices a pool's metered history under a policy, from its reconciliation (which holds the metered node-hours
/// by cause per day) and its hourly rows.
public enum WhatIf {
    /// Re-prices one pool.
    /// - Parameters:
    ///   - reconciliation: the pool's reconciliation over the period (gives days, zone-local dates, causes).
    ///   - records: the pool's hourly rows.
    ///   - zone: the zone of the days.
    ///   - lifetime: when the pool existed; the always-on and business-hours policies count only those seconds
    ///     (``PoolLifetime``, as `report` counts them). Default: throughout.
    ///   - rateInForce: the rate of the pool's family on a day.
    public static func reprice(_ reconciliation: PoolReconciliation, records: [UsageRecord], zone: TimeZone,
                               policy: WhatIfPolicy, lifetime: PoolLifetime = .unbounded,
                               rateInForce: (CivilDate) -> Decimal) -> WhatIfResult {
        let pool = reconciliation.plan?.pool
        let minNodes = Decimal(pool?.minNodes ?? 1)
        let utc = TimeZone(identifier: "UTC")!
        var days: [WhatIfResult.Day] = []
        // Metered credits per local day and UTC day (the rows the reconciliation counted: START_TIME in the period).
        let first = reconciliation.days.first!.date
        let last = reconciliation.days.last!.date
        let periodStart = first.startInstant(in: zone), periodEnd = last.adding(days: 1).startInstant(in: zone)
        var metered: [CivilDate: [Int: Decimal]] = [:]
        for r in records where r.startTime >= periodStart && r.startTime < periodEnd {
            metered[CivilDate.of(r.startTime, in: zone), default: [:]][CivilDate.of(r.startTime, in: utc).daysSinceEpoch, default: 0]
                += r.creditsUsed.credits
        }
        /// A local day's first UTC day.
        func firstUTCDay(_ d: CivilDate) -> Int { CivilDate.of(d.startInstant(in: zone), in: utc).daysSinceEpoch }
        /// Node-hours × rate of `spans` (clipped to the lifetime) per UTC day.
        func lifetimeParts(_ spans: [DateInterval], rate: Decimal) -> [Int: Decimal] {
            var out: [Int: Decimal] = [:]
            for s in lifetime.clip(spans) {
                var start = s.start
                while start < s.end {
                    let day = Int((start.timeIntervalSince1970 / 86_400).rounded(.down))
                    let end = min(Date(timeIntervalSince1970: TimeInterval((day + 1) * 86_400)), s.end)
                    out[day, default: 0] += minNodes * Decimal(Int(end.timeIntervalSince(start))) / 3600 * rate
                    start = end
                }
            }
            return out
        }
        switch policy {
        case let .businessHours(window):
            // Extra nodes metered inside the window are kept: node-seconds above MIN_NODES in window hours.
            let intervals = window.intervals(from: first.adding(days: -1), through: last.adding(days: 1))
            var extraByDay: [CivilDate: [Int: Decimal]] = [:]
            for r in records where r.startTime >= periodStart && r.startTime < periodEnd {
                let hour = DateInterval(start: r.startTime, end: r.endTime)
                let inWindow = intervals.reduce(0) { $0 + hour.overlapSeconds(with: $1) }
                guard inWindow > 0 else { continue }
                let day = CivilDate.of(r.startTime, in: zone)
                let seconds = r.creditsUsed.credits / rateInForce(day) * 3600
                let extra = seconds - minNodes * Decimal(Int(inWindow))
                if extra > 0 {
                    extraByDay[day, default: [:]][CivilDate.of(r.startTime, in: utc).daysSinceEpoch, default: 0]
                        += extra / 3600 * rateInForce(day)
                }
            }
            for d in reconciliation.days {
                let span = d.date.interval(in: zone)
                let inDay = intervals.compactMap { w -> DateInterval? in
                    let a = max(w.start, span.start), b = min(w.end, span.end)
                    return b > a ? DateInterval(start: a, end: b) : nil
                }
                var parts = lifetimeParts(inDay, rate: rateInForce(d.date))
                for (k, v) in extraByDay[d.date] ?? [:] { parts[k, default: 0] += v }
                days.append(.init(date: d.date, meteredParts: metered[d.date] ?? [:], policyParts: parts))
            }
        case .alwaysOn:
            for d in reconciliation.days {
                days.append(.init(date: d.date, meteredParts: metered[d.date] ?? [:],
                                  policyParts: lifetimeParts([d.date.interval(in: zone)], rate: rateInForce(d.date))))
            }
        case let .autoSuspend(seconds):
            let old = Decimal(pool?.autoSuspendSeconds ?? 0)
            for d in reconciliation.days {
                let tailHours = d.meteredNodeHours[.autoSuspendTail] ?? 0
                var parts = metered[d.date] ?? [:]
                if tailHours > 0, old > 0 {
                    // Tails of the old length: how many, and what they become (the change priced at the day's
                    // first UTC day).
                    let tails = tailHours * 3600 / (old * minNodes)
                    let newHours: Decimal = seconds == 0
                        ? Decimal(Int(d.date.interval(in: zone).duration)) / 3600 * minNodes
                            - ((d.meteredNodeHours[.scheduled] ?? 0) + (d.meteredNodeHours[.offHoursResume] ?? 0))
                        : tails * Decimal(seconds) * minNodes / 3600
                    let delta = (max(0, newHours) - tailHours) * rateInForce(d.date)
                    let total = parts.values.reduce(0, +)
                    // Never below zero credits in the day.
                    parts[firstUTCDay(d.date), default: 0] += max(delta, -total)
                }
                days.append(.init(date: d.date, meteredParts: metered[d.date] ?? [:], policyParts: parts))
            }
        case let .family(_, rate):
            for d in reconciliation.days {
                let parts = (metered[d.date] ?? [:]).mapValues { $0 / rateInForce(d.date) * rate }
                days.append(.init(date: d.date, meteredParts: metered[d.date] ?? [:], policyParts: parts))
            }
        }
        var result = WhatIfResult(pool: reconciliation.pool, policy: policy, days: days)
        result.lifetime = lifetime
        return result
    }
}
