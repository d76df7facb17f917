import Foundation
import SnowflakeSQLAPI
import SPCSCostCore
import SPCSCostStore

/// What `spcs-cost pull` was asked.
public struct PullOptions: Sendable {
    /// The connection name (`-c`); nil = the default connection.
    public var connectionName: String?
    /// Pull from this day (00:00 UTC) instead of the watermark.
    public var since: CivilDate?
    /// Hours before the watermark to pull again: ACCOUNT_USAGE lags up to 3 hours and restates recent rows
    /// (spcs-facts §3), so the last day is always fetched again and upserted. At least 24 by default.
    public var lookbackHours: Int = 24
    /// The first pull, with no watermark and no `since`, goes back this many days from the injected clock:
    /// SNOWPARK_CONTAINER_SERVICES_HISTORY keeps 365 days (spcs-facts §3 [S8a]).
    public var initialDays: Int = 365
    /// The whole pull (every statement, retry and status poll) ends within this many seconds of its start; a
    /// statement still running then is cancelled and the pull fails, leaving the cache as it was (`--deadline`).
    /// Default ``defaultDeadlineSeconds``.
    public var deadlineSeconds: Double = PullOptions.defaultDeadlineSeconds

    /// 1,800 s (30 minutes): the deadline of `spcs-cost pull`.
    public static let defaultDeadlineSeconds: Double = 1800
    /// 2,700 s (45 minutes): the deadline of the pull in `spcs-cost nightly`, which runs unattended.
    public static let nightlyDeadlineSeconds: Double = 2700

    /// The grain of the SPCS history rows pulled (`--grain`): `.hour` reads the view's hourly rows as they are;
    /// `.day` sends a statement that groups and sums them in Snowflake by pool (ID and name) and UTC day, so only
    /// daily totals cross the wire and the cache holds day rows. At `.day` the window starts at 00:00 UTC of its
    /// first day (a day row is always a whole day's sum). Default `.hour`.
    public var grain: LedgerGrain = .hour
    /// `--org`: read SNOWPARK_CONTAINER_SERVICES_HISTORY from ORGANIZATION_USAGE (every account of the organization,
    /// through the organization account's connection) instead of ACCOUNT_USAGE; each row keeps its ORGANIZATION_NAME
    /// and ACCOUNT_NAME. The view lags up to 24 hours, so the lookback is at least ``organizationLookbackHours``.
    public var organizationWide = false

    /// `--max-statements`: the statements of one account's pull (history, pools, metering, the money views) in
    /// flight at once, each with its own partition window; 1 runs them one after another. Default
    /// ``defaultMaxConcurrentStatements``. Whatever the number, the rows are written only once every statement has
    /// arrived, in one transaction, in a fixed order.
    public var maxConcurrentStatements: Int = PullOptions.defaultMaxConcurrentStatements

    /// 4 statements in flight: the fifteen statements of an account's pull (nine views, the four block storage and
    /// transfer views, SHOW WAREHOUSES and SHOW NOTEBOOKS; thirteen with `--org`) take about four round trips instead of
    /// fifteen, while one account holds at most 4 × the partition window of requests open.
    public static let defaultMaxConcurrentStatements = 4

    /// 48 hours: the least lookback of an organization-wide pull (the view's 24 h lag, plus the account view's day).
    public static let organizationLookbackHours = 48

    /// Creates options with the defaults.
    public init() {}
}

/// What a pull did: recorded in the cache's `loads` table (as JSON) and printed by `spcs-cost pull`.
public struct PullSummary: Sendable, Codable, Equatable {
    /// One statement of the pull.
    public struct Statement: Sendable, Codable, Equatable {
        /// The view, for example `SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY`.
        public var view: String
        /// Snowflake's statement handle; nil when the view was skipped.
        public var statementHandle: String?
        /// Rows fetched.
        public var rows: Int
        /// Result partitions fetched.
        public var partitions: Int
        /// Why the view was skipped (for example, the role cannot read it); nil when it was read.
        public var skipped: String?
    }

    /// The connection's name.
    public var connection: String
    /// Start of the pulled window (UTC, ISO 8601), inclusive.
    public var windowStart: String
    /// End of the window (UTC, ISO 8601), exclusive.
    public var windowEnd: String
    /// The statements in the pull's fixed order (history, pools, metering, notebooks, warehouse metering, task
    /// history, serverless task history, rate sheet, usage in currency, with `--org` ACCOUNTS, without it
    /// BLOCK_STORAGE_HISTORY, BLOCK_STORAGE_SNAPSHOTS, INTERNAL_DATA_TRANSFER_HISTORY and DATA_TRANSFER_HISTORY,
    /// then SHOW WAREHOUSES and SHOW NOTEBOOKS IN ACCOUNT), however they arrived.
    public var statements: [Statement]
    /// The grain of the history rows fetched: `hour`, or `day` (summed in Snowflake).
    public var grain: LedgerGrain = .hour
    /// History rows fetched (hourly rows, or day rows at grain `day`).
    public var historyRows: Int
    /// Hourly rows new to the cache.
    public var inserted: Int
    /// Hourly rows restated (values changed).
    public var updated: Int
    /// Hourly rows already cached unchanged.
    public var unchanged: Int
    /// Wall-clock duration of the pull in milliseconds.
    public var durationMilliseconds: Int
    /// The connection's organization, upper case (`''` when its account identifier is a locator); the hourly rows
    /// carry it. Not encoded into the single-account summary (the many-accounts summary names it).
    public var organization: String = ""
    /// The connection's account name (or locator), upper case; the hourly rows carry it. Not encoded into the
    /// single-account summary (the many-accounts summary names it).
    public var account: String = ""
    /// Warnings about the connection's files (for example a private key file readable by others while
    /// `SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION` is set), as finished sentences; for standard error, so not
    /// encoded into the summary JSON or the cache.
    public var warnings: [String] = []
    /// Warnings about what the views returned, as finished sentences for standard error (not encoded): a view that
    /// returned no rows (the window asked for, what the view keeps, the grant the role may lack), a money view the
    /// role cannot read (the view and the grant).
    public var viewWarnings: [String] = []

    enum CodingKeys: String, CodingKey {
        case connection, windowStart, windowEnd, statements, grain, historyRows, inserted, updated, unchanged
        case durationMilliseconds
    }
}

/// Pulls SPCS usage from Snowflake through the SQL API v2 into the cache (`spcs-cost pull`).
///
/// Incremental: from the cache's watermark (the newest END_TIME) minus the lookback, upserting by key; the first pull
/// without `since` goes back ``PullOptions/initialDays``. The money views (RATE_SHEET_DAILY, USAGE_IN_CURRENCY_DAILY)
/// are read from ``moneyViewStart(now:windowStart:since:cacheHasRows:)`` on, replacing the cached rows of that window
/// and recording restatements. Hourly rows get the connection's organization and account
/// (``AccountIdentifier/organizationAndAccount(_:)``). The statements are submitted at once, at most
/// ``PullOptions/maxConcurrentStatements`` in flight; every statement is fetched before anything is written; then one transaction writes all views and records the pull, so
/// an interrupted or failed pull leaves the cache exactly as it was and the next pull converges. The watermark is the
/// account's own (``UsageCache/latestEndTime(organization:account:)``), so an account new to a cache of others
/// gets its first full pull.
public struct PullService: Sendable {
    /// Environment (clock, variables, home directory).
    public let env: Environment
    /// The HTTP transport (``CurlTransport`` live; tests may point a connection at a loopback server).
    public let transport: any HTTPTransport
    /// Client settings (user agent, retries, concurrency).
    public let clientOptions: SQLAPIClientOptions

    /// Creates the service.
    public init(env: Environment, transport: any HTTPTransport, clientOptions: SQLAPIClientOptions) {
        self.env = env
        self.transport = transport
        self.clientOptions = clientOptions
    }

    static let history = "SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY"
    static let organizationHistory = "SNOWFLAKE.ORGANIZATION_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY"
    static let pools = "SNOWFLAKE.ACCOUNT_USAGE.COMPUTE_POOLS"
    static let metering = "SNOWFLAKE.ACCOUNT_USAGE.METERING_DAILY_HISTORY"
    /// The organization's daily metering (docs.snowflake.com/en/sql-reference/organization-usage/
    /// metering_daily_history: SERVICE_TYPE, ORGANIZATION_NAME, ACCOUNT_NAME, USAGE_DATE (UTC), CREDITS_USED_COMPUTE,
    /// CREDITS_USED_CLOUD_SERVICES, CREDITS_USED, CREDITS_ADJUSTMENT_CLOUD_SERVICES, CREDITS_BILLED, REGION,
    /// ACCOUNT_LOCATOR; 365 days, up to 2 hours' latency), read by `pull --org` instead of the account's view.
    static let organizationMetering = "SNOWFLAKE.ORGANIZATION_USAGE.METERING_DAILY_HISTORY"

    /// The statement `pull --org` reads every account's SPCS metering days with, from `?1` (the window's first UTC
    /// day, a DATE): the columns named (the organization views' performance guidance), each row naming its
    /// organization, account and locator.
    static let organizationMeteringStatement = "SELECT ORGANIZATION_NAME, ACCOUNT_NAME, ACCOUNT_LOCATOR, USAGE_DATE, "
        + "CREDITS_USED_COMPUTE, CREDITS_USED_CLOUD_SERVICES, CREDITS_USED, CREDITS_ADJUSTMENT_CLOUD_SERVICES, "
        + "CREDITS_BILLED FROM \(organizationMetering) WHERE SERVICE_TYPE = 'SNOWPARK_CONTAINER_SERVICES' AND USAGE_DATE >= ?"
    static let rateSheet = "SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY"
    static let usageInCurrency = "SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY"
    static let accounts = "SNOWFLAKE.ORGANIZATION_USAGE.ACCOUNTS"
    static let notebooks = "SNOWFLAKE.ACCOUNT_USAGE.NOTEBOOKS_CONTAINER_RUNTIME_HISTORY"
    static let warehouseMetering = "SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY"
    static let taskHistory = "SNOWFLAKE.ACCOUNT_USAGE.TASK_HISTORY"
    static let queryHistory = "SNOWFLAKE.ACCOUNT_USAGE.QUERY_HISTORY"
    static let serverlessTaskHistory = "SNOWFLAKE.ACCOUNT_USAGE.SERVERLESS_TASK_HISTORY"

    /// The statement that reads TASK_HISTORY runs scheduled in [`?2`, `?3`) with the WAREHOUSE_NAME of each run's
    /// statement from QUERY_HISTORY (TASK_HISTORY has no warehouse column; QUERY_ID joins them, as the view's
    /// documentation says), QUERY_HISTORY limited to statements started from `?1` (the window's start) so Snowflake
    /// prunes it. Bindings: the window start twice, then its end.
    static let taskHistoryStatement = "SELECT t.*, q.WAREHOUSE_NAME FROM \(taskHistory) t LEFT JOIN \(queryHistory) q "
        + "ON q.QUERY_ID = t.QUERY_ID AND q.START_TIME >= ? WHERE t.SCHEDULED_TIME >= ? AND t.SCHEDULED_TIME < ? "
        + "ORDER BY t.DATABASE_NAME, t.SCHEMA_NAME, t.NAME, t.SCHEDULED_TIME"

