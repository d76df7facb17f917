import Foundation
import SPCSCostCore
import SPCSCostStore

/// What `spcs-cost reconcile` was asked.
public struct ReconcileOptions: Sendable {
    /// The pools file's contents.
    public var pools: PoolsFile
    /// First day, inclusive, in `timeZone`.
    public var from: CivilDate
    /// Last day, inclusive.
    public var to: CivilDate
    /// Zone of the days; nil = each pool's own zone.
    public var timeZone: TimeZone?
    /// Rate card of the estimate; nil = the pools file's, else the card in force on `from`.
    public var rateCardID: String?
    /// Days ending within this many hours of now are provisional (the views lag up to 3 hours and restate recent
    /// rows; spcs-facts §3). Default 24.
    public var provisionalHours: Int = 24
    /// How to price the reconciliation through the ledger (the shared price order); nil = credits only.
    public var price: PriceSettings?

    /// Creates options.
    public init(pools: PoolsFile, from: CivilDate, to: CivilDate) {
        self.pools = pools
        self.from = from
        self.to = to
    }
}

/// The reconciliation of every pool, with the pools that are only in the cache or only in the pools file.
public struct ReconcileResult: Sendable {
    /// One per pool, planned pools first (file order), then pools only in the cache (by name).
    public var pools: [PoolReconciliation]
    /// Pools metered in the cache but absent from the pools file.
    public var unplanned: [String]
    /// Pools in the pools file with no metered row in the period.
    public var unmetered: [String]
    /// Rate card of the estimate.
    public var rateCardID: String
    /// Notes the reader must see.
    public var warnings: [String]
    /// The period.
    public var from: CivilDate
    /// The period's last day.
    public var to: CivilDate
    /// The presentation currency of every amount; nil when not priced (credits only).
    public var currency: Currency?
    /// The prices and FX rates used, one entry per run of UTC days with the same price and rate; empty when not
    /// priced.
    public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []
    /// Planned block storage against metered, by pool, for the pools whose pools file entry plans storage; empty
    /// when not priced or none is planned. Already in each pool's money (``ReconcileMoney/plannedStorage``).
    public var storage: [String: StorageAgainstPlan] = [:]
}

/// Sets the estimate of a pools file against the metered rows in the cache (`spcs-cost reconcile`).
public struct ReconcileService: Sendable {
    /// The environment (catalog, clock).
    public let env: Environment

    /// Creates the service.
    public init(env: Environment) { self.env = env }

