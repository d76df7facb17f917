import Foundation
import SPCSCostCore
import SPCSCostStore

/// Re-prices the metered history of every pool of a pools file under policies (`spcs-cost whatif`).
public struct WhatIfService: Sendable {
    /// The environment.
    public let env: Environment

    /// Creates the service.
    public init(env: Environment) { self.env = env }

    /// Parses a policy: `always-on`, `business-hours=10:00-19:00,MON-FRI,Asia/Tokyo`, `auto-suspend=600`,
    /// `family=CPU_X64_S` (its rate from `card`).
    /// - Throws: ``EstimateError/invalidOption(flag:value:fix:)`` naming the fix; ``PricingError`` for a family
    ///   the card lacks.
    public func parsePolicy(_ text: String, card: RateCard) throws -> WhatIfPolicy {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let name = parts[0].lowercased()
        let value = parts.count > 1 ? parts[1] : ""
        func bad(_ fix: String) -> EstimateError { .invalidOption(flag: "--policy", value: text, fix: fix) }
        switch name {
        case "always-on":
            return .alwaysOn
        case "auto-suspend":
            guard let s = Int(value), s >= 0 else { throw bad("needs seconds: auto-suspend=600 (0 = never)") }
            return .autoSuspend(seconds: s)
        case "family":
            guard let f = InstanceFamily(value) else { throw bad("needs a family: family=CPU_X64_S") }
            return .family(f, creditsPerNodeHour: try env.catalog.rate(of: f, on: card).creditsPerNodeHour)
        case "business-hours":
            let p = value.split(separator: ",").map(String.init)
            let fix = "must be business-hours=HH:MM-HH:MM,WEEKDAYS,ZONE, for example business-hours=10:00-19:00,MON-FRI,Asia/Tokyo"
            guard p.count == 3, let zone = TimeZone(identifier: p[2]), p[2].contains("/") || p[2] == "UTC" else { throw bad(fix) }
            let ends = p[0].split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
            guard ends.count == 2, ends.allSatisfy({ $0.count == 2 }) else { throw bad(fix) }
            let start = ends[0][0] * 3600 + ends[0][1] * 60
            let end = ends[1][0] * 3600 + ends[1][1] * 60
            guard start < end, end <= 86_400 else { throw bad(fix) }
            let daySpec = p[1].split(separator: "-").compactMap { Weekday(name: String($0)) }
            guard (1...2).contains(daySpec.count), daySpec.first! <= daySpec.last! else { throw bad(fix) }
            let days = Set((daySpec.first!.rawValue...daySpec.last!.rawValue).map { Weekday(rawValue: $0)! })
            return .businessHours(BusinessHours(startSecondOfDay: start, endSecondOfDay: end, weekdays: days, zone: zone))
        default:
            throw bad("is not a policy; use always-on, business-hours=..., auto-suspend=SECONDS or family=FAMILY")
        }
    }

