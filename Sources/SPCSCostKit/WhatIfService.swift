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
        let warehouses = try cache.warehouseInventory()
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
                var result = WhatIf.reprice(r, records: rows[r.pool] ?? [], zone: zone ?? plan.zone, policy: policy,
                                            lifetime: lifetimeOf[r.pool] ?? .unbounded, rateInForce: rate)
                if let entry {
                    let tasks = Self.scheduleTaskCompute(entry)
                    result.addScheduleTasks(tasks.compute, fromPoolsFile: tasks.fromPoolsFile, zone: zone ?? plan.zone,
                                            autoSuspendSeconds: Self.pulledAutoSuspend(tasks.compute, warehouses: warehouses))
                }
                run.results.append(result)
            }
        }
        if let price {
            let zones = reconciled.pools.compactMap { r in r.plan.map { zone ?? $0.zone } } + [zone ?? utc]
            let first = zones.map { CivilDate.of(reconciled.from.startInstant(in: $0), in: utc) }.min()!
            let last = zones.map { CivilDate.of(reconciled.to.adding(days: 1).startInstant(in: $0).addingTimeInterval(-1), in: utc) }.max()!
            let pricing = try LedgerPricing.make(price, catalog: env.catalog, cache: cache, period: first...last,
                                                 warnings: &run.warnings)
            var rates = try pricing.rates(for: first...last)
            // Accounts at their own prices: each pool at its account's (README "Accounts in several regions").
            var poolAccounts = rates.pricesByAccount ? try cache.poolAccounts(from: start, to: end) : [:]
            // The pools file's `account` of an entry (a name metered in several accounts must have one: exit 64).
            for (pool, account) in try pools.plannedAccounts(meteredAccounts: try cache.poolAccountSets(from: start, to: end),
                                                             locators: try cache.accountLocators()) {
                poolAccounts[pool] = account
            }
            let storage = try Self.storage(pools, cache: cache, pricing: pricing, from: reconciled.from,
                                           through: reconciled.to, zone: { zone ?? $0.plan.zone })
            for i in run.results.indices {
                try run.results[i].price(rates: &rates, account: poolAccounts[run.results[i].pool] ?? "")
                if let s = storage[run.results[i].pool] {
                    (run.results[i].storage, run.results[i].storageSource) = (s.amount, s.source)
                }
            }
            run.currency = pricing.currency
            run.priceRuns = rates.priceRuns
        }
        return run
    }
}

