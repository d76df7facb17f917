import Foundation
import GRDB
import GRDBSQLite
import SPCSCostCore

/// The local SQLite cache of metered SPCS usage.
///
/// Tables (schema versioned by migrations, see ``UsageCache/migrator``):
/// - `spcs_history`: hourly rows of `SNOWPARK_CONTAINER_SERVICES_HISTORY`, keyed by (COMPUTE_POOL_NAME,
///   START_TIME) so loading the same hour of the same pool again replaces the row instead of adding one. There is
///   no index on START_TIME alone: a pull writes a million rows in key order, which a second index would scatter
///   (it made loads 2.5 times slower), while queries by period scan the table once.
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
        // A 64 MB page cache: a year of hourly rows for hundreds of pools is inserted and summed without thrashing.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -65536") }
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

    static let migrationIDs = ["v1-spcs-history", "v2-pull-views", "v3-hourly-series"]

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
                """)
        }
        m.registerMigration("v2-pull-views") { db in
            try db.execute(sql: """
                -- ACCOUNT_USAGE.COMPUTE_POOLS: the pool inventory (the only view with INSTANCE_FAMILY).
                CREATE TABLE compute_pools (
                    name TEXT NOT NULL,
                    id INTEGER NOT NULL,
                    is_suspended INTEGER,
                    min_nodes INTEGER,
                    max_nodes INTEGER,
                    instance_family TEXT,
                    auto_suspend_secs INTEGER,
                    auto_resume INTEGER,
                    created INTEGER,                 -- UTC epoch seconds
                    last_resumed INTEGER,
                    last_altered INTEGER,
                    deleted INTEGER,
                    owner TEXT,
                    comment TEXT,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (name, id)
                ) WITHOUT ROWID;
                -- ACCOUNT_USAGE.METERING_DAILY_HISTORY, rows with SERVICE_TYPE = 'SNOWPARK_CONTAINER_SERVICES'.
                CREATE TABLE metering_daily (
                    usage_date INTEGER NOT NULL PRIMARY KEY,   -- days since 1970-01-01
                    credits_used_compute_nano INTEGER NOT NULL,
                    credits_used_cloud_services_nano INTEGER NOT NULL,
                    credits_used_nano INTEGER NOT NULL,
                    credits_adjustment_cloud_services_nano INTEGER NOT NULL,
                    credits_billed_nano INTEGER NOT NULL,
                    load_id INTEGER NOT NULL REFERENCES loads(id)
                ) WITHOUT ROWID;
                -- ORGANIZATION_USAGE.RATE_SHEET_DAILY: the contract's effective rate per credit by day.
                CREATE TABLE rate_sheet_daily (
                    date INTEGER NOT NULL,           -- days since 1970-01-01
                    account_name TEXT NOT NULL,      -- '' when the view's cell is NULL
                    service_type TEXT NOT NULL,
                    usage_type TEXT NOT NULL,
                    rating_type TEXT NOT NULL,
                    billing_type TEXT NOT NULL,
                    is_adjustment INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    effective_rate TEXT NOT NULL,    -- NUMBER(38,2) as exact decimal text
                    contract_number TEXT,
                    region TEXT,
                    service_level TEXT,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (date, account_name, service_type, usage_type, rating_type, billing_type, is_adjustment)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v3-hourly-series") { db in
            try db.execute(sql: """
                -- The same hours as spcs_history, one blob per pool and UTC month: little-endian Int64 nano-credits
                -- per hour of the month, Int64.min where no row. Reports and re-pricing read a year of a thousand
                -- pools from 12,000 blobs instead of 8 million rows; every load keeps both in step.
                CREATE TABLE spcs_series (
                    compute_pool_name TEXT NOT NULL,
                    month_start INTEGER NOT NULL,    -- UTC epoch seconds of the month's first hour
                    hours BLOB NOT NULL,
                    PRIMARY KEY (compute_pool_name, month_start)
                ) WITHOUT ROWID;
                """)
            var series = SeriesWriter()
            let rows = try Row.fetchCursor(db, sql: "SELECT compute_pool_name, start_time, credits_used_nano FROM spcs_history")
            while let row = try rows.next() { series.set(pool: row[0], start: row[1], nano: row[2]) }
            _ = try series.flush(db)
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
                let writer = try HistoryWriter(db: db, loadID: loadID)
                try body(writer)
                let inserted = try writer.series.flush(db)
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
            let rows = try db.read { db in
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
            if let bad = rows.first(where: { !(.zero...UsageRecord.maximumCreditsUsed).contains($0.creditsUsed) }) {
                throw StoreError.cachedRowOutOfRange(path: path, pool: bad.computePoolName, hourStart: bad.startTime,
                                                     credits: bad.creditsUsed)
            }
            return rows
        } catch let e as StoreError {
            throw e
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

/// SQLite's SQLITE_TRANSIENT: the bound text is copied before the call returns.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// Writes rows inside a load's transaction: hourly history through one prepared statement, and the other views a
/// pull loads. Every write is an upsert by the view's key.
public final class HistoryWriter {
    private let statement: Statement
    private let db: Database
    private let loadID: Int64
    /// Hourly history rows offered so far.
    public private(set) var rows = 0
    /// Hourly history rows inserted or changed so far.
    public private(set) var changed = 0
    /// The changed hours, applied to `spcs_series` when the load ends.
    var series = SeriesWriter()

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
    ///
    /// The hot path of a pull (a million rows a pull is normal): the values are bound straight into GRDB's prepared
    /// SQLite statement, without boxing each one.
    /// - Throws: a SQLite error; the enclosing load then rolls back.
    public func upsert(_ record: UsageRecord) throws {
        // Import and pull refuse such rows first; this keeps any other caller from writing one.
        if let problem = record.problem {
            throw StoreError.badCell(file: "the rows offered to the cache", line: rows + 1, column: problem.column,
                                     value: record.quotedValue(for: problem), fix: problem.description)
        }
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        func text(_ i: Int32, _ v: String?) {
            guard let v else { sqlite3_bind_null(s, i); return }
            // The byte count, not a C string's end: a NUL inside the text must not cut it short.
            _ = v.withCString { sqlite3_bind_text(s, i, $0, Int32(v.utf8.count), sqliteTransient) }
        }
        func int(_ i: Int32, _ v: Int64?) {
            guard let v else { sqlite3_bind_null(s, i); return }
            sqlite3_bind_int64(s, i, v)
        }
        text(1, record.computePoolName)
        int(2, Int64(record.startTime.timeIntervalSince1970.rounded(.down)))
        int(3, Int64(record.endTime.timeIntervalSince1970.rounded(.down)))
        int(4, record.computePoolID)
        int(5, record.isExclusive.map { $0 ? 1 : 0 })
        text(6, record.applicationName)
        text(7, record.applicationID)
        int(8, record.creditsUsed.value)
        int(9, loadID)
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        rows += 1
        if sqlite3_changes(db.sqliteConnection) > 0 {
            changed += 1
            series.set(pool: record.computePoolName, start: Int64(record.startTime.timeIntervalSince1970.rounded(.down)),
                       nano: record.creditsUsed.value)
        }
    }

    /// Inserts or replaces a COMPUTE_POOLS row (key: NAME, ID).
    /// - Throws: a SQLite error.
    public func upsert(_ pool: ComputePoolRecord) throws {
        func t(_ d: Date?) -> Int64? { d.map { Int64($0.timeIntervalSince1970.rounded(.down)) } }
        try db.execute(sql: """
            INSERT OR REPLACE INTO compute_pools (name, id, is_suspended, min_nodes, max_nodes, instance_family,
                auto_suspend_secs, auto_resume, created, last_resumed, last_altered, deleted, owner, comment, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [pool.name, pool.id, pool.isSuspended.map { $0 ? 1 : 0 }, pool.minNodes, pool.maxNodes,
                             pool.instanceFamily, pool.autoSuspendSeconds, pool.autoResume.map { $0 ? 1 : 0 },
                             t(pool.created), t(pool.lastResumed), t(pool.lastAltered), t(pool.deleted), pool.owner,
                             pool.comment, loadID])
    }

    /// Inserts or replaces a METERING_DAILY_HISTORY row (key: USAGE_DATE).
    /// - Throws: a SQLite error.
    public func upsert(_ day: MeteringDailyRecord) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO metering_daily (usage_date, credits_used_compute_nano, credits_used_cloud_services_nano,
                credits_used_nano, credits_adjustment_cloud_services_nano, credits_billed_nano, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [day.usageDate.daysSinceEpoch, day.creditsUsedCompute.value, day.creditsUsedCloudServices.value,
                             day.creditsUsed.value, day.creditsAdjustmentCloudServices.value, day.creditsBilled.value, loadID])
    }

    /// Inserts or replaces a RATE_SHEET_DAILY row (key: date, account, service, usage, rating and billing type,
    /// adjustment flag).
    /// - Throws: a SQLite error.
    public func upsert(_ row: RateSheetRow) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO rate_sheet_daily (date, account_name, service_type, usage_type, rating_type,
                billing_type, is_adjustment, currency, effective_rate, contract_number, region, service_level, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [row.date.daysSinceEpoch, row.accountName ?? "", row.serviceType, row.usageType ?? "",
                             row.ratingType ?? "", row.billingType ?? "", row.isAdjustment ? 1 : 0, row.currency.code,
                             ExactDecimal.text(row.effectiveRate), row.contractNumber, row.region, row.serviceLevel, loadID])
    }
}

extension UsageCache {
    /// Every cached COMPUTE_POOLS row, by name then id.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func computePools() throws(StoreError) -> [ComputePoolRecord] {
        func date(_ v: Int64?) -> Date? { v.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT name, id, is_suspended, min_nodes, max_nodes, instance_family, auto_suspend_secs, auto_resume,
                           created, last_resumed, last_altered, deleted, owner, comment FROM compute_pools ORDER BY name, id
                    """).map { r in
                    ComputePoolRecord(name: r[0], id: r[1], isSuspended: (r[2] as Int64?).map { $0 != 0 }, minNodes: r[3],
                                      maxNodes: r[4], instanceFamily: r[5], autoSuspendSeconds: r[6],
                                      autoResume: (r[7] as Int64?).map { $0 != 0 }, created: date(r[8]),
                                      lastResumed: date(r[9]), lastAltered: date(r[10]), deleted: date(r[11]),
                                      owner: r[12], comment: r[13])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Every cached RATE_SHEET_DAILY row, by date.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func rateSheet() throws(StoreError) -> [RateSheetRow] {
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT date, currency, effective_rate, service_type, usage_type, billing_type, rating_type,
                           is_adjustment, account_name, region, service_level, contract_number
                    FROM rate_sheet_daily ORDER BY date, account_name, service_type, usage_type
                    """).compactMap { r in
                    guard let currency = Currency(code: r[1]), let rate = ExactDecimal.parse(r[2] as String) else { return nil }
                    func opt(_ s: String) -> String? { s.isEmpty ? nil : s }
                    return RateSheetRow(date: CivilDate(daysSinceEpoch: r[0]), currency: currency, effectiveRate: rate,
                                        serviceType: r[3], usageType: opt(r[4]), billingType: opt(r[5]), ratingType: opt(r[6]),
                                        isAdjustment: (r[7] as Int64) != 0, accountName: opt(r[8]), region: r[9],
                                        serviceLevel: r[10], contractNumber: r[11], origin: "cache, RATE_SHEET_DAILY")
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The newest END_TIME in the cache, or nil when it holds no hourly row (for the nightly staleness check and the
    /// pull watermark).
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func latestEndTime() throws(StoreError) -> Date? {
        do {
            return try db.read { db in
                try Int64.fetchOne(db, sql: "SELECT MAX(end_time) FROM spcs_history").map { Date(timeIntervalSince1970: TimeInterval($0)) }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}

/// Collects changed hours per pool and UTC month, then writes them into `spcs_series` in one pass.
struct SeriesWriter {
    struct Key: Hashable, Comparable {
        var pool: String
        var monthStart: Int64
        static func < (a: Key, b: Key) -> Bool { (a.pool, a.monthStart) < (b.pool, b.monthStart) }
    }

    private var pending: [Key: [(hour: Int, nano: Int64)]] = [:]
    private var lastMonth: (start: Int64, end: Int64) = (0, 0)
    // Rows mostly arrive in key order (pool, then hour): the current pool-month is kept apart from the dictionary.
    private var currentKey: Key?
    private var current: [(hour: Int, nano: Int64)] = []

    /// Records that the hour starting at `start` (UTC epoch seconds) of `pool` now holds `nano` nano-credits.
    mutating func set(pool: String, start: Int64, nano: Int64) {
        if !(lastMonth.start..<lastMonth.end).contains(start) {
            let first = CivilDate(daysSinceEpoch: Int(floorDiv(start, 86_400))).firstOfMonth
            lastMonth = (Int64(first.daysSinceEpoch) * 86_400, Int64(first.daysSinceEpoch + first.daysInMonth) * 86_400)
        }
        if currentKey?.monthStart != lastMonth.start || currentKey?.pool != pool {
            park()
            currentKey = Key(pool: pool, monthStart: lastMonth.start)
        }
        current.append((Int((start - lastMonth.start) / 3600), nano))
    }

    private mutating func park() {
        if let key = currentKey, !current.isEmpty { pending[key, default: []] += current }
        current.removeAll(keepingCapacity: true)
    }

    /// Applies the pending hours to `spcs_series` and returns how many of them had no row before (inserted hours).
    mutating func flush(_ db: Database) throws -> Int {
        park()
        currentKey = nil
        var inserted = 0
        let read = try db.makeStatement(sql: "SELECT hours FROM spcs_series WHERE compute_pool_name = ? AND month_start = ?")
        let write = try db.makeStatement(sql: "INSERT OR REPLACE INTO spcs_series (compute_pool_name, month_start, hours) VALUES (?, ?, ?)")
        for key in pending.keys.sorted() {
            let days = CivilDate(daysSinceEpoch: Int(key.monthStart / 86_400)).daysInMonth
            var hours: [Int64]
            if let blob = try Data.fetchOne(read, arguments: [key.pool, key.monthStart]), blob.count == days * 24 * 8 {
                hours = blob.withUnsafeBytes { raw in (0..<(days * 24)).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) } }
            } else {
                hours = [Int64](repeating: .min, count: days * 24)
            }
            for (hour, nano) in pending[key]! where hour >= 0 && hour < hours.count {
                if hours[hour] == .min { inserted += 1 }
                hours[hour] = nano
            }
            let data = hours.map(\.littleEndian).withUnsafeBytes { Data($0) }
            try write.execute(arguments: [key.pool, key.monthStart, data])
        }
        pending.removeAll()
        return inserted
    }
}
