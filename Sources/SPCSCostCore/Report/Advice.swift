import Foundation

/// One recommendation of `spcs-cost advise`: what to change on a pool, what it would have saved over the period
/// (credits by UTC day, so the ledger prices them as `report` prices the same credits), what running it costs
/// (the scheduling tasks' credits), the SQL that applies it and the assumptions behind the figures.
public struct Advice: Sendable {
    /// What kind of change.
    public enum Kind: String, Sendable, CaseIterable {
        /// A shorter AUTO_SUSPEND_SECS (`ALTER COMPUTE POOL p SET AUTO_SUSPEND_SECS = n`).
        case autoSuspend = "auto_suspend"
        /// A suspend/resume schedule (two `CREATE TASK ... SCHEDULE = 'USING CRON ...'`).
        case schedule
        /// A pool that was never billed in the period (drop it).
        case neverRan = "never_ran"
        /// A pool billed every hour at MIN_NODES with no sign of work in the usage view (check it, suspend it).
        case noSignOfUse = "no_sign_of_use"
        /// Two pools of one family billed in the same hours (run their services on one pool).
        case shareFamily = "share_family"
        /// A notebook's query warehouse whose AUTO_SUSPEND keeps it awake after the notebook's queries
        /// (`ALTER WAREHOUSE w SET AUTO_SUSPEND = 60`); ``Advice/pool`` holds the warehouse's name.
        case notebookWarehouse = "notebook_warehouse"

        /// The kind in words.
        public var label: String {
            switch self {
            case .autoSuspend: "Shorter AUTO_SUSPEND_SECS"
            case .schedule: "Suspend/resume schedule"
            case .neverRan: "Never ran"
            case .noSignOfUse: "Ran with no sign of use"
            case .shareFamily: "Share a family"
            case .notebookWarehouse: "Notebook warehouse stays awake"
            }
        }
    }

    /// The kind.
    public var kind: Kind
    /// The pool the change applies to; for ``Kind/notebookWarehouse``, the warehouse.
    public var pool: String
    /// The account whose credit price prices the figures (upper case); nil = the pool's account as the run finds it.
    public var account: String?
    /// The change in a few words (`AUTO_SUSPEND_SECS 3600 → 300`).
    public var change: String
    /// What the history shows (the idle tails paid for, the hours billed outside the window, ...).
    public var finding: String
    /// The pool's metered credits in the period.
    public var meteredCredits: Decimal
    /// Credits the change would have saved, by UTC day (days since 1970-01-01); empty when none.
    public var savedParts: [Int: Decimal]
    /// Credits the change itself would have cost at least (its tasks), by UTC day; empty when none.
    public var costLowParts: [Int: Decimal] = [:]
    /// Credits the change would have cost at most, by UTC day; equal to ``costLowParts`` when the cost is not a range.
    public var costHighParts: [Int: Decimal] = [:]
    /// The SQL that applies the change (statements separated by new lines, each ending in `;`).
    public var sql: String
    /// What the figures assume, each a sentence.
    public var assumptions: [String]

    /// Gross saving in credits (before the change's own cost).
    public var savedCredits: Decimal { savedParts.valuesInKeyOrder.reduce(0, +) }
    /// The change's own cost in credits, at least.
    public var costLowCredits: Decimal { costLowParts.valuesInKeyOrder.reduce(0, +) }
    /// The change's own cost in credits, at most.
    public var costHighCredits: Decimal { costHighParts.valuesInKeyOrder.reduce(0, +) }
    /// Net saving in credits: gross saving minus the highest cost of the change (the cautious figure).
    public var netCredits: Decimal { savedCredits - costHighCredits }

    /// The gross saving priced; nil until ``price(rates:)``.
    public var saved: ChargeSum?
    /// The lowest cost of the change priced; nil until priced.
    public var costLow: ChargeSum?
    /// The highest cost of the change priced; nil until priced.
    public var costHigh: ChargeSum?
    /// Net saving priced (gross minus the highest cost); nil until priced.
    public var net: ChargeSum? { saved.flatMap { s in costHigh.map { s - $0 } } }

