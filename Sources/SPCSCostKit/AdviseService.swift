import Foundation
import SPCSCostCore
import SPCSCostStore

/// What `spcs-cost advise` reads: the period, how to find each pool's family, the schedule window to propose, the
/// shorter AUTO_SUSPEND_SECS to try, where the scheduling tasks would run, and how to price.
public struct AdviseOptions: Sendable {
    /// First day, in ``timeZone``.
    public var from: CivilDate
    /// Last day (inclusive).
    public var to: CivilDate
    /// Zone of the days.
    public var timeZone: TimeZone
    /// Family and nodes of every pool without its own shape (`--family`); nil = none.
    public var defaultShape: PoolShape?
    /// Shapes by pool name (`--pool NAME=FAMILY[:NODES]`).
    public var poolShapes: [String: PoolShape] = [:]
    /// A pools file: shapes, AUTO_SUSPEND_SECS and the pools that exist (a pool in it never metered "never ran").
    public var poolsFile: PoolsFile?
    /// The window a schedule recommendation keeps the pool running in (`--business-hours`, `--weekdays`,
    /// `--schedule-timezone`). Each pool's window is these wall times in the pool's own zone when the pools file
    /// gives one (``PoolsFile/Entry/scheduleZone``), else in this window's zone.
    public var window: BusinessHours
    /// Where ``window``'s zone comes from, for the recommendation's assumptions: `--schedule-timezone` or
    /// `--timezone` (default).
    public var windowZoneSource = "--timezone"
    /// The AUTO_SUSPEND_SECS an auto-suspend recommendation proposes, in seconds (`--suspend-after`, 300).
    public var suspendAfterSeconds: Int = 300
    /// Where the scheduling tasks run. A warehouse whose AUTO_SUSPEND source is ``AutoSuspendSource/assumed`` takes
    /// its AUTO_SUSPEND from the cached SHOW WAREHOUSES when the warehouse is there (``AutoSuspendSource/pulled``).
    public var taskCompute: AdviceTaskCompute = .serverless
    /// The AUTO_SUSPEND a notebook warehouse recommendation proposes, in seconds (`--warehouse-suspend-after`,
    /// ``defaultWarehouseSuspendAfterSeconds``): a notebook's query warehouse whose AUTO_SUSPEND is above it is advised on.
    public var warehouseSuspendAfterSeconds: Int = AdviseOptions.defaultWarehouseSuspendAfterSeconds

    /// 60 s: the proposed AUTO_SUSPEND of a notebook's query warehouse, the warehouse's billing minimum per start
    /// (spcs-facts §5 [S13]), below which a shorter AUTO_SUSPEND saves nothing more on a resume.
    public static let defaultWarehouseSuspendAfterSeconds = TaskCompute.warehouseMinimumSeconds
    /// Rate card id; nil = the card in force on ``from``.
    public var rateCardID: String?
    /// How to price; nil = credits only.
    public var price: PriceSettings?

    /// Share of a pool's hours outside the window that must be billed for its idle hours to count as regular
    /// (and so worth a schedule): 0.5, half of them.
    public static let regularShare = Decimal(string: "0.5")!

    /// Creates options.
    public init(from: CivilDate, to: CivilDate, timeZone: TimeZone, window: BusinessHours) {
        self.from = from
        self.to = to
        self.timeZone = timeZone
        self.window = window
    }
}

/// The recommendations of a run with the prices they were priced at.
public struct AdviseRun: Sendable {
    /// Recommendations in pool, then kind order.
    public var advice: [Advice]
    /// Metered credits per pool over the period, by name.
    public var meteredCredits: [String: Decimal]
    /// Metered credits and cost over the period, all pools; nil when not priced.
    public var metered: ChargeSum?
    /// The rate card used.
    public var rateCardID: String
    /// The presentation currency; nil when credits only.
    public var currency: Currency?
    /// The credit prices and FX per run of UTC days; empty when credits only.
    public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)]
    /// Notes for the reader.
    public var warnings: [String]
    /// Where the schedule recommendations' tasks run, as used: for a warehouse, the AUTO_SUSPEND behind their most
    /// cost and where it came from (the flag, SHOW WAREHOUSES as pulled, or assumed).
    public var taskCompute: AdviceTaskCompute = .serverless
}