    /// The sentence a pull prints when the role cannot read one of the task warehouse views (the pull goes on
    /// without it; the report then leaves out the tasks' credits it would give).
    static func taskViewUnreadableWarning(view: String, error: SQLAPIError) -> String {
        "\(view) is not readable with this role (Snowflake error \(error.snowflakeCode ?? "refused")); the pull goes on "
            + "without it, so the report leaves out the credits of the tasks that suspend and resume the pools that it "
            + "gives. ACCOUNT_USAGE views need GRANT DATABASE ROLE SNOWFLAKE.USAGE_VIEWER TO ROLE <role> (or GRANT "
            + "IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE TO ROLE <role>)."
    }

    /// The warehouses' settings (docs.snowflake.com/en/sql-reference/sql/show-warehouses): lower-case columns `name`,
    /// `size`, `type`, `auto_suspend` (seconds; NULL or 0 = never), `auto_resume`, among others. It lists the
    /// warehouses the role has a privilege on.
    static let showWarehouses = "SHOW WAREHOUSES"
    /// The notebooks and their query warehouses (docs.snowflake.com/en/sql-reference/sql/show-notebooks): lower-case
    /// columns `name`, `database_name`, `schema_name`, `query_warehouse`, and where the account shows them
    /// `compute_pool`, `runtime_name`, `idle_auto_shutdown_time_seconds`. It lists the notebooks the role has a
    /// privilege on.
    static let showNotebooks = "SHOW NOTEBOOKS IN ACCOUNT"

    /// The sentence a pull prints when the role cannot run SHOW WAREHOUSES or SHOW NOTEBOOKS (the pull goes on).
    static func inventoryUnreadableWarning(statement: String, error: SQLAPIError) -> String {
        let effect = "the pull goes on without it, so advise cannot tell notebooks' query warehouses or warehouses' "
            + "AUTO_SUSPEND from the cache (the warehouses' hourly credits are still pulled from "
            + "WAREHOUSE_METERING_HISTORY)."
        // 001003 is a SQL compilation error: the server does not know the command (a grant would not help).
        if error.snowflakeCode == "001003" {
            return "\(statement) was not understood by the server (Snowflake error 001003, a SQL compilation error); "
                + effect + " Snowflake accepts it; a service that emulates Snowflake may not."
        }
        return "\(statement) was refused (Snowflake error \(error.snowflakeCode ?? "refused")); " + effect
            + " The command lists the objects the role has a privilege on: grant USAGE or MONITOR on the warehouses "
            + "and USAGE on the notebooks' databases and schemas to the role."
    }

    static let blockStorage = "SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_HISTORY"
    static let blockStorageSnapshots = "SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_SNAPSHOTS"
    static let internalTransfer = "SNOWFLAKE.ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY"
    static let dataTransfer = "SNOWFLAKE.ACCOUNT_USAGE.DATA_TRANSFER_HISTORY"
    /// The organization's block storage (docs.snowflake.com/en/sql-reference/organization-usage/block_storage_history:
    /// a premium view of the organization account; ORGANIZATION_NAME, ACCOUNT_LOCATOR, ACCOUNT_NAME, then the
    /// ACCOUNT_USAGE view's columns), read by `pull --org`.
    static let organizationBlockStorage = "SNOWFLAKE.ORGANIZATION_USAGE.BLOCK_STORAGE_HISTORY"

    /// The statement `pull --org` reads the organization's block storage with, from the window's first UTC day
    /// (`[?1, ?2)`, session TIMEZONE UTC), every account's rows each naming its organization and account.
    static let organizationBlockStorageStatement = "SELECT ORGANIZATION_NAME, ACCOUNT_NAME, ACCOUNT_LOCATOR, USAGE_DATE, "
        + "STORAGE_TYPE, COMPUTE_POOL_NAME, COMPUTE_POOL_ID, BYTES, ADDITIONAL_IOPS, ADDITIONAL_THROUGHPUT FROM "
        + "\(organizationBlockStorage) WHERE USAGE_DATE >= ? AND USAGE_DATE < ?"

    /// The statements that read the block storage and data transfer views (docs.snowflake.com/en/sql-reference/
    /// account-usage/block_storage_history, block_storage_snapshots, internal_data_transfer_history,
    /// data_transfer_history; spcs-facts §3), in this order, for the window `[?1, ?2)` (session TIMEZONE UTC):
    /// BLOCK_STORAGE_HISTORY from the window's first UTC day; every BLOCK_STORAGE_SNAPSHOTS row (one per snapshot);
    /// INTERNAL_DATA_TRANSFER_HISTORY by START_TIME; DATA_TRANSFER_HISTORY's SPCS rows (TRANSFER_TYPE
    /// `SNOWPARK_CONTAINER_SERVICES` or `INTERNAL`) by START_TIME, with BYTES_TRANSFERRED, a VARIANT, cast to NUMBER.
    static let storageTransferStatements: [(view: String, sql: String, window: Bool)] = [
        (blockStorage, "SELECT USAGE_DATE, STORAGE_TYPE, COMPUTE_POOL_NAME, COMPUTE_POOL_ID, BYTES, ADDITIONAL_IOPS, "
            + "ADDITIONAL_THROUGHPUT FROM \(blockStorage) WHERE USAGE_DATE >= ? AND USAGE_DATE < ?", true),
        (blockStorageSnapshots, "SELECT * FROM \(blockStorageSnapshots)", false),
        (internalTransfer, "SELECT START_TIME, END_TIME, TRANSFER_TYPE, COMPUTE_POOL_NAME, BYTES_TRANSFERRED FROM "
            + "\(internalTransfer) WHERE START_TIME >= ? AND START_TIME < ?", true),
        (dataTransfer, "SELECT START_TIME, END_TIME, SOURCE_CLOUD, SOURCE_REGION, TARGET_CLOUD, TARGET_REGION, "
            + "BYTES_TRANSFERRED::NUMBER AS BYTES_TRANSFERRED, TRANSFER_TYPE FROM \(dataTransfer) WHERE TRANSFER_TYPE IN "
            + "('SNOWPARK_CONTAINER_SERVICES', 'INTERNAL') AND START_TIME >= ? AND START_TIME < ?", true),
    ]

    /// The first UTC day from which a pull reads the money views (RATE_SHEET_DAILY, USAGE_IN_CURRENCY_DAILY), which
    /// Snowflake changes until the month closes (spcs-facts §3 [S9b, S9c]): the first day of the month before the
    /// one `now` falls in (UTC), or `windowStart`'s day when earlier; nil (no lower bound: from the view's first row)
    /// when the cache holds no row of the view yet and no `--since` was given. So every month is read again on each
    /// pull until the month after it has ended, and is taken as closed from then on.
    public static func moneyViewStart(now: Date, windowStart: Date, since: CivilDate?, cacheHasRows: Bool) -> CivilDate? {
        let utc = TimeZone(identifier: "UTC")!
        if since == nil && !cacheHasRows { return nil }
        let thisMonth = CivilDate.of(now, in: utc).firstOfMonth
        let previous = CivilDate(daysSinceEpoch: thisMonth.daysSinceEpoch - 1).firstOfMonth
        return min(previous, CivilDate.of(windowStart, in: utc))
    }

    /// The sentence a pull prints to standard error when `view` returned no rows: the window it asked for, what the
    /// view keeps, and the grant the role may lack.
    static func noRowsWarning(view: String, from: String, to: String) -> String {
        if view == history {
            return "\(view) returned no rows from \(from) to \(to). The view keeps 365 days and lags up to 3 hours "
                + "(Snowflake's SNOWPARK_CONTAINER_SERVICES_HISTORY documentation); if the account ran compute pools "
                + "then, the role may lack the SNOWFLAKE database grant: GRANT DATABASE ROLE SNOWFLAKE.USAGE_VIEWER TO "
                + "ROLE <role> (or GRANT IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE TO ROLE <role>)."
        }
        return "\(view) returned no rows from \(from) to \(to). The view keeps its rows indefinitely and lags up to "
            + "\(view == usageInCurrency ? "72" : "24") hours; it shows rows only in the organization account, to a role "
            + "with the SNOWFLAKE database role ORGANIZATION_BILLING_VIEWER (GRANT DATABASE ROLE "
            + "SNOWFLAKE.ORGANIZATION_BILLING_VIEWER TO ROLE <role>), and not to reseller contracts."
    }

    /// The sentence a pull prints when the role cannot read a money view (the pull goes on without it).
    static func unreadableWarning(view: String, error: SQLAPIError) -> String {
        "\(view) is not readable with this role (Snowflake error \(error.snowflakeCode ?? "refused"): does not exist or not "
            + "authorized, or insufficient privileges); "
            + "the pull goes on without it. It is served in the organization account to a role with "
            + "GRANT DATABASE ROLE SNOWFLAKE.ORGANIZATION_BILLING_VIEWER TO ROLE <role>."
    }

