import Foundation

/// Why the test server could not start.
public enum TestServerError: Error, CustomStringConvertible {
    /// A socket call failed.
    case socket(String)
    /// A registered public key is not an RSA public key PEM.
    case badPublicKey(String)

    /// A finished sentence saying what failed.
    public var description: String {
        switch self {
        case let .socket(detail): return "The loopback test server could not start: \(detail)."
        case let .badPublicKey(detail): return "A public key given to the test server is not an RSA public key in PEM form: \(detail)."
        }
    }
}

/// A column of a registered result, rendered as a full rowType entry with a lower-case type (REC-026).
public struct TestColumn: Sendable, Equatable {
    /// Column name.
    public var name: String
    /// Lower-case wire type, e.g. `fixed`, `timestamp_ltz`.
    public var type: String
    /// Precision, scale, length, byteLength as the wire shows them; nil renders JSON null.
    public var precision: Int?, scale: Int?, length: Int?, byteLength: Int?
    /// Whether the column is nullable.
    public var nullable: Bool

    /// A column with explicit wire properties.
    public init(name: String, type: String, precision: Int? = nil, scale: Int? = nil, length: Int? = nil,
                byteLength: Int? = nil, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.precision = precision
        self.scale = scale
        self.length = length
        self.byteLength = byteLength
        self.nullable = nullable
    }

    /// VARCHAR: length 16777216, byteLength 67108864 (REC-026).
    public static func text(_ name: String) -> TestColumn {
        TestColumn(name: name, type: "text", length: 16_777_216, byteLength: 67_108_864)
    }
    /// NUMBER(precision, scale).
    public static func fixed(_ name: String, precision: Int = 38, scale: Int = 0) -> TestColumn {
        TestColumn(name: name, type: "fixed", precision: precision, scale: scale)
    }
    /// FLOAT.
    public static func real(_ name: String) -> TestColumn { TestColumn(name: name, type: "real") }
    /// BOOLEAN.
    public static func boolean(_ name: String) -> TestColumn { TestColumn(name: name, type: "boolean") }
    /// DATE.
    public static func date(_ name: String) -> TestColumn { TestColumn(name: name, type: "date") }
    /// TIME(scale).
    public static func time(_ name: String, scale: Int = 9) -> TestColumn {
        TestColumn(name: name, type: "time", precision: 0, scale: scale)
    }
    /// TIMESTAMP_LTZ(scale).
    public static func timestampLTZ(_ name: String, scale: Int = 9) -> TestColumn {
        TestColumn(name: name, type: "timestamp_ltz", precision: 0, scale: scale)
    }
    /// TIMESTAMP_NTZ(scale).
    public static func timestampNTZ(_ name: String, scale: Int = 9) -> TestColumn {
        TestColumn(name: name, type: "timestamp_ntz", precision: 0, scale: scale)
    }
    /// TIMESTAMP_TZ(scale).
    public static func timestampTZ(_ name: String, scale: Int = 9) -> TestColumn {
        TestColumn(name: name, type: "timestamp_tz", precision: 0, scale: scale)
    }
    /// BINARY.
    public static func binary(_ name: String) -> TestColumn {
        TestColumn(name: name, type: "binary", length: 8_388_608, byteLength: 8_388_608)
    }
    /// VARIANT.
    public static func variant(_ name: String) -> TestColumn { TestColumn(name: name, type: "variant") }
}

/// Rows a registered statement answers with. Cells are wire text (e.g. `"1712016000.000000000"` for a
/// TIMESTAMP_LTZ(9), `"0.110000000"` for a NUMBER(38,9)) or nil for SQL NULL.
public struct TestResult: Sendable, Equatable {
    /// The rowType.
    public var columns: [TestColumn]
    /// The rows, each with one cell per column.
    public var rows: [[String?]]
    /// Rows per partition, in order; must add up to `rows.count`. Nil puts every row in partition 0.
    public var partitionSizes: [Int]?
    /// A `numRows` to report instead of the true count, to test the client's row-count check; nil = true count.
    public var reportedRowCount: Int?

    /// A result with the given columns and rows.
    public init(columns: [TestColumn], rows: [[String?]], partitionSizes: [Int]? = nil, reportedRowCount: Int? = nil) {
        self.columns = columns
        self.rows = rows
        self.partitionSizes = partitionSizes
        self.reportedRowCount = reportedRowCount
    }
}