/// Recommendations from the cached history (`spcs-cost advise`): every saving is computed by the what-if billing
/// model (``WhatIf``, the re-pricing `whatif` does) from the same reconciliation of the metered hours, and priced
/// through the ledger.
public struct AdviseService: Sendable {
    /// The environment.
    public let env: Environment

    /// Creates the service.
    public init(env: Environment) { self.env = env }

    /// Builds the recommendations for `options` from `cache`.
    /// - Throws: ``EstimateError`` for `--to` before `--from`, ``PricingError`` for an unknown rate card,
    ///   ``StoreError``, and when priced what ``LedgerPricing/make(_:catalog:cache:period:warnings:)`` throws.
    public func advise(_ options: AdviseOptions, cache: UsageCache) throws -> AdviseRun {
        try EstimateError.requireOrdered(from: options.from, to: options.to)
        let catalog = env.catalog
        let utc = TimeZone(identifier: "UTC")!
        let zone = options.timeZone
        var warnings: [String] = []
        let card = try catalog.rateCard(id: options.rateCardID ?? options.poolsFile?.defaults.rateCardID, asOf: options.from, warnings: &warnings)
        let periodStart = options.from.startInstant(in: zone)
        let periodEnd = options.to.adding(days: 1).startInstant(in: zone)
        let rows = Dictionary(grouping: try cache.records(from: options.from.adding(days: -1).startInstant(in: utc),
                                                          to: options.to.adding(days: 2).startInstant(in: utc)),
                              by: \.computePoolName)
        var lifetimes = try PoolLifetimes(cache: cache)
        let warehouseInventory = try cache.warehouseInventory()
        // The task warehouse's AUTO_SUSPEND: the flag's, else SHOW WAREHOUSES' as last pulled, else 600 s assumed.
        var taskCompute = options.taskCompute
        if case let .warehouse(name, assumed, .assumed) = taskCompute {
            let found = warehouseInventory.filter { $0.name.uppercased() == name.uppercased() }
            let values = Set(found.map(\.autoSuspendSeconds))
            if values.count == 1, let seconds = values.first! {
                taskCompute = .warehouse(name: name, autoSuspendSeconds: seconds, autoSuspendSource: .pulled)
            } else if !found.isEmpty {
                warnings.append("--task-warehouse \(name): SHOW WAREHOUSES as pulled gives "
                    + (values.count == 1 ? "no AUTO_SUSPEND (it never suspends by itself)" : "different AUTO_SUSPEND values in different accounts")
                    + "; \(assumed) s is assumed for its tasks' most cost. Give --task-warehouse-auto-suspend to set it.")
            }
        }
        let entries = Dictionary((options.poolsFile?.pools ?? []).map { ($0.plan.pool.name, $0) }, uniquingKeysWith: { a, _ in a })
        var metered: [String: Decimal] = [:]
        for (name, rs) in rows {
            let inPeriod = rs.filter { $0.startTime >= periodStart && $0.startTime < periodEnd }
            if !inPeriod.isEmpty { metered[name] = inPeriod.reduce(0) { $0 + $1.creditsUsed.credits } }
        }
        var advice: [Advice] = []
        var unshaped: [String] = []
        // Hourly node-seconds per pool and UTC hour, for the family-sharing check.
        // Per pool: credits and the rate in force per UTC hour (node-seconds are credits ÷ rate × 3600; comparing
        // credits with nodes × rate instead keeps Decimal division off the per-hour path).
        var hourly: [String: (family: InstanceFamily, byHour: [Int64: (credits: Decimal, rate: Decimal)])] = [:]
        let reconcile = ReconcileService(env: env)
        // Each zone's window: its intervals and hours (UTC hour indexes that overlap it), made once per zone.
        var windows: [String: (intervals: [DateInterval], hours: Set<Int64>)] = [:]
        func window(in zone: TimeZone) -> (intervals: [DateInterval], hours: Set<Int64>) {
            if let w = windows[zone.identifier] { return w }
            var w = options.window
            w.zone = zone
            let intervals = w.intervals(from: options.from.adding(days: -1), through: options.to.adding(days: 1))
            var hours = Set<Int64>()
            for i in intervals {
                var h = Int64(i.start.timeIntervalSince1970) / 3600
                while Double(h * 3600) < i.end.timeIntervalSince1970 { hours.insert(h); h += 1 }
            }
            windows[zone.identifier] = (intervals, hours)
            return (intervals, hours)
        }

        for name in metered.keys.sorted() {
            let inventory = lifetimes.inventory[name]?.last
            let entry = entries[name]
            var shape = options.poolShapes[name]
            if shape == nil, let e = entry { shape = PoolShape(family: e.plan.pool.family, nodes: e.plan.pool.minNodes) }
            if shape == nil { shape = options.defaultShape }
            if shape == nil, let f = inventory?.instanceFamily.flatMap(InstanceFamily.init) {
                shape = PoolShape(family: f, nodes: max(inventory?.minNodes ?? 1, 1))
            }
            guard let shape else { unshaped.append(name); continue }
            let pinned = entry?.rateCardID
            let rate = try catalog.rate(of: shape.family, on: try pinned.map { try catalog.rateCard(id: $0) } ?? card).creditsPerNodeHour
            let rateInForce = reconcile.rateInForce(family: shape.family, pinned: pinned, fallback: rate)
            var suspendAssumption: String?
            let currentSuspend: Int
            if let s = inventory?.autoSuspendSeconds {
                currentSuspend = s
                suspendAssumption = "AUTO_SUSPEND_SECS \(s) is COMPUTE_POOLS' value as last pulled, taken to hold over "
                    + "the whole period."
            } else if let e = entry {
                currentSuspend = e.plan.pool.autoSuspendSeconds
            } else {
                currentSuspend = ComputePool.defaultAutoSuspendSeconds
                suspendAssumption = "Neither COMPUTE_POOLS (pull it) nor a pools file gives the pool's AUTO_SUSPEND_SECS: "
                    + "the default \(ComputePool.defaultAutoSuspendSeconds) s is assumed."
            }
            let pool = ComputePool(name: name, family: shape.family, minNodes: shape.nodes, maxNodes: shape.nodes,
                                   autoSuspendSeconds: currentSuspend)
            // No planned schedule: every metered hour is "outside the model", so each block of consecutive hours
            // ends in an AUTO_SUSPEND_SECS tail (blocks of 12 or more full hours are the pool left running).
            let plan = PoolPlan(pool: pool, tasks: [], zone: zone, runsWithoutTasks: false)
            let records = rows[name] ?? []
            let reconciled = Reconciler.reconcile(pool: name, plan: plan, records: records, from: options.from,
                                                  through: options.to, zone: zone, estimateRate: rate,
                                                  rateInForce: rateInForce, provisionalAfter: .distantFuture)
            let lifetime = try lifetimes.lifetime(of: name, planned: entry, metered: true)
            let credits = metered[name] ?? 0
            func savedParts(_ r: WhatIfResult) -> [Int: Decimal] {
                var out: [Int: Decimal] = [:]
                for d in r.days {
                    for (k, v) in d.meteredParts { out[k, default: 0] += v }
                    for (k, v) in d.policyParts { out[k, default: 0] -= v }
                }
                return out.filter { $0.value != 0 }
            }
            // The pool's schedule window: the given wall times in the pool's own zone (the pools file's `timezone`,
            // else its first cron task's zone), else in --schedule-timezone's, else --timezone's.
            var poolWindow = options.window
            let zoneSource: String
            if let z = entry?.scheduleZone {
                poolWindow.zone = z
                zoneSource = "the pools file's zone for the pool"
            } else {
                zoneSource = options.windowZoneSource
            }
            let (windowIntervals, windowHours) = window(in: poolWindow.zone)
            let nodesText = shape.nodes == 1 ? "1 node" : "\(shape.nodes) nodes"
            let rateText = "\(shape.family) at \(ExactDecimal.text(rate)) credits per node-hour (rate card \(pinned ?? card.id)), \(nodesText)"

            // 1. AUTO_SUSPEND_SECS.
            let tailHours = reconciled.meteredNodeHours[.autoSuspendTail] ?? 0
            if currentSuspend > options.suspendAfterSeconds, tailHours > 0 {
                let r = WhatIf.reprice(reconciled, records: records, zone: zone,
                                       policy: .autoSuspend(seconds: options.suspendAfterSeconds), lifetime: lifetime,
                                       rateInForce: rateInForce)
                let parts = savedParts(r)
                if parts.values.reduce(0, +) > 0 {
                    let tails = tailHours * 3600 / (Decimal(currentSuspend) * Decimal(shape.nodes))
                    var a = Advice(
                        kind: .autoSuspend, pool: name,
                        change: "AUTO_SUSPEND_SECS \(currentSuspend) → \(options.suspendAfterSeconds)",
                        finding: "The pool idled after its services stopped: \(ExactDecimal.text(tailHours)) node-hours of "
                            + "auto-suspend tails (\(ExactDecimal.text(tails)) tails of \(currentSuspend) s) "
                            + "were billed in the period.",
                        meteredCredits: credits, savedParts: parts,
                        sql: AdviceSQL.autoSuspend(pool: name, seconds: options.suspendAfterSeconds),
                        assumptions: [
                            "A tail is the last AUTO_SUSPEND_SECS × MIN_NODES node-seconds of each block of consecutive "
                                + "billed hours shorter than 12 full hours (as reconcile finds it); blocks of 12 or more "
                                + "full hours are taken as the pool left running and have no tail counted.",
                            "Every tail would have been \(options.suspendAfterSeconds) s instead (whatif --policy "
                                + "auto-suspend=\(options.suspendAfterSeconds)); a session that came back within the "
                                + "old tail would have resumed the pool and paid its own 5-minute minimum, which is not counted.",
                            "Pool: \(rateText).",
                        ] + (suspendAssumption.map { [$0] } ?? []))
                    a.savedParts = parts
                    advice.append(a)
                }
            }

            // 2. A suspend/resume schedule, when most of the hours outside the window are billed.
            var outsideHours = 0, outsideBilled = 0
            var outsideExtra: Decimal = 0
            var byHour: [Int64: (credits: Decimal, rate: Decimal)] = [:]
            for r in records where r.startTime >= periodStart && r.startTime < periodEnd {
                let h = Int64(r.startTime.timeIntervalSince1970) / 3600
                if byHour[h] == nil { byHour[h] = (0, rateInForce(CivilDate.of(r.startTime, in: zone))) }
                byHour[h]!.credits += r.creditsUsed.credits
            }
            let nodes = Decimal(shape.nodes)
            // The period's hours the pool existed for whole (its lifetime, as report counts it).
            let firstHour = Int64(periodStart.timeIntervalSince1970) / 3600
            let lastHour = Int64(periodEnd.timeIntervalSince1970) / 3600
            var alive = [Bool](repeating: false, count: Int(lastHour - firstHour))
            for span in lifetime.clip([DateInterval(start: periodStart, end: periodEnd)]) {
                var a = Int64(span.start.timeIntervalSince1970.rounded(.up)) / 3600
                if Double(a * 3600) < span.start.timeIntervalSince1970 { a += 1 }
                let b = Int64(span.end.timeIntervalSince1970.rounded(.down)) / 3600
                var i = max(a, firstHour)
                while i < min(b, lastHour) { alive[Int(i - firstHour)] = true; i += 1 }
            }
            let lifetimeHours = alive.filter { $0 }.count
            for (i, isAlive) in alive.enumerated() where isAlive {
                let h = firstHour + Int64(i)
                guard !windowHours.contains(h) else { continue }
                outsideHours += 1
                if let c = byHour[h], c.credits > 0 {
                    outsideBilled += 1
                    if c.credits > nodes * c.rate { outsideExtra += c.credits / c.rate - nodes }
                }
            }
            hourly[name] = (shape.family, byHour)
            if outsideHours > 0, Decimal(outsideBilled) >= Decimal(outsideHours) * AdviseOptions.regularShare {
                let r = WhatIf.reprice(reconciled, records: records, zone: zone, policy: .businessHours(poolWindow),
                                       lifetime: lifetime, rateInForce: rateInForce)
                let parts = savedParts(r)
                // Task runs: a resume at each window start and a suspend at each end, within the period and the
                // pool's lifetime, on the UTC day each fires.
                var low: [Int: Decimal] = [:], high: [Int: Decimal] = [:]
                var runs = 0
                for w in windowIntervals {
                    for instant in [w.start, w.end] where instant >= periodStart && instant < periodEnd
                        && !lifetime.clip([DateInterval(start: instant, duration: 1)]).isEmpty {
                        let c = taskCompute.credits(runs: 1)
                        let day = CivilDate.of(instant, in: utc).daysSinceEpoch
                        low[day, default: 0] += c.low
                        high[day, default: 0] += c.high
                        runs += 1
                    }
                }
                var a = Advice(
                    kind: .schedule, pool: name, change: "run \(poolWindow.summary) only",
                    finding: "The pool was billed in \(outsideBilled) of its \(outsideHours) hours outside "
                        + "\(poolWindow.summary)"
                        + (outsideExtra > 0 ? ", \(ExactDecimal.text(outsideExtra)) node-hours of them above MIN_NODES (a sign of work then)." : "."),
                    meteredCredits: credits, savedParts: parts,
                    sql: AdviceSQL.schedule(pool: name, window: poolWindow, compute: taskCompute),
                    assumptions: [
                        "The window's wall times are in \(poolWindow.zone.displayName) (\(zoneSource)); the tasks' "
                            + "CRON names that zone, so they follow its daylight-saving changes.",
                        "The usage view cannot tell idle hours from busy ones: the window is the one given "
                            + "(--business-hours, --weekdays, --schedule-timezone), and nobody is assumed to need the "
                            + "pool outside it (whatif --policy business-hours: MIN_NODES for the whole window, extra "
                            + "nodes metered inside it kept, use outside it dropped).",
                        "ALTER COMPUTE POOL ... SUSPEND suspends the pool's services with it; after RESUME the "
                            + "services start again when they are resumed or called (their AUTO_RESUME).",
                        "\(runs) task runs in the period (a resume at each window start, a suspend at each end, while "
                            + "the pool existed). " + taskCompute.assumption,
                        "Pool: \(rateText).",
                    ])
                a.costLowParts = low
                a.costHighParts = high
                if a.netCredits > 0 { advice.append(a) }
            }

            // 3. Billed every hour at MIN_NODES: nothing in the view shows use.
            let fullHours = byHour.values.filter { $0.credits >= nodes * $0.rate }.count
            let scaled = byHour.values.contains { $0.credits > nodes * $0.rate }
            if lifetimeHours > 0, fullHours >= lifetimeHours, !scaled {
                advice.append(Advice(
                    kind: .noSignOfUse, pool: name, change: "check its services; suspend it if none is used",
                    finding: "The pool was billed MIN_NODES (\(shape.nodes)) for every one of its \(lifetimeHours) hours in "
                        + "the period and never ran more nodes. SNOWPARK_CONTAINER_SERVICES_HISTORY has no service or "
                        + "request column, so this is all the data can tell: it cannot say whether a service did work.",
                    meteredCredits: credits,
                    savedParts: Dictionary(records.filter { $0.startTime >= periodStart && $0.startTime < periodEnd }
                        .map { (CivilDate.of($0.startTime, in: utc).daysSinceEpoch, $0.creditsUsed.credits) },
                        uniquingKeysWith: +),
                    sql: AdviceSQL.checkAndSuspend(pool: name),
                    assumptions: [
                        "The saving is everything the pool was billed in the period: it assumes nothing needed the "
                            + "pool (check SHOW SERVICES and the services' logs first).",
                        "Pool: \(rateText).",
                    ]))
            }
        }

        // 4. Pools that existed in the period and were never billed.
        var existing: [String] = []
        for (name, recs) in lifetimes.inventory where metered[name] == nil {
            if recs.contains(where: { ($0.created ?? .distantPast) < periodEnd && ($0.deleted ?? .distantFuture) > periodStart }) {
                existing.append(name)
            }
        }
        for name in entries.keys where metered[name] == nil && !existing.contains(name) {
            let e = entries[name]!
            if (e.created ?? .distantPast) < periodEnd, (e.dropped ?? .distantFuture) > periodStart { existing.append(name) }
        }
        for name in existing.sorted() {
            advice.append(Advice(
                kind: .neverRan, pool: name, change: "drop it",
                finding: "The pool existed in the period (\(lifetimes.inventory[name] != nil ? "COMPUTE_POOLS" : "pools file")) "
                    + "and was never billed.",
                meteredCredits: 0, savedParts: [:], sql: AdviceSQL.drop(pool: name),
                assumptions: ["Nothing was billed, so dropping it saves nothing on this history; it removes a pool that "
                    + "AUTO_RESUME or a stray task could start (at least 5 minutes per node start)."]))
        }

        // 5. Two pools of one family billed in the same hours: one pool could run both pools' services. Each pool is
        // set against the pools of its family that metered more (so it moves into a larger one), and the partner with
        // the most common billed hours is proposed: at most one recommendation per pool. Billed hours are bitsets
        // over the period's hours, so a family of a thousand pools is a million word-wise ANDs, not a million
        // dictionary walks.
        let firstHour = Int64(periodStart.timeIntervalSince1970) / 3600
        let hourCount = Int(Int64(periodEnd.timeIntervalSince1970) / 3600 - firstHour)
        let words = (hourCount + 63) / 64
        var bits: [String: [UInt64]] = [:]
        for (name, h) in hourly {
            var b = [UInt64](repeating: 0, count: words)
            for (hour, x) in h.byHour where x.credits > 0 {
                let i = Int(hour - firstHour)
                if i >= 0, i < hourCount { b[i / 64] |= 1 << UInt64(i % 64) }
            }
            bits[name] = b
        }
        /// Larger first: more metered credits, then the name.
        func larger(_ a: String, _ b: String) -> Bool {
            let (x, y) = (metered[a, default: 0], metered[b, default: 0])
            return x != y ? x > y : a < b
        }
        for from in hourly.keys.sorted() {
            let f = hourly[from]!
            var best: (name: String, common: Int)?
            for into in hourly.keys.sorted() where into != from && hourly[into]!.family == f.family && larger(into, from) {
                var common = 0
                for (x, y) in zip(bits[from]!, bits[into]!) { common += (x & y).nonzeroBitCount }
                if common > (best?.common ?? 0) { best = (into, common) }
            }
            guard let (into, common) = best else { continue }
            let other = hourly[into]!.byHour
            var parts: [Int: Decimal] = [:]
            for (hour, x) in f.byHour {
                guard let y = other[hour], x.credits > 0, y.credits > 0 else { continue }
                // The smaller node-seconds of the two, at this pool's rate.
                let theirs = x.rate == y.rate ? y.credits : y.credits / y.rate * x.rate
                let day = CivilDate.of(Date(timeIntervalSince1970: TimeInterval(hour * 3600)), in: utc).daysSinceEpoch
                parts[day, default: 0] += min(x.credits, theirs)
            }
            guard parts.values.reduce(0, +) > 0 else { continue }
            advice.append(Advice(
                kind: .shareFamily, pool: from, change: "run its services on \(into)",
                finding: "\(from) and \(into) are both \(f.family) and were both billed in \(common) hours of the period.",
                meteredCredits: metered[from] ?? 0, savedParts: parts,
                sql: AdviceSQL.share(from: from, into: into),
                assumptions: [
                    "In each hour both pools were billed, one pool running the larger of the two node counts is "
                        + "assumed to carry both pools' services (the usage view cannot tell their size: check the "
                        + "services' CPU and memory against \(into)'s nodes); the saving is the smaller pool's "
                        + "node-hours in those hours. Hours only \(from) ran are kept (\(into) would run then).",
                    "Of the \(f.family) pools that metered more than \(from), \(into) shares the most billed hours with it.",
                ]))
        }
        // 6. Notebooks' query warehouses that stay awake after the notebooks' queries.
        advice += try notebookWarehouseAdvice(options, cache: cache, warehouses: warehouseInventory,
                                              from: periodStart, to: periodEnd, warnings: &warnings)
        if !unshaped.isEmpty {
            warnings.append("no instance family for \(unshaped.joined(separator: ", ")): left out of the advice; give "
                + "--pool NAME=FAMILY, --family, a pools file, or pull COMPUTE_POOLS.")
        }
        if let w = lifetimes.assumedWarning { warnings.append(w) }
        let order = Advice.Kind.allCases
        advice.sort { ($0.pool, order.firstIndex(of: $0.kind)!) < ($1.pool, order.firstIndex(of: $1.kind)!) }

        var run = AdviseRun(advice: advice, meteredCredits: metered, metered: nil, rateCardID: card.id, currency: nil,
                            priceRuns: [], warnings: warnings, taskCompute: taskCompute)
        if let price = options.price {
            let first = CivilDate.of(periodStart, in: utc), last = CivilDate.of(periodEnd.addingTimeInterval(-1), in: utc)
            let pricing = try LedgerPricing.make(price, catalog: catalog, cache: cache, period: first...last,
                                                 warnings: &run.warnings)
            var rates = try pricing.rates(for: first...last)
            // Accounts at their own prices: a pool's advice at its account's price, the metered total account by
            // account (as `report` prices it).
            var poolAccounts: [String: String] = [:]
            var pricedRows = rows
            if rates.pricesByAccount {
                let wideStart = options.from.adding(days: -1).startInstant(in: utc)
                let wideEnd = options.to.adding(days: 2).startInstant(in: utc)
                poolAccounts = try cache.poolAccounts(from: wideStart, to: wideEnd)
                pricedRows = Dictionary(grouping: try cache.records(from: wideStart, to: wideEnd, byAccount: true),
                                        by: \.computePoolName)
            }
            // The pools file's `account` of an entry (a name metered in several accounts must have one: exit 64).
            if let file = options.poolsFile {
                for (pool, account) in try file.plannedAccounts(
                    meteredAccounts: try cache.poolAccountSets(from: options.from.adding(days: -1).startInstant(in: utc),
                                                               to: options.to.adding(days: 2).startInstant(in: utc)),
                    locators: try cache.accountLocators()) {
                    poolAccounts[pool] = account
                }
            }
            for i in run.advice.indices {
                try run.advice[i].price(rates: &rates,
                                        account: run.advice[i].account ?? poolAccounts[run.advice[i].pool] ?? "")
            }
            var m = ChargeSum.zero(pricing.currency)
            for (_, rs) in pricedRows.sorted(by: { $0.key < $1.key }) {
                for r in rs where r.startTime >= periodStart && r.startTime < periodEnd {
                    m += try rates.charge(r.creditsUsed.credits, onUTCDay: CivilDate.of(r.startTime, in: utc).daysSinceEpoch,
                                          account: r.account)
                }
            }
            run.metered = m
            run.currency = pricing.currency
            run.priceRuns = rates.priceRuns
        }
        return run
    }

