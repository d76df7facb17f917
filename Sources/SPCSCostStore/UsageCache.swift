import Crypto
import Foundation
import GRDB
import SPCSCostCore

/// The local SQLite cache of metered SPCS usage.
///
/// Tables (schema versioned by migrations, see ``UsageCache/migrator``):
/// - `spcs_history`: hourly rows of `SNOWPARK_CONTAINER_SERVICES_HISTORY`, keyed by (COMPUTE_POOL_NAME,
///   START_TIME) so loading the same hour of the same pool again replaces the row instead of adding one.
///   Instants are UTC epoch seconds; CREDITS_USED is an integer count of nano-credits, so `SUM` stays exact
///   (SQLite has no decimal type; a REAL or TEXT sum would go through floating point).
/// - `loads`: one row per import or pull: when (UTC), source, kind, row count, checksum, window, details.
///
/// Every load runs in one transaction: it lands whole or not at all.
public final class UsageCache: Sendable {
    let db: DatabaseQueue
    /// The file path, or `:memory:`.
    public let path: String

    /// The newest schema version this build knows (the number of migrations).
    public static var schemaVersion: Int { migrationIDs.count }

    /// Opens (creating when missing) the cache at `location` and migrates it to ``schemaVersion``.
    /// - Throws: ``StoreError/cannotOpen(path:reason:)``, or ``StoreError/newerSchema(path:found:known:)`` when
    ///   the file was written by a newer spcs-cost (it is left untouched).
    public init(_ location: CacheLocation) throws(StoreError) {
        var config = Configuration()
        config.busyMode = .timeout(5)
        do {
            switch location {
            case .memory:
                path = ":memory:"
                db = try DatabaseQueue(configuration: config)
            case let .path(p):
                path = p
                let dir = (p as NSString).deletingLastPathComponent
                if !dir.isEmpty {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                }
                db = try DatabaseQueue(path: p, configuration: config)
            }
        } catch {
            let p: String
            if case let .path(x) = location { p = x } else { p = ":memory:" }
            throw .cannotOpen(path: p, reason: "\(error)")
        }
        let applied: Set<String>
        do { applied = try db.read { try Self.migrator.appliedIdentifiers($0) } } catch {
            throw .cannotOpen(path: path, reason: "it is not an spcs-cost cache (\(error))")
        }
        let unknown = applied.subtracting(Self.migrationIDs)
        if !unknown.isEmpty {
            throw .newerSchema(path: path, found: applied.count, known: Self.schemaVersion)
        }
        do { try Self.migrator.migrate(db) } catch {
            throw .cannotOpen(path: path, reason: "migration failed: \(error)")
        }
    }