    /// Why a pull's data could not be read; names the view, the row and the column.
    public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The view.
        public let view: String
        /// What is wrong.
        public let reason: String
        public var description: String { "\(view): \(reason); nothing was written to the cache." }
    }

    /// Pulls into `cache`. `progress` receives short lines while statements run (for a terminal); `warn` receives
    /// each warning about the connection's files as soon as the connection is loaded, so it is shown even when the
    /// pull then fails (the summary repeats them).
    /// - Throws: ``ConfigError``/``AuthError`` (connection), ``SQLAPIError`` (Snowflake refused, retries ran out, or
    ///   the deadline came), ``TransportError``, ``DataError`` (a cell that does not decode), ``StoreError`` (the
    ///   cache); the cache is then unchanged.
    public func pull(_ options: PullOptions, into cache: UsageCache,
                     progress: (@Sendable (String) -> Void)? = nil,
                     warn: (@Sendable (String) -> Void)? = nil) async throws -> PullSummary {
        let started = env.now()
        var clientOptions = self.clientOptions
        clientOptions.deadlineSeconds = options.deadlineSeconds
        let (client, loaded) = try SQLAPIClient.connect(
            connectionName: options.connectionName, environment: env.variables, homeDirectory: env.homeDirectory,
            transport: transport, now: env.now, options: clientOptions)
        loaded.warnings.forEach { warn?($0) }
        // Organization and account come from the connection (the view has no such columns).
        let identity = AccountIdentifier.organizationAndAccount(try loaded.configuration.accountIdentifier())
        let utc = TimeZone(identifier: "UTC")!
        let end = started
        var start: Date
        if let since = options.since {
            start = since.startInstant(in: utc)
        } else if options.organizationWide,
                  let watermark = try cache.latestEndTime(organization: identity.organization, account: "") {
            start = watermark.addingTimeInterval(-Double(max(options.lookbackHours, PullOptions.organizationLookbackHours)) * 3600)
        } else if let watermark = try cache.latestEndTime(organization: identity.organization, account: identity.account) {
            start = watermark.addingTimeInterval(-Double(options.lookbackHours) * 3600)
        } else {
            start = end.addingTimeInterval(-Double(options.initialDays) * 86_400)
        }
        // Whole UTC days at grain day (a day row is a whole day's sum); at grain hour too where the account has day
        // rows from the window's first day on, so the hours replace whole days of them.
        let startDay = CivilDate.of(start, in: utc)
        let dayRowsInWindow = try !cache.dayRowDays(from: startDay.startInstant(in: utc), to: end).isEmpty
        if options.grain == .day || dayRowsInWindow {
            start = startDay.startInstant(in: utc)
        }
        var statements: [PullSummary.Statement] = []

        // The statements of the pull, submitted at once (at most `maxConcurrentStatements` in flight, each with its
        // own partition window) and taken in this order once all have arrived: history, pools, metering, notebooks,
        // the money views. The first failure in this order is the one reported; nothing is written before every one is in.
        // 1. History: hourly rows, or at grain day the rows summed by pool and UTC day in Snowflake; with --org the
        // organization's view, every account's rows.
        let historyView = options.organizationWide ? Self.organizationHistory : Self.history
        // 5. The money views, when the role can read them: re-read from the previous month on (restatement).
        let rateFrom = Self.moneyViewStart(now: end, windowStart: start, since: options.since,
                                           cacheHasRows: try cache.hasRows(of: HistoryWriter.rateSheetView))
        let billedFrom = Self.moneyViewStart(now: end, windowStart: start, since: options.since,
                                             cacheHasRows: try cache.hasRows(of: HistoryWriter.usageInCurrencyView))
        func moneyQuery(_ view: String, _ column: String, from: CivilDate?) -> SQLStatement {
            guard let from else { return SQLStatement("SELECT * FROM \(view)", parameters: ["TIMEZONE": "UTC"]) }
            return SQLStatement("SELECT * FROM \(view) WHERE \(column) >= ?",
                                bindings: [.date(daysSinceEpoch: Int64(from.daysSinceEpoch))], parameters: ["TIMEZONE": "UTC"])
        }
        var jobs: [StatementJob] = [
            StatementJob(view: historyView, statement: SQLStatement(
                Self.historyStatement(grain: options.grain, organizationWide: options.organizationWide),
                bindings: [.timestampLTZ(start), .timestampLTZ(end)], parameters: ["TIMEZONE": "UTC"]), skippable: false),
            // 2. Pool inventory.
            StatementJob(view: Self.pools, statement: SQLStatement("SELECT * FROM \(Self.pools)", parameters: ["TIMEZONE": "UTC"]),
                         skippable: false),
            // 3. Daily metering of SPCS from the window's first UTC day; with --org the organization's view, every
            // account's days (skipped with a warning when the role cannot read it).
            options.organizationWide
                ? StatementJob(view: Self.organizationMetering, statement: SQLStatement(
                    Self.organizationMeteringStatement,
                    bindings: [.date(daysSinceEpoch: Int64(CivilDate.of(start, in: utc).daysSinceEpoch))],
                    parameters: ["TIMEZONE": "UTC"]), skippable: true)
                : StatementJob(view: Self.metering, statement: SQLStatement(
                    "SELECT * FROM \(Self.metering) WHERE SERVICE_TYPE = 'SNOWPARK_CONTAINER_SERVICES' AND USAGE_DATE >= ?",
                    bindings: [.date(daysSinceEpoch: Int64(CivilDate.of(start, in: utc).daysSinceEpoch))],
                    parameters: ["TIMEZONE": "UTC"]), skippable: false),
            // 4. Notebooks on container runtime (hourly credits per notebook and user), the history's window; a role
            // that cannot read the view skips it with a warning.
            StatementJob(view: Self.notebooks, statement: SQLStatement(
                "SELECT * FROM \(Self.notebooks) WHERE START_TIME >= ? AND START_TIME < ? ORDER BY COMPUTE_POOL_NAME, START_TIME",
                bindings: [.timestampLTZ(start), .timestampLTZ(end)], parameters: ["TIMEZONE": "UTC"]), skippable: true),
            StatementJob(view: Self.rateSheet, statement: moneyQuery(Self.rateSheet, "DATE", from: rateFrom), skippable: true),
            StatementJob(view: Self.usageInCurrency, statement: moneyQuery(Self.usageInCurrency, "USAGE_DATE", from: billedFrom),
                         skippable: true),
        ]
        // 5. The task warehouse views (what the tasks that suspend and resume the pools cost), from the window's
        // start; a role that cannot read one is warned, not failed.
        let taskJobs = 4
        jobs.insert(contentsOf: [
            StatementJob(view: Self.warehouseMetering, statement: SQLStatement(
                "SELECT * FROM \(Self.warehouseMetering) WHERE START_TIME >= ? AND START_TIME < ? "
                    + "ORDER BY WAREHOUSE_NAME, START_TIME",
                bindings: [.timestampLTZ(start), .timestampLTZ(end)], parameters: ["TIMEZONE": "UTC"]), skippable: true),
            StatementJob(view: Self.taskHistory, statement: SQLStatement(
                Self.taskHistoryStatement, bindings: [.timestampLTZ(start), .timestampLTZ(start), .timestampLTZ(end)],
                parameters: ["TIMEZONE": "UTC"]), skippable: true),
            StatementJob(view: Self.serverlessTaskHistory, statement: SQLStatement(
                "SELECT * FROM \(Self.serverlessTaskHistory) WHERE START_TIME >= ? AND START_TIME < ? "
                    + "ORDER BY DATABASE_NAME, SCHEMA_NAME, TASK_NAME, START_TIME",
                bindings: [.timestampLTZ(start), .timestampLTZ(end)], parameters: ["TIMEZONE": "UTC"]), skippable: true),
        ], at: taskJobs)
        // 6. With --org, each account's Snowflake Region (ORGANIZATION_USAGE.ACCOUNTS), for pricing it in its region.
        if options.organizationWide {
            jobs.append(StatementJob(view: Self.accounts, statement: SQLStatement(
                "SELECT * FROM \(Self.accounts)", parameters: ["TIMEZONE": "UTC"]), skippable: true))
        }
        // 7. Block storage, snapshots and SPCS data transfer of the connection's account, each skipped with a warning
        // when the role cannot read it. With --org, the organization's BLOCK_STORAGE_HISTORY instead (every
        // account's); Snowflake documents no organization view of snapshots or SPCS transfer (README "Known limits").
        let storageBase = jobs.count
        let dayStart = CivilDate.of(start, in: utc).startInstant(in: utc)
        if !options.organizationWide {
            for (view, sql, window) in Self.storageTransferStatements {
                jobs.append(StatementJob(view: view, statement: SQLStatement(
                    sql, bindings: window ? [.timestampLTZ(view == Self.blockStorage ? dayStart : start), .timestampLTZ(end)] : [],
                    parameters: ["TIMEZONE": "UTC"]), skippable: true))
            }
        } else {
            jobs.append(StatementJob(view: Self.organizationBlockStorage, statement: SQLStatement(
                Self.organizationBlockStorageStatement, bindings: [.timestampLTZ(dayStart), .timestampLTZ(end)],
                parameters: ["TIMEZONE": "UTC"]), skippable: true))
        }
        // 8. The warehouses' settings and the notebooks' query warehouses (the connection's account, with --org too),
        // each skipped with a warning when the role cannot run it.
        let inventoryBase = jobs.count
        jobs.append(StatementJob(view: Self.showWarehouses, statement: SQLStatement(Self.showWarehouses), skippable: true))
        jobs.append(StatementJob(view: Self.showNotebooks, statement: SQLStatement(Self.showNotebooks), skippable: true))
        let fetched = await Self.fetch(jobs, client: client, maxConcurrentStatements: options.maxConcurrentStatements,
                                       progress: progress)
        func read(_ i: Int) throws -> QueryResult? {
            switch try fetched[i].get() {
            case let .read(result):
                statements.append(.init(view: jobs[i].view, statementHandle: result.summary.statementHandle,
                                        rows: result.summary.rowCount, partitions: result.summary.partitionCount, skipped: nil))
                return result
            case .skipped:
                return nil
            }
        }

        let historyPartitions = try read(0)?.partitions ?? []
        var records = try Self.usageRecords(historyPartitions, grain: options.grain)
        // With --org, each account's locator beside its name (the organization views' ACCOUNT_LOCATOR).
        var locators = options.organizationWide ? try Self.accountLocators(historyPartitions, view: historyView) : []
        // The organization's view names each row's organization and account; the account's view is the connection's.
        if !options.organizationWide {
            for i in records.indices {
                records[i].organization = identity.organization
                records[i].account = identity.account
            }
        }
        // COMPUTE_POOLS is the connection's account's view (with --org too: the organization account's own).
        var pools = try Self.poolRecords(try read(1)?.partitions ?? [])
        for i in pools.indices {
            pools[i].organization = identity.organization
            pools[i].account = identity.account
        }
        var warnings: [String] = []
        func note(_ line: String) { warnings.append(line) }
        var metering: [MeteringDailyRecord] = []
        if !options.organizationWide {
            metering = try Self.meteringRecords(try read(2)?.partitions ?? [])
            for i in metering.indices {
                metering[i].organization = identity.organization
                metering[i].account = identity.account
            }
        } else if case let .skipped(e) = try fetched[2].get() {
            statements.append(.init(view: Self.organizationMetering, statementHandle: nil, rows: 0, partitions: 0,
                                    skipped: "the role cannot read it (\(e.snowflakeCode ?? "refused")); no account's "
                                        + "metering days are cached"))
            note(Self.organizationMeteringUnreadableWarning(error: e))
        } else {
            // Every account's days, each keyed by its own organization and account (the connection's organization
            // when the cell is empty).
            let partitions = try read(2)?.partitions ?? []
            metering = try Self.meteringRecords(partitions, organizationWide: true)
            for i in metering.indices where metering[i].organization.isEmpty {
                metering[i].organization = identity.organization
            }
            locators += try Self.accountLocators(partitions, view: Self.organizationMetering)
        }
        let iso = ISO8601DateFormatter()
        if records.isEmpty {
            note(Self.noRowsWarning(view: historyView, from: iso.string(from: start), to: iso.string(from: end)))
        }
        struct MoneyRead { var from: CivilDate?; var read = false }
        func windowText(_ from: CivilDate?) -> String { from.map { "\($0)" } ?? "the view's first row" }
        // The money views, each read from its restatement window; a view the role cannot read is skipped with a
        // warning naming the grant.
        func moneyRows<Row>(_ i: Int, from: CivilDate?, whenSkipped: String,
                            decode: ([ResultPartition]) throws -> [Row]) throws -> (rows: [Row], read: MoneyRead) {
            let view = jobs[i].view
            if case let .skipped(e) = try fetched[i].get() {
                statements.append(.init(view: view, statementHandle: nil, rows: 0, partitions: 0,
                                        skipped: "the role cannot read it (\(e.snowflakeCode ?? "refused")); \(whenSkipped)"))
                note(Self.unreadableWarning(view: view, error: e))
                return ([], MoneyRead(from: from))
            }
            let rows = try decode(try read(i)?.partitions ?? [])
            if rows.isEmpty {
                note(Self.noRowsWarning(view: view, from: windowText(from), to: iso.string(from: end)))
            }
            return (rows, MoneyRead(from: from, read: true))
        }
        var notebookRows: [NotebookUsageRecord] = []
        if case let .skipped(e) = try fetched[3].get() {
            statements.append(.init(view: Self.notebooks, statementHandle: nil, rows: 0, partitions: 0,
                                    skipped: "the role cannot read it (\(e.snowflakeCode ?? "refused")); no notebook usage"))
            note("\(Self.notebooks) is not readable with this role (Snowflake error \(e.snowflakeCode ?? "refused")); the "
                 + "pull goes on without notebook usage, so the report's \"Who used it\" has no notebook lines. Grant "
                 + "DATABASE ROLE SNOWFLAKE.USAGE_VIEWER (or IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE) to the role.")
        } else {
            notebookRows = try Self.notebookRecords(try read(3)?.partitions ?? [])
            for i in notebookRows.indices {
                notebookRows[i].organization = identity.organization
                notebookRows[i].account = identity.account
            }
        }
        // The task warehouse views: each skipped with a warning when the role cannot read it.
        func taskRows<Row>(_ i: Int, decode: ([ResultPartition]) throws -> [Row]) throws -> [Row] {
            if case let .skipped(e) = try fetched[i].get() {
                statements.append(.init(view: jobs[i].view, statementHandle: nil, rows: 0, partitions: 0,
                                        skipped: "the role cannot read it (\(e.snowflakeCode ?? "refused")); the report "
                                            + "leaves out the task credits it gives"))
                note(Self.taskViewUnreadableWarning(view: jobs[i].view, error: e))
                return []
            }
            return try decode(try read(i)?.partitions ?? [])
        }
        var warehouseHours = try taskRows(taskJobs, decode: Self.warehouseMeteringRecords)
        var taskRuns = try taskRows(taskJobs + 1, decode: Self.taskRunRecords)
        var serverlessRows = try taskRows(taskJobs + 2, decode: Self.serverlessTaskRecords)
        for i in warehouseHours.indices { (warehouseHours[i].organization, warehouseHours[i].account) = (identity.organization, identity.account) }
        for i in taskRuns.indices { (taskRuns[i].organization, taskRuns[i].account) = (identity.organization, identity.account) }
        for i in serverlessRows.indices { (serverlessRows[i].organization, serverlessRows[i].account) = (identity.organization, identity.account) }

        let (rates, rateRead) = try moneyRows(
            taskJobs + 3, from: rateFrom, whenSkipped: "contract prices come from the pools file or the on-demand table",
            decode: Self.rateSheetRows)
        let (billed, billedRead) = try moneyRows(
            taskJobs + 4, from: billedFrom, whenSkipped: "the bill check has no billed amounts", decode: Self.usageInCurrencyRows)
        var regions: [AccountRegion] = []
        if options.organizationWide {
            if case let .skipped(e) = try fetched[taskJobs + 5].get() {
                statements.append(.init(view: Self.accounts, statementHandle: nil, rows: 0, partitions: 0,
                                        skipped: "the role cannot read it (\(e.snowflakeCode ?? "refused")); accounts' "
                                            + "regions come from RATE_SHEET_DAILY"))
                note("\(Self.accounts) is not readable with this role (Snowflake error \(e.snowflakeCode ?? "refused")); "
                     + "accounts' regions come from RATE_SHEET_DAILY only. It is served in the organization account "
                     + "(docs.snowflake.com/en/sql-reference/organization-usage/accounts).")
            } else {
                let partitions = try read(taskJobs + 5)?.partitions ?? []
                regions = try Self.accountRegions(partitions, organization: identity.organization)
                // ACCOUNTS names every account's ACCOUNT_LOCATOR too, an account without SPCS rows included.
                locators += try Self.accountLocators(partitions, view: Self.accounts)
            }
            // Accounts of the history whose region neither ACCOUNTS nor the rate sheet names.
            let named = Set(regions.map(\.account) + rates.compactMap { r in
                (r.region ?? "").isEmpty ? nil : r.accountName?.uppercased() })
            let unnamed = Set(records.map(\.account)).subtracting(named)
            if !unnamed.isEmpty {
                note("no region is known for \(unnamed.sorted().joined(separator: ", ")) (not in \(Self.accounts) or "
                     + "\(Self.rateSheet)); without a rate sheet row of \(unnamed.count == 1 ? "its" : "their") own, "
                     + "\(unnamed.count == 1 ? "it is" : "they are") priced at the run's --region, so check that it fits.")
            }
        }

        // The block storage and transfer views: a view the role cannot read is skipped with a warning naming the
        // grant; an empty one is not warned about (an account without volumes or transfer has no rows).
        var storage = CurrencyBilledParts.Input()
        if !options.organizationWide {
            func optional<Row>(_ i: Int, decode: ([ResultPartition]) throws -> [Row]) throws -> [Row] {
                if case let .skipped(e) = try fetched[i].get() {
                    statements.append(.init(view: jobs[i].view, statementHandle: nil, rows: 0, partitions: 0,
                                            skipped: "the role cannot read it (\(e.snowflakeCode ?? "refused")); its part of "
                                                + "the bill is not shown"))
                    note("\(jobs[i].view) is not readable with this role (Snowflake error \(e.snowflakeCode ?? "refused")); "
                         + "the pull goes on without it, and reports leave its part of the bill out. Grant "
                         + "GRANT DATABASE ROLE SNOWFLAKE.USAGE_VIEWER TO ROLE <role> (or IMPORTED PRIVILEGES ON "
                         + "DATABASE SNOWFLAKE).")
                    return []
                }
                return try decode(try read(i)?.partitions ?? [])
            }
            storage.storage = try optional(storageBase, decode: Self.blockStorageRows)
            storage.snapshots = try optional(storageBase + 1, decode: Self.snapshotRows)
            storage.internalTransfer = try optional(storageBase + 2, decode: Self.internalTransferRows)
            storage.dataTransfer = try optional(storageBase + 3, decode: Self.dataTransferRows)
            // A pool dropped and re-created within an hour has two rows of one name in that hour (the transfer views
            // have no pool ID): their bytes are summed into the row the cache keys by name and hour.
            storage.internalTransfer = Self.summed(storage.internalTransfer) {
                "\($0.startTime.timeIntervalSince1970) \($0.transferType) \($0.poolName)"
            } add: { $0.bytes += $1.bytes }
            storage.dataTransfer = Self.summed(storage.dataTransfer) {
                "\($0.startTime.timeIntervalSince1970) \($0.transferType) \($0.sourceCloud) \($0.sourceRegion) \($0.targetCloud) \($0.targetRegion)"
            } add: { $0.bytes += $1.bytes }
            for i in storage.storage.indices {
                storage.storage[i].organization = identity.organization
                storage.storage[i].account = identity.account
            }
            for i in storage.internalTransfer.indices {
                storage.internalTransfer[i].organization = identity.organization
                storage.internalTransfer[i].account = identity.account
            }
            for i in storage.dataTransfer.indices {
                storage.dataTransfer[i].organization = identity.organization
                storage.dataTransfer[i].account = identity.account
            }
        } else if case let .skipped(e) = try fetched[storageBase].get() {
            statements.append(.init(view: jobs[storageBase].view, statementHandle: nil, rows: 0, partitions: 0,
                                    skipped: "the role cannot read it (\(e.snowflakeCode ?? "refused")); block storage is "
                                        + "not shown"))
            note("\(Self.organizationBlockStorage) is not readable with this role (Snowflake error "
                 + "\(e.snowflakeCode ?? "refused")): a premium view of the organization account, read by a role with "
                 + "GLOBALORGADMIN or the SNOWFLAKE.ORGANIZATION_USAGE_VIEWER application role. The pull goes on "
                 + "without it, and reports leave block storage out; pull each account with -c for its own.")
        } else {
            // Every account's rows, each naming its own organization and account (the connection's organization
            // when the cell is empty).
            storage.storage = try Self.blockStorageRows(try read(storageBase)?.partitions ?? [])
            for i in storage.storage.indices where storage.storage[i].organization.isEmpty {
                storage.storage[i].organization = identity.organization
            }
        }

        // Each account's locator once (the first source that names it: SPCS history, metering, ACCOUNTS).
        let accountLocators = Self.uniqueLocators(locators, organization: identity.organization)
        // SHOW WAREHOUSES and SHOW NOTEBOOKS: nil when the role could not run one (its cached rows are then kept).
        func inventory<Row>(_ i: Int, decode: ([ResultPartition]) throws -> [Row]) throws -> [Row]? {
            if case let .skipped(e) = try fetched[i].get() {
                statements.append(.init(view: jobs[i].view, statementHandle: nil, rows: 0, partitions: 0,
                                        skipped: "refused (\(e.snowflakeCode ?? "refused")); advise assumes "
                                            + "what it would give"))
                note(Self.inventoryUnreadableWarning(statement: jobs[i].view, error: e))
                return nil
            }
            return try decode(try read(i)?.partitions ?? [])
        }
        let warehouses = try inventory(inventoryBase, decode: Self.warehouseRecords)
        let notebookInventory = try inventory(inventoryBase + 1, decode: Self.notebookInventoryRecords)

        // One transaction: every view and the pull record, or nothing.
        let finished = env.now()
        var summary = PullSummary(
            connection: loaded.configuration.name, windowStart: iso.string(from: start), windowEnd: iso.string(from: end),
            statements: statements, grain: options.grain, historyRows: records.count, inserted: 0, updated: 0,
            unchanged: 0, durationMilliseconds: Int(finished.timeIntervalSince(started) * 1000))
        summary.organization = identity.organization
        summary.account = identity.account
        let details = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        let checksum = sha256Hex(Data(statements.map { "\($0.view) \($0.statementHandle ?? "-") \($0.rows)" }
            .joined(separator: "\n").utf8))
        let outcome = try cache.load(.init(kind: "pull", source: loaded.configuration.name, checksum: checksum,
                                           loadedAt: finished, window: DateInterval(start: start, end: end),
                                           details: details)) { writer in
            // --org: every account of the organization (account '' matches them all).
            try writer.replaceOtherGrain(than: options.grain, organization: identity.organization,
                                         account: options.organizationWide ? "" : identity.account, from: start, to: end)
            for r in records { try writer.upsert(r) }
            for pool in pools { try writer.upsert(pool) }
            for day in metering { try writer.upsert(day) }
            for row in notebookRows { try writer.upsert(row) }
            for rate in rates { try writer.upsert(rate) }
            if rateRead.read { try writer.removeRowsNotReread(HistoryWriter.rateSheetView, from: rateRead.from) }
            for row in billed { try writer.upsert(row) }
            for row in regions { try writer.upsert(row) }
            for row in accountLocators { try writer.upsert(row) }
            if billedRead.read { try writer.removeRowsNotReread(HistoryWriter.usageInCurrencyView, from: billedRead.from) }
            for row in warehouseHours { try writer.upsert(row) }
            for run in taskRuns { try writer.upsert(run) }
            for row in serverlessRows { try writer.upsert(row) }
            for r in storage.storage { try writer.upsert(r) }
            for r in storage.snapshots {
                try writer.upsert(r, organization: identity.organization, account: identity.account)
            }
            for r in storage.internalTransfer { try writer.upsert(r) }
            for r in storage.dataTransfer { try writer.upsert(r) }
            if let warehouses {
                try writer.replaceWarehouses(warehouses, organization: identity.organization, account: identity.account)
            }
            if let notebookInventory {
                try writer.replaceNotebooks(notebookInventory, organization: identity.organization, account: identity.account)
            }
        }
        summary.inserted = outcome.inserted
        summary.updated = outcome.updated
        summary.unchanged = outcome.unchanged
        summary.warnings = loaded.warnings
        summary.viewWarnings = warnings
        return summary
    }

    /// One statement of a pull: the view it reads, the statement, and whether a role that cannot read the view
    /// skips it (the money views) instead of failing the pull.
    struct StatementJob: Sendable {
        var view: String
        var statement: SQLStatement
        var skippable: Bool
    }

    /// What one statement of a pull brought: its whole result, or the refusal of a skippable view.
    enum Fetched: Sendable {
        case read(QueryResult)
        case skipped(SQLAPIError)
    }

    /// Submits `jobs` at once, at most `maxConcurrentStatements` in flight (started in the order of `jobs`, the next
    /// as soon as one ends), each fetching its partitions through the client's partition window and held in memory
    /// until all have arrived; nothing is written here. A failing statement does not stop the others (the caller
    /// reports the first failure in the order of `jobs`).
    /// - Returns: one result per job, in the order of `jobs`.
    static func fetch(_ jobs: [StatementJob], client: SQLAPIClient, maxConcurrentStatements: Int,
                      progress: (@Sendable (String) -> Void)?) async -> [Result<Fetched, any Error>] {
        let limit = max(1, maxConcurrentStatements)
        return await withTaskGroup(of: (Int, Result<Fetched, any Error>).self) { group in
            func start(_ i: Int) {
                let job = jobs[i]
                group.addTask {
                    progress?("pulling \(job.view)")
                    do {
                        var partitions: [ResultPartition] = []
                        var rows = 0
                        let summary = try await client.execute(job.statement, isolation: nil) { partition in
                            partitions.append(partition)
                            rows += partition.count
                            if i == 0 { progress?("pulling \(job.view): \(rows) rows") }
                        }
                        return (i, .success(.read(QueryResult(summary: summary, partitions: partitions))))
                    } catch let e as SQLAPIError where job.skippable
                                && (isNotReadable(e) || (job.view.hasPrefix("SHOW ") && e.snowflakeCode == "001003")) {
                        // A SHOW command an account (or a SQL API emulator) does not know is refused as a
                        // compilation error (001003): skipped like a view the role cannot read.
                        return (i, .success(.skipped(e)))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            var next = 0
            while next < min(limit, jobs.count) {
                start(next)
                next += 1
            }
            var results = [Result<Fetched, any Error>?](repeating: nil, count: jobs.count)
            while let (i, result) = await group.next() {
                results[i] = result
                if next < jobs.count {
                    start(next)
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }

    /// True for the refusals that mean "this role cannot read the view" (object does not exist or not
    /// authorized 002003, insufficient privileges 003001), which skip RATE_SHEET_DAILY instead of failing the pull.
    static func isNotReadable(_ e: SQLAPIError) -> Bool {
        ["002003", "003001", "002037"].contains(e.snowflakeCode ?? "")
    }

    static func column(_ columns: [Column], _ name: String, view: String) throws -> Int {
        guard let i = columns.index(named: name) else {
            throw DataError(view: view, reason: "the result has no \(name) column")
        }
        return i
    }

    /// The statement that reads SNOWPARK_CONTAINER_SERVICES_HISTORY for START_TIME in [`?1`, `?2`) (session
    /// TIMEZONE UTC): at `.hour` every column of the hourly rows; at `.day` one row per pool (name and ID, with
    /// IS_EXCLUSIVE and APPLICATION_ID cast to VARCHAR, which a pool keeps for life, whatever the view's type for it:
    /// NUMBER in newer documentation, VARCHAR in older) and UTC day: START_TIME the day's 00:00 UTC
    /// (DATE_TRUNC in the UTC session), END_TIME the latest, APPLICATION_NAME the greatest (NULL once the application
    /// is gone), CREDITS_USED the exact sum (NUMBER(38,9)).
    ///
    /// `organizationWide` reads ORGANIZATION_USAGE's view instead, whose rows also name ORGANIZATION_NAME and
    /// ACCOUNT_NAME: at `.day` they lead the grouping (one row per account, pool and UTC day), and the account's
    /// ACCOUNT_LOCATOR (one per account, so the MAX of the group) comes last, for the cache's `account_locators`.
    public static func historyStatement(grain: LedgerGrain, organizationWide: Bool = false) -> String {
        let view = organizationWide ? organizationHistory : history
        switch (grain, organizationWide) {
        case (.hour, _):
            return "SELECT * FROM \(view) WHERE START_TIME >= ? AND START_TIME < ? ORDER BY COMPUTE_POOL_NAME, START_TIME"
        case (.day, false):
            return "SELECT COMPUTE_POOL_NAME, COMPUTE_POOL_ID, IS_EXCLUSIVE, APPLICATION_ID::VARCHAR AS APPLICATION_ID, "
                + "DATE_TRUNC('DAY', START_TIME) AS START_TIME, MAX(END_TIME) AS END_TIME, "
                + "MAX(APPLICATION_NAME) AS APPLICATION_NAME, SUM(CREDITS_USED) AS CREDITS_USED "
                + "FROM \(view) WHERE START_TIME >= ? AND START_TIME < ? "
                + "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 5, 2"
        case (.day, true):
            return "SELECT ORGANIZATION_NAME, ACCOUNT_NAME, COMPUTE_POOL_NAME, COMPUTE_POOL_ID, IS_EXCLUSIVE, "
                + "APPLICATION_ID::VARCHAR AS APPLICATION_ID, "
                + "DATE_TRUNC('DAY', START_TIME) AS START_TIME, MAX(END_TIME) AS END_TIME, "
                + "MAX(APPLICATION_NAME) AS APPLICATION_NAME, SUM(CREDITS_USED) AS CREDITS_USED, "
                + "MAX(ACCOUNT_LOCATOR) AS ACCOUNT_LOCATOR "
                + "FROM \(view) WHERE START_TIME >= ? AND START_TIME < ? "
                + "GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 3, 7, 2, 4"
        }
    }

    /// Rows from SNOWPARK_CONTAINER_SERVICES_HISTORY partitions, of `grain` (`.day`: the day statement's sums, see
    /// ``historyStatement(grain:)``); optional columns may be absent (older views).
    /// - Throws: ``DataError`` for a NULL key cell, a value a row of `grain` cannot hold (``UsageRecord/problem``),
    ///   or a cell that does not decode.
    public static func usageRecords(_ partitions: [ResultPartition], grain: LedgerGrain = .hour) throws -> [UsageRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = history
        let iStart = try column(cols, "START_TIME", view: v), iEnd = try column(cols, "END_TIME", view: v)
        let iPool = try column(cols, "COMPUTE_POOL_NAME", view: v), iCredits = try column(cols, "CREDITS_USED", view: v)
        let iPoolID = cols.index(named: "COMPUTE_POOL_ID"), iExclusive = cols.index(named: "IS_EXCLUSIVE")
        let iAppName = cols.index(named: "APPLICATION_NAME"), iAppID = cols.index(named: "APPLICATION_ID")
        // ORGANIZATION_USAGE's rows name their organization and account (upper case, as the cache keeps them).
        let iOrg = cols.index(named: "ORGANIZATION_NAME"), iAccount = cols.index(named: "ACCOUNT_NAME")
        var out: [UsageRecord] = []
        out.reserveCapacity(partitions.reduce(0) { $0 + $1.count })
        for partition in partitions {
            for (n, row) in partition.enumerated() {
                do {
                    guard let s = try row.timestamp(iStart), let e = try row.timestamp(iEnd), let pool = row.text(iPool),
                          let credits = try row.scaledInteger(iCredits, scale: 9) else {
                        throw DataError(view: v, reason: "a row has NULL in START_TIME, END_TIME, COMPUTE_POOL_NAME or CREDITS_USED")
                    }
                    let record = UsageRecord(
                        startTime: Date(timeIntervalSince1970: TimeInterval(s.seconds)),
                        endTime: Date(timeIntervalSince1970: TimeInterval(e.seconds)), computePoolName: pool,
                        computePoolID: try iPoolID.flatMap { try row.int64($0) },
                        isExclusive: try iExclusive.flatMap { try row.bool($0) },
                        applicationName: iAppName.flatMap { row.text($0) }, applicationID: UsageRecord.applicationIDText(iAppID.flatMap { row.text($0) }),
                        creditsUsed: NanoCredits(credits),
                        organization: iOrg.flatMap { row.text($0) }.map { $0.uppercased() } ?? "",
                        account: iAccount.flatMap { row.text($0) }.map { $0.uppercased() } ?? "", grain: grain)
                    if let problem = record.problem {
                        throw DataError(view: v, reason: "row \(n + 1) of partition \(partition.index): \(problem.column) "
                                        + "'\(record.quotedValue(for: problem))' \(problem.description)")
                    }
                    out.append(record)
                } catch let e as DataError {
                    throw e
                } catch {
                    throw DataError(view: v, reason: "a row does not decode (\(error))")
                }
            }
        }
        return out
    }

    /// NOTEBOOKS_CONTAINER_RUNTIME_HISTORY rows from their partitions (columns per docs.snowflake.com account-usage
    /// `notebooks_container_runtime_history`: START_TIME, END_TIME TIMESTAMP_LTZ; NOTEBOOK_NAME TEXT; NOTEBOOK_ID
    /// NUMBER; USER_NAME TEXT; USER_ID NUMBER; COMPUTE_POOL_NAME TEXT; COMPUTE_POOL_ID NUMBER; SERVICE_NAME TEXT;
    /// SERVICE_ID NUMBER; NOTEBOOK_EXECUTION_TIME_SECS NUMBER; CREDITS NUMBER(38,9)); the optional columns may be
    /// absent. Organization and account are left `""` (the caller sets the connection's).
    /// - Throws: ``DataError`` for a row without START_TIME, END_TIME, NOTEBOOK_NAME, USER_NAME, COMPUTE_POOL_NAME or
    ///   CREDITS, CREDITS out of range, or a cell that does not decode.
    public static func notebookRecords(_ partitions: [ResultPartition]) throws -> [NotebookUsageRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = notebooks
        let iStart = try column(cols, "START_TIME", view: v), iEnd = try column(cols, "END_TIME", view: v)
        let iName = try column(cols, "NOTEBOOK_NAME", view: v), iUser = try column(cols, "USER_NAME", view: v)
        let iPool = try column(cols, "COMPUTE_POOL_NAME", view: v), iCredits = try column(cols, "CREDITS", view: v)
        func idx(_ n: String) -> Int? { cols.index(named: n) }
        let iNotebookID = idx("NOTEBOOK_ID"), iUserID = idx("USER_ID"), iPoolID = idx("COMPUTE_POOL_ID")
        let iService = idx("SERVICE_NAME"), iServiceID = idx("SERVICE_ID"), iSecs = idx("NOTEBOOK_EXECUTION_TIME_SECS")
        return try decodeRows(partitions, view: v) { row, at in
            guard let s = try row.timestamp(iStart), let e = try row.timestamp(iEnd), let name = row.text(iName),
                  let user = row.text(iUser), let pool = row.text(iPool),
                  let credits = try row.scaledInteger(iCredits, scale: 9) else {
                throw DataError(view: v, reason: "\(at) has NULL in START_TIME, "
                                + "END_TIME, NOTEBOOK_NAME, USER_NAME, COMPUTE_POOL_NAME or CREDITS")
            }
            let record = NotebookUsageRecord(
                startTime: Date(timeIntervalSince1970: TimeInterval(s.seconds)),
                endTime: Date(timeIntervalSince1970: TimeInterval(e.seconds)), notebookName: name,
                notebookID: try iNotebookID.flatMap { try row.int64($0) }, userName: user,
                userID: try iUserID.flatMap { try row.int64($0) }, computePoolName: pool,
                computePoolID: try iPoolID.flatMap { try row.int64($0) },
                serviceName: iService.flatMap { row.text($0) }, serviceID: try iServiceID.flatMap { try row.int64($0) },
                executionSeconds: try iSecs.flatMap { try row.int64($0) }, credits: NanoCredits(credits))
            if let problem = record.problem {
                throw DataError(view: v, reason: "\(at): \(problem)")
            }
            return record
        }
    }

    /// ORGANIZATION_USAGE.ACCOUNTS rows from their partitions: ORGANIZATION_NAME (`organization` when the column is
    /// absent or NULL), ACCOUNT_NAME and REGION (Snowflake's name, such as `AWS_AP_NORTHEAST_1`; columns per
    /// docs.snowflake.com/en/sql-reference/organization-usage/accounts). A row without ACCOUNT_NAME or REGION is left
    /// out.
    /// - Throws: ``DataError`` when the result has no ACCOUNT_NAME or REGION column.
    public static func accountRegions(_ partitions: [ResultPartition], organization: String) throws -> [AccountRegion] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = accounts
        let iAccount = try column(cols, "ACCOUNT_NAME", view: v), iRegion = try column(cols, "REGION", view: v)
        let iOrg = cols.index(named: "ORGANIZATION_NAME")
        var out: [AccountRegion] = []
        for partition in partitions {
            for row in partition {
                guard let account = row.text(iAccount), let region = row.text(iRegion), !region.isEmpty else { continue }
                out.append(AccountRegion(organization: iOrg.flatMap { row.text($0) } ?? organization, account: account,
                                         region: region))
            }
        }
        return out
    }

    /// A DATE cell (days since 1970-01-01) as a date, when it falls in the years 1 to 9999.
    static func civilDate(_ days: Int64, _ column: String, view: String) throws -> CivilDate {
        // 0001-01-01 is day -719,162 and 9999-12-31 day 2,932,896.
        guard (-719_162...2_932_896).contains(days) else {
            throw DataError(view: view, reason: "\(column) '\(days) days after 1970-01-01' is outside the years 1 to 9999")
        }
        return CivilDate(daysSinceEpoch: Int(days))
    }

    /// COMPUTE_POOLS rows from their partitions; timestamps must fall in the years 1 to 9999.
    /// - Throws: ``DataError`` for a NULL NAME or ID, a timestamp out of range, or a cell that does not decode.
    public static func poolRecords(_ partitions: [ResultPartition]) throws -> [ComputePoolRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = pools
        let iName = try column(cols, "NAME", view: v), iID = try column(cols, "ID", view: v)
        func idx(_ n: String) -> Int? { cols.index(named: n) }
        func date(_ row: ResultRow, _ i: Int?) throws -> Date? {
            guard let t = try i.flatMap({ try row.timestamp($0) }) else { return nil }
            let d = Date(timeIntervalSince1970: TimeInterval(t.seconds))
            guard UsageRecord.instantRange.contains(d) else {
                throw DataError(view: v, reason: "\(cols[i!].name) '\(t.seconds) s after 1970-01-01T00:00:00Z' is outside the years 1 to 9999")
            }
            return d
        }
        var out: [ComputePoolRecord] = []
        for partition in partitions {
            for row in partition {
                guard let name = row.text(iName), let id = try row.int64(iID) else {
                    throw DataError(view: v, reason: "a row has NULL in NAME or ID")
                }
                out.append(ComputePoolRecord(
                    name: name, id: id, isSuspended: try idx("IS_SUSPENDED").flatMap { try row.bool($0) },
                    minNodes: try idx("MIN_NODES").flatMap { try row.int64($0) }.map(Int.init),
                    maxNodes: try idx("MAX_NODES").flatMap { try row.int64($0) }.map(Int.init),
                    instanceFamily: idx("INSTANCE_FAMILY").flatMap { row.text($0) },
                    autoSuspendSeconds: try idx("AUTO_SUSPEND_SECS").flatMap { try row.int64($0) }.map(Int.init),
                    autoResume: try idx("AUTO_RESUME").flatMap { try row.bool($0) },
                    created: try date(row, idx("CREATED")), lastResumed: try date(row, idx("LAST_RESUMED")),
                    lastAltered: try date(row, idx("LAST_ALTERED")), deleted: try date(row, idx("DELETED")),
                    owner: idx("OWNER").flatMap { row.text($0) }, comment: idx("COMMENT").flatMap { row.text($0) }))
            }
        }
        return out
    }

    /// The sentence `pull --org` prints when the role cannot read the organization's METERING_DAILY_HISTORY (the
    /// pull goes on without it).
    static func organizationMeteringUnreadableWarning(error: SQLAPIError) -> String {
        "\(organizationMetering) is not readable with this role (Snowflake error \(error.snowflakeCode ?? "refused")); "
            + "the pull goes on without the accounts' daily metering (CREDITS_BILLED with the cloud services "
            + "adjustment). It is served in the organization account to a role with GRANT DATABASE ROLE "
            + "SNOWFLAKE.ORGANIZATION_USAGE_VIEWER TO ROLE <role>; pull each account with -c for its own."
    }

    /// METERING_DAILY_HISTORY rows of SPCS from their partitions; dates must fall in the years 1 to 9999.
    /// `organizationWide`: the rows are the organization view's (``organizationMeteringStatement``), each naming its
    /// ORGANIZATION_NAME and ACCOUNT_NAME, which the records then carry (upper case; a NULL organization is `''`).
    /// - Throws: ``DataError`` for a NULL or out-of-range USAGE_DATE, a result of the organization view without
    ///   ACCOUNT_NAME or a row with NULL there, or a cell that does not decode.
    public static func meteringRecords(_ partitions: [ResultPartition],
                                       organizationWide: Bool = false) throws -> [MeteringDailyRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = organizationWide ? organizationMetering : metering
        let iDate = try column(cols, "USAGE_DATE", view: v)
        let iAccount = organizationWide ? try column(cols, "ACCOUNT_NAME", view: v) : nil
        let iOrg = organizationWide ? cols.index(named: "ORGANIZATION_NAME") : nil
        let names = ["CREDITS_USED_COMPUTE", "CREDITS_USED_CLOUD_SERVICES", "CREDITS_USED",
                     "CREDITS_ADJUSTMENT_CLOUD_SERVICES", "CREDITS_BILLED"]
        let idx = try names.map { try column(cols, $0, view: v) }
        var out: [MeteringDailyRecord] = []
        for partition in partitions {
            for row in partition {
                guard let d = try row.daysSinceEpoch(iDate) else { throw DataError(view: v, reason: "a row has NULL in USAGE_DATE") }
                let c = try idx.map { NanoCredits(try row.scaledInteger($0, scale: 9) ?? 0) }
                var record = MeteringDailyRecord(usageDate: try civilDate(d, "USAGE_DATE", view: v), creditsUsedCompute: c[0],
                                                 creditsUsedCloudServices: c[1], creditsUsed: c[2],
                                                 creditsAdjustmentCloudServices: c[3], creditsBilled: c[4])
                if let iAccount {
                    guard let account = row.text(iAccount), !account.isEmpty else {
                        throw DataError(view: v, reason: "a row has NULL in ACCOUNT_NAME")
                    }
                    record.account = account.uppercased()
                    record.organization = (iOrg.flatMap { row.text($0) } ?? "").uppercased()
                }
                out.append(record)
            }
        }
        return out
    }

    /// Each distinct (ORGANIZATION_NAME, ACCOUNT_NAME, ACCOUNT_LOCATOR) of an organization view's result, upper case;
    /// empty when the result has no ACCOUNT_NAME or ACCOUNT_LOCATOR column (an older view), and rows with either cell
    /// NULL or empty left out.
    static func accountLocators(_ partitions: [ResultPartition], view: String) throws -> [AccountLocator] {
        guard let cols = partitions.first?.columns, let iAccount = cols.index(named: "ACCOUNT_NAME"),
              let iLocator = cols.index(named: "ACCOUNT_LOCATOR") else { return [] }
        let iOrg = cols.index(named: "ORGANIZATION_NAME")
        var seen = Set<AccountLocator>()
        var out: [AccountLocator] = []
        for partition in partitions {
            for row in partition {
                guard let account = row.text(iAccount), !account.isEmpty, let locator = row.text(iLocator),
                      !locator.isEmpty else { continue }
                let entry = AccountLocator(organization: iOrg.flatMap { row.text($0) } ?? "", account: account,
                                           locator: locator)
                if seen.insert(entry).inserted { out.append(entry) }
            }
        }
        return out
    }

    /// One locator per organization and account (the first of `locators`), an empty organization taken as
    /// `organization` (the connection's), sorted by organization and account.
    static func uniqueLocators(_ locators: [AccountLocator], organization: String) -> [AccountLocator] {
        var out: [String: AccountLocator] = [:]
        for var l in locators {
            if l.organization.isEmpty { l.organization = organization }
            let key = "\(l.organization).\(l.account)"
            if out[key] == nil { out[key] = l }
        }
        return out.values.sorted { ($0.organization, $0.account) < ($1.organization, $1.account) }
    }

    /// RATE_SHEET_DAILY rows from their partitions; dates must fall in the years 1 to 9999.
    /// - Throws: ``DataError`` for a row without DATE, a known CURRENCY, EFFECTIVE_RATE or SERVICE_TYPE, a date out of
    ///   range, or a cell that does not decode.
    public static func rateSheetRows(_ partitions: [ResultPartition]) throws -> [RateSheetRow] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = rateSheet
        let iDate = try column(cols, "DATE", view: v), iCur = try column(cols, "CURRENCY", view: v)
        let iRate = try column(cols, "EFFECTIVE_RATE", view: v), iService = try column(cols, "SERVICE_TYPE", view: v)
        func idx(_ n: String) -> Int? { cols.index(named: n) }
        var out: [RateSheetRow] = []
        for partition in partitions {
            for (n, row) in partition.enumerated() {
                guard let d = try row.daysSinceEpoch(iDate), let code = row.text(iCur), let currency = Currency(code: code),
                      let rate = try row.decimal(iRate), let service = row.text(iService) else {
                    throw DataError(view: v, reason: "row \(n + 1) of partition \(partition.index) lacks DATE, a known CURRENCY, EFFECTIVE_RATE or SERVICE_TYPE")
                }
                out.append(RateSheetRow(
                    date: try civilDate(d, "DATE", view: v), currency: currency, effectiveRate: rate, serviceType: service,
                    usageType: idx("USAGE_TYPE").flatMap { row.text($0) }, billingType: idx("BILLING_TYPE").flatMap { row.text($0) },
                    ratingType: idx("RATING_TYPE").flatMap { row.text($0) },
                    isAdjustment: try idx("IS_ADJUSTMENT").flatMap { try row.bool($0) } ?? false,
                    accountName: idx("ACCOUNT_NAME").flatMap { row.text($0) }, region: idx("REGION").flatMap { row.text($0) },
                    serviceLevel: idx("SERVICE_LEVEL").flatMap { row.text($0) },
                    contractNumber: idx("CONTRACT_NUMBER").flatMap { row.text($0) }, origin: "\(v), pulled"))
            }
        }
        return out
    }

    /// USAGE_IN_CURRENCY_DAILY rows from their partitions (columns per docs.snowflake.com organization-usage
    /// `usage_in_currency_daily`, spcs-facts §3 [S9c]); optional columns may be absent, and a NULL text cell is `""`.
    /// - Throws: ``DataError`` for a row without USAGE_DATE, USAGE, USAGE_IN_CURRENCY or CURRENCY, a date out of range,
    ///   or a cell that does not decode.
    public static func usageInCurrencyRows(_ partitions: [ResultPartition]) throws -> [UsageInCurrencyRow] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = usageInCurrency
        let iDate = try column(cols, "USAGE_DATE", view: v), iUsage = try column(cols, "USAGE", view: v)
        let iAmount = try column(cols, "USAGE_IN_CURRENCY", view: v), iCur = try column(cols, "CURRENCY", view: v)
        func idx(_ n: String) -> Int? { cols.index(named: n) }
        let iOrg = idx("ORGANIZATION_NAME"), iAccount = idx("ACCOUNT_NAME"), iLocator = idx("ACCOUNT_LOCATOR")
        let iRegion = idx("REGION"), iLevel = idx("SERVICE_LEVEL"), iContract = idx("CONTRACT_NUMBER")
        let iUsageType = idx("USAGE_TYPE"), iService = idx("SERVICE_TYPE"), iRating = idx("RATING_TYPE")
        let iBilling = idx("BILLING_TYPE"), iBalance = idx("BALANCE_SOURCE"), iAdjustment = idx("IS_ADJUSTMENT")
        return try decodeRows(partitions, view: v) { row, at in
            func text(_ i: Int?) -> String { i.flatMap { row.text($0) } ?? "" }
            guard let d = try row.daysSinceEpoch(iDate), let usage = try row.decimal(iUsage),
                  let amount = try row.decimal(iAmount), let currency = row.text(iCur) else {
                throw DataError(view: v, reason: "\(at) lacks USAGE_DATE, USAGE, "
                                + "USAGE_IN_CURRENCY or CURRENCY")
            }
            return UsageInCurrencyRow(
                usageDate: try civilDate(d, "USAGE_DATE", view: v), organizationName: text(iOrg),
                accountName: text(iAccount), accountLocator: text(iLocator), region: text(iRegion),
                serviceLevel: text(iLevel), contractNumber: text(iContract), usageType: text(iUsageType),
                serviceType: text(iService), ratingType: text(iRating), billingType: text(iBilling),
                balanceSource: text(iBalance), isAdjustment: try iAdjustment.flatMap { try row.bool($0) } ?? false,
                usage: usage, usageInCurrency: amount, currency: currency)
        }
    }

    /// Where a row is in a result, for messages: `row N of partition P` (N from 1).
    struct RowPlace: CustomStringConvertible {
        let row: Int
        let partition: Int
        var description: String { "row \(row) of partition \(partition)" }
    }

    /// Each row of `partitions`, in order, made into a record by `decode`, which gets the row and where it is for its
    /// messages; an error other than ``DataError`` is wrapped into one naming `view` and the row.
    /// - Throws: ``DataError``.
    static func decodeRows<Record>(_ partitions: [ResultPartition], view: String,
                                   _ decode: (ResultRow, _ at: RowPlace) throws -> Record) throws -> [Record] {
        var out: [Record] = []
        for partition in partitions {
            for (n, row) in partition.enumerated() {
                let at = RowPlace(row: n + 1, partition: partition.index)
                do {
                    out.append(try decode(row, at))
                } catch let e as DataError {
                    throw e
                } catch {
                    throw DataError(view: view, reason: "\(at) does not decode (\(error))")
                }
            }
        }
        return out
    }

    /// A timestamp cell as an instant in the years 1 to 9999.
    static func instant(_ row: ResultRow, _ i: Int, _ column: String, view: String) throws -> Date? {
        guard let t = try row.timestamp(i) else { return nil }
        let d = Date(timeIntervalSince1970: TimeInterval(t.seconds))
        guard UsageRecord.instantRange.contains(d) else {
            throw DataError(view: view, reason: "\(column) '\(t.seconds) s after 1970-01-01T00:00:00Z' is outside the years 1 to 9999")
        }
        return d
    }

    /// A credits cell as nano-credits: a NUMBER(38,9) cell, or a decimal text (SERVERLESS_TASK_HISTORY documents
    /// CREDITS_USED as TEXT); nil for NULL.
    static func credits(_ row: ResultRow, _ i: Int, _ column: Column, view: String) throws -> NanoCredits? {
        if column.type == .fixed { return try row.scaledInteger(i, scale: 9).map(NanoCredits.init) }
        guard let text = row.text(i) else { return nil }
        guard let n = NanoCredits(parsing: text.trimmingCharacters(in: .whitespaces)) else {
            throw DataError(view: view, reason: "\(column.name) '\(text)' is not a decimal with at most 9 fraction digits")
        }
        return n
    }

    /// WAREHOUSE_METERING_HISTORY rows from their partitions (columns per docs.snowflake.com/en/sql-reference/
    /// account-usage/warehouse_metering_history); CREDITS_USED_COMPUTE and CREDITS_USED_CLOUD_SERVICES may be absent
    /// (0). Organization and account are left `""` for the caller.
    /// - Throws: ``DataError`` for a row without START_TIME, END_TIME, WAREHOUSE_NAME or CREDITS_USED, or a cell that
    ///   does not decode.
    public static func warehouseMeteringRecords(_ partitions: [ResultPartition]) throws -> [WarehouseMeteringRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = warehouseMetering
        let iStart = try column(cols, "START_TIME", view: v), iEnd = try column(cols, "END_TIME", view: v)
        let iName = try column(cols, "WAREHOUSE_NAME", view: v), iCredits = try column(cols, "CREDITS_USED", view: v)
        let iID = cols.index(named: "WAREHOUSE_ID"), iCompute = cols.index(named: "CREDITS_USED_COMPUTE")
        let iCloud = cols.index(named: "CREDITS_USED_CLOUD_SERVICES")
        return try decodeRows(partitions, view: v) { row, at in
            guard let s = try instant(row, iStart, "START_TIME", view: v), let e = try instant(row, iEnd, "END_TIME", view: v),
                  let name = row.text(iName), let c = try credits(row, iCredits, cols[iCredits], view: v) else {
                throw DataError(view: v, reason: "\(at) has NULL in START_TIME, "
                                + "END_TIME, WAREHOUSE_NAME or CREDITS_USED")
            }
            return WarehouseMeteringRecord(
                startTime: s, endTime: e, warehouseID: try iID.flatMap { try row.int64($0) }, warehouseName: name,
                creditsUsed: c, creditsUsedCompute: try iCompute.flatMap { try credits(row, $0, cols[$0], view: v) } ?? .zero,
                creditsUsedCloudServices: try iCloud.flatMap { try credits(row, $0, cols[$0], view: v) } ?? .zero)
        }
    }

    /// TASK_HISTORY runs from their partitions (columns per docs.snowflake.com/en/sql-reference/account-usage/
    /// task_history, with WAREHOUSE_NAME from the QUERY_HISTORY join of ``taskHistoryStatement``; absent or NULL for a
    /// serverless run). Organization and account are left `""` for the caller.
    /// - Throws: ``DataError`` for a row without NAME, STATE or SCHEDULED_TIME, or a cell that does not decode.
    public static func taskRunRecords(_ partitions: [ResultPartition]) throws -> [TaskRunRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = taskHistory
        let iName = try column(cols, "NAME", view: v), iState = try column(cols, "STATE", view: v)
        let iScheduled = try column(cols, "SCHEDULED_TIME", view: v)
        func idx(_ n: String) -> Int? { cols.index(named: n) }
        let iDB = idx("DATABASE_NAME"), iSchema = idx("SCHEMA_NAME"), iQueryID = idx("QUERY_ID"), iText = idx("QUERY_TEXT")
        let iStart = idx("QUERY_START_TIME"), iDone = idx("COMPLETED_TIME"), iWarehouse = idx("WAREHOUSE_NAME")
        return try decodeRows(partitions, view: v) { row, at in
            guard let name = row.text(iName), let state = row.text(iState),
                  let scheduled = try instant(row, iScheduled, "SCHEDULED_TIME", view: v) else {
                throw DataError(view: v, reason: "\(at) has NULL in NAME, STATE "
                                + "or SCHEDULED_TIME")
            }
            func text(_ i: Int?) -> String { i.flatMap { row.text($0) } ?? "" }
            return TaskRunRecord(
                name: name, databaseName: text(iDB), schemaName: text(iSchema), queryID: text(iQueryID),
                queryText: text(iText), state: state, scheduledTime: scheduled,
                queryStartTime: try iStart.flatMap { try instant(row, $0, "QUERY_START_TIME", view: v) },
                completedTime: try iDone.flatMap { try instant(row, $0, "COMPLETED_TIME", view: v) },
                warehouseName: iWarehouse.flatMap { row.text($0) }.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    /// SERVERLESS_TASK_HISTORY rows from their partitions (columns per docs.snowflake.com/en/sql-reference/
    /// account-usage/serverless_task_history; CREDITS_USED documented as TEXT, read as a decimal of at most 9 fraction
    /// digits, or as NUMBER). Organization and account are left `""` for the caller.
    /// - Throws: ``DataError`` for a row without START_TIME, END_TIME, TASK_NAME or CREDITS_USED, or a cell that does
    ///   not decode.
    public static func serverlessTaskRecords(_ partitions: [ResultPartition]) throws -> [ServerlessTaskRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = serverlessTaskHistory
        let iStart = try column(cols, "START_TIME", view: v), iEnd = try column(cols, "END_TIME", view: v)
        let iName = try column(cols, "TASK_NAME", view: v), iCredits = try column(cols, "CREDITS_USED", view: v)
        let iID = cols.index(named: "TASK_ID"), iDB = cols.index(named: "DATABASE_NAME"), iSchema = cols.index(named: "SCHEMA_NAME")
        return try decodeRows(partitions, view: v) { row, at in
            guard let s = try instant(row, iStart, "START_TIME", view: v), let e = try instant(row, iEnd, "END_TIME", view: v),
                  let name = row.text(iName), let c = try credits(row, iCredits, cols[iCredits], view: v) else {
                throw DataError(view: v, reason: "\(at) has NULL in START_TIME, "
                                + "END_TIME, TASK_NAME or CREDITS_USED")
            }
            return ServerlessTaskRecord(
                startTime: s, endTime: e, taskID: try iID.flatMap { try row.int64($0) }, taskName: name,
                databaseName: iDB.flatMap { row.text($0) } ?? "", schemaName: iSchema.flatMap { row.text($0) } ?? "",
                creditsUsed: c)
        }
    }

    /// BLOCK_STORAGE_HISTORY rows from their partitions (USAGE_DATE a TIMESTAMP_LTZ, read as its UTC day, or a
    /// DATE); NULL ADDITIONAL_IOPS or ADDITIONAL_THROUGHPUT is 0. The organization view's ORGANIZATION_NAME and
    /// ACCOUNT_NAME, when the result has them, become each row's organization and account (upper case); without
    /// them both stay `""` for the caller to fill in.
    /// - Throws: ``DataError`` for a row without USAGE_DATE, STORAGE_TYPE or BYTES, or a cell that does not decode.
    public static func blockStorageRows(_ partitions: [ResultPartition]) throws -> [BlockStorageRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = blockStorage
        let iDate = try column(cols, "USAGE_DATE", view: v), iType = try column(cols, "STORAGE_TYPE", view: v)
        let iBytes = try column(cols, "BYTES", view: v)
        let iPool = cols.index(named: "COMPUTE_POOL_NAME"), iPoolID = cols.index(named: "COMPUTE_POOL_ID")
        let iIOPS = cols.index(named: "ADDITIONAL_IOPS"), iThroughput = cols.index(named: "ADDITIONAL_THROUGHPUT")
        let iOrganization = cols.index(named: "ORGANIZATION_NAME"), iAccount = cols.index(named: "ACCOUNT_NAME")
        let utc = TimeZone(identifier: "UTC")!
        return try decodeRows(partitions, view: v) { row, at in
            var day: CivilDate?
            if let t = try? row.timestamp(iDate) {
                day = CivilDate.of(Date(timeIntervalSince1970: TimeInterval(t.seconds)), in: utc)
            } else if let d = try? row.daysSinceEpoch(iDate) {
                day = try civilDate(d, "USAGE_DATE", view: v)
            }
            guard let day, let type = row.text(iType), let bytes = try row.decimal(iBytes) else {
                throw DataError(view: v, reason: "\(at) lacks USAGE_DATE, "
                                + "STORAGE_TYPE or BYTES")
            }
            return BlockStorageRecord(
                usageDate: day, storageType: type.uppercased(), poolName: iPool.flatMap { row.text($0) },
                poolID: try iPoolID.flatMap { try row.int64($0) }, bytes: bytes,
                additionalIOPS: try iIOPS.flatMap { try row.decimal($0) } ?? 0,
                additionalThroughputMiBPerSecond: try iThroughput.flatMap { try row.decimal($0) } ?? 0,
                organization: iOrganization.flatMap { row.text($0) }?.uppercased() ?? "",
                account: iAccount.flatMap { row.text($0) }?.uppercased() ?? "")
        }
    }

    /// BLOCK_STORAGE_SNAPSHOTS rows from their partitions; SNAPSHOT_ID is kept as text whatever its type.
    /// - Throws: ``DataError`` for a row without SNAPSHOT_ID, SNAPSHOT_NAME or SIZE, or a cell that does not decode.
    public static func snapshotRows(_ partitions: [ResultPartition]) throws -> [BlockStorageSnapshotRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = blockStorageSnapshots
        let iID = try column(cols, "SNAPSHOT_ID", view: v), iName = try column(cols, "SNAPSHOT_NAME", view: v)
        let iSize = try column(cols, "SIZE", view: v)
        let iService = cols.index(named: "SERVICE_NAME"), iVolume = cols.index(named: "VOLUME_NAME")
        let iCreated = cols.index(named: "CREATED_ON"), iDeleted = cols.index(named: "DELETED_ON")
        func date(_ row: ResultRow, _ i: Int?) throws -> Date? {
            try i.flatMap { try row.timestamp($0) }.map { Date(timeIntervalSince1970: TimeInterval($0.seconds)) }
        }
        return try decodeRows(partitions, view: v) { row, at in
            guard let id = row.text(iID), let name = row.text(iName), let size = try row.decimal(iSize) else {
                throw DataError(view: v, reason: "\(at) lacks SNAPSHOT_ID, "
                                + "SNAPSHOT_NAME or SIZE")
            }
            return BlockStorageSnapshotRecord(
                snapshotID: id, name: name, serviceName: iService.flatMap { row.text($0) },
                volumeName: iVolume.flatMap { row.text($0) }, sizeGB: size, createdOn: try date(row, iCreated),
                deletedOn: try date(row, iDeleted))
        }
    }

    /// INTERNAL_DATA_TRANSFER_HISTORY rows from their partitions; a NULL COMPUTE_POOL_NAME is `''`.
    /// - Throws: ``DataError`` for a row without START_TIME, END_TIME, TRANSFER_TYPE or BYTES_TRANSFERRED.
    public static func internalTransferRows(_ partitions: [ResultPartition]) throws -> [InternalTransferRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = internalTransfer
        let iStart = try column(cols, "START_TIME", view: v), iEnd = try column(cols, "END_TIME", view: v)
        let iType = try column(cols, "TRANSFER_TYPE", view: v), iBytes = try column(cols, "BYTES_TRANSFERRED", view: v)
        let iPool = cols.index(named: "COMPUTE_POOL_NAME")
        return try decodeRows(partitions, view: v) { row, at in
            guard let s = try row.timestamp(iStart), let e = try row.timestamp(iEnd), let type = row.text(iType),
                  let bytes = try row.decimal(iBytes) else {
                throw DataError(view: v, reason: "\(at) lacks START_TIME, "
                                + "END_TIME, TRANSFER_TYPE or BYTES_TRANSFERRED")
            }
            return InternalTransferRecord(
                startTime: Date(timeIntervalSince1970: TimeInterval(s.seconds)),
                endTime: Date(timeIntervalSince1970: TimeInterval(e.seconds)), transferType: type,
                poolName: iPool.flatMap { row.text($0) } ?? "", bytes: bytes)
        }
    }

    /// DATA_TRANSFER_HISTORY rows from their partitions (BYTES_TRANSFERRED cast to NUMBER in the statement); NULL
    /// clouds and regions are `''`.
    /// - Throws: ``DataError`` for a row without START_TIME, END_TIME, TRANSFER_TYPE or BYTES_TRANSFERRED.
    public static func dataTransferRows(_ partitions: [ResultPartition]) throws -> [DataTransferRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = dataTransfer
        let iStart = try column(cols, "START_TIME", view: v), iEnd = try column(cols, "END_TIME", view: v)
        let iType = try column(cols, "TRANSFER_TYPE", view: v), iBytes = try column(cols, "BYTES_TRANSFERRED", view: v)
        let names = ["SOURCE_CLOUD", "SOURCE_REGION", "TARGET_CLOUD", "TARGET_REGION"].map { cols.index(named: $0) }
        return try decodeRows(partitions, view: v) { row, at in
            guard let s = try row.timestamp(iStart), let e = try row.timestamp(iEnd), let type = row.text(iType),
                  let bytes = try row.decimal(iBytes) else {
                throw DataError(view: v, reason: "\(at) lacks START_TIME, "
                                + "END_TIME, TRANSFER_TYPE or BYTES_TRANSFERRED")
            }
            let t = names.map { i in i.flatMap { row.text($0) } ?? "" }
            return DataTransferRecord(
                startTime: Date(timeIntervalSince1970: TimeInterval(s.seconds)),
                endTime: Date(timeIntervalSince1970: TimeInterval(e.seconds)), sourceCloud: t[0],
                sourceRegion: t[1], targetCloud: t[2], targetRegion: t[3], bytes: bytes, transferType: type)
        }
    }

    /// A SHOW cell as an integer: its wire text, whatever the column's type, read as digits; nil for NULL or empty.
    /// - Throws: ``DataError`` for text that is not an integer.
    static func showInteger(_ row: ResultRow, _ i: Int?, _ column: String, view: String) throws -> Int? {
        guard let i, let text = row.text(i)?.trimmingCharacters(in: .whitespaces), !text.isEmpty,
              text.uppercased() != "NULL" else { return nil }
        guard let n = Int(text) else { throw DataError(view: view, reason: "\(column) '\(text)' is not a whole number") }
        return n
    }

    /// A SHOW cell as a boolean (`true`/`false`, any case, or `Y`/`N`, `1`/`0`); nil for NULL, empty or other text.
    static func showBool(_ row: ResultRow, _ i: Int?) -> Bool? {
        guard let i, let text = row.text(i)?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        switch text {
        case "true", "y", "yes", "1": return true
        case "false", "n", "no", "0": return false
        default: return nil
        }
    }

    /// SHOW WAREHOUSES rows from their partitions (columns per docs.snowflake.com/en/sql-reference/sql/show-warehouses,
    /// lower case: `name`, `size`, `type`, `auto_suspend`, `auto_resume`; the others are not read). An `auto_suspend`
    /// of 0 or NULL (never suspends) is nil. Organization and account are left `""` for the caller.
    /// - Throws: ``DataError`` when the result has no `name` column, a row has a NULL name, or `auto_suspend` is not
    ///   a whole number.
    public static func warehouseRecords(_ partitions: [ResultPartition]) throws -> [WarehouseRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = showWarehouses
        let iName = try column(cols, "name", view: v)
        let iSize = cols.index(named: "size"), iType = cols.index(named: "type")
        let iSuspend = cols.index(named: "auto_suspend"), iResume = cols.index(named: "auto_resume")
        return try decodeRows(partitions, view: v) { row, at in
            guard let name = row.text(iName) else { throw DataError(view: v, reason: "\(at) has NULL in name") }
            let suspend = try showInteger(row, iSuspend, "auto_suspend", view: v)
            return WarehouseRecord(
                name: name, size: iSize.flatMap { row.text($0) }, type: iType.flatMap { row.text($0) },
                autoSuspendSeconds: suspend.flatMap { $0 > 0 ? $0 : nil }, autoResume: showBool(row, iResume))
        }
    }

    /// SHOW NOTEBOOKS IN ACCOUNT rows from their partitions (columns per docs.snowflake.com/en/sql-reference/sql/
    /// show-notebooks, lower case: `name`, `database_name`, `schema_name`, `query_warehouse`; `compute_pool`,
    /// `runtime_name` and `idle_auto_shutdown_time_seconds` when present). Empty text is nil. Organization and
    /// account are left `""` for the caller.
    /// - Throws: ``DataError`` when the result has no `name` column, a row has a NULL name, or
    ///   `idle_auto_shutdown_time_seconds` is not a whole number.
    public static func notebookInventoryRecords(_ partitions: [ResultPartition]) throws -> [NotebookRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = showNotebooks
        let iName = try column(cols, "name", view: v)
        func idx(_ n: String) -> Int? { cols.index(named: n) }
        let iDB = idx("database_name"), iSchema = idx("schema_name"), iWarehouse = idx("query_warehouse")
        let iPool = idx("compute_pool"), iRuntime = idx("runtime_name"), iIdle = idx("idle_auto_shutdown_time_seconds")
        return try decodeRows(partitions, view: v) { row, at in
            guard let name = row.text(iName) else { throw DataError(view: v, reason: "\(at) has NULL in name") }
            func text(_ i: Int?) -> String? { i.flatMap { row.text($0) }.flatMap { $0.isEmpty ? nil : $0 } }
            return NotebookRecord(
                databaseName: text(iDB) ?? "", schemaName: text(iSchema) ?? "", name: name,
                queryWarehouse: text(iWarehouse), computePool: text(iPool), runtimeName: text(iRuntime),
                idleAutoShutdownSeconds: try showInteger(row, iIdle, "idle_auto_shutdown_time_seconds", view: v))
        }
    }

    /// `rows` with the rows of one key merged by `add` into the first of them, in first-seen order.
    static func summed<Row>(_ rows: [Row], key: (Row) -> String, add: (inout Row, Row) -> Void) -> [Row] {
        var out: [Row] = []
        var at: [String: Int] = [:]
        for r in rows {
            let k = key(r)
            if let i = at[k] { add(&out[i], r) } else {
                at[k] = out.count
                out.append(r)
            }
        }
        return out
    }
}