    /// The `notebook_warehouse` recommendations: for each warehouse that some notebook of SHOW NOTEBOOKS names as its
    /// query warehouse, whose AUTO_SUSPEND in SHOW WAREHOUSES (as last pulled, same account) is above
    /// ``AdviseOptions/warehouseSuspendAfterSeconds``, the idle tails of its WAREHOUSE_METERING_HISTORY hours in
    /// [`from`, `to`) (``WarehouseIdleTails``) at its size's credits per hour. A warehouse that is not in SHOW
    /// WAREHOUSES, never suspends, is not STANDARD or has a size spcs-cost does not know is left out with a warning.
    /// - Returns: recommendations in account and warehouse order, each with its account set for pricing.
    /// - Throws: ``StoreError``.
    func notebookWarehouseAdvice(_ options: AdviseOptions, cache: UsageCache, warehouses: [WarehouseRecord],
                                 from: Date, to: Date, warnings: inout [String]) throws -> [Advice] {
        let notebooks = try cache.notebookInventory()
        struct Key: Hashable, Comparable {
            var organization: String, account: String, warehouse: String
            static func < (a: Key, b: Key) -> Bool {
                (a.organization, a.account, a.warehouse) < (b.organization, b.account, b.warehouse)
            }
        }
        var byWarehouse: [Key: [NotebookRecord]] = [:]
        for n in notebooks {
            guard let w = n.queryWarehouse else { continue }
            byWarehouse[Key(organization: n.organization, account: n.account, warehouse: w.uppercased()), default: []].append(n)
        }
        guard !byWarehouse.isEmpty else { return [] }
        let settings = Dictionary(warehouses.map {
            (Key(organization: $0.organization, account: $0.account, warehouse: $0.name.uppercased()), $0)
        }, uniquingKeysWith: { a, _ in a })
        let metering = Dictionary(grouping: try cache.taskWarehouseRows(from: from, to: to).metering) {
            Key(organization: $0.organization, account: $0.account, warehouse: $0.warehouseName.uppercased())
        }
        let threshold = options.warehouseSuspendAfterSeconds
        var out: [Advice] = []
        for key in byWarehouse.keys.sorted() {
            let names = byWarehouse[key]!.map(\.qualifiedName).sorted()
            let notebooksText = (names.count == 1 ? "notebook " : "notebooks ") + names.joined(separator: ", ")
            let place = key.account.isEmpty ? "" : " (account \(key.account))"
            guard let w = settings[key] else {
                warnings.append("\(key.warehouse)\(place), the query warehouse of \(notebooksText), is not in SHOW "
                    + "WAREHOUSES as pulled (the role may have no privilege on it, or it was dropped): not advised on.")
                continue
            }
            guard let suspend = w.autoSuspendSeconds else {
                warnings.append("\(w.name)\(place), the query warehouse of \(notebooksText), never suspends by itself "
                    + "(AUTO_SUSPEND 0 or NULL): the hourly metering cannot tell its idle hours, so no saving is "
                    + "computed; ALTER WAREHOUSE \(AdviceSQL.identifier(w.name)) SET AUTO_SUSPEND = \(threshold); stops it "
                    + "\(threshold) s after its last query.")
                continue
            }
            guard suspend > threshold else { continue }
            guard w.isStandard, let size = w.warehouseSize else {
                warnings.append("\(w.name)\(place), the query warehouse of \(notebooksText), is \(w.type ?? "?") "
                    + "\(w.size ?? "?"): spcs-cost knows the credits per hour of STANDARD warehouses of sizes X-Small to "
                    + "6X-Large only (Consumption Table 1(a)): not advised on.")
                continue
            }
            let hours = metering[key] ?? []
            let tails = WarehouseIdleTails.saved(hours: hours, autoSuspendSeconds: suspend, thresholdSeconds: threshold,
                                                 creditsPerHour: size.creditsPerHour)
            guard tails.credits > 0 else { continue }
            let meteredCredits = hours.reduce(Decimal(0)) { $0 + $1.creditsUsed.credits }
            var a = Advice(
                kind: .notebookWarehouse, pool: w.name, change: "AUTO_SUSPEND \(suspend) → \(threshold)",
                finding: "Warehouse \(w.name)\(place) is the query warehouse of \(notebooksText). It was metered in "
                    + "\(tails.hours) hour\(tails.hours == 1 ? "" : "s") of the period, in \(tails.runs) run"
                    + "\(tails.runs == 1 ? "" : "s") of consecutive hours; with AUTO_SUSPEND \(suspend) s each run ends "
                    + "with up to \(suspend) s awake after the last query, \(suspend - threshold) s more than at "
                    + "\(threshold) s: \(ExactDecimal.text(tails.credits)) credits of idle tails.",
                meteredCredits: meteredCredits, savedParts: tails.parts,
                sql: AdviceSQL.warehouseAutoSuspend(warehouse: w.name, seconds: threshold),
                assumptions: [
                    "WAREHOUSE_METERING_HISTORY is hourly credits per warehouse and shows no queries: each run of "
                        + "consecutive metered hours (CREDITS_USED_COMPUTE above 0) is taken to end with a full "
                        + "AUTO_SUSPEND tail, of which the last \(suspend - threshold) s (AUTO_SUSPEND \(suspend) s "
                        + "− \(threshold) s) would not have been billed, at \(w.name)'s \(size.displayName) rate, "
                        + "\(ExactDecimal.text(size.creditsPerHour)) credit/h (Consumption Table 1(a), one "
                        + "cluster), and never more than the run's compute credits"
                        + (tails.cappedRuns > 0 ? " (\(tails.cappedRuns) run\(tails.cappedRuns == 1 ? " was" : "s were") capped)." : "."),
                    "A query that came within the old tail would have resumed the warehouse and paid its own 60 s "
                        + "minimum, which is not counted; a warehouse shared with other work (tasks, BI tools, "
                        + "other users) has tails that are not the notebooks', and its other users are affected too.",
                    "AUTO_SUSPEND \(suspend) s is SHOW WAREHOUSES' value as last pulled, taken to hold over the whole "
                        + "period; the notebooks are SHOW NOTEBOOKS' as last pulled.",
                ])
            a.account = key.account
            out.append(a)
        }
        return out
    }
}
