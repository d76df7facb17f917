import Foundation

/// One row of `SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY`: a warehouse's credits in one hour
/// (docs.snowflake.com/en/sql-reference/account-usage/warehouse_metering_history). CREDITS_USED is
/// CREDITS_USED_COMPUTE + CREDITS_USED_CLOUD_SERVICES before the daily cloud-services adjustment.
public struct WarehouseMeteringRecord: Sendable, Hashable {
    /// START_TIME: the start of the hour (UTC instant).
    public var startTime: Date
    /// END_TIME: the end of the hour (UTC instant).
    public var endTime: Date
    /// WAREHOUSE_ID; nil when NULL.
    public var warehouseID: Int64?
    /// WAREHOUSE_NAME.
    public var warehouseName: String
    /// CREDITS_USED (NUMBER(38,9) as nano-credits).
    public var creditsUsed: NanoCredits
    /// CREDITS_USED_COMPUTE.
    public var creditsUsedCompute: NanoCredits
    /// CREDITS_USED_CLOUD_SERVICES.
    public var creditsUsedCloudServices: NanoCredits
    /// The organization of the connection that pulled the row, upper case; `""` when not known.
    public var organization: String
    /// The account of the connection that pulled the row, upper case; `""` when not known.
    public var account: String

    /// Creates a row; see the properties.
    public init(startTime: Date, endTime: Date, warehouseID: Int64?, warehouseName: String, creditsUsed: NanoCredits,
                creditsUsedCompute: NanoCredits, creditsUsedCloudServices: NanoCredits, organization: String = "",
                account: String = "") {
        self.startTime = startTime
        self.endTime = endTime
        self.warehouseID = warehouseID
        self.warehouseName = warehouseName
        self.creditsUsed = creditsUsed
        self.creditsUsedCompute = creditsUsedCompute
        self.creditsUsedCloudServices = creditsUsedCloudServices
        self.organization = organization
        self.account = account
    }
}

/// One run of a task: a row of `SNOWFLAKE.ACCOUNT_USAGE.TASK_HISTORY`
/// (docs.snowflake.com/en/sql-reference/account-usage/task_history) with the warehouse its statement ran on, which
/// TASK_HISTORY does not have: WAREHOUSE_NAME of the run's QUERY_ID in `ACCOUNT_USAGE.QUERY_HISTORY`
/// (docs.snowflake.com/en/sql-reference/account-usage/query_history), NULL for a serverless task.
public struct TaskRunRecord: Sendable, Hashable {
    /// NAME of the task.
    public var name: String
    /// DATABASE_NAME; `""` when NULL.
    public var databaseName: String
    /// SCHEMA_NAME; `""` when NULL.
    public var schemaName: String
    /// QUERY_ID; `""` when NULL (a SKIPPED run has none).
    public var queryID: String
    /// QUERY_TEXT: the task's SQL; `""` when NULL.
    public var queryText: String
    /// STATE: SUCCEEDED, FAILED, CANCELLED or SKIPPED.
    public var state: String
    /// SCHEDULED_TIME (UTC instant).
    public var scheduledTime: Date
    /// QUERY_START_TIME; nil when NULL (the run did not start a statement).
    public var queryStartTime: Date?
    /// COMPLETED_TIME; nil when NULL.
    public var completedTime: Date?
    /// QUERY_HISTORY.WAREHOUSE_NAME of the run's statement; nil for a serverless task or when not known.
    public var warehouseName: String?
    /// The organization of the connection that pulled the row, upper case; `""` when not known.
    public var organization: String
    /// The account of the connection that pulled the row, upper case; `""` when not known.
    public var account: String

    /// Creates a run; see the properties.
    public init(name: String, databaseName: String = "", schemaName: String = "", queryID: String, queryText: String,
                state: String, scheduledTime: Date, queryStartTime: Date?, completedTime: Date?, warehouseName: String?,
                organization: String = "", account: String = "") {
        self.name = name
        self.databaseName = databaseName
        self.schemaName = schemaName
        self.queryID = queryID
        self.queryText = queryText
        self.state = state
        self.scheduledTime = scheduledTime
        self.queryStartTime = queryStartTime
        self.completedTime = completedTime
        self.warehouseName = warehouseName
        self.organization = organization
        self.account = account
    }

    /// `DATABASE.SCHEMA.NAME` (parts that are empty left out): how the report names a task.
    public var qualifiedName: String { [databaseName, schemaName, name].filter { !$0.isEmpty }.joined(separator: ".") }
}

