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
            self.meteredCredits = DecimalSum.of(meteredParts.values)
            self.policyCredits = DecimalSum.of(policyParts.values)
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
    /// The tasks a business-hours policy needs, already in the policy's credits (``addScheduleTasks(_:fromPoolsFile:zone:)``);
    /// nil for other policies.
    public var tasks: WhatIfTasks?
    /// The pool's block storage and snapshots over the period, the same under every policy (storage bills also
    /// while the pool is suspended: a schedule does not save it); nil when the pool has none or the run is not
    /// priced. Not in the policy's or the metered cost.
    public var storage: Money?
    /// Where ``storage`` comes from: `metered` (BLOCK_STORAGE_HISTORY) or `planned` (the pools file); nil without.
    public var storageSource: String?

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
    /// - Parameters:
    ///   - meteredFrom: a result of the same pool and days already priced (another policy's): its metered charges
    ///     are taken instead of pricing the same metered credits again.
    ///   - account: the pool's account, whose price its credits take (``DayRates/charge(_:onUTCDay:account:)``; `""`
    ///     = the run's price).
    public mutating func price(rates: inout DayRates, meteredFrom: WhatIfResult? = nil,
                               account: String = "") throws(FXBookError) {
        let same = meteredFrom.map { $0.days.map(\.date) == days.map(\.date) } ?? false
        let memo = WhatIfMemo.current
        for i in days.indices {
            if same, let priced = meteredFrom?.days[i].metered {
                days[i].metered = priced
            } else {
                days[i].metered = try Self.charge(days[i].meteredParts, rates: &rates, account: account, memo: memo)
            }
            days[i].policy = try Self.charge(days[i].policyParts, rates: &rates, account: account, memo: memo)
        }
        if var t = tasks {
            let parts = t.parts.sorted(by: { $0.key < $1.key })
            // The same runs at the same prices recur across pools (one schedule, one zone): the sum of their charges,
            // Decimal's slow products and sums of 38 digits, is memoised by every operand in order.
            var operands: [(credits: Decimal, price: Decimal, fx: Decimal)] = []
            operands.reserveCapacity(parts.count)
            for (day, credits) in parts {
                let rate = try rates.rate(day, account: account)
                operands.append((credits, rate.unitPrice.price.price.amount, rate.fx.rate))
            }
            var failure: FXBookError?
            t.cost = memo.chargeSum(operands, currency: rates.currency) {
                var cost = ChargeSum.zero(rates.currency)
                do throws(FXBookError) {
                    for (day, credits) in parts { cost += try rates.charge(credits, onUTCDay: day, account: account) }
                } catch {
                    failure = error
                }
                return cost
            }
            if let failure { throw failure }
            tasks = t
        }
    }

    /// The sum of the charges of `parts` (credits by UTC day), in day order: the value of adding
    /// ``DayRates/charge(_:onUTCDay:account:)`` of each part to ``ChargeSum/zero(_:)``, made with ``DecimalSum``
    /// (each amount is the part's credits × the day's price × its FX, in 64-bit integers where they fit).
    /// `memo`: the calling thread's (``WhatIfMemo/current``), looked up once by the caller.
    static func charge(_ parts: [Int: Decimal], rates: inout DayRates, account: String,
                       memo: WhatIfMemo = .current) throws(FXBookError) -> ChargeSum {
        var quantity = DecimalSum(), amount = DecimalSum()
        func add(_ day: Int, _ credits: Decimal) throws(FXBookError) {
            let rate = try rates.rate(day, account: account)
            quantity.add(credits)
            amount.add(product: credits, rate.unitPrice.price.price.amount, rate.fx.rate)
        }
        if parts.count == 1, let only = parts.first {
            if ExactDecimal.parts(only.value) == nil {
                // Credits of 38 digits (a schedule task's 1/60 of a credit joined them): Decimal's slow products and
                // sums, the same ones across days and pools, memoised by their operands.
                let rate = try rates.rate(only.key, account: account)
                let price = rate.unitPrice.price.price.amount, fx = rate.fx.rate
                let sum = memo.charge(only.value, price, fx) {
                    var quantity = DecimalSum(), amount = DecimalSum()
                    quantity.add(only.value)
                    amount.add(product: only.value, price, fx)
                    return (quantity.value, amount.value)
                }
                return ChargeSum(quantity: sum.quantity, amount: Money(sum.amount, rates.currency))
            }
            try add(only.key, only.value)
        } else {
            let sorted = parts.sorted(by: { $0.key < $1.key })
            if sorted.contains(where: { ExactDecimal.parts($0.value) == nil }) {
                // A day over two UTC days with 38-digit credits (a schedule's run on the second): memoised by every
                // part's credits, price and FX in day order, as the one-part days are.
                var operands: [(credits: Decimal, price: Decimal, fx: Decimal)] = []
                for (day, credits) in sorted {
                    let rate = try rates.rate(day, account: account)
                    operands.append((credits, rate.unitPrice.price.price.amount, rate.fx.rate))
                }
                return memo.dayCharge(operands, currency: rates.currency) {
                    var quantity = DecimalSum(), amount = DecimalSum()
                    for o in operands {
                        quantity.add(o.credits)
                        amount.add(product: o.credits, o.price, o.fx)
                    }
                    return ChargeSum(quantity: quantity.value, amount: Money(amount.value, rates.currency))
                }
            }
            for (day, credits) in sorted { try add(day, credits) }
        }
        return ChargeSum(quantity: quantity.value, amount: Money(amount.value, rates.currency))
    }
}

