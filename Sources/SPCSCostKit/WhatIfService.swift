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

    /// Re-prices every pool of the reconciliation under each policy.
    public func reprice(_ reconciled: ReconcileResult, pools: PoolsFile, policies: [WhatIfPolicy], zone: TimeZone?,
                        cache: UsageCache) throws -> [WhatIfResult] {
        let start = reconciled.from.adding(days: -1).startInstant(in: TimeZone(identifier: "UTC")!)
        let end = reconciled.to.adding(days: 2).startInstant(in: TimeZone(identifier: "UTC")!)
        let rows = Dictionary(grouping: try cache.records(from: start, to: end), by: \.computePoolName)
        let service = ReconcileService(env: env)
        var out: [WhatIfResult] = []
        for policy in policies {
            for r in reconciled.pools {
                guard let plan = r.plan else { continue }
                let entry = pools.pools.first { $0.plan.pool.name == r.pool }
                let rate = service.rateInForce(family: plan.pool.family, pinned: entry?.rateCardID, fallback: r.estimateRate)
                out.append(WhatIf.reprice(r, records: rows[r.pool] ?? [], zone: zone ?? plan.zone, policy: policy,
                                          rateInForce: rate))
            }
        }
        return out
    }
}
