import Foundation
import SPCSCostTestSupport
import Testing

import SPCSCostCore
@testable import SPCSCostSetupSQL

/// The text of `Fixtures/setup-sql/<file>`.
func setupSQLFixture(_ file: String) throws -> String {
    try String(contentsOf: Repository.fixture("setup-sql/\(file)"), encoding: .utf8)
}

/// A name written as SQL; the tests only pass valid names.
func sqlName(_ text: String) -> SetupScript.Name {
    guard let name = SetupScript.Name(text) else { preconditionFailure("'\(text)' is not a name") }
    return name
}

@Suite("SetupScript: jupyterlab-setup.sql")
struct JupyterLabSetupTests {
    let analysis: SetupScript.Analysis

    init() throws {
        analysis = SetupScript.analyze(try setupSQLFixture("jupyterlab-setup.sql"))
    }

    let suspendService = SetupScript.Action(
        verb: .suspend, target: .service, name: sqlName("JUPYTER_DB.APP.JUPYTER_SERVICE"),
        computePool: sqlName("JUPYTER_POOL"), line: 86)
    let suspendPool = SetupScript.Action(
        verb: .suspend, target: .computePool, name: sqlName("JUPYTER_POOL"), computePool: sqlName("JUPYTER_POOL"),
        line: 89)
    let resumeService = SetupScript.Action(
        verb: .resume, target: .service, name: sqlName("JUPYTER_DB.APP.JUPYTER_SERVICE"),
        computePool: sqlName("JUPYTER_POOL"), line: 86)