/// Re-prices a pool's metered history under a policy, from its reconciliation (which holds the metered node-hours
/// by cause per day) and its hourly rows, or from its hourly series (``reprice(pool:computePool:from:through:hours:zone:policy:lifetime:rateInForce:)``).
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
        // Metered credits per local day and UTC day (the rows the reconciliation counted: START_TIME in the period).
        let first = reconciliation.days.first!.date
        let last = reconciliation.days.last!.date
        let periodStart = first.startInstant(in: zone), periodEnd = last.adding(days: 1).startInstant(in: zone)
        var metered: [CivilDate: [Int: Decimal]] = [:]
        for r in records where r.startTime >= periodStart && r.startTime < periodEnd {
            metered[CivilDate.of(r.startTime, in: zone), default: [:]][CivilDate.of(r.startTime, in: utc).daysSinceEpoch, default: 0]
                += r.creditsUsed.credits
        }
        var extraByDay: [CivilDate: [Int: Decimal]] = [:]
        if case let .businessHours(window) = policy {
            // Extra nodes metered inside the window are kept: node-seconds above MIN_NODES in window hours.
            let intervals = window.intervals(from: first.adding(days: -1), through: last.adding(days: 1))
            for r in records where r.startTime >= periodStart && r.startTime < periodEnd {
                let hour = DateInterval(start: r.startTime, end: r.endTime)
                let inWindow = intervals.reduce(0) { $0 + hour.overlapSeconds(with: $1) }
                guard inWindow > 0 else { continue }
                let day = CivilDate.of(r.startTime, in: zone)
                if let extra = extraCredits(r.creditsUsed.credits, rate: rateInForce(day), minNodes: minNodes,
                                            secondsInWindow: Int(inWindow)) {
                    extraByDay[day, default: [:]][CivilDate.of(r.startTime, in: utc).daysSinceEpoch, default: 0] += extra
                }
            }
        }
        return reprice(pool: reconciliation.pool, computePool: pool, dates: reconciliation.days.map(\.date), zone: zone,
                       policy: policy, lifetime: lifetime, rateInForce: rateInForce, metered: metered,
                       extraInWindow: extraByDay, meteredNodeHours: reconciliation.days.map(\.meteredNodeHours))
    }

    /// What an hour's credits above a window depend on (``extraCredits(_:rate:minNodes:secondsInWindow:)``): its
    /// nano-credits, its seconds in the window, the day's rate in nano-credits and the pool's MIN_NODES.
    struct ExtraKey: Hashable {
        var nano: Int64
        var seconds: Int
        var rateNano: Int64
        var minNodes: Int
    }

    /// The credits of an hour above MIN_NODES inside a business-hours window, at the day's rate: node-seconds
    /// (credits ÷ rate × 3600) above `minNodes` × the window's seconds in the hour, back in credits; nil when none.
    static func extraCredits(_ credits: Decimal, rate: Decimal, minNodes: Decimal, secondsInWindow: Int) -> Decimal? {
        let seconds = credits / rate * 3600
        let extra = seconds - minNodes * Decimal(secondsInWindow)
        return extra > 0 ? extra / 3600 * rate : nil
    }

    /// Re-prices one pool from its hourly series, as ``reprice(_:records:zone:policy:lifetime:rateInForce:)`` does
    /// from its rows (the same figures where every row starts on the hour, as the view's rows do; a row counts in the
    /// hour its START_TIME falls in, as `report` counts it), without a reconciliation and without holding the rows.
    /// Per-hour work is in integer nano-credits; an hour's credits above the window (business hours) are taken in
    /// decimals only where there are some.
    /// - Parameters:
    ///   - pool: the pool's name.
    ///   - computePool: the pool (MIN_NODES); nil = 1 node.
    ///   - from: the first day, in `zone`; `through`: the last, inclusive.
    ///   - hours: `values[i]` is the nano-credits of the hour starting at `firstHour + i × 3600` (UTC epoch seconds),
    ///     `Int64.min` where no row; it must cover the period.
    ///   - policies: always-on, business-hours and family policies; an auto-suspend policy needs the reconciliation's
    ///     causes (use ``reprice(_:records:zone:policy:lifetime:rateInForce:)``) and gets no result here.
    ///   - lifetime: when the pool existed (as for the records).
    ///   - rateInForce: the rate of the pool's family on a day.
    /// - Returns: one result per policy, in the order of `policies` (auto-suspend left out).
    /// - Throws: ``ArithmeticLimitError`` when a day's credits do not sum in 64 bits.
    public static func reprice(pool: String, computePool: ComputePool?, from: CivilDate, through: CivilDate,
                               hours: (firstHour: Int64, values: [Int64]), zone: TimeZone, policies: [WhatIfPolicy],
                               lifetime: PoolLifetime = .unbounded,
                               rateInForce: (CivilDate) -> Decimal) throws -> [WhatIfResult] {
        let dates = (0...from.days(to: through)).map { from.adding(days: $0) }
        let minNodes = computePool?.minNodes ?? 1
        let dayStarts = WhatIfMemo.current.dayStarts(zone, from: from, through: through.adding(days: 1))
        let rates = dates.map(rateInForce)
        // In nano-credits (a Decimal product each): converted once per run of days at the same rate.
        var ratesNano: [Int64?] = []
        ratesNano.reserveCapacity(rates.count)
        for (i, r) in rates.enumerated() {
            ratesNano.append(i > 0 && rates[i - 1] == r ? ratesNano[i - 1] : NanoCredits(exactly: r)?.value)
        }
        let firstUTC = Int(floorDiv(dayStarts[0], 86_400))
        // Per local day d and UTC day u: sum at d × width + (u − firstUTC − d + 1); a local day spans at most 3 UTC days
        // from the day before its date (zones east of UTC) to the day after (west).
        let width = 3
        var sums = [Int64](repeating: .min, count: dates.count * width)
        let windows: [(BusinessHours, [DateInterval])] = policies.compactMap {
            guard case let .businessHours(w) = $0 else { return nil }
            return (w, WhatIfMemo.current.intervals(w, from: from.adding(days: -1), through: through.adding(days: 1)))
        }
        var extra = windows.map { _ in [CivilDate: [Int: DecimalSum]]() }
        // An hour's credits above the window, by its nano-credits, seconds in the window and day's rate: the same
        // few values recur all year (a pool's hours take a few hundred values), and each is five Decimal operations;
        // memoised where the rate is a 9-decimal one (every rate card's), which names it exactly, in the thread's memo
        // (pools of one family and MIN_NODES share them).
        let memo = WhatIfMemo.current
        var next = windows.map { _ in 0 }
        var day = 0
        let first = Int((dayStarts[0] - hours.firstHour) / 3600) - 1
        for i in min(max(0, first), hours.values.count)..<hours.values.count {
            let nano = hours.values[i]
            guard nano != .min else { continue }
            let start = hours.firstHour + Int64(i) * 3600
            guard start >= dayStarts[0] else { continue }
            while day < dates.count, start >= dayStarts[day + 1] { day += 1 }
            guard day < dates.count else { break }
            let utcDay = Int(floorDiv(start, 86_400))
            let slot = day * width + (utcDay - firstUTC - day + 1)
            guard (0..<width).contains(slot - day * width) else { continue }
            sums[slot] = try ExactInt64.add(sums[slot] == .min ? 0 : sums[slot], nano,
                                            "the metered credits of pool \(pool) on \(dates[day])")
            for k in windows.indices {
                // Seconds of the hour inside the window, summed over the window's intervals it meets.
                let intervals = windows[k].1
                while next[k] < intervals.count, intervals[next[k]].end.timeIntervalSince1970 <= Double(start) { next[k] += 1 }
                let hour = DateInterval(start: Date(timeIntervalSince1970: TimeInterval(start)), duration: 3600)
                var inWindow: TimeInterval = 0
                var j = next[k]
                while j < intervals.count, intervals[j].start < hour.end {
                    inWindow += hour.overlapSeconds(with: intervals[j])
                    j += 1
                }
                guard inWindow > 0 else { continue }
                let seconds = Int(inWindow)
                if let r = ratesNano[day] {
                    // Exact test in integers: credits × 3600 against MIN_NODES × seconds × rate (nano-credit-seconds).
                    let above = nano.multipliedReportingOverflow(by: 3600)
                    let base = (Int64(minNodes) * Int64(seconds)).multipliedReportingOverflow(by: r)
                    if !above.overflow, !base.overflow {
                        if above.partialValue < base.partialValue { continue }
                        // Equal: no extra, unless decimal division rounds (a window second count not a multiple of 9).
                        if above.partialValue == base.partialValue, (Int64(minNodes) * Int64(seconds)) % 9 == 0 { continue }
                    }
                }
                let make = {
                    extraCredits(NanoCredits(nano).credits, rate: rates[day], minNodes: Decimal(minNodes),
                                 secondsInWindow: seconds)
                }
                let e = ratesNano[day].map {
                    memo.extra(ExtraKey(nano: nano, seconds: seconds, rateNano: $0, minNodes: minNodes), make: make)
                } ?? make()
                if let e { extra[k][dates[day], default: [:]][utcDay, default: DecimalSum()].add(e) }
            }
        }
        var metered: [CivilDate: [Int: Decimal]] = [:]
        for d in dates.indices {
            var parts: [Int: Decimal] = [:]
            for s in 0..<width where sums[d * width + s] != .min {
                parts[firstUTC + d + s - 1] = NanoCredits(sums[d * width + s]).credits
            }
            if !parts.isEmpty { metered[dates[d]] = parts }
        }
        let rateOf = Dictionary(uniqueKeysWithValues: zip(dates, rates))
        let spans = dates.indices.map {
            DateInterval(start: Date(timeIntervalSince1970: TimeInterval(dayStarts[$0])),
                         end: Date(timeIntervalSince1970: TimeInterval(dayStarts[$0 + 1])))
        }
        var results: [WhatIfResult] = []
        var k = 0
        for policy in policies {
            if case .autoSuspend = policy { continue }
            var inWindow: [CivilDate: [Int: Decimal]] = [:]
            if case .businessHours = policy { inWindow = extra[k].mapValues { $0.mapValues(\.value) }; k += 1 }
            results.append(reprice(pool: pool, computePool: computePool, dates: dates, zone: zone, policy: policy,
                                   lifetime: lifetime, rateInForce: { rateOf[$0] ?? rateInForce($0) }, metered: metered,
                                   extraInWindow: inWindow, meteredNodeHours: nil, spans: spans))
        }
        return results
    }

    /// The days of a re-priced pool from its metered credits per local and UTC day and, for business hours, the
    /// credits above MIN_NODES inside the window; `meteredNodeHours` (per date, the reconciliation's) is what an
    /// auto-suspend policy reads.
    static func reprice(pool name: String, computePool pool: ComputePool?, dates: [CivilDate], zone: TimeZone,
                        policy: WhatIfPolicy, lifetime: PoolLifetime, rateInForce: (CivilDate) -> Decimal,
                        metered: [CivilDate: [Int: Decimal]], extraInWindow extraByDay: [CivilDate: [Int: Decimal]],
                        meteredNodeHours: [[VarianceCause: Decimal]]?, spans: [DateInterval]? = nil) -> WhatIfResult {
        let minNodes = Decimal(pool?.minNodes ?? 1)
        let nodes = Int64(pool?.minNodes ?? 1)
        let spans = spans ?? dates.map { $0.interval(in: zone) }
        var lastRate: (rate: Decimal, nano: Int64?)?
        /// `rate` in nano-credits when it has at most 9 decimals (every rate card's do).
        func nano(_ rate: Decimal) -> Int64? {
            if let l = lastRate, l.rate == rate { return l.nano }
            let n = NanoCredits(exactly: rate)?.value
            lastRate = (rate, n)
            return n
        }
        let utc = TimeZone(identifier: "UTC")!
        var days: [WhatIfResult.Day] = []
        days.reserveCapacity(dates.count)
        let first = dates.first!, last = dates.last!
        /// A local day's first UTC day.
        func firstUTCDay(_ d: CivilDate) -> Int { CivilDate.of(d.startInstant(in: zone), in: utc).daysSinceEpoch }
        /// Node-hours × rate of `spans` (clipped to the lifetime) per UTC day.
        func lifetimeParts(_ spans: [DateInterval], rate: Decimal) -> [Int: DecimalSum] {
            var out: [Int: DecimalSum] = [:]
            for s in lifetime.clip(spans) {
                var start = s.start
                while start < s.end {
                    let day = Int((start.timeIntervalSince1970 / 86_400).rounded(.down))
                    let end = min(Date(timeIntervalSince1970: TimeInterval((day + 1) * 86_400)), s.end)
                    let seconds = Int(end.timeIntervalSince(start))
                    let nodeSeconds = nodes * Int64(seconds)
                    if nodeSeconds % 3600 == 0, let r = nano(rate),
                       case let (v, false) = (nodeSeconds / 3600).multipliedReportingOverflow(by: r) {
                        // Whole node-hours × a 9-decimal rate: exact in nano-credits, the same value as below.
                        out[day, default: DecimalSum()].add(NanoCredits(v).credits)
                    } else {
                        out[day, default: DecimalSum()].add(minNodes * Decimal(seconds) / 3600 * rate)
                    }
                    start = end
                }
            }
            return out
        }
        switch policy {
        case let .businessHours(window):
            let intervals = WhatIfMemo.current.intervals(window, from: first.adding(days: -1), through: last.adding(days: 1))
            var next = 0
            for (i, d) in dates.enumerated() {
                let span = spans[i]
                while next < intervals.count, intervals[next].end <= span.start { next += 1 }
                var inDay: [DateInterval] = []
                var j = next
                while j < intervals.count, intervals[j].start < span.end {
                    let a = max(intervals[j].start, span.start), b = min(intervals[j].end, span.end)
                    if b > a { inDay.append(DateInterval(start: a, end: b)) }
                    j += 1
                }
                // The day's node-hours in the window, then the credits above them (each part a sum of its own first).
                var parts = lifetimeParts(inDay, rate: rateInForce(d))
                for (k, v) in extraByDay[d] ?? [:] { parts[k, default: DecimalSum()].add(v) }
                days.append(.init(date: d, meteredParts: metered[d] ?? [:], policyParts: parts.mapValues(\.value)))
            }
        case .alwaysOn:
            for (i, d) in dates.enumerated() {
                days.append(.init(date: d, meteredParts: metered[d] ?? [:],
                                  policyParts: lifetimeParts([spans[i]], rate: rateInForce(d)).mapValues(\.value)))
            }
        case let .autoSuspend(seconds):
            let old = Decimal(pool?.autoSuspendSeconds ?? 0)
            for (i, d) in dates.enumerated() {
                let nodeHours = meteredNodeHours?[i] ?? [:]
                let tailHours = nodeHours[.autoSuspendTail] ?? 0
                var parts = metered[d] ?? [:]
                if tailHours > 0, old > 0 {
                    // Tails of the old length: how many, and what they become (the change priced at the day's
                    // first UTC day).
                    let tails = tailHours * 3600 / (old * minNodes)
                    let newHours: Decimal = seconds == 0
                        ? Decimal(Int(d.interval(in: zone).duration)) / 3600 * minNodes
                            - ((nodeHours[.scheduled] ?? 0) + (nodeHours[.offHoursResume] ?? 0))
                        : tails * Decimal(seconds) * minNodes / 3600
                    let delta = (max(0, newHours) - tailHours) * rateInForce(d)
                    let total = parts.valuesInKeyOrder.reduce(0, +)
                    // Never below zero credits in the day.
                    parts[firstUTCDay(d), default: 0] += max(delta, -total)
                }
                days.append(.init(date: d, meteredParts: metered[d] ?? [:], policyParts: parts))
            }
        case let .family(_, rate):
            for d in dates {
                let parts = (metered[d] ?? [:]).mapValues { $0 / rateInForce(d) * rate }
                days.append(.init(date: d, meteredParts: metered[d] ?? [:], policyParts: parts))
            }
        }
        var result = WhatIfResult(pool: name, policy: policy, days: days)
        result.lifetime = lifetime
        return result
    }
}