extension TestResult {
    /// The columns of `SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY` in the documented order and types
    /// (docs.snowflake.com organization-usage `usage_in_currency_daily`, spcs-facts §3 [S9c]): ORGANIZATION_NAME,
    /// CONTRACT_NUMBER, ACCOUNT_NAME, ACCOUNT_LOCATOR, REGION, SERVICE_LEVEL TEXT; USAGE_DATE DATE; USAGE_TYPE TEXT;
    /// USAGE NUMBER(38,3); CURRENCY TEXT; USAGE_IN_CURRENCY NUMBER(38,2); BALANCE_SOURCE, BILLING_TYPE, RATING_TYPE,
    /// SERVICE_TYPE TEXT; IS_ADJUSTMENT BOOLEAN.
    public static let usageInCurrencyDailyColumns: [TestColumn] = [
        .text("ORGANIZATION_NAME"), .text("CONTRACT_NUMBER"), .text("ACCOUNT_NAME"), .text("ACCOUNT_LOCATOR"),
        .text("REGION"), .text("SERVICE_LEVEL"), .date("USAGE_DATE"), .text("USAGE_TYPE"),
        .fixed("USAGE", precision: 38, scale: 3), .text("CURRENCY"), .fixed("USAGE_IN_CURRENCY", precision: 38, scale: 2),
        .text("BALANCE_SOURCE"), .text("BILLING_TYPE"), .text("RATING_TYPE"), .text("SERVICE_TYPE"),
        .boolean("IS_ADJUSTMENT"),
    ]

    /// A USAGE_IN_CURRENCY_DAILY result: `rows` in the order of ``usageInCurrencyDailyColumns`` (wire text; a DATE is
    /// days since 1970-01-01, such as `"19814"`).
    public static func usageInCurrencyDaily(_ rows: [[String?]]) -> TestResult {
        TestResult(columns: usageInCurrencyDailyColumns, rows: rows)
    }
}

extension TestResult {
    /// The columns `pull` selects from `SNOWFLAKE.ACCOUNT_USAGE.METERING_DAILY_HISTORY` (spcs-facts §3): USAGE_DATE
    /// DATE; CREDITS_USED_COMPUTE, CREDITS_USED_CLOUD_SERVICES, CREDITS_USED, CREDITS_ADJUSTMENT_CLOUD_SERVICES,
    /// CREDITS_BILLED NUMBER (scale 9 here). The organization view's are ``organizationMeteringDailyHistoryColumns``.
    public static let meteringDailyHistoryColumns: [TestColumn] =
        Array(organizationMeteringDailyHistoryColumns.dropFirst(3))

    /// A METERING_DAILY_HISTORY result: `rows` in the order of ``meteringDailyHistoryColumns`` (wire text; a DATE is
    /// days since 1970-01-01); none by default.
    public static func meteringDailyHistory(_ rows: [[String?]] = []) -> TestResult {
        TestResult(columns: meteringDailyHistoryColumns, rows: rows)
    }

    /// The columns `pull` selects from `SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY` (spcs-facts §3): DATE DATE,
    /// CURRENCY TEXT, EFFECTIVE_RATE NUMBER (scale 2 here), SERVICE_TYPE TEXT.
    public static let rateSheetDailyColumns: [TestColumn] = [
        .date("DATE"), .text("CURRENCY"), .fixed("EFFECTIVE_RATE", scale: 2), .text("SERVICE_TYPE"),
    ]

    /// A RATE_SHEET_DAILY result: `rows` in the order of ``rateSheetDailyColumns``; none by default.
    public static func rateSheetDaily(_ rows: [[String?]] = []) -> TestResult {
        TestResult(columns: rateSheetDailyColumns, rows: rows)
    }
}

extension TestResult {
    /// Leading columns of `SNOWFLAKE.ORGANIZATION_USAGE.ACCOUNTS` in the documented order and types
    /// (docs.snowflake.com/en/sql-reference/organization-usage/accounts): ORGANIZATION_NAME, ACCOUNT_NAME TEXT;
    /// CREATED_ON TIMESTAMP_LTZ; REGION (Snowflake's name, such as `AWS_AP_NORTHEAST_1`), REGION_GROUP, EDITION TEXT.
    public static let organizationAccountsColumns: [TestColumn] = [
        .text("ORGANIZATION_NAME"), .text("ACCOUNT_NAME"), .timestampLTZ("CREATED_ON"), .text("REGION"),
        .text("REGION_GROUP"), .text("EDITION"),
    ]

