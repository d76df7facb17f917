import Foundation
import Testing
import SPCSCostCore
@testable import SPCSCostSetupSQL

@Suite("SetupScript: statement splitting")
struct SetupScriptSplittingTests {
    /// `line-endLine: text` for each statement.
    private func split(_ text: String) -> [String] {
        SetupScript.statements(in: text).map { "\($0.line)-\($0.endLine): \($0.text)" }
    }

    @Test func semicolonsInsideStringsWithBothEscapes() {
        let text = """
            SELECT 'a;b';
            SELECT 'it''s; fine', 'back\\'slash; too';
            SELECT 3
            """
        #expect(split(text) == [
            "1-1: SELECT 'a;b'",
            "2-2: SELECT 'it''s; fine', 'back\\'slash; too'",
            "3-3: SELECT 3",
        ])
    }

    @Test func escapesDecodeToTheStringValue() {
        let analysis = SetupScript.analyze("SET a = 'it''s'; SET b = 'x\\'y\\\\z\\n';")
        #expect(analysis.variables.map(\.value) == ["it's", "x'y\\z\n"])
    }

    @Test func dollarQuotedBodyKeepsItsSemicolons() {
        let text = """
            CREATE PROCEDURE p() RETURNS INT LANGUAGE SQL AS $$
            BEGIN
              RETURN 1; -- done; really
            END;
            $$;
            SELECT '$$';
            """
        #expect(split(text) == [
            "1-5: CREATE PROCEDURE p() RETURNS INT LANGUAGE SQL AS $$\nBEGIN\n  RETURN 1; -- done; really\nEND;\n$$",
            "6-6: SELECT '$$'",
        ])
    }

    @Test func commentsWithSemicolonsAreNotStatements() {
        let text = """
            -- setup; part 1
            SELECT 1; // trailing; comment
            /* block;
               comment; */ SELECT '-- not a comment; really';
            SELECT "odd;name" FROM t
            """
        #expect(split(text) == [
            "2-2: SELECT 1",
            "4-4: SELECT '-- not a comment; really'",
            "5-5: SELECT \"odd;name\" FROM t",
        ])
    }

    @Test func unquotedProcedureWithNestedBlocksIsOneStatement() {
        let text = """
            CREATE OR REPLACE PROCEDURE p(s VARCHAR)
              RETURNS VARCHAR LANGUAGE SQL
            AS
            DECLARE
              n INTEGER DEFAULT 0;
              c1 CURSOR FOR SELECT 1;
            BEGIN
              IF (s = 'A') THEN
                BEGIN
                  n := CASE WHEN n > 1 THEN 1 ELSE 2 END;
                END;
              ELSEIF (s = 'B') THEN
                CASE (s)
                  WHEN 'B' THEN n := 3;
                END CASE;
              END IF;
              FOR i IN 1 TO 3 DO n := n + 1; END FOR;
              FOR j IN 1 TO 3 LOOP n := n + 1; END LOOP;
              WHILE (n < 10) DO n := n + 1; END WHILE;
              LOOP BREAK; END LOOP;
              REPEAT n := n - 1; UNTIL (n < 0) END REPEAT;
              RETURN REPEAT('x', n);
            EXCEPTION
              WHEN OTHER THEN RETURN 'failed; see log';
            END;
            CREATE TASK IF NOT EXISTS t SCHEDULE = '5 MINUTES' AS BEGIN CALL p('A'); END;
            BEGIN;
            BEGIN TRANSACTION;
            SELECT 4
            """
        let statements = SetupScript.statements(in: text)
        #expect(statements.map { "\($0.line)-\($0.endLine)" } == ["1-25", "26-26", "27-27", "28-28", "29-29"])
        #expect(statements[1].text == "CREATE TASK IF NOT EXISTS t SCHEDULE = '5 MINUTES' AS BEGIN CALL p('A'); END")
        #expect(statements[2].text == "BEGIN")
    }

    @Test func snowSQLClientCommandEndsAtItsLine() {
        let text = """
            !set variable_substitution=true
            SELECT 1;
            """
        #expect(split(text) == ["1-1: !set variable_substitution=true", "2-2: SELECT 1"])
    }

    @Test func unclosedBlockFallsBackToEverySemicolon() {
        let text = """
            CREATE PROCEDURE p() RETURNS INT LANGUAGE SQL AS
            BEGIN
              IF (1 = 1) THEN RETURN 1;
            END;
            CREATE COMPUTE POOL q MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;
            """
        #expect(split(text) == [
            "1-3: CREATE PROCEDURE p() RETURNS INT LANGUAGE SQL AS\nBEGIN\n  IF (1 = 1) THEN RETURN 1",
            "4-4: END",
            "5-5: CREATE COMPUTE POOL q MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS",
        ])
        let analysis = SetupScript.analyze(text)
        #expect(analysis.pools.map(\.name) == [sqlName("Q")])
        #expect(analysis.warnings.first == SetupScript.Warning(
            line: 2, code: .unclosedBlock,
            message: "BEGIN opens a block that is never closed with END; from the statement holding it to the end of "
                + "the script, every ';' ends a statement."))
    }

    @Test func emptyAndCommentOnlyInputHaveNoStatements() {
        #expect(split("") == [])
        #expect(split("  -- nothing here;\n/* nor; here */ ;;\n") == [])
    }
}
