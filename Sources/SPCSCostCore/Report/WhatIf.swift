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

        /// Creates a day.
        public init(date: CivilDate, meteredCredits: Decimal, policyCredits: Decimal) {
            self.date = date
            self.meteredCredits = meteredCredits
            self.policyCredits = policyCredits
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
}

/// Re-prices a pool's metered history under a policy, from its reconciliation (which holds the metered node-hours
/// by cause per day) and its hourly rows.
public enum WhatIf {
    /// Re-prices one pool.
    /// - Parameters:
    ///   - reconciliation: the pool's reconciliation over the period (gives days, zone-local dates, causes).
    ///   - records: the pool's hourly rows.
    ///   - zone: the zone of the days.
    ///   - rateInForce: the rate of the pool's family on a day.
    public static func reprice(_ reconciliation: PoolReconciliation, records: [UsageRecord], zone: TimeZone,
                               policy: WhatIfPolicy, rateInForce: (CivilDate) -> Decimal) -> WhatIfResult {
        let pool = reconciliation.plan?.pool
        let minNodes = Decimal(pool?.minNodes ?? 1)
        var days: [WhatIfResult.Day] = []
        switch policy {
        case let .businessHours(window):
            // Extra nodes metered inside the window are kept: node-seconds above MIN_NODES in window hours.
            let first = reconciliation.days.first!.date
            let last = reconciliation.days.last!.date
            let intervals = window.intervals(from: first.adding(days: -1), through: last.adding(days: 1))
            var extraByDay: [CivilDate: Decimal] = [:]
            for r in records {
                let hour = DateInterval(start: r.startTime, end: r.endTime)
                let inWindow = intervals.reduce(0) { $0 + hour.overlapSeconds(with: $1) }
                guard inWindow > 0 else { continue }
                let day = CivilDate.of(r.startTime, in: zone)
                let seconds = r.creditsUsed.credits / rateInForce(day) * 3600
                let extra = seconds - minNodes * Decimal(Int(inWindow))
                if extra > 0 { extraByDay[day, default: 0] += extra / 3600 * rateInForce(day) }
            }
            for d in reconciliation.days {
                let span = d.date.interval(in: zone)
                let seconds = intervals.reduce(0) { $0 + Int(span.overlapSeconds(with: $1)) }
                let credits = minNodes * Decimal(seconds) / 3600 * rateInForce(d.date) + (extraByDay[d.date] ?? 0)
                days.append(.init(date: d.date, meteredCredits: d.meteredCredits, policyCredits: credits))
            }
        case .alwaysOn:
            for d in reconciliation.days {
                let hours = Decimal(Int(d.date.interval(in: zone).duration)) / 3600
                days.append(.init(date: d.date, meteredCredits: d.meteredCredits,
                                  policyCredits: minNodes * hours * rateInForce(d.date)))
            }
        case let .autoSuspend(seconds):
            let old = Decimal(pool?.autoSuspendSeconds ?? 0)
            for d in reconciliation.days {
                let tailHours = d.meteredNodeHours[.autoSuspendTail] ?? 0
                var credits = d.meteredCredits
                if tailHours > 0, old > 0 {
                    // Tails of the old length: how many, and what they become.
                    let tails = tailHours * 3600 / (old * minNodes)
                    let newHours: Decimal = seconds == 0
                        ? Decimal(Int(d.date.interval(in: zone).duration)) / 3600 * minNodes
                            - ((d.meteredNodeHours[.scheduled] ?? 0) + (d.meteredNodeHours[.offHoursResume] ?? 0))
                        : tails * Decimal(seconds) * minNodes / 3600
                    credits += (max(0, newHours) - tailHours) * rateInForce(d.date)
                }
                days.append(.init(date: d.date, meteredCredits: d.meteredCredits, policyCredits: max(0, credits)))
            }
        case let .family(_, rate):
            for d in reconciliation.days {
                days.append(.init(date: d.date, meteredCredits: d.meteredCredits,
                                  policyCredits: d.meteredCredits / rateInForce(d.date) * rate))
            }
        }
        return WhatIfResult(pool: reconciliation.pool, policy: policy, days: days)
    }
}