extension WhatIfService {
    /// The what-if of `spcs-cost whatif`: every pool of `options.pools` re-priced under each policy over the period,
    /// read from the cache one pool at a time (its hourly series; an `auto-suspend` policy also reads that pool's rows
    /// to reconcile it, as `reconcile` does), so memory follows the number of pools and days, not of hourly rows.
    /// The figures, warnings and their order are those of ``ReconcileService/reconcile(_:cache:)`` followed by
    /// ``reprice(_:pools:policies:zone:cache:price:)`` where every row starts on the hour (the view's rows do; a row
    /// counts in the hour its START_TIME falls in, as `report` counts it). Money is priced through the ledger only
    /// (``WhatIfResult/price(rates:)``), each pool as soon as it is re-priced.
    /// - Parameters:
    ///   - options: the pools file, the days (`timeZone` nil = each pool's own zone), the rate card, and how to
    ///     price (`price` nil = credits only).
    ///   - policies: the `--policy` texts (``parsePolicy(_:card:)``), parsed against the run's rate card.
    /// - Returns: the results in policy, then pools-file order, with the run's rate card and every warning
    ///   (the reconciliation's first: rate card, family offers, pools metered but not planned, planned but not
    ///   metered; then assumed lifetimes and price choices).
    /// - Throws: ``EstimateError`` for days out of order or a bad policy, ``PricingError`` when a rate is missing,
    ///   ``StoreError``, ``ArithmeticLimitError``, and what ``LedgerPricing`` throws.
    public func run(_ options: ReconcileOptions, policies texts: [String], cache: UsageCache) throws -> WhatIfRun {
        try EstimateError.requireOrdered(from: options.from, to: options.to)
        let catalog = env.catalog
        let utc = TimeZone(identifier: "UTC")!
        let reconcile = ReconcileService(env: env)
        var warnings: [String] = []
        let runCard = try catalog.rateCard(id: options.rateCardID ?? options.pools.defaults.rateCardID, asOf: options.from, warnings: &warnings)
        // Per pool of the file: its zone, period, estimate rate and rate in force (as reconcile sets them).
        struct Planned {
            var entry: PoolsFile.Entry
            var zone: TimeZone
            var start: Int64, end: Int64
            var rateInForce: (CivilDate) -> Decimal
            var estimateRate: Decimal
            var hasRows = false
            var nanoCredits: Int64 = 0
        }
        var planned: [Planned] = []
        var inForce: [String: (CivilDate) -> Decimal] = [:]
        for entry in options.pools.pools {
            let plan = entry.plan
            let card = try entry.rateCardID.map { try catalog.rateCard(id: $0) } ?? runCard
            let rate = try catalog.rate(of: plan.pool.family, on: card).creditsPerNodeHour
            let zone = options.timeZone ?? plan.zone
            if let region = entry.region ?? options.pools.defaults.region,
               let w = EstimateService(catalog: catalog).offerWarning(family: plan.pool.family, regionText: region,
                                                                       pool: plan.pool.name) {
                warnings.append(w)
            }
            // One memo of the rates by day per family, pinned card and fallback: pools share it.
            let key = "\(plan.pool.family)|\(entry.rateCardID ?? "")|\(rate)"
            // Stored once: storing it again for every pool would wrap it in one more conversion thunk each time (a
            // chain as long as the pools file, walked on every call).
            let rateInForce: (CivilDate) -> Decimal
            if let known = inForce[key] {
                rateInForce = known
            } else {
                rateInForce = reconcile.rateInForce(family: plan.pool.family, pinned: entry.rateCardID, fallback: rate)
                inForce[key] = rateInForce
            }
            planned.append(Planned(entry: entry, zone: zone,
                                   start: Int64(options.from.startInstant(in: zone).timeIntervalSince1970),
                                   end: Int64(options.to.adding(days: 1).startInstant(in: zone).timeIntervalSince1970),
                                   rateInForce: rateInForce, estimateRate: rate))
        }
        let policies = try texts.map { try parsePolicy($0, card: runCard) }
        let needsRows = policies.contains { if case .autoSuspend = $0 { true } else { false } }

        var run = WhatIfRun(results: [], currency: nil, priceRuns: [], warnings: [])
        run.rateCardID = runCard.id
        var rates: DayRates?
        var priceWarnings: [String] = []
        var storage: [String: (amount: Money, source: String)] = [:]
        if let settings = options.price {
            let zones = planned.map(\.zone) + [options.timeZone ?? utc]
            let first = zones.map { CivilDate.of(options.from.startInstant(in: $0), in: utc) }.min()!
            let last = zones.map { CivilDate.of(options.to.adding(days: 1).startInstant(in: $0).addingTimeInterval(-1), in: utc) }.max()!
            let pricing = try LedgerPricing.make(settings, catalog: catalog, cache: cache, period: first...last,
                                                 warnings: &priceWarnings)
            rates = try pricing.rates(for: first...last)
            run.currency = pricing.currency
            // Block storage, the same under every policy (read before the pass over the series).
            storage = try Self.storage(options.pools, cache: cache, pricing: pricing, from: options.from,
                                       through: options.to, zone: { options.timeZone ?? $0.plan.zone })
        }
        // Accounts at their own prices: each pool at its account's (README "Accounts in several regions"); read
        // before the pass over the series (the cache answers one read at a time).
        let wideStart = options.from.adding(days: -1).startInstant(in: utc), wideEnd = options.to.adding(days: 2).startInstant(in: utc)
        var poolAccounts = rates?.pricesByAccount == true ? try cache.poolAccounts(from: wideStart, to: wideEnd) : [:]
        // The pools file's `account` of an entry (a name metered in several accounts must have one: exit 64).
        for (pool, account) in try options.pools.plannedAccounts(
            meteredAccounts: try cache.poolAccountSets(from: wideStart, to: wideEnd), locators: try cache.accountLocators()) {
            poolAccounts[pool] = account
        }

        var byName: [String: [Int]] = [:]
        for (i, p) in planned.enumerated() { byName[p.entry.plan.pool.name, default: []].append(i) }
        var lifetimes = try PoolLifetimes(cache: cache)
        // SHOW WAREHOUSES as pulled, read before the pass over the series (the cache answers one read at a time).
        let warehouses = try cache.warehouseInventory()
        var results = [[WhatIfResult]](repeating: [], count: planned.count)
        var unplanned: [String] = []
        let unplannedZone = options.timeZone ?? utc
        let unplannedStart = Int64(options.from.startInstant(in: unplannedZone).timeIntervalSince1970)
        let unplannedEnd = Int64(options.to.adding(days: 1).startInstant(in: unplannedZone).timeIntervalSince1970)

        /// Prices a pool's results through the ledger with `rates` (a worker's copy) and drops their parts (they were
        /// for the ledger only), so memory holds a day's figures, not its parts.
        func price(_ results: inout [WhatIfResult], pool name: String, rates: inout DayRates) throws {
            guard !results.isEmpty else { return }
            let account = poolAccounts[name] ?? ""
            try results[0].price(rates: &rates, account: account)
            // The metered credits are the same under every policy: priced once.
            let first = results[0]
            for k in results.indices.dropFirst() {
                try results[k].price(rates: &rates, meteredFrom: first, account: account)
            }
            for k in results.indices {
                for d in results[k].days.indices {
                    results[k].days[d].meteredParts = [:]
                    results[k].days[d].policyParts = [:]
                }
            }
        }
        /// Planned pool `i` re-priced from its hours (none when not metered) under every policy but auto-suspend,
        /// with its schedule tasks and storage, and priced unless auto-suspend still needs the parts. Reads only
        /// what the pass does not change: it runs on the workers, several pools at once.
        func reprice(_ job: RepriceJob, rates: inout DayRates?) throws -> [WhatIfResult] {
            let p = planned[job.index]
            let name = p.entry.plan.pool.name
            var out = try WhatIf.reprice(pool: name, computePool: p.entry.plan.pool, from: options.from,
                                         through: options.to, hours: job.hours, zone: p.zone, policies: policies,
                                         lifetime: job.lifetime, rateInForce: p.rateInForce)
            let tasks = Self.scheduleTaskCompute(p.entry)
            let pulledSuspend = Self.pulledAutoSuspend(tasks.compute, warehouses: warehouses)
            for k in out.indices {
                out[k].addScheduleTasks(tasks.compute, fromPoolsFile: tasks.fromPoolsFile, zone: p.zone,
                                        autoSuspendSeconds: pulledSuspend)
                if let s = storage[name] { (out[k].storage, out[k].storageSource) = (s.amount, s.source) }
            }
            if !needsRows, rates != nil { try price(&out, pool: name, rates: &rates!) }
            return out
        }
        // The pools are independent: read in batches, each batch re-priced on every core (each worker prices with a
        // copy of the day rates, merged after the pass, so the stamp lists every price used). A pool's figures do
        // not depend on which worker made them.
        let workers = RepriceWorkers(count: min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)), rates: rates)
        var batch: [RepriceJob] = []
        func runBatch() throws {
            for (j, out) in try workers.run(batch, reprice).enumerated() { results[batch[j].index] = out }
            batch.removeAll(keepingCapacity: true)
        }
        /// Queues planned pool `i` (its lifetime is decided here, in pool order, as the warning lists them).
        func enqueue(_ i: Int, hours: (firstHour: Int64, values: [Int64])) throws {
            let p = planned[i]
            let lifetime = try lifetimes.lifetime(of: p.entry.plan.pool.name, planned: p.entry, metered: p.hasRows)
            batch.append(RepriceJob(index: i, hours: hours, lifetime: lifetime))
            if batch.count >= 32 { try runBatch() }
        }

        // The lifetimes' metered spans are read before the pass (the cache answers one read at a time).
        try lifetimes.readMeteredSpans()
        var done = [Bool](repeating: false, count: planned.count)
        try cache.forEachPoolSeries(from: wideStart, to: wideEnd) { name, firstHour, values in
            /// Whether the hours starting in `[a, b)` have a row, and their nano-credits.
            func rows(from a: Int64, to b: Int64) throws -> (any: Bool, nano: Int64) {
                var any = false, sum: Int64 = 0
                let lo = max(0, Int(floorDiv(a - firstHour + 3599, 3600)))
                let hi = min(values.count, Int(floorDiv(b - firstHour + 3599, 3600)))
                if lo < hi {
                    for v in values[lo..<hi] where v != .min {
                        any = true
                        sum = try ExactInt64.add(sum, v, "the metered credits of pool \(name)")
                    }
                }
                return (any, sum)
            }
            guard let indices = byName[name] else {
                if try rows(from: unplannedStart, to: unplannedEnd).any { unplanned.append(name) }
                return
            }
            for i in indices {
                let r = try rows(from: planned[i].start, to: planned[i].end)
                planned[i].hasRows = r.any
                planned[i].nanoCredits = r.nano
                try enqueue(i, hours: (firstHour, values))
                done[i] = true
            }
        }
        for i in planned.indices where !done[i] { try enqueue(i, hours: (0, [])) }
        try runBatch()
        rates = workers.mergedRates
        if needsRows {
            // Auto-suspend reads the metered node-hours by cause: each pool's rows in turn, reconciled as reconcile
            // does them.
            let provisionalAfter = env.now().addingTimeInterval(-Double(options.provisionalHours) * 3600)
            for (i, p) in planned.enumerated() {
                let name = p.entry.plan.pool.name
                let records = try cache.records(from: wideStart, to: wideEnd, pools: [name])
                let r = Reconciler.reconcile(
                    pool: name, plan: p.entry.plan, records: records, from: options.from, through: options.to,
                    zone: p.zone, estimateRate: p.estimateRate, rateInForce: p.rateInForce,
                    provisionalAfter: provisionalAfter)
                let lifetime = try lifetimes.lifetime(of: name, planned: p.entry, metered: p.hasRows)
                for (k, policy) in policies.enumerated() {
                    guard case .autoSuspend = policy else { continue }
                    var result = WhatIf.reprice(r, records: records, zone: p.zone, policy: policy, lifetime: lifetime,
                                                rateInForce: p.rateInForce)
                    if let s = storage[name] { (result.storage, result.storageSource) = (s.amount, s.source) }
                    results[i].insert(result, at: k)
                }
                if rates != nil { try price(&results[i], pool: name, rates: &rates!) }
            }
        }
        lifetimes.orderAssumed(as: planned.map(\.entry.plan.pool.name))

        unplanned.sort()
        let unmetered = planned.filter { $0.nanoCredits == 0 }.map(\.entry.plan.pool.name)
        if !unplanned.isEmpty {
            warnings.append("metered but not in the pools file: \(unplanned.joined(separator: ", ")); their credits "
                            + "are reported as unexplained. Add them to the pools file to reconcile them.")
        }
        if !unmetered.isEmpty {
            warnings.append("in the pools file but not metered in the period: \(unmetered.joined(separator: ", ")).")
        }
        var later: [String] = []
        if let w = lifetimes.assumedWarning { later.append(w) }
        later += priceWarnings
        run.warnings = warnings + later.filter { !warnings.contains($0) }
        for k in policies.indices { run.results += results.compactMap { $0.count > k ? $0[k] : nil } }
        if let rates { run.priceRuns = rates.priceRuns }
        return run
    }
}