/// One row of `SNOWFLAKE.ACCOUNT_USAGE.SERVERLESS_TASK_HISTORY`: a serverless task's credits in a time range
/// (docs.snowflake.com/en/sql-reference/account-usage/serverless_task_history; CREDITS_USED is documented as TEXT and
/// read as a decimal).
public struct ServerlessTaskRecord: Sendable, Hashable {
    /// START_TIME (UTC instant).
    public var startTime: Date
    /// END_TIME (UTC instant).
    public var endTime: Date
    /// TASK_ID; nil when NULL.
    public var taskID: Int64?
    /// TASK_NAME.
    public var taskName: String
    /// DATABASE_NAME; `""` when NULL.
    public var databaseName: String
    /// SCHEMA_NAME; `""` when NULL.
    public var schemaName: String
    /// CREDITS_USED as nano-credits.
    public var creditsUsed: NanoCredits
    /// The organization of the connection that pulled the row, upper case; `""` when not known.
    public var organization: String
    /// The account of the connection that pulled the row, upper case; `""` when not known.
    public var account: String

    /// Creates a row; see the properties.
    public init(startTime: Date, endTime: Date, taskID: Int64?, taskName: String, databaseName: String = "",
                schemaName: String = "", creditsUsed: NanoCredits, organization: String = "", account: String = "") {
        self.startTime = startTime
        self.endTime = endTime
        self.taskID = taskID
        self.taskName = taskName
        self.databaseName = databaseName
        self.schemaName = schemaName
        self.creditsUsed = creditsUsed
        self.organization = organization
        self.account = account
    }

    /// `DATABASE.SCHEMA.NAME` (parts that are empty left out).
    public var qualifiedName: String {
        [databaseName, schemaName, taskName].filter { !$0.isEmpty }.joined(separator: ".")
    }
}

/// Which tasks act on compute pools, read from a task's QUERY_TEXT.
///
/// The rule (README "Task warehouses"): a task acts on a pool when its QUERY_TEXT
/// 1. contains `ALTER COMPUTE POOL [IF EXISTS] <name> SUSPEND|RESUME` (anywhere, so also inside `EXECUTE IMMEDIATE
///    '...'` text), or
/// 2. contains `ALTER SERVICE [IF EXISTS] <name> SUSPEND|RESUME` (a suspended service lets its pool auto-suspend; a
///    resumed one resumes it), or
/// 3. is a `CALL <procedure>(...)` whose procedure name or argument text contains `SUSPEND` or `RESUME` (any case),
///    such as `CALL ops.suspend_pools()` or `CALL ops.set_pool_state('API_POOL', 'RESUME')`.
///
/// Limits: a procedure is matched by its name and arguments only; its body is not in TASK_HISTORY, so a procedure
/// named otherwise (`CALL ops.nightly()`) is not seen as acting on a pool, and one that also does other work is
/// counted whole. Other statements that change a pool (`ALTER COMPUTE POOL ... SET MIN_NODES`) are not matched.
public enum PoolTaskRule {
    /// What a matched task does.
    public enum Target: Sendable, Hashable {
        /// `ALTER COMPUTE POOL <pool> SUSPEND|RESUME`.
        case computePool(String)
        /// `ALTER SERVICE <service> SUSPEND|RESUME`.
        case service(String)
        /// `CALL <procedure>(...)` named or called for suspend or resume.
        case procedure(String)
    }