    /// An ORGANIZATION_USAGE.ACCOUNTS result, one row per (organization, account, region), created 2024-01-01,
    /// region group PUBLIC, edition ENTERPRISE. Register it for `ORGANIZATION_USAGE\\.ACCOUNTS`: like every
    /// ORGANIZATION_USAGE view it is then served to the organization account only.
    public static func organizationAccounts(_ rows: [(organization: String, account: String, region: String)]) -> TestResult {
        TestResult(columns: organizationAccountsColumns,
                   rows: rows.map { [$0.organization, $0.account, "1704067200.000000000", $0.region, "PUBLIC", "ENTERPRISE"] })
    }
}

extension TestResult {
    /// The columns of `SNOWFLAKE.ACCOUNT_USAGE.NOTEBOOKS_CONTAINER_RUNTIME_HISTORY` in the documented order and types
    /// (docs.snowflake.com account-usage `notebooks_container_runtime_history`; the emulator's README columns table):
    /// START_TIME, END_TIME TIMESTAMP_LTZ; NOTEBOOK_NAME TEXT; NOTEBOOK_ID NUMBER; USER_NAME TEXT; USER_ID NUMBER;
    /// COMPUTE_POOL_NAME TEXT; COMPUTE_POOL_ID NUMBER; SERVICE_NAME TEXT; SERVICE_ID NUMBER;
    /// NOTEBOOK_EXECUTION_TIME_SECS NUMBER; CREDITS NUMBER(38,9).
    public static let notebooksContainerRuntimeHistoryColumns: [TestColumn] = [
        .timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("NOTEBOOK_NAME"), .fixed("NOTEBOOK_ID"),
        .text("USER_NAME"), .fixed("USER_ID"), .text("COMPUTE_POOL_NAME"), .fixed("COMPUTE_POOL_ID"),
        .text("SERVICE_NAME"), .fixed("SERVICE_ID"), .fixed("NOTEBOOK_EXECUTION_TIME_SECS"),
        .fixed("CREDITS", precision: 38, scale: 9),
    ]

    /// A NOTEBOOKS_CONTAINER_RUNTIME_HISTORY result: `rows` in the order of
    /// ``notebooksContainerRuntimeHistoryColumns`` (wire text; a TIMESTAMP_LTZ(9) as `"1711962000.000000000"`). The
    /// server serves the view with no rows until a test registers one.
    public static func notebooksContainerRuntimeHistory(_ rows: [[String?]]) -> TestResult {
        TestResult(columns: notebooksContainerRuntimeHistoryColumns, rows: rows)
    }
}

/// What a registered statement does when executed.
public enum TestOutcome: Sendable, Equatable {
    /// Succeeds with rows.
    case rows(TestResult)
    /// Fails with an HTTP status and a Snowflake error body (422 SQL errors, 408 timeouts, 400 requests).
    case failure(status: Int, code: String, sqlState: String?, message: String)

    /// 422 `001003`/`42000` "SQL compilation error: ..." (REC-062).
    public static func compilationError(_ detail: String) -> TestOutcome {
        .failure(status: 422, code: "001003", sqlState: "42000", message: "SQL compilation error:\n\(detail)")
    }

    /// 408 `000630`/`57014` (REC-067).
    public static func timeout(seconds: Int) -> TestOutcome {
        .failure(
            status: 408, code: "000630", sqlState: "57014",
            message: "Statement reached its statement or warehouse timeout of \(seconds) second(s) and was canceled.")
    }
}

/// A binding as the server received it.
public struct TestBinding: Sendable, Equatable {
    /// The binding type, e.g. `TIMESTAMP_LTZ`.
    public var type: String
    /// The value text; nil for SQL NULL.
    public var value: String?

    /// A binding with the given parts.
    public init(type: String, value: String?) {
        self.type = type
        self.value = value
    }
}

/// A submitted statement as the server parsed it, handed to result closures.
public struct ReceivedStatement: Sendable, Equatable {
    /// The SQL text.
    public var text: String
    /// Bindings by key (`"1"`, `"2"`, ...).
    public var bindings: [String: TestBinding]
    /// Session parameters as sent (values as text).
    public var parameters: [String: String]
    /// Context names; nil when not sent.
    public var role: String?, warehouse: String?, database: String?, schema: String?
    /// The `timeout` member; nil when not sent.
    public var timeout: Int?
    /// The account a key-pair JWT named (its `sub` before `.USER`, upper case); nil for PAT and OAuth tokens.
    public var account: String? = nil
}

