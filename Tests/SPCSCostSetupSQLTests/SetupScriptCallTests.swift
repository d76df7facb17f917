import Foundation
import Testing
import SPCSCostCore
@testable import SPCSCostSetupSQL

@Suite("SetupScript: procedures, calls and variables")
struct SetupScriptCallTests {
    /// A procedure taking the service and the status, building the statement with `||`.
    private let procedure = """
        CREATE OR REPLACE PROCEDURE ops.toggle(svc VARCHAR, status VARCHAR)
          RETURNS VARCHAR LANGUAGE SQL
        AS
        BEGIN
          LET sql_text VARCHAR := 'ALTER SERVICE ' || svc || ' ' || status;
          EXECUTE IMMEDIATE :sql_text;
          RETURN 'ok';
        END;
        CREATE SERVICE web IN COMPUTE POOL web_pool FROM SPECIFICATION $$spec: {}$$;
        CREATE COMPUTE POOL web_pool MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_S;

        """

    private func actions(_ analysis: SetupScript.Analysis, _ task: String) -> [String] {
        (analysis.task(named: task)?.actions ?? []).map { "\($0) @\($0.computePool?.description ?? "?")" }
    }

    @Test func positionalAndNamedArgumentsBindTheSameParameters() {
        let analysis = SetupScript.analyze(procedure + """
            CREATE TASK a SCHEDULE = '60 MINUTES' AS CALL ops.toggle('WEB', 'SUSPEND');
            CREATE TASK b SCHEDULE = '60 MINUTES' AS CALL ops.toggle(status => 'RESUME', SVC => 'web');
            """)
        #expect(actions(analysis, "A") == ["SUSPEND SERVICE WEB @WEB_POOL"])
        #expect(actions(analysis, "B") == ["RESUME SERVICE WEB @WEB_POOL"])
        #expect(analysis.task(named: "B")?.calls == [.init(
            procedure: sqlName("OPS.TOGGLE"),
            arguments: [.init(name: "STATUS", value: "RESUME"), .init(name: "SVC", value: "web")],
            usesCallKeyword: true, line: 12)])
        #expect(analysis.warnings == [])
    }

    @Test func callWithoutCallKeywordIsFollowedAndReported() {
        let analysis = SetupScript.analyze(procedure + "CREATE TASK a AS toggle('web', 'RESUME');")
        #expect(actions(analysis, "A") == ["RESUME SERVICE WEB @WEB_POOL"])
        #expect(analysis.task(named: "A")?.calls.map(\.usesCallKeyword) == [false])
        #expect(analysis.warnings.map(\.code) == [.callWithoutCallKeyword])
        #expect(analysis.warnings.map(\.line) == [11])
    }

    @Test func executeImmediateCallWithEscapedQuotes() {
        let analysis = SetupScript.analyze(procedure + """
            CREATE TASK a AS EXECUTE IMMEDIATE 'CALL ops.toggle(''web'', ''SUSPEND'')';
            """)
        #expect(actions(analysis, "A") == ["SUSPEND SERVICE WEB @WEB_POOL"])
        #expect(analysis.task(named: "A")?.calls.first?.arguments.map(\.value) == ["web", "SUSPEND"])
    }

    @Test func statusComparisonIsCaseSensitiveAsInSnowflake() {
        let analysis = SetupScript.analyze("""
            CREATE PROCEDURE p(status VARCHAR) RETURNS VARCHAR LANGUAGE SQL AS
            BEGIN
              IF (:status = 'RESUME') THEN ALTER SERVICE web RESUME; END IF;
            END;
            CREATE TASK lower_case AS CALL p('resume');
            CREATE TASK upper_case AS CALL p('RESUME');
            """)
        #expect(actions(analysis, "LOWER_CASE") == [])
        #expect(actions(analysis, "UPPER_CASE") == ["RESUME SERVICE WEB @?"])
        #expect(analysis.warnings.map(\.description) == [
            "line 3: service WEB is suspended or resumed here but this script does not create it, so its compute "
                + "pool is unknown.",
            "line 5: task LOWER_CASE suspends or resumes no service or compute pool the reader can see; it does not "
                + "change what the pools cost.",
        ])
    }

    @Test func unknownConditionFollowsEveryBranch() {
        let analysis = SetupScript.analyze("""
            CREATE PROCEDURE p() RETURNS VARCHAR LANGUAGE SQL AS
            DECLARE n INTEGER DEFAULT (SELECT COUNT(*) FROM t);
            BEGIN
              IF (n > 0) THEN ALTER COMPUTE POOL cp SUSPEND;
              ELSE ALTER COMPUTE POOL cp RESUME;
              END IF;
            END;
            CREATE COMPUTE POOL cp MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE TASK t AS CALL p();
            """)
        #expect(actions(analysis, "T") == ["SUSPEND COMPUTE POOL CP @CP", "RESUME COMPUTE POOL CP @CP"])
        #expect(analysis.warnings.map(\.description) == [
            "line 4: procedure P: this condition depends on a query, which is only known when the code runs; the "
                + "suspends and resumes of every branch are counted.",
        ])
        #expect(analysis.procedure(named: "P")?.statusParameter == nil)
        #expect(analysis.procedure(named: "P")?.actionsByStatus.map(\.status) == [nil])
    }

    @Test func taskBodyWrittenAsAnUnquotedBlock() {
        let analysis = SetupScript.analyze("""
            CREATE COMPUTE POOL p1 MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE SERVICE s1 IN COMPUTE POOL p1 FROM @st SPECIFICATION_FILE = 'x.yaml';
            CREATE OR REPLACE TASK nightly SCHEDULE = 'USING CRON 0 22 * * * Europe/Berlin' AS
            DECLARE
              verb VARCHAR DEFAULT CASE WHEN 'a' = 'a' THEN 'SUSPEND' ELSE 'RESUME' END;
            BEGIN
              IF (verb IN ('SUSPEND', 'STOP')) THEN
                EXECUTE IMMEDIATE 'ALTER SERVICE s1 ' || verb;
              END IF;
              EXECUTE IMMEDIATE $$BEGIN ALTER COMPUTE POOL p1 SUSPEND; END;$$;
            END;
            """)
        #expect(analysis.tasks.map(\.schedule) == ["USING CRON 0 22 * * * Europe/Berlin"])
        #expect(actions(analysis, "NIGHTLY") == ["SUSPEND SERVICE S1 @P1", "SUSPEND COMPUTE POOL P1 @P1"])
        #expect(analysis.task(named: "NIGHTLY")?.actions.map(\.line) == [8, 10])
        #expect(analysis.warnings == [])
    }

    @Test func unknownProcedureAndWrongArgumentCountAreWarnings() {
        let analysis = SetupScript.analyze(procedure + """
            CREATE TASK a AS CALL missing_proc('SUSPEND');
            CREATE TASK b AS CALL ops.toggle('SUSPEND');
            """)
        #expect(actions(analysis, "A") == [])
        #expect(actions(analysis, "B") == [])
        #expect(analysis.warnings.filter { $0.line == 11 || $0.line == 12 }.map(\.description) == [
            "line 11: task A calls procedure MISSING_PROC, which this script does not create; what it does is "
                + "unknown.",
            "line 11: task A suspends or resumes no service or compute pool the reader can see; it does not change "
                + "what the pools cost.",
            "line 12: task B calls OPS.TOGGLE with 1 argument(s), but the procedure takes 2; Snowflake would "
                + "reject the call.",
            "line 12: task B suspends or resumes no service or compute pool the reader can see; it does not change "
                + "what the pools cost.",
        ])
    }

    @Test func sessionVariablesResolveNamesAndAreFlaggedInsideTaskBodies() {
        let analysis = SetupScript.analyze("""
            SET pool = 'analytics.pools.gpu_pool';
            SET svc = '"Notebook Svc"';
            CREATE COMPUTE POOL IDENTIFIER('GPU_POOL') MIN_NODES = 1 MAX_NODES = 4 INSTANCE_FAMILY = GPU_NV_S;
            CREATE SERVICE IDENTIFIER($svc) IN COMPUTE POOL IDENTIFIER($pool) FROM @s SPECIFICATION_FILE = 'x.yaml';
            CREATE TASK t SCHEDULE = '1 HOURS' AS ALTER SERVICE IDENTIFIER($svc) SUSPEND;
            ALTER COMPUTE POOL $pool SET MAX_NODES = 2;
            ALTER COMPUTE POOL IDENTIFIER($missing) SUSPEND;
            """)
        #expect(analysis.pools.map { "\($0.name) \($0.maxNodes ?? 0) \($0.alteredAtLines)" } == ["GPU_POOL 2 [6]"])
        #expect(analysis.services.map { "\($0.name) in \($0.computePool?.description ?? "?")" }
                == ["\"Notebook Svc\" in ANALYTICS.POOLS.GPU_POOL"])
        #expect(actions(analysis, "T") == ["SUSPEND SERVICE \"Notebook Svc\" @ANALYTICS.POOLS.GPU_POOL"])
        #expect(analysis.skipped.map(\.description) == ["line 7: ALTER COMPUTE POOL IDENTIFIER($missing) SUSPEND"])
        #expect(analysis.warnings.map(\.description) == [
            "line 5: task T uses session variable $SVC, which does not exist when the code runs later in its own "
                + "session; read as the script's value, '\"Notebook Svc\"'.",
            "line 7: session variable $MISSING is used but no SET before this line gives it a value.",
            "line 7: the name in ALTER COMPUTE POOL depends on $MISSING, which is not set; the statement is not used.",
        ])
    }

    @Test func namesAreUpperCasedUnlessQuotedAndMatchByTheirLastParts() {
        #expect(sqlName("db.Sch.\"My \"\"Pool\"\"\"").parts == ["DB", "SCH", "My \"Pool\""])
        #expect(sqlName("db.Sch.\"My \"\"Pool\"\"\"").description == "DB.SCH.\"My \"\"Pool\"\"\"")
        #expect(sqlName("jupyter_pool").matches(sqlName("DB.S.JUPYTER_POOL")))
        #expect(!sqlName("A.X").matches(sqlName("B.X")))
        #expect(SetupScript.Name("a.b.c.d") == nil)
        #expect(SetupScript.Name("a..b") == nil)
        #expect(SetupScript.Name("\"open") == nil)
    }

    @Test func ambiguousShortNameIsNotGuessed() {
        let analysis = SetupScript.analyze("""
            CREATE SERVICE a.s.svc IN COMPUTE POOL p1 FROM @st SPECIFICATION_FILE = 'x';
            CREATE SERVICE b.s.svc IN COMPUTE POOL p2 FROM @st SPECIFICATION_FILE = 'x';
            CREATE TASK t AS ALTER SERVICE svc SUSPEND;
            """)
        #expect(actions(analysis, "T") == ["SUSPEND SERVICE SVC @?"])
        #expect(analysis.warnings.map(\.description) == [
            "line 3: service SVC matches the services A.S.SVC, B.S.SVC; qualify the name. Its compute pool is "
                + "unknown.",
        ])
    }

    @Test func alterSetAndUnsetApplyInOrder() {
        let analysis = SetupScript.analyze("""
            CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS AUTO_SUSPEND_SECS = 0;
            ALTER COMPUTE POOL p SET AUTO_RESUME = FALSE MIN_NODES = 2;
            ALTER COMPUTE POOL p UNSET AUTO_SUSPEND_SECS, COMMENT;
            ALTER COMPUTE POOL IF EXISTS p SET INSTANCE_FAMILY = CPU_X64_M BACKUP_INSTANCE_FAMILIES = ('CPU_X64_L');
            ALTER COMPUTE POOL p SUSPEND;
            """)
        #expect(analysis.pools == [SetupScript.Pool(
            name: sqlName("P"), line: 1, instanceFamily: "CPU_X64_M", minNodes: 2, maxNodes: 1,
            autoSuspendSeconds: 3600, autoResume: false, initiallySuspended: false, comment: nil,
            backupInstanceFamilies: ["CPU_X64_L"], defaultedProperties: ["AUTO_SUSPEND_SECS", "INITIALLY_SUSPENDED"],
            alteredAtLines: [2, 3, 4])])
        #expect(analysis.manualActions.map(\.description) == ["SUSPEND COMPUTE POOL P"])
    }

    @Test func taskResumeStateFollowsTheScript() {
        let analysis = SetupScript.analyze("""
            CREATE TASK root SCHEDULE = '10 MINUTES' AS SELECT 1;
            CREATE TASK child AFTER root AS SELECT 2;
            CREATE TASK grandchild AFTER db.s.child AS SELECT 3;
            CREATE TASK other SCHEDULE = '10 MINUTES' AS SELECT 4;
            SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('root');
            ALTER TASK other RESUME;
            CREATE OR REPLACE TASK other SCHEDULE = '20 MINUTES' AS SELECT 5;
            ALTER TASK root SUSPEND;
            """)
        #expect(analysis.tasks.map { "\($0.name) \($0.schedule ?? "-") \($0.predecessors) \($0.isResumed)" } == [
            "ROOT 10 MINUTES [] false",
            "CHILD - [ROOT] true",
            "GRANDCHILD - [DB.S.CHILD] true",
            "OTHER 20 MINUTES [] false",
        ])
    }

    @Test func laterAltersChangeTasksServicesAndVariables() {
        let analysis = SetupScript.analyze("""
            SET target = 'cp';
            CREATE COMPUTE POOL cp MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE SERVICE svc IN COMPUTE POOL cp FROM @st SPECIFICATION_FILE = 'x.yaml';
            CREATE TASK t WAREHOUSE = wh SCHEDULE = '10 MINUTES' AS SELECT 1;
            ALTER TASK t SET SCHEDULE = 'USING CRON 0 8 * * * UTC';
            ALTER TASK t UNSET WAREHOUSE;
            ALTER TASK t MODIFY AS ALTER COMPUTE POOL cp RESUME;
            ALTER SERVICE svc SET AUTO_SUSPEND_SECS = 300 MAX_INSTANCES = 2;
            ALTER SERVICE IF EXISTS svc SUSPEND;
            UNSET target;
            """)
        #expect(analysis.tasks.map { "\($0.schedule ?? "-") \($0.compute) \($0.body) \($0.actions)" } == [
            "USING CRON 0 8 * * * UTC serverless(initialSize: nil) ALTER COMPUTE POOL cp RESUME "
                + "[RESUME COMPUTE POOL CP]",
        ])
        #expect(analysis.services.map { [$0.autoSuspendSeconds, $0.minInstances, $0.maxInstances] } == [[300, nil, 2]])
        #expect(analysis.manualActions.map { "\($0) @\($0.computePool?.description ?? "?") line \($0.line)" }
                == ["SUSPEND SERVICE SVC @CP line 9"])
        #expect(analysis.variables == [])
        #expect(analysis.warnings == [])
    }

    @Test func nonSQLProcedureAndRecursionStopWithWarnings() {
        let analysis = SetupScript.analyze("""
            CREATE PROCEDURE py(s STRING) RETURNS STRING LANGUAGE PYTHON RUNTIME_VERSION = '3.11'
              PACKAGES = ('snowflake-snowpark-python') HANDLER = 'run' AS $$
            def run(session, s): return s
            $$;
            CREATE PROCEDURE loop_forever() RETURNS STRING LANGUAGE SQL AS BEGIN CALL loop_forever(); END;
            CREATE TASK a AS CALL py('SUSPEND');
            CREATE TASK b AS CALL loop_forever();
            """)
        #expect(analysis.procedures.map { "\($0.name) \($0.language)" } == ["PY PYTHON", "LOOP_FOREVER SQL"])
        #expect(analysis.warnings.map(\.code) == [
            .callDepthExceeded, .unknownProcedure, .taskWithoutActions, .taskWithoutActions,
        ])
        #expect(analysis.warnings.map(\.line) == [5, 6, 6, 7])
    }

    @Test func duplicateCreateKeepsTheFirstAndDropRemoves() {
        let analysis = SetupScript.analyze("""
            CREATE WAREHOUSE wh WAREHOUSE_SIZE = 'X-LARGE';
            CREATE WAREHOUSE wh WAREHOUSE_SIZE = SMALL;
            CREATE WAREHOUSE IF NOT EXISTS wh WAREHOUSE_SIZE = MEDIUM;
            ALTER WAREHOUSE wh SET WAREHOUSE_SIZE = '2X-LARGE' AUTO_SUSPEND = NULL;
            CREATE COMPUTE POOL gone MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            DROP COMPUTE POOL IF EXISTS gone;
            CREATE TASK t WAREHOUSE = wh AS ALTER COMPUTE POOL gone SUSPEND;
            CREATE TASK u WAREHOUSE = other_wh USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = 'HUGE' AS SELECT 1;
            """)
        #expect(analysis.warehouses == [SetupScript.Warehouse(
            name: sqlName("WH"), line: 1, size: .xxLarge, autoSuspendSeconds: 0, defaultedProperties: [])])
        #expect(analysis.pools == [])
        #expect(analysis.task(named: "T")?.compute == .warehouse(name: sqlName("WH"), size: .xxLarge))
        #expect(analysis.task(named: "U")?.compute == .warehouse(name: sqlName("OTHER_WH"), size: nil))
        #expect(analysis.warnings.map(\.description) == [
            "line 2: warehouse WH is already created on an earlier line; without OR REPLACE Snowflake rejects this "
                + "statement, so it is not applied.",
            "line 7: compute pool GONE is suspended or resumed here but this script does not create it.",
            "line 8: CREATE TASK U: USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = 'HUGE' is not a warehouse size "
                + "(XSMALL ... X6LARGE); it is not applied.",
            "line 8: task U runs on warehouse OTHER_WH, which this script does not create; its size is unknown.",
            "line 8: task U suspends or resumes no service or compute pool the reader can see; it does not change "
                + "what the pools cost.",
        ])
    }
}
