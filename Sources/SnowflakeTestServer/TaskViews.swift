import Foundation

/// The rows the test server serves for the task warehouse views of `SNOWFLAKE.ACCOUNT_USAGE` (the independent
/// emulator does not serve them). Each view's columns are those of Snowflake's documentation page, cited on each
/// column list; rows are given as values and rendered in the wire shapes (TIMESTAMP_LTZ(9) as epoch seconds with 9
/// fraction digits, NUMBER(38,9) with 9 fraction digits).
///
/// A statement on a view is answered with the view's rows whose time column (START_TIME, or SCHEDULED_TIME for
/// TASK_HISTORY) is at or after the statement's first TIMESTAMP_LTZ binding and before its last one (when there are
/// two or more), so an incremental pull gets only its window. A TASK_HISTORY statement that joins
/// `ACCOUNT_USAGE.QUERY_HISTORY` gets one more column, WAREHOUSE_NAME (QUERY_HISTORY's column of that name,
/// docs.snowflake.com/en/sql-reference/account-usage/query_history), the warehouse each run's statement ran on.
public struct TaskWarehouseViews: Sendable, Equatable {
    /// One hour of WAREHOUSE_METERING_HISTORY.
    public struct MeteringHour: Sendable, Equatable {
        /// START_TIME (epoch seconds, whole hour); END_TIME is an hour later.
        public var start: Int
        /// WAREHOUSE_ID and WAREHOUSE_NAME.
        public var warehouseID: Int, warehouse: String
        /// CREDITS_USED_COMPUTE and CREDITS_USED_CLOUD_SERVICES as decimal text (`"0.166666667"`); CREDITS_USED is
        /// their sum.
        public var compute: String, cloudServices: String

        /// An hour; see the properties.
        public init(start: Int, warehouseID: Int, warehouse: String, compute: String, cloudServices: String = "0") {
            self.start = start
            self.warehouseID = warehouseID
            self.warehouse = warehouse
            self.compute = compute
            self.cloudServices = cloudServices
        }
    }

    /// One TASK_HISTORY run.
    public struct TaskRun: Sendable, Equatable {
        /// NAME, DATABASE_NAME, SCHEMA_NAME.
        public var name: String, database: String, schema: String
        /// QUERY_TEXT.
        public var queryText: String
        /// SCHEDULED_TIME, QUERY_START_TIME and COMPLETED_TIME in epoch seconds.
        public var scheduled: Int, started: Int, completed: Int
        /// STATE (SUCCEEDED, FAILED, CANCELLED, SKIPPED).
        public var state: String
        /// QUERY_ID.
        public var queryID: String
        /// The warehouse of the run's statement (QUERY_HISTORY.WAREHOUSE_NAME); nil for a serverless task.
        public var warehouse: String?

        /// A run; see the properties.
        public init(name: String, database: String = "OPS", schema: String = "PUBLIC", queryText: String, scheduled: Int,
                    started: Int, completed: Int, state: String = "SUCCEEDED", queryID: String, warehouse: String?) {
            self.name = name
            self.database = database
            self.schema = schema
            self.queryText = queryText
            self.scheduled = scheduled
            self.started = started
            self.completed = completed
            self.state = state
            self.queryID = queryID
            self.warehouse = warehouse
        }
    }

    /// One SERVERLESS_TASK_HISTORY range.
    public struct ServerlessRange: Sendable, Equatable {
        /// START_TIME and END_TIME in epoch seconds.
        public var start: Int, end: Int
        /// TASK_ID, TASK_NAME, DATABASE_NAME, SCHEMA_NAME.
        public var taskID: Int, task: String, database: String, schema: String
        /// CREDITS_USED as decimal text (the view's column is TEXT).
        public var credits: String

        /// A range; see the properties.
        public init(start: Int, end: Int, taskID: Int, task: String, database: String = "OPS", schema: String = "PUBLIC",
                    credits: String) {
            self.start = start
            self.end = end
            self.taskID = taskID
            self.task = task
            self.database = database
            self.schema = schema
            self.credits = credits
        }
    }

