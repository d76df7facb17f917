import Foundation
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Reconciliation against data whose causes are known (Fixtures/emulator-sample: the emulator's generator output).
@Suite struct ReconcileTests {
    struct GroundTruth: Decodable {
        struct Pool: Decodable {
            let total_credits: String
            let daily_credits_utc: [String: String]
            let node_hours_by_cause: [String: String]
        }
        let pools: [String: Pool]
    }

    let env: Environment
    let cache: UsageCache
    let truth: GroundTruth
    let pools: PoolsFile

    init() throws {
        env = try testEnvironment()
        cache = try UsageCache(.memory)
        _ = try ImportService(env: env).importCSV(path: "Fixtures/emulator-sample/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv",
                                                  timeZone: nil, into: cache)
        truth = try JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: Repository.fixture("emulator-sample/ground_truth.json")))
        pools = try PoolsFile.parse(String(contentsOf: Repository.fixture("pools/emulator-sample-april-2024.toml"), encoding: .utf8),
                                    file: "emulator-sample-april-2024.toml")
    }

    func reconcile(zone: String) throws -> ReconcileResult {
        var o = ReconcileOptions(pools: pools, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!)
        o.timeZone = TimeZone(identifier: zone)!
        return try ReconcileService(env: env).reconcile(o, cache: cache)
    }

    @Test func meteredCreditsPerUTCDayEqualTheGroundTruthExactly() throws {
        let r = try reconcile(zone: "UTC")
        for p in r.pools {
            let t = try #require(truth.pools[p.pool])
            #expect(p.meteredCredits == Decimal(string: t.total_credits)!)
            for d in p.days {
                let expected = Decimal(string: t.daily_credits_utc[d.date.description] ?? "0")!
                #expect(d.meteredCredits == expected, "\(p.pool) \(d.date)")
            }
        }
    }

    /// Node-hours by cause against the ground truth. Tolerance: 0.01 node-hours, except where an hour holds two
    /// causes the hourly rows cannot separate (none in this data set).
    @Test func nodeHoursByCauseMatchTheGroundTruth() throws {
        let r = try reconcile(zone: "UTC")
        for p in r.pools {
            let t = try #require(truth.pools[p.pool])
            let ours = p.meteredNodeHours
            for (cause, hours) in t.node_hours_by_cause {
                let mine = ours[VarianceCause(rawValue: cause)!] ?? 0
                #expect(abs(mine - Decimal(string: hours)!) < Decimal(string: "0.01")!, "\(p.pool) \(cause): \(mine) vs \(hours)")
            }
        }
    }

    @Test func theTokyoPoolMatchesItsPlanExactly() throws {
        let r = try reconcile(zone: "Asia/Tokyo")
        let tokyo = try #require(r.pools.first { $0.pool == "TOKYO_XS_POOL" })
        // 22 × (9 h + 1 h tail) × 0.11 = 24.2 credits estimated and metered: no difference.
        #expect(tokyo.estimatedCredits == Decimal(string: "24.2")!)
        #expect(tokyo.meteredCredits == Decimal(string: "24.2")!)
        #expect(tokyo.meteredNodeHours[.scheduled] == 198 && tokyo.meteredNodeHours[.autoSuspendTail] == 22)
    }

    @Test func aPoolMissingFromThePoolsFileIsReportedNotDropped() throws {
        var reduced = pools
        reduced.pools.removeAll { $0.plan.pool.name == "ALWAYS_ON_POOL" }
        var o = ReconcileOptions(pools: reduced, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!)
        o.timeZone = TimeZone(identifier: "UTC")!
        let r = try ReconcileService(env: env).reconcile(o, cache: cache)
        #expect(r.unplanned == ["ALWAYS_ON_POOL"])
        let a = try #require(r.pools.first { $0.pool == "ALWAYS_ON_POOL" })
        // 144 node-hours × 0.11 = 15.84 credits, all unexplained against a zero estimate.
        #expect(a.explained[.unexplained] == Decimal(string: "15.84")!)
    }

    @Test func recentDaysAreProvisional() throws {
        let recent = try testEnvironment(now: "2024-04-30T12:00:00Z")
        var o = ReconcileOptions(pools: pools, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!)
        o.timeZone = TimeZone(identifier: "UTC")!
        let r = try ReconcileService(env: recent).reconcile(o, cache: cache)
        // Now − 24 h = 2024-04-29T12:00Z: 29 and 30 April end after it.
        #expect(r.pools[0].days.filter(\.provisional).map(\.date.description) == ["2024-04-29", "2024-04-30"])
    }

    @Test func theDifferenceSplitsExactlyByCause() throws {
        let r = try reconcile(zone: "UTC")
        for p in r.pools {
            for d in p.days {
                #expect(d.explained.values.reduce(0, +) == d.difference, "\(p.pool) \(d.date)")
            }
        }
    }

    /// The worked what-if: the Tokyo pool metered 24.2 credits in April 2024; always on it would have been
    /// 720 h × 0.11 = 79.2 credits; the schedule saved 55.0.
    @Test func whatIfAlwaysOn() throws {
        let r = try reconcile(zone: "Asia/Tokyo")
        let tokyo = try #require(r.pools.first { $0.pool == "TOKYO_XS_POOL" })
        let rows = try cache.records().filter { $0.computePoolName == "TOKYO_XS_POOL" }
        let w = WhatIf.reprice(tokyo, records: rows, zone: TimeZone(identifier: "Asia/Tokyo")!, policy: .alwaysOn,
                               rateInForce: { _ in Decimal(string: "0.11")! })
        #expect(w.meteredCredits == Decimal(string: "24.2")!)
        #expect(w.policyCredits == Decimal(string: "79.2")!)
        #expect(w.savedCredits == Decimal(string: "55")!)
    }

    @Test func whatIfOtherPolicies() throws {
        let r = try reconcile(zone: "Asia/Tokyo")
        let tokyo = try #require(r.pools.first { $0.pool == "TOKYO_XS_POOL" })
        let rows = try cache.records().filter { $0.computePoolName == "TOKYO_XS_POOL" }
        let zone = TimeZone(identifier: "Asia/Tokyo")!
        let rate: (CivilDate) -> Decimal = { _ in Decimal(string: "0.11")! }
        // AUTO_SUSPEND_SECS 600 instead of 3600: each of the 22 one-hour tails becomes 10 minutes:
        // 24.2 − 22 × 50/60 × 0.11 = 24.2 − 2.016666… = 22.183333…
        let shorter = WhatIf.reprice(tokyo, records: rows, zone: zone, policy: .autoSuspend(seconds: 600), rateInForce: rate)
        #expect(abs(shorter.policyCredits - Decimal(string: "22.1833333333")!) < Decimal(string: "0.000001")!)
        // Business hours 10:00-19:00 weekdays: 22 × 9 h × 0.11 = 21.78 (the tails are gone).
        let window = BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: zone)
        let bh = WhatIf.reprice(tokyo, records: rows, zone: zone, policy: .businessHours(window), rateInForce: rate)
        #expect(bh.policyCredits == Decimal(string: "21.78")!)
        // The same 220 node-hours on CPU_X64_M at 0.22 credits per node-hour: 220 × 0.22 = 48.4 credits.
        let other = WhatIf.reprice(tokyo, records: rows, zone: zone,
                                   policy: .family(InstanceFamily("CPU_X64_M")!, creditsPerNodeHour: Decimal(string: "0.22")!),
                                   rateInForce: rate)
        #expect(other.policyCredits == Decimal(string: "48.4")!)
    }
}

