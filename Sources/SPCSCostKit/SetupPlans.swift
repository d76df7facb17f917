import Foundation
import SPCSCostCore
import SPCSCostSetupSQL

/// Turns what `SetupScript.analyze` found in a team's setup SQL into pool plans (`spcs-cost estimate --from-sql`).
///
/// Rules, each reported as a note where it applies:
/// - A task counts for a pool when one of its resolved actions suspends or resumes the pool, or a service in it.
/// - A task that suspends the pool itself suspends with no tail; one that suspends only services leaves the
///   AUTO_SUSPEND_SECS tail.
/// - A task never resumed with `ALTER TASK ... RESUME` does not run (tasks are created suspended) and is left out.
/// - A task warehouse of unknown size is taken as X-Small; a serverless task without
///   USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE as Medium (the size of its first runs, spcs-facts §5 [S14a]), one
///   second per run.
/// - A pool no task touches is always on, unless it is created INITIALLY_SUSPENDED and nothing resumes it.
public enum SetupPlans {
    /// Plans for every pool of `analysis`, in script order, and the notes a reader must see.
    /// - Parameter file: the script as given, for errors.
    /// - Throws: ``SetupSQLError`` when a pool breaks the compute pool rules (the same as a pools file's:
    ///   ``ComputePool/violation(minNodes:maxNodes:autoSuspendSeconds:)``), or when the script nests deeper than
    ///   ``SetupScript/maximumNesting`` anywhere, so part of it was not read.
    public static func plans(from analysis: SetupScript.Analysis, file: String) throws(SetupSQLError)
        -> (plans: [PoolPlan], notes: [String]) {
        if let deep = analysis.warnings.first(where: { $0.code == .nestingTooDeep }) {
            throw SetupSQLError(file: file, line: deep.line,
                                reason: "parentheses, calls or scripting blocks nest deeper than "
                                    + "\(SetupScript.maximumNesting) levels here, more than spcs-cost reads; simplify the statement")
        }
        var notes: [String] = []
        var plans: [PoolPlan] = []
        for p in analysis.pools {
            let name = p.name.object
            guard let familyText = p.instanceFamily, let family = InstanceFamily(familyText) else {
                notes.append("compute pool \(p.name) (line \(p.line)) has no INSTANCE_FAMILY; it is left out.")
                continue
            }
            let minNodes = p.minNodes ?? 1
            let maxNodes = p.maxNodes ?? minNodes
            if let v = ComputePool.violation(minNodes: minNodes, maxNodes: maxNodes, autoSuspendSeconds: p.autoSuspendSeconds) {
                throw SetupSQLError(file: file, line: p.line,
                                    reason: "compute pool \(p.name): \(v.setting.rawValue) = \(v.value) \(v.reason())")
            }
            let pool = ComputePool(name: name, family: family, minNodes: minNodes, maxNodes: maxNodes,
                                   autoSuspendSeconds: p.autoSuspendSeconds, autoResume: p.autoResume)
            var tasks: [ScheduledTask] = []
            var zone: TimeZone?
            for t in analysis.tasks {
                let mine = t.actions.filter { a in
                    a.target == .computePool ? a.name.matches(p.name) : (a.computePool.map { $0.matches(p.name) } ?? false)
                }
                guard !mine.isEmpty else { continue }
                guard t.isResumed else {
                    notes.append("task \(t.name) (line \(t.line)) is never resumed with ALTER TASK ... RESUME, so it "
                                 + "does not run; it is left out.")
                    continue
                }
                guard let text = t.schedule else {
                    notes.append("task \(t.name) (line \(t.line)) has no SCHEDULE (it runs after another task); it is left out.")
                    continue
                }
                let schedule: TaskSchedule
                do { schedule = try TaskSchedule(parsing: text) } catch {
                    notes.append("task \(t.name) (line \(t.line)): \(error); it is left out.")
                    continue
                }
                let suspends = mine.filter { $0.verb == .suspend }
                let resumes = mine.filter { $0.verb == .resume }
                let action: PoolEvent.Action
                if !suspends.isEmpty && !resumes.isEmpty {
                    notes.append("task \(t.name) (line \(t.line)) both suspends and resumes \(name); it is left out.")
                    continue
                } else if !suspends.isEmpty {
                    action = .suspend(suspends.contains { $0.target == .computePool } ? .pool : .services)
                } else {
                    action = .resume
                }
                let compute: TaskCompute
                switch t.compute {
                case let .warehouse(wh, size):
                    let known = size ?? analysis.warehouse(named: wh.description)?.size
                    if known == nil {
                        notes.append("the size of warehouse \(wh) (task \(t.name)) is not in the script; X-Small is assumed.")
                    }
                    compute = .warehouse(name: wh.object, size: known ?? .xSmall)
                case let .serverless(size):
                    if size == nil {
                        notes.append("serverless task \(t.name) has no USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE; its "
                                     + "first runs are Medium, which is assumed.")
                    }
                    compute = .serverless(size: size ?? .medium,
                                          runSeconds: 1)
                }
                if zone == nil, case let .cron(c) = schedule { zone = c.timeZone }
                tasks.append(ScheduledTask(name: t.name.object, schedule: schedule, action: action, compute: compute))
            }
            plans.append(PoolPlan(pool: pool, tasks: tasks, zone: zone ?? TimeZone(identifier: "UTC")!,
                                  runsWithoutTasks: !p.initiallySuspended))
        }
        if analysis.pools.isEmpty { notes.append("the script creates no compute pool.") }
        return (plans, notes)
    }

