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
    /// The first pull, with no watermark and no `since`, goes back this many days (the view keeps 365).
    public var initialDays: Int = 365
    /// The whole pull (every statement, retry and status poll) ends within this many seconds of its start; a
    /// statement still running then is cancelled and the pull fails, leaving the cache as it was (`--deadline`).
    /// Default ``defaultDeadlineSeconds``.
    public var deadlineSeconds: Double = PullOptions.defaultDeadlineSeconds

    /// 1,800 s (30 minutes): the deadline of `spcs-cost pull`.
    public static let defaultDeadlineSeconds: Double = 1800
    /// 2,700 s (45 minutes): the deadline of the pull in `spcs-cost nightly`, which runs unattended.
    public static let nightlyDeadlineSeconds: Double = 2700

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
    /// The statements, in order.
    public var statements: [Statement]
    /// Hourly history rows fetched.
    public var historyRows: Int
    /// Hourly rows new to the cache.
    public var inserted: Int
    /// Hourly rows restated (values changed).
    public var updated: Int
    /// Hourly rows already cached unchanged.
    public var unchanged: Int
    /// Wall-clock duration of the pull in milliseconds.
    public var durationMilliseconds: Int
    /// Warnings about the connection's files (for example a private key file readable by others while
    /// `SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION` is set), as finished sentences; for standard error, so not
    /// encoded into the summary JSON or the cache.
    public var warnings: [String] = []

    enum CodingKeys: String, CodingKey {
        case connection, windowStart, windowEnd, statements, historyRows, inserted, updated, unchanged
        case durationMilliseconds
    }
}