/// The tasks a business-hours policy needs, and what they cost: a schedule is run by tasks, one resuming the pool at
/// each window's start and one suspending it at its end, and those tasks bill credits of their own (README
/// "whatif"). Priced as `estimate` prices a pools file's tasks (``PlanEstimator``, ``TaskWarehouseRange``):
/// - on a warehouse: each run resumes it and bills the 60 s minimum (counted in the policy's credits); an otherwise
///   idle warehouse stays up until its AUTO_SUSPEND (SHOW WAREHOUSES' value as last pulled when known, else 600 s,
///   the CREATE WAREHOUSE default), the range's high end;
/// - serverless: each run's assumed seconds × the size's credits per hour × 0.9 (Table 5), no minimum; low = high.
public struct WhatIfTasks: Sendable, Hashable {
    /// Task runs in the period: a resume at each window start and a suspend at each window end inside the period
    /// and the pool's lifetime.
    public var runs: Int
    /// Where the tasks run: the pools file's first task's compute, else an X-Small warehouse (assumed).
    public var compute: TaskCompute
    /// True when `compute` comes from the pools file's tasks of the pool; false when assumed.
    public var fromPoolsFile: Bool
    /// The warehouse's AUTO_SUSPEND in seconds behind ``highCredits`` (for serverless tasks, unused).
    public var autoSuspendSeconds: Int = TaskWarehouseAttribution.defaultTailSeconds
    /// True when ``autoSuspendSeconds`` is the warehouse's own (SHOW WAREHOUSES as pulled); false when assumed.
    public var autoSuspendPulled = false
    /// Credits counted in the policy's credits: the 60 s minimum per warehouse run, or the serverless price.
    public var credits: Decimal
    /// Credits at most: each warehouse run keeping an idle warehouse up until its AUTO_SUSPEND; = `credits` for
    /// serverless tasks.
    public var highCredits: Decimal
    /// `credits` by UTC day (days since 1970-01-01) of each run: what the ledger prices.
    public var parts: [Int: Decimal]
    /// `credits` and their cost; nil until priced (``WhatIfResult/price(rates:meteredFrom:account:)``).
    public var cost: ChargeSum?

