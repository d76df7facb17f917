import Foundation
import SPCSCostCore
import SPCSCostStore

/// The lifetimes of a run's pools, first found wins (README "Pool lifetimes"): the cached COMPUTE_POOLS CREATED and
/// DELETED > the pools file's `created` / `dropped` > the first and last metered hour in the cache (an assumption,
/// collected in ``assumed``). `report`, `nightly` and `whatif` resolve lifetimes here, so they count the same hours.
public struct PoolLifetimes {
    /// The cached COMPUTE_POOLS rows by pool name.
    public let inventory: [String: [ComputePoolRecord]]
    private let cache: UsageCache
    private var spans: [String: DateInterval]?
    /// Pools whose lifetime is assumed from their metered hours, in the order met.
    public private(set) var assumed: [String] = []

    /// Reads the inventory of `cache`.
    /// - Throws: ``StoreError``.
    public init(cache: UsageCache) throws {
        var byName: [String: [ComputePoolRecord]] = [:]
        for r in try cache.computePools() { byName[r.name, default: []].append(r) }
        inventory = byName
        self.cache = cache
    }

    /// The lifetime of pool `name`.
    /// - Parameters:
    ///   - planned: the pool's pools-file entry, if any.
    ///   - metered: true when the pool has metered rows in the run's period.
    /// - Returns: `.none` for a planned pool never metered and not in the inventory (nothing says it existed);
    ///   `.unbounded` for a metered pool the cache has no span of.
    /// - Throws: ``StoreError``.
    public mutating func lifetime(of name: String, planned: PoolsFile.Entry?, metered: Bool) throws -> PoolLifetime {
        if let recs = inventory[name], recs.contains(where: { $0.created != nil }) {
            return PoolLifetime(intervals: recs.compactMap { r in
                let a = r.created ?? .distantPast, b = r.deleted ?? .distantFuture
                return b > a ? DateInterval(start: a, end: b) : nil
            }, source: .inventory)
        }
        if let e = planned, e.created != nil || e.dropped != nil {
            return .between(e.created, e.dropped, source: .poolsFile)
        }
        guard metered else { return .none }
        if spans == nil { spans = try cache.meteredSpans() }
        guard let span = spans?[name] else { return .unbounded }
        if !assumed.contains(name) { assumed.append(name) }
        return PoolLifetime(intervals: [span], source: .meteredHours)
    }

    /// Reads the cache's first and last metered hour of every pool now, so that later ``lifetime(of:planned:metered:)``
    /// calls do not read the cache (a run that calls them while it reads the cache's series).
    /// - Throws: ``StoreError``.
    public mutating func readMeteredSpans() throws {
        if spans == nil { spans = try cache.meteredSpans() }
    }

    /// Puts ``assumed`` in the order of `names` (the pools file's order, whatever order the pools were met in);
    /// names not in `names` keep their place after them.
    public mutating func orderAssumed(as names: [String]) {
        var rank: [String: Int] = [:]
        for (i, n) in names.enumerated() where rank[n] == nil { rank[n] = i }
        assumed = assumed.enumerated().sorted { a, b in
            (rank[a.element] ?? names.count + a.offset, a.offset) < (rank[b.element] ?? names.count + b.offset, b.offset)
        }.map(\.element)
    }

    /// The warning a run shows when some lifetimes are assumed; nil when none is.
    public var assumedWarning: String? {
        guard !assumed.isEmpty else { return nil }
        return "the cache has no COMPUTE_POOLS row for \(assumed.joined(separator: ", ")); each is "
            + "taken to exist from its first to its last metered hour in the cache (an assumption: set created and "
            + "dropped in the pools file, or pull COMPUTE_POOLS, to count the hours it idled before or after)."
    }
}
