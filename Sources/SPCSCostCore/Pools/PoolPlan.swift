import Foundation

/// A virtual warehouse size and its credits per hour (Service Consumption Table 2026-04, Table 1(a) Standard
/// Warehouse: X-Small 1 credit per hour, doubling with each size, spcs-facts §5 [S5]). The same names size serverless
/// tasks (CREATE TASK USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE [S14b]) and are read from setup SQL.
public enum WarehouseSize: String, Sendable, Codable, CaseIterable {
    case xSmall = "XSMALL", small = "SMALL", medium = "MEDIUM", large = "LARGE", xLarge = "XLARGE"
    case xxLarge = "XXLARGE", xxxLarge = "XXXLARGE", x4Large = "X4LARGE", x5Large = "X5LARGE", x6Large = "X6LARGE"

    /// Parses Snowflake's spellings in any case: `XSMALL`, `X-Small`, `X-SMALL`, `2X-Large`, `XXLARGE`, `X4LARGE`,
    /// `4X-Large`; nil otherwise.
    public init?(name: String) {
        let k = name.uppercased().filter { $0.isLetter || $0.isNumber }
        let aliases: [String: WarehouseSize] = [
            "XSMALL": .xSmall, "SMALL": .small, "MEDIUM": .medium, "LARGE": .large, "XLARGE": .xLarge,
            "XXLARGE": .xxLarge, "2XLARGE": .xxLarge, "X2LARGE": .xxLarge, "XXXLARGE": .xxxLarge, "3XLARGE": .xxxLarge,
            "X3LARGE": .xxxLarge, "X4LARGE": .x4Large, "4XLARGE": .x4Large, "X5LARGE": .x5Large, "5XLARGE": .x5Large,
            "X6LARGE": .x6Large, "6XLARGE": .x6Large,
        ]
        guard let s = aliases[k] else { return nil }
        self = s
    }

    /// Credits per hour of a running standard warehouse of this size: 1, 2, 4, ... 512.
    public var creditsPerHour: Decimal {
        var v: Decimal = 1
        for _ in 0..<WarehouseSize.allCases.firstIndex(of: self)! { v *= 2 }
        return v
    }

    /// `X-Small`, `Small`, ... `6X-Large`.
    public var displayName: String {
        ["X-Small", "Small", "Medium", "Large", "X-Large", "2X-Large", "3X-Large", "4X-Large", "5X-Large", "6X-Large"][
            WarehouseSize.allCases.firstIndex(of: self)!]
    }
}

/// Where a task runs, which sets what its runs cost.
public enum TaskCompute: Sendable, Hashable {
    /// A named user-managed warehouse. Each run is assumed to resume the warehouse and so bills the 60-second
    /// minimum per start (spcs-facts §5 [S13]); whether a DDL-only body resumes the warehouse is not documented.
    case warehouse(name: String?, size: WarehouseSize)
    /// A serverless task: compute-hours × the serverless multiplier 0.9 (Table 5 [S5]), per second, no minimum
    /// stated; `runSeconds` is the assumed length of one run.
    case serverless(size: WarehouseSize, runSeconds: Int)

    /// The serverless compute multiplier (Service Consumption Table 2026-04, Table 5).
    public static let serverlessMultiplier = Decimal(string: "0.9")!
    /// The billing minimum of a warehouse start, in seconds (spcs-facts §5 [S13]).
    public static let warehouseMinimumSeconds = 60
}

/// A scheduled task that resumes or suspends a pool.
public struct ScheduledTask: Sendable, Hashable {
    /// Task name.
    public var name: String
    /// Its schedule.
    public var schedule: TaskSchedule
    /// What each run does to the pool.
    public var action: PoolEvent.Action
    /// Where it runs.
    public var compute: TaskCompute
    /// For interval schedules: the instant the task was resumed, from which runs are counted; nil = the start of
    /// the period.
    public var intervalAnchor: Date?

    /// Creates a task.
    public init(name: String, schedule: TaskSchedule, action: PoolEvent.Action, compute: TaskCompute,
                intervalAnchor: Date? = nil) {
        self.name = name
        self.schedule = schedule
        self.action = action
        self.compute = compute
        self.intervalAnchor = intervalAnchor
    }
}

/// Expected activity that no schedule shows, given as input (pools file).
public struct ExpectedActivity: Sendable, Hashable {
    /// Autoscaling: `extraNodes` more nodes for `hoursPerDay` hours on each day the pool runs by schedule.
    public struct Autoscale: Sendable, Hashable {
        /// Nodes added above MIN_NODES (at most MAX_NODES − MIN_NODES).
        public var extraNodes: Int
        /// Hours a day the extra nodes run.
        public var hoursPerDay: Decimal
        /// Creates an expectation.
        public init(extraNodes: Int, hoursPerDay: Decimal) {
            self.extraNodes = extraNodes
            self.hoursPerDay = hoursPerDay
        }
    }

    /// Out-of-hours use: sessions that wake the suspended pool (AUTO_RESUME), each followed by the auto-suspend tail.
    public struct OffHours: Sendable, Hashable {
        /// Sessions per week (fractions allowed: an expectation).
        public var sessionsPerWeek: Decimal
        /// Minutes each session uses the service.
        public var minutes: Decimal
        /// Creates an expectation.
        public init(sessionsPerWeek: Decimal, minutes: Decimal) {
            self.sessionsPerWeek = sessionsPerWeek
            self.minutes = minutes
        }
    }

    /// Autoscaling, or nil for none.
    public var autoscale: Autoscale?
    /// Off-hours sessions, or nil for none.
    public var offHours: OffHours?

    /// Creates an expectation; nil parts mean none.
    public init(autoscale: Autoscale? = nil, offHours: OffHours? = nil) {
        self.autoscale = autoscale
        self.offHours = offHours
    }
}

/// Everything that decides what a pool will cost over a period: the pool, the tasks that resume and suspend it,
/// expected extra activity, holidays, and the zone whose calendar days the breakdown uses.
public struct PoolPlan: Sendable, Hashable {
    /// The pool.
    public var pool: ComputePool
    /// Tasks that resume or suspend it; none = always on.
    public var tasks: [ScheduledTask]
    /// Activity no schedule shows.
    public var activity: ExpectedActivity
    /// Local dates (in each task's zone) on which no task fires.
    public var holidays: Set<CivilDate>
    /// Zone of the per-day breakdown (the schedules' zone, usually).
    public var zone: TimeZone
    /// Whether the pool runs when no task resumes or suspends it: true = always on (the default), false = never
    /// (a pool created INITIALLY_SUSPENDED that nothing resumes).
    public var runsWithoutTasks: Bool

    /// Creates a plan.
    public init(pool: ComputePool, tasks: [ScheduledTask], activity: ExpectedActivity = ExpectedActivity(),
                holidays: Set<CivilDate> = [], zone: TimeZone, runsWithoutTasks: Bool = true) {
        self.pool = pool
        self.tasks = tasks
        self.activity = activity
        self.holidays = holidays
        self.zone = zone
        self.runsWithoutTasks = runsWithoutTasks
    }
}