/// A fault to inject into matching requests (see ``SnowflakeTestServer/inject(_:on:times:)``).
public enum TestFault: Sendable, Equatable {
    /// Answer this status and Snowflake error body instead of handling the request (nothing runs). Statuses
    /// 429, 500, 503 and 504 get `{"code":"<status>000",...}` and no `Retry-After` (sqlapi.md section 5).
    case status(Int, code: String? = nil, message: String? = nil)
    /// Run the statement (it counts as an execution), then answer this status: a response lost in transit.
    case statusAfterExecution(Int)
    /// 401 `390144` "JWT token is invalid. [...]" as if the token expired in flight.
    case expiredToken
    /// Send the status line and headers, then close without a body.
    case dropConnectionAfterHeaders
    /// Announce the full Content-Length, send half the body, close.
    case truncateBody
    /// Send half of a gzip body with a Content-Length that matches the half (the gzip stream ends early).
    case truncateGzipStream
    /// On submit: run the statement but answer 202; the next `polls` GETs for the statement answer 202 too.
    case accepted(polls: Int)
    /// Answer 400 `391922` "Invalid partition parameter..." (REC-059).
    case badPartition
    /// Wait this long before answering; combines with one other fault.
    case delay(milliseconds: Int)
    /// Read the request and never answer: the connection stays open until the client gives up (its own timeout)
    /// and closes it. Nothing runs.
    case hang
    /// Answer this status (429 or 503, say) with the header `Retry-After: <value>` (delay-seconds or an HTTP-date)
    /// and the usual `{"code":"<status>000",...}` body. Nothing runs.
    case retryAfter(status: Int, value: String)
    /// Answer this status with an HTML page (`Content-Type: text/html`), as a proxy or load balancer in front of
    /// the service does. Nothing runs.
    case nonJSONBody(status: Int)
    /// Answer 408 `000630`/`57014` "Statement reached its statement or warehouse timeout ... and was canceled."
    /// (REC-067) with a fresh statement handle, as for a statement cancelled before it produced a result. Nothing
    /// is recorded as run, so a resubmission with `retry=true` runs the statement once.
    case statementTimeout

    /// On submit: answer 202 to the submission and to every status poll, so the statement never finishes (until
    /// it is cancelled).
    public static var acceptedForever: TestFault { .accepted(polls: .max) }
}

/// Which requests a fault applies to.
public indirect enum TestRoute: Sendable, Equatable {
    /// `POST /api/v2/statements`.
    case submit
    /// `GET /api/v2/statements/{handle}` without `partition`.
    case status
    /// `GET /api/v2/statements/{handle}?partition=N`; nil matches any partition.
    case partition(Int?)
    /// Requests of `route` (submission, status poll, partition) of the statements whose SQL text contains `text`
    /// (any case), for example a view name: the fault finds its statement whatever order a client submits
    /// statements in. A cancel request never matches.
    case statement(String, on: TestRoute = .any)
    /// Any request.
    case any
}

/// One request as the server received it. The `Authorization` header value is recorded as
/// `Bearer <redacted>`; the JWT claims are kept instead.
public struct RecordedRequest: Sendable, Equatable {
    /// 1-based arrival order.
    public var index: Int
    /// `GET` or `POST`.
    public var method: String
    /// The path without the query.
    public var path: String
    /// Query items by name.
    public var query: [String: String]
    /// Header fields in order, `Authorization` redacted.
    public var headers: [TestHeader]
    /// The body text.
    public var body: String
    /// The verified token type, nil when authentication failed.
    public var tokenType: String?
    /// The JWT claims (`iss`, `sub`, `iat`, `exp`) of a key-pair token.
    public var jwtClaims: [String: String]
    /// Why authentication failed, nil when it passed.
    public var authFailure: String?
    /// The status answered; 0 when nothing was (``TestFault/hang``).
    public var status: Int
    /// When the request arrived, in seconds of the machine's monotonic uptime clock (not the injected `now`):
    /// for comparing arrivals, for example that two statements were submitted while both were in flight.
    public var receivedUptimeSeconds: Double = 0

