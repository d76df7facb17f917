import Foundation

/// One row of `SHOW WAREHOUSES` as a pull reads it: a warehouse's settings at the time of the pull
/// (docs.snowflake.com/en/sql-reference/sql/show-warehouses; the output's columns are lower case: `name`, `state`,
/// `type`, `size`, ..., `auto_suspend`, `auto_resume`, ...). Only the columns spcs-cost uses are kept.
public struct WarehouseRecord: Sendable, Hashable {
    /// `name`.
    public var name: String
    /// `size` as Snowflake writes it (`X-Small`, `Small`, ...); nil when NULL.
    public var size: String?
    /// `type`: `STANDARD` or `SNOWPARK-OPTIMIZED`; nil when NULL.
    public var type: String?
    /// `auto_suspend`: seconds of inactivity after which the warehouse suspends; nil when NULL or 0, which mean it
    /// never suspends by itself.
    public var autoSuspendSeconds: Int?
    /// `auto_resume`; nil when NULL.
    public var autoResume: Bool?
    /// The organization of the connection that pulled the row, upper case; `""` when not known.
    public var organization: String
    /// The account of the connection that pulled the row, upper case; `""` when not known.
    public var account: String

    /// Creates a row; see the properties.
    public init(name: String, size: String?, type: String?, autoSuspendSeconds: Int?, autoResume: Bool?,
                organization: String = "", account: String = "") {
        self.name = name
        self.size = size
        self.type = type
        self.autoSuspendSeconds = autoSuspendSeconds
        self.autoResume = autoResume
        self.organization = organization
        self.account = account
    }

    /// The size as a ``WarehouseSize``; nil when `size` is NULL or not a size spcs-cost knows.
    public var warehouseSize: WarehouseSize? { size.flatMap(WarehouseSize.init(name:)) }

    /// True for a standard warehouse (`type` STANDARD or NULL), whose credits per hour are Table 1(a)'s.
    public var isStandard: Bool { (type ?? "STANDARD").uppercased() == "STANDARD" }
}

/// One row of `SHOW NOTEBOOKS IN ACCOUNT` as a pull reads it (docs.snowflake.com/en/sql-reference/sql/show-notebooks;
/// columns lower case: `name`, `database_name`, `schema_name`, `query_warehouse`, and on newer accounts
/// `compute_pool`, `runtime_name`, `idle_auto_shutdown_time_seconds`, the names of CREATE NOTEBOOK's parameters and of
/// the Notebook resource of Snowflake's REST API). Absent columns are nil.
public struct NotebookRecord: Sendable, Hashable {
    /// `database_name`.
    public var databaseName: String
    /// `schema_name`.
    public var schemaName: String
    /// `name`.
    public var name: String
    /// `query_warehouse`: the warehouse the notebook's SQL runs on; nil when NULL or empty.
    public var queryWarehouse: String?
    /// `compute_pool` (a notebook on container runtime); nil when NULL, empty or absent.
    public var computePool: String?
    /// `runtime_name`; nil when NULL, empty or absent.
    public var runtimeName: String?
    /// `idle_auto_shutdown_time_seconds` (container runtime); nil when NULL or absent.
    public var idleAutoShutdownSeconds: Int?
    /// The organization of the connection that pulled the row, upper case; `""` when not known.
    public var organization: String
    /// The account of the connection that pulled the row, upper case; `""` when not known.
    public var account: String

    /// Creates a row; see the properties.
    public init(databaseName: String, schemaName: String, name: String, queryWarehouse: String?, computePool: String? = nil,
                runtimeName: String? = nil, idleAutoShutdownSeconds: Int? = nil, organization: String = "",
                account: String = "") {
        self.databaseName = databaseName
        self.schemaName = schemaName
        self.name = name
        self.queryWarehouse = queryWarehouse
        self.computePool = computePool
        self.runtimeName = runtimeName
        self.idleAutoShutdownSeconds = idleAutoShutdownSeconds
        self.organization = organization
        self.account = account
    }

    /// `DATABASE.SCHEMA.NAME`.
    public var qualifiedName: String { "\(databaseName).\(schemaName).\(name)" }
}

/// The idle tails a warehouse paid for, from its hourly metering: the model of the `notebook_warehouse`
/// recommendation of `advise`.
///
/// WAREHOUSE_METERING_HISTORY is hourly credits per warehouse, without queries, so the model is: each run of
/// consecutive metered hours (hours with CREDITS_USED_COMPUTE above 0, each starting where the last ended) ends when
/// the warehouse suspends, after AUTO_SUSPEND seconds without a query; with AUTO_SUSPEND at `thresholdSeconds`
/// instead, each run would have ended `autoSuspendSeconds − thresholdSeconds` seconds sooner. That tail is priced at
/// the warehouse's credits per hour and capped by the compute credits the run was metered: taken from the run's last
/// hour back, each hour giving at most its own CREDITS_USED_COMPUTE, on the UTC day of that hour.
///
/// Worked example (tests): an X-Small warehouse (1 credit/h) at AUTO_SUSPEND 600 metered in 22 separate one-hour
/// runs, threshold 60: 22 × 540 s × 1 credit/h ÷ 3600 = 3.3 credits.
public enum WarehouseIdleTails {
    /// What the tails come to.
    public struct Result: Sendable, Hashable {
        /// Runs of consecutive metered hours.
        public var runs: Int
        /// Metered hours (CREDITS_USED_COMPUTE above 0).
        public var hours: Int
        /// Runs whose tail was capped by what the run was metered.
        public var cappedRuns: Int
        /// Credits of the tails, by UTC day (days since 1970-01-01), exact.
        public var parts: [Int: Decimal]
        /// Credits of the tails, exact.
        public var credits: Decimal { parts.valuesInKeyOrder.reduce(0, +) }
    }

    /// The tails of `hours` (one warehouse's metering rows; any order, other warehouses' rows must be left out).
    /// - Parameters:
    ///   - autoSuspendSeconds: the warehouse's AUTO_SUSPEND (> `thresholdSeconds` for a saving).
    ///   - thresholdSeconds: the AUTO_SUSPEND proposed.
    ///   - creditsPerHour: the warehouse's credits per hour (its size, Table 1(a)).
    /// - Returns: no runs' savings when `autoSuspendSeconds <= thresholdSeconds`.
    public static func saved(hours: [WarehouseMeteringRecord], autoSuspendSeconds: Int, thresholdSeconds: Int,
                             creditsPerHour: Decimal) -> Result {
        let utc = TimeZone(identifier: "UTC")!
        let metered = hours.filter { $0.creditsUsedCompute.value > 0 }.sorted { $0.startTime < $1.startTime }
        var runs: [[WarehouseMeteringRecord]] = []
        for h in metered {
            if let last = runs.last?.last, h.startTime <= last.endTime {
                runs[runs.count - 1].append(h)
            } else {
                runs.append([h])
            }
        }
        var result = Result(runs: runs.count, hours: metered.count, cappedRuns: 0, parts: [:])
        let tailSeconds = autoSuspendSeconds - thresholdSeconds
        guard tailSeconds > 0 else { return result }
        let tail = Decimal(tailSeconds) * creditsPerHour / 3600
        for run in runs {
            var left = tail
            for h in run.reversed() where left > 0 {
                let take = min(left, h.creditsUsedCompute.credits)
                result.parts[CivilDate.of(h.startTime, in: utc).daysSinceEpoch, default: 0] += take
                left -= take
            }
            if left > 0 { result.cappedRuns += 1 }
        }
        return result
    }
}