    static let migrationIDs = ["v1-spcs-history"]

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-spcs-history") { db in
            try db.execute(sql: """
                CREATE TABLE loads (
                    id INTEGER PRIMARY KEY,
                    loaded_at INTEGER NOT NULL,      -- UTC epoch seconds
                    kind TEXT NOT NULL,              -- 'import' or 'pull'
                    source TEXT NOT NULL,            -- file name or connection name
                    row_count INTEGER NOT NULL,
                    checksum TEXT NOT NULL,          -- SHA-256 of the input, hex
                    window_start INTEGER,            -- UTC epoch seconds, inclusive
                    window_end INTEGER,              -- UTC epoch seconds, exclusive
                    details TEXT                     -- JSON: statement handles, durations, counts
                );
                CREATE TABLE spcs_history (
                    compute_pool_name TEXT NOT NULL,
                    start_time INTEGER NOT NULL,     -- UTC epoch seconds
                    end_time INTEGER NOT NULL,       -- UTC epoch seconds
                    compute_pool_id INTEGER,
                    is_exclusive INTEGER,
                    application_name TEXT,
                    application_id TEXT,
                    credits_used_nano INTEGER NOT NULL,  -- CREDITS_USED × 10^9, exact
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (compute_pool_name, start_time)
                ) WITHOUT ROWID;
                CREATE INDEX spcs_history_by_time ON spcs_history(start_time);
                """)
        }
        return m
    }

    /// What one load did to the cache.
    public struct LoadOutcome: Sendable, Equatable {
        /// The `loads.id` of this load.
        public let loadID: Int64
        /// Rows offered.
        public let rowsRead: Int
        /// Rows that were not in the cache.
        public let inserted: Int
        /// Rows already cached (same pool and hour) whose values changed, such as a restated hour.
        public let updated: Int
        /// Rows already cached with identical values.
        public var unchanged: Int { rowsRead - inserted - updated }
    }

    /// A description of a load, recorded in `loads`.
    public struct LoadDescription: Sendable {
        /// `import` or `pull`.
        public var kind: String
        /// File name or connection name (never a secret).
        public var source: String
        /// Hex SHA-256 of the input.
        public var checksum: String
        /// When the load ran (UTC, from the injected clock).
        public var loadedAt: Date
        /// The time window the load covers, if known.
        public var window: DateInterval?
        /// Extra facts as JSON text (statement handles, durations); nil when none.
        public var details: String?

        /// Creates a description; see the properties.
        public init(kind: String, source: String, checksum: String, loadedAt: Date, window: DateInterval? = nil,
                    details: String? = nil) {
            self.kind = kind
            self.source = source
            self.checksum = checksum
            self.loadedAt = loadedAt
            self.window = window
            self.details = details
        }
    }

    /// Upserts `rows` and records the load, in one transaction.
    /// - Throws: ``StoreError/database(path:reason:)``; then nothing was written.
    @discardableResult
    public func load(_ rows: [UsageRecord], as description: LoadDescription) throws(StoreError) -> LoadOutcome {
        try load(description) { writer in
            for r in rows { try writer.upsert(r) }
        }
    }

    /// Runs `body` inside one write transaction with a ``HistoryWriter`` and records the load; when `body` throws,
    /// the transaction is rolled back and the cache is exactly as it was.
    /// - Throws: ``StoreError/database(path:reason:)``, or whatever `body` throws, wrapped the same way.
    @discardableResult
    public func load(_ description: LoadDescription,
                     _ body: (HistoryWriter) throws -> Void) throws(StoreError) -> LoadOutcome {
        do {
            return try db.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO loads (loaded_at, kind, source, row_count, checksum, window_start, window_end, details)
                        VALUES (?, ?, ?, 0, ?, ?, ?, ?)
                        """,
                    arguments: [Int64(description.loadedAt.timeIntervalSince1970.rounded(.down)), description.kind,
                                description.source, description.checksum,
                                description.window.map { Int64($0.start.timeIntervalSince1970.rounded(.down)) },
                                description.window.map { Int64($0.end.timeIntervalSince1970.rounded(.down)) },
                                description.details])
                let loadID = db.lastInsertedRowID
                let before = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spcs_history") ?? 0
                let writer = try HistoryWriter(db: db, loadID: loadID)
                try body(writer)
                let after = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spcs_history") ?? 0
                let inserted = after - before
                try db.execute(sql: "UPDATE loads SET row_count = ? WHERE id = ?", arguments: [writer.rows, loadID])
                return LoadOutcome(loadID: loadID, rowsRead: writer.rows, inserted: inserted,
                                   updated: writer.changed - inserted)
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Hourly rows whose START_TIME lies in `[from, to)` (either bound nil = open), ordered by pool name, then start.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func records(from: Date? = nil, to: Date? = nil, pools: [String]? = nil) throws(StoreError) -> [UsageRecord] {
        var sql = """
            SELECT compute_pool_name, start_time, end_time, compute_pool_id, is_exclusive, application_name,
                   application_id, credits_used_nano FROM spcs_history WHERE 1 = 1
            """
        var args: [(any DatabaseValueConvertible)?] = []
        if let from { sql += " AND start_time >= ?"; args.append(Int64(from.timeIntervalSince1970.rounded(.down))) }
        if let to { sql += " AND start_time < ?"; args.append(Int64(to.timeIntervalSince1970.rounded(.up))) }
        if let pools, !pools.isEmpty {
            sql += " AND compute_pool_name IN (" + pools.map { _ in "?" }.joined(separator: ",") + ")"
            args.append(contentsOf: pools)
        }
        sql += " ORDER BY compute_pool_name, start_time"
        let finalSQL = sql
        let arguments = StatementArguments(args)
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: finalSQL, arguments: arguments).map { row in
                    UsageRecord(
                        startTime: Date(timeIntervalSince1970: TimeInterval(row[1] as Int64)),
                        endTime: Date(timeIntervalSince1970: TimeInterval(row[2] as Int64)),
                        computePoolName: row[0],
                        computePoolID: row[3],
                        isExclusive: (row[4] as Int64?).map { $0 != 0 },
                        applicationName: row[5],
                        applicationID: row[6],
                        creditsUsed: NanoCredits(row[7] as Int64))
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// One recorded load.
    public struct LoadEntry: Sendable, Equatable {
        /// `loads.id`.
        public let id: Int64
        /// When it ran (UTC, whole seconds).
        public let loadedAt: Date
        /// `import` or `pull`.
        public let kind: String
        /// File or connection name.
        public let source: String
        /// Rows offered.
        public let rowCount: Int
        /// Hex SHA-256 of the input.
        public let checksum: String
        /// Extra facts (JSON text) or nil.
        public let details: String?
    }

    /// Every recorded load, oldest first.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func loads() throws(StoreError) -> [LoadEntry] {
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: "SELECT id, loaded_at, kind, source, row_count, checksum, details FROM loads ORDER BY id")
                    .map { r in
                        LoadEntry(id: r[0], loadedAt: Date(timeIntervalSince1970: TimeInterval(r[1] as Int64)),
                                  kind: r[2], source: r[3], rowCount: r[4], checksum: r[5], details: r[6])
                    }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}

/// Upserts hourly history rows inside a load's transaction, through one prepared statement.
public final class HistoryWriter {
    private let statement: Statement
    private let db: Database
    private let loadID: Int64
    /// Rows offered so far.
    public private(set) var rows = 0
    /// Rows inserted or changed so far.
    public private(set) var changed = 0

    init(db: Database, loadID: Int64) throws {
        self.db = db
        self.loadID = loadID
        statement = try db.makeStatement(sql: """
            INSERT INTO spcs_history (compute_pool_name, start_time, end_time, compute_pool_id, is_exclusive,
                                      application_name, application_id, credits_used_nano, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (compute_pool_name, start_time) DO UPDATE SET
                end_time = excluded.end_time, compute_pool_id = excluded.compute_pool_id,
                is_exclusive = excluded.is_exclusive, application_name = excluded.application_name,
                application_id = excluded.application_id, credits_used_nano = excluded.credits_used_nano,
                load_id = excluded.load_id
            WHERE spcs_history.end_time IS NOT excluded.end_time
               OR spcs_history.compute_pool_id IS NOT excluded.compute_pool_id
               OR spcs_history.is_exclusive IS NOT excluded.is_exclusive
               OR spcs_history.application_name IS NOT excluded.application_name
               OR spcs_history.application_id IS NOT excluded.application_id
               OR spcs_history.credits_used_nano IS NOT excluded.credits_used_nano
            """)
    }

    /// Inserts `record`, or replaces the cached row of the same pool and START_TIME when any value differs.
    /// - Throws: a SQLite error; the enclosing load then rolls back.
    public func upsert(_ record: UsageRecord) throws {
        statement.setUncheckedArguments([
            record.computePoolName,
            Int64(record.startTime.timeIntervalSince1970.rounded(.down)),
            Int64(record.endTime.timeIntervalSince1970.rounded(.down)),
            record.computePoolID,
            record.isExclusive.map { $0 ? 1 : 0 },
            record.applicationName,
            record.applicationID,
            record.creditsUsed.value,
            loadID,
        ])
        try statement.execute()
        rows += 1
        changed += db.changesCount
    }
}

extension UsageCache {
    /// Hex SHA-256 over `records` in pool and START_TIME order, one line each
    /// (`pool,start epoch,end epoch,nano-credits`): a fingerprint of exactly the data a report used.
    public static func checksum(_ records: [UsageRecord]) -> String {
        var hasher = SHA256()
        for r in records.sorted(by: { ($0.computePoolName, $0.startTime) < ($1.computePoolName, $1.startTime) }) {
            let line = "\(r.computePoolName),\(Int64(r.startTime.timeIntervalSince1970)),"
                + "\(Int64(r.endTime.timeIntervalSince1970)),\(r.creditsUsed.value)\n"
            hasher.update(data: Data(line.utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