    /// WAREHOUSE_METERING_HISTORY rows.
    public var metering: [MeteringHour]
    /// TASK_HISTORY rows.
    public var runs: [TaskRun]
    /// SERVERLESS_TASK_HISTORY rows.
    public var serverless: [ServerlessRange]

    /// Views with the given rows (none by default: an account without tasks).
    public init(metering: [MeteringHour] = [], runs: [TaskRun] = [], serverless: [ServerlessRange] = []) {
        self.metering = metering
        self.runs = runs
        self.serverless = serverless
    }

    /// The columns of ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY in the documented order and types
    /// (docs.snowflake.com/en/sql-reference/account-usage/warehouse_metering_history): START_TIME, END_TIME
    /// TIMESTAMP_LTZ; WAREHOUSE_ID NUMBER; WAREHOUSE_NAME TEXT; CREDITS_USED, CREDITS_USED_COMPUTE,
    /// CREDITS_USED_CLOUD_SERVICES NUMBER(38,9). (READER_ACCOUNT_NAME is only in READER_ACCOUNT_USAGE;
    /// CREDITS_ATTRIBUTED_COMPUTE_QUERIES, documented later, is not served.)
    public static let meteringColumns: [TestColumn] = [
        .timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .fixed("WAREHOUSE_ID"), .text("WAREHOUSE_NAME"),
        .fixed("CREDITS_USED", scale: 9), .fixed("CREDITS_USED_COMPUTE", scale: 9),
        .fixed("CREDITS_USED_CLOUD_SERVICES", scale: 9),
    ]

    /// The leading columns of ACCOUNT_USAGE.TASK_HISTORY in the documented order and types
    /// (docs.snowflake.com/en/sql-reference/account-usage/task_history): NAME, QUERY_TEXT, CONDITION_TEXT,
    /// SCHEMA_NAME TEXT; TASK_SCHEMA_ID NUMBER; DATABASE_NAME TEXT; TASK_DATABASE_ID NUMBER; SCHEDULED_TIME,
    /// COMPLETED_TIME TIMESTAMP_LTZ; STATE, RETURN_VALUE, QUERY_ID TEXT; QUERY_START_TIME TIMESTAMP_LTZ; ERROR_CODE
    /// NUMBER; ERROR_MESSAGE TEXT. (The later columns, GRAPH_VERSION, RUN_ID, ROOT_TASK_ID and on, are not served.)
    public static let taskHistoryColumns: [TestColumn] = [
        .text("NAME"), .text("QUERY_TEXT"), .text("CONDITION_TEXT"), .text("SCHEMA_NAME"), .fixed("TASK_SCHEMA_ID"),
        .text("DATABASE_NAME"), .fixed("TASK_DATABASE_ID"), .timestampLTZ("SCHEDULED_TIME"),
        .timestampLTZ("COMPLETED_TIME"), .text("STATE"), .text("RETURN_VALUE"), .text("QUERY_ID"),
        .timestampLTZ("QUERY_START_TIME"), .fixed("ERROR_CODE"), .text("ERROR_MESSAGE"),
    ]

    /// The columns of ACCOUNT_USAGE.SERVERLESS_TASK_HISTORY in the documented order and types
    /// (docs.snowflake.com/en/sql-reference/account-usage/serverless_task_history): START_TIME, END_TIME
    /// TIMESTAMP_LTZ; CREDITS_USED TEXT (as documented); TASK_ID NUMBER; TASK_NAME TEXT; SCHEMA_ID NUMBER; SCHEMA_NAME
    /// TEXT; DATABASE_ID NUMBER; DATABASE_NAME TEXT; INSTANCE_ID NUMBER.
    public static let serverlessColumns: [TestColumn] = [
        .timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("CREDITS_USED"), .fixed("TASK_ID"),
        .text("TASK_NAME"), .fixed("SCHEMA_ID"), .text("SCHEMA_NAME"), .fixed("DATABASE_ID"), .text("DATABASE_NAME"),
        .fixed("INSTANCE_ID"),
    ]