    /// Parses `estimate --service-pool SERVICE=POOL` values, in order.
    /// - Throws: ``EstimateError/invalidOption(flag:value:fix:)`` (exit 64) for a value that is not `SERVICE=POOL`
    ///   with an unqualified pool, or a service given two different pools.
    public static func servicePools(_ values: [String]) throws(EstimateError) -> [SetupScript.ServicePool] {
        var parsed: [SetupScript.ServicePool] = []
        for value in values {
            guard let given = SetupScript.ServicePool(parsing: value) else {
                throw EstimateError.invalidOption(
                    flag: "--service-pool", value: value,
                    fix: "is not SERVICE=POOL; write the service (optionally DB.SCHEMA.SERVICE), '=', and its compute "
                        + "pool's name without database or schema, for example --service-pool JUPYTER_SERVICE=JUPYTER_POOL.")
            }
            if let earlier = parsed.first(where: { $0.service.matches(given.service) }) {
                guard earlier.pool == given.pool else {
                    throw EstimateError.invalidOption(
                        flag: "--service-pool", value: value,
                        fix: "gives service \(given.service) a second pool (--service-pool \(earlier) came first); a "
                            + "service runs in one compute pool, so give it once.")
                }
                continue
            }
            parsed.append(given)
        }
        return parsed
    }

    /// Checks that each pool given with `--service-pool` is one the script creates, since only those are estimated.
    /// - Throws: ``EstimateError/invalidOption(flag:value:fix:)`` (exit 64) naming the pools the script creates.
    public static func check(_ given: [SetupScript.ServicePool], against analysis: SetupScript.Analysis)
        throws(EstimateError) {
        for assignment in given where !analysis.pools.contains(where: { $0.name.matches(assignment.pool) }) {
            let created = analysis.pools.isEmpty ? "the script creates no compute pool"
                : "the script creates " + analysis.pools.map(\.name.description).joined(separator: ", ")
            throw EstimateError.invalidOption(
                flag: "--service-pool", value: assignment.description,
                fix: "names compute pool \(assignment.pool), which the setup SQL does not create (\(created)); name "
                    + "one of its pools, or add the pool's CREATE COMPUTE POOL to the script.")
        }
    }

    /// What was read from the script, for the reader: pools, tasks and their schedules, statements not used.
    public static func describe(_ analysis: SetupScript.Analysis, plans: [PoolPlan], file: String) -> [String] {
        var out = ["Read \(file): \(analysis.statementCount) statements."]
        for plan in plans {
            let p = plan.pool
            out.append("  compute pool \(p.name): \(p.family), MIN_NODES \(p.minNodes), MAX_NODES \(p.maxNodes), "
                       + "AUTO_SUSPEND_SECS \(p.autoSuspendSeconds), AUTO_RESUME \(p.autoResume ? "TRUE" : "FALSE")")
            for t in plan.tasks {
                let action: String
                switch t.action {
                case .resume: action = "resumes the pool"
                case .suspend(.services): action = "suspends the services (the pool idles for AUTO_SUSPEND_SECS)"
                case .suspend(.pool): action = "suspends the pool"
                }
                let compute: String
                switch t.compute {
                case let .warehouse(name, size): compute = "warehouse \(name ?? "?") (\(size.displayName))"
                case let .serverless(size, _): compute = "serverless (\(size.displayName))"
                }
                out.append("    task \(t.name): \(t.schedule), \(action), on \(compute)")
            }
        }
        let unused = analysis.skipped
        if !unused.isEmpty {
            out.append("  statements not used (\(unused.count)): "
                       + unused.map { "line \($0.line) \($0.firstWords)" }.joined(separator: "; "))
        }
        for w in analysis.warnings { out.append("  note: \(w)") }
        return out
    }
}

/// Setup SQL that cannot be estimated: a pool that breaks the compute pool rules, or a statement nested too deep to
/// read. `description` names the file and line.
public struct SetupSQLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The script as given.
    public let file: String
    /// 1-based line of the statement; nil when the problem is not on one line.
    public let line: Int?
    /// What is wrong and what to do.
    public let reason: String

    /// Creates an error.
    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file)\(line.map { ", line \($0)" } ?? ""): \(reason)." }
}
