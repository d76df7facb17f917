import Foundation

/// The rows the test server serves for `SHOW WAREHOUSES` and `SHOW NOTEBOOKS` (the independent emulator serves
/// neither). SHOW output columns are lower case; the columns served are those spcs-cost reads, named and ordered as
/// Snowflake's pages give them (docs.snowflake.com/en/sql-reference/sql/show-warehouses: `name`, `state`, `type`,
/// `size`, `min_cluster_count`, `max_cluster_count`, ..., `auto_suspend`, `auto_resume`, ...;
/// docs.snowflake.com/en/sql-reference/sql/show-notebooks: `created_on`, `name`, `database_name`, `schema_name`,
/// `comment`, `owner`, `query_warehouse`, ..., with `compute_pool`, `runtime_name` and
/// `idle_auto_shutdown_time_seconds` as named by CREATE NOTEBOOK and the Notebook REST resource). The other columns
/// of the pages are not served. Without rows (the default) each command answers an empty result.
public struct AccountInventory: Sendable, Equatable {
    /// One row of SHOW WAREHOUSES.
    public struct Warehouse: Sendable, Equatable {
        /// `name`, `type` (`STANDARD`), `size` (`X-Small`, ...).
        public var name: String, type: String, size: String
        /// `auto_suspend` in seconds; nil = NULL (never suspends).
        public var autoSuspend: Int?
        /// `auto_resume`.
        public var autoResume: Bool

        /// A warehouse; see the properties.
        public init(name: String, type: String = "STANDARD", size: String = "X-Small", autoSuspend: Int?,
                    autoResume: Bool = true) {
            self.name = name
            self.type = type
            self.size = size
            self.autoSuspend = autoSuspend
            self.autoResume = autoResume
        }
    }

    /// One row of SHOW NOTEBOOKS.
    public struct Notebook: Sendable, Equatable {
        /// `name`, `database_name`, `schema_name`.
        public var name: String, database: String, schema: String
        /// `query_warehouse`; nil = NULL.
        public var queryWarehouse: String?
        /// `compute_pool`, `runtime_name`; nil = NULL (a notebook on warehouse runtime).
        public var computePool: String?, runtimeName: String?
        /// `idle_auto_shutdown_time_seconds`; nil = NULL.
        public var idleAutoShutdownSeconds: Int?

        /// A notebook; see the properties.
        public init(name: String, database: String = "ANALYTICS", schema: String = "PUBLIC", queryWarehouse: String?,
                    computePool: String? = nil, runtimeName: String? = nil, idleAutoShutdownSeconds: Int? = nil) {
            self.name = name
            self.database = database
            self.schema = schema
            self.queryWarehouse = queryWarehouse
            self.computePool = computePool
            self.runtimeName = runtimeName
            self.idleAutoShutdownSeconds = idleAutoShutdownSeconds
        }
    }

    /// SHOW WAREHOUSES rows.
    public var warehouses: [Warehouse]
    /// SHOW NOTEBOOKS rows.
    public var notebooks: [Notebook]

    /// An inventory with the given rows (none by default).
    public init(warehouses: [Warehouse] = [], notebooks: [Notebook] = []) {
        self.warehouses = warehouses
        self.notebooks = notebooks
    }

    /// The SHOW WAREHOUSES columns served: `name` text, `state` text, `type` text, `size` text, `min_cluster_count`,
    /// `max_cluster_count` number, `auto_suspend` number, `auto_resume` text (`true`/`false`).
    public static let warehouseColumns: [TestColumn] = [
        .text("name"), .text("state"), .text("type"), .text("size"), .fixed("min_cluster_count"),
        .fixed("max_cluster_count"), .fixed("auto_suspend"), .text("auto_resume"),
    ]

    /// The SHOW NOTEBOOKS columns served: `created_on` timestamp, `name`, `database_name`, `schema_name`, `comment`,
    /// `owner`, `query_warehouse`, `compute_pool`, `runtime_name` text, `idle_auto_shutdown_time_seconds` number.
    public static let notebookColumns: [TestColumn] = [
        .timestampLTZ("created_on"), .text("name"), .text("database_name"), .text("schema_name"), .text("comment"),
        .text("owner"), .text("query_warehouse"), .text("compute_pool"), .text("runtime_name"),
        .fixed("idle_auto_shutdown_time_seconds"),
    ]

    /// The answer to `statement` when it is SHOW WAREHOUSES or SHOW NOTEBOOKS; nil otherwise.
    func answer(_ statement: ReceivedStatement) -> TestOutcome? {
        let words = statement.text.uppercased().split(whereSeparator: { $0.isWhitespace })
        guard words.count >= 2, words[0] == "SHOW" else { return nil }
        switch words[1] {
        case "WAREHOUSES":
            return .rows(TestResult(columns: Self.warehouseColumns, rows: warehouses.map { w in
                [w.name, "SUSPENDED", w.type, w.size, "1", "1", w.autoSuspend.map(String.init), w.autoResume ? "true" : "false"]
            }))
        case "NOTEBOOKS":
            return .rows(TestResult(columns: Self.notebookColumns, rows: notebooks.map { n in
                ["1704067200.000000000", n.name, n.database, n.schema, nil, "ANALYST", n.queryWarehouse, n.computePool,
                 n.runtimeName, n.idleAutoShutdownSeconds.map(String.init)]
            }))
        default:
            return nil
        }
    }
}

extension SnowflakeTestServer {
    /// Serves `inventory` for SHOW WAREHOUSES and SHOW NOTEBOOKS, in place of the default (both empty). Registered
    /// statements (``register(_:result:)``) still win, so a test can refuse one.
    public func serve(_ inventory: AccountInventory) {
        setInventory(inventory)
    }
}