    private static let alter = try! NSRegularExpression(
        pattern: #"ALTER\s+(COMPUTE\s+POOL|SERVICE)\s+(?:IF\s+EXISTS\s+)?("[^"]+"|[A-Za-z0-9_$.]+)\s+(SUSPEND|RESUME)\b"#,
        options: [.caseInsensitive])
    private static let call = try! NSRegularExpression(
        pattern: #"^\s*CALL\s+([A-Za-z0-9_$."]+)\s*\((.*)\)\s*;?\s*$"#, options: [.caseInsensitive, .dotMatchesLineSeparators])

    /// The pools, services or procedure `queryText` suspends or resumes, in order of appearance; empty when the
    /// task does not act on a pool by the rule above.
    public static func targets(of queryText: String) -> [Target] {
        let range = NSRange(queryText.startIndex..., in: queryText)
        var out: [Target] = []
        for m in alter.matches(in: queryText, range: range) {
            guard let kindRange = Range(m.range(at: 1), in: queryText), let nameRange = Range(m.range(at: 2), in: queryText)
            else { continue }
            let name = String(queryText[nameRange])
            let target: Target = queryText[kindRange].uppercased().hasPrefix("SERVICE") ? .service(name) : .computePool(name)
            if !out.contains(target) { out.append(target) }
        }
        if out.isEmpty, let m = call.firstMatch(in: queryText, range: range),
           let procRange = Range(m.range(at: 1), in: queryText), let argRange = Range(m.range(at: 2), in: queryText) {
            let text = (queryText[procRange] + " " + queryText[argRange]).uppercased()
            if text.contains("SUSPEND") || text.contains("RESUME") { out.append(.procedure(String(queryText[procRange]))) }
        }
        return out
    }

    /// True when `queryText` acts on a pool by the rule above.
    public static func actsOnPools(_ queryText: String) -> Bool { !targets(of: queryText).isEmpty }

    /// The compute pools `queryText` names in `ALTER COMPUTE POOL <name> SUSPEND|RESUME`, as COMPUTE_POOL_NAME spells
    /// them (unquoted names upper-cased, `"quoted"` ones kept exactly), in order of appearance; empty when it names
    /// none (a service or a procedure: resolving those needs the setup SQL, which `report --from-sql` reads).
    public static func poolNames(in queryText: String) -> [String] {
        targets(of: queryText).compactMap { t -> String? in
            guard case let .computePool(name) = t else { return nil }
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { return String(name.dropFirst().dropLast()) }
            return name.uppercased()
        }
    }
}

/// The credits of the tasks that act on compute pools, from the metered views: warehouse hours apportioned to the
/// pool tasks that ran in them, and the serverless tasks' own credits.
///
/// Apportioning rule (README "Task warehouses"): each task run that started a statement on a warehouse keeps it
/// busy from QUERY_START_TIME (SCHEDULED_TIME when NULL) until COMPLETED_TIME plus the warehouse's auto-suspend tail:
/// its AUTO_SUSPEND from SHOW WAREHOUSES as last pulled where the caller knows it, else ``defaultTailSeconds`` (the
/// views do not say a warehouse's AUTO_SUSPEND, so 600 s, the CREATE WAREHOUSE default, is assumed). A WAREHOUSE_METERING_HISTORY hour's CREDITS_USED is split among the task runs on that warehouse in
/// proportion to the seconds of that span inside the hour; the pool tasks' shares are attributed to them. So a
/// warehouse that ran only pool tasks has all the credits of the hours they ran in attributed, and a shared warehouse
/// a share by run time. SKIPPED runs and runs with no warehouse are left out. An hour with no task run's span has no
/// credits attributed (something else used the warehouse).
///
/// Per pool (README "Task warehouses"): a pool task's share of an hour is the sum of its runs' seconds in the hour,
/// and each run's seconds go to the pools that run acted on (``shares(metering:runs:serverless:from:to:tailSeconds:tailSecondsOf:poolsOf:)``'s
/// `poolsOf`), split evenly when it acted on several; a run whose pool cannot be told keeps its seconds on the
/// account line (pool `""`). So, on a warehouse that ran only pool tasks, an hour's credits go to the pools by the
/// seconds of the runs that acted on them, which is by the number of runs when the runs are alike. A serverless
/// task's credits go to the pools its runs in the period acted on, by the number of runs (a run on k pools counts 1/k
/// to each). The split of a share is exact: the last pool takes what the others leave, so a task's pool shares add
/// up to its share.
///
/// Limit: statements run outside tasks (a person's queries) are not in TASK_HISTORY, so an hour a warehouse shared
/// with them is apportioned among the tasks alone: run the tasks on a warehouse of their own (or serverless) for an
/// exact figure.
public enum TaskWarehouseAttribution {
    /// 600 s: the auto-suspend tail assumed after each run (CREATE WAREHOUSE's default AUTO_SUSPEND).
    public static let defaultTailSeconds = 600

    /// What a share of credits is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Warehouse credits apportioned to a task (ledger charge kind `task_warehouse`).
        case warehouse
        /// A serverless task's own credits (ledger charge kind `serverless_task`).
        case serverless
    }

    /// Credits of one pool task in one hour (or serverless range).
    public struct Share: Sendable, Hashable {
        /// Organization and account of the rows.
        public var organization: String, account: String
        /// The task, `DATABASE.SCHEMA.NAME`.
        public var task: String
        /// The warehouse; nil for a serverless task.
        public var warehouse: String?
        /// Warehouse credits or serverless credits.
        public var kind: Kind
        /// The metered row's START_TIME (UTC): the instant whose UTC day prices the share.
        public var periodStart: Date
        /// Credits attributed, exact (a ratio of seconds times nano-credits).
        public var credits: Decimal
        /// The share of the row's credits in [0, 1], exact.
        public var fraction: Decimal
        /// The compute pool the share is attributed to (COMPUTE_POOL_NAME); `""` when the runs behind it act on no
        /// pool that can be told (an account line).
        public var pool: String