    @Test func derivesThePoolFromIdentifierVariable() {
        #expect(analysis.pools == [SetupScript.Pool(
            name: sqlName("JUPYTER_POOL"), line: 45, instanceFamily: "CPU_X64_XS", minNodes: 1, maxNodes: 1,
            autoSuspendSeconds: 3600, autoResume: true, initiallySuspended: false,
            comment: "JupyterLab for the data team", backupInstanceFamilies: [],
            defaultedProperties: ["INITIALLY_SUSPENDED"], alteredAtLines: [])])
        #expect(analysis.pool(named: "jupyter_pool") == analysis.pools.first)
        #expect(analysis.pool(named: "OTHER_POOL") == nil)
    }

    @Test func linksTheServiceToItsPool() {
        #expect(analysis.services == [SetupScript.Service(
            name: sqlName("JUPYTER_SERVICE"), line: 53, computePool: sqlName("JUPYTER_POOL"), computePoolOrigin: .script,
            autoSuspendSeconds: 0,
            minInstances: 1, maxInstances: 1)])
        #expect(analysis.service(named: "JUPYTER_DB.APP.JUPYTER_SERVICE") == analysis.services.first)
    }

    @Test func readsTheTaskWarehouse() {
        #expect(analysis.warehouses == [SetupScript.Warehouse(
            name: sqlName("JUPYTER_TASK_WH"), line: 65, size: .xSmall, autoSuspendSeconds: 60,
            defaultedProperties: [])])
        #expect(analysis.warehouse(named: "jupyter_task_wh")?.size == .xSmall)
    }

    @Test func followsTheUnquotedProcedureForEachStatus() {
        #expect(analysis.procedures == [SetupScript.Procedure(
            name: sqlName("JUPYTER_DB.APP.SET_JUPYTER_STATE"), line: 73,
            parameters: [.init(name: "STATUS", type: "VARCHAR", defaultValue: nil)], language: "SQL",
            statusParameter: "STATUS",
            actionsByStatus: [
                .init(status: "SUSPEND", actions: [suspendService, suspendPool]),
                .init(status: "RESUME", actions: [resumeService]),
            ])])
    }

    @Test func resumeTaskCallsWithoutCallKeyword() throws {
        let task = try #require(analysis.task(named: "jupyter_resume_task"))
        #expect(task == SetupScript.ScheduledTask(
            name: sqlName("JUPYTER_DB.APP.JUPYTER_RESUME_TASK"), line: 98,
            schedule: "USING CRON 0 10 * * MON-FRI Asia/Tokyo",
            compute: .warehouse(name: sqlName("JUPYTER_TASK_WH"), size: .xSmall), predecessors: [],
            body: "JUPYTER_DB.APP.SET_JUPYTER_STATE('RESUME')",
            calls: [.init(procedure: sqlName("JUPYTER_DB.APP.SET_JUPYTER_STATE"),
                          arguments: [.init(name: nil, value: "RESUME")], usesCallKeyword: false, line: 103)],
            actions: [resumeService], isResumed: true))
    }

    @Test func suspendTaskCallsWithNamedArgument() throws {
        let task = try #require(analysis.task(named: "JUPYTER_SUSPEND_TASK"))
        #expect(task == SetupScript.ScheduledTask(
            name: sqlName("JUPYTER_DB.APP.JUPYTER_SUSPEND_TASK"), line: 105,
            schedule: "USING CRON 0 19 * * MON-FRI Asia/Tokyo",
            compute: .warehouse(name: sqlName("JUPYTER_TASK_WH"), size: .xSmall), predecessors: [],
            body: "CALL SET_JUPYTER_STATE(STATUS => 'suspend')",
            calls: [.init(procedure: sqlName("SET_JUPYTER_STATE"),
                          arguments: [.init(name: "STATUS", value: "suspend")], usesCallKeyword: true, line: 111)],
            actions: [suspendService, suspendPool], isResumed: true))
    }

    @Test func keepsTheSessionVariables() {
        #expect(analysis.variables.map { "\($0.line) \($0.name)=\($0.value ?? "?")" } == [
            "10 POOL_NAME=JUPYTER_POOL", "11 SERVICE_NAME=JUPYTER_SERVICE", "12 DB_NAME=JUPYTER_DB",
            "12 SCHEMA_NAME=APP", "13 WH_NAME=JUPYTER_TASK_WH",
        ])
    }

    @Test func listsEverySkippedStatementWithItsLine() {
        #expect(analysis.statementCount == 33)
        #expect(analysis.skipped.allSatisfy { $0.reason == .notAboutCost })
        #expect(analysis.skipped.map(\.description) == [
            "line 7: USE ROLE ACCOUNTADMIN",
            "line 15: CREATE ROLE IF NOT EXISTS",
            "line 16: GRANT ROLE jupyter_admin TO ROLE",
            "line 18: CREATE DATABASE IF NOT EXISTS",
            "line 19: CREATE SCHEMA IF NOT EXISTS",
            "line 20: GRANT OWNERSHIP ON DATABASE IDENTIFIER($db_name)",
            "line 21: GRANT OWNERSHIP ON SCHEMA JUPYTER_DB.APP",
            "line 22: GRANT CREATE COMPUTE POOL ON",
            "line 23: GRANT BIND SERVICE ENDPOINT ON",
            "line 24: GRANT EXECUTE TASK ON ACCOUNT",
            "line 25: GRANT CREATE WAREHOUSE ON ACCOUNT",
            "line 27: USE ROLE jupyter_admin",
            "line 28: USE SCHEMA JUPYTER_DB.APP",
            "line 30: CREATE IMAGE REPOSITORY IF NOT",
            "line 31: CREATE STAGE IF NOT EXISTS",
            "line 35: CREATE OR REPLACE NETWORK RULE",
            "line 39: CREATE OR REPLACE EXTERNAL ACCESS",
            "line 61: SHOW SERVICES IN COMPUTE POOL",
            "line 62: DESCRIBE SERVICE JUPYTER_SERVICE",
            "line 117: SHOW TASKS IN SCHEMA JUPYTER_DB.APP",
            "line 118: SELECT SYSTEM$GET_SERVICE_STATUS('JUPYTER_SERVICE')",
        ])
    }

    @Test func warnsOnlyAboutTheMissingCall() {
        #expect(analysis.warnings.map(\.description) == [
            "line 103: task JUPYTER_DB.APP.JUPYTER_RESUME_TASK calls "
                + "JUPYTER_DB.APP.SET_JUPYTER_STATE('RESUME') without CALL; Snowflake runs a procedure only with "
                + "CALL, so check that this code runs at all. It is read as CALL "
                + "JUPYTER_DB.APP.SET_JUPYTER_STATE('RESUME').",
        ])
        #expect(analysis.warnings.map(\.code) == [.callWithoutCallKeyword])
        #expect(analysis.manualActions.isEmpty)
    }

    @Test func encodesAndDecodesAsJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(analysis)
        #expect(try JSONDecoder().decode(SetupScript.Analysis.self, from: data) == analysis)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""compute":{"warehouse":{"name":"JUPYTER_TASK_WH","size":"XSMALL"}}"#))
    }
}