/// One planned pool to re-price on a worker: its index in the pools file, its hours (as the cache's series gives
/// them; none when not metered) and its lifetime.
struct RepriceJob {
    var index: Int
    var hours: (firstHour: Int64, values: [Int64])
    var lifetime: PoolLifetime
}

/// Runs batches of ``RepriceJob``s on `count` threads, each with its own copy of the run's day rates (``DayRates``
/// keeps the rates it looks up), and gives back the results in job order; ``mergedRates`` is every copy's lookups
/// together.
final class RepriceWorkers: @unchecked Sendable {
    private let lock = NSLock()
    private var rates: [DayRates?]
    private let start: DayRates?

    init(count: Int, rates: DayRates?) {
        self.rates = Array(repeating: rates, count: count)
        start = rates
    }

    /// Runs `work` on every job, `count` at a time; the results in the order of `jobs`.
    /// - Throws: the first job's error (in job order) when any throws.
    func run(_ jobs: [RepriceJob], _ work: (RepriceJob, inout DayRates?) throws -> [WhatIfResult]) throws -> [[WhatIfResult]] {
        guard !jobs.isEmpty else { return [] }
        var out = [Result<[WhatIfResult], any Error>?](repeating: nil, count: jobs.count)
        let threads = min(rates.count, jobs.count)
        withoutActuallyEscaping(work) { work in out.withUnsafeMutableBufferPointer { slots in
            // Each worker writes only its own jobs' slots (j ≡ w mod threads) and its own rates; `work` reads only
            // what no worker changes (the run's settings and the pass's finished state).
            nonisolated(unsafe) let slots = slots
            nonisolated(unsafe) let work = work
            DispatchQueue.concurrentPerform(iterations: threads) { w in
                lock.lock()
                var mine = rates[w]
                lock.unlock()
                for j in stride(from: w, to: jobs.count, by: threads) {
                    do {
                        slots[j] = .success(try work(jobs[j], &mine))
                    } catch {
                        slots[j] = .failure(error)
                    }
                }
                lock.lock()
                rates[w] = mine
                lock.unlock()
            }
        } }
        return try out.map { try $0!.get() }
    }

