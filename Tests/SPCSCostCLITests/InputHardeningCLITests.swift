import Foundation
import SPCSCostKit
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// The inputs of the hardening issue (items 2 and 5) through the commands: each ends with a clear error and its
/// documented exit code (65 bad input data, 64 a flag's value), where it used to abort the process or be accepted.
@Suite struct InputHardeningCLITests {
    /// Runs `arguments` and returns the exit code and message of the error it must end with.
    func failure(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async -> (Int32, String) {
        do {
            let out = try await run(arguments)
            Issue.record("expected an error; got: \(out.stdout.prefix(300))", sourceLocation: sourceLocation)
            return (0, "")
        } catch {
            return (ExitStatus.code(for: error), "\(error)")
        }
    }

    func write(_ dir: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
        let path = dir.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aPoolsFileOfOpenBracketEqualsIsExit65() async throws {
        let dir = try TemporaryDirectory()
        let pools = try write(dir, "pools.toml", "[=")
        let (code, message) = await failure(["estimate", "--pools", pools, "--period", "2024-04"])
        #expect(code == 65)
        #expect(message == "\(pools), line 1, column 2: expected a key (letters, digits, '_' or '-', or a quoted string), "
                + "found '='; check the TOML syntax")
    }

    @Test func importRefusesRowsTheCacheCannotSumAndHeaderOnlyFiles() async throws {
        let dir = try TemporaryDirectory()
        let header = "START_TIME,END_TIME,COMPUTE_POOL_NAME,CREDITS_USED\n"
        let huge = try write(dir, "huge.csv", header
            + "2024-04-09 10:00:00.000 +0000,2024-04-09 11:00:00.000 +0000,P,5000000000\n"
            + "2024-04-09 11:00:00.000 +0000,2024-04-09 12:00:00.000 +0000,P,5000000000\n")
        let cache = dir.path("cache.sqlite")
        let (code, message) = await failure(["import", huge, "--cache", cache])
        #expect(code == 65)
        #expect(message.hasPrefix("\(huge) line 2: CREDITS_USED '5000000000' is more than 100000 credits in one hour"))
        let empty = try write(dir, "empty.csv", header)
        let (emptyCode, emptyMessage) = await failure(["import", empty, "--cache", cache])
        #expect(emptyCode == 65)
        #expect(emptyMessage == "\(empty): it has a header row but no data rows; export the period again with its rows.")
    }

    @Test func explainingCenturiesIsExit64() async {
        // Allocated 7.6 GB.
        let (code, message) = await failure(["schedule", "explain", "USING CRON * * * * * UTC",
                                             "--from", "0001-01-01", "--to", "9999-12-31"])
        #expect(code == 64)
        #expect(message == "Period from 0001-01-01 to 9999-12-31 is 3652059 days; a schedule is explained at most 366 "
                + "days at a time, so explain it a year or less at a time.")
    }

    @Test func aYearIsStillExplained() async throws {
        let out = try await run(["schedule", "explain", "USING CRON 0 9 * * * UTC", "--from", "2024-01-01", "--to", "2024-12-31"])
        #expect(out.stdout.contains("366 fire times"))
    }

    static let setupSQL = """
        CREATE COMPUTE POOL web_pool
          MIN_NODES = %MIN%
          MAX_NODES = %MAX%
          INSTANCE_FAMILY = CPU_X64_XS;
        """

    @Test(arguments: [
        ("0", "1", "line 1: compute pool WEB_POOL: MIN_NODES = 0 must be at least 1 (MIN_NODES > 0)."),
        ("3", "2", "line 1: compute pool WEB_POOL: MAX_NODES = 2 must be at least MIN_NODES (3)."),
        ("1", "501", "line 1: compute pool WEB_POOL: MAX_NODES = 501 must be at most 500, the largest node limit Snowflake documents."),
    ])
    func setupSQLFollowsThePoolsFileRules(min: String, max: String, expected: String) async throws {
        // MIN_NODES = 0 printed 0 nodes and 0 credits; MIN 3 / MAX 2 became MAX 3; both exited 0.
        let dir = try TemporaryDirectory()
        let sql = try write(dir, "setup.sql", Self.setupSQL.replacingOccurrences(of: "%MIN%", with: min)
                                .replacingOccurrences(of: "%MAX%", with: max))
        let (code, message) = await failure(["estimate", "--from-sql", sql, "--period", "2024-04"])
        #expect(code == 65)
        #expect(message == "\(sql), \(expected)")
        // The pools file says the same of the same pool.
        let pools = try write(dir, "pools.toml", "[[pools]]\nname = \"WEB_POOL\"\nfamily = \"CPU_X64_XS\"\nmin_nodes = \(min)\nmax_nodes = \(max)\n")
        let (poolsCode, poolsMessage) = await failure(["estimate", "--pools", pools, "--period", "2024-04"])
        #expect(poolsCode == 65)
        #expect(poolsMessage.hasPrefix("\(pools), pool WEB_POOL, key m"))
    }

    @Test func setupSQLNestedTooDeepIsExit65() async throws {
        let dir = try TemporaryDirectory()
        let sql = try write(dir, "deep.sql", "SET pool = " + String(repeating: "(", count: 5_700) + "'P'"
                            + String(repeating: ")", count: 5_700) + ";\n" + Self.setupSQL
            .replacingOccurrences(of: "%MIN%", with: "1").replacingOccurrences(of: "%MAX%", with: "1"))
        let (code, message) = await failure(["estimate", "--from-sql", sql, "--period", "2024-04"])
        #expect(code == 65)
        #expect(message == "\(sql), line 1: parentheses, calls or scripting blocks nest deeper than 100 levels here, "
                + "more than spcs-cost reads; simplify the statement.")
    }

    @Test(arguments: [
        ["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--nodes", "0"],
        ["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--nodes", "501"],
        ["report", "--cache", "/nonexistent/cache.sqlite", "--from", "2024-04-01", "--to", "2024-04-30", "--pool", "P=CPU_X64_XS:0"],
    ])
    func nodeFlagsFollowThePoolRules(arguments: [String]) async {
        let (code, message) = await failure(arguments)
        #expect(code == 64)
        #expect(message.contains("must be at"))
    }
}