    /// Credits of one run: `(low, high)`.
    static func perRun(_ compute: TaskCompute, autoSuspendSeconds: Int = TaskWarehouseAttribution.defaultTailSeconds)
        -> (low: Decimal, high: Decimal) {
        switch compute {
        case let .warehouse(_, size):
            let range = TaskWarehouseRange(runs: 1, creditsPerHour: size.creditsPerHour, autoSuspendSeconds: autoSuspendSeconds)
            return (range.lowCredits, range.highCredits)
        case let .serverless(size, runSeconds):
            let c = Decimal(runSeconds) * size.creditsPerHour * TaskCompute.serverlessMultiplier / 3600
            return (c, c)
        }
    }

    /// The tasks in words, for the policy's assumptions: what runs, where, and what each run is counted at.
    public var assumption: String {
        let runsText = "\(runs) task run\(runs == 1 ? "" : "s") (a resume at each window start, a suspend at each end)"
        switch compute {
        case let .warehouse(name, size):
            let where_ = (name.map { "warehouse \($0) " } ?? "a warehouse ") + "(\(size.displayName)"
                + (fromPoolsFile ? ", the pools file's tasks)" : ", assumed: the pools file names no task)")
            return "\(runsText) on \(where_) cost \(ExactDecimal.text(PlanEstimator.roundedForText(credits))) credits "
                + "at the 60 s minimum per resume of the warehouse, counted in the policy's credits, and up to "
                + "\(ExactDecimal.text(PlanEstimator.roundedForText(highCredits))) credits if each run keeps an "
                + "otherwise idle warehouse up until its AUTO_SUSPEND ("
                + (autoSuspendPulled ? "\(autoSuspendSeconds) s, SHOW WAREHOUSES as last pulled)."
                    : "assumed \(autoSuspendSeconds) s, the CREATE WAREHOUSE default; pull SHOW WAREHOUSES for its own).")
        case let .serverless(size, seconds):
            return "\(runsText) as serverless tasks (\(size.displayName), \(seconds) s a run assumed, × "
                + "\(ExactDecimal.text(TaskCompute.serverlessMultiplier)); "
                + (fromPoolsFile ? "the pools file's tasks" : "assumed") + ") cost "
                + "\(ExactDecimal.text(PlanEstimator.roundedForText(credits))) credits, counted in the policy's credits."
        }
    }
}

