import Foundation
import GRDB
import SPCSCostCore

/// The cache tables of the task warehouse views (migration `v8-task-warehouses`). Instants are UTC epoch seconds;
/// credits are integer nano-credits, so sums stay exact.
/// - `warehouse_metering_hourly`: WAREHOUSE_METERING_HISTORY, keyed by (organization, account, WAREHOUSE_NAME,
///   START_TIME) (docs.snowflake.com/en/sql-reference/account-usage/warehouse_metering_history).
/// - `task_runs`: TASK_HISTORY runs with the WAREHOUSE_NAME of each run's QUERY_ID in QUERY_HISTORY, keyed by
///   (organization, account, DATABASE_NAME, SCHEMA_NAME, NAME, SCHEDULED_TIME) (docs.snowflake.com/en/sql-reference/
///   account-usage/task_history).
/// - `serverless_task_history`: SERVERLESS_TASK_HISTORY, keyed by (organization, account, DATABASE_NAME, SCHEMA_NAME,
///   TASK_NAME, START_TIME) (docs.snowflake.com/en/sql-reference/account-usage/serverless_task_history).
/// A later pull of the same key replaces the row (the views restate recent rows).
public enum TaskWarehouseTables {
    static let schema = """
        CREATE TABLE warehouse_metering_hourly (
            organization TEXT NOT NULL,
            account TEXT NOT NULL,
            warehouse_name TEXT NOT NULL,
            start_time INTEGER NOT NULL,          -- UTC epoch seconds
            end_time INTEGER NOT NULL,
            warehouse_id INTEGER,
            credits_used_nano INTEGER NOT NULL,   -- CREDITS_USED × 10^9, exact
            credits_used_compute_nano INTEGER NOT NULL,
            credits_used_cloud_services_nano INTEGER NOT NULL,
            load_id INTEGER NOT NULL REFERENCES loads(id),
            PRIMARY KEY (organization, account, warehouse_name, start_time)
        ) WITHOUT ROWID;
        CREATE TABLE task_runs (
            organization TEXT NOT NULL,
            account TEXT NOT NULL,
            database_name TEXT NOT NULL,
            schema_name TEXT NOT NULL,
            name TEXT NOT NULL,
            scheduled_time INTEGER NOT NULL,      -- UTC epoch seconds
            query_start_time INTEGER,
            completed_time INTEGER,
            state TEXT NOT NULL,
            query_id TEXT NOT NULL,
            query_text TEXT NOT NULL,
            warehouse_name TEXT,                  -- QUERY_HISTORY.WAREHOUSE_NAME; NULL for serverless
            load_id INTEGER NOT NULL REFERENCES loads(id),
            PRIMARY KEY (organization, account, database_name, schema_name, name, scheduled_time)
        ) WITHOUT ROWID;
        CREATE TABLE serverless_task_history (
            organization TEXT NOT NULL,
            account TEXT NOT NULL,
            database_name TEXT NOT NULL,
            schema_name TEXT NOT NULL,
            task_name TEXT NOT NULL,
            start_time INTEGER NOT NULL,          -- UTC epoch seconds
            end_time INTEGER NOT NULL,
            task_id INTEGER,
            credits_used_nano INTEGER NOT NULL,
            load_id INTEGER NOT NULL REFERENCES loads(id),
            PRIMARY KEY (organization, account, database_name, schema_name, task_name, start_time)
        ) WITHOUT ROWID;
        """
}

private func epoch(_ d: Date) -> Int64 { Int64(d.timeIntervalSince1970.rounded(.down)) }
private func instant(_ v: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(v)) }

