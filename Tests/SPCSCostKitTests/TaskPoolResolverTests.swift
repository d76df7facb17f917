import Foundation
import SPCSCostCore
import SPCSCostSetupSQL
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Which pool a task's QUERY_TEXT acts on, read by the setup-SQL reader after the team's setup SQL.
@Suite struct TaskPoolResolverTests {
    static func fixture() throws -> String {
        try String(contentsOf: Repository.fixture("setup-sql/dashboards-desc-service.sql"), encoding: .utf8)
    }

    /// Without a script only `ALTER COMPUTE POOL` names a pool; a service or a procedure cannot be told.
    @Test func withoutAScriptOnlyAlterComputePool() {
        let r = TaskPoolResolver()
        #expect(r.pools(of: "ALTER COMPUTE POOL api_pool SUSPEND") == ["API_POOL"])
        #expect(r.pools(of: "EXECUTE IMMEDIATE 'ALTER COMPUTE POOL GPU_POOL RESUME'") == ["GPU_POOL"])
        #expect(r.pools(of: "ALTER SERVICE DASH_DB.APP.DASH_SVC SUSPEND") == [])
        #expect(r.pools(of: "CALL DASH_DB.APP.MANAGE_SERVICE('DASH_DB.APP.DASH_SVC', 'resume')") == [])
    }

    /// With the fixture (the common DESC SERVICE procedure; the service's pool an unset variable, the script's one
    /// pool assumed): the service and the procedure call both resolve to DASH_POOL; `--service-pool` wins.
    @Test func theSetupSQLResolvesServicesAndProcedures() throws {
        let r = TaskPoolResolver(setupSQL: try Self.fixture())
        #expect(r.pools(of: "ALTER SERVICE DASH_DB.APP.DASH_SVC SUSPEND") == ["DASH_POOL"])
        #expect(r.pools(of: "CALL DASH_DB.APP.MANAGE_SERVICE('DASH_DB.APP.DASH_SVC', 'resume')") == ["DASH_POOL"])
        #expect(r.pools(of: "CALL DASH_DB.APP.MANAGE_SERVICE(svc_name => 'DASH_DB.APP.DASH_SVC', action => 'suspend')")
            == ["DASH_POOL"])
        #expect(r.pools(of: "ALTER COMPUTE POOL OTHER_POOL SUSPEND") == ["OTHER_POOL"])
        let given = TaskPoolResolver(setupSQL: try Self.fixture(),
                                     servicePools: [try #require(SetupScript.ServicePool(parsing: "DASH_DB.APP.DASH_SVC=BIG_POOL"))])
        #expect(given.pools(of: "ALTER SERVICE DASH_DB.APP.DASH_SVC SUSPEND") == ["BIG_POOL"])
    }

    /// When the text tells no pool, a task whose NAME is a pools file task's `name` (any case) is that pool's; a pool
    /// the text tells wins.
    @Test func thePoolsFilesTaskNameIsTheFallback() throws {
        let file = try PoolsFile.parse("""
            [[pools]]
            name = "NIGHT_POOL"
            family = "CPU_X64_XS"
            [[pools.tasks]]
            name = "ops_suspend"
            action = "suspend"
            schedule = "USING CRON 0 19 * * MON-FRI UTC"
            """, file: "pools.toml")
        let poolsOf = ReportService.taskPools(TaskPoolResolver(), poolsFile: file)
        func run(_ name: String, _ text: String) -> TaskRunRecord {
            TaskRunRecord(name: name, queryID: "q", queryText: text, state: "SUCCEEDED", scheduledTime: Date(timeIntervalSince1970: 0),
                          queryStartTime: nil, completedTime: nil, warehouseName: nil)
        }
        #expect(poolsOf(run("OPS_SUSPEND", "CALL ops.suspend_pools()")) == ["NIGHT_POOL"])
        #expect(poolsOf(run("OTHER", "CALL ops.suspend_pools()")) == [])
        #expect(poolsOf(run("OPS_SUSPEND", "ALTER COMPUTE POOL API_POOL SUSPEND")) == ["API_POOL"])
    }
}