extension WhatIfResult {
    /// Adds the tasks a business-hours policy needs to its credits (``WhatIfTasks``): each run's credits join the
    /// policy's credits of the local day (in `zone`) and UTC day the run falls on; no tasks when no run falls in the
    /// period and the pool's lifetime. Other policies are left as they
    /// are (always on needs no task; auto-suspend and family keep the metered schedule, whose tasks are metered).
    /// - Parameters:
    ///   - compute: where the tasks run.
    ///   - fromPoolsFile: whether `compute` is the pools file's (else assumed).
    ///   - zone: the zone of the result's days.
    ///   - autoSuspendSeconds: the warehouse's AUTO_SUSPEND as pulled (SHOW WAREHOUSES); nil = not known, 600 s assumed.
    public mutating func addScheduleTasks(_ compute: TaskCompute, fromPoolsFile: Bool, zone: TimeZone,
                                          autoSuspendSeconds: Int? = nil) {
        guard case let .businessHours(window) = policy, let first = days.first?.date, let last = days.last?.date else {
            return
        }
        let memo = WhatIfMemo.current
        let starts = memo.dayStarts(zone, from: first, through: last.adding(days: 1))
        let start = Date(timeIntervalSince1970: TimeInterval(starts[0]))
        let end = Date(timeIntervalSince1970: TimeInterval(starts[starts.count - 1]))
        let unclipped = memo.intervals(window, from: first.adding(days: -1), through: last.adding(days: 1))
        let intervals = lifetime.clip(unclipped)
        // The local date of the window's ends in `zone`, found once for every pool of the zone (an end the lifetime
        // clipped is looked up on its own).
        let localDate = memo.localDates(of: unclipped, window: window, from: first.adding(days: -1),
                                        through: last.adding(days: 1), zone: zone)
        let suspend = autoSuspendSeconds ?? TaskWarehouseAttribution.defaultTailSeconds
        let (low, high) = WhatIfTasks.perRun(compute, autoSuspendSeconds: suspend)
        // The days are consecutive (every result's are): a date's index is its distance from the first.
        let consecutive = days.indices.allSatisfy { days[$0].date == first.adding(days: $0) }
        let index = consecutive ? [:] : Dictionary(uniqueKeysWithValues: days.enumerated().map { ($1.date, $0) })
        var tasks = WhatIfTasks(runs: 0, compute: compute, fromPoolsFile: fromPoolsFile, credits: 0, highCredits: 0,
                                parts: [:])
        tasks.autoSuspendSeconds = suspend
        tasks.autoSuspendPulled = autoSuspendSeconds != nil
        var runsOn: [Int: Int] = [:]
        for i in intervals {
            for instant in [i.start, i.end] where instant >= start && instant < end {
                let date = localDate[instant] ?? CivilDate.of(instant, in: zone)
                let d: Int
                if consecutive {
                    let k = first.days(to: date)
                    guard days.indices.contains(k) else { continue }
                    d = k
                } else {
                    guard let k = index[date] else { continue }
                    d = k
                }
                // The UTC day: CivilDate.of(instant, in: UTC).daysSinceEpoch.
                let utcDay = Int(floorDiv(Int64(floor(instant.timeIntervalSince1970)), 86_400))
                // Each `+=` of Decimal's, memoised by its operands (the same sums recur across days and pools).
                days[d].policyParts[utcDay] = memo.sum(days[d].policyParts[utcDay] ?? 0, low)
                days[d].policyCredits = memo.sum(days[d].policyCredits, low)
                runsOn[utcDay, default: 0] += 1
                tasks.runs += 1
            }
        }
        // Sums of runs alone: k runs are 0 + low + … + low (k additions, in order), the same for every pool.
        let lows = memo.repeatedSums(of: low, upTo: tasks.runs)
        for (day, k) in runsOn { tasks.parts[day] = lows[k] }
        tasks.credits = lows[tasks.runs]
        tasks.highCredits = memo.repeatedSums(of: high, upTo: tasks.runs)[tasks.runs]
        // A pool that never existed in the window (no run) has no tasks to pay for.
        if tasks.runs > 0 { self.tasks = tasks }
    }
}

