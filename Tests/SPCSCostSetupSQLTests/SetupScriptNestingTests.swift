import Foundation
import Testing
import SPCSCostCore
@testable import SPCSCostSetupSQL

/// Nesting limits of the setup SQL reader (hardening issue, item 2): the inputs of the issue end with a warning,
/// not a stack overflow or minutes of work, and nesting up to the limit is still followed.
@Suite("SetupScript: nesting limits")
struct SetupScriptNestingTests {
    let limit = SetupScript.maximumNesting

    func nested(_ depth: Int, _ inner: String = "'JUPYTER_POOL'") -> String {
        String(repeating: "(", count: depth) + inner + String(repeating: ")", count: depth)
    }

    @Test func fiveThousandSevenHundredParenthesesAreAWarningNotAStackOverflow() throws {
        let analysis = SetupScript.analyze("SET pool = \(nested(5_700));\nCREATE COMPUTE POOL IDENTIFIER($pool) MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;")
        let warning = try #require(analysis.warnings.first { $0.code == .nestingTooDeep })
        #expect(warning.line == 1)
        #expect(warning.message == "an expression nests parentheses or calls deeper than \(limit) levels; spcs-cost does not follow it.")
    }

    @Test func parenthesesUpToTheLimitAreFollowed() {
        let analysis = SetupScript.analyze("SET pool = \(nested(limit - 1));\nCREATE COMPUTE POOL IDENTIFIER($pool) MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;")
        #expect(analysis.warnings.isEmpty)
        #expect(analysis.pools.map(\.name.object) == ["JUPYTER_POOL"])
    }

    @Test func nestedFunctionCallsAndSignsCountToo() {
        let calls = String(repeating: "UPPER(", count: 10_000) + "'p'" + String(repeating: ")", count: 10_000)
        #expect(SetupScript.analyze("SET a = \(calls);").warnings.contains { $0.code == .nestingTooDeep })
        // Long runs of NOT and unary minus are read in a loop, not by recursion: no limit is needed for them.
        let nots = String(repeating: "NOT ", count: 100_000) + "TRUE"
        #expect(!SetupScript.analyze("SET a = \(nots);").warnings.contains { $0.code == .nestingTooDeep })
        #expect(!SetupScript.analyze("SET a = \(String(repeating: "- ", count: 100_000))1;").warnings.contains { $0.code == .nestingTooDeep })
    }

    static func procedure(blocks: Int) -> String {
        "CREATE PROCEDURE p() RETURNS STRING LANGUAGE SQL AS\n" + String(repeating: "BEGIN\n", count: blocks)
            + "ALTER COMPUTE POOL web_pool SUSPEND;\n" + String(repeating: "END;\n", count: blocks)
            + "CREATE COMPUTE POOL web_pool MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;\n"
            + "CREATE TASK t SCHEDULE = '60 MINUTES' AS CALL p();\nALTER TASK t RESUME;\n"
    }

    @Test func twentyThousandNestedBeginBlocksAreAWarning() throws {
        // Took minutes: every level rescanned the whole body.
        let analysis = SetupScript.analyze(Self.procedure(blocks: 20_000))
        let warning = try #require(analysis.warnings.first { $0.code == .nestingTooDeep })
        #expect(warning.line == 2 + limit)
        #expect(analysis.task(named: "T")?.actions.isEmpty == true)
    }

    @Test func blocksUpToTheLimitAreFollowed() {
        let analysis = SetupScript.analyze(Self.procedure(blocks: limit))
        #expect(!analysis.warnings.contains { $0.code == .nestingTooDeep })
        #expect(analysis.task(named: "T")?.actions.map { "\($0.verb)" } == ["suspend"])
    }

    @Test(arguments: [
        ("abc", "abc", true), ("abc", "a%", true), ("abc", "%c", true), ("abc", "%b%", true), ("abc", "a_c", true),
        ("abc", "a_", false), ("abc", "%d%", false), ("", "%", true), ("", "_", false), ("aXbXc", "a%b%c", true),
        ("mississippi", "%iss%ppi", true), ("mississippi", "m%s%s%i", true), ("mississippi", "%s%s%s%s%x", false),
    ])
    func likeMatchesAsSQLDoes(text: String, pattern: String, matches: Bool) {
        #expect(SetupScript.ExpressionReader.like(Array(text), Array(pattern)) == matches)
    }

    @Test func likeOnLongTextsNeedsNoRecursionOrTable() {
        let text = Array(String(repeating: "a", count: 200_000))
        let pattern = Array(String(repeating: "%a", count: 1_000) + "%b")
        #expect(!SetupScript.ExpressionReader.like(text, pattern))
        #expect(SetupScript.ExpressionReader.like(text, Array(String(repeating: "%a", count: 1_000) + "%")))
    }
}