    /// Re-prices every pool of the reconciliation under each policy, counting only the time each pool existed
    /// (``PoolLifetimes``, as `report` counts it).
    /// - Parameter price: how to price the credits through the ledger (the shared price order); nil = credits only.
    /// - Returns: the results in policy, then pool order, with the prices used.
    /// - Throws: ``StoreError``, and when priced as ``LedgerPricing/make(_:catalog:cache:period:warnings:)``.
    public func reprice(_ reconciled: ReconcileResult, pools: PoolsFile, policies: [WhatIfPolicy], zone: TimeZone?,
                        cache: UsageCache, price: PriceSettings? = nil) throws -> WhatIfRun {
        let utc = TimeZone(identifier: "UTC")!
        let start = reconciled.from.adding(days: -1).startInstant(in: utc)
        let end = reconciled.to.adding(days: 2).startInstant(in: utc)
        let rows = Dictionary(grouping: try cache.records(from: start, to: end), by: \.computePoolName)
        let service = ReconcileService(env: env)
        var lifetimes = try PoolLifetimes(cache: cache)
        var run = WhatIfRun(results: [], currency: nil, priceRuns: [], warnings: [])
        var lifetimeOf: [String: PoolLifetime] = [:]
        for r in reconciled.pools {
            guard let plan = r.plan else { continue }
            let z = zone ?? plan.zone
            let a = reconciled.from.startInstant(in: z), b = reconciled.to.adding(days: 1).startInstant(in: z)
            let metered = (rows[r.pool] ?? []).contains { $0.startTime >= a && $0.startTime < b }
            lifetimeOf[r.pool] = try lifetimes.lifetime(of: r.pool, planned: pools.pools.first { $0.plan.pool.name == r.pool },
                                                        metered: metered)
        }
        if let w = lifetimes.assumedWarning { run.warnings.append(w) }
        for policy in policies {
            for r in reconciled.pools {
                guard let plan = r.plan else { continue }
                let entry = pools.pools.first { $0.plan.pool.name == r.pool }
                let rate = service.rateInForce(family: plan.pool.family, pinned: entry?.rateCardID, fallback: r.estimateRate)
                run.results.append(WhatIf.reprice(r, records: rows[r.pool] ?? [], zone: zone ?? plan.zone, policy: policy,
                                                  lifetime: lifetimeOf[r.pool] ?? .unbounded, rateInForce: rate))
            }
        }
        if let price {
            let zones = reconciled.pools.compactMap { r in r.plan.map { zone ?? $0.zone } } + [zone ?? utc]
            let first = zones.map { CivilDate.of(reconciled.from.startInstant(in: $0), in: utc) }.min()!
            let last = zones.map { CivilDate.of(reconciled.to.adding(days: 1).startInstant(in: $0).addingTimeInterval(-1), in: utc) }.max()!
            let pricing = try LedgerPricing.make(price, catalog: env.catalog, cache: cache, period: first...last,
                                                 warnings: &run.warnings)
            var rates = try pricing.rates(for: first...last)
            for i in run.results.indices { try run.results[i].price(rates: &rates) }
            run.currency = pricing.currency
            run.priceRuns = rates.priceRuns
        }
        return run
    }
}

/// The what-if results of a run with the prices they were priced at.
public struct WhatIfRun: Sendable {
    /// Per policy and pool, in policy then pool order.
    public var results: [WhatIfResult]
    /// The presentation currency; nil when credits only.
    public var currency: Currency?
    /// The credit prices and FX per run of UTC days; empty when credits only.
    public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)]
    /// Notes for the reader (assumed lifetimes, price choices).
    public var warnings: [String]
}