    static func ts(_ seconds: Int) -> String { "\(seconds).000000000" }

    /// `"0.5"` as NUMBER(38,9) wire text `"0.500000000"`; the sum of two such texts.
    static func nine(_ text: String) -> String {
        let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0
        return nine(d)
    }

    static func nine(_ d: Decimal) -> String {
        var v = d * 1_000_000_000
        var r = Decimal()
        NSDecimalRound(&r, &v, 0, .plain)
        let n = NSDecimalNumber(decimal: r).int64Value
        let sign = n < 0 ? "-" : ""
        let a = abs(n)
        let frac = String(a % 1_000_000_000)
        return "\(sign)\(a / 1_000_000_000)." + String(repeating: "0", count: 9 - frac.count) + frac
    }

    /// The window of a statement: [first TIMESTAMP_LTZ binding, last one) in epoch seconds; open ends when absent.
    static func window(_ statement: ReceivedStatement) -> (from: Int?, to: Int?) {
        let stamps = statement.bindings.keys.compactMap(Int.init).sorted().compactMap { key -> Int? in
            guard let b = statement.bindings[String(key)], b.type.uppercased().hasPrefix("TIMESTAMP"),
                  let v = b.value, let nanos = Int(v) else { return nil }
            return nanos / 1_000_000_000
        }
        return (stamps.first, stamps.count >= 2 ? stamps.last : nil)
    }

    static func inside(_ t: Int, _ w: (from: Int?, to: Int?)) -> Bool {
        (w.from.map { t >= $0 } ?? true) && (w.to.map { t < $0 } ?? true)
    }

    /// The answer to `statement` when it reads one of the three views; nil otherwise.
    func answer(_ statement: ReceivedStatement) -> TestOutcome? {
        let text = statement.text.uppercased()
        let w = Self.window(statement)
        if text.contains("ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY") {
            return .rows(TestResult(columns: Self.meteringColumns, rows: metering.filter { Self.inside($0.start, w) }.map { h in
                let c = Decimal(string: h.compute, locale: Locale(identifier: "en_US_POSIX")) ?? 0
                let s = Decimal(string: h.cloudServices, locale: Locale(identifier: "en_US_POSIX")) ?? 0
                return [Self.ts(h.start), Self.ts(h.start + 3600), "\(h.warehouseID)", h.warehouse, Self.nine(c + s),
                        Self.nine(c), Self.nine(s)]
            }))
        }
        if text.contains("ACCOUNT_USAGE.SERVERLESS_TASK_HISTORY") {
            return .rows(TestResult(columns: Self.serverlessColumns, rows: serverless.filter { Self.inside($0.start, w) }.map { r in
                [Self.ts(r.start), Self.ts(r.end), r.credits, "\(r.taskID)", r.task, "2", r.schema, "1", r.database, nil]
            }))
        }
        if text.contains("ACCOUNT_USAGE.TASK_HISTORY") {
            let joined = text.contains("ACCOUNT_USAGE.QUERY_HISTORY")
            let columns = Self.taskHistoryColumns + (joined ? [TestColumn.text("WAREHOUSE_NAME")] : [])
            return .rows(TestResult(columns: columns, rows: runs.filter { Self.inside($0.scheduled, w) }.map { r in
                let skipped = r.state == "SKIPPED"
                var row: [String?] = [r.name, r.queryText, nil, r.schema, "2", r.database, "1", Self.ts(r.scheduled),
                                      Self.ts(r.completed), r.state, nil, skipped ? nil : r.queryID,
                                      skipped ? nil : Self.ts(r.started), nil, nil]
                if joined { row.append(skipped ? nil : r.warehouse) }
                return row
            }))
        }
        return nil
    }
}

extension SnowflakeTestServer {
    /// Serves `views` for statements on ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY, TASK_HISTORY (with or without the
    /// QUERY_HISTORY join) and SERVERLESS_TASK_HISTORY, in place of the default (the three views with no rows).
    /// Registered statements (``register(_:result:)``) still win.
    public func serve(_ views: TaskWarehouseViews) {
        setTaskViews(views)
    }
}
