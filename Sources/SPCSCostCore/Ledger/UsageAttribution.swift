import Foundation

/// "Who used it": a period's metered SPCS credits attributed, through the priced ledger, to notebooks and their users
/// (NOTEBOOKS_CONTAINER_RUNTIME_HISTORY), to native applications (SNOWPARK_CONTAINER_SERVICES_HISTORY's
/// APPLICATION_ID), and for a pool that ran notebooks the share no notebook used, as an idle line.
///
/// Rules, per pool name and metered row period (an hour, or a UTC day for a `--grain day` row):
/// - credits of rows that name an APPLICATION_ID are the application's (``Kind/application``);
/// - on a pool that ran any notebook in the period, each notebook row's CREDITS are that notebook's and user's
///   (``Kind/notebook``, priced at its hour's UTC day), and the pool's other credits of the period minus the
///   notebooks' credits there are idle (``Kind/idle``), never below zero: where the notebooks' credits exceed the
///   pool's, the idle share is zero and a warning names the hours (the table then adds up to more than was metered);
/// - every other credit is the pool's own services' (``Kind/other``).
/// A notebook row is set against its pool's hourly row, else the pool's day row of its UTC day. Every amount is the
/// ledger's: ``DayRates/charge(_:onUTCDay:)`` of the row period's UTC day, so the lines of a period add up to its
/// metered amount exactly (when no hour is over).
public struct UsageAttribution: Sendable, Hashable {
    /// What a line attributes credits to.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A notebook run by a user on a pool.
        case notebook
        /// A native application's pools.
        case application
        /// A notebook pool's credits no notebook used.
        case idle
        /// A pool's credits of services that are neither a notebook nor an application.
        case other
    }

    /// One line: a kind, the pool, and who (notebook and user, or application), with its credits and cost.
    public struct Line: Sendable, Hashable {
        /// What the credits are attributed to.
        public var kind: Kind
        /// COMPUTE_POOL_NAME.
        public var pool: String
        /// NOTEBOOK_NAME (``Kind/notebook`` only).
        public var notebook: String?
        /// USER_NAME (``Kind/notebook`` only).
        public var user: String?
        /// APPLICATION_ID as text (``Kind/application`` only).
        public var applicationID: String?
        /// The last non-NULL APPLICATION_NAME seen for the ID (``Kind/application``); nil when no row ever named it.
        public var applicationName: String?
        /// Credits and their exact cost in the presentation currency.
        public var usage: ChargeSum
    }

    /// A metered row as the cache holds it (hourly, or a UTC day at `--grain day`).
    public struct MeteredRow: Sendable, Hashable {
        /// COMPUTE_POOL_NAME.
        public var pool: String
        /// START_TIME (UTC): the hour's start, or the UTC day's 00:00 for a day row.
        public var start: Date
        /// `.hour` or `.day`.
        public var grain: LedgerGrain
        /// APPLICATION_ID as text; nil when the row names none.
        public var applicationID: String?
        /// CREDITS_USED.
        public var credits: NanoCredits

        /// Creates a row; see the properties.
        public init(pool: String, start: Date, grain: LedgerGrain, applicationID: String?, credits: NanoCredits) {
            self.pool = pool
            self.start = start
            self.grain = grain
            self.applicationID = applicationID
            self.credits = credits
        }
    }

    /// The lines: notebooks, applications, idle, other; each by pool, then notebook and user or application ID.
    public var lines: [Line]
    /// Metered credits of the period and their cost (every metered row given).
    public var metered: ChargeSum
    /// Hours (or day rows) whose notebooks' credits exceed the pool's metered credits, as `POOL at
    /// 2024-04-01T10:00:00Z`, in order.
    public var overHours: [String]
    /// Finished sentences for the report's warnings (empty when no hour is over).
    public var warnings: [String]

    /// True when the period has a notebook or an application line (what makes the report show the table).
    public var hasAttribution: Bool { lines.contains { $0.kind == .notebook || $0.kind == .application } }

    /// Attributes `metered` (every metered row of the period) with `notebooks` (the NOTEBOOKS_CONTAINER_RUNTIME_HISTORY
    /// rows of the same period), priced by `rates`.
    /// - Parameter applicationNames: APPLICATION_ID → last non-NULL name.
    /// - Throws: ``FXBookError`` when a day cannot be priced.
    public static func attribute(metered: [MeteredRow], notebooks: [NotebookUsageRecord],
                                 applicationNames: [String: String], rates: inout DayRates) throws(FXBookError) -> UsageAttribution {
        struct BucketKey: Hashable { var pool: String; var start: Int64; var grain: LedgerGrain }
        func seconds(_ d: Date) -> Int64 { Int64(d.timeIntervalSince1970.rounded(.down)) }
        func utcDay(_ s: Int64) -> Int { Int(s >= 0 ? s / 86_400 : (s - 86_399) / 86_400) }
        let currency = rates.currency
        var total = ChargeSum.zero(currency)
        // Credits of each pool period not attributed to an application.
        var ownCredits: [BucketKey: Int64] = [:]
        var appSums: [String: [String: ChargeSum]] = [:]  // pool → application ID → sum
        var otherSums: [String: ChargeSum] = [:]
        for r in metered {
            let s = seconds(r.start)
            let charge = try rates.charge(r.credits.credits, onUTCDay: utcDay(s))
            total += charge
            if let id = r.applicationID {
                appSums[r.pool, default: [:]][id, default: .zero(currency)] += charge
            } else {
                ownCredits[BucketKey(pool: r.pool, start: s, grain: r.grain), default: 0] += r.credits.value
            }
        }
        let notebookPools = Set(notebooks.map(\.computePoolName))
        struct NotebookKey: Hashable { var pool: String; var notebook: String; var user: String }
        var notebookSums: [NotebookKey: ChargeSum] = [:]
        var usedByNotebooks: [BucketKey: Int64] = [:]
        for n in notebooks {
            let s = seconds(n.startTime)
            let hourKey = BucketKey(pool: n.computePoolName, start: s - ((s % 3600) + 3600) % 3600, grain: .hour)
            let dayKey = BucketKey(pool: n.computePoolName, start: Int64(utcDay(s)) * 86_400, grain: .day)
            let key = ownCredits[hourKey] == nil && ownCredits[dayKey] != nil ? dayKey : hourKey
            usedByNotebooks[key, default: 0] += n.credits.value
            notebookSums[NotebookKey(pool: n.computePoolName, notebook: n.notebookName, user: n.userName),
                         default: .zero(currency)] += try rates.charge(n.credits.credits, onUTCDay: utcDay(s))
        }
        var idleSums: [String: ChargeSum] = [:]
        var over: [(BucketKey, Int64, Int64)] = []
        let keys = Set(ownCredits.keys).union(usedByNotebooks.keys)
        for key in keys.sorted(by: { ($0.pool, $0.start) < ($1.pool, $1.start) }) {
            let own = ownCredits[key] ?? 0
            guard notebookPools.contains(key.pool) else {
                otherSums[key.pool, default: .zero(currency)] += try rates.charge(NanoCredits(own).credits,
                                                                                  onUTCDay: utcDay(key.start))
                continue
            }
            let used = usedByNotebooks[key] ?? 0
            if used > own { over.append((key, used, own)) }
            idleSums[key.pool, default: .zero(currency)] += try rates.charge(NanoCredits(max(0, own - used)).credits,
                                                                             onUTCDay: utcDay(key.start))
        }
        var lines: [Line] = []
        for (k, sum) in notebookSums.sorted(by: { ($0.key.pool, $0.key.notebook, $0.key.user) < ($1.key.pool, $1.key.notebook, $1.key.user) }) {
            lines.append(Line(kind: .notebook, pool: k.pool, notebook: k.notebook, user: k.user, usage: sum))
        }
        for pool in appSums.keys.sorted() {
            for (id, sum) in appSums[pool]!.sorted(by: { $0.key < $1.key }) {
                lines.append(Line(kind: .application, pool: pool, applicationID: id, applicationName: applicationNames[id],
                                  usage: sum))
            }
        }
        for pool in idleSums.keys.sorted() { lines.append(Line(kind: .idle, pool: pool, usage: idleSums[pool]!)) }
        for pool in otherSums.keys.sorted() where otherSums[pool]!.quantity != 0 {
            lines.append(Line(kind: .other, pool: pool, usage: otherSums[pool]!))
        }
        let iso = ISO8601DateFormatter()
        let overText = over.map { "\($0.0.pool) at \(iso.string(from: Date(timeIntervalSince1970: TimeInterval($0.0.start))))" }
        var warnings: [String] = []
        if !over.isEmpty {
            let extra = over.reduce(Int64(0)) { $0 + ($1.1 - $1.2) }
            warnings.append("NOTEBOOKS_CONTAINER_RUNTIME_HISTORY gives more credits than the pool metered in \(over.count) "
                + "hour\(over.count == 1 ? "" : "s") (\(overText.prefix(3).joined(separator: ", "))"
                + "\(over.count > 3 ? ", ..." : "")), \(NanoCredits(extra)) credits in all: those hours have no idle share, "
                + "and the \"Who used it\" lines add up to more than was metered; the notebook view may lag the pool's "
                + "(pull again later)")
        }
        return UsageAttribution(lines: lines, metered: total, overHours: overText, warnings: warnings)
    }
}
