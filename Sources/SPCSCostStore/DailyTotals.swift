import Crypto
import Foundation
import GRDB
import GRDBSQLite
import SPCSCostCore

/// Metered credits of one pool on one local day, summed in SQLite (exact: integer nano-credits).
public struct DailyTotal: Sendable, Hashable {
    /// Pool name.
    public var pool: String
    /// Local day, as days since 1970-01-01 in the report's zone.
    public var day: Int
    /// Sum of CREDITS_USED.
    public var credits: NanoCredits
    /// Number of hourly rows.
    public var hours: Int
}

/// A stretch of time with one UTC offset: used to turn START_TIME into a local day inside SQLite.
public struct OffsetSegment: Sendable, Hashable {
    /// Epoch seconds (UTC) until which `offsetSeconds` holds (exclusive).
    public var until: Int64
    /// Seconds east of UTC.
    public var offsetSeconds: Int

    /// Creates a segment.
    public init(until: Int64, offsetSeconds: Int) {
        self.until = until
        self.offsetSeconds = offsetSeconds
    }

    /// The segments of `zone` over `[from, to)`: one per UTC offset in force (a DST zone has two or three a year).
    public static func segments(of zone: TimeZone, from: Date, to: Date) -> [OffsetSegment] {
        var out: [OffsetSegment] = []
        var t = from
        while t < to {
            let offset = zone.secondsFromGMT(for: t)
            let next = zone.nextDaylightSavingTimeTransition(after: t).map { min($0, to) } ?? to
            out.append(OffsetSegment(until: Int64(next.timeIntervalSince1970.rounded(.up)), offsetSeconds: offset))
            t = next > t ? next : to
        }
        return out
    }
}

extension UsageCache {
    /// The series key of one account's pool: pool name, organization and account as cached (upper case; `""` where
    /// the source named none, such as a CSV import).
    public struct SeriesOwner: Sendable, Hashable, Comparable {
        /// ORGANIZATION_NAME; `""` when not known.
        public var organization: String
        /// ACCOUNT_NAME; `""` when not known.
        public var account: String

        /// Creates an owner.
        public init(organization: String, account: String) {
            self.organization = organization
            self.account = account
        }

        /// Organization, then account.
        public static func < (a: SeriesOwner, b: SeriesOwner) -> Bool { (a.organization, a.account) < (b.organization, b.account) }
    }

    /// Calls `body` once per pool (in name order) with the pool's hours from `from` (rounded down to the hour) to
    /// `to`: `values[i]` is the CREDITS_USED nano-credits of the hour starting at `firstHour + i × 3600` (UTC epoch
    /// seconds), or `Int64.min` where the cache has no row; every organization and account of the name summed.
    /// Read from the per-month series blobs, so a year of a thousand pools comes in 12,000 reads, one pool at a time.
    /// - Throws: ``StoreError/database(path:reason:)``, or what `body` throws.
    public func forEachPoolSeries(from: Date, to: Date,
                                  _ body: (_ pool: String, _ firstHour: Int64, _ values: [Int64]) throws -> Void) throws {
        try forEachPoolAccountSeries(from: from, to: to) { pool, firstHour, accounts in
            try body(pool, firstHour, Self.summed(accounts.map(\.values)))
        }
    }

    /// The hour-by-hour sum of several accounts' series of one pool (`Int64.min` where none has a value).
    static func summed(_ series: [[Int64]]) -> [Int64] {
        guard var out = series.first else { return [] }
        for values in series.dropFirst() {
            for (i, v) in values.enumerated() where v != .min { out[i] = out[i] == .min ? v : out[i] &+ v }
        }
        return out
    }

