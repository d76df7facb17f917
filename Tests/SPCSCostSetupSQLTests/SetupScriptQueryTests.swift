import Foundation
import Testing
import SPCSCostCore
@testable import SPCSCostSetupSQL

/// The common suspend/resume procedure: it finds the service's pool with DESC SERVICE or SHOW SERVICES (directly, in
/// a cursor, a RESULTSET, or through RESULT_SCAN(LAST_QUERY_ID())), and suspends or resumes it with EXECUTE
/// IMMEDIATE text built from the row's "compute_pool". The variants are the shapes public setup scripts use.
@Suite("SetupScript: DESC SERVICE, SHOW and RESULT_SCAN in procedures")
struct SetupScriptQueryTests {
    /// The objects every variant acts on, and the two tasks that call `ops.manage(<service>, <action>)`.
    private func script(_ procedureBody: String, parameters: String = "svc VARCHAR, action VARCHAR",
                        call: (String) -> String = { "CALL ops.manage('ops.web', '\($0)')" }) -> String {
        """
        CREATE COMPUTE POOL web_pool MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
        CREATE COMPUTE POOL other_pool MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
        CREATE SERVICE ops.web IN COMPUTE POOL web_pool FROM SPECIFICATION $$spec: {}$$;
        CREATE SERVICE ops.batch IN COMPUTE POOL other_pool FROM SPECIFICATION $$spec: {}$$;
        CREATE OR REPLACE PROCEDURE ops.manage(\(parameters))
          RETURNS VARCHAR LANGUAGE SQL
        AS
        $$
        \(procedureBody)
        $$;
        CREATE TASK stop_task SCHEDULE = 'USING CRON 0 19 * * MON-FRI UTC' AS \(call("SUSPEND"));
        CREATE TASK start_task SCHEDULE = 'USING CRON 0 9 * * MON-FRI UTC' AS \(call("RESUME"));
        """
    }

    private func actions(_ analysis: SetupScript.Analysis, _ task: String) -> [String] {
        (analysis.task(named: task)?.actions ?? []).map { "\($0) @\($0.computePool?.description ?? "?")" }
    }

