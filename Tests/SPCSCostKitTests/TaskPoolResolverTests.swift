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
}