    /// Calls `body` once per pool name (in name order) with each organization and account's hours of that name
    /// (in organization, then account order), each as ``forEachPoolSeries(from:to:_:)`` gives a pool's: what a run
    /// that prices each account at its own price reads. A cache of one account gives one series per call.
    /// - Throws: ``StoreError/database(path:reason:)``, ``StoreError/cachedRowOutOfRange(path:pool:hourStart:credits:)``,
    ///   or what `body` throws.
    public func forEachPoolAccountSeries(
        from: Date, to: Date,
        _ body: (_ pool: String, _ firstHour: Int64, _ accounts: [(owner: SeriesOwner, values: [Int64])]) throws -> Void
    ) throws {
        let firstHour = Int64(from.timeIntervalSince1970.rounded(.down)) / 3600 * 3600
        let end = Int64(to.timeIntervalSince1970.rounded(.up))
        let count = Int((end - firstHour + 3599) / 3600)
        guard count > 0 else { return }
        do {
            try db.read { db in
                // Each series blob is read once, in order: a small page cache for this read keeps a year's
                // 70 MB of blobs from staying in memory (the connection's 64 MB cache is restored after).
                try db.execute(sql: "PRAGMA cache_size = -4096")
                defer { try? db.execute(sql: "PRAGMA cache_size = -65536") }
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT compute_pool_name, organization, account, month_start, hours FROM spcs_series
                    WHERE month_start < ? AND month_start + 2678400 > ?
                    ORDER BY compute_pool_name, organization, account, month_start
                    """, arguments: [end, firstHour])
                var pool: String?
                var accounts: [(owner: SeriesOwner, values: [Int64])] = []
                // An hour holds at most the hourly bound, the first hour of a day with a day row the day's bound.
                let allowed = 0...UsageRecord.maximumCreditsUsed(for: .day).value
                while let row = try rows.next() {
                    let name: String = row[0]
                    if name != pool {
                        if let pool { try body(pool, firstHour, accounts) }
                        pool = name
                        accounts = []
                    }
                    let owner = SeriesOwner(organization: row[1], account: row[2])
                    if accounts.last?.owner != owner {
                        accounts.append((owner, [Int64](repeating: .min, count: count)))
                    }
                    let monthStart: Int64 = row[3]
                    let blob: Data = row[4]
                    let k = accounts.count - 1
                    let outOfRange: (hour: Int, nano: Int64)? = blob.withUnsafeBytes { raw in
                        let n = raw.count / 8
                        let offset = Int((monthStart - firstHour) / 3600)
                        for i in max(0, -offset)..<min(n, count - offset) {
                            let v = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                            if v != .min && !allowed.contains(v) { return (i, v) }
                            accounts[k].values[offset + i] = v
                        }
                        return nil
                    }
                    if let (hour, nano) = outOfRange {
                        throw StoreError.cachedRowOutOfRange(
                            path: path, pool: name, hourStart: Date(timeIntervalSince1970: TimeInterval(monthStart + Int64(hour) * 3600)),
                            credits: NanoCredits(nano))
                    }
                }
                if let pool { try body(pool, firstHour, accounts) }
            }
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            throw StoreError.database(path: path, reason: "\(e)")
        }
    }

    /// Credits and hourly rows per pool and local day for hours starting in `[from, to)`, the local day of each hour
    /// from `segments`; and a fingerprint of exactly those hours: hex SHA-256 over each pool's name and its hours'
    /// nano-credits in order, so two reports can be checked to have read the same data.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func meteredByDay(from: Date, to: Date, segments: [OffsetSegment]) throws
        -> (totals: [DailyTotal], checksum: String, rows: Int) {
        let read = try meteredParts(from: from, to: to, segments: segments)
        var totals: [DailyTotal] = []
        for part in read.parts {
            if let last = totals.last, last.pool == part.pool, last.day == part.localDay {
                totals[totals.count - 1].credits = NanoCredits(try ExactInt64.add(
                    last.credits.value, part.nanoCredits,
                    "the metered credits of pool \(part.pool) on \(CivilDate(daysSinceEpoch: part.localDay))"))
                totals[totals.count - 1].hours += part.hours
            } else {
                totals.append(DailyTotal(pool: part.pool, day: part.localDay, credits: NanoCredits(part.nanoCredits),
                                         hours: part.hours))
            }
        }
        return (totals, read.checksum, read.rows)
    }

    /// Credits and hourly rows per pool, account, local day (from `segments`) and UTC day, for hours starting in
    /// `[from, to)`: the parts the ledger prices (a local day east or west of UTC spans two UTC days, which may have
    /// two prices; two accounts may have two prices). Sorted by pool, local day, UTC day, account. The checksum is
    /// the one ``meteredByDay(from:to:segments:)`` gives, over each pool's hours summed across accounts (so a cache
    /// of one account has the checksum it had before the series were kept per account); `rows` counts those
    /// summed pool-hours.
    /// - Throws: ``StoreError/database(path:reason:)``, ``ArithmeticLimitError`` when a day does not sum in 64 bits.
    public func meteredParts(from: Date, to: Date, segments: [OffsetSegment]) throws
        -> (parts: [MeteredPart], checksum: String, rows: Int) {
        let a = Int64(from.timeIntervalSince1970.rounded(.down))
        let b = Int64(to.timeIntervalSince1970.rounded(.up))
        var parts: [MeteredPart] = []
        var hasher = SHA256()
        var rows = 0
        try forEachPoolAccountSeries(from: from, to: to) { pool, firstHour, accounts in
            hasher.update(data: Data(pool.utf8))
            let total = Self.summed(accounts.map(\.values))
            var kept: [Int64] = []
            kept.reserveCapacity(total.count)
            for (i, v) in total.enumerated() where v != .min {
                let start = firstHour + Int64(i) * 3600
                guard start >= a, start < b else { continue }
                kept.append(start)
                kept.append(v)
                rows += 1
            }
            kept.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            var poolParts: [MeteredPart] = []
            for (owner, values) in accounts {
                var perDay: [Int64: (Int64, Int)] = [:]  // key: local day × 2^20 + (UTC day − local day + 2)
                // The hours come in order, so a key's hours are summed as a run and the run added once to `perDay`
                // (a key met again, after a clock change, adds to its earlier runs).
                var runKey: Int64?, runCredits: Int64 = 0, runHours = 0
                func endRun() throws {
                    guard let key = runKey else { return }
                    if let earlier = perDay[key] {
                        perDay[key] = (try ExactInt64.add(earlier.0, runCredits, "the metered credits of pool \(pool) on \(CivilDate(daysSinceEpoch: Int(key >> 20)))"),
                                       earlier.1 + runHours)
                    } else {
                        perDay[key] = (runCredits, runHours)
                    }
                }
                var segment = 0
                for (i, v) in values.enumerated() where v != .min {
                    let start = firstHour + Int64(i) * 3600
                    guard start >= a, start < b else { continue }
                    while segment < segments.count - 1, start >= segments[segment].until { segment += 1 }
                    let local = start + Int64(segments.isEmpty ? 0 : segments[segment].offsetSeconds)
                    let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
                    let utc = start >= 0 ? start / 86_400 : (start - 86_399) / 86_400
                    let key = day << 20 + (utc - day + 2)
                    if key != runKey {
                        try endRun()
                        (runKey, runCredits, runHours) = (key, 0, 0)
                    }
                    runCredits = try ExactInt64.add(runCredits, v, "the metered credits of pool \(pool) on \(CivilDate(daysSinceEpoch: Int(day)))")
                    runHours += 1
                }
                try endRun()
                for key in perDay.keys.sorted() {
                    let (c, n) = perDay[key]!
                    let day = key >> 20
                    let utc = day + (key & 0xFFFFF) - 2
                    poolParts.append(MeteredPart(pool: pool, localDay: Int(day), utcDay: Int(utc), nanoCredits: c, hours: n,
                                                 organization: owner.organization, account: owner.account))
                }
            }
            // Stable: accounts stay in organization and account order within a day.
            var order = Array(poolParts.indices)
            order.sort { (poolParts[$0].localDay, poolParts[$0].utcDay, $0) < (poolParts[$1].localDay, poolParts[$1].utcDay, $1) }
            parts += order.map { poolParts[$0] }
        }
        return (parts, hasher.finalize().map { String(format: "%02x", $0) }.joined(), rows)
    }

    /// Per pool, the start of its first and the end of its last metered hour in the whole cache: the lifetime
    /// spcs-cost assumes for a pool the cache has no inventory row for (a CSV import). Read from the per-month
    /// series: the blobs of a pool's first and last month (one per account), not a scan of the hourly rows.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func meteredSpans() throws(StoreError) -> [String: DateInterval] {
        func hour(_ blob: Data, first: Bool) -> Int? {
            blob.withUnsafeBytes { raw in
                let n = raw.count / 8
                let order = first ? Array(0..<n) : Array((0..<n).reversed())
                return order.first { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) != .min }
            }
        }
        do {
            return try db.read { db in
                var starts: [String: Int64] = [:], ends: [String: Int64] = [:]
                let rows = try Row.fetchAll(db, sql: """
                    SELECT f.compute_pool_name, f.month_start, f.hours, f.month_start = s.first, f.month_start = s.last
                    FROM (SELECT compute_pool_name, MIN(month_start) AS first, MAX(month_start) AS last
                          FROM spcs_series GROUP BY compute_pool_name) s
                    JOIN spcs_series f ON f.compute_pool_name = s.compute_pool_name
                     AND (f.month_start = s.first OR f.month_start = s.last)
                    """)
                for row in rows {
                    let name: String = row[0]
                    let month: Int64 = row[1]
                    let blob: Data = row[2]
                    if row[3] as Bool, let a = hour(blob, first: true) {
                        let t = month + Int64(a) * 3600
                        starts[name] = min(starts[name] ?? t, t)
                    }
                    if row[4] as Bool, let b = hour(blob, first: false) {
                        let t = month + Int64(b + 1) * 3600
                        ends[name] = max(ends[name] ?? t, t)
                    }
                }
                var out: [String: DateInterval] = [:]
                for (name, a) in starts {
                    guard let b = ends[name] else { continue }
                    out[name] = DateInterval(start: Date(timeIntervalSince1970: TimeInterval(a)),
                                             end: Date(timeIntervalSince1970: TimeInterval(b)))
                }
                return out
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The organizations and accounts with metered rows (hourly or daily) starting in [`from`, `to`), sorted: what
    /// decides whether a run prices each account at its own price (two or more accounts) or at the run's. The
    /// series' keys of the period's months answer first (a few thousand keys, no blob read): when they name fewer
    /// than two accounts, those are returned (an account of those months may have no row in the period itself);
    /// otherwise the rows themselves are read, for the exact period.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func meteredAccounts(from: Date, to: Date) throws(StoreError) -> [SeriesOwner] {
        let a = Int64(from.timeIntervalSince1970.rounded(.down)), b = Int64(to.timeIntervalSince1970.rounded(.up))
        do {
            return try db.read { db in
                let months = try Row.fetchAll(db, sql: """
                    SELECT DISTINCT organization, account FROM spcs_series
                    WHERE month_start < ? AND month_start + 2678400 > ? ORDER BY 1, 2
                    """, arguments: [b, a]).map { SeriesOwner(organization: $0[0], account: $0[1]) }
                if Set(months.map(\.account)).count < 2 { return months }
                return try Row.fetchAll(db, sql: """
                    SELECT DISTINCT organization, account FROM spcs_history WHERE start_time >= ?1 AND start_time < ?2
                    UNION SELECT DISTINCT organization, account FROM spcs_daily WHERE start_time >= ?1 AND start_time < ?2
                    ORDER BY 1, 2
                    """, arguments: [a, b]).map { SeriesOwner(organization: $0[0], account: $0[1]) }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Per pool name metered in [`from`, `to`), every account its rows name (upper case; `""` for rows of no known
    /// account, such as a CSV import): what a pools file's entries are matched to
    /// (``poolAccounts(from:to:)`` keeps only a name's one account).
    /// When both ends fall on the hour (every caller's: UTC day starts) it is read from the series blobs, whose hour
    /// holds a value exactly when a row of that name and account starts in it (a day row in its day's first hour):
    /// 12 blobs a pool and account for a year instead of a scan of every hourly row. Otherwise from the rows.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func poolAccountSets(from: Date, to: Date) throws(StoreError) -> [String: Set<String>] {
        let a = Int64(from.timeIntervalSince1970.rounded(.down)), b = Int64(to.timeIntervalSince1970.rounded(.up))
        do {
            return try db.read { db in
                var out: [String: Set<String>] = [:]
                let seriesByAccount = try db.columns(in: "spcs_series").contains { $0.name == "account" }
                let bySeries = a % 3600 == 0 && b % 3600 == 0 && seriesByAccount
                guard bySeries else {
                    for row in try Row.fetchAll(db, sql: """
                        SELECT DISTINCT compute_pool_name, account FROM spcs_history WHERE start_time >= ?1 AND start_time < ?2
                        UNION SELECT DISTINCT compute_pool_name, account FROM spcs_daily WHERE start_time >= ?1 AND start_time < ?2
                        """, arguments: [a, b]) {
                        out[row[0] as String, default: []].insert(row[1] as String)
                    }
                    return out
                }
                // A month is at most 31 days (2,678,400 s) long.
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT compute_pool_name, account, month_start, hours FROM spcs_series
                    WHERE month_start < ? AND month_start + 2678400 > ?
                    """, arguments: [b, a])
                while let row = try rows.next() {
                    let name: String = row[0], account: String = row[1]
                    if out[name]?.contains(account) == true { continue }
                    let monthStart: Int64 = row[2]
                    let blob: Data = row[3]
                    let any = blob.withUnsafeBytes { raw in
                        let n = raw.count / 8
                        let lo = max(0, Int((a - monthStart) / 3600)), hi = min(n, Int((b - monthStart) / 3600))
                        guard lo < hi else { return false }
                        return (lo..<hi).contains {
                            Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) != .min
                        }
                    }
                    if any { out[name, default: []].insert(account) }
                }
                return out
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Account locators and the account names they stand for, both upper case, from the cached
    /// ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY rows (ACCOUNT_LOCATOR, ACCOUNT_NAME) and the locators `pull --org`
    /// read from the organization's SNOWPARK_CONTAINER_SERVICES_HISTORY, METERING_DAILY_HISTORY and ACCOUNTS (table
    /// `account_locators`): a connection named by locator keeps the locator as its rows' account, and a pools file may
    /// name an account by locator; this maps it to the name the rate sheet, the accounts' regions, an organization
    /// pull's rows and pools files may use. Empty when the cache has no such rows; a locator seen with two names keeps
    /// the first in name order.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func accountLocators() throws(StoreError) -> [String: String] {
        do {
            return try db.read { db in
                var out: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT UPPER(account_locator), UPPER(account_name) FROM usage_in_currency_daily
                    WHERE account_locator <> '' AND account_name <> ''
                    UNION SELECT locator, account FROM account_locators WHERE locator <> '' AND account <> ''
                    ORDER BY 1, 2
                    """) where out[row[0] as String] == nil {
                    out[row[0] as String] = row[1] as String
                }
                return out
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Per pool name metered in [`from`, `to`), the one account its rows name (upper case), or `""` when they name
    /// none or several: the account whose price a pool's planned and hypothetical figures take (`whatif`, `advise`,
    /// `reconcile`'s estimate). Read as ``poolAccountSets(from:to:)`` reads them.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func poolAccounts(from: Date, to: Date) throws(StoreError) -> [String: String] {
        try poolAccountSets(from: from, to: to).mapValues { $0.count == 1 ? $0.first! : "" }
    }

    /// One group of ``meteredByAccountPoolApplicationAndUTCDay(from:to:)``.
    public struct MeteredGroup: Sendable, Hashable {
        /// The account as cached: upper case, `""` when the source named none (a CSV import).
        public var account: String
        /// COMPUTE_POOL_NAME.
        public var pool: String
        /// APPLICATION_ID as text; `""` when the rows name none.
        public var applicationID: String
        /// The last non-NULL APPLICATION_NAME seen for ``applicationID`` (the cache's `application_names`, which keeps
        /// the name after the application is uninstalled and the view shows NULL); `""` when none was ever seen. For
        /// rows without an ID (a CSV export without the column), the rows' own APPLICATION_NAME.
        public var application: String
        /// The UTC day.
        public var utcDay: CivilDate
        /// CREDITS_USED × 10^9 summed, exact.
        public var nanoCredits: Int64
    }

    /// Metered credits per account, pool name, APPLICATION_ID and UTC day, for hourly and day rows starting in
    /// [`from`, `to`): what `report --by` groups and prices. Read with one grouped query (the per-month series sum
    /// every account and application of a pool name). Sorted by account, pool, application, day.
    /// - Throws: ``StoreError/database(path:reason:)`` (a sum beyond Int64 included).
    public func meteredByAccountPoolApplicationAndUTCDay(from: Date, to: Date) throws(StoreError) -> [MeteredGroup] {
        let a = Int64(from.timeIntervalSince1970.rounded(.down)), b = Int64(to.timeIntervalSince1970.rounded(.up))
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT g.account, g.pool, g.app, g.day, g.nano,
                           CASE WHEN g.app = '' THEN g.bare ELSE
                           COALESCE((SELECT n.application_name FROM application_names n WHERE n.application_id = g.app
                                     ORDER BY n.seen_at DESC LIMIT 1), '') END
                    FROM (SELECT account, compute_pool_name AS pool, COALESCE(application_id, '') AS app,
                                 start_time / 86400 AS day,
                                 CASE WHEN COALESCE(application_id, '') = '' THEN COALESCE(application_name, '') ELSE '' END
                                     AS bare,
                                 SUM(credits_used_nano) AS nano FROM (
                        SELECT account, compute_pool_name, application_id, application_name, start_time, credits_used_nano
                        FROM spcs_history WHERE start_time >= ?1 AND start_time < ?2
                        UNION ALL
                        SELECT account, compute_pool_name, application_id, application_name, start_time, credits_used_nano
                        FROM spcs_daily WHERE start_time >= ?1 AND start_time < ?2)
                    GROUP BY 1, 2, 3, 4, 5) g ORDER BY 1, 2, 3, 4, 6
                    """, arguments: [a, b]).map { row in
                    MeteredGroup(account: row[0], pool: row[1], applicationID: row[2], application: row[5],
                                 utcDay: CivilDate(daysSinceEpoch: row[3] as Int), nanoCredits: row[4])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Metered credits per account and UTC day, for hours starting in [`from`, `to`): the cache's side of the bill
    /// check, which compares each account's day with USAGE_IN_CURRENCY_DAILY. Read with one grouped query over the
    /// period's hourly and day rows (the per-month series sum every account of a pool name).
    /// - Returns: (account as cached: upper-case, `""` when the source named none, such as a CSV import; the UTC day;
    ///   CREDITS_USED × 10^9 summed), sorted by account then day.
    /// - Throws: ``StoreError/database(path:reason:)`` (a sum beyond Int64 included).
    public func meteredByAccountAndUTCDay(from: Date, to: Date) throws(StoreError)
        -> [(account: String, utcDay: CivilDate, nanoCredits: Int64)] {
        let a = Int64(from.timeIntervalSince1970.rounded(.down)), b = Int64(to.timeIntervalSince1970.rounded(.up))
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT account, start_time / 86400 AS day, SUM(credits_used_nano) FROM (
                        SELECT account, start_time, credits_used_nano FROM spcs_history WHERE start_time >= ?1 AND start_time < ?2
                        UNION ALL
                        SELECT account, start_time, credits_used_nano FROM spcs_daily WHERE start_time >= ?1 AND start_time < ?2)
                    GROUP BY account, day ORDER BY account, day
                    """, arguments: [a, b]).map { row in
                    (account: row[0] as String, utcDay: CivilDate(daysSinceEpoch: row[1] as Int), nanoCredits: row[2] as Int64)
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}