    /// The run's day rates with every rate any worker looked up (what the stamp's price runs list).
    var mergedRates: DayRates? {
        guard var merged = start else { return nil }
        for r in rates { if let r { merged.merge(r) } }
        return merged
    }
}

extension WhatIfService {
    /// Where a pool's schedule tasks run for a business-hours policy: the compute of the pools file's first task of
    /// the pool, else an X-Small warehouse (the CREATE WAREHOUSE default size), assumed.
    /// The AUTO_SUSPEND of the warehouse `compute` names, from `warehouses` (SHOW WAREHOUSES as last pulled): nil for
    /// serverless tasks, an unnamed warehouse, a warehouse not pulled, one that never suspends by itself, or a name
    /// whose accounts disagree.
    static func pulledAutoSuspend(_ compute: TaskCompute, warehouses: [WarehouseRecord]) -> Int? {
        guard case let .warehouse(name?, _) = compute else { return nil }
        let values = Set(warehouses.filter { $0.name.uppercased() == name.uppercased() }
            .map(\.autoSuspendSeconds))
        return values.count == 1 ? values.first! : nil
    }

    static func scheduleTaskCompute(_ entry: PoolsFile.Entry) -> (compute: TaskCompute, fromPoolsFile: Bool) {
        if let t = entry.plan.tasks.first { return (t.compute, true) }
        return (.warehouse(name: nil, size: .xSmall), false)
    }

