import Foundation

/// The time a compute pool existed: baselines (always on, the plan, the schedule estimate) and what-if policies
/// count only these hours, so a pool created on the 25th is not compared with a month of always-on.
///
/// Where it comes from, first found wins (README "Pool lifetimes"):
/// 1. `COMPUTE_POOLS` CREATED and DELETED (pulled), one interval per pool ID; a pool dropped and re-created has two;
/// 2. the pools file's `created` and `dropped`;
/// 3. for a cache without inventory (a CSV import), the first metered hour's start to the last metered hour's end:
///    an assumption, stated as one (a pool that idled suspended before its first metered hour is not counted then).
public struct PoolLifetime: Sendable, Hashable {
    /// Where a lifetime comes from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// ACCOUNT_USAGE.COMPUTE_POOLS (CREATED, DELETED).
        case inventory
        /// The pools file's `created` / `dropped` keys.
        case poolsFile = "pools file"
        /// The first and last metered hour in the cache (an assumption).
        case meteredHours = "metered hours"
        /// Nothing says when the pool existed; it is counted as existing throughout.
        case unbounded
        /// Nothing says the pool existed at all: a planned pool that was never metered and is not in the inventory.
        case none
    }

    /// The UTC intervals the pool existed in, sorted and merged; an open end is `Date.distantFuture`, an unknown
    /// start `Date.distantPast`.
    public let intervals: [DateInterval]
    /// Where the intervals come from.
    public let source: Source

    /// Creates a lifetime from intervals in any order (overlapping ones are merged).
    public init(intervals: [DateInterval], source: Source) {
        var merged: [DateInterval] = []
        for i in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, i.start <= last.end {
                merged[merged.count - 1] = DateInterval(start: last.start, end: max(last.end, i.end))
            } else {
                merged.append(i)
            }
        }
        self.intervals = merged
        self.source = source
    }

    /// A pool that existed throughout.
    public static let unbounded = PoolLifetime(intervals: [DateInterval(start: .distantPast, end: .distantFuture)],
                                               source: .unbounded)
    /// A pool nothing says existed.
    public static let none = PoolLifetime(intervals: [], source: .none)

    /// The lifetime from one created and one dropped instant (either nil = open).
    public static func between(_ created: Date?, _ dropped: Date?, source: Source) -> PoolLifetime {
        let start = created ?? .distantPast
        let end = dropped ?? .distantFuture
        return PoolLifetime(intervals: end > start ? [DateInterval(start: start, end: end)] : [], source: source)
    }

    /// True when the pool existed throughout `span`.
    public func covers(_ span: DateInterval) -> Bool {
        intervals.contains { $0.start <= span.start && $0.end >= span.end }
    }

    /// Whole seconds of `span` the pool existed in.
    public func seconds(in span: DateInterval) -> Int {
        if covers(span) { return Int(span.duration) }
        return intervals.reduce(0) { $0 + Int($1.overlapSeconds(with: span)) }
    }

    /// The parts of `intervals` (sorted, not overlapping) that fall in the lifetime.
    public func clip(_ spans: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for s in spans {
            for l in intervals {
                let a = max(s.start, l.start), b = min(s.end, l.end)
                if b > a { out.append(DateInterval(start: a, end: b)) }
            }
        }
        return out
    }

    /// `d` as ISO 8601 in UTC, `2024-04-25T00:00:00Z`: what `ISO8601DateFormatter().string(from:)` writes, made
    /// from integers for a whole second from 1970 to 9999 (a report stamps a thousand pools' lifetimes, and a
    /// formatter costs a quarter of a millisecond to make), else by the formatter itself.
    static func instantText(_ d: Date) -> String {
        let t = d.timeIntervalSince1970
        guard t >= 0, t < 253_402_300_800, t == t.rounded(.down) else { return ISO8601DateFormatter().string(from: d) }
        let seconds = Int(t)
        let date = CivilDate(daysSinceEpoch: seconds / 86_400)
        let s = seconds % 86_400
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(date)T\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60))Z"
    }

    /// The lifetime in words for a stamp: `from COMPUTE_POOLS: 2024-04-25T00:00:00Z to now`.
    public var summary: String {
        func t(_ d: Date) -> String {
            d == .distantPast ? "before the period" : d == .distantFuture ? "still existing" : Self.instantText(d)
        }
        let spans = intervals.map { "\(t($0.start)) to \(t($0.end))" }.joined(separator: ", ")
        switch source {
        case .inventory: return "COMPUTE_POOLS: \(spans)"
        case .poolsFile: return "pools file: \(spans)"
        case .meteredHours: return "assumed from the first and last metered hour (no inventory): \(spans)"
        case .unbounded: return "not known; counted as existing throughout"
        case .none: return "never metered and not in the inventory; counted as not existing"
        }
    }
}