    /// The first header named `name` (any case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// A header field of a ``RecordedRequest``.
public struct TestHeader: Sendable, Equatable {
    /// Field name as sent.
    public var name: String
    /// Field value (redacted for `Authorization`).
    public var value: String
}

extension TestResult {
    /// The columns spcs-cost's pull selects from `SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_HISTORY`, in the documented
    /// types (docs.snowflake.com/en/sql-reference/account-usage/block_storage_history): USAGE_DATE TIMESTAMP_LTZ;
    /// STORAGE_TYPE, COMPUTE_POOL_NAME TEXT; COMPUTE_POOL_ID NUMBER; BYTES NUMBER(38,0); ADDITIONAL_IOPS,
    /// ADDITIONAL_THROUGHPUT NUMBER(38,9).
    public static let blockStorageHistoryColumns: [TestColumn] = [
        .timestampLTZ("USAGE_DATE"), .text("STORAGE_TYPE"), .text("COMPUTE_POOL_NAME"), .fixed("COMPUTE_POOL_ID"),
        .fixed("BYTES"), .fixed("ADDITIONAL_IOPS", scale: 9), .fixed("ADDITIONAL_THROUGHPUT", scale: 9),
    ]

    /// The columns `pull --org` selects from `SNOWFLAKE.ORGANIZATION_USAGE.BLOCK_STORAGE_HISTORY`, a premium view of
    /// the organization account (docs.snowflake.com/en/sql-reference/organization-usage/block_storage_history):
    /// ORGANIZATION_NAME, ACCOUNT_NAME, ACCOUNT_LOCATOR VARCHAR, then the ACCOUNT_USAGE view's columns
    /// (``blockStorageHistoryColumns``). Served only when registered (like every ORGANIZATION_USAGE view: else 002003).
    public static let organizationBlockStorageHistoryColumns: [TestColumn] =
        [.text("ORGANIZATION_NAME"), .text("ACCOUNT_NAME"), .text("ACCOUNT_LOCATOR")] + blockStorageHistoryColumns

    /// The columns `pull --org` selects from `SNOWFLAKE.ORGANIZATION_USAGE.METERING_DAILY_HISTORY`, in the
    /// documented types (docs.snowflake.com/en/sql-reference/organization-usage/metering_daily_history):
    /// ORGANIZATION_NAME, ACCOUNT_NAME, ACCOUNT_LOCATOR VARCHAR; USAGE_DATE DATE (UTC); CREDITS_USED_COMPUTE,
    /// CREDITS_USED_CLOUD_SERVICES, CREDITS_USED, CREDITS_ADJUSTMENT_CLOUD_SERVICES, CREDITS_BILLED NUMBER (scale 9
    /// here, as the ACCOUNT_USAGE view's). Served only when registered, to the organization account only.
    public static let organizationMeteringDailyHistoryColumns: [TestColumn] = [
        .text("ORGANIZATION_NAME"), .text("ACCOUNT_NAME"), .text("ACCOUNT_LOCATOR"), .date("USAGE_DATE"),
        .fixed("CREDITS_USED_COMPUTE", scale: 9), .fixed("CREDITS_USED_CLOUD_SERVICES", scale: 9),
        .fixed("CREDITS_USED", scale: 9), .fixed("CREDITS_ADJUSTMENT_CLOUD_SERVICES", scale: 9),
        .fixed("CREDITS_BILLED", scale: 9),
    ]

    /// One account's SPCS day of the organization's METERING_DAILY_HISTORY, in nano-credits (credits × 10^9).
    public struct OrganizationMeteringDay: Sendable, Equatable {
        /// ORGANIZATION_NAME, ACCOUNT_NAME and ACCOUNT_LOCATOR as the view writes them.
        public var organization: String, account: String, locator: String
        /// USAGE_DATE, days since 1970-01-01 (a UTC day).
        public var usageDate: Int64
        /// CREDITS_USED_COMPUTE and CREDITS_USED_CLOUD_SERVICES, nano-credits.
        public var compute: Int64, cloudServices: Int64
        /// CREDITS_ADJUSTMENT_CLOUD_SERVICES, nano-credits (zero or negative).
        public var adjustment: Int64

        /// A day; CREDITS_USED is compute + cloud services, CREDITS_BILLED that plus the adjustment, as documented.
        public init(organization: String, account: String, locator: String, usageDate: Int64, compute: Int64,
                    cloudServices: Int64 = 0, adjustment: Int64 = 0) {
            self.organization = organization
            self.account = account
            self.locator = locator
            self.usageDate = usageDate
            self.compute = compute
            self.cloudServices = cloudServices
            self.adjustment = adjustment
        }
    }