        /// Creates a share; see the properties.
        public init(organization: String, account: String, task: String, warehouse: String?, kind: Kind,
                    periodStart: Date, credits: Decimal, fraction: Decimal, pool: String = "") {
            self.organization = organization
            self.account = account
            self.task = task
            self.warehouse = warehouse
            self.kind = kind
            self.periodStart = periodStart
            self.credits = credits
            self.fraction = fraction
            self.pool = pool
        }
    }

    /// The pool tasks' shares of `metering` and `serverless` whose START_TIME lies in [`from`, `to`), each attributed
    /// to a pool (see the type's rule).
    /// - Parameters:
    ///   - runs: TASK_HISTORY runs (pool tasks and others: the others are the denominator on a shared warehouse).
    ///   - tailSeconds: seconds a warehouse is assumed to stay up after each run (≥ 0), for a warehouse
    ///     `tailSecondsOf` does not know.
    ///   - tailSecondsOf: a warehouse's own AUTO_SUSPEND in seconds (SHOW WAREHOUSES as last pulled), given its
    ///     organization, account and upper-case name; nil (the default, or for a warehouse it does not know or that
    ///     never suspends) takes `tailSeconds`.
    ///   - poolsOf: the compute pools (COMPUTE_POOL_NAME) a pool task's run acted on, from its QUERY_TEXT; empty when
    ///     they cannot be told (the run's part then stays on the account line, pool `""`). Default: the pools its
    ///     text names in `ALTER COMPUTE POOL` (``PoolTaskRule/poolNames(in:)``).
    /// - Returns: shares sorted by period start, task, warehouse and pool; zero shares left out.
    public static func shares(metering: [WarehouseMeteringRecord], runs: [TaskRunRecord],
                              serverless: [ServerlessTaskRecord], from: Date, to: Date,
                              tailSeconds: Int = defaultTailSeconds,
                              tailSecondsOf: (_ organization: String, _ account: String, _ warehouse: String) -> Int? = { _, _, _ in nil },
                              poolsOf: (TaskRunRecord) -> [String] = { PoolTaskRule.poolNames(in: $0.queryText) }) -> [Share] {
        /// `pools` nil for a run of a task that acts on no pool; `[""]` for one whose pools cannot be told.
        struct Span { var task: String; var pools: [String]?; var start: Date; var end: Date }
        var spans: [String: [Span]] = [:]
        // Per pool task (upper-cased qualified name): the weight of each pool in its runs (1/k per run on k pools).
        var poolTaskWeights: [String: [String: Decimal]] = [:]
        var resolved: [String: [String]] = [:]
        for r in runs where r.state.uppercased() != "SKIPPED" {
            var pools: [String]?
            if PoolTaskRule.actsOnPools(r.queryText) {
                // Read once per task and text (a resolver may also look at the task's name).
                let resolvedKey = "\(r.qualifiedName)\u{1}\(r.queryText)"
                let found = resolved[resolvedKey] ?? {
                    var seen: [String] = []
                    for p in poolsOf(r) where !p.isEmpty && !seen.contains(p) { seen.append(p) }
                    return seen
                }()
                resolved[resolvedKey] = found
                pools = found.isEmpty ? [""] : found
                let taskKey = r.qualifiedName.uppercased()
                for p in pools! { poolTaskWeights[taskKey, default: [:]][p, default: 0] += 1 / Decimal(pools!.count) }
            }
            guard let wh = r.warehouseName, !wh.isEmpty else { continue }
            let start = r.queryStartTime ?? r.scheduledTime
            let tail = tailSecondsOf(r.organization, r.account, wh.uppercased()) ?? tailSeconds
            let end = (r.completedTime ?? start).addingTimeInterval(TimeInterval(max(0, tail)))
            guard end > start else { continue }
            let key = "\(r.organization)\u{1}\(r.account)\u{1}\(wh.uppercased())"
            spans[key, default: []].append(Span(task: r.qualifiedName, pools: pools, start: start, end: end))
        }
        var out: [Share] = []
        /// `total` split by `weights` (pools sorted), exact: the last pool takes the rest; `ratio` is the pool's
        /// weight over the sum (1 for a single pool).
        func split(_ total: Decimal, _ weights: [String: Decimal]) -> [(pool: String, part: Decimal, ratio: Decimal)] {
            let sum = weights.valuesInKeyOrder.reduce(0, +)
            let pools = weights.keys.sorted().filter { weights[$0]! > 0 }
            guard sum > 0, !pools.isEmpty else { return [("", total, 1)] }
            if pools.count == 1 { return [(pools[0], total, 1)] }
            var parts: [(pool: String, part: Decimal, ratio: Decimal)] = []
            var given: Decimal = 0
            for (i, p) in pools.enumerated() {
                let part = i == pools.count - 1 ? total - given : total * weights[p]! / sum
                given += part
                parts.append((p, part, weights[p]! / sum))
            }
            return parts
        }
        for m in metering where m.startTime >= from && m.startTime < to && m.creditsUsed.value != 0 {
            let key = "\(m.organization)\u{1}\(m.account)\u{1}\(m.warehouseName.uppercased())"
            guard let list = spans[key] else { continue }
            var total = 0.0 as Decimal
            var byTask: [String: Decimal] = [:]
            var byTaskPool: [String: [String: Decimal]] = [:]
            for s in list {
                let a = max(s.start, m.startTime), b = min(s.end, m.endTime)
                guard b > a else { continue }
                let seconds = Decimal(b.timeIntervalSince(a))
                total += seconds
                if let pools = s.pools {
                    byTask[s.task, default: 0] += seconds
                    for p in pools { byTaskPool[s.task, default: [:]][p, default: 0] += seconds / Decimal(pools.count) }
                }
            }
            guard total > 0 else { continue }
            for (task, seconds) in byTask where seconds > 0 {
                let fraction = seconds / total
                let credits = m.creditsUsed.credits * seconds / total
                for (pool, part, ratio) in split(credits, byTaskPool[task] ?? [:]) {
                    out.append(Share(organization: m.organization, account: m.account, task: task,
                                     warehouse: m.warehouseName, kind: .warehouse, periodStart: m.startTime,
                                     credits: part, fraction: ratio == 1 ? fraction : fraction * ratio, pool: pool))
                }
            }
        }
        for s in serverless where s.startTime >= from && s.startTime < to && s.creditsUsed.value != 0 {
            guard let weights = poolTaskWeights[s.qualifiedName.uppercased()] else { continue }
            let credits = s.creditsUsed.credits
            for (pool, part, ratio) in split(credits, weights) {
                out.append(Share(organization: s.organization, account: s.account, task: s.qualifiedName, warehouse: nil,
                                 kind: .serverless, periodStart: s.startTime, credits: part, fraction: ratio, pool: pool))
            }
        }
        return out.sorted {
            ($0.periodStart, $0.task, $0.warehouse ?? "", $0.pool) < ($1.periodStart, $1.task, $1.warehouse ?? "", $1.pool)
        }
    }
}