    /// Each pool's block storage and snapshots over the period, for every policy alike: its metered storage
    /// (BLOCK_STORAGE_HISTORY volumes, IOPS, throughput and its share of the snapshots, ``StorageAgainstPlan``) when
    /// the cache has any, else its planned storage (pools file), else none.
    /// - Throws: ``StoreError``, ``FXBookError``.
    static func storage(_ pools: PoolsFile, cache: UsageCache, pricing: Pricing, from: CivilDate, through: CivilDate,
                        zone: (PoolsFile.Entry) -> TimeZone) throws -> [String: (amount: Money, source: String)] {
        guard let book = pricing.unitPrices else { return [:] }
        let first = from.adding(days: -1), last = through.adding(days: 1)
        let input = try cache.storageAndTransfer(from: first, to: last)
        let planning = pools.pools.contains { $0.storage != nil }
        guard !input.storage.isEmpty || planning else { return [:] }
        let rows = try CurrencyBilledParts.priceByAccount(input, computeByAccountAndUTCDay: [:], pricing: pricing,
                                                          days: first...last).rows
        var snapshotGiB: [String: Decimal] = [:]
        for e in pools.pools { snapshotGiB[e.plan.pool.name, default: 0] += e.storage?.totalSnapshotGiB ?? 0 }
        let metered = StorageAgainstPlan.meteredByPool(rows: rows, snapshotGiB: snapshotGiB,
                                                       bytesPerTB: book.table(on: from).table.units.bytesPerTB)
        var out: [String: (amount: Money, source: String)] = [:]
        for e in pools.pools where out[e.plan.pool.name] == nil {
            let name = e.plan.pool.name
            let c = try StorageAgainstPlan.compare(pool: name, plan: e.storage, metered: metered[name] ?? [], from: from,
                                                   through: through, zone: zone(e), pricing: pricing)
            if !(metered[name] ?? []).isEmpty {
                out[name] = (c.metered, "metered")
            } else if c.planned.amount != 0 {
                out[name] = (c.planned, "planned")
            }
        }
        return out
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
    /// Notes for the reader (assumed lifetimes, price choices; ``WhatIfService/run(_:policies:cache:)``: every
    /// warning of the run, the reconciliation's first).
    public var warnings: [String]
    /// The rate card of the policies' credits per node-hour (set by ``WhatIfService/run(_:policies:cache:)``).
    public var rateCardID: String = ""
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
