import Foundation

/// A compute pool as CREATE COMPUTE POOL defines it (docs.snowflake.com `create-compute-pool`, spcs-facts §2 [S3]).
public struct ComputePool: Sendable, Hashable {
    /// Pool name (upper case unless it was quoted).
    public var name: String
    /// INSTANCE_FAMILY of every node.
    public var family: InstanceFamily
    /// MIN_NODES: nodes running whenever the pool is not suspended, even when IDLE (≥ 1).
    public var minNodes: Int
    /// MAX_NODES: the autoscaling ceiling (≥ `minNodes`).
    public var maxNodes: Int
    /// AUTO_SUSPEND_SECS: seconds without services before the pool suspends itself; 0 = never. Default 3600 [S3].
    public var autoSuspendSeconds: Int
    /// AUTO_RESUME: whether using a service (its URL, a service function) resumes the suspended pool. Default TRUE.
    public var autoResume: Bool

    /// AUTO_SUSPEND_SECS when CREATE COMPUTE POOL does not set it [S3].
    public static let defaultAutoSuspendSeconds = 3600

    /// Creates a pool; see the properties for bounds and defaults.
    public init(name: String, family: InstanceFamily, minNodes: Int = 1, maxNodes: Int? = nil,
                autoSuspendSeconds: Int = ComputePool.defaultAutoSuspendSeconds, autoResume: Bool = true) {
        self.name = name
        self.family = family
        self.minNodes = minNodes
        self.maxNodes = maxNodes ?? minNodes
        self.autoSuspendSeconds = autoSuspendSeconds
        self.autoResume = autoResume
    }
}

/// What a suspend does: suspend only the services (the pool idles, billed, until AUTO_SUSPEND_SECS passes: the
/// auto-suspend tail) or suspend the pool itself (billing stops at once).
public enum SuspendMode: String, Sendable, Codable, CaseIterable {
    case services
    case pool
}

/// A change of a pool's state at an instant: the effect of a task run or of a person.
public struct PoolEvent: Sendable, Hashable {
    /// What happens.
    public enum Action: Sendable, Hashable {
        /// The pool (and its services) resume.
        case resume
        /// The services, or the pool itself, suspend.
        case suspend(SuspendMode)
    }

    /// When it happens (UTC).
    public var instant: Date
    /// What happens.
    public var action: Action

    /// Creates an event.
    public init(instant: Date, action: Action) {
        self.instant = instant
        self.action = action
    }
}

/// Why a pool was billed for an interval; the causes of an estimate's lines and of a reconciliation.
///
/// The same names as the emulator's ground truth (`scheduled`, `auto_suspend_tail`, `off_hours_resume`,
/// `autoscale_burst`, and minimum-charge padding), so the two can be compared.
public enum BillingCause: String, Sendable, Codable, CaseIterable, Comparable {
    /// Running between a scheduled resume and the next suspend (or always on).
    case scheduled
    /// Idle after the services were suspended, until AUTO_SUSPEND_SECS passed.
    case autoSuspendTail = "auto_suspend_tail"
    /// Resumed out of hours by someone using the service (AUTO_RESUME).
    case offHoursResume = "off_hours_resume"
    /// Extra nodes added by autoscaling.
    case autoscaleBurst = "autoscale_burst"
    /// The rest of the 5-minute minimum after a node start that ran less.
    case minimumChargePadding = "minimum_charge_padding"

    /// Label for reports.
    public var label: String {
        switch self {
        case .scheduled: "Scheduled hours"
        case .autoSuspendTail: "Auto-suspend tail"
        case .offHoursResume: "Off-hours sessions"
        case .autoscaleBurst: "Autoscale"
        case .minimumChargePadding: "Minimum charge (5 min per node start)"
        }
    }

    public static func < (a: BillingCause, b: BillingCause) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// An interval in which a number of nodes were billed, and why.
public struct BilledInterval: Sendable, Hashable {
    /// Start (UTC), inclusive.
    public var start: Date
    /// End (UTC), exclusive.
    public var end: Date
    /// Nodes billed during the interval.
    public var nodes: Int
    /// Why.
    public var cause: BillingCause

    /// Creates an interval.
    public init(start: Date, end: Date, nodes: Int, cause: BillingCause) {
        self.start = start
        self.end = end
        self.nodes = nodes
        self.cause = cause
    }