@Suite("SetupScript: inference-serverless.sql")
struct InferenceServerlessTests {
    let analysis: SetupScript.Analysis

    init() throws {
        analysis = SetupScript.analyze(try setupSQLFixture("inference-serverless.sql"))
    }

    let pool = sqlName("INFERENCE_POOL")
    let service = sqlName("ML.SERVING.INFERENCE_SVC")

    var stopActions: [SetupScript.Action] {
        [.init(verb: .suspend, target: .service, name: service, computePool: pool, line: 29),
         .init(verb: .suspend, target: .computePool, name: pool, computePool: pool, line: 30)]
    }

    var startActions: [SetupScript.Action] {
        [.init(verb: .resume, target: .computePool, name: pool, computePool: pool, line: 32),
         .init(verb: .resume, target: .service, name: service, computePool: pool, line: 33)]
    }

    @Test func appliesAlterSetInScriptOrder() {
        // MAX_NODES 3 -> 2 (line 55); AUTO_SUSPEND_SECS default 3600 -> 300 (line 55) -> 600 (line 56).
        #expect(analysis.pools == [SetupScript.Pool(
            name: pool, line: 5, instanceFamily: "CPU_X64_S", minNodes: 1, maxNodes: 2, autoSuspendSeconds: 600,
            autoResume: true, initiallySuspended: true, comment: nil, backupInstanceFamilies: [],
            defaultedProperties: ["AUTO_RESUME"], alteredAtLines: [55, 56])])
    }

    @Test func readsTheServiceDespiteSemicolonInItsSpecification() {
        #expect(analysis.services == [SetupScript.Service(
            name: service, line: 11, computePool: pool, computePoolOrigin: .script, autoSuspendSeconds: 0, minInstances: nil,
            maxInstances: nil)])
    }

    @Test func followsTheDollarQuotedCaseStatement() {
        #expect(analysis.procedures == [SetupScript.Procedure(
            name: sqlName("ML.SERVING.SCALE_INFERENCE"), line: 21,
            parameters: [.init(name: "ACTION", type: "STRING", defaultValue: nil),
                         .init(name: "SVC", type: "STRING", defaultValue: "'ML.SERVING.INFERENCE_SVC'")],
            language: "SQL", statusParameter: "ACTION",
            actionsByStatus: [.init(status: "STOP", actions: stopActions),
                              .init(status: "START", actions: startActions)])])
    }

    @Test func serverlessTaskWithInitialSize() throws {
        let task = try #require(analysis.task(named: "STOP_INFERENCE_NIGHTLY"))
        #expect(task.schedule == "USING CRON 30 22 * * * UTC")
        #expect(task.compute == .serverless(initialSize: .xSmall))
        #expect(task.actions == stopActions)
        #expect(task.isResumed)
    }

    @Test func executeImmediateCallInATaskNeverResumed() throws {
        let task = try #require(analysis.task(named: "ml.serving.start_inference_morning"))
        #expect(task.schedule == "USING CRON 0 7 * * MON-FRI UTC")
        #expect(task.compute == .serverless(initialSize: nil))
        #expect(task.calls == [.init(procedure: sqlName("ML.SERVING.SCALE_INFERENCE"),
                                     arguments: [.init(name: nil, value: "START")], usesCallKeyword: true, line: 50)])
        #expect(task.actions == startActions)
        #expect(!task.isResumed)
    }

    @Test func notesTheTopLevelResumeOnce() {
        #expect(analysis.manualActions == [.init(verb: .resume, target: .computePool, name: pool, computePool: pool,
                                                 line: 57)])
        #expect(analysis.statementCount == 11)
        #expect(analysis.skipped.map(\.description) == ["line 2: USE ROLE ml_admin", "line 3: USE SCHEMA ML.SERVING"])
        #expect(analysis.warnings == [])
    }
}

