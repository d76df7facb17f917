import Foundation
import Testing
import SPCSCostCore
@testable import SPCSCostSetupSQL

@Suite("SetupScript: tolerance")
struct SetupScriptRobustnessTests {
    @Test func garbageGivesAReportNotACrash() {
        let analysis = SetupScript.analyze("""
            hello world;
            12 + ) ( ;
            CREATE COMPUTE POOL;
            ALTER TASK nowhere RESUME;
            SELECT 'never closed
            """)
        #expect(analysis.pools == [])
        #expect(analysis.tasks == [])
        #expect(analysis.statementCount == 5)
        #expect(analysis.skipped.map { "\($0) [\($0.reason.rawValue)]" } == [
            "line 1: hello world [notUnderstood]",
            "line 2: 12 + ) ( [notUnderstood]",
            "line 3: CREATE COMPUTE POOL [notUnderstood]",
            "line 4: ALTER TASK nowhere RESUME [notUnderstood]",
            "line 5: SELECT 'never closed [notAboutCost]",
        ])
        #expect(analysis.warnings.map(\.description) == [
            "line 3: CREATE COMPUTE POOL has no object name the reader can read; the statement is not used.",
            "line 4: ALTER TASK NOWHERE: this script does not create task NOWHERE; the statement is not applied.",
            "line 5: A string opened here is never closed; the rest of the script is read as part of it.",
        ])
    }

    @Test func emptyScriptHasNothing() {
        let analysis = SetupScript.analyze("")
        #expect(analysis == SetupScript.Analysis(
            pools: [], services: [], warehouses: [], procedures: [], tasks: [], variables: [], manualActions: [],
            skipped: [], warnings: [], statementCount: 0))
    }

    @Test func anyCaseAndSpacingReadTheSame() {
        let tidy = SetupScript.analyze(
            "CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 3 INSTANCE_FAMILY = CPU_X64_S AUTO_SUSPEND_SECS = 0;")
        let messy = SetupScript.analyze("""
            create   or replace
              compute
            pool   P auto_suspend_secs=0
                   Instance_Family=cpu_x64_s max_nodes
                   =3 MIN_nodes=   1
            """)
        #expect(messy.pools.map { [$0.instanceFamily, $0.minNodes.map(String.init), $0.maxNodes.map(String.init),
                                   String($0.autoSuspendSeconds)] } == [["CPU_X64_S", "1", "3", "0"]])
        #expect(messy.pools.map(\.name) == tidy.pools.map(\.name))
        #expect(messy.pools.first?.line == 1)
    }

    @Test func keywordsUsedAsPropertyNamesDoNotStopTheReader() {
        let analysis = SetupScript.analyze("""
            CREATE SERVICE s IN = 5 IN COMPUTE POOL p FROM @st SPECIFICATION_FILE = 'x' MIN_INSTANCES = 2;
            CREATE TASK t EXECUTE = 1 WHEN = 2 SCHEDULE = '5 MINUTES' AS ALTER SERVICE s RESUME;
            """)
        #expect(analysis.services.map { "\($0.name) \($0.computePool?.description ?? "?") \($0.minInstances ?? 0)" }
                == ["S P 2"])
        #expect(analysis.tasks.map { "\($0.name) \($0.schedule ?? "-") \($0.actions)" }
                == ["T 5 MINUTES [RESUME SERVICE S]"])
    }

    @Test func crlfLineEndingsGiveTheSameAnalysis() throws {
        let text = try setupSQLFixture("jupyterlab-setup.sql")
        #expect(SetupScript.analyze(text.replacingOccurrences(of: "\n", with: "\r\n")) == SetupScript.analyze(text))
    }

    @Test func unreadablePropertyValuesAreReportedAndSkipped() {
        let analysis = SetupScript.analyze("""
            CREATE COMPUTE POOL p MIN_NODES = 'one' MAX_NODES = $max AUTO_RESUME = maybe INSTANCE_FAMILY = CPU_X64_XS;
            """)
        #expect(analysis.pools.map { [$0.minNodes, $0.maxNodes] } == [[nil, nil]])
        #expect(analysis.pools.map(\.autoResume) == [true])
        #expect(analysis.warnings.map(\.description) == [
            "line 1: CREATE COMPUTE POOL P: MIN_NODES = 'one' is not a whole number; it is not applied.",
            "line 1: session variable $MAX is used but no SET before this line gives it a value.",
            "line 1: CREATE COMPUTE POOL P: MAX_NODES depends on $MAX, which is not set; it is not applied.",
            "line 1: CREATE COMPUTE POOL P: AUTO_RESUME = 'MAYBE' is not TRUE or FALSE; it is not applied.",
        ])
    }

    @Test func executeImmediateOnUnknownTextIsReported() {
        let analysis = SetupScript.analyze("""
            CREATE PROCEDURE stop_all() RETURNS STRING LANGUAGE SQL AS
            DECLARE
              c1 CURSOR FOR SELECT name FROM services;
            BEGIN
              FOR rec IN c1 DO
                EXECUTE IMMEDIATE 'ALTER SERVICE ' || rec.name || ' SUSPEND';
              END FOR;
            END;
            CREATE TASK t AS CALL stop_all();
            """)
        #expect(analysis.task(named: "T")?.actions == [])
        #expect(analysis.warnings.map(\.description) == [
            "line 6: procedure STOP_ALL runs EXECUTE IMMEDIATE with text that depends on REC.NAME, which is only "
                + "known when the code runs; any suspend or resume it performs is not counted.",
            "line 9: task T suspends or resumes no service or compute pool the reader can see; it does not change "
                + "what the pools cost.",
        ])
    }

    @Test func randomTextNeverBreaksTheReader() {
        // A fixed linear congruential sequence over characters that matter to the lexer and splitter.
        let alphabet = Array("abcBEGINENDIFCASE;'\"$/*-\n ()=:.,|\\")
        var state: UInt64 = 0x5EED
        var text = ""
        for _ in 0..<4000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text.append(alphabet[Int(state >> 33) % alphabet.count])
        }
        let analysis = SetupScript.analyze(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(analysis.statementCount == SetupScript.statements(in: text).count)
        #expect(analysis.skipped.allSatisfy { (1...lines).contains($0.line) })
        #expect(analysis.warnings.allSatisfy { ($0.line ?? 1) >= 1 && ($0.line ?? 1) <= lines })
    }
}
