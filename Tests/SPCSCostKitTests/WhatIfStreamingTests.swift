import Foundation
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// `spcs-cost whatif` reads the cache one pool at a time (``WhatIfService/run(_:policies:cache:)``); it must give the
/// figures, prices, lifetimes and warnings of reconciling every row and re-pricing it
/// (``ReconcileService/reconcile(_:cache:)`` then ``WhatIfService/reprice(_:pools:policies:zone:cache:price:)``).
///
/// The cache (2024-03-01 to 2024-04-30, hourly rows on the hour): TOKYO_POOL (CPU_X64_XS, 1 node, Asia/Tokyo) on
/// 09:00-19:00 weekdays with a second node 14:00-15:30 on Wednesdays (so credits above MIN_NODES inside a window),
/// 20 minutes (0.02 credits at 0.06) at 19:00 on Mondays, and a 1-hour auto-suspend tail; LA_POOL (CPU_X64_S, 2
/// nodes, America/Los_Angeles, across the 10 March DST change) always on; DROPPED_POOL (created 5 April in the pools
/// file, metered from then); UNPLANNED_POOL metered but not in the pools file; and IDLE_POOL planned, never metered.
@Suite struct WhatIfStreamingTests {
    static let utc = TimeZone(identifier: "UTC")!
    static func t(_ epoch: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(epoch)) }

    static let poolsText = """
        [defaults]
        region = "aws-ap-northeast-1"
        rate_card = "2026-04"

        [[pools]]
        name = "TOKYO_POOL"
        family = "CPU_X64_XS"
        max_nodes = 2
        auto_suspend_secs = 3600
        suspend_mode = "services"
        timezone = "Asia/Tokyo"

        [[pools.tasks]]
        name = "RESUME"
        action = "resume"
        schedule = "USING CRON 0 9 * * MON-FRI Asia/Tokyo"

        [[pools.tasks]]
        name = "SUSPEND"
        action = "suspend"
        schedule = "USING CRON 0 18 * * MON-FRI Asia/Tokyo"

        [[pools]]
        name = "LA_POOL"
        family = "CPU_X64_S"
        min_nodes = 2
        auto_suspend_secs = 0
        timezone = "America/Los_Angeles"

        [[pools]]
        name = "DROPPED_POOL"
        family = "CPU_X64_XS"
        auto_suspend_secs = 600
        created = "2024-04-05"
        timezone = "UTC"

        [[pools]]
        name = "IDLE_POOL"
        family = "CPU_X64_XS"
        timezone = "Europe/Berlin"
        """

    static func cache() throws -> UsageCache {
        let cache = try UsageCache(.memory)
        var rows: [UsageRecord] = []
        func row(_ start: Int, _ pool: String, _ nano: Int64) {
            rows.append(UsageRecord(startTime: t(start), endTime: t(start + 3600), computePoolName: pool,
                                    creditsUsed: NanoCredits(nano)))
        }
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let la = TimeZone(identifier: "America/Los_Angeles")!
        let first = Int(CivilDate("2024-03-01")!.startInstant(in: utc).timeIntervalSince1970)
        let last = Int(CivilDate("2024-05-01")!.startInstant(in: utc).timeIntervalSince1970)
        for hour in stride(from: first, to: last, by: 3600) {
            let local = LocalDateTime.of(t(hour), in: tokyo)
            let h = local.secondOfDay / 3600
            let weekday = local.date.weekday
            if weekday != .saturday && weekday != .sunday {
                if (9..<19).contains(h) {
                    let second: Int64 = weekday == .wednesday && h == 14 ? 60_000_000 : weekday == .wednesday && h == 15 ? 30_000_000 : 0
                    row(hour, "TOKYO_POOL", 60_000_000 + second)
                } else if h == 19 && weekday == .monday {
                    row(hour, "TOKYO_POOL", 20_000_000)
                }
            }
            // LA: 2 nodes of CPU_X64_S always on, at the 2026-04 card's rate.
            _ = la
            row(hour, "LA_POOL", 2 * 110_000_000)
            if hour >= Int(CivilDate("2024-04-05")!.startInstant(in: utc).timeIntervalSince1970) {
                row(hour, "DROPPED_POOL", 60_000_000)
            }
            if (hour / 3600) % 5 == 0 { row(hour, "UNPLANNED_POOL", 1_000_000) }
        }
        try cache.load(.init(kind: "import", source: "test", checksum: "", loadedAt: t(1_800_000_000))) { w in
            for r in rows { try w.upsert(r) }
        }
        return cache
    }

    static func env() throws -> Environment {
        Environment(now: { t(1_800_000_000) }, variables: [:], homeDirectory: "/nonexistent-home",
                    currentDirectory: Repository.root.path, catalog: try BundledCatalog.load())
    }

    /// Reconcile every row, then re-price (what `whatif` did before it read the cache one pool at a time).
    static func byRows(_ options: ReconcileOptions, _ policies: [String], _ cache: UsageCache, env: Environment) throws -> WhatIfRun {
        var unpriced = options
        unpriced.price = nil
        let reconciled = try ReconcileService(env: env).reconcile(unpriced, cache: cache)
        let service = WhatIfService(env: env)
        let card = try env.catalog.rateCard(id: reconciled.rateCardID)
        var run = try service.reprice(reconciled, pools: options.pools, policies: try policies.map { try service.parsePolicy($0, card: card) },
                                      zone: options.timeZone, cache: cache, price: options.price)
        run.warnings = reconciled.warnings + run.warnings.filter { !reconciled.warnings.contains($0) }
        run.rateCardID = reconciled.rateCardID
        return run
    }

    static func compare(_ a: WhatIfRun, _ b: WhatIfRun) {
        #expect(a.warnings == b.warnings)
        #expect(a.rateCardID == b.rateCardID)
        #expect(a.currency == b.currency)
        #expect(a.priceRuns.map { "\($0.from) \($0.through) \($0.rate.unitPrice.price.price) \($0.rate.fx.rate)" }
                == b.priceRuns.map { "\($0.from) \($0.through) \($0.rate.unitPrice.price.price) \($0.rate.fx.rate)" })
        #expect(a.results.count == b.results.count)
        for (x, y) in zip(a.results, b.results) {
            #expect(x.pool == y.pool && x.policy == y.policy)
            #expect(x.lifetime == y.lifetime, "\(x.pool)")
            #expect(x.days.count == y.days.count, "\(x.pool)")
            for (p, q) in zip(x.days, y.days) {
                #expect(p.date == q.date && p.meteredCredits == q.meteredCredits && p.policyCredits == q.policyCredits
                        && p.metered == q.metered && p.policy == q.policy,
                        "\(x.pool) \(x.policy.label) \(p.date): \(p.meteredCredits) \(p.policyCredits) against \(q.meteredCredits) \(q.policyCredits)")
            }
        }
    }

    @Test(arguments: [nil, "Asia/Tokyo", "America/New_York"])
    func streamedFromTheCacheAsReconciledFromRows(zone: String?) throws {
        let cache = try Self.cache()
        let env = try Self.env()
        let file = try PoolsFile.parse(Self.poolsText, file: "streaming.toml")
        var options = ReconcileOptions(pools: file, from: CivilDate("2024-03-04")!, to: CivilDate("2024-04-28")!)
        options.timeZone = zone.map { TimeZone(identifier: $0)! }
        var settings = PriceSettings()
        settings.region = "aws-ap-northeast-1"
        settings.currency = .jpy
        settings.fx = [.bare(150)]
        options.price = settings
        let policies = ["always-on", "business-hours=10:00-19:00,MON-FRI,Asia/Tokyo", "auto-suspend=600",
                        "business-hours=09:30-17:00,MON-SAT,America/Los_Angeles", "family=CPU_X64_S"]
        let streamed = try WhatIfService(env: env).run(options, policies: policies, cache: cache)
        let rows = try Self.byRows(options, policies, cache, env: env)
        Self.compare(streamed, rows)
        #expect(streamed.warnings.contains { $0.contains("UNPLANNED_POOL") })
        #expect(streamed.warnings.contains { $0.contains("not metered in the period: IDLE_POOL") })
        // Credits only, too.
        options.price = nil
        Self.compare(try WhatIfService(env: env).run(options, policies: policies, cache: cache),
                     try Self.byRows(options, policies, cache, env: env))
    }

    /// Business hours keep the credits above MIN_NODES inside the window. The policy's rate is the card in force in
    /// April 2024 (2024: CPU_X64_XS 0.11 credits/node-hour). Wednesday 2024-04-03: 9 window hours × 0.11 = 0.99, plus
    /// the 14:00 hour's 0.12 − 0.11 = 0.01 above one node (15:00's 0.09 is under it) = 1.00, to the decimals'
    /// precision (0.12 ÷ 0.11 does not end); Thursday: 0.99. Each day also pays the schedule's two task runs (a
    /// resume at 10:00 and a suspend at 19:00) on an X-Small warehouse, 60 s each at 1 credit/h: 2/60 credits.
    @Test func extraNodesInsideTheWindowAreKept() throws {
        let cache = try Self.cache()
        let env = try Self.env()
        let file = try PoolsFile.parse(Self.poolsText, file: "streaming.toml")
        let options = ReconcileOptions(pools: file, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!)
        let run = try WhatIfService(env: env).run(options, policies: ["business-hours=10:00-19:00,MON-FRI,Asia/Tokyo"],
                                                  cache: cache)
        let tokyo = try #require(run.results.first { $0.pool == "TOKYO_POOL" })
        let wednesday = try #require(tokyo.days.first { $0.date == CivilDate("2024-04-03")! }?.policyCredits)
        let tasks = Decimal(2) * 60 / 3600
        #expect(abs(wednesday - 1 - tasks) < Decimal(string: "1e-30")!)
        let thursday = try #require(tokyo.days.first { $0.date == CivilDate("2024-04-04")! }?.policyCredits)
        #expect(abs(thursday - Decimal(string: "0.99")! - tasks) < Decimal(string: "1e-30")!)
        #expect(tokyo.tasks?.runs == 44)  // 22 weekdays in April 2024
    }
}