/// Pulls SPCS usage from Snowflake through the SQL API v2 into the cache (`spcs-cost pull`).
///
/// Incremental: from the cache's watermark (the newest END_TIME) minus the lookback, upserting by key. Every
/// statement is fetched before anything is written; then one transaction writes all views and records the pull, so
/// an interrupted or failed pull leaves the cache exactly as it was and the next pull converges.
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
    static let pools = "SNOWFLAKE.ACCOUNT_USAGE.COMPUTE_POOLS"
    static let metering = "SNOWFLAKE.ACCOUNT_USAGE.METERING_DAILY_HISTORY"
    static let rateSheet = "SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY"

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
        let utc = TimeZone(identifier: "UTC")!
        let end = started
        let start: Date
        if let since = options.since {
            start = since.startInstant(in: utc)
        } else if let watermark = try cache.latestEndTime() {
            start = watermark.addingTimeInterval(-Double(options.lookbackHours) * 3600)
        } else {
            start = end.addingTimeInterval(-Double(options.initialDays) * 86_400)
        }
        var statements: [PullSummary.Statement] = []

        // 1. Hourly history.
        progress?("pulling \(Self.history)")
        var historyPartitions: [ResultPartition] = []
        let h = try await client.execute(SQLStatement(
            "SELECT * FROM \(Self.history) WHERE START_TIME >= ? AND START_TIME < ? ORDER BY COMPUTE_POOL_NAME, START_TIME",
            bindings: [.timestampLTZ(start), .timestampLTZ(end)], parameters: ["TIMEZONE": "UTC"])) { partition in
            historyPartitions.append(partition)
            progress?("pulling \(Self.history): \(historyPartitions.reduce(0) { $0 + $1.count }) rows")
        }
        statements.append(.init(view: Self.history, statementHandle: h.statementHandle, rows: h.rowCount,
                                partitions: h.partitionCount, skipped: nil))
        let records = try Self.usageRecords(historyPartitions)

        // 2. Pool inventory.
        progress?("pulling \(Self.pools)")
        let p = try await client.query(SQLStatement("SELECT * FROM \(Self.pools)", parameters: ["TIMEZONE": "UTC"]))
        statements.append(.init(view: Self.pools, statementHandle: p.summary.statementHandle, rows: p.summary.rowCount,
                                partitions: p.summary.partitionCount, skipped: nil))
        let pools = try Self.poolRecords(p.partitions)

        // 3. Daily metering of SPCS.
        progress?("pulling \(Self.metering)")
        let m = try await client.query(SQLStatement(
            "SELECT * FROM \(Self.metering) WHERE SERVICE_TYPE = 'SNOWPARK_CONTAINER_SERVICES' AND USAGE_DATE >= ?",
            bindings: [.date(daysSinceEpoch: Int64(CivilDate.of(start, in: utc).daysSinceEpoch))],
            parameters: ["TIMEZONE": "UTC"]))
        statements.append(.init(view: Self.metering, statementHandle: m.summary.statementHandle, rows: m.summary.rowCount,
                                partitions: m.summary.partitionCount, skipped: nil))
        let metering = try Self.meteringRecords(m.partitions)

        // 4. The rate sheet, when the role can read it.
        progress?("pulling \(Self.rateSheet)")
        var rates: [RateSheetRow] = []
        do {
            let r = try await client.query(SQLStatement(
                "SELECT * FROM \(Self.rateSheet) WHERE DATE >= ?",
                bindings: [.date(daysSinceEpoch: Int64(CivilDate.of(start, in: utc).daysSinceEpoch))],
                parameters: ["TIMEZONE": "UTC"]))
            statements.append(.init(view: Self.rateSheet, statementHandle: r.summary.statementHandle,
                                    rows: r.summary.rowCount, partitions: r.summary.partitionCount, skipped: nil))
            rates = try Self.rateSheetRows(r.partitions)
        } catch let e as SQLAPIError where Self.isNotReadable(e) {
            statements.append(.init(view: Self.rateSheet, statementHandle: nil, rows: 0, partitions: 0,
                                    skipped: "the role cannot read it (\(e.snowflakeCode ?? "refused")); contract prices "
                                        + "come from the pools file or the on-demand table"))
        }

        // One transaction: every view and the pull record, or nothing.
        let finished = env.now()
        let iso = ISO8601DateFormatter()
        var summary = PullSummary(
            connection: loaded.configuration.name, windowStart: iso.string(from: start), windowEnd: iso.string(from: end),
            statements: statements, historyRows: records.count, inserted: 0, updated: 0, unchanged: 0,
            durationMilliseconds: Int(finished.timeIntervalSince(started) * 1000))
        let details = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        let checksum = sha256Hex(Data(statements.map { "\($0.view) \($0.statementHandle ?? "-") \($0.rows)" }
            .joined(separator: "\n").utf8))
        let outcome = try cache.load(.init(kind: "pull", source: loaded.configuration.name, checksum: checksum,
                                           loadedAt: finished, window: DateInterval(start: start, end: end),
                                           details: details)) { writer in
            for r in records { try writer.upsert(r) }
            for pool in pools { try writer.upsert(pool) }
            for day in metering { try writer.upsert(day) }
            for rate in rates { try writer.upsert(rate) }
        }
        summary.inserted = outcome.inserted
        summary.updated = outcome.updated
        summary.unchanged = outcome.unchanged
        summary.warnings = loaded.warnings
        return summary
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

    /// Hourly rows from SNOWPARK_CONTAINER_SERVICES_HISTORY partitions; optional columns may be absent (older views).
    public static func usageRecords(_ partitions: [ResultPartition]) throws -> [UsageRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = history
        let iStart = try column(cols, "START_TIME", view: v), iEnd = try column(cols, "END_TIME", view: v)
        let iPool = try column(cols, "COMPUTE_POOL_NAME", view: v), iCredits = try column(cols, "CREDITS_USED", view: v)
        let iPoolID = cols.index(named: "COMPUTE_POOL_ID"), iExclusive = cols.index(named: "IS_EXCLUSIVE")
        let iAppName = cols.index(named: "APPLICATION_NAME"), iAppID = cols.index(named: "APPLICATION_ID")
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
                        applicationName: iAppName.flatMap { row.text($0) }, applicationID: iAppID.flatMap { row.text($0) },
                        creditsUsed: NanoCredits(credits))
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

    /// METERING_DAILY_HISTORY rows of SPCS from their partitions; dates must fall in the years 1 to 9999.
    /// - Throws: ``DataError`` for a NULL or out-of-range USAGE_DATE, or a cell that does not decode.
    public static func meteringRecords(_ partitions: [ResultPartition]) throws -> [MeteringDailyRecord] {
        guard let cols = partitions.first?.columns else { return [] }
        let v = metering
        let iDate = try column(cols, "USAGE_DATE", view: v)
        let names = ["CREDITS_USED_COMPUTE", "CREDITS_USED_CLOUD_SERVICES", "CREDITS_USED",
                     "CREDITS_ADJUSTMENT_CLOUD_SERVICES", "CREDITS_BILLED"]
        let idx = try names.map { try column(cols, $0, view: v) }
        var out: [MeteringDailyRecord] = []
        for partition in partitions {
            for row in partition {
                guard let d = try row.daysSinceEpoch(iDate) else { throw DataError(view: v, reason: "a row has NULL in USAGE_DATE") }
                let c = try idx.map { NanoCredits(try row.scaledInteger($0, scale: 9) ?? 0) }
                out.append(MeteringDailyRecord(usageDate: try civilDate(d, "USAGE_DATE", view: v), creditsUsedCompute: c[0],
                                               creditsUsedCloudServices: c[1], creditsUsed: c[2],
                                               creditsAdjustmentCloudServices: c[3], creditsBilled: c[4]))
            }
        }
        return out
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
}