/// The one-pass re-pricing of a whole cache agrees with the per-pool one.
@Suite struct WhatIfCacheTests {
    @Test func theStreamingPathMatchesThePerPoolPath() throws {
        let env = try testEnvironment()
        let cache = try UsageCache(.memory)
        _ = try ImportService(env: env).importCSV(path: "Fixtures/emulator-sample/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv",
                                                  timeZone: nil, into: cache)
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let window = BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo)
        let results = try WhatIfService(env: env).repriceCache(
            cache, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!, zone: tokyo,
            policies: [.alwaysOn, .businessHours(window)],
            shape: { $0 == "TOKYO_XS_POOL" ? PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1) : nil },
            rate: { _ in Decimal(string: "0.11")! })
        // Only the Tokyo pool has a shape: always on 720 h × 0.11 = 79.2; business hours 22 × 9 h × 0.11 = 21.78;
        // metered 24.2 either way.
        #expect(results.map(\.pool) == ["TOKYO_XS_POOL", "TOKYO_XS_POOL"])
        #expect(results.map(\.policyCredits) == [Decimal(string: "79.2")!, Decimal(string: "21.78")!])
        #expect(results.allSatisfy { $0.meteredCredits == Decimal(string: "24.2")! })
        #expect(throws: EstimateError.self) {
            try WhatIfService(env: env).repriceCache(cache, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!,
                                                     zone: tokyo, policies: [.autoSuspend(seconds: 60)], shape: { _ in nil },
                                                     rate: { _ in 1 })
        }
    }
}