@Suite("SetupScript: dashboards-desc-service.sql")
struct DashboardsDescServiceTests {
    let analysis: SetupScript.Analysis

    init() throws {
        analysis = SetupScript.analyze(try setupSQLFixture("dashboards-desc-service.sql"))
    }

    @Test func assumesTheOnlyPoolForTheUnsetVariable() {
        #expect(analysis.statementCount == 18)
        #expect(analysis.skipped.map(\.line) == [4, 5, 12, 13, 14, 96, 97])
        #expect(analysis.pools.map(\.name) == [sqlName("DASH_POOL")])
        #expect(analysis.pools.first?.instanceFamily == "CPU_X64_S")
        #expect(analysis.pools.first?.minNodes == 2 && analysis.pools.first?.maxNodes == 3)
        #expect(analysis.services == [SetupScript.Service(
            name: sqlName("DASH_DB.APP.DASH_SVC"), line: 24, computePool: sqlName("DASH_POOL"),
            computePoolOrigin: .assumedOnlyPool, unsetPoolVariable: "POOL_NAME", autoSuspendSeconds: 0,
            minInstances: 1, maxInstances: 1)])
    }

    @Test func followsDescServiceToThePoolInBothTasks() throws {
        let resume = try #require(analysis.task(named: "DASH_RESUME"))
        let suspend = try #require(analysis.task(named: "DASH_SUSPEND"))
        #expect(resume.isResumed && suspend.isResumed)
        #expect(resume.schedule == "USING CRON 30 8 * * MON-FRI Europe/Berlin")
        #expect(suspend.schedule == "USING CRON 0 18 * * MON-FRI Europe/Berlin")
        #expect(resume.compute == .warehouse(name: sqlName("OPS_WH"), size: .xSmall))
        let pool = sqlName("DASH_POOL")
        let service = sqlName("DASH_DB.APP.DASH_SVC")
        #expect(resume.actions == [
            .init(verb: .resume, target: .computePool, name: pool, computePool: pool, line: 69),
            .init(verb: .resume, target: .service, name: service, computePool: pool, line: 71),
        ])
        #expect(suspend.actions == [
            .init(verb: .suspend, target: .service, name: service, computePool: pool, line: 61),
            .init(verb: .suspend, target: .computePool, name: pool, computePool: pool, line: 64),
        ])
    }

    @Test func saysWhatItAssumed() {
        let owner = "procedure DASH_DB.APP.MANAGE_SERVICE: this condition depends on "
        let tail = ", which is only known when the code runs; the suspends and resumes of every branch are counted."
        #expect(analysis.warnings.map(\.description) == [
            "line 24: service DASH_DB.APP.DASH_SVC runs IN COMPUTE POOL $POOL_NAME, a session variable no SET before "
                + "it gives a value; the script creates one compute pool, DASH_POOL, so the service is taken to run in "
                + "it. If it runs elsewhere, give --service-pool DASH_SVC=POOL.",
            "line 25: session variable $POOL_NAME is used but no SET before this line gives it a value.",
            "line 60: " + owner + "the status of service DASH_DB.APP.DASH_SVC (\"status\")" + tail,
            "line 63: " + owner + "the state of compute pool DASH_POOL (\"state\")" + tail,
            "line 68: " + owner + "the state of compute pool DASH_POOL (\"state\")" + tail,
        ])
    }
}
