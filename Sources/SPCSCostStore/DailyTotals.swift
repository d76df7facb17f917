import Crypto
import Foundation
import GRDB
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
    /// Credits per pool and local day for rows whose START_TIME lies in `[from, to)`, summed by SQLite in one scan
    /// (the local day of each row is computed in SQL from `segments`), ordered by pool then day.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func dailyTotals(from: Date, to: Date, segments: [OffsetSegment]) throws(StoreError) -> [DailyTotal] {
        var offsetSQL = "\(segments.last?.offsetSeconds ?? 0)"
        if segments.count > 1 {
            offsetSQL = "CASE"
            for s in segments.dropLast() { offsetSQL += " WHEN start_time < \(s.until) THEN \(s.offsetSeconds)" }
            offsetSQL += " ELSE \(segments.last!.offsetSeconds) END"
        }
        let sql = """
            SELECT compute_pool_name, (start_time + \(offsetSQL)) / 86400 AS day,
                   SUM(credits_used_nano), COUNT(*)
            FROM spcs_history WHERE start_time >= ? AND start_time < ?
            GROUP BY compute_pool_name, day ORDER BY compute_pool_name, day
            """
        let a = Int64(from.timeIntervalSince1970.rounded(.down))
        let b = Int64(to.timeIntervalSince1970.rounded(.up))
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: sql, arguments: [a, b]).map {
                    DailyTotal(pool: $0[0], day: $0[1], credits: NanoCredits($0[2] as Int64), hours: $0[3])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// A fingerprint of the rows with START_TIME in `[from, to)`: hex SHA-256 over their count, the sum of their
    /// credits and two position-weighted sums (integers, exact) (so a changed, moved or missing row changes it), computed in one SQL
    /// scan; and the row count.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func fingerprint(from: Date, to: Date) throws(StoreError) -> (checksum: String, rows: Int) {
        let a = Int64(from.timeIntervalSince1970.rounded(.down))
        let b = Int64(to.timeIntervalSince1970.rounded(.up))
        do {
            let row = try db.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT COUNT(*), IFNULL(SUM(credits_used_nano), 0),
                           IFNULL(SUM(((start_time / 3600) % 10007) * (credits_used_nano % 10009)), 0),
                           IFNULL(SUM(((length(compute_pool_name) * 7919 + unicode(compute_pool_name)) % 10037)
                                      * ((start_time / 3600) % 10039)), 0)
                    FROM spcs_history WHERE start_time >= ? AND start_time < ?
                    """, arguments: [a, b])!
            }
            let count: Int = row[0]
            let text = "\(count)|\(row[1] as Int64)|\(row[2] as Int64)|\(row[3] as Int64)"
            return (SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined(), count)
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}