extension WhatIfService {
    /// Re-prices every pool of the cache over `from...to` (days in `zone`) under `alwaysOn` and/or `businessHours`
    /// policies, in one pass over the cache's hourly series (no pools file needed: `shape` gives each pool's family
    /// and nodes). A business-hours window is read in `zone` (pass the window's own zone). Exact: per-hour work is in integer nano-credits scaled by 3600, converted to `Decimal` per day.
    /// - Parameters:
    ///   - shape: a pool's family and nodes; nil leaves the pool out.
    ///   - rate: credits per node-hour of a family (at most 9 decimals, as every rate card has).
    /// - Throws: ``EstimateError`` for an unsupported policy (auto-suspend and family policies need a pools file),
    ///   ``StoreError``.
    public func repriceCache(_ cache: UsageCache, from: CivilDate, to: CivilDate, zone: TimeZone,
                             policies: [WhatIfPolicy], shape: (String) -> PoolShape?,
                             rate: (InstanceFamily) throws -> Decimal) throws -> [WhatIfResult] {
        for p in policies {
            switch p {
            case .alwaysOn, .businessHours: continue
            default: throw EstimateError.invalidOption(flag: "--policy", value: p.label,
                                                       fix: "needs a pools file; use spcs-cost whatif --pools")
            }
        }
        let start = from.startInstant(in: zone)
        let end = to.adding(days: 1).startInstant(in: zone)
        if let window = policies.first(where: { if case .businessHours = $0 { true } else { false } }) {
            try GrainCheck.requireHours(cache, from: start, to: end, for: "whatif --policy \(window.label)")
        } else {
            try GrainCheck.requireUTCDaysOrHours(cache, zone: zone, from: start, to: end)
        }
        let segments = OffsetSegment.segments(of: zone, from: start, to: end)
        let firstDay = from.daysSinceEpoch
        let dayCount = from.days(to: to) + 1
        let daySeconds = (0..<dayCount).map { Int(from.adding(days: $0).interval(in: zone).duration) }
        // Per policy with a window: the window's seconds on each local day.
        let windows: [BusinessHours?] = policies.map { if case let .businessHours(b) = $0 { b } else { nil } }
        let windowSeconds: [[Int]] = windows.map { w in
            guard let w else { return [] }
            let intervals = w.intervals(from: from.adding(days: -1), through: to.adding(days: 1))
            return (0..<dayCount).map { d in
                let span = from.adding(days: d).interval(in: zone)
                return intervals.reduce(0) { $0 + Int(span.overlapSeconds(with: $1)) }
            }
        }
        var results: [WhatIfResult] = []
        var current: String?
        var metered = [Int64](repeating: 0, count: dayCount)
        var extra: [[Int64]] = []           // per policy, per day: Σ max(0, credits×3600 − nodes×rate×overlap) in nano
        var rateNano: Int64 = 0
        var nodes: Int64 = 1

        /// Credits from nano-credits × 3600 (how per-hour work is kept exact): an integer division when it divides,
        /// as it does for whole-hour windows and days, else an exact decimal one.
        func credits(scaled x: Int64) -> Decimal {
            x % 3600 == 0 ? NanoCredits(x / 3600).credits : NanoCredits(x).credits / 3600
        }
        func flush() throws {
            guard let pool = current, shape(pool) != nil else { return }
            for (k, policy) in policies.enumerated() {
                var days: [WhatIfResult.Day] = []
                days.reserveCapacity(dayCount)
                for d in 0..<dayCount {
                    // Exact nano-credit-seconds; Int64 holds a day of the largest rows (UsageRecord.maximumCreditsUsed).
                    let what = "the credits of pool \(pool) on \(from.adding(days: d)) under \(policy)"
                    let seconds = Int64(policy == .alwaysOn ? daySeconds[d] : windowSeconds[k][d])
                    var scaled = try ExactInt64.multiply(try ExactInt64.multiply(nodes, seconds, what), rateNano, what)
                    if policy != .alwaysOn { scaled = try ExactInt64.add(scaled, extra[k][d], what) }
                    days.append(.init(date: from.adding(days: d), meteredCredits: NanoCredits(metered[d]).credits,
                                      policyCredits: credits(scaled: scaled)))
                }
                results.append(WhatIfResult(pool: pool, policy: policy, days: days))
            }
        }
        func begin(_ pool: String) throws {
            try flush()
            current = pool
            metered = [Int64](repeating: 0, count: dayCount)
            extra = policies.map { _ in [Int64](repeating: 0, count: dayCount) }
            if let s = shape(pool) {
                rateNano = NanoCredits.rounded(try rate(s.family)).value
                nodes = Int64(s.nodes)
            }
        }
        // Seconds of the window on each local day, by second of the day, for the O(1) test of an hour.
        let windowRanges: [(start: Int, end: Int, weekdays: Set<Weekday>)?] = windows.map { w in
            w.map { ($0.startSecondOfDay, $0.endSecondOfDay, $0.weekdays) }
        }
        try cache.forEachPoolSeries(from: start, to: end) { pool, firstHour, values in
            try begin(pool)
            var segment = 0
            for (i, nano) in values.enumerated() where nano != .min {
                let hourStart = firstHour + Int64(i) * 3600
                while segment < segments.count - 1, hourStart >= segments[segment].until { segment += 1 }
                let local = hourStart + Int64(segments[segment].offsetSeconds)
                let localDay = Int(local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
                let day = localDay - firstDay
                guard day >= 0, day < dayCount else { continue }
                metered[day] = try ExactInt64.add(metered[day], nano, "the metered credits of pool \(pool) on local day \(day + 1)")
                let second = Int(local - Int64(localDay) * 86_400)
                for k in windowRanges.indices {
                    guard let w = windowRanges[k], w.weekdays.contains(CivilDate(daysSinceEpoch: localDay).weekday) else { continue }
                    // Seconds of this hour inside the window (the window's zone is the report's).
                    let inside = max(0, min(second + 3600, w.end) - max(second, w.start))
                    guard inside > 0 else { continue }
                    let what = "the credits above the window of pool \(pool) on local day \(day + 1)"
                    let above = try ExactInt64.multiply(nano, 3600, what)
                        - (try ExactInt64.multiply(try ExactInt64.multiply(nodes, rateNano, what), Int64(inside), what))
                    if above > 0 { extra[k][day] = try ExactInt64.add(extra[k][day], above, what) }
                }
            }
        }
        try flush()
        return results
    }

}