    /// Reconciles every pool of `options.pools` and every pool metered in the period.
    /// - Throws: ``PricingError`` when a rate is missing, ``StoreError``.
    public func reconcile(_ options: ReconcileOptions, cache: UsageCache) throws -> ReconcileResult {
        try EstimateError.requireOrdered(from: options.from, to: options.to)
        let catalog = env.catalog
        var warnings: [String] = []
        let runCard = try catalog.rateCard(id: options.rateCardID ?? options.pools.defaults.rateCardID, asOf: options.from, warnings: &warnings)
        let provisionalAfter = env.now().addingTimeInterval(-Double(options.provisionalHours) * 3600)
        // Rows of the whole period, with a day of margin for zones east and west of UTC; the variance by cause
        // needs hours.
        try GrainCheck.requireHours(cache, from: options.from.adding(days: -1).startInstant(in: TimeZone(identifier: "UTC")!),
                                    to: options.to.adding(days: 2).startInstant(in: TimeZone(identifier: "UTC")!),
                                    for: "reconcile (variance by cause)")
        let records = try cache.records(from: options.from.adding(days: -1).startInstant(in: TimeZone(identifier: "UTC")!),
                                        to: options.to.adding(days: 2).startInstant(in: TimeZone(identifier: "UTC")!))
        let byPool = Dictionary(grouping: records, by: \.computePoolName)
        var results: [PoolReconciliation] = []
        var unmetered: [String] = []
        for entry in options.pools.pools {
            let plan = entry.plan
            let card = try entry.rateCardID.map { try catalog.rateCard(id: $0) } ?? runCard
            let rate = try catalog.rate(of: plan.pool.family, on: card).creditsPerNodeHour
            let zone = options.timeZone ?? plan.zone
            let rows = byPool[plan.pool.name] ?? []
            let r = Reconciler.reconcile(
                pool: plan.pool.name, plan: plan, records: rows, from: options.from, through: options.to, zone: zone,
                estimateRate: rate,
                rateInForce: rateInForce(family: plan.pool.family, pinned: entry.rateCardID, fallback: rate),
                provisionalAfter: provisionalAfter)
            if r.meteredCredits == 0 { unmetered.append(plan.pool.name) }
            // Metered usage ran: a family its region does not offer is a warning here, never an error.
            if let region = entry.region ?? options.pools.defaults.region,
               let w = EstimateService(catalog: catalog).offerWarning(family: plan.pool.family, regionText: region,
                                                                       pool: plan.pool.name) {
                warnings.append(w)
            }
            results.append(r)
        }
        let planned = Set(options.pools.pools.map(\.plan.pool.name))
        let zone = options.timeZone ?? TimeZone(identifier: "UTC")!
        let periodStart = options.from.startInstant(in: zone)
        let periodEnd = options.to.adding(days: 1).startInstant(in: zone)
        var unplanned: [String] = []
        for (name, rows) in byPool.sorted(by: { $0.key < $1.key }) where !planned.contains(name) {
            let inPeriod = rows.filter { $0.startTime >= periodStart && $0.startTime < periodEnd }
            guard !inPeriod.isEmpty else { continue }
            unplanned.append(name)
            results.append(Reconciler.reconcile(pool: name, plan: nil, records: inPeriod, from: options.from,
                                                through: options.to, zone: zone, estimateRate: 0,
                                                rateInForce: { _ in 1 }, provisionalAfter: provisionalAfter))
        }
        if !unplanned.isEmpty {
            warnings.append("metered but not in the pools file: \(unplanned.joined(separator: ", ")); their credits "
                            + "are reported as unexplained. Add them to the pools file to reconcile them.")
        }
        if !unmetered.isEmpty {
            warnings.append("in the pools file but not metered in the period: \(unmetered.joined(separator: ", ")).")
        }
        var result = ReconcileResult(pools: results, unplanned: unplanned, unmetered: unmetered, rateCardID: runCard.id,
                                     warnings: warnings, from: options.from, to: options.to)
        if let settings = options.price {
            // Every amount through the ledger: the same price and FX per UTC day as `report`.
            let utc = TimeZone(identifier: "UTC")!
            var zones: [TimeZone] = results.map { r in options.timeZone ?? r.plan?.zone ?? zone }
            if zones.isEmpty { zones = [zone] }
            let first = zones.map { CivilDate.of(options.from.startInstant(in: $0), in: utc) }.min()!
            let last = zones.map { CivilDate.of(options.to.adding(days: 1).startInstant(in: $0).addingTimeInterval(-1), in: utc) }.max()!
            var priceWarnings: [String] = []
            let pricing = try LedgerPricing.make(settings, catalog: catalog, cache: cache, period: first...last,
                                                 warnings: &priceWarnings)
            var rates = try pricing.rates(for: first...last)
            // Accounts at their own prices: each account's rows priced apart, the estimate at the pool's account's.
            var pricedPools = byPool
            var poolAccounts: [String: String] = [:]
            if rates.pricesByAccount {
                let wideStart = options.from.adding(days: -1).startInstant(in: utc)
                let wideEnd = options.to.adding(days: 2).startInstant(in: utc)
                pricedPools = Dictionary(grouping: try cache.records(from: wideStart, to: wideEnd, byAccount: true),
                                         by: \.computePoolName)
                poolAccounts = try cache.poolAccounts(from: wideStart, to: wideEnd)
            }
            // The pools file's `account` of an entry (a name metered in several accounts must have one: exit 64).
            let utcStart = first.startInstant(in: utc), utcEnd = last.adding(days: 1).startInstant(in: utc)
            for (pool, account) in try options.pools.plannedAccounts(
                meteredAccounts: try cache.poolAccountSets(from: utcStart, to: utcEnd),
                locators: try cache.accountLocators()) {
                poolAccounts[pool] = account
            }
            // Planned block storage and snapshots against the metered (money only, README "Planned storage").
            let storage = try StorageAgainstPlan.forPools(
                options.pools, cache: cache, pricing: pricing, from: options.from, through: options.to,
                zone: { options.timeZone ?? $0.plan.zone }, warnings: &priceWarnings)
            for i in result.pools.indices {
                let z = zones[i]
                let start = options.from.startInstant(in: z), end = options.to.adding(days: 1).startInstant(in: z)
                let rows = (pricedPools[result.pools[i].pool] ?? []).filter { $0.startTime >= start && $0.startTime < end }
                try result.pools[i].price(metered: try MeteredPart.parts(of: rows, zone: z), zone: z, rates: &rates,
                                          account: poolAccounts[result.pools[i].pool] ?? "",
                                          storage: storage[result.pools[i].pool])
            }
            result.storage = storage
            result.warnings += priceWarnings.filter { !result.warnings.contains($0) }
            result.currency = pricing.currency
            result.priceRuns = rates.priceRuns
        }
        return result
    }

