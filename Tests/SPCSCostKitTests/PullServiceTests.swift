import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// `pull` end to end over real HTTP against the project's loopback SQL API server: the views into the cache, the
/// window, the rate-sheet skip, and that a failed pull leaves the cache as it was.
@Suite struct PullServiceTests {
    static let keys = Repository.root.appendingPathComponent("Tests/SnowflakeSQLAPITests/Resources")
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment
    /// A copy of the test key with mode 0600 (git keeps 0644, which a key-pair connection refuses).
    let key: String

    init() throws {
        let pem = try String(contentsOf: Self.keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)
        // Client and server share one fixed clock, so the JWT's iat/exp agree with the server's checks.
        let now = ISO8601DateFormatter().date(from: "2024-04-03T00:00:00Z")!
        server = try SnowflakeTestServer(identity: .init(publicKeysPEM: [pem]), now: { now })
        home = try TemporaryDirectory()
        key = home.path("rsa_key.p8")
        try FileManager.default.copyItem(atPath: Self.keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let toml = """
            [test]
            account = "myorg-myaccount"
            user = "spcs_cost"
            authenticator = "SNOWFLAKE_JWT"
            private_key_file = "\(key)"
            host = "127.0.0.1"
            port = \(server.baseURL.port!)
            protocol = "http"
            """
        try FileManager.default.createDirectory(atPath: home.path("sf"), withIntermediateDirectories: true)
        try Data(toml.utf8).write(to: URL(fileURLWithPath: home.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home.path("sf/connections.toml"))
        env = try testEnvironment(now: "2024-04-03T00:00:00Z", variables: ["SNOWFLAKE_HOME": home.path("sf")])
        // 2024-04-01T01:00Z = 1711933200 s; 48 hourly rows for two pools, 0.11 and 0.055 credits.
        var rows: [[String?]] = []
        for h in 0..<48 {
            let start = 1_711_933_200 + h * 3600
            rows.append(["\(start).000000000", "\(start + 3600).000000000", h % 2 == 0 ? "A" : "B", "7", "false", nil, nil,
                         h % 2 == 0 ? "0.110000000" : "0.055000000"])
        }
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("COMPUTE_POOL_ID"), .boolean("IS_EXCLUSIVE"), .text("APPLICATION_NAME"),
                      .fixed("APPLICATION_ID"), .fixed("CREDITS_USED", precision: 38, scale: 9)],
            rows: rows, partitionSizes: [10, 20, 18]))
        server.register("COMPUTE_POOLS", result: TestResult(
            columns: [.text("NAME"), .fixed("ID"), .text("INSTANCE_FAMILY"), .fixed("MIN_NODES"), .fixed("MAX_NODES")],
            rows: [["A", "7", "CPU_X64_XS", "1", "2"]]))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory(
            [["19814", "1.980000000", "0.001980000", "1.981980000", "0.000000000", "1.981980000"]]))
    }

    func service() -> PullService {
        PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
    }

    @Test func everyViewLandsInOneLoad() async throws {
        server.register("RATE_SHEET_DAILY") { _ in
            .failure(status: 422, code: "002003", sqlState: "02000",
                     message: "SQL compilation error:\nObject 'SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY' does not exist or not authorized.")
        }
        let cache = try UsageCache(.memory)
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        let s = try await service().pull(options, into: cache)
        // 48 rows in three partitions: 24 × 0.11 + 24 × 0.055 = 3.96 credits.
        #expect(s.historyRows == 48 && s.inserted == 48)
        #expect(s.statements[0].partitions == 3)
        #expect(try cache.records().reduce(NanoCredits.zero) { $0 + $1.creditsUsed }.value == 3_960_000_000)
        #expect(try cache.computePools().map(\.instanceFamily) == ["CPU_X64_XS"])
        // The role cannot read the rate sheet: skipped with a note, not a failure.
        #expect(s.statements.first { $0.view.hasSuffix("RATE_SHEET_DAILY") }?.skipped?.contains("002003") == true)
        let load = try #require(try cache.loads().last)
        #expect(load.kind == "pull" && load.source == "test" && load.rowCount == 48)
        #expect(load.details?.contains(s.statements[0].statementHandle!) == true)
        // The window was bound as TIMESTAMP_LTZ nanoseconds from 2024-04-01T00:00Z.
        let submitted = try #require(server.requests.first { $0.body.contains("SNOWPARK_CONTAINER_SERVICES_HISTORY") })
        #expect(submitted.body.contains("1711929600000000000"))
    }

    @Test func theNextPullStartsAtTheWatermarkMinusTheLookback() async throws {
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        let cache = try UsageCache(.memory)
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        _ = try await service().pull(options, into: cache)
        options.since = nil
        let again = try await service().pull(options, into: cache)
        // Newest END_TIME 2024-04-03T01:00Z minus 24 h = 2024-04-02T01:00Z (1712019600 s).
        #expect(again.windowStart == "2024-04-02T01:00:00Z")
        #expect(again.inserted == 0 && again.unchanged == 48)
    }

    @Test func aFailedPullLeavesTheCacheExactlyAsItWas() async throws {
        let cache = try UsageCache(.memory)
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        // Every statement runs, but the last result cannot be read (no CURRENCY column): nothing is written.
        server.register("RATE_SHEET_DAILY", result: TestResult(columns: [.date("DATE")], rows: [["19814"]]))
        await #expect(throws: PullService.DataError.self) { try await service().pull(options, into: cache) }
        #expect(try cache.records().isEmpty && cache.computePools().isEmpty && cache.loads().isEmpty)
        // A server error in the middle of the history's partitions (a 500 is resubmitted once; the second is
        // final): nothing is written.
        server.inject(.status(500), on: .statement("SNOWPARK_CONTAINER_SERVICES_HISTORY", on: .partition(2)), times: 2)
        await #expect(throws: SQLAPIError.self) { try await service().pull(options, into: cache) }
        #expect(try cache.records().isEmpty && cache.loads().isEmpty)
        // The last statement of the pull's order failing while the others have arrived: nothing is written either.
        server.inject(.status(500), on: .statement("METERING_DAILY_HISTORY", on: .submit), times: 2)
        await #expect(throws: SQLAPIError.self) { try await service().pull(options, into: cache) }
        #expect(try cache.records().isEmpty && cache.computePools().isEmpty && cache.loads().isEmpty)
    }

    /// The statements of one account are submitted at once (at most `maxConcurrentStatements`): with every
    /// submission held 1.5 s by the server, the first four arrive before the first is answered (by the server's
    /// request timestamps); the history, held longest, arrives last, yet the summary and the cache take the
    /// statements in their fixed order and whole.
    @Test(.timeLimit(.minutes(1)))
    func statementsOfOneAccountOverlapAndLandInOrder() async throws {
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        server.inject(.delay(milliseconds: 1_500), on: .submit, times: 15)
        server.inject(.delay(milliseconds: 2_500), on: .statement("SNOWPARK_CONTAINER_SERVICES_HISTORY", on: .submit))
        let cache = try UsageCache(.memory)
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        #expect(options.maxConcurrentStatements == 4)
        let s = try await service().pull(options, into: cache)
        let submits = server.requests.filter { $0.method == "POST" && $0.path == "/api/v2/statements" }
        // Nine statements, the four block storage and transfer views, then SHOW WAREHOUSES and SHOW NOTEBOOKS.
        #expect(submits.count == 15)
        let first = try #require(submits.first).receivedUptimeSeconds
        // Submissions 2 to 4 arrived while the first was still held (1.5 s or more): they overlapped in time.
        #expect(submits.prefix(4).allSatisfy { $0.receivedUptimeSeconds - first < 1.5 })
        #expect(server.maxConcurrentRequests >= 4)
        #expect(s.statements.map(\.view) == [
            "SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY", "SNOWFLAKE.ACCOUNT_USAGE.COMPUTE_POOLS",
            "SNOWFLAKE.ACCOUNT_USAGE.METERING_DAILY_HISTORY", "SNOWFLAKE.ACCOUNT_USAGE.NOTEBOOKS_CONTAINER_RUNTIME_HISTORY",
            "SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY",
            "SNOWFLAKE.ACCOUNT_USAGE.TASK_HISTORY", "SNOWFLAKE.ACCOUNT_USAGE.SERVERLESS_TASK_HISTORY",
            "SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY",
            "SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY",
            "SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_HISTORY",
            "SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_SNAPSHOTS", "SNOWFLAKE.ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY",
            "SNOWFLAKE.ACCOUNT_USAGE.DATA_TRANSFER_HISTORY", "SHOW WAREHOUSES", "SHOW NOTEBOOKS IN ACCOUNT",
        ])
        #expect(s.inserted == 48 && s.statements[0].partitions == 3)
        #expect(try cache.records().reduce(NanoCredits.zero) { $0 + $1.creditsUsed }.value == 3_960_000_000)
        #expect(try cache.computePools().count == 1 && cache.loads().count == 1)
    }

    /// A statement that never finishes: the pull stops at its deadline (2 s here, on the real clock), cancels the
    /// statement, and leaves the cache as it was.
    @Test(.timeLimit(.minutes(1)))
    func aPullEndsAtItsDeadline() async throws {
        let live = try SnowflakeTestServer(
            identity: .init(publicKeysPEM: [try String(contentsOf: Self.keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)]),
            now: { Date() })
        live.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(columns: [.text("X")], rows: []))
        live.inject(.acceptedForever, on: .statement("SNOWPARK_CONTAINER_SERVICES_HISTORY", on: .submit))
        let toml = try String(contentsOfFile: home.path("sf/connections.toml"), encoding: .utf8)
            .replacingOccurrences(of: "port = \(server.baseURL.port!)", with: "port = \(live.baseURL.port!)")
        try Data(toml.utf8).write(to: URL(fileURLWithPath: home.path("sf/connections.toml")))
        let realClock = Environment(now: { Date() }, variables: env.variables, homeDirectory: env.homeDirectory,
                                    currentDirectory: env.currentDirectory, catalog: env.catalog)
        let cache = try UsageCache(.memory)
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        options.deadlineSeconds = 2
        #expect(PullOptions().deadlineSeconds == 1800)
        let error = await #expect(throws: SQLAPIError.self) {
            try await PullService(env: realClock, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
                .pull(options, into: cache)
        }
        guard case let .deadlineExceeded(_, purpose, deadline, _, detail)? = error else {
            Issue.record("expected deadlineExceeded, got \(String(describing: error))")
            return
        }
        #expect(purpose == "waiting for the statement to finish" && deadline == 2)
        #expect(detail.hasSuffix("so it was cancelled"))
        // The held statement was cancelled (the pull's other statements, answered at once, may still land after the
        // cancel on a loaded machine, so the cancel need not be the last request).
        #expect(live.requests.filter { $0.path.hasSuffix("/cancel") }.count == 1)
        #expect(try cache.records().isEmpty && cache.loads().isEmpty)
    }

    /// A key readable by others, allowed by SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: the pull warns at once.
    @Test func aKeyReadableByOthersIsAWarningWithTheSkipVariable() async throws {
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        var options = PullOptions()
        options.connectionName = "test"
        options.since = CivilDate("2024-04-01")
        await #expect(throws: ConfigError.self) { try await service().pull(options, into: try UsageCache(.memory)) }
        let skipping = try testEnvironment(now: "2024-04-03T00:00:00Z", variables: [
            "SNOWFLAKE_HOME": home.path("sf"), "SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION": "true",
        ])
        let warned = Lines()
        let summary = try await PullService(env: skipping, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: try UsageCache(.memory), warn: warned.append)
        let expected = "\(key) has permissions 644 and is readable by group or others; run 'chmod 0600 \(key)'."
        #expect(warned.all == [expected])
        #expect(summary.warnings == [expected])
        #expect(!String(decoding: try JSONEncoder().encode(summary), as: UTF8.self).contains("warnings"))
    }
}

/// Collects lines from a `@Sendable` callback.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var all: [String] { lock.withLock { lines } }
    var append: @Sendable (String) -> Void { { [self] line in lock.withLock { lines.append(line) } } }
}