/// The range of warehouse credits a pool's scheduling tasks may cost, for an estimate: each run resumes the
/// warehouse, which bills at least 60 s (spcs-facts §5 [S13]) and at most until its AUTO_SUSPEND when nothing else
/// suspends it sooner (600 s for a warehouse made with CREATE WAREHOUSE without AUTO_SUSPEND).
///
/// Worked example (issue 11): two runs each weekday of a 22-weekday month = 44 runs on an otherwise idle X-Small
/// warehouse (1 credit/h) with AUTO_SUSPEND 600: 44 × 60 s = 0.733… credits at least, 44 × 600 s = 7.333… at most.
public struct TaskWarehouseRange: Sendable, Hashable {
    /// Runs counted.
    public var runs: Int
    /// Credits per warehouse-hour of the size.
    public var creditsPerHour: Decimal
    /// The warehouse's AUTO_SUSPEND in seconds.
    public var autoSuspendSeconds: Int

    /// A range for `runs` runs on a warehouse of `creditsPerHour` with `autoSuspendSeconds`.
    public init(runs: Int, creditsPerHour: Decimal, autoSuspendSeconds: Int = TaskWarehouseAttribution.defaultTailSeconds) {
        self.runs = runs
        self.creditsPerHour = creditsPerHour
        self.autoSuspendSeconds = autoSuspendSeconds
    }

    /// Seconds billed per run at least: the 60 s minimum.
    public var lowSecondsPerRun: Int { TaskCompute.warehouseMinimumSeconds }
    /// Seconds billed per run at most: the auto-suspend tail, and never under the minimum.
    public var highSecondsPerRun: Int { max(TaskCompute.warehouseMinimumSeconds, autoSuspendSeconds) }
    /// Credits at least: runs × 60 s × credits per hour ÷ 3600, exact.
    public var lowCredits: Decimal { Decimal(runs) * Decimal(lowSecondsPerRun) * creditsPerHour / 3600 }
    /// Credits at most: runs × max(60 s, AUTO_SUSPEND) × credits per hour ÷ 3600, exact.
    public var highCredits: Decimal { Decimal(runs) * Decimal(highSecondsPerRun) * creditsPerHour / 3600 }
}