    private func expectWebPoolSchedule(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let analysis = SetupScript.analyze(text)
        #expect(actions(analysis, "STOP_TASK") == ["SUSPEND SERVICE OPS.WEB @WEB_POOL",
                                                   "SUSPEND COMPUTE POOL WEB_POOL @WEB_POOL"],
                sourceLocation: sourceLocation)
        #expect(actions(analysis, "START_TASK") == ["RESUME COMPUTE POOL WEB_POOL @WEB_POOL",
                                                    "RESUME SERVICE OPS.WEB @WEB_POOL"],
                sourceLocation: sourceLocation)
        #expect(!analysis.warnings.contains { $0.code == .unresolvedStatementText }, "\(analysis.warnings)",
                sourceLocation: sourceLocation)
    }

    @Test func declaredCursorOverResultScanAfterDescService() {
        // The cursor's query runs when FOR opens it, after the DESC: its rows are the DESC's.
        expectWebPoolSchedule(script("""
            DECLARE
              c1 CURSOR FOR SELECT "compute_pool" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()));
            BEGIN
              DESC SERVICE IDENTIFIER(:svc);
              FOR rec IN c1 DO
                IF (action = 'SUSPEND') THEN
                  EXECUTE IMMEDIATE 'ALTER SERVICE ' || svc || ' SUSPEND';
                  EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || rec."compute_pool" || ' SUSPEND';
                ELSE
                  EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || rec."compute_pool" || ' RESUME';
                  EXECUTE IMMEDIATE 'ALTER SERVICE ' || svc || ' RESUME';
                END IF;
              END FOR;
            END;
            """))
    }

    @Test func letCursorForDescribeServiceUnquotedColumnsLowerCaseKeywords() {
        // `rec.compute_pool` (unquoted, so COMPUTE_POOL) reads DESC's lower-case "compute_pool".
        expectWebPoolSchedule(script("""
            begin
              let c cursor for describe service identifier(:svc);
              for rec in c do
                if (upper(:action) = 'SUSPEND') then
                  execute immediate 'alter service ' || :svc || ' suspend';
                  execute immediate 'alter compute pool ' || rec.compute_pool || ' suspend';
                elseif (upper(:action) = 'RESUME') then
                  execute immediate concat('alter compute pool ', rec.compute_pool, ' resume');
                  execute immediate 'alter service ' || :svc || ' resume';
                end if;
              end for;
            end;
            """))
    }

    @Test func showServicesLikeIntoResultSetWithAliasesAndWhere() {
        // SHOW SERVICES lists both services; the WHERE keeps WEB; the alias POOL names the column.
        expectWebPoolSchedule(script("""
            DECLARE
              res RESULTSET;
            BEGIN
              SHOW SERVICES IN SCHEMA ops;
              res := (SELECT "name" AS svc_name, "compute_pool" AS pool
                      FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())) WHERE "name" = 'WEB');
              LET c CURSOR FOR res;
              FOR r IN c DO
                CASE (action)
                  WHEN 'SUSPEND' THEN
                    ALTER SERVICE IDENTIFIER(:svc) SUSPEND;
                    EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || r.pool || ' SUSPEND';
                  WHEN 'RESUME' THEN
                    EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || r.POOL || ' RESUME';
                    ALTER SERVICE IDENTIFIER(:svc) RESUME;
                END CASE;
              END FOR;
            END;
            """))
    }

    @Test func executeImmediateShowThenScalarSubqueryAndStateCheck() {
        // The pool comes from a scalar subquery; its state from DESC COMPUTE POOL is only known when the task runs,
        // so the IF on it follows its branch with a warning naming the state.
        let text = script("""
            BEGIN
              EXECUTE IMMEDIATE 'SHOW SERVICES LIKE ''' || SPLIT_PART(:svc, '.', -1) || '''';
              LET pool VARCHAR := (SELECT "compute_pool" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())));
              DESCRIBE COMPUTE POOL IDENTIFIER(:pool);
              LET state VARCHAR := (SELECT "state" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())));
              IF (:action = 'SUSPEND') THEN
                EXECUTE IMMEDIATE 'ALTER SERVICE ' || :svc || ' SUSPEND';
                IF (:state IN ('ACTIVE', 'IDLE')) THEN
                  EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || :pool || ' SUSPEND';
                END IF;
              ELSE
                IF (:state = 'SUSPENDED') THEN
                  EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || :pool || ' RESUME';
                END IF;
                EXECUTE IMMEDIATE 'ALTER SERVICE ' || :svc || ' RESUME';
              END IF;
            END;
            """)
        expectWebPoolSchedule(text)
        let analysis = SetupScript.analyze(text)
        #expect(analysis.warnings.filter { $0.code == .conditionNotEvaluated }.map(\.message).contains(
            "procedure OPS.MANAGE: this condition depends on the state of compute pool WEB_POOL (\"state\"), which is "
                + "only known when the code runs; the suspends and resumes of every branch are counted."))
    }

    @Test func resultSetFromExecuteImmediateDescribe() {
        expectWebPoolSchedule(script("""
            DECLARE
              rs RESULTSET;
            BEGIN
              rs := (EXECUTE IMMEDIATE 'DESCRIBE SERVICE ' || :svc);
              LET c CURSOR FOR rs;
              FOR row_ IN c DO
                LET pool STRING := row_."compute_pool";
                IF (:action = 'SUSPEND') THEN
                  EXECUTE IMMEDIATE 'ALTER SERVICE ' || :svc || ' SUSPEND';
                  EXECUTE IMMEDIATE 'ALTER COMPUTE POOL IF EXISTS ' || :pool || ' SUSPEND';
                ELSE
                  EXECUTE IMMEDIATE 'ALTER COMPUTE POOL IF EXISTS ' || :pool || ' RESUME';
                  EXECUTE IMMEDIATE 'ALTER SERVICE IF EXISTS ' || :svc || ' RESUME';
                END IF;
              END FOR;
            END;
            """))
    }

    @Test func openUsingAndFetchInto() {
        expectWebPoolSchedule(script("""
            DECLARE
              pool VARCHAR;
              c CURSOR FOR SELECT "compute_pool" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())) WHERE "name" = ?;
            BEGIN
              SHOW SERVICES;
              OPEN c USING (UPPER(SPLIT_PART(:svc, '.', 2)));
              FETCH c INTO pool;
              CLOSE c;
              IF (action = 'SUSPEND') THEN
                ALTER SERVICE IDENTIFIER(:svc) SUSPEND;
                EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || :pool || ' ' || :action;
              ELSE
                EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || :pool || ' ' || :action;
                ALTER SERVICE IDENTIFIER(:svc) RESUME;
              END IF;
            END;
            """))
    }

    @Test func selectIntoFromResultScan() {
        expectWebPoolSchedule(script("""
            DECLARE
              pool_name VARCHAR;
            BEGIN
              DESC SERVICE IDENTIFIER(:svc);
              SELECT "compute_pool" INTO :pool_name FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()));
              IF (action = 'SUSPEND') THEN
                EXECUTE IMMEDIATE 'ALTER SERVICE ' || svc || ' SUSPEND';
                EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || pool_name || ' SUSPEND';
              ELSE
                EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || pool_name || ' RESUME';
                EXECUTE IMMEDIATE 'ALTER SERVICE ' || svc || ' RESUME';
              END IF;
            END;
            """))
    }

    @Test func showServicesInComputePoolLoopsOverEachService() {
        // A procedure given a pool suspends every service in it, then the pool: one action per known row.
        let analysis = SetupScript.analyze("""
            CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE SERVICE a IN COMPUTE POOL p FROM SPECIFICATION $$x$$;
            CREATE SERVICE b IN COMPUTE POOL p FROM SPECIFICATION $$x$$;
            CREATE SERVICE c IN COMPUTE POOL other FROM SPECIFICATION $$x$$;
            CREATE PROCEDURE stop_pool(pool VARCHAR) RETURNS VARCHAR LANGUAGE SQL AS $$
            BEGIN
              SHOW SERVICES IN COMPUTE POOL IDENTIFIER(:pool);
              LET rs RESULTSET := (SELECT "name" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())));
              LET cur CURSOR FOR rs;
              FOR s IN cur DO
                EXECUTE IMMEDIATE 'ALTER SERVICE ' || s."name" || ' SUSPEND';
              END FOR;
              EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || :pool || ' SUSPEND';
            END;
            $$;
            CREATE TASK t AS CALL stop_pool('P');
            """)
        #expect(actions(analysis, "T") == ["SUSPEND SERVICE A @P", "SUSPEND SERVICE B @P", "SUSPEND COMPUTE POOL P @P"])
    }

    @Test func aServiceTheScriptDoesNotCreateNeedsItsPoolGiven() {
        let text = """
            CREATE COMPUTE POOL p1 MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE COMPUTE POOL p2 MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE PROCEDURE stop(svc VARCHAR) RETURNS VARCHAR LANGUAGE SQL AS $$
            BEGIN
              DESC SERVICE IDENTIFIER(:svc);
              LET pool VARCHAR := (SELECT "compute_pool" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())));
              EXECUTE IMMEDIATE 'ALTER SERVICE ' || :svc || ' SUSPEND';
              EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || :pool || ' SUSPEND';
            END;
            $$;
            CREATE TASK t AS CALL stop('app.legacy_svc');
            """
        let unknown = SetupScript.analyze(text)
        #expect(actions(unknown, "T") == ["SUSPEND SERVICE APP.LEGACY_SVC @?"])
        #expect(unknown.warnings.map(\.description).contains(
            "line 8: procedure STOP runs EXECUTE IMMEDIATE with text that depends on the compute pool of service "
                + "APP.LEGACY_SVC (the script does not name it: give --service-pool LEGACY_SVC=POOL), which is only "
                + "known when the code runs; any suspend or resume it performs is not counted."))
        let given = SetupScript.analyze(text, servicePools: [SetupScript.ServicePool(parsing: "legacy_svc=p2")!])
        #expect(actions(given, "T") == ["SUSPEND SERVICE APP.LEGACY_SVC @P2", "SUSPEND COMPUTE POOL P2 @P2"])
        #expect(!given.warnings.contains { $0.code == .servicePoolUnused || $0.code == .unknownObject })
    }

    @Test func anUnsetPoolVariableWithOnePoolIsAssumedAndSaid() {
        let analysis = SetupScript.analyze("""
            SET svc = 'APP.WEB';
            CREATE COMPUTE POOL only_pool MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE SERVICE IDENTIFIER($svc) IN COMPUTE POOL IDENTIFIER($pool) FROM SPECIFICATION $$x$$;
            CREATE SERVICE app.api IN COMPUTE POOL $pool_name FROM SPECIFICATION $$x$$;
            CREATE TASK t AS ALTER SERVICE app.web SUSPEND;
            """)
        #expect(analysis.services.map { "\($0.name) \($0.computePool?.description ?? "?") \($0.computePoolOrigin?.rawValue ?? "-") \($0.unsetPoolVariable ?? "-")" }
                == ["APP.WEB ONLY_POOL assumedOnlyPool POOL", "APP.API ONLY_POOL assumedOnlyPool POOL_NAME"])
        #expect(actions(analysis, "T") == ["SUSPEND SERVICE APP.WEB @ONLY_POOL"])
        #expect(analysis.warnings.filter { $0.code == .assumedComputePool }.map(\.description) == [
            "line 3: service APP.WEB runs IN COMPUTE POOL $POOL, a session variable no SET before it gives a value; "
                + "the script creates one compute pool, ONLY_POOL, so the service is taken to run in it. If it runs "
                + "elsewhere, give --service-pool WEB=POOL.",
            "line 4: service APP.API runs IN COMPUTE POOL $POOL_NAME, a session variable no SET before it gives a "
                + "value; the script creates one compute pool, ONLY_POOL, so the service is taken to run in it. If it "
                + "runs elsewhere, give --service-pool API=POOL.",
        ])
        #expect(analysis.warnings.filter { $0.code == .unsetVariable }.map(\.line) == [3, 4])
        #expect(!analysis.warnings.contains { $0.code == .unreadableStatement })
    }

    @Test func anUnsetPoolVariableWithTwoPoolsIsUnknownUntilGiven() {
        let text = """
            CREATE COMPUTE POOL p1 MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE COMPUTE POOL p2 MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            CREATE SERVICE web IN COMPUTE POOL IDENTIFIER($pool) FROM SPECIFICATION $$x$$;
            CREATE SERVICE api IN COMPUTE POOL p1 FROM SPECIFICATION $$x$$;
            CREATE TASK t AS ALTER SERVICE web SUSPEND;
            """
        let unknown = SetupScript.analyze(text)
        #expect(unknown.services[0].computePool == nil)
        #expect(unknown.warnings.filter { $0.code == .computePoolUnknown }.map(\.description) == [
            "line 3: service WEB runs IN COMPUTE POOL $POOL, a session variable no SET before it gives a value, and "
                + "the script creates 2 compute pools (P1, P2), so its pool is unknown; give --service-pool WEB=POOL.",
        ])
        let given = SetupScript.analyze(text, servicePools: [
            SetupScript.ServicePool(parsing: "web=p2")!, SetupScript.ServicePool(parsing: "api=p2")!,
            SetupScript.ServicePool(parsing: "db.sch.nothing=p1")!,
        ])
        #expect(given.services.map { "\($0.name) \($0.computePool?.description ?? "?") \($0.computePoolOrigin?.rawValue ?? "-")" }
                == ["WEB P2 given", "API P2 given"])
        #expect(actions(given, "T") == ["SUSPEND SERVICE WEB @P2"])
        #expect(given.warnings.filter { [.servicePoolGiven, .servicePoolUnused, .computePoolUnknown].contains($0.code) }
            .map(\.description) == [
                "a pool is given for service DB.SCH.NOTHING (--service-pool DB.SCH.NOTHING=P1), but the script neither "
                    + "creates that service nor suspends, resumes or describes it; it is not used. Check the service's name.",
                "line 4: service API is created in compute pool P1, but the pool given for it (--service-pool API=P2) "
                    + "is P2; P2 is used.",
            ])
    }

    @Test func manyTasksShareTheScriptsLoopBudget() {
        // Eight tasks, each two nested loops over the first 50 of 60 services: 50 × (1 + 50) = 2,550 turns a task.
        // The script follows 20,000 turns in all: tasks 1 to 7 take 17,850, task 8 the last 2,150 = 42 x turns of 51
        // (2,142), then its 43rd x turn and 7 y turns: 42 × 50 + 7 = 2,107 suspends.
        let services = (1...60).map { "CREATE SERVICE s\($0) IN COMPUTE POOL p FROM SPECIFICATION $$x$$;" }
        let tasks = (1...8).map { k in
            """
            CREATE TASK t\(k) AS
            BEGIN
              SHOW SERVICES;
              LET a RESULTSET := (SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())));
              LET c1 CURSOR FOR a;
              LET c2 CURSOR FOR a;
              FOR x IN c1 DO FOR y IN c2 DO ALTER SERVICE IDENTIFIER(y."name") SUSPEND; END FOR; END FOR;
            END;
            """
        }
        let analysis = SetupScript.analyze("""
            CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            \(services.joined(separator: "\n"))
            \(tasks.joined(separator: "\n"))
            """)
        #expect(analysis.tasks.map(\.actions.count) == Array(repeating: 2_500, count: 7) + [2_107])
        #expect(analysis.warnings.filter { $0.code == .tooManyLoopTurns }.count == 1)
    }

    @Test func servicePoolValues() {
        #expect(SetupScript.ServicePool(parsing: "db.app.\"my svc\"=POOL_1")?.description == "DB.APP.\"my svc\"=POOL_1")
        #expect(SetupScript.ServicePool(parsing: " web = p ")?.description == "WEB=P")
        for bad in ["web", "=p", "web=", "web=db.sch.p", "a.b.c.d=p", "web=p=q"] {
            #expect(SetupScript.ServicePool(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func nestedLoopsOverManyRowsStayBounded() {
        // 60 services, three nested loops over SHOW SERVICES: 50 × 50 × 50 turns without the bound (each loop follows
        // its first 50 rows). With 5,000 turns a run: an x turn costs 1 + 50 × (1 + 50) = 2,551 turns, so x turn 1
        // takes 2,551, x turn 2 is turn 2,552, and 48 y turns of 51 reach 5,000; that is 2 x turns and 50 + 48 = 98
        // y turns, which leaves 5,000 − 2 − 98 = 4,900 z turns, one SUSPEND each.
        let services = (1...60).map { "CREATE SERVICE s\($0) IN COMPUTE POOL p FROM SPECIFICATION $$x$$;" }
        let analysis = SetupScript.analyze("""
            CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            \(services.joined(separator: "\n"))
            CREATE TASK t AS
            BEGIN
              SHOW SERVICES;
              LET a RESULTSET := (SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())));
              LET c1 CURSOR FOR a;
              LET c2 CURSOR FOR a;
              LET c3 CURSOR FOR a;
              FOR x IN c1 DO FOR y IN c2 DO FOR z IN c3 DO
                EXECUTE IMMEDIATE 'ALTER SERVICE ' || z."name" || ' SUSPEND';
              END FOR; END FOR; END FOR;
            END;
            """)
        #expect(analysis.task(named: "T")!.actions.count == 4_900)
        #expect(analysis.warnings.contains { $0.code == .tooManyLoopTurns })
        #expect(!analysis.warnings.contains { $0.code == .nestingTooDeep })
    }
}