    /// Creates a recommendation.
    public init(kind: Kind, pool: String, change: String, finding: String, meteredCredits: Decimal,
                savedParts: [Int: Decimal], sql: String, assumptions: [String]) {
        self.kind = kind
        self.pool = pool
        self.change = change
        self.finding = finding
        self.meteredCredits = meteredCredits
        self.savedParts = savedParts
        self.sql = sql
        self.assumptions = assumptions
    }

    /// Prices the saving and the costs through the ledger: each UTC day's credits at that day's price and FX.
    /// - Parameter account: the pool's account, whose price its credits take (`""` = the run's price).
    /// - Throws: ``FXBookError``.
    public mutating func price(rates: inout DayRates, account: String = "") throws(FXBookError) {
        func sum(_ parts: [Int: Decimal]) throws(FXBookError) -> ChargeSum {
            var s = ChargeSum.zero(rates.currency)
            for (day, credits) in parts.sorted(by: { $0.key < $1.key }) {
                s += try rates.charge(credits, onUTCDay: day, account: account)
            }
            return s
        }
        saved = try sum(savedParts)
        costLow = try sum(costLowParts)
        costHigh = try sum(costHighParts)
    }
}

/// Where the scheduling tasks of a recommended schedule run, and what each run costs.
public enum AdviceTaskCompute: Sendable, Hashable {
    /// Serverless tasks (`USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = 'XSMALL'`): each run is assumed to take 1 s of
    /// X-Small compute (1 credit/h) × the serverless multiplier 0.9 (Consumption Table 2026-04, Table 5; no minimum is
    /// stated there).
    case serverless
    /// A named X-Small warehouse: each run resumes it and bills at least 60 s (its minimum per start), at most its
    /// AUTO_SUSPEND seconds (it then idles until it suspends) at 1 credit/h (Consumption Table Table 1(a));
    /// `autoSuspendSource` says where that AUTO_SUSPEND comes from.
    case warehouse(name: String, autoSuspendSeconds: Int, autoSuspendSource: AutoSuspendSource = .flag)

    /// Credits of `runs` task runs: (at least, at most).
    public func credits(runs: Int) -> (low: Decimal, high: Decimal) {
        let perHour = WarehouseSize.xSmall.creditsPerHour
        switch self {
        case .serverless:
            let c = Decimal(runs) * 1 * perHour * TaskCompute.serverlessMultiplier / 3600
            return (c, c)
        case let .warehouse(_, suspend, _):
            let low = Decimal(runs) * Decimal(TaskCompute.warehouseMinimumSeconds) * perHour / 3600
            let high = Decimal(runs) * Decimal(max(TaskCompute.warehouseMinimumSeconds, suspend)) * perHour / 3600
            return (low, high)
        }
    }

    /// The assumption a schedule recommendation states about its tasks' cost.
    public var assumption: String {
        switch self {
        case .serverless:
            "Tasks are serverless, X-Small (USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE): each run is taken as 1 s of "
                + "1 credit/h × 0.9 (serverless multiplier, Consumption Table 2026-04, Table 5, which states no "
                + "minimum); the cloud-services share of a run is not counted."
        case let .warehouse(name, suspend, source):
            "Tasks run on warehouse \(name), taken as X-Small (1 credit/h, Consumption Table Table 1(a)) and otherwise "
                + "idle: each run resumes it and bills from its 60 s minimum per start to its AUTO_SUSPEND tail of "
                + "\(suspend) s (\(source.text)); the net saving counts the tail (the cautious figure). "
                + "Whether a DDL-only task body resumes a warehouse is not documented; spcs-cost assumes it does."
        }
    }
}

/// Where a task warehouse's AUTO_SUSPEND comes from.
public enum AutoSuspendSource: String, Sendable, Hashable {
    /// Given on the command line (`--task-warehouse-auto-suspend`).
    case flag
    /// SHOW WAREHOUSES as last pulled into the cache.
    case pulled
    /// Not known: 600 s, CREATE WAREHOUSE's default, assumed.
    case assumed

