import Foundation
import GRDB
import GRDBSQLite
import SPCSCostCore

/// The local SQLite cache of metered SPCS usage and the money views.
///
/// Tables (schema versioned by migrations, see ``UsageCache/migrator``; the last of `migrationIDs` is current):
/// - `spcs_history`: hourly rows of `SNOWPARK_CONTAINER_SERVICES_HISTORY`, keyed by (organization, account,
///   COMPUTE_POOL_NAME, COMPUTE_POOL_ID, START_TIME). `organization` and `account` are upper-case names, `''` when not
///   known (a CSV import without such columns); `compute_pool_id` is `-1` where the view or file gives no ID. So two
///   pools of one name in one hour (dropped and re-created, different COMPUTE_POOL_ID) are both kept, and loading
///   the same hour of the same pool again replaces its row instead of adding one. A row also replaces the rows of
///   the same pool name and hour from earlier loads whose identity it does not contradict: where one of the two rows
///   does not know the organization, account or ID and the known parts agree (an ID'd pulled row replaces the
///   ID-less row an earlier CSV import left for that hour, and an ID-less import replaces the pulled rows of that
///   name and hour), so an hour is never counted twice. The key's columns are stored in the order
///   (COMPUTE_POOL_NAME, START_TIME, organization, account, COMPUTE_POOL_ID): a pull writes a million rows in that
///   order, and a pool name's hours are one range of the table. There is no index on START_TIME alone: a second
///   index scattered those writes (it made loads 2.5 times slower), while queries by period scan the table once.
///   Instants are UTC epoch seconds; CREDITS_USED is an integer count of nano-credits, so `SUM` stays exact
///   (SQLite has no decimal type; a REAL or TEXT sum would go through floating point).
/// - `spcs_daily`: the rows of a pull at `--grain day`: per (organization, account, COMPUTE_POOL_NAME,
///   COMPUTE_POOL_ID, UTC day) the view's rows summed in Snowflake, keyed like `spcs_history` with START_TIME the
///   day's 00:00 UTC. A table of its own, so a day row never meets the hourly row of the day's first hour. A load of
///   one grain for an account replaces that account's rows of the other grain in the window it read
///   (``HistoryWriter/replaceOtherGrain(than:organization:account:from:to:)``), so no day is counted twice.
/// - `spcs_series`: per pool name, organization, account and UTC month (since schema `v10-series-by-account`), the
///   hourly sums of `spcs_history` and `spcs_daily` over every row of that name and account (both pool IDs of a
///   name re-created) as one blob, a day row adding to its day's first hour. ``forEachPoolSeries(from:to:_:)`` and
///   ``meteredByDay(from:to:segments:)`` show a pool by name, every account summed;
///   ``forEachPoolAccountSeries(from:to:_:)`` and ``meteredParts(from:to:segments:)`` keep the accounts apart, so
///   each is priced at its own price.
/// - `compute_pools`, `metering_daily`, `rate_sheet_daily`: COMPUTE_POOLS (keyed by organization, account, NAME and
///   ID since schema `v12-account-inventory`), METERING_DAILY_HISTORY (SPCS rows, keyed by day, organization and
///   account since schema v5) and RATE_SHEET_DAILY as pulled.
/// - `usage_in_currency_daily`: ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY as pulled, keyed by every column but
///   USAGE and USAGE_IN_CURRENCY (exact decimal text).
/// - `restatements`: one row per money-view value a later pull found changed or gone (view, UTC day, key, column,
///   old and new value, load id); see ``restatedDays(from:to:)``.
/// - `notebook_usage`: NOTEBOOKS_CONTAINER_RUNTIME_HISTORY as pulled (hourly credits per notebook, user, pool and
///   service), keyed by (organization, account, pool name, START_TIME, notebook name and ID, user name, service name).
/// - `application_names`: per (organization, account, APPLICATION_ID as text) the last non-NULL APPLICATION_NAME seen
///   in the SPCS history and the START_TIME of the row that named it (the view shows NULL once the application is
///   uninstalled; a NULL never replaces a name).
/// - `account_regions`: each account's Snowflake Region (`pull --org`).
/// - `account_locators` (schema `v14-org-metering`): each account's ACCOUNT_LOCATOR beside its ACCOUNT_NAME, from the
///   organization views `pull --org` reads: SPCS history, METERING_DAILY_HISTORY, ACCOUNTS
///   (``UsageCache/accountLocators()`` reads them).
/// - `warehouse_metering_hourly`, `task_runs`, `serverless_task_history` (schema `v8-task-warehouses`):
///   WAREHOUSE_METERING_HISTORY, TASK_HISTORY (with each run's QUERY_HISTORY.WAREHOUSE_NAME) and
///   SERVERLESS_TASK_HISTORY as pulled; see ``TaskWarehouseTables``.
/// - `block_storage_history`, `block_storage_snapshots`, `internal_data_transfer_history`, `data_transfer_history`
///   (schema `v7-storage-transfer`): the block storage and data transfer views as pulled, keyed by their natural keys
///   with organization and account; decimals as exact text. Written by the pull (``HistoryWriter``), read by ``UsageCache/storageAndTransfer(from:to:)``.
/// - `warehouses`, `notebooks` (schema `v13-warehouse-inventory`): SHOW WAREHOUSES and SHOW NOTEBOOKS IN ACCOUNT as
///   last pulled per account; see ``WarehouseInventoryTables``.
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

    static let migrationIDs = ["v1-spcs-history", "v2-pull-views", "v3-hourly-series", "v4-ledger-keys", "v5-daily-rows",
                               "v6-account-regions", "v7-storage-transfer", "v8-task-warehouses", "v9-notebook-usage",
                               "v10-series-by-account", "v11-application-index", "v12-account-inventory",
                               "v13-warehouse-inventory", "v14-org-metering"]

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
            let rows = try Row.fetchCursor(db, sql: "SELECT compute_pool_name, start_time FROM spcs_history")
            while let row = try rows.next() { series.touch(pool: row[0], start: row[1]) }
            try series.flush(db)
        }
        m.registerMigration("v4-ledger-keys") { db in
            // Every v3 row is kept: organization and account become '' (not known), a NULL COMPUTE_POOL_ID -1. A v3
            // cache has one row per pool name and hour, so the new key cannot collide and the series blobs (sums per
            // name and hour) stay as they are.
            try db.execute(sql: """
                CREATE TABLE spcs_history_v4 (
                    compute_pool_name TEXT NOT NULL,
                    start_time INTEGER NOT NULL,     -- UTC epoch seconds
                    organization TEXT NOT NULL DEFAULT '',   -- upper-case name; '' = not known
                    account TEXT NOT NULL DEFAULT '',        -- upper-case name (or locator); '' = not known
                    compute_pool_id INTEGER NOT NULL DEFAULT -1,  -- COMPUTE_POOL_ID; -1 = not given
                    end_time INTEGER NOT NULL,       -- UTC epoch seconds
                    is_exclusive INTEGER,
                    application_name TEXT,
                    application_id TEXT,
                    credits_used_nano INTEGER NOT NULL,  -- CREDITS_USED × 10^9, exact
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (compute_pool_name, start_time, organization, account, compute_pool_id)
                ) WITHOUT ROWID;
                INSERT INTO spcs_history_v4 (compute_pool_name, start_time, organization, account, compute_pool_id,
                    end_time, is_exclusive, application_name, application_id, credits_used_nano, load_id)
                SELECT compute_pool_name, start_time, '', '', COALESCE(compute_pool_id, -1), end_time, is_exclusive,
                       application_name, application_id, credits_used_nano, load_id
                FROM spcs_history ORDER BY compute_pool_name, start_time;
                DROP TABLE spcs_history;
                ALTER TABLE spcs_history_v4 RENAME TO spcs_history;
                -- ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY: what Snowflake bills per account, day and balance source.
                CREATE TABLE usage_in_currency_daily (
                    usage_date INTEGER NOT NULL,     -- days since 1970-01-01 (UTC day)
                    organization_name TEXT NOT NULL, -- '' when the view's cell is NULL (same for every TEXT key)
                    account_name TEXT NOT NULL,
                    account_locator TEXT NOT NULL,
                    region TEXT NOT NULL,
                    service_level TEXT NOT NULL,
                    contract_number TEXT NOT NULL,
                    usage_type TEXT NOT NULL,
                    service_type TEXT NOT NULL,
                    rating_type TEXT NOT NULL,
                    billing_type TEXT NOT NULL,
                    balance_source TEXT NOT NULL,
                    is_adjustment INTEGER NOT NULL,
                    currency TEXT NOT NULL,
                    usage TEXT NOT NULL,             -- NUMBER(38,3) as exact decimal text
                    usage_in_currency TEXT NOT NULL, -- NUMBER(38,2) as exact decimal text
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (usage_date, organization_name, account_name, account_locator, region, service_level,
                                 contract_number, usage_type, service_type, rating_type, billing_type, balance_source,
                                 is_adjustment, currency)
                ) WITHOUT ROWID;
                -- Money-view values a later pull found changed or gone.
                CREATE TABLE restatements (
                    id INTEGER PRIMARY KEY,
                    view TEXT NOT NULL,              -- 'RATE_SHEET_DAILY' or 'USAGE_IN_CURRENCY_DAILY'
                    day INTEGER NOT NULL,            -- days since 1970-01-01 (UTC day)
                    key TEXT NOT NULL,               -- the row's key as COLUMN=value pairs
                    column_name TEXT NOT NULL,       -- the changed column, or 'ROW' when the row is gone
                    old_value TEXT NOT NULL,
                    new_value TEXT NOT NULL,         -- '' when the row is gone
                    load_id INTEGER NOT NULL REFERENCES loads(id)
                );
                CREATE INDEX restatements_day ON restatements (day);
                """)
        }
        m.registerMigration("v5-daily-rows") { db in
            try db.execute(sql: """
                -- Rows of a pull at --grain day: one per pool and UTC day, summed in Snowflake.
                CREATE TABLE spcs_daily (
                    compute_pool_name TEXT NOT NULL,
                    start_time INTEGER NOT NULL,     -- 00:00 UTC of the day, epoch seconds
                    organization TEXT NOT NULL DEFAULT '',
                    account TEXT NOT NULL DEFAULT '',
                    compute_pool_id INTEGER NOT NULL DEFAULT -1,
                    end_time INTEGER NOT NULL,       -- the latest END_TIME summed, epoch seconds
                    is_exclusive INTEGER,
                    application_name TEXT,
                    application_id TEXT,
                    credits_used_nano INTEGER NOT NULL,  -- the day's CREDITS_USED × 10^9, exact
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (compute_pool_name, start_time, organization, account, compute_pool_id)
                ) WITHOUT ROWID;
                -- METERING_DAILY_HISTORY per account: the view has one row per day in each account, so the day
                -- alone let the last account pulled win. Earlier rows are kept, their account not known ('').
                CREATE TABLE metering_daily_v5 (
                    usage_date INTEGER NOT NULL,     -- days since 1970-01-01
                    organization TEXT NOT NULL DEFAULT '',
                    account TEXT NOT NULL DEFAULT '',
                    credits_used_compute_nano INTEGER NOT NULL,
                    credits_used_cloud_services_nano INTEGER NOT NULL,
                    credits_used_nano INTEGER NOT NULL,
                    credits_adjustment_cloud_services_nano INTEGER NOT NULL,
                    credits_billed_nano INTEGER NOT NULL,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (usage_date, organization, account)
                ) WITHOUT ROWID;
                INSERT INTO metering_daily_v5 (usage_date, organization, account, credits_used_compute_nano,
                    credits_used_cloud_services_nano, credits_used_nano, credits_adjustment_cloud_services_nano,
                    credits_billed_nano, load_id)
                SELECT usage_date, '', '', credits_used_compute_nano, credits_used_cloud_services_nano, credits_used_nano,
                       credits_adjustment_cloud_services_nano, credits_billed_nano, load_id FROM metering_daily;
                DROP TABLE metering_daily;
                ALTER TABLE metering_daily_v5 RENAME TO metering_daily;
                """)
        }
        m.registerMigration("v6-account-regions") { db in
            try db.execute(sql: """
                -- Each account's Snowflake Region from SNOWFLAKE.ORGANIZATION_USAGE.ACCOUNTS (pull --org), as the view
                -- writes it (AWS_AP_NORTHEAST_1): the region an account's credits are priced in.
                CREATE TABLE account_regions (
                    organization TEXT NOT NULL,
                    account TEXT NOT NULL,
                    region TEXT NOT NULL,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (organization, account)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v7-storage-transfer") { db in
            try db.execute(sql: """
                -- SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_HISTORY: a day's average block storage per pool (STORAGE_TYPE
                -- BLOCK_STORAGE) or of the account's snapshots (SNAPSHOT, pool '' and -1). usage_date is days since
                -- 1970-01-01 (UTC); bytes, additional_iops and additional_throughput exact decimal text.
                CREATE TABLE block_storage_history (
                    usage_date INTEGER NOT NULL,
                    organization TEXT NOT NULL,
                    account TEXT NOT NULL,
                    storage_type TEXT NOT NULL,
                    compute_pool_name TEXT NOT NULL,
                    compute_pool_id INTEGER NOT NULL,
                    bytes TEXT NOT NULL,
                    additional_iops TEXT NOT NULL,
                    additional_throughput TEXT NOT NULL,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (usage_date, organization, account, storage_type, compute_pool_name, compute_pool_id)
                ) WITHOUT ROWID;
                -- SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_SNAPSHOTS: one row per snapshot (instants UTC epoch seconds,
                -- size in GB as exact decimal text).
                CREATE TABLE block_storage_snapshots (
                    organization TEXT NOT NULL,
                    account TEXT NOT NULL,
                    snapshot_id TEXT NOT NULL,
                    snapshot_name TEXT NOT NULL,
                    service_name TEXT,
                    volume_name TEXT,
                    size_gb TEXT NOT NULL,
                    created_on INTEGER,
                    deleted_on INTEGER,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (organization, account, snapshot_id)
                ) WITHOUT ROWID;
                -- SNOWFLAKE.ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY: hourly SPCS transfer per pool.
                CREATE TABLE internal_data_transfer_history (
                    start_time INTEGER NOT NULL,
                    organization TEXT NOT NULL,
                    account TEXT NOT NULL,
                    transfer_type TEXT NOT NULL,
                    compute_pool_name TEXT NOT NULL,
                    end_time INTEGER NOT NULL,
                    bytes TEXT NOT NULL,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (start_time, organization, account, transfer_type, compute_pool_name)
                ) WITHOUT ROWID;
                -- SNOWFLAKE.ACCOUNT_USAGE.DATA_TRANSFER_HISTORY (BYTES_TRANSFERRED, a VARIANT, cast in the statement).
                CREATE TABLE data_transfer_history (
                    start_time INTEGER NOT NULL,
                    organization TEXT NOT NULL,
                    account TEXT NOT NULL,
                    transfer_type TEXT NOT NULL,
                    source_cloud TEXT NOT NULL,
                    source_region TEXT NOT NULL,
                    target_cloud TEXT NOT NULL,
                    target_region TEXT NOT NULL,
                    end_time INTEGER NOT NULL,
                    bytes TEXT NOT NULL,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (start_time, organization, account, transfer_type, source_cloud, source_region,
                                 target_cloud, target_region)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v8-task-warehouses") { db in
            try db.execute(sql: TaskWarehouseTables.schema)
        }
        m.registerMigration("v9-notebook-usage") { db in
            try db.execute(sql: """
                -- SNOWFLAKE.ACCOUNT_USAGE.NOTEBOOKS_CONTAINER_RUNTIME_HISTORY as pulled: hourly credits per notebook,
                -- user, pool and service. NULL names are '' and NULL IDs -1, so they can be part of the key. Instants
                -- are UTC epoch seconds; CREDITS an integer count of nano-credits (exact sums).
                CREATE TABLE notebook_usage (
                    organization TEXT NOT NULL,
                    account TEXT NOT NULL,
                    compute_pool_name TEXT NOT NULL,
                    start_time INTEGER NOT NULL,
                    notebook_name TEXT NOT NULL,
                    notebook_id INTEGER NOT NULL,
                    user_name TEXT NOT NULL,
                    service_name TEXT NOT NULL,
                    end_time INTEGER NOT NULL,
                    user_id INTEGER,
                    compute_pool_id INTEGER,
                    service_id INTEGER,
                    execution_time_secs INTEGER,
                    credits_nano INTEGER NOT NULL,
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (organization, account, compute_pool_name, start_time, notebook_name, notebook_id,
                                 user_name, service_name)
                ) WITHOUT ROWID;
                -- The last non-NULL APPLICATION_NAME seen per APPLICATION_ID (text): the view shows NULL once the
                -- application is uninstalled, and a pull that reads those rows again must not lose the name.
                CREATE TABLE application_names (
                    organization TEXT NOT NULL,
                    account TEXT NOT NULL,
                    application_id TEXT NOT NULL,
                    application_name TEXT NOT NULL,
                    seen_at INTEGER NOT NULL,      -- START_TIME of the newest row that named it, UTC epoch seconds
                    load_id INTEGER,
                    PRIMARY KEY (organization, account, application_id)
                ) WITHOUT ROWID;
                INSERT INTO application_names (organization, account, application_id, application_name, seen_at, load_id)
                SELECT organization, account, application_id, application_name, start_time, load_id FROM (
                    SELECT organization, account, application_id, application_name, start_time, load_id,
                           ROW_NUMBER() OVER (PARTITION BY organization, account, application_id
                                              ORDER BY start_time DESC) AS n
                    FROM (SELECT organization, account, application_id, application_name, start_time, load_id
                          FROM spcs_history WHERE application_id IS NOT NULL AND application_id <> ''
                            AND application_name IS NOT NULL AND application_name <> ''
                          UNION ALL
                          SELECT organization, account, application_id, application_name, start_time, load_id
                          FROM spcs_daily WHERE application_id IS NOT NULL AND application_id <> ''
                            AND application_name IS NOT NULL AND application_name <> ''))
                WHERE n = 1;
                """)
        }
        m.registerMigration("v10-series-by-account") { db in
            // The series gain the organization and account of their rows, so each account's hours can be priced at
            // its own price. Rebuilt from the cached rows (spcs_history and spcs_daily are not touched); the
            // migrator runs this in one transaction, so a kill leaves the cache as it was.
            try db.execute(sql: """
                CREATE TABLE spcs_series_v10 (
                    compute_pool_name TEXT NOT NULL,
                    organization TEXT NOT NULL,      -- as in spcs_history: upper case, '' = not known
                    account TEXT NOT NULL,           -- as in spcs_history: upper case, '' = not known
                    month_start INTEGER NOT NULL,    -- UTC epoch seconds of the month's first hour
                    hours BLOB NOT NULL,
                    PRIMARY KEY (compute_pool_name, organization, account, month_start)
                ) WITHOUT ROWID;
                DROP TABLE spcs_series;
                ALTER TABLE spcs_series_v10 RENAME TO spcs_series;
                """)
            var series = SeriesWriter()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT compute_pool_name, start_time FROM spcs_history
                UNION ALL SELECT compute_pool_name, start_time FROM spcs_daily
                """)
            while let row = try rows.next() { series.touch(pool: row[0], start: row[1]) }
            try series.flush(db)
        }
        m.registerMigration("v11-application-index") { db in
            // Partial indexes of the rows of native applications, by START_TIME: whether a period has any (what
            // `report` asks each run, for "Who used it") is an index lookup, not a scan of the history. Rows of no
            // application, nearly all of them, are not in the index, so loads pay almost nothing for it.
            try db.execute(sql: """
                CREATE INDEX spcs_history_application ON spcs_history (start_time)
                    WHERE application_id IS NOT NULL AND application_id <> '';
                CREATE INDEX spcs_daily_application ON spcs_daily (start_time)
                    WHERE application_id IS NOT NULL AND application_id <> '';
                """)
        }
        m.registerMigration("v12-account-inventory") { db in
            // COMPUTE_POOLS rows gain the organization and account whose view gave them: keyed by NAME and ID alone,
            // two accounts' pools of one name and ID were one row, the account written last winning. A row cached
            // before takes the organization and account of the METERING_DAILY_HISTORY rows its pull wrote (a pull
            // writes both views with the connection's account, metering keyed by account since v5), else '' (not
            // known: that pull's metering rows were replaced since, or it read none). One transaction.
            try db.execute(sql: """
                CREATE TABLE compute_pools_v12 (
                    organization TEXT NOT NULL DEFAULT '',   -- upper case, '' = not known
                    account TEXT NOT NULL DEFAULT '',        -- upper case, '' = not known
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
                    PRIMARY KEY (organization, account, name, id)
                ) WITHOUT ROWID;
                INSERT INTO compute_pools_v12 (organization, account, name, id, is_suspended, min_nodes, max_nodes,
                    instance_family, auto_suspend_secs, auto_resume, created, last_resumed, last_altered, deleted, owner,
                    comment, load_id)
                SELECT COALESCE((SELECT m.organization FROM metering_daily m
                                 WHERE m.load_id = p.load_id AND m.account <> '' LIMIT 1), ''),
                       COALESCE((SELECT m.account FROM metering_daily m
                                 WHERE m.load_id = p.load_id AND m.account <> '' LIMIT 1), ''),
                       p.name, p.id, p.is_suspended, p.min_nodes, p.max_nodes, p.instance_family, p.auto_suspend_secs,
                       p.auto_resume, p.created, p.last_resumed, p.last_altered, p.deleted, p.owner, p.comment, p.load_id
                FROM compute_pools p;
                DROP TABLE compute_pools;
                ALTER TABLE compute_pools_v12 RENAME TO compute_pools;
                """)
        }
        m.registerMigration("v13-warehouse-inventory") { db in
            // SHOW WAREHOUSES and SHOW NOTEBOOKS IN ACCOUNT as last pulled (new tables; nothing cached changes).
            try db.execute(sql: WarehouseInventoryTables.schema)
        }
        m.registerMigration("v14-org-metering") { db in
            // `pull --org` reads the organization's METERING_DAILY_HISTORY, SPCS history and ACCOUNTS, whose rows
            // name each account's ACCOUNT_LOCATOR beside its ACCOUNT_NAME: kept here, one locator per account, so that a pools
            // file's `account` written as a locator finds the account an organization pull cached under its name.
            // Metering rows keep their v5 key (day, organization, account).
            try db.execute(sql: """
                CREATE TABLE account_locators (
                    organization TEXT NOT NULL,      -- upper case, '' = not known
                    account TEXT NOT NULL,           -- ACCOUNT_NAME, upper case
                    locator TEXT NOT NULL,           -- ACCOUNT_LOCATOR, upper case
                    load_id INTEGER NOT NULL REFERENCES loads(id),
                    PRIMARY KEY (organization, account)
                ) WITHOUT ROWID;
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
        /// Rows that were not in the cache (no row of the same key, and none of an earlier load they replace).
        public let inserted: Int
        /// Rows already cached (same key) whose values changed, such as a restated hour, and rows that replaced the
        /// rows of an earlier load for the same pool name and hour (an ID'd row replacing an ID-less one).
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
                try writer.flushFresh()
                try writer.flushApplicationNames()
                try writer.series.flush(db)
                try db.execute(sql: "UPDATE loads SET row_count = ? WHERE id = ?", arguments: [writer.rows, loadID])
                if let checksum = writer.amendedChecksum {
                    try db.execute(sql: "UPDATE loads SET checksum = ?, window_start = ?, window_end = ? WHERE id = ?",
                                   arguments: [checksum,
                                               writer.amendedWindow.map { Int64($0.start.timeIntervalSince1970.rounded(.down)) },
                                               writer.amendedWindow.map { Int64($0.end.timeIntervalSince1970.rounded(.down)) },
                                               loadID])
                }
                return LoadOutcome(loadID: loadID, rowsRead: writer.rows, inserted: writer.inserted,
                                   updated: writer.updated)
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Hourly rows whose START_TIME lies in `[from, to)` (either bound nil = open), one per pool name and hour,
    /// ordered by pool name, then start. Where the cache holds several rows of one name and hour (two pools of one
    /// name, dropped and re-created; or several accounts), CREDITS_USED is their sum, END_TIME the latest, and a
    /// column on which they differ is nil (`organization`/`account`: `""`). Day rows (``UsageRecord/grain`` `.day`)
    /// are summed apart from the hourly row of the same START_TIME. ``keyedRecords(from:to:pools:)`` gives the rows
    /// as stored.
    /// - Parameter byAccount: true = one row per pool name, hour, organization and account (each account's rows
    ///   summed apart, ordered by pool name, start, organization, account): what a run that prices each account at
    ///   its own price reads.
    /// - Throws: ``StoreError/database(path:reason:)``, ``StoreError/cachedRowOutOfRange(path:pool:hourStart:credits:)``.
    public func records(from: Date? = nil, to: Date? = nil, pools: [String]? = nil,
                        byAccount: Bool = false) throws(StoreError) -> [UsageRecord] {
        var out: [UsageRecord] = []
        for r in try keyedRecords(from: from, to: to, pools: pools) {
            guard var last = out.last, last.computePoolName == r.computePoolName, last.startTime == r.startTime,
                  last.grain == r.grain,
                  !byAccount || (last.organization == r.organization && last.account == r.account) else {
                out.append(r)
                continue
            }
            last.creditsUsed = last.creditsUsed + r.creditsUsed
            last.endTime = max(last.endTime, r.endTime)
            if last.computePoolID != r.computePoolID { last.computePoolID = nil }
            if last.isExclusive != r.isExclusive { last.isExclusive = nil }
            if last.applicationName != r.applicationName { last.applicationName = nil }
            if last.applicationID != r.applicationID { last.applicationID = nil }
            if last.organization != r.organization { last.organization = "" }
            if last.account != r.account { last.account = "" }
            out[out.count - 1] = last
        }
        return out
    }

    /// Rows as stored (hourly rows, then on the same START_TIME the day rows of a `--grain day` pull, `grain` `.day`),
    /// keyed by (organization, account, pool name, pool ID, START_TIME), whose START_TIME lies
    /// in `[from, to)` (either bound nil = open), ordered by pool name, start, organization, account and pool ID.
    /// `computePoolID` is nil where the view or file gave none; `organization`/`account` `""` where not known.
    /// - Throws: ``StoreError/database(path:reason:)``, ``StoreError/cachedRowOutOfRange(path:pool:hourStart:credits:)``.
    public func keyedRecords(from: Date? = nil, to: Date? = nil, pools: [String]? = nil) throws(StoreError) -> [UsageRecord] {
        var filter = ""
        var args: [(any DatabaseValueConvertible)?] = []
        if let from { filter += " AND start_time >= ?"; args.append(Int64(from.timeIntervalSince1970.rounded(.down))) }
        if let to { filter += " AND start_time < ?"; args.append(Int64(to.timeIntervalSince1970.rounded(.up))) }
        if let pools, !pools.isEmpty {
            filter += " AND compute_pool_name IN (" + pools.map { _ in "?" }.joined(separator: ",") + ")"
            args.append(contentsOf: pools)
        }
        args += args
        let columns = """
            compute_pool_name, start_time, end_time, compute_pool_id, is_exclusive, application_name,
                   application_id, credits_used_nano, organization, account
            """
        let sql = """
            SELECT \(columns), 0 AS daily FROM spcs_history WHERE 1 = 1\(filter)
            UNION ALL SELECT \(columns), 1 FROM spcs_daily WHERE 1 = 1\(filter)
            ORDER BY compute_pool_name, start_time, daily, organization, account, compute_pool_id
            """
        let finalSQL = sql
        let arguments = StatementArguments(args)
        do {
            let rows = try db.read { db in
                try Row.fetchAll(db, sql: finalSQL, arguments: arguments).map { row in
                    UsageRecord(
                        startTime: Date(timeIntervalSince1970: TimeInterval(row[1] as Int64)),
                        endTime: Date(timeIntervalSince1970: TimeInterval(row[2] as Int64)),
                        computePoolName: row[0],
                        computePoolID: (row[3] as Int64?).flatMap { $0 < 0 ? nil : $0 },
                        isExclusive: (row[4] as Int64?).map { $0 != 0 },
                        applicationName: row[5],
                        applicationID: row[6],
                        creditsUsed: NanoCredits(row[7] as Int64),
                        organization: row[8], account: row[9], grain: (row[10] as Int64) == 1 ? .day : .hour)
                }
            }
            if let bad = rows.first(where: { !(.zero...UsageRecord.maximumCreditsUsed(for: $0.grain)).contains($0.creditsUsed) }) {
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

/// An empty C string bound without a copy (SQLITE_STATIC).
nonisolated(unsafe) private let emptyText: UnsafeMutablePointer<CChar> = {
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
    p[0] = 0
    return p
}()

/// SQLite's SQLITE_TRANSIENT: the bound text is copied before the call returns.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// Writes rows inside a load's transaction: hourly history through prepared statements, and the other views a
/// pull loads. Every write is an upsert by the view's key.
public final class HistoryWriter {
    private let insert: Statement
    private let update: Statement
    private let replace: Statement
    let db: Database
    /// The `loads.id` of the load this writer writes.
    public let loadID: Int64
    /// Hourly history rows offered so far.
    public private(set) var rows = 0
    /// Hourly history rows new to the cache so far.
    public private(set) var inserted = 0
    /// Hourly history rows whose cached values changed so far, or that replaced an earlier load's rows.
    public private(set) var updated = 0
    /// The changed hours, applied to `spcs_series` when the load ends.
    var series = SeriesWriter()
    /// NOTEBOOKS_CONTAINER_RUNTIME_HISTORY rows written so far.
    public private(set) var notebookRows = 0
    struct ApplicationKey: Hashable { var organization: String; var account: String; var id: String }
    /// The newest APPLICATION_NAME per APPLICATION_ID seen in this load, written when it ends.
    private var applicationNames: [ApplicationKey: (name: String, seenAt: Int64)] = [:]
    /// The checksum and window recorded in `loads` when the load ends, for a streamed input known only then.
    var amendedChecksum: String?
    var amendedWindow: DateInterval?
    private lazy var storedRow: Statement? = try? db.makeStatement(sql: """
        SELECT end_time, is_exclusive, application_name, application_id, credits_used_nano FROM spcs_history
        WHERE compute_pool_name = ? AND start_time = ? AND organization = ? AND account = ? AND compute_pool_id = ?
        """)
    /// The blob of the pool-month last looked up, as it was before this load (blobs change only when the load ends):
    /// an hour without a value there had no row of that name, so no earlier row can need replacing.
    private let seriesBlob: Statement
    private var blobKey: SeriesWriter.Key?
    private var blob = Data()
    private var blobMonth: (start: Int64, end: Int64) = (0, 0)

    init(db: Database, loadID: Int64) throws {
        self.db = db
        self.loadID = loadID
        seriesBlob = try db.makeStatement(sql: "SELECT hours FROM spcs_series WHERE compute_pool_name = ? AND month_start = ?")
        // Parameters of all three: ?1 name, ?2 start, ?3 organization, ?4 account, ?5 pool id (-1 = none), then
        // ?6 end, ?7 exclusive, ?8 application name, ?9 application id, ?10 nano-credits, ?11 load id.
        insert = try db.makeStatement(sql: """
            INSERT INTO spcs_history (compute_pool_name, start_time, organization, account, compute_pool_id, end_time,
                                      is_exclusive, application_name, application_id, credits_used_nano, load_id)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            ON CONFLICT DO NOTHING
            """)
        update = try db.makeStatement(sql: """
            UPDATE spcs_history SET end_time = ?6, is_exclusive = ?7, application_name = ?8, application_id = ?9,
                credits_used_nano = ?10, load_id = ?11
            WHERE compute_pool_name = ?1 AND start_time = ?2 AND organization = ?3 AND account = ?4
              AND compute_pool_id = ?5
              AND (end_time IS NOT ?6 OR is_exclusive IS NOT ?7 OR application_name IS NOT ?8
                   OR application_id IS NOT ?9 OR credits_used_nano IS NOT ?10)
            """)
        // The rows of the same name and hour from earlier loads that this row stands for: each of organization,
        // account and ID agrees or is not known on one side, and the row is not the same key.
        replace = try db.makeStatement(sql: """
            DELETE FROM spcs_history
            WHERE compute_pool_name = ?1 AND start_time = ?2 AND load_id <> ?11
              AND (organization = ?3 OR organization = '' OR ?3 = '')
              AND (account = ?4 OR account = '' OR ?4 = '')
              AND (compute_pool_id = ?5 OR compute_pool_id = -1 OR ?5 = -1)
              AND NOT (organization = ?3 AND account = ?4 AND compute_pool_id = ?5)
            """)
    }

    /// Inserts `record`, or replaces the cached row of the same key (organization, account, pool name, pool ID,
    /// START_TIME) when any value differs; and removes the rows of earlier loads that it replaces (see
    /// ``UsageCache``: an ID'd row replaces the ID-less row of the same pool name and hour, and the other way).
    ///
    /// The hot path of a pull (a million rows a pull is normal): the values are bound straight into GRDB's prepared
    /// SQLite statements, without boxing each one.
    /// - Throws: a SQLite error; the enclosing load then rolls back.
    public func upsert(_ record: UsageRecord) throws {
        try upsert(record, checked: false)
    }

    /// ``upsert(_:)``; `checked` says the caller has already refused a row with a ``UsageRecord/problem`` (the CSV
    /// reader checks each row as it reads it).
    func upsert(_ record: UsageRecord, checked: Bool) throws {
        // Import and pull refuse such rows first; this keeps any other caller from writing one.
        if !checked, let problem = record.problem {
            throw StoreError.badCell(file: "the rows offered to the cache", line: rows + 1, column: problem.column,
                                     value: record.quotedValue(for: problem), fix: problem.description)
        }
        noteApplicationName(record)
        if record.grain == .day {
            try upsertDay(record)
            return
        }
        let start = Int64(record.startTime.timeIntervalSince1970.rounded(.down))
        rows += 1
        let cached = try cachedBeforeThisLoad(pool: record.computePoolName, start: start)
        if checked, !cached {
            // No row of this name and hour before this load, and the CSV reader lets each key through once: the
            // row is new. New rows go in by batches of one multi-row INSERT.
            fresh.append(record)
            if fresh.count == Self.freshBatch { try flushFresh() }
            inserted += 1
            series.touch(pool: record.computePoolName, start: start)
            return
        }
        try flushFresh()
        func run(_ statement: Statement) throws -> Int32 {
            let s = statement.sqliteStatement
            sqlite3_reset(s)
            bind(s, record, at: 0)
            let code = sqlite3_step(s)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            return sqlite3_changes(db.sqliteConnection)
        }
        let replaced = try cached && run(replace) > 0
        if try run(insert) > 0 {
            if replaced { updated += 1 } else { inserted += 1 }
        } else if try run(update) > 0 || replaced {
            updated += 1
        } else {
            return
        }
        series.touch(pool: record.computePoolName, start: start)
    }

    /// Inserts a day row into `spcs_daily`, or replaces the cached row of its key (organization, account, pool
    /// name, pool ID, day) when any value differs. START_TIME must be 00:00 UTC of the day.
    /// - Throws: ``StoreError/badCell(file:line:column:value:fix:)`` when START_TIME is not a UTC midnight; a
    ///   SQLite error.
    private func upsertDay(_ record: UsageRecord) throws {
        try flushFresh()
        let start = Int64(record.startTime.timeIntervalSince1970.rounded(.down))
        rows += 1
        guard floorDiv(start, 86_400) * 86_400 == start else {
            throw StoreError.badCell(file: "the rows offered to the cache", line: rows, column: "START_TIME",
                                     value: "\(start) s after 1970-01-01T00:00:00Z",
                                     fix: "a day row starts at 00:00 UTC of its day")
        }
        let key: [(any DatabaseValueConvertible)?] = [record.computePoolName, start, record.organization, record.account,
                                                     record.computePoolID.map { $0 < 0 ? -1 : $0 } ?? -1]
        let values: [(any DatabaseValueConvertible)?] = [
            Int64(record.endTime.timeIntervalSince1970.rounded(.down)), record.isExclusive.map { $0 ? 1 : 0 },
            record.applicationName, record.applicationID, record.creditsUsed.value]
        let stored = try Row.fetchOne(db, sql: """
            SELECT end_time, is_exclusive, application_name, application_id, credits_used_nano FROM spcs_daily
            WHERE compute_pool_name = ? AND start_time = ? AND organization = ? AND account = ? AND compute_pool_id = ?
            """, arguments: StatementArguments(key))
        if let stored {
            let same = (stored[0] as Int64?) == Int64(record.endTime.timeIntervalSince1970.rounded(.down))
                && (stored[1] as Int64?) == record.isExclusive.map { $0 ? 1 : 0 }
                && (stored[2] as String?) == record.applicationName
                && (stored[3] as String?) == record.applicationID && (stored[4] as Int64?) == record.creditsUsed.value
            if same { return }
            updated += 1
        } else {
            inserted += 1
        }
        try db.execute(sql: """
            INSERT OR REPLACE INTO spcs_daily (compute_pool_name, start_time, organization, account, compute_pool_id,
                end_time, is_exclusive, application_name, application_id, credits_used_nano, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: StatementArguments(key + values + [loadID]))
        series.touch(pool: record.computePoolName, start: start)
    }

    /// Removes one account's rows of the grain other than `grain` whose START_TIME lies in [`from`, `to`): what a
    /// pull at `grain` does for the window it read (whole UTC days), so the cache holds one grain per account and
    /// day and no day is counted twice. Rows whose organization or account is not known (`''`, a CSV import) count
    /// as the account's, as in the hourly upsert.
    /// - Returns: the rows removed.
    /// - Throws: a SQLite error.
    @discardableResult
    public func replaceOtherGrain(than grain: LedgerGrain, organization: String, account: String,
                                  from: Date, to: Date) throws -> Int {
        try flushFresh()
        let table = grain == .day ? "spcs_history" : "spcs_daily"
        let filter = """
            WHERE start_time >= ?1 AND start_time < ?2 AND (organization = ?3 OR organization = '' OR ?3 = '')
              AND (account = ?4 OR account = '' OR ?4 = '')
            """
        let arguments: StatementArguments = [Int64(from.timeIntervalSince1970.rounded(.down)),
                                             Int64(to.timeIntervalSince1970.rounded(.up)), organization, account]
        let touched = try Row.fetchAll(db, sql: "SELECT DISTINCT compute_pool_name, start_time FROM \(table) \(filter)",
                                       arguments: arguments)
        guard !touched.isEmpty else { return 0 }
        for row in touched { series.touch(pool: row[0], start: row[1]) }
        try db.execute(sql: "DELETE FROM \(table) \(filter)", arguments: arguments)
        return db.changesCount
    }

    /// Binds `record`'s 11 values to parameters `base + 1` to `base + 11` of `s`: name, start, organization, account,
    /// pool id (-1 = none), end, exclusive, application name, application id, nano-credits, load id.
    private func bind(_ s: OpaquePointer?, _ record: UsageRecord, at base: Int32) {
        func text(_ i: Int32, _ v: String?) {
            guard let v else { sqlite3_bind_null(s, base + i); return }
            // No copy for the empty text (organization and account not known).
            if v.isEmpty { sqlite3_bind_text(s, base + i, emptyText, 0, nil); return }
            // The byte count, not a C string's end: a NUL inside the text must not cut it short.
            _ = v.withCString { sqlite3_bind_text(s, base + i, $0, Int32(v.utf8.count), sqliteTransient) }
        }
        func int(_ i: Int32, _ v: Int64?) {
            guard let v else { sqlite3_bind_null(s, base + i); return }
            sqlite3_bind_int64(s, base + i, v)
        }
        // The pool name from a copy this writer keeps for the load (SQLITE_STATIC: SQLite does not copy it per row).
        let name = stableText(record.computePoolName)
        sqlite3_bind_text(s, base + 1, name.bytes, name.count, nil)
        int(2, Int64(record.startTime.timeIntervalSince1970.rounded(.down)))
        text(3, record.organization)
        text(4, record.account)
        int(5, record.computePoolID.map { $0 < 0 ? -1 : $0 } ?? -1)
        int(6, Int64(record.endTime.timeIntervalSince1970.rounded(.down)))
        int(7, record.isExclusive.map { $0 ? 1 : 0 })
        text(8, record.applicationName)
        text(9, record.applicationID)
        int(10, record.creditsUsed.value)
        int(11, loadID)
    }

    /// Copies of the pool names bound so far, alive as long as this writer (and its statements).
    // Keyed by bytes, not String: two names equal as Unicode text but not byte for byte stay two names.
    private var stableTexts: [[UInt8]: (bytes: UnsafeMutablePointer<CChar>, count: Int32)] = [:]
    private var lastStable: (text: String, bytes: UnsafeMutablePointer<CChar>, count: Int32)?

    private func stableText(_ text: String) -> (bytes: UnsafeMutablePointer<CChar>, count: Int32) {
        if let last = lastStable, last.text.utf8.elementsEqual(text.utf8) { return (last.bytes, last.count) }
        let utf8 = Array(text.utf8)
        let entry: (bytes: UnsafeMutablePointer<CChar>, count: Int32)
        if let known = stableTexts[utf8] {
            entry = known
        } else {
            let bytes = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count + 1)
            for (k, b) in utf8.enumerated() { bytes[k] = CChar(bitPattern: b) }
            bytes[utf8.count] = 0
            entry = (bytes, Int32(utf8.count))
            stableTexts[utf8] = entry
        }
        lastStable = (text, entry.bytes, entry.count)
        return entry
    }

    deinit {
        for (_, entry) in stableTexts { entry.bytes.deallocate() }
    }

    /// Rows per multi-row INSERT of new rows (11 parameters each, under SQLite's 32,766).
    static let freshBatch = 64
    private var fresh: [UsageRecord] = []
    private var freshInsert: Statement?

    /// Inserts the new rows waiting in `fresh` (before any other statement touches the table).
    /// - Throws: a SQLite error (a key already there would be one: the rows were known to be new).
    func flushFresh() throws {
        guard !fresh.isEmpty else { return }
        let statement: Statement
        if fresh.count == Self.freshBatch, let prepared = freshInsert {
            statement = prepared
        } else {
            let values = [String](repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: fresh.count).joined(separator: ", ")
            statement = try db.makeStatement(sql: """
                INSERT INTO spcs_history (compute_pool_name, start_time, organization, account, compute_pool_id, end_time,
                                          is_exclusive, application_name, application_id, credits_used_nano, load_id)
                VALUES \(values)
                """)
            if fresh.count == Self.freshBatch { freshInsert = statement }
        }
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        for (k, record) in fresh.enumerated() { bind(s, record, at: Int32(k * 11)) }
        let code = sqlite3_step(s)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        fresh.removeAll(keepingCapacity: true)
    }

    /// The cached row of `record`'s key (organization, account, pool name, pool ID, START_TIME in whole seconds), or
    /// nil when there is none.
    /// - Throws: a SQLite error.
    func storedRecord(like record: UsageRecord) throws -> UsageRecord? {
        try flushFresh()
        let start = Int64(record.startTime.timeIntervalSince1970.rounded(.down))
        guard let statement = storedRow else {
            throw StoreError.database(path: "the cache", reason: "cannot prepare the row lookup")
        }
        guard let row = try Row.fetchOne(statement, arguments: [
            record.computePoolName, start, record.organization, record.account, record.computePoolID ?? -1]) else {
            return nil
        }
        return UsageRecord(startTime: Date(timeIntervalSince1970: TimeInterval(start)),
                           endTime: Date(timeIntervalSince1970: TimeInterval(row[0] as Int64)),
                           computePoolName: record.computePoolName, computePoolID: record.computePoolID,
                           isExclusive: (row[1] as Int64?).map { $0 != 0 }, applicationName: row[2],
                           applicationID: row[3], creditsUsed: NanoCredits(row[4] as Int64),
                           organization: record.organization, account: record.account)
    }

    /// True when the cache held a row of `pool`'s name in the hour starting at `start` before this load, read from
    /// the series blobs of that pool-month, every organization and account (one read per pool-month while rows come
    /// in pool order).
    private func cachedBeforeThisLoad(pool: String, start: Int64) throws -> Bool {
        if !(blobMonth.start..<blobMonth.end).contains(start) {
            let first = CivilDate(daysSinceEpoch: Int(floorDiv(start, 86_400))).firstOfMonth
            blobMonth = (Int64(first.daysSinceEpoch) * 86_400, Int64(first.daysSinceEpoch + first.daysInMonth) * 86_400)
        }
        if blobKey?.monthStart != blobMonth.start || blobKey?.pool != pool {
            blob = SeriesBlob.sum(try Data.fetchAll(seriesBlob, arguments: [pool, blobMonth.start]))
            blobKey = SeriesWriter.Key(pool: pool, monthStart: blobMonth.start)
        }
        let hour = Int((start - blobMonth.start) / 3600)
        guard hour >= 0, (hour + 1) * 8 <= blob.count else { return false }
        return blob.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(fromByteOffset: hour * 8, as: Int64.self)) } != .min
    }

    /// Keeps `record`'s APPLICATION_NAME as its APPLICATION_ID's name when the row names both and is the newest seen
    /// in this load (written to `application_names` when the load ends, ``flushApplicationNames()``).
    func noteApplicationName(_ record: UsageRecord) {
        guard let id = record.applicationID, !id.isEmpty, let name = record.applicationName, !name.isEmpty else { return }
        let key = ApplicationKey(organization: record.organization, account: record.account, id: id)
        let start = Int64(record.startTime.timeIntervalSince1970.rounded(.down))
        if let seen = applicationNames[key], seen.seenAt > start { return }
        applicationNames[key] = (name, start)
    }

    /// Writes the names noted in this load into `application_names`, each replacing the cached name of its ID only
    /// when its row is at least as new (a NULL name never replaces one: it is never noted).
    /// - Throws: a SQLite error.
    func flushApplicationNames() throws {
        for (key, value) in applicationNames.sorted(by: { ($0.key.organization, $0.key.account, $0.key.id) < ($1.key.organization, $1.key.account, $1.key.id) }) {
            try db.execute(sql: """
                INSERT INTO application_names (organization, account, application_id, application_name, seen_at, load_id)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (organization, account, application_id) DO UPDATE SET
                    application_name = excluded.application_name, seen_at = excluded.seen_at, load_id = excluded.load_id
                WHERE excluded.seen_at >= application_names.seen_at
                """, arguments: [key.organization, key.account, key.id, value.name, value.seenAt, loadID])
        }
        applicationNames.removeAll()
    }

    /// Inserts or replaces a NOTEBOOKS_CONTAINER_RUNTIME_HISTORY row (key: organization, account, pool name,
    /// START_TIME, notebook name and ID, user name, service name; NULL names as `''`, a NULL ID as -1).
    /// - Throws: ``StoreError/badCell(file:line:column:value:fix:)`` for a row with a ``NotebookUsageRecord/problem``;
    ///   a SQLite error.
    public func upsert(_ row: NotebookUsageRecord) throws {
        if let problem = row.problem {
            throw StoreError.badCell(file: "the notebook rows offered to the cache", line: 1, column: "CREDITS",
                                     value: row.credits.description, fix: problem)
        }
        func t(_ d: Date) -> Int64 { Int64(d.timeIntervalSince1970.rounded(.down)) }
        try db.execute(sql: """
            INSERT OR REPLACE INTO notebook_usage (organization, account, compute_pool_name, start_time, notebook_name,
                notebook_id, user_name, service_name, end_time, user_id, compute_pool_id, service_id,
                execution_time_secs, credits_nano, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [row.organization, row.account, row.computePoolName, t(row.startTime), row.notebookName,
                             row.notebookID ?? -1, row.userName, row.serviceName ?? "", t(row.endTime), row.userID,
                             row.computePoolID, row.serviceID, row.executionSeconds, row.credits.value, loadID])
        notebookRows += 1
    }

    /// Inserts or replaces a COMPUTE_POOLS row (key: organization, account, NAME, ID since schema
    /// `v12-account-inventory`; before, NAME and ID, so the account written last won).
    /// - Throws: a SQLite error.
    public func upsert(_ pool: ComputePoolRecord) throws {
        func t(_ d: Date?) -> Int64? { d.map { Int64($0.timeIntervalSince1970.rounded(.down)) } }
        try db.execute(sql: """
            INSERT OR REPLACE INTO compute_pools (organization, account, name, id, is_suspended, min_nodes, max_nodes,
                instance_family, auto_suspend_secs, auto_resume, created, last_resumed, last_altered, deleted, owner,
                comment, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [pool.organization, pool.account, pool.name, pool.id, pool.isSuspended.map { $0 ? 1 : 0 }, pool.minNodes, pool.maxNodes,
                             pool.instanceFamily, pool.autoSuspendSeconds, pool.autoResume.map { $0 ? 1 : 0 },
                             t(pool.created), t(pool.lastResumed), t(pool.lastAltered), t(pool.deleted), pool.owner,
                             pool.comment, loadID])
    }

    /// Inserts or replaces a METERING_DAILY_HISTORY row (key: USAGE_DATE, organization, account).
    /// - Throws: a SQLite error.
    public func upsert(_ day: MeteringDailyRecord) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO metering_daily (usage_date, organization, account, credits_used_compute_nano,
                credits_used_cloud_services_nano, credits_used_nano, credits_adjustment_cloud_services_nano,
                credits_billed_nano, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [day.usageDate.daysSinceEpoch, day.organization, day.account, day.creditsUsedCompute.value,
                             day.creditsUsedCloudServices.value, day.creditsUsed.value,
                             day.creditsAdjustmentCloudServices.value, day.creditsBilled.value, loadID])
    }

    /// Inserts or replaces a RATE_SHEET_DAILY row (key: date, account, service, usage, rating and billing type,
    /// adjustment flag). A cached row of the same key with another CURRENCY or EFFECTIVE_RATE is recorded in
    /// `restatements` before it is replaced.
    /// - Throws: a SQLite error.
    public func upsert(_ row: RateSheetRow) throws {
        let key: [any DatabaseValueConvertible] = [row.date.daysSinceEpoch, row.accountName ?? "", row.serviceType,
                                                   row.usageType ?? "", row.ratingType ?? "", row.billingType ?? "",
                                                   row.isAdjustment ? 1 : 0]
        if let old = try Row.fetchOne(db, sql: """
            SELECT currency, effective_rate FROM rate_sheet_daily WHERE date = ? AND account_name = ? AND service_type = ?
              AND usage_type = ? AND rating_type = ? AND billing_type = ? AND is_adjustment = ?
            """, arguments: StatementArguments(key)) {
            let keyText = Self.keyText(["ACCOUNT_NAME": row.accountName ?? "", "SERVICE_TYPE": row.serviceType,
                                        "USAGE_TYPE": row.usageType ?? "", "RATING_TYPE": row.ratingType ?? "",
                                        "BILLING_TYPE": row.billingType ?? "", "IS_ADJUSTMENT": row.isAdjustment ? "true" : "false"],
                                       order: ["ACCOUNT_NAME", "SERVICE_TYPE", "USAGE_TYPE", "RATING_TYPE", "BILLING_TYPE", "IS_ADJUSTMENT"])
            let oldCurrency: String = old[0], oldRate: String = old[1]
            let newRate = ExactDecimal.text(row.effectiveRate)
            if oldCurrency != row.currency.code {
                try restated(Self.rateSheetView, row.date, keyText, "CURRENCY", oldCurrency, row.currency.code)
            }
            if ExactDecimal.parse(oldRate) != row.effectiveRate {
                try restated(Self.rateSheetView, row.date, keyText, "EFFECTIVE_RATE", oldRate, newRate)
            }
        }
        try db.execute(sql: """
            INSERT OR REPLACE INTO rate_sheet_daily (date, account_name, service_type, usage_type, rating_type,
                billing_type, is_adjustment, currency, effective_rate, contract_number, region, service_level, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: StatementArguments(key + [row.currency.code, ExactDecimal.text(row.effectiveRate),
                                                      row.contractNumber, row.region, row.serviceLevel, loadID]))
    }

    /// Inserts or replaces an account's Snowflake Region (a row of ORGANIZATION_USAGE.ACCOUNTS; key: organization and
    /// account, upper case).
    /// - Throws: a SQLite error.
    public func upsert(_ row: AccountRegion) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO account_regions (organization, account, region, load_id) VALUES (?, ?, ?, ?)
            """, arguments: [row.organization, row.account, row.region, loadID])
    }

    /// Inserts or replaces an account's locator (ACCOUNT_NAME and ACCOUNT_LOCATOR of an ORGANIZATION_USAGE row that
    /// `pull --org` read; key: organization and account, upper case). Schema `v14-org-metering`.
    /// - Throws: a SQLite error.
    public func upsert(_ row: AccountLocator) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO account_locators (organization, account, locator, load_id) VALUES (?, ?, ?, ?)
            """, arguments: [row.organization, row.account, row.locator, loadID])
    }

    /// Inserts or replaces a USAGE_IN_CURRENCY_DAILY row (key: every column but USAGE and USAGE_IN_CURRENCY). A
    /// cached row of the same key with another USAGE or USAGE_IN_CURRENCY is recorded in `restatements` before it is
    /// replaced.
    /// - Throws: a SQLite error.
    public func upsert(_ row: UsageInCurrencyRow) throws {
        let key: [any DatabaseValueConvertible] = [
            row.usageDate.daysSinceEpoch, row.organizationName, row.accountName, row.accountLocator, row.region,
            row.serviceLevel, row.contractNumber, row.usageType, row.serviceType, row.ratingType, row.billingType,
            row.balanceSource, row.isAdjustment ? 1 : 0, row.currency]
        if let old = try Row.fetchOne(db, sql: """
            SELECT usage, usage_in_currency FROM usage_in_currency_daily WHERE usage_date = ? AND organization_name = ?
              AND account_name = ? AND account_locator = ? AND region = ? AND service_level = ? AND contract_number = ?
              AND usage_type = ? AND service_type = ? AND rating_type = ? AND billing_type = ? AND balance_source = ?
              AND is_adjustment = ? AND currency = ?
            """, arguments: StatementArguments(key)) {
            let keyText = Self.usageInCurrencyKey(row)
            let oldUsage: String = old[0], oldAmount: String = old[1]
            if ExactDecimal.parse(oldUsage) != row.usage {
                try restated(Self.usageInCurrencyView, row.usageDate, keyText, "USAGE", oldUsage, ExactDecimal.text(row.usage))
            }
            if ExactDecimal.parse(oldAmount) != row.usageInCurrency {
                try restated(Self.usageInCurrencyView, row.usageDate, keyText, "USAGE_IN_CURRENCY", oldAmount,
                             ExactDecimal.text(row.usageInCurrency))
            }
        }
        try db.execute(sql: """
            INSERT OR REPLACE INTO usage_in_currency_daily (usage_date, organization_name, account_name, account_locator,
                region, service_level, contract_number, usage_type, service_type, rating_type, billing_type,
                balance_source, is_adjustment, currency, usage, usage_in_currency, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: StatementArguments(key + [ExactDecimal.text(row.usage), ExactDecimal.text(row.usageInCurrency),
                                                      loadID]))
    }

    /// Removes the cached rows of a money view dated on or after `day` that this load did not write: the pull read
    /// the view from `day` on, so Snowflake no longer shows them. Each is recorded in `restatements` (column `ROW`).
    /// Call after every row of that view is upserted, and only when the view was read.
    /// - Parameter view: ``rateSheetView`` or ``usageInCurrencyView``.
    /// - Returns: how many rows were removed.
    /// - Throws: a SQLite error.
    @discardableResult
    public func removeRowsNotReread(_ view: String, from day: CivilDate?) throws -> Int {
        let lower = day?.daysSinceEpoch ?? Int.min
        var removed = 0
        if view == Self.rateSheetView {
            let gone = try Row.fetchAll(db, sql: """
                SELECT date, account_name, service_type, usage_type, rating_type, billing_type, is_adjustment, effective_rate
                FROM rate_sheet_daily WHERE date >= ? AND load_id <> ?
                """, arguments: [lower, loadID])
            for r in gone {
                let keyText = Self.keyText(["ACCOUNT_NAME": r[1], "SERVICE_TYPE": r[2], "USAGE_TYPE": r[3], "RATING_TYPE": r[4],
                                            "BILLING_TYPE": r[5], "IS_ADJUSTMENT": (r[6] as Int64) != 0 ? "true" : "false"],
                                           order: ["ACCOUNT_NAME", "SERVICE_TYPE", "USAGE_TYPE", "RATING_TYPE", "BILLING_TYPE", "IS_ADJUSTMENT"])
                try restated(view, CivilDate(daysSinceEpoch: r[0]), keyText, "ROW", r[7], "")
            }
            try db.execute(sql: "DELETE FROM rate_sheet_daily WHERE date >= ? AND load_id <> ?", arguments: [lower, loadID])
            removed = gone.count
        } else if view == Self.usageInCurrencyView {
            let gone = try UsageCache.usageInCurrencyRows(db, sql: "WHERE usage_date >= ? AND load_id <> ?", arguments: [lower, loadID])
            for r in gone {
                try restated(view, r.usageDate, Self.usageInCurrencyKey(r), "ROW", ExactDecimal.text(r.usageInCurrency), "")
            }
            try db.execute(sql: "DELETE FROM usage_in_currency_daily WHERE usage_date >= ? AND load_id <> ?",
                           arguments: [lower, loadID])
            removed = gone.count
        }
        return removed
    }

    /// `RATE_SHEET_DAILY`, the view name `restatements` records.
    public static let rateSheetView = "RATE_SHEET_DAILY"
    /// `USAGE_IN_CURRENCY_DAILY`, the view name `restatements` records.
    public static let usageInCurrencyView = "USAGE_IN_CURRENCY_DAILY"

    private func restated(_ view: String, _ day: CivilDate, _ key: String, _ column: String, _ old: String,
                          _ new: String) throws {
        try db.execute(sql: """
            INSERT INTO restatements (view, day, key, column_name, old_value, new_value, load_id) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [view, day.daysSinceEpoch, key, column, old, new, loadID])
    }

    static func keyText(_ values: [String: String], order: [String]) -> String {
        order.map { "\($0)=\(values[$0] ?? "")" }.joined(separator: ", ")
    }

    static func usageInCurrencyKey(_ r: UsageInCurrencyRow) -> String {
        keyText(["ORGANIZATION_NAME": r.organizationName, "ACCOUNT_NAME": r.accountName, "ACCOUNT_LOCATOR": r.accountLocator,
                 "REGION": r.region, "SERVICE_LEVEL": r.serviceLevel, "CONTRACT_NUMBER": r.contractNumber,
                 "USAGE_TYPE": r.usageType, "SERVICE_TYPE": r.serviceType, "RATING_TYPE": r.ratingType,
                 "BILLING_TYPE": r.billingType, "BALANCE_SOURCE": r.balanceSource,
                 "IS_ADJUSTMENT": r.isAdjustment ? "true" : "false", "CURRENCY": r.currency],
                order: ["ORGANIZATION_NAME", "ACCOUNT_NAME", "ACCOUNT_LOCATOR", "REGION", "SERVICE_LEVEL", "CONTRACT_NUMBER",
                        "USAGE_TYPE", "SERVICE_TYPE", "RATING_TYPE", "BILLING_TYPE", "BALANCE_SOURCE", "IS_ADJUSTMENT",
                        "CURRENCY"])
    }
}

extension UsageCache {
    /// Every cached COMPUTE_POOLS row, by name, id, organization and account (two accounts' pools of one name are
    /// two rows).
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func computePools() throws(StoreError) -> [ComputePoolRecord] {
        func date(_ v: Int64?) -> Date? { v.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT name, id, is_suspended, min_nodes, max_nodes, instance_family, auto_suspend_secs, auto_resume,
                           created, last_resumed, last_altered, deleted, owner, comment, organization, account
                    FROM compute_pools ORDER BY name, id, organization, account
                    """).map { r in
                    ComputePoolRecord(name: r[0], id: r[1], isSuspended: (r[2] as Int64?).map { $0 != 0 }, minNodes: r[3],
                                      maxNodes: r[4], instanceFamily: r[5], autoSuspendSeconds: r[6],
                                      autoResume: (r[7] as Int64?).map { $0 != 0 }, created: date(r[8]),
                                      lastResumed: date(r[9]), lastAltered: date(r[10]), deleted: date(r[11]),
                                      owner: r[12], comment: r[13], organization: r[14], account: r[15])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Each account's Snowflake Region, by organization and account: the ORGANIZATION_USAGE.ACCOUNTS rows a
    /// `pull --org` cached; for an account with none, the REGION of its newest RATE_SHEET_DAILY row that names both
    /// (the rate sheet has no organization column, so those rows carry the organization `''`).
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func accountRegions() throws(StoreError) -> [AccountRegion] {
        do {
            return try db.read { db in
                var out = try Row.fetchAll(db, sql: """
                    SELECT organization, account, region FROM account_regions ORDER BY organization, account
                    """).map { AccountRegion(organization: $0[0], account: $0[1], region: $0[2], source: .accounts) }
                let known = Set(out.map { $0.account })
                let sheet = try Row.fetchAll(db, sql: """
                    SELECT UPPER(account_name), region FROM rate_sheet_daily r
                    WHERE account_name <> '' AND region <> ''
                      AND date = (SELECT MAX(date) FROM rate_sheet_daily s WHERE s.account_name = r.account_name AND s.region <> '')
                    GROUP BY UPPER(account_name) ORDER BY 1
                    """)
                for row in sheet where !known.contains(row[0] as String) {
                    out.append(AccountRegion(organization: "", account: row[0], region: row[1], source: .rateSheet))
                }
                return out
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

    /// Cached USAGE_IN_CURRENCY_DAILY rows whose USAGE_DATE lies in `[from, to)` (UTC days; either bound nil =
    /// open), ordered by date, organization, account, service type, usage type, rating type, billing type, balance
    /// source and adjustment flag. Amounts are exact: USAGE NUMBER(38,3), USAGE_IN_CURRENCY NUMBER(38,2).
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func usageInCurrency(from: CivilDate? = nil, to: CivilDate? = nil) throws(StoreError) -> [UsageInCurrencyRow] {
        do {
            return try db.read { db in
                try Self.usageInCurrencyRows(db, sql: "WHERE usage_date >= ? AND usage_date < ?",
                                             arguments: [from?.daysSinceEpoch ?? Int.min, to?.daysSinceEpoch ?? Int.max])
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    static func usageInCurrencyRows(_ db: Database, sql filter: String, arguments: StatementArguments) throws
        -> [UsageInCurrencyRow] {
        try Row.fetchAll(db, sql: """
            SELECT usage_date, organization_name, account_name, account_locator, region, service_level, contract_number,
                   usage_type, service_type, rating_type, billing_type, balance_source, is_adjustment, currency, usage,
                   usage_in_currency
            FROM usage_in_currency_daily \(filter)
            ORDER BY usage_date, organization_name, account_name, service_type, usage_type, rating_type, billing_type,
                     balance_source, is_adjustment, account_locator, region, service_level, contract_number, currency
            """, arguments: arguments).map { r in
            UsageInCurrencyRow(
                usageDate: CivilDate(daysSinceEpoch: r[0]), organizationName: r[1], accountName: r[2], accountLocator: r[3],
                region: r[4], serviceLevel: r[5], contractNumber: r[6], usageType: r[7], serviceType: r[8],
                ratingType: r[9], billingType: r[10], balanceSource: r[11], isAdjustment: (r[12] as Int64) != 0,
                usage: ExactDecimal.parse(r[14] as String) ?? 0, usageInCurrency: ExactDecimal.parse(r[15] as String) ?? 0,
                currency: r[13])
        }
    }

    /// The UTC days in `[from, to)` (either bound nil = open) on which a pull found a cached RATE_SHEET_DAILY or
    /// USAGE_IN_CURRENCY_DAILY value changed or gone (restated), in order; reports mark them as restated.
    /// ``restatements(from:to:)`` gives what changed.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func restatedDays(from: CivilDate? = nil, to: CivilDate? = nil) throws(StoreError) -> [CivilDate] {
        do {
            return try db.read { db in
                try Int.fetchAll(db, sql: "SELECT DISTINCT day FROM restatements WHERE day >= ? AND day < ? ORDER BY day",
                                 arguments: [from?.daysSinceEpoch ?? Int.min, to?.daysSinceEpoch ?? Int.max])
                    .map { CivilDate(daysSinceEpoch: $0) }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Every recorded restatement of a day in `[from, to)` (UTC days; either bound nil = open), in the order the pulls
    /// found them.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func restatements(from: CivilDate? = nil, to: CivilDate? = nil) throws(StoreError) -> [Restatement] {
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT view, day, key, column_name, old_value, new_value, load_id FROM restatements
                    WHERE day >= ? AND day < ? ORDER BY id
                    """, arguments: [from?.daysSinceEpoch ?? Int.min, to?.daysSinceEpoch ?? Int.max]).map { r in
                    Restatement(view: r[0], day: CivilDate(daysSinceEpoch: r[1]), key: r[2], column: r[3], oldValue: r[4],
                                newValue: r[5], loadID: r[6])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// True when the cache holds at least one row of `view` (``HistoryWriter/rateSheetView`` or
    /// ``HistoryWriter/usageInCurrencyView``): a pull reads a money view from its first row until then.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func hasRows(of view: String) throws(StoreError) -> Bool {
        let table = view == HistoryWriter.usageInCurrencyView ? "usage_in_currency_daily" : "rate_sheet_daily"
        do {
            return try db.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))") ?? false }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The newest END_TIME of one account's hourly or day rows, or nil when the cache holds none: the watermark of that
    /// account's pull. Rows whose organization or account is not known (`''`, from a CSV import or a cache older
    /// than schema v4) count for every account, as the upsert lets them stand for any account's rows.
    /// - Parameters:
    ///   - organization: upper-case organization name; `''` = not known (matches every row's organization).
    ///   - account: upper-case account name (or locator); `''` = not known (matches every row's account).
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func latestEndTime(organization: String, account: String) throws(StoreError) -> Date? {
        do {
            return try db.read { db in
                try Int64.fetchOne(db, sql: """
                    SELECT MAX(end_time) FROM (
                        SELECT MAX(end_time) AS end_time FROM spcs_history
                        WHERE (organization = ?1 OR organization = '' OR ?1 = '') AND (account = ?2 OR account = '' OR ?2 = '')
                        UNION ALL
                        SELECT MAX(end_time) FROM spcs_daily
                        WHERE (organization = ?1 OR organization = '' OR ?1 = '') AND (account = ?2 OR account = '' OR ?2 = ''))
                    """, arguments: [organization, account]).map { Date(timeIntervalSince1970: TimeInterval($0)) }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The cached METERING_DAILY_HISTORY rows (SERVICE_TYPE SNOWPARK_CONTAINER_SERVICES), one per day and
    /// account, sorted by day, organization and account.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func meteringDaily() throws(StoreError) -> [MeteringDailyRecord] {
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT usage_date, credits_used_compute_nano, credits_used_cloud_services_nano, credits_used_nano,
                           credits_adjustment_cloud_services_nano, credits_billed_nano, organization, account
                    FROM metering_daily ORDER BY usage_date, organization, account
                    """).map { r in
                    MeteringDailyRecord(usageDate: CivilDate(daysSinceEpoch: r[0] as Int), creditsUsedCompute: NanoCredits(r[1] as Int64),
                                        creditsUsedCloudServices: NanoCredits(r[2] as Int64), creditsUsed: NanoCredits(r[3] as Int64),
                                        creditsAdjustmentCloudServices: NanoCredits(r[4] as Int64),
                                        creditsBilled: NanoCredits(r[5] as Int64), organization: r[6], account: r[7])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The UTC days whose START_TIME lies in [`from`, `to`) (either bound nil = open) for which the cache holds day
    /// rows (a pull at `--grain day`), ascending; empty when it holds only hourly rows there. What a command that
    /// needs hours checks first.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func dayRowDays(from: Date? = nil, to: Date? = nil) throws(StoreError) -> [CivilDate] {
        do {
            return try db.read { db in
                try Int64.fetchAll(db, sql: """
                    SELECT DISTINCT start_time / 86400 FROM spcs_daily
                    WHERE start_time >= ? AND start_time < ? ORDER BY 1
                    """, arguments: [from.map { Int64($0.timeIntervalSince1970.rounded(.down)) } ?? Int64.min,
                                     to.map { Int64($0.timeIntervalSince1970.rounded(.up)) } ?? Int64.max])
                    .map { CivilDate(daysSinceEpoch: Int($0)) }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The newest END_TIME in the cache (hourly or day rows), or nil when it holds none (for the nightly staleness check and the
    /// pull watermark).
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func latestEndTime() throws(StoreError) -> Date? {
        do {
            return try db.read { db in
                try Int64.fetchOne(db, sql: """
                    SELECT MAX(end_time) FROM (SELECT MAX(end_time) AS end_time FROM spcs_history
                                               UNION ALL SELECT MAX(end_time) FROM spcs_daily)
                    """).map { Date(timeIntervalSince1970: TimeInterval($0)) }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}

/// Collects the pool-months whose hours changed, then rebuilds their `spcs_series` blobs from `spcs_history` and
/// `spcs_daily` in one pass: one blob per pool name, organization, account and UTC month, each hour holding the sum
/// of every row of that name, organization, account and hour (two pool IDs of one name are summed), a day row
/// counting in its day's first hour (`Int64.min` where none).
struct SeriesWriter {
    struct Key: Hashable, Comparable {
        var pool: String
        var monthStart: Int64
        static func < (a: Key, b: Key) -> Bool { (a.pool, a.monthStart) < (b.pool, b.monthStart) }
    }

    private var pending: Set<Key> = []
    private var lastMonth: (start: Int64, end: Int64) = (0, 0)
    // Rows mostly arrive in key order (pool, then hour): the current pool-month is kept apart from the set.
    private var currentKey: Key?

    /// Records that the hour starting at `start` (UTC epoch seconds) of `pool` changed (for every account: the
    /// pool-month's blobs are all rebuilt).
    mutating func touch(pool: String, start: Int64) {
        if !(lastMonth.start..<lastMonth.end).contains(start) {
            let first = CivilDate(daysSinceEpoch: Int(floorDiv(start, 86_400))).firstOfMonth
            lastMonth = (Int64(first.daysSinceEpoch) * 86_400, Int64(first.daysSinceEpoch + first.daysInMonth) * 86_400)
        }
        if currentKey?.monthStart != lastMonth.start || currentKey?.pool != pool {
            if let currentKey { pending.insert(currentKey) }
            currentKey = Key(pool: pool, monthStart: lastMonth.start)
        }
    }

    /// Rebuilds the blobs of every touched pool-month from `spcs_history` and `spcs_daily` (a range of each table:
    /// the keys start with pool name and START_TIME); an account left without rows in a pool-month loses its blob.
    /// Before `v10-series-by-account` (the v3 migration) the table has no organization and account: one blob per
    /// pool-month, every account summed.
    mutating func flush(_ db: Database) throws {
        if let currentKey { pending.insert(currentKey) }
        currentKey = nil
        guard !pending.isEmpty else { return }
        let byAccount = try db.columns(in: "spcs_series").contains { $0.name == "account" }
        let who = byAccount ? "organization, account" : "'' AS organization, '' AS account"
        // The v3 migration builds the blobs before spcs_daily exists (v5).
        let daily = try db.tableExists("spcs_daily") ? """
                UNION ALL
                SELECT \(who), start_time, credits_used_nano FROM spcs_daily
                WHERE compute_pool_name = ?1 AND start_time >= ?2 AND start_time < ?3
            """ : ""
        // The rows as stored, summed here (one pass over a range of each table; a GROUP BY made SQLite sort them).
        let read = try db.makeStatement(sql: """
            SELECT \(who), start_time, credits_used_nano FROM spcs_history
            WHERE compute_pool_name = ?1 AND start_time >= ?2 AND start_time < ?3
            \(daily)
            """)
        let write = try db.makeStatement(sql: byAccount
            ? "INSERT INTO spcs_series (compute_pool_name, organization, account, month_start, hours) VALUES (?, ?, ?, ?, ?)"
            : "INSERT INTO spcs_series (compute_pool_name, month_start, hours) VALUES (?, ?, ?)")
        let remove = try db.makeStatement(sql: "DELETE FROM spcs_series WHERE compute_pool_name = ? AND month_start = ?")
        struct Owner: Hashable, Comparable {
            var organization: String, account: String
            static func < (a: Owner, b: Owner) -> Bool { (a.organization, a.account) < (b.organization, b.account) }
        }
        for key in pending.sorted() {
            try remove.execute(arguments: [key.pool, key.monthStart])
            let days = CivilDate(daysSinceEpoch: Int(key.monthStart / 86_400)).daysInMonth
            var byOwner: [Owner: [Int64]] = [:]
            var last: (owner: Owner, index: Dictionary<Owner, [Int64]>.Index)?
            let rows = try Row.fetchCursor(read, arguments: [key.pool, key.monthStart, key.monthStart + Int64(days) * 86_400])
            while let row = try rows.next() {
                let hour = Int(((row[2] as Int64) - key.monthStart) / 3600)
                guard hour >= 0 && hour < days * 24 else { continue }
                let owner = Owner(organization: row[0], account: row[1])
                if last?.owner != owner {
                    if byOwner[owner] == nil { byOwner[owner] = [Int64](repeating: .min, count: days * 24) }
                    last = (owner, byOwner.index(forKey: owner)!)
                }
                let nano: Int64 = row[3]
                let old = byOwner.values[last!.index][hour]
                // Bounded values (UsageRecord.maximumCreditsUsed): a sum of a name's rows in one hour cannot overflow.
                byOwner.values[last!.index][hour] = old == .min ? nano : old &+ nano
            }
            for owner in byOwner.keys.sorted() {
                let data = byOwner[owner]!.map(\.littleEndian).withUnsafeBytes { Data($0) }
                if byAccount {
                    try write.execute(arguments: [key.pool, owner.organization, owner.account, key.monthStart, data])
                } else {
                    try write.execute(arguments: [key.pool, key.monthStart, data])
                }
            }
        }
        pending.removeAll()
    }
}

/// The hour blobs of `spcs_series`: little-endian Int64 nano-credits per hour, `Int64.min` where no row.
enum SeriesBlob {
    /// The hour-by-hour sum of `blobs` (of one pool-month, several accounts) as one blob: an hour without a value
    /// in any blob stays `Int64.min`. Values are bounded (``UsageRecord/maximumCreditsUsed(for:)``), so the sum of
    /// a few thousand accounts cannot overflow; it wraps rather than traps beyond that.
    static func sum(_ blobs: [Data]) -> Data {
        guard blobs.count > 1 else { return blobs.first ?? Data() }
        var out = [Int64](repeating: .min, count: blobs.map(\.count).max()! / 8)
        for blob in blobs {
            blob.withUnsafeBytes { raw in
                for i in 0..<(raw.count / 8) {
                    let v = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                    guard v != .min else { continue }
                    out[i] = out[i] == .min ? v : out[i] &+ v
                }
            }
        }
        return out.map(\.littleEndian).withUnsafeBytes { Data($0) }
    }
}

extension UsageCache {
    /// What a streamed CSV import did.
    public struct CSVImport: Sendable, Equatable {
        /// Data rows kept (a row repeating an earlier row of the file exactly is dropped).
        public let rows: Int
        /// What the cache did with them.
        public let load: LoadOutcome
        /// Hex SHA-256 of the file's bytes.
        public let checksum: String
        /// First START_TIME and last END_TIME in the file (UTC).
        public let window: DateInterval
    }

    /// Reads a Snowsight CSV export from `stream` row by row and loads it in one transaction (all or nothing): memory
    /// follows the widest row and the number of pool-hours (see ``DuplicateRows``), not the file's size. Accepts and
    /// refuses exactly what ``SnowsightCSV/parse(_:file:wallTimeZone:format:)`` does. `description`'s checksum and
    /// window are replaced by the file's, known once it is read.
    /// - Parameters:
    ///   - file: the name used in messages.
    ///   - wallTimeZone: the zone of timestamps without an offset; nil makes them an error.
    /// - Throws: ``StoreError`` naming the line and column of the first bad cell; then nothing was written.
    public func importSnowsightCSV(from stream: CSVByteStream, file: String, wallTimeZone: TimeZone?,
                                   format: SnowsightCSV.Format = .init(),
                                   as description: LoadDescription) throws(StoreError) -> CSVImport {
        var window: DateInterval?
        let outcome = try load(description) { writer in
            let reader = try SnowsightCSV.Reader(stream, file: file, wallTimeZone: wallTimeZone, format: format)
            let noDataRows = reader.noDataRows
            // Two threads: one reads, parses and checks the rows, this one writes them (the cache's transaction).
            // Batches of rows pass through a hand-over of at most four, so memory stays bounded.
            let pipe = RowPipe()
            let box = UncheckedBox(reader)
            let done = DispatchSemaphore(value: 0)
            let producer = Thread {
                var reader = box.value
                var batch: [SnowsightCSV.Row] = []
                batch.reserveCapacity(RowPipe.batchRows)
                do {
                    while let row = try reader.next() {
                        batch.append(row)
                        if batch.count == RowPipe.batchRows {
                            guard pipe.put(batch) else { break }
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                    if !batch.isEmpty { _ = pipe.put(batch) }
                    pipe.finish(nil)
                } catch {
                    pipe.finish(error)
                }
                done.signal()
            }
            producer.stackSize = 8 << 20
            producer.start()
            // Whatever happens here, the reading thread stops before the stream is touched again.
            defer {
                pipe.cancel()
                done.wait()
            }
            var first = Date.distantFuture, last = Date.distantPast
            while let batch = try pipe.take() {
                for row in batch {
                    guard try row.isFirstOfItsKey(file: file, earlier: { _, current in try writer.storedRecord(like: current) })
                    else { continue }
                    try writer.upsert(row.record, checked: true)
                    first = min(first, row.record.startTime)
                    last = max(last, row.record.endTime)
                }
            }
            guard writer.rows > 0 else { throw noDataRows }
            window = DateInterval(start: first, end: last)
            writer.amendedChecksum = stream.checksum()
            writer.amendedWindow = window
        }
        return CSVImport(rows: outcome.rowsRead, load: outcome, checksum: stream.checksum(), window: window!)
    }
}

/// A value handed to another thread that alone uses it from then on.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Batches of CSV rows handed from the reading thread to the writing one: at most ``capacity`` batches wait, so the
/// reader stops when the writer falls behind. The reader's error (a bad cell) arrives after the rows before it.
final class RowPipe: @unchecked Sendable {
    /// Rows per batch.
    static let batchRows = 4096
    /// Batches that may wait.
    static let capacity = 4
    private let condition = NSCondition()
    private var batches: [[SnowsightCSV.Row]] = []
    private var finished = false
    private var failure: StoreError?
    private var cancelled = false

    /// Hands over `batch`, waiting while the pipe is full; false when the writer has stopped.
    func put(_ batch: [SnowsightCSV.Row]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= Self.capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// The reader has reached the end of the file, or failed with `error`.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        if let error {
            failure = (error as? StoreError) ?? .unreadableFile(file: "the file", reason: "\(error)")
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The writer stops (done or failed): a waiting reader returns.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch; nil at the end of the file.
    /// - Throws: the reader's error, once the batches before it are taken.
    func take() throws(StoreError) -> [SnowsightCSV.Row]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        if !batches.isEmpty {
            condition.broadcast()
            return batches.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }
}

/// An account's locator beside its name, as an ORGANIZATION_USAGE view's ACCOUNT_LOCATOR and ACCOUNT_NAME write them
/// (SNOWPARK_CONTAINER_SERVICES_HISTORY, METERING_DAILY_HISTORY and ACCOUNTS of the organization; docs.snowflake.com
/// organization-usage `metering_daily_history`, `accounts`).
public struct AccountLocator: Sendable, Hashable {
    /// The organization, upper case; `''` when the row named none.
    public var organization: String
    /// The account name, upper case.
    public var account: String
    /// The account locator, such as `XY12346`, upper case.
    public var locator: String

    /// Creates a row; every field is upper-cased.
    public init(organization: String, account: String, locator: String) {
        self.organization = organization.uppercased()
        self.account = account.uppercased()
        self.locator = locator.uppercased()
    }
}

/// An account's Snowflake Region, as ORGANIZATION_USAGE.ACCOUNTS (or RATE_SHEET_DAILY) writes it.
public struct AccountRegion: Sendable, Equatable {
    /// Where a region was read.
    public enum Source: String, Sendable, Equatable {
        /// SNOWFLAKE.ORGANIZATION_USAGE.ACCOUNTS (REGION; docs.snowflake.com/en/sql-reference/organization-usage/accounts).
        case accounts
        /// SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY (ACCOUNT_NAME and REGION of the account's newest row).
        case rateSheet
    }

    /// The organization, upper case; `''` when only the rate sheet names the account (it has no organization column).
    public var organization: String
    /// The account name, upper case.
    public var account: String
    /// Snowflake's region name, such as `AWS_AP_NORTHEAST_1` (``SPCSCostCore/RegionID`` reads it as
    /// `aws-ap-northeast-1`, the bundled price tables' id).
    public var region: String
    /// Where it was read.
    public var source: Source

    /// Creates a row; organization and account are upper-cased.
    public init(organization: String, account: String, region: String, source: Source = .accounts) {
        self.organization = organization.uppercased()
        self.account = account.uppercased()
        self.region = region
        self.source = source
    }
}
