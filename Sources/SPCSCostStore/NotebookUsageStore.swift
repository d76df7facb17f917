import Foundation
import GRDB
import SPCSCostCore

extension UsageCache {
    /// NOTEBOOKS_CONTAINER_RUNTIME_HISTORY rows whose START_TIME lies in [`from`, `to`) (either bound nil = open), as
    /// cached (`''` names read back as nil for SERVICE_NAME, an ID of -1 as nil), ordered by pool, start, notebook,
    /// user.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func notebookUsage(from: Date? = nil, to: Date? = nil) throws(StoreError) -> [NotebookUsageRecord] {
        var filter = ""
        var args: [(any DatabaseValueConvertible)?] = []
        if let from { filter += " AND start_time >= ?"; args.append(Int64(from.timeIntervalSince1970.rounded(.down))) }
        if let to { filter += " AND start_time < ?"; args.append(Int64(to.timeIntervalSince1970.rounded(.up))) }
        let sql = """
            SELECT start_time, end_time, notebook_name, notebook_id, user_name, user_id, compute_pool_name,
                   compute_pool_id, service_name, service_id, execution_time_secs, credits_nano, organization, account
            FROM notebook_usage WHERE 1 = 1\(filter)
            ORDER BY compute_pool_name, start_time, notebook_name, user_name, organization, account, service_name
            """
        let arguments = StatementArguments(args)
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).map { r in
                    NotebookUsageRecord(
                        startTime: Date(timeIntervalSince1970: TimeInterval(r[0] as Int64)),
                        endTime: Date(timeIntervalSince1970: TimeInterval(r[1] as Int64)),
                        notebookName: r[2], notebookID: (r[3] as Int64).flatMapNegative, userName: r[4], userID: r[5],
                        computePoolName: r[6], computePoolID: r[7],
                        serviceName: (r[8] as String).isEmpty ? nil : r[8], serviceID: r[9], executionSeconds: r[10],
                        credits: NanoCredits(r[11] as Int64), organization: r[12], account: r[13])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The last non-NULL APPLICATION_NAME seen per APPLICATION_ID, by organization, account and ID.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func applicationNames() throws(StoreError) -> [ApplicationName] {
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT organization, account, application_id, application_name, seen_at FROM application_names
                    ORDER BY organization, account, application_id
                    """).map { r in
                    ApplicationName(organization: r[0], account: r[1], applicationID: r[2], name: r[3],
                                    seenAt: Date(timeIntervalSince1970: TimeInterval(r[4] as Int64)))
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// APPLICATION_ID → the newest name seen for it in any account (``applicationNames()``).
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func applicationNameByID() throws(StoreError) -> [String: String] {
        var out: [String: ApplicationName] = [:]
        for a in try applicationNames() where out[a.applicationID].map({ $0.seenAt <= a.seenAt }) ?? true {
            out[a.applicationID] = a
        }
        return out.mapValues(\.name)
    }
}

extension Int64 {
    /// Nil for a negative value (the cache's "no ID"), else the value.
    var flatMapNegative: Int64? { self < 0 ? nil : self }
}

extension UsageCache {
    /// Whether [`from`, `to`) has anything "Who used it" attributes: a notebook row, or a metered row that names an
    /// APPLICATION_ID. Cheap when the answer is no notebooks and no application ever (one pass over the window's rows,
    /// stopping at the first application row), so `report` skips the grouped read otherwise.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func hasAttributionInputs(from: Date, to: Date) throws(StoreError) -> Bool {
        let a = Int64(from.timeIntervalSince1970.rounded(.down)), b = Int64(to.timeIntervalSince1970.rounded(.up))
        do {
            return try db.read { db in
                try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM notebook_usage WHERE start_time >= ?1 AND start_time < ?2)
                        OR EXISTS (SELECT 1 FROM spcs_history WHERE start_time >= ?1 AND start_time < ?2
                                   AND application_id IS NOT NULL AND application_id <> '')
                        OR EXISTS (SELECT 1 FROM spcs_daily WHERE start_time >= ?1 AND start_time < ?2
                                   AND application_id IS NOT NULL AND application_id <> '')
                    """, arguments: [a, b]) ?? false
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// What "Who used it" (``UsageAttribution``) needs for START_TIME in [`from`, `to`): the metered rows, summed in
    /// SQLite where the detail does not matter (exact integer nano-credits), and the notebook rows.
    ///
    /// Metered rows: on a pool name that has notebook rows in the window, each stored row without an APPLICATION_ID
    /// as it is (its hour, or its UTC day at grain day, summed over accounts and pool IDs); every other row summed per
    /// pool name, APPLICATION_ID (text; `''` = none, read back as nil) and UTC day, as a day row (what the ledger
    /// prices by is the UTC day, so the sums price the same).
    /// - Returns: the metered rows ordered by pool, start, application; the notebook rows as ``notebookUsage(from:to:)``.
    /// - Throws: ``StoreError/database(path:reason:)`` (a sum beyond Int64 included).
    public func attributionRows(from: Date, to: Date) throws(StoreError)
        -> (metered: [UsageAttribution.MeteredRow], notebooks: [NotebookUsageRecord]) {
        let a = Int64(from.timeIntervalSince1970.rounded(.down)), b = Int64(to.timeIntervalSince1970.rounded(.up))
        let notebooks = try notebookUsage(from: from, to: to)
        let notebookPools = Set(notebooks.map(\.computePoolName))
        let metered: [UsageAttribution.MeteredRow]
        do {
            metered = try db.read { db in
                let pools = Array(notebookPools)
                let inList = pools.isEmpty ? "''" : pools.map { _ in "?" }.joined(separator: ",")
                let detailed = "(COALESCE(r.app, '') = '' AND r.pool IN (\(inList)))"
                let day = "(r.s - ((r.s % 86400) + 86400) % 86400)"
                let sql = """
                    SELECT r.pool, CASE WHEN \(detailed) THEN r.s ELSE \(day) END AS t,
                           CASE WHEN \(detailed) THEN r.d ELSE 1 END AS g, COALESCE(r.app, '') AS app, SUM(r.c)
                    FROM (SELECT compute_pool_name AS pool, start_time AS s, 0 AS d, application_id AS app,
                                 credits_used_nano AS c FROM spcs_history WHERE start_time >= ? AND start_time < ?
                          UNION ALL
                          SELECT compute_pool_name, start_time, 1, application_id, credits_used_nano FROM spcs_daily
                          WHERE start_time >= ? AND start_time < ?) r
                    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 4
                    """
                // The two IN lists come first in the text, then the window twice.
                var args: [(any DatabaseValueConvertible)?] = pools + pools
                args += [a, b, a, b]
                let arguments = StatementArguments(args)
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { r in
                    let app: String = r[3]
                    return UsageAttribution.MeteredRow(
                        pool: r[0], start: Date(timeIntervalSince1970: TimeInterval(r[1] as Int64)),
                        grain: (r[2] as Int64) == 1 ? .day : .hour, applicationID: app.isEmpty ? nil : app,
                        credits: NanoCredits(r[4] as Int64))
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
        return (metered, notebooks)
    }
}