/// What the re-pricing of every pool asks again with the same arguments, made once per thread (``current``): a
/// business-hours window's intervals over the run's days, a zone's day starts, and the local dates of the window's
/// ends in a zone (a year of 1,000 pools under one window asked for the same intervals 3,000 times, each hundreds of
/// time-zone look-ups), and Decimal sums and charges of 38 digits that recur across pools. The values are those of
/// ``BusinessHours/intervals(from:through:)``, ``CivilDate/startInstant(in:)``, ``CivilDate/of(_:in:)`` and
/// Decimal's own arithmetic; each table is emptied when it passes its bound.
final class WhatIfMemo: @unchecked Sendable {
    /// The calling thread's memo: the pools are re-priced on several threads, and one memo behind one lock would
    /// have them wait for each other on every sum. Each thread's lives as long as the thread.
    static var current: WhatIfMemo {
        let key = "spcs-cost.WhatIfMemo"
        let local = Thread.current.threadDictionary
        if let memo = local[key] as? WhatIfMemo { return memo }
        let memo = WhatIfMemo()
        local[key] = memo
        return memo
    }

    private struct Days: Hashable {
        var from: CivilDate
        var through: CivilDate
    }
    private let lock = NSLock()
    private var intervalsMemo: [BusinessHours: [Days: [DateInterval]]] = [:]
    private var startsMemo: [TimeZone: [Days: [Int64]]] = [:]
    private var datesMemo: [BusinessHours: [TimeZone: [Days: [Date: CivilDate]]]] = [:]
    /// Entries kept at most per kind (a run asks for a few; tests for more): the memo is emptied past it.
    private let limit = 64