    /// nodes × seconds, exact.
    public var nodeSeconds: Decimal { Decimal(nodes) * Decimal(Int64(end.timeIntervalSince(start).rounded())) }
}

extension ComputePool {
    /// The largest MIN_NODES and MAX_NODES spcs-cost accepts: 500, the largest node limit Snowflake documents (500
    /// for previous-generation CPU families, 150 in the older CREATE COMPUTE POOL page; spcs-facts §1b [S3, S4]).
    public static let maximumNodes = 500

    /// A compute pool setting that breaks CREATE COMPUTE POOL's rules (spcs-facts §2: MIN_NODES > 0, MAX_NODES ≥
    /// MIN_NODES; AUTO_SUSPEND_SECS ≥ 0, 0 = never [S2, S3]) or spcs-cost's node limit. Every place a pool comes from
    /// (a pools file, setup SQL, flags) checks with ``violation(minNodes:maxNodes:autoSuspendSeconds:)`` and reports
    /// it in its own terms (key, line or flag).
    public enum RuleViolation: Equatable, Sendable {
        /// The setting a violation is about.
        public enum Setting: String, Sendable {
            /// MIN_NODES.
            case minNodes = "MIN_NODES"
            /// MAX_NODES.
            case maxNodes = "MAX_NODES"
            /// AUTO_SUSPEND_SECS.
            case autoSuspendSeconds = "AUTO_SUSPEND_SECS"
        }

        /// MIN_NODES below 1.
        case minNodesBelowOne(Int)
        /// MAX_NODES below MIN_NODES.
        case maxNodesBelowMinNodes(maxNodes: Int, minNodes: Int)
        /// MIN_NODES or MAX_NODES above ``ComputePool/maximumNodes``.
        case tooManyNodes(Setting, Int)
        /// AUTO_SUSPEND_SECS below 0.
        case negativeAutoSuspend(Int)

        /// The setting that is wrong.
        public var setting: Setting {
            switch self {
            case .minNodesBelowOne: .minNodes
            case .maxNodesBelowMinNodes: .maxNodes
            case let .tooManyNodes(setting, _): setting
            case .negativeAutoSuspend: .autoSuspendSeconds
            }
        }

        /// The value as given.
        public var value: Int {
            switch self {
            case let .minNodesBelowOne(v), let .tooManyNodes(_, v), let .negativeAutoSuspend(v): v
            case let .maxNodesBelowMinNodes(v, _): v
            }
        }

        /// What is wrong, naming other settings as `name` spells them (a pools file's `min_nodes`, SQL's
        /// `MIN_NODES`, a flag's `--nodes`): "must be at least 1 (MIN_NODES > 0)".
        public func reason(naming name: (Setting) -> String = { $0.rawValue }) -> String {
            switch self {
            case .minNodesBelowOne:
                "must be at least 1 (MIN_NODES > 0)"
            case let .maxNodesBelowMinNodes(_, minNodes):
                "must be at least \(name(.minNodes)) (\(minNodes))"
            case .tooManyNodes:
                "must be at most \(ComputePool.maximumNodes), the largest node limit Snowflake documents"
            case .negativeAutoSuspend:
                "must be 0 (never) or a number of seconds"
            }
        }
    }

    /// The first rule the settings break, or nil when they make a valid pool.
    public static func violation(minNodes: Int, maxNodes: Int, autoSuspendSeconds: Int) -> RuleViolation? {
        if minNodes < 1 { return .minNodesBelowOne(minNodes) }
        if minNodes > maximumNodes { return .tooManyNodes(.minNodes, minNodes) }
        if maxNodes < minNodes { return .maxNodesBelowMinNodes(maxNodes: maxNodes, minNodes: minNodes) }
        if maxNodes > maximumNodes { return .tooManyNodes(.maxNodes, maxNodes) }
        if autoSuspendSeconds < 0 { return .negativeAutoSuspend(autoSuspendSeconds) }
        return nil
    }

    /// The first rule this pool breaks, or nil.
    public var violation: RuleViolation? {
        Self.violation(minNodes: minNodes, maxNodes: maxNodes, autoSuspendSeconds: autoSuspendSeconds)
    }
}
