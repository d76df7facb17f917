import Foundation
import GRDB
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// Schema `v13-warehouse-inventory`: SHOW WAREHOUSES and SHOW NOTEBOOKS as last pulled, per account, in real SQLite
/// files.
@Suite struct WarehouseInventoryStoreTests {
    static let wh = WarehouseRecord(name: "NB_WH", size: "X-Small", type: "STANDARD", autoSuspendSeconds: 600, autoResume: true)
    static let nb = NotebookRecord(databaseName: "DB", schemaName: "S", name: "N", queryWarehouse: "NB_WH",
                                   computePool: "POOL", runtimeName: "SYSTEM$BASIC_RUNTIME", idleAutoShutdownSeconds: 3600)

    /// A cache written before the migration (no `warehouses` or `notebooks` table, the migration not recorded) opens
    /// with both tables, empty, every earlier row kept, and the migration recorded.
    @Test func anOlderCacheGainsTheTables() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.sqlite")
        do {
            let cache = try UsageCache(.path(path))
            _ = try cache.load(.init(kind: "pull", source: "old", checksum: "a", loadedAt: Date(timeIntervalSince1970: 0))) { w in
                try w.upsert(ComputePoolRecord(name: "POOL", id: 7, instanceFamily: "CPU_X64_XS", organization: "MYORG",
                                               account: "ACCT"))
            }
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                DROP TABLE warehouses;
                DROP TABLE notebooks;
                DELETE FROM grdb_migrations WHERE identifier = 'v13-warehouse-inventory';
                """)
        }
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.count
                == UsageCache.schemaVersion - 1)
        let cache = try UsageCache(.path(path))
        #expect(try cache.warehouseInventory().isEmpty && cache.notebookInventory().isEmpty)
        #expect(try cache.computePools().map(\.name) == ["POOL"])
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
                .contains("v13-warehouse-inventory"))
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.count
                == UsageCache.schemaVersion)
        // And the tables take rows.
        _ = try cache.load(.init(kind: "pull", source: "new", checksum: "b", loadedAt: Date(timeIntervalSince1970: 0))) { w in
            try w.replaceWarehouses([Self.wh], organization: "MYORG", account: "ACCT")
            try w.replaceNotebooks([Self.nb], organization: "MYORG", account: "ACCT")
        }
        #expect(try cache.warehouseInventory().map { "\($0.account) \($0.name) \($0.autoSuspendSeconds ?? 0)" } == ["ACCT NB_WH 600"])
        #expect(try cache.notebookInventory().map { "\($0.qualifiedName) \($0.queryWarehouse ?? "-") \($0.idleAutoShutdownSeconds ?? 0)" }
                == ["DB.S.N NB_WH 3600"])
    }

    /// A pull replaces its own account's rows only: another account's warehouses stay.
    @Test func eachAccountsRowsAreReplacedWhole() throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("c.sqlite")))
        for account in ["A", "B"] {
            _ = try cache.load(.init(kind: "pull", source: account, checksum: account, loadedAt: Date(timeIntervalSince1970: 0))) { w in
                try w.replaceWarehouses([Self.wh, WarehouseRecord(name: "X_WH", size: "Small", type: nil,
                                                                  autoSuspendSeconds: nil, autoResume: nil)],
                                        organization: "O", account: account)
            }
        }
        _ = try cache.load(.init(kind: "pull", source: "A", checksum: "A2", loadedAt: Date(timeIntervalSince1970: 0))) { w in
            try w.replaceWarehouses([], organization: "O", account: "A")
        }
        #expect(try cache.warehouseInventory().map { "\($0.account) \($0.name) \($0.autoSuspendSeconds.map(String.init) ?? "never")" }
                == ["B NB_WH 600", "B X_WH never"])
    }
}