    private func cached<K: Hashable, V>(_ table: ReferenceWritableKeyPath<WhatIfMemo, [K: [Days: V]]>, _ key: K,
                                        _ days: Days, make: () -> V) -> V {
        lock.lock()
        if let v = self[keyPath: table][key]?[days] { lock.unlock(); return v }
        lock.unlock()
        let v = make()
        lock.lock()
        if self[keyPath: table].count >= limit { self[keyPath: table] = [:] }
        self[keyPath: table][key, default: [:]][days] = v
        lock.unlock()
        return v
    }

    /// A Decimal by its exact representation (its 20 bytes: exponent, length, sign, words).
    private struct Bytes: Hashable {
        var a: UInt64, b: UInt64, c: UInt32

        init?(_ d: Decimal) {
            guard MemoryLayout<Decimal>.size == 20 else { return nil }
            (a, b, c) = withUnsafeBytes(of: d) {
                ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 $0.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
            }
        }
    }
    /// Two Decimals by their exact representation.
    private struct Operands: Hashable {
        var a: Bytes, b: Bytes

        init?(_ a: Decimal, _ b: Decimal) {
            guard let a = Bytes(a), let b = Bytes(b) else { return nil }
            (self.a, self.b) = (a, b)
        }
    }
    /// Credits, a price and an FX rate by their exact representation.
    private struct ChargeKey: Hashable {
        var credits: Bytes, price: Bytes, fx: Bytes
    }
    private var sumsMemo: [Operands: Decimal] = [:]
    private var chargesMemo: [ChargeKey: (quantity: Decimal, amount: Decimal)] = [:]

    /// A day's one part of `credits` at `price` and `fx` as ``WhatIfResult``'s ledger charge sums it (`make`),
    /// kept by the three operands' exact representation.
    func charge(_ credits: Decimal, _ price: Decimal, _ fx: Decimal,
                make: () -> (quantity: Decimal, amount: Decimal)) -> (quantity: Decimal, amount: Decimal) {
        guard let c = Bytes(credits), let p = Bytes(price), let f = Bytes(fx) else { return make() }
        return lookUp(\.chargesMemo, ChargeKey(credits: c, price: p, fx: f), bound: 1 << 18, make: make)
    }

    /// `table[key]`, else `make()` kept there (the table emptied first when it holds `bound` entries).
    private func lookUp<K: Hashable, V>(_ table: ReferenceWritableKeyPath<WhatIfMemo, [K: V]>, _ key: K, bound: Int,
                                        make: () -> V) -> V {
        lock.lock()
        if let v = self[keyPath: table][key] { lock.unlock(); return v }
        lock.unlock()
        let v = make()
        lock.lock()
        if self[keyPath: table].count >= bound { self[keyPath: table] = [:] }
        self[keyPath: table][key] = v
        lock.unlock()
        return v
    }

    /// The parts of a sum of charges, in order, by their exact representation, and the currency it is in.
    private struct ChargeSumKey: Hashable {
        var parts: [ChargeKey]
        var currency: String
    }
    private var chargeSumsMemo: [ChargeSumKey: ChargeSum] = [:]
    private var dayChargesMemo: [ChargeSumKey: ChargeSum] = [:]

    /// A day's charge of credits over several UTC days (`make`: the ledger's sums of each part's credits and of
    /// credits × price × FX, in day order), kept by every part's operands in order and the currency.
    func dayCharge(_ parts: [(credits: Decimal, price: Decimal, fx: Decimal)], currency: Currency,
                   make: () -> ChargeSum) -> ChargeSum {
        memoised(\.dayChargesMemo, parts, currency: currency, make: make)
    }