    /// The rate of `family` in force on a day: the pool's pinned card, else the card in force by date; the
    /// estimate's rate when no card in force lists the family. Each day is looked up once (``RatesByDay``); the
    /// function may be called from several threads at once.
    func rateInForce(family: InstanceFamily, pinned: String?, fallback: Decimal) -> (CivilDate) -> Decimal {
        let catalog = env.catalog
        let cache = RatesByDay()
        return { day in
            cache.rate(on: day) {
                guard pinned == nil, let card = try? catalog.rateCard(asOf: day).item, let r = card.rate(for: family) else {
                    return fallback
                }
                return r.creditsPerNodeHour
            }
        }
    }
}

/// The rates in force by day that ``ReconcileService/rateInForce(family:pinned:fallback:)`` has looked up, safe to
/// ask from several threads at once (`whatif` re-prices pools on every core).
final class RatesByDay: @unchecked Sendable {
    private let lock = NSLock()
    private var rates: [CivilDate: Decimal] = [:]

    /// The rate on `day`: the one kept, else `make()`'s, kept.
    func rate(on day: CivilDate, make: () -> Decimal) -> Decimal {
        lock.lock()
        defer { lock.unlock() }
        if let r = rates[day] { return r }
        let r = make()
        rates[day] = r
        return r
    }
}

extension StorageAgainstPlan {
    /// Every pool of `pools` that plans block storage or snapshots, set against the cache's BLOCK_STORAGE_HISTORY
    /// (priced by ``CurrencyBilledParts/priceByAccount(_:computeByAccountAndUTCDay:pricing:days:)`` over the UTC days
    /// that touch the period) over the days `from...through` of each pool's zone: the one comparison `reconcile`,
    /// `report` and `nightly` share. The account's metered snapshots are shared among the pools that plan snapshots
    /// (``meteredByPool(rows:snapshotGiB:bytesPerTB:)``).
    /// - Parameters:
    ///   - zone: the zone of a pool's days.
    ///   - warnings: told when storage is planned but the run's region has no unit prices.
    /// - Returns: by pool name; empty when no pool plans storage.
    /// - Throws: ``StoreError`` reading the cache, ``FXBookError`` converting a price.
    public static func forPools(_ pools: PoolsFile, cache: UsageCache, pricing: Pricing, from: CivilDate,
                                through: CivilDate, zone: (PoolsFile.Entry) -> TimeZone,
                                warnings: inout [String]) throws -> [String: StorageAgainstPlan] {
        let planning = pools.pools.filter { $0.storage != nil }
        guard !planning.isEmpty else { return [:] }
        guard let book = pricing.unitPrices else {
            warnings.append("no unit price table lists the run's region: the planned block storage and snapshots of "
                + planning.map(\.plan.pool.name).joined(separator: ", ") + " are not priced or reconciled; pass "
                + "--region with a region of catalog/dollar-prices-*.json.")
            return [:]
        }
        // UTC days that touch the period in any zone (a day of margin each side).
        let first = from.adding(days: -1), last = through.adding(days: 1)
        let input = try cache.storageAndTransfer(from: first, to: last)
        let rows = try CurrencyBilledParts.priceByAccount(input, computeByAccountAndUTCDay: [:], pricing: pricing,
                                                          days: first...last).rows
        var snapshotGiB: [String: Decimal] = [:]
        for e in planning { snapshotGiB[e.plan.pool.name, default: 0] += e.storage!.totalSnapshotGiB }
        let metered = meteredByPool(rows: rows, snapshotGiB: snapshotGiB,
                                    bytesPerTB: book.table(on: from).table.units.bytesPerTB)
        var out: [String: StorageAgainstPlan] = [:]
        for e in planning where out[e.plan.pool.name] == nil {
            let name = e.plan.pool.name
            out[name] = try compare(pool: name, plan: e.storage, metered: metered[name] ?? [], from: from,
                                    through: through, zone: zone(e), pricing: pricing)
        }
        return out
    }
}