    /// The source in words, for assumptions.
    public var text: String {
        switch self {
        case .flag: "--task-warehouse-auto-suspend"
        case .pulled: "the warehouse's AUTO_SUSPEND in SHOW WAREHOUSES as last pulled"
        case .assumed: "assumed: CREATE WAREHOUSE's default, as SHOW WAREHOUSES was not pulled for it; "
            + "--task-warehouse-auto-suspend sets it"
        }
    }
}

/// Builds the SQL of recommendations.
public enum AdviceSQL {
    /// `name` as a Snowflake identifier: as it is when it is an unquoted identifier that reads back as itself
    /// (upper-case letters, digits, `_` and `$`, not starting with a digit or `$`), else double-quoted with `"`
    /// doubled (Snowflake "Identifier requirements"), so no name from the cache can end a statement.
    public static func identifier(_ name: String) -> String {
        let plain = name.first.map { $0 == "_" || ("A"..."Z").contains($0) } ?? false
            && name.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "$" }
        return plain ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `ALTER COMPUTE POOL <pool> SET AUTO_SUSPEND_SECS = <n>;`
    public static func autoSuspend(pool: String, seconds: Int) -> String {
        "ALTER COMPUTE POOL \(identifier(pool)) SET AUTO_SUSPEND_SECS = \(seconds);"
    }

    /// `ALTER WAREHOUSE <warehouse> SET AUTO_SUSPEND = <n>;`
    public static func warehouseAutoSuspend(warehouse: String, seconds: Int) -> String {
        "ALTER WAREHOUSE \(identifier(warehouse)) SET AUTO_SUSPEND = \(seconds);"
    }

    /// `DROP COMPUTE POOL <pool>;`
    public static func drop(pool: String) -> String { "DROP COMPUTE POOL \(identifier(pool));" }

    /// `SHOW SERVICES IN COMPUTE POOL <pool>;` then, after a comment, `ALTER COMPUTE POOL <pool> SUSPEND;`.
    public static func checkAndSuspend(pool: String) -> String {
        "SHOW SERVICES IN COMPUTE POOL \(identifier(pool));\n-- if no service there is needed:\n"
            + "ALTER COMPUTE POOL \(identifier(pool)) SUSPEND;"
    }

    /// `SHOW SERVICES IN COMPUTE POOL <from>;`, a comment to re-create them in `into`, `DROP COMPUTE POOL <from>;`.
    public static func share(from: String, into: String) -> String {
        "SHOW SERVICES IN COMPUTE POOL \(identifier(from));\n-- re-create each of them with IN COMPUTE POOL "
            + "\(identifier(into)), then:\nDROP COMPUTE POOL \(identifier(from));"
    }

    /// The cron text (`USING CRON <m> <h> * * <days> <zone>`) of the window's start or end.
    /// - Precondition: the window ends before 24:00 (the CLI refuses 24:00 for a schedule).
    public static func cron(_ window: BusinessHours, start: Bool) -> String {
        let s = start ? window.startSecondOfDay : window.endSecondOfDay
        let days = BusinessHours.weekdayList(Weekday.allCases.filter { window.weekdays.contains($0) })
        return "USING CRON \(s / 60 % 60) \(s / 3600) * * \(days) \(window.zone.displayName)"
    }

    /// Two tasks that resume `pool` at the window's start and suspend it at its end, and the statements that
    /// start them (a task is created suspended).
    public static func schedule(pool: String, window: BusinessHours, compute: AdviceTaskCompute) -> String {
        let on: String
        switch compute {
        case .serverless: on = "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = 'XSMALL'"
        case let .warehouse(name, _, _): on = "WAREHOUSE = \(name)"
        }
        let resume = identifier("\(pool)_RESUME_TASK"), suspend = identifier("\(pool)_SUSPEND_TASK")
        let pool = identifier(pool)
        return """
            CREATE TASK IF NOT EXISTS \(resume)
              \(on)
              SCHEDULE = '\(cron(window, start: true))'
              AS ALTER COMPUTE POOL \(pool) RESUME;
            CREATE TASK IF NOT EXISTS \(suspend)
              \(on)
              SCHEDULE = '\(cron(window, start: false))'
              AS ALTER COMPUTE POOL \(pool) SUSPEND;
            ALTER TASK \(resume) RESUME;
            ALTER TASK \(suspend) RESUME;
            """
    }
}
