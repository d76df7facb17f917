import Foundation
import SPCSCostCore
import SPCSCostSetupSQL

/// Which compute pools a scheduling task's run acted on, read from its TASK_HISTORY QUERY_TEXT by the setup-SQL
/// reader (``SetupScript``), so `report` can set the tasks' credits against the pools they save (README "Task
/// warehouses").
///
/// Rule: the QUERY_TEXT is read as one more statement after the team's setup SQL (`report --from-sql`, with
/// `--service-pool`), and the pools of the suspends and resumes that statement performs are the run's pools:
/// `ALTER COMPUTE POOL p SUSPEND` is `p`; `ALTER SERVICE s SUSPEND` is the pool the script creates `s` in; `CALL
/// ops.suspend_service('S')` follows the procedure the script creates (its `DESC SERVICE`, `EXECUTE IMMEDIATE`
/// text ...) to the pools it suspends or resumes. Without a script only `ALTER COMPUTE POOL` can be told. When the
/// reader finds no pool, the pools the text names in `ALTER COMPUTE POOL` (``PoolTaskRule/poolNames(in:)``) are
/// taken; otherwise none (the run's credits stay on the account line).
public struct TaskPoolResolver: Sendable {
    /// The setup SQL as given; `""` for none.
    public let setupSQL: String
    /// Pools named for services (`--service-pool SERVICE=POOL`), winning over the script's.
    public let servicePools: [SetupScript.ServicePool]
    /// Suspends and resumes the script itself performs: the task's statement's come after them.
    private let scriptActionCount: Int

    /// A resolver over `setupSQL` (`""`: no script) and the pools named for services.
    public init(setupSQL: String = "", servicePools: [SetupScript.ServicePool] = []) {
        self.setupSQL = setupSQL
        self.servicePools = servicePools
        scriptActionCount = setupSQL.isEmpty ? 0
            : SetupScript.analyze(setupSQL, servicePools: servicePools).manualActions.count
    }

    /// The pools (COMPUTE_POOL_NAME spelling: unquoted names upper case) a statement `queryText` suspends or resumes,
    /// in order, each once; empty when none can be told.
    public func pools(of queryText: String) -> [String] {
        let text = setupSQL.isEmpty ? queryText : setupSQL + "\n;\n" + queryText
        let analysis = SetupScript.analyze(text, servicePools: servicePools)
        var out: [String] = []
        for a in analysis.manualActions.dropFirst(scriptActionCount) {
            if let p = a.computePool?.object, !out.contains(p) { out.append(p) }
        }
        return out.isEmpty ? PoolTaskRule.poolNames(in: queryText) : out
    }
}
