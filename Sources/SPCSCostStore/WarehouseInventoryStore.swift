import Foundation
import GRDB
import SPCSCostCore

/// The cache tables of the warehouse and notebook inventories (migration `v13-warehouse-inventory`): what
/// `SHOW WAREHOUSES` and `SHOW NOTEBOOKS IN ACCOUNT` said at the last pull of each account. Each pull that read one
/// replaces that account's rows of it whole (a warehouse or notebook dropped since is gone), so the tables hold the
/// settings as last pulled, not their history.
/// - `warehouses`: per (organization, account, name): `size`, `type`, `auto_suspend` (seconds; NULL = never),
///   `auto_resume` (docs.snowflake.com/en/sql-reference/sql/show-warehouses).
/// - `notebooks`: per (organization, account, database_name, schema_name, name): `query_warehouse`, `compute_pool`,
///   `runtime_name`, `idle_auto_shutdown_time_seconds` (docs.snowflake.com/en/sql-reference/sql/show-notebooks).
public enum WarehouseInventoryTables {
    static let schema = """
        CREATE TABLE warehouses (
            organization TEXT NOT NULL,
            account TEXT NOT NULL,
            name TEXT NOT NULL,
            size TEXT,                            -- as SHOW WAREHOUSES writes it: X-Small, Small, ...
            type TEXT,                            -- STANDARD or SNOWPARK-OPTIMIZED
            auto_suspend INTEGER,                 -- seconds; NULL = never suspends by itself (NULL or 0 in Snowflake)
            auto_resume INTEGER,                  -- 1 or 0; NULL when not known
            load_id INTEGER NOT NULL REFERENCES loads(id),
            PRIMARY KEY (organization, account, name)
        ) WITHOUT ROWID;
        CREATE TABLE notebooks (
            organization TEXT NOT NULL,
            account TEXT NOT NULL,
            database_name TEXT NOT NULL,
            schema_name TEXT NOT NULL,
            name TEXT NOT NULL,
            query_warehouse TEXT,
            compute_pool TEXT,
            runtime_name TEXT,
            idle_auto_shutdown_time_seconds INTEGER,
            load_id INTEGER NOT NULL REFERENCES loads(id),
            PRIMARY KEY (organization, account, database_name, schema_name, name)
        ) WITHOUT ROWID;
        """
}

extension HistoryWriter {
    /// Replaces the cached SHOW WAREHOUSES rows of (`organization`, `account`) with `rows`.
    /// - Throws: a SQLite error.
    public func replaceWarehouses(_ rows: [WarehouseRecord], organization: String, account: String) throws {
        try db.execute(sql: "DELETE FROM warehouses WHERE organization = ? AND account = ?",
                       arguments: [organization, account])
        for r in rows {
            try db.execute(sql: """
                INSERT OR REPLACE INTO warehouses (organization, account, name, size, type, auto_suspend, auto_resume,
                    load_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [organization, account, r.name, r.size, r.type, r.autoSuspendSeconds,
                                 r.autoResume.map { $0 ? 1 : 0 }, loadID])
        }
    }

    /// Replaces the cached SHOW NOTEBOOKS rows of (`organization`, `account`) with `rows`.
    /// - Throws: a SQLite error.
    public func replaceNotebooks(_ rows: [NotebookRecord], organization: String, account: String) throws {
        try db.execute(sql: "DELETE FROM notebooks WHERE organization = ? AND account = ?",
                       arguments: [organization, account])
        for r in rows {
            try db.execute(sql: """
                INSERT OR REPLACE INTO notebooks (organization, account, database_name, schema_name, name,
                    query_warehouse, compute_pool, runtime_name, idle_auto_shutdown_time_seconds, load_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [organization, account, r.databaseName, r.schemaName, r.name, r.queryWarehouse,
                                 r.computePool, r.runtimeName, r.idleAutoShutdownSeconds, loadID])
        }
    }
}

extension UsageCache {
    /// The cached SHOW WAREHOUSES rows of every account, sorted by organization, account and name.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func warehouseInventory() throws(StoreError) -> [WarehouseRecord] {
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT organization, account, name, size, type, auto_suspend, auto_resume FROM warehouses
                    ORDER BY organization, account, name
                    """).map { r in
                    WarehouseRecord(name: r[2], size: r[3], type: r[4], autoSuspendSeconds: r[5],
                                    autoResume: (r[6] as Int64?).map { $0 != 0 }, organization: r[0], account: r[1])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The cached SHOW NOTEBOOKS rows of every account, sorted by organization, account, database, schema and name.
    /// - Throws: ``StoreError/database(path:reason:)``.
    public func notebookInventory() throws(StoreError) -> [NotebookRecord] {
        do {
            return try db.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT organization, account, database_name, schema_name, name, query_warehouse, compute_pool,
                           runtime_name, idle_auto_shutdown_time_seconds
                    FROM notebooks ORDER BY organization, account, database_name, schema_name, name
                    """).map { r in
                    NotebookRecord(databaseName: r[2], schemaName: r[3], name: r[4], queryWarehouse: r[5],
                                   computePool: r[6], runtimeName: r[7], idleAutoShutdownSeconds: r[8],
                                   organization: r[0], account: r[1])
                }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}