    /// The organization's METERING_DAILY_HISTORY answering `statement` (``organizationMeteringDailyHistoryColumns``):
    /// the days from the statement's first binding on (a DATE, milliseconds since the epoch as the SQL API sends
    /// it; every day when there is none), ordered as given.
    public static func organizationMeteringDailyHistory(_ days: [OrganizationMeteringDay],
                                                        answering statement: ReceivedStatement) -> TestResult {
        let from = statement.bindings["1"]?.value.flatMap { Int64($0) }.map { $0 / 86_400_000 } ?? Int64.min
        func credits(_ nano: Int64) -> String {
            let sign = nano < 0 ? "-" : ""
            let magnitude = nano.magnitude
            let fraction = String(magnitude % 1_000_000_000)
            return "\(sign)\(magnitude / 1_000_000_000).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
        }
        return TestResult(columns: organizationMeteringDailyHistoryColumns, rows: days.filter { $0.usageDate >= from }.map { d in
            [d.organization, d.account, d.locator, "\(d.usageDate)", credits(d.compute), credits(d.cloudServices),
             credits(d.compute + d.cloudServices), credits(d.adjustment), credits(d.compute + d.cloudServices + d.adjustment)]
        })
    }

    /// Columns of `SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_SNAPSHOTS` that spcs-cost reads, in the documented types
    /// (docs.snowflake.com/en/sql-reference/account-usage/block_storage_snapshots): SNAPSHOT_ID NUMBER;
    /// SNAPSHOT_NAME, SERVICE_NAME, VOLUME_NAME TEXT; SIZE NUMBER (GB); CREATED_ON, DELETED_ON TIMESTAMP_LTZ.
    public static let blockStorageSnapshotsColumns: [TestColumn] = [
        .fixed("SNAPSHOT_ID"), .text("SNAPSHOT_NAME"), .text("SERVICE_NAME"), .text("VOLUME_NAME"), .fixed("SIZE"),
        .timestampLTZ("CREATED_ON"), .timestampLTZ("DELETED_ON"),
    ]

    /// The columns spcs-cost's pull selects from `SNOWFLAKE.ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY`
    /// (docs.snowflake.com/en/sql-reference/account-usage/internal_data_transfer_history): START_TIME, END_TIME
    /// TIMESTAMP_LTZ; TRANSFER_TYPE, COMPUTE_POOL_NAME TEXT; BYTES_TRANSFERRED NUMBER(38,0).
    public static let internalDataTransferHistoryColumns: [TestColumn] = [
        .timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("TRANSFER_TYPE"), .text("COMPUTE_POOL_NAME"),
        .fixed("BYTES_TRANSFERRED"),
    ]

    /// The columns spcs-cost's pull selects from `SNOWFLAKE.ACCOUNT_USAGE.DATA_TRANSFER_HISTORY`
    /// (docs.snowflake.com/en/sql-reference/account-usage/data_transfer_history), BYTES_TRANSFERRED (a VARIANT in the
    /// view) as the statement's `::NUMBER` cast returns it: START_TIME, END_TIME TIMESTAMP_LTZ; SOURCE_CLOUD,
    /// SOURCE_REGION, TARGET_CLOUD, TARGET_REGION TEXT; BYTES_TRANSFERRED NUMBER(38,0); TRANSFER_TYPE TEXT.
    public static let dataTransferHistoryColumns: [TestColumn] = [
        .timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("SOURCE_CLOUD"), .text("SOURCE_REGION"),
        .text("TARGET_CLOUD"), .text("TARGET_REGION"), .fixed("BYTES_TRANSFERRED"), .text("TRANSFER_TYPE"),
    ]

    /// The view names the test server serves empty (with these columns) when no result is registered for them: an
    /// account without block storage or SPCS transfer. Register a result (or a failure) to answer otherwise.
    public static let storageTransferViews: [(view: String, columns: [TestColumn])] = [
        ("BLOCK_STORAGE_HISTORY", blockStorageHistoryColumns),
        ("BLOCK_STORAGE_SNAPSHOTS", blockStorageSnapshotsColumns),
        ("INTERNAL_DATA_TRANSFER_HISTORY", internalDataTransferHistoryColumns),
        ("DATA_TRANSFER_HISTORY", dataTransferHistoryColumns),
    ]
}