    /// `make()` kept in `table` by the exact representation of `parts` and `currency` (not kept when a part has no
    /// 20-byte representation).
    private func memoised(_ table: ReferenceWritableKeyPath<WhatIfMemo, [ChargeSumKey: ChargeSum]>,
                          _ parts: [(credits: Decimal, price: Decimal, fx: Decimal)], currency: Currency,
                          make: () -> ChargeSum) -> ChargeSum {
        var keys: [ChargeKey] = []
        keys.reserveCapacity(parts.count)
        for p in parts {
            guard let c = Bytes(p.credits), let r = Bytes(p.price), let f = Bytes(p.fx) else { return make() }
            keys.append(ChargeKey(credits: c, price: r, fx: f))
        }
        return lookUp(table, ChargeSumKey(parts: keys, currency: currency.code), bound: limit * 64, make: make)
    }

    /// A sum of ledger charges (`make`: ``ChargeSum/zero(_:)`` plus each part's charge, in order), kept by every
    /// part's credits, price and FX rate in order and the currency: a schedule's task runs at the same prices recur
    /// across the pools of a zone. `make` must not fail (the caller looks every part's rate up before: ``DayRates``
    /// keeps them, so pricing the parts again finds them).
    func chargeSum(_ parts: [(credits: Decimal, price: Decimal, fx: Decimal)], currency: Currency,
                   make: () -> ChargeSum) -> ChargeSum {
        memoised(\.chargeSumsMemo, parts, currency: currency, make: make)
    }

    private var extrasMemo: [WhatIf.ExtraKey: Decimal?] = [:]

    /// An hour's credits above a business-hours window (`make`: ``WhatIf/extraCredits(_:rate:minNodes:secondsInWindow:)``),
    /// kept by what it depends on (nil: none above).
    func extra(_ key: WhatIf.ExtraKey, make: () -> Decimal?) -> Decimal? {
        lookUp(\.extrasMemo, key, bound: 1 << 18, make: make)
    }

    private var repeatedMemo: [Bytes: [Decimal]] = [:]

    /// `[0, x, x + x, …]` through `count` additions of `x`, each Decimal's own `+` of the one before and `x`:
    /// kept by `x`'s exact representation and grown as longer runs are asked for.
    func repeatedSums(of x: Decimal, upTo count: Int) -> [Decimal] {
        let key = Bytes(x)
        lock.lock()
        if let key, let known = repeatedMemo[key], known.count > count { lock.unlock(); return known }
        lock.unlock()
        var sums: [Decimal] = [0]
        sums.reserveCapacity(count + 1)
        for _ in 0..<count { sums.append(sums[sums.count - 1] + x) }
        guard let key else { return sums }
        lock.lock()
        if repeatedMemo.count >= limit { repeatedMemo = [:] }
        repeatedMemo[key] = sums
        lock.unlock()
        return sums
    }

    /// `a + b`, Decimal's own sum, kept by the operands' exact representation: a schedule task's 1/60 of a credit
    /// makes sums of 38 digits, each a slow Decimal addition, and the same ones recur across days and pools.
    func sum(_ a: Decimal, _ b: Decimal) -> Decimal {
        guard let key = Operands(a, b) else { return a + b }
        return lookUp(\.sumsMemo, key, bound: 1 << 18) { a + b }
    }

    /// ``BusinessHours/intervals(from:through:)`` of `window`.
    func intervals(_ window: BusinessHours, from: CivilDate, through: CivilDate) -> [DateInterval] {
        cached(\.intervalsMemo, window, Days(from: from, through: through)) { window.intervals(from: from, through: through) }
    }

    /// The start of each date from `from` through `through` in `zone` (``CivilDate/startInstant(in:)``), in epoch
    /// seconds: `through` − `from` + 1 values.
    func dayStarts(_ zone: TimeZone, from: CivilDate, through: CivilDate) -> [Int64] {
        cached(\.startsMemo, zone, Days(from: from, through: through)) {
            (0...from.days(to: through)).map { Int64(from.adding(days: $0).startInstant(in: zone).timeIntervalSince1970) }
        }
    }

    /// The date in `zone` of every start and end of `intervals` (those of `window` from `from` through `through`).
    func localDates(of intervals: [DateInterval], window: BusinessHours, from: CivilDate, through: CivilDate,
                    zone: TimeZone) -> [Date: CivilDate] {
        let days = Days(from: from, through: through)
        lock.lock()
        if let v = datesMemo[window]?[zone]?[days] { lock.unlock(); return v }
        lock.unlock()
        var v: [Date: CivilDate] = [:]
        for i in intervals {
            v[i.start] = CivilDate.of(i.start, in: zone)
            v[i.end] = CivilDate.of(i.end, in: zone)
        }
        lock.lock()
        if datesMemo.count >= limit { datesMemo = [:] }
        datesMemo[window, default: [:]][zone, default: [:]][days] = v
        lock.unlock()
        return v
    }
}