extension HistoryWriter {
    /// Inserts or replaces a WAREHOUSE_METERING_HISTORY row (key: organization, account, WAREHOUSE_NAME, START_TIME).
    /// - Throws: a SQLite error.
    public func upsert(_ row: WarehouseMeteringRecord) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO warehouse_metering_hourly (organization, account, warehouse_name, start_time, end_time,
                warehouse_id, credits_used_nano, credits_used_compute_nano, credits_used_cloud_services_nano, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [row.organization, row.account, row.warehouseName, epoch(row.startTime), epoch(row.endTime),
                             row.warehouseID, row.creditsUsed.value, row.creditsUsedCompute.value,
                             row.creditsUsedCloudServices.value, loadID])
    }

    /// Inserts or replaces a TASK_HISTORY run (key: organization, account, DATABASE_NAME, SCHEMA_NAME, NAME,
    /// SCHEDULED_TIME).
    /// - Throws: a SQLite error.
    public func upsert(_ run: TaskRunRecord) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO task_runs (organization, account, database_name, schema_name, name, scheduled_time,
                query_start_time, completed_time, state, query_id, query_text, warehouse_name, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [run.organization, run.account, run.databaseName, run.schemaName, run.name,
                             epoch(run.scheduledTime), run.queryStartTime.map(epoch), run.completedTime.map(epoch),
                             run.state, run.queryID, run.queryText, run.warehouseName, loadID])
    }

    /// Inserts or replaces a SERVERLESS_TASK_HISTORY row (key: organization, account, DATABASE_NAME, SCHEMA_NAME,
    /// TASK_NAME, START_TIME).
    /// - Throws: a SQLite error.
    public func upsert(_ row: ServerlessTaskRecord) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO serverless_task_history (organization, account, database_name, schema_name, task_name,
                start_time, end_time, task_id, credits_used_nano, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [row.organization, row.account, row.databaseName, row.schemaName, row.taskName,
                             epoch(row.startTime), epoch(row.endTime), row.taskID, row.creditsUsed.value, loadID])
    }
}

extension UsageCache {
    /// The cached rows of the task warehouse views whose instants fall in [`from`, `to`): metering hours and
    /// serverless ranges by START_TIME; task runs by SCHEDULED_TIME from `from` minus one day (a run just before the
    /// period keeps its warehouse up into it) to `to`. Sorted by their keys.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func taskWarehouseRows(from: Date, to: Date) throws(StoreError)
        -> (metering: [WarehouseMeteringRecord], runs: [TaskRunRecord], serverless: [ServerlessTaskRecord]) {
        let a = epoch(from), b = epoch(to)
        do {
            return try db.read { db in
                let metering = try Row.fetchAll(db, sql: """
                    SELECT start_time, end_time, warehouse_id, warehouse_name, credits_used_nano, credits_used_compute_nano,
                           credits_used_cloud_services_nano, organization, account
                    FROM warehouse_metering_hourly WHERE start_time >= ? AND start_time < ?
                    ORDER BY organization, account, warehouse_name, start_time
                    """, arguments: [a, b]).map { r in
                    WarehouseMeteringRecord(startTime: instant(r[0]), endTime: instant(r[1]), warehouseID: r[2],
                                            warehouseName: r[3], creditsUsed: NanoCredits(r[4] as Int64),
                                            creditsUsedCompute: NanoCredits(r[5] as Int64),
                                            creditsUsedCloudServices: NanoCredits(r[6] as Int64), organization: r[7],
                                            account: r[8])
                }
                let runs = try Row.fetchAll(db, sql: """
                    SELECT name, database_name, schema_name, query_id, query_text, state, scheduled_time, query_start_time,
                           completed_time, warehouse_name, organization, account
                    FROM task_runs WHERE scheduled_time >= ? AND scheduled_time < ?
                    ORDER BY organization, account, database_name, schema_name, name, scheduled_time
                    """, arguments: [a - 86_400, b]).map { r in
                    TaskRunRecord(name: r[0], databaseName: r[1], schemaName: r[2], queryID: r[3], queryText: r[4],
                                  state: r[5], scheduledTime: instant(r[6]), queryStartTime: (r[7] as Int64?).map(instant),
                                  completedTime: (r[8] as Int64?).map(instant), warehouseName: r[9], organization: r[10],
                                  account: r[11])
                }
                let serverless = try Row.fetchAll(db, sql: """
                    SELECT start_time, end_time, task_id, task_name, database_name, schema_name, credits_used_nano,
                           organization, account
                    FROM serverless_task_history WHERE start_time >= ? AND start_time < ?
                    ORDER BY organization, account, database_name, schema_name, task_name, start_time
                    """, arguments: [a, b]).map { r in
                    ServerlessTaskRecord(startTime: instant(r[0]), endTime: instant(r[1]), taskID: r[2], taskName: r[3],
                                         databaseName: r[4], schemaName: r[5], creditsUsed: NanoCredits(r[6] as Int64),
                                         organization: r[7], account: r[8])
                }
                return (metering, runs, serverless)
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}
