import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import Testing

/// The client against the loopback test server over real HTTP (libcurl to 127.0.0.1).
@Suite struct ClientTests {
    static let requestID = "11111111-2222-4333-8444-555555555555"

    /// Ten hourly SPCS usage rows of April 2024, 2024-04-01T00:00:00Z = 1,711,929,600 s, one hour apart.
    static let usage: TestResult = {
        let rows: [[String?]] = (0..<10).map { hour in
            let start = 1_711_929_600 + hour * 3600
            return ["\(start).000000000", "\(start + 3600).000000000", hour % 2 == 0 ? "TOKYO_XS_POOL" : "LA_GPU_POOL",
                    hour == 9 ? nil : "0.11000000\(hour)"]
        }
        return TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("CREDITS_USED", precision: 38, scale: 9)],
            rows: rows, partitionSizes: [2, 3, 4, 1])
    }()

    static let usageSQL = "SELECT START_TIME, END_TIME, COMPUTE_POOL_NAME, CREDITS_USED FROM SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY WHERE END_TIME > ?"

    static func usageStatement() -> SQLStatement {
        SQLStatement(usageSQL, bindings: [.timestampLTZ(EpochTimestamp(seconds: 1_711_929_600))], timeoutSeconds: 600)
    }

    /// Nano-credits of every row in delivery order (nil for NULL).
    static func credits(_ partitions: [ResultPartition]) throws -> [Int64?] {
        try partitions.flatMap { try $0.map { try $0.scaledInteger(3, scale: 9) } }
    }

    @Test func submitsTheDocumentedRequest() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: Self.usage)
        _ = try await harness.client.query(Self.usageStatement())

        let post = try #require(harness.server.requests.first)
        #expect(post.method == "POST")
        #expect(post.path == "/api/v2/statements")
        #expect(post.query == ["requestId": Self.requestID])
        #expect(post.header("Content-Type") == "application/json")
        #expect(post.header("Accept") == "application/json")
        #expect(post.header("User-Agent") == "spcs-cost/0.1.0")
        #expect(post.header("X-Snowflake-Authorization-Token-Type") == "KEYPAIR_JWT")
        #expect(post.header("Authorization") == "Bearer <redacted>")
        // Body keys sorted; the LTZ binding is epoch nanoseconds: 1,711,929,600 s × 1e9.
        #expect(post.body == #"{"bindings":{"1":{"type":"TIMESTAMP_LTZ","value":"1711929600000000000"}},"parameters":{"TIMEZONE":"UTC"},"role":"SPCS_COST_READER","statement":"\#(Self.usageSQL)","timeout":600,"warehouse":"COST_WH"}"#)
        // iat = the test clock 1,775,001,600 − 60 s = 1,775,001,540; exp = iat + 3,540 s (59 minutes).
        #expect(post.jwtClaims == [
            "sub": "MYORG-MYACCOUNT.SPCS_COST", "iss": "MYORG-MYACCOUNT.SPCS_COST.\(Fixtures.fingerprint)",
            "iat": "1775001540", "exp": "1775005080",
        ])
    }

    @Test func fetchesEveryPartitionInOrderAndChecksCounts() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: Self.usage)
        var partitions: [ResultPartition] = []
        let summary = try await harness.client.execute(Self.usageStatement()) { partitions.append($0) }

        #expect(partitions.map(\.index) == [0, 1, 2, 3])
        #expect(partitions.map(\.count) == [2, 3, 4, 1])
        #expect(summary.rowCount == 10)
        #expect(summary.partitionCount == 4)
        #expect(summary.metadata.numRows == 10)
        #expect(summary.metadata.partitions.map(\.rowCount) == [2, 3, 4, 1])
        #expect(summary.statementHandle == "01c79a10-0001-ac43-0000-000000000001")
        #expect(summary.requestID.uuidString.lowercased() == Self.requestID)
        #expect(summary.createdOn == TestClock.start)
        #expect(summary.metadata.columns.map(\.type) == [.timestampLTZ, .timestampLTZ, .text, .fixed])
        // Row h: 0.11000000h credits = 110,000,00h nano-credits; row 9 is NULL.
        #expect(try Self.credits(partitions) == (0..<9).map { 110_000_000 + Int64($0) } + [nil])
        #expect(try partitions[3][0].timestamp(0) == EpochTimestamp(seconds: 1_711_929_600 + 9 * 3600))
        #expect(partitions[1][0].text(2) == "TOKYO_XS_POOL")

        let gets = harness.server.requests.dropFirst()
        // Fetched concurrently, so they may arrive in any order.
        #expect(gets.compactMap { $0.query["partition"] }.sorted() == ["1", "2", "3"])
        #expect(gets.allSatisfy { $0.path == "/api/v2/statements/\(summary.statementHandle)" && $0.status == 200 })
        // libcurl advertises gzip, and partitions >= 1 arrived gzip-encoded (the server always gzips them).
        #expect(gets.allSatisfy { $0.header("Accept-Encoding")?.contains("gzip") == true })
    }

    @Test func boundedConcurrencyStillDeliversInOrder() async throws {
        let harness = try Harness(options: SQLAPIClientOptions(maxConcurrentPartitions: 2))
        var result = Self.usage
        result.partitionSizes = [1, 1, 2, 2, 1, 2, 1]
        harness.server.register("SNOWPARK", result: result)
        // Every partition fetch takes 200 ms, and partition 1 another 300 ms, so partition 2 overtakes it and
        // must wait in the buffer; with two slots, fetches overlap but never more than two at a time.
        harness.server.inject(.delay(milliseconds: 200), on: .partition(nil), times: 6)
        harness.server.inject(.delay(milliseconds: 300), on: .partition(1))
        var order: [Int] = []
        _ = try await harness.client.execute(Self.usageStatement()) { order.append($0.index) }
        #expect(order == [0, 1, 2, 3, 4, 5, 6])
        #expect(harness.server.maxConcurrentRequests == 2)
    }

    /// The partition window (default 8) starts as soon as the first response names the partitions: the fetches are
    /// on the wire while the caller still stores partition 0, and never more than the window at once.
    @Test func theWindowStartsBeforePartitionZeroIsStored() async throws {
        #expect(SQLAPIClientOptions().maxConcurrentPartitions == 8)
        let harness = try Harness()
        var result = Self.usage
        result.rows = Array(repeating: result.rows[0], count: 20)
        result.partitionSizes = Array(repeating: 1, count: 20)
        harness.server.register("SNOWPARK", result: result)
        harness.server.inject(.delay(milliseconds: 200), on: .partition(nil), times: 19)
        var fetchesWhileStoringZero = 0
        var order: [Int] = []
        _ = try await harness.client.execute(Self.usageStatement()) { partition in
            if partition.index == 0 {
                // Wait (up to 2 s) until the server has seen the first window's fetches.
                for _ in 0..<200 where harness.server.requests.count < 9 { try await Task.sleep(nanoseconds: 10_000_000) }
                fetchesWhileStoringZero = harness.server.requests.count - 1
            }
            order.append(partition.index)
        }
        #expect(fetchesWhileStoringZero == 8)
        #expect(order == Array(0..<20))
        #expect(harness.server.maxConcurrentRequests == 8)
    }

    @Test func emptyResultIsOnePartitionOfNoRows() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: TestResult(columns: Self.usage.columns, rows: []))
        let result = try await harness.client.query(Self.usageStatement())
        #expect(result.summary.rowCount == 0)
        #expect(result.summary.partitionCount == 1)
        #expect(Array(result.rows).isEmpty)
    }

    /// 202, then polls whose waits grow ×2 from 0.25 s up to the 5 s cap: 0.25, 0.5, 1, 2, 4, 5.
    @Test func acceptedStatementIsPolledWithGrowingInterval() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.accepted(polls: 5), on: .submit)
        let result = try await harness.client.query(Self.usageStatement())
        #expect(result.summary.rowCount == 10)
        #expect(harness.sleeper.delays == [0.25, 0.5, 1, 2, 4, 5])
        let statuses = harness.server.requests.map(\.status)
        #expect(statuses == [202, 202, 202, 202, 202, 202, 200, 200, 200, 200])
        #expect(harness.server.requests[1].query.isEmpty)  // a status poll, not a partition fetch
    }

    @Test func status422CarriesSnowflakeCodeAndMessage() async throws {
        let harness = try Harness()
        harness.server.register("SELEC ", respond: { _ in .compilationError("syntax error line 1 at position 0 unexpected 'SELEC'.") })
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(SQLStatement("SELEC 1")) }
        #expect(error == .statementFailed(
            statement: "SELEC 1",
            error: SnowflakeErrorBody(
                code: "001003", message: "SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'.",
                sqlState: "42000", statementHandle: "01c79a10-0001-ac43-0000-000000000001")))
        #expect(error?.snowflakeCode == "001003")
        #expect(error?.description == "Snowflake rejected the statement 'SELEC 1' (code 001003, SQLSTATE 42000): SQL compilation error: syntax error line 1 at position 0 unexpected 'SELEC'.. Fix the SQL or grant the missing privilege, then run it again.")
        #expect(harness.server.requests.count == 1)
    }

    /// The statement ran into its timeout: resubmitted once with the same requestId and retry=true, which answers
    /// the same cancelled statement (nothing runs twice), so the second 408 is final.
    @Test func status408IsResubmittedOnceThenFinal() async throws {
        let harness = try Harness()
        harness.server.register("SYSTEM\\$WAIT", respond: { _ in .timeout(seconds: 2) })
        let error = await #expect(throws: SQLAPIError.self) {
            try await harness.client.query(SQLStatement("CALL SYSTEM$WAIT(10)", timeoutSeconds: 2))
        }
        guard case let .statementTimedOut(_, timeout, body)? = error else {
            Issue.record("expected statementTimedOut, got \(String(describing: error))")
            return
        }
        #expect(timeout == 2)
        #expect(body.code == "000630")
        #expect(body.sqlState == "57014")
        #expect(harness.server.requests.map(\.status) == [408, 408])
        #expect(harness.server.requests.map(\.query) == [
            ["requestId": Self.requestID], ["requestId": Self.requestID, "retry": "true"],
        ])
        #expect(harness.server.executions(requestID: Self.requestID) == 1)
    }

    @Test func status400ForARoleNotGranted() async throws {
        let identity = SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")], grantedRoles: ["PUBLIC"])
        let harness = try Harness(identity: identity)
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(SQLStatement("SELECT 1")) }
        guard case let .badRequest(_, body)? = error else {
            Issue.record("expected badRequest, got \(String(describing: error))")
            return
        }
        #expect(body.code == "390186")
        #expect(body.statementHandle == nil)
        #expect(error?.description.contains("The role is not granted to the user") == true)
    }

    @Test func status401ForAWrongPATIsNotRetried() async throws {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(programmaticAccessTokens: ["pat-good-000"]), now: clock.function)
        let log = LogLines()
        let client = SQLAPIClient(
            baseURL: server.baseURL, context: SessionContext(),
            credentials: try StaticTokenProvider(tokenType: .programmaticAccessToken, token: Secret("pat-wrong-123"), source: "test"),
            transport: CurlTransport(), now: clock.function, options: SQLAPIClientOptions(log: log.sink),
            sleeper: RecordingSleeper(clock: clock))
        let error = await #expect(throws: SQLAPIError.self) { try await client.query(SQLStatement("SELECT 1")) }
        #expect(error?.snowflakeCode == "394400")
        #expect(server.requests.count == 1)
        #expect(server.requests[0].header("X-Snowflake-Authorization-Token-Type") == "PROGRAMMATIC_ACCESS_TOKEN")
        #expect(server.requests[0].authFailure == "unknown PAT")
        // The token never appears in the error or the log.
        #expect(error.map { "\($0)".contains("pat-wrong-123") } == false)
        #expect(log.lines.count == 1)
        #expect(log.lines.allSatisfy { !$0.contains("pat-wrong-123") && !$0.contains("Bearer") })
    }

    @Test func validPATAndOAuthTokensAreAccepted() async throws {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(programmaticAccessTokens: ["pat-good-000"], oauthTokens: ["oauth-good-000"]),
            now: clock.function)
        for (type, token) in [(TokenType.programmaticAccessToken, "pat-good-000"), (.oauth, "oauth-good-000")] {
            let client = SQLAPIClient(
                baseURL: server.baseURL, context: SessionContext(),
                credentials: try StaticTokenProvider(tokenType: type, token: Secret(token), source: "test"),
                transport: CurlTransport(), now: clock.function)
            let result = try await client.query(SQLStatement("SELECT CURRENT_ACCOUNT(), CURRENT_REGION()"))
            #expect(result.partitions[0][0].text(0) == "XY12345")
        }
        #expect(server.requests.map(\.tokenType) == ["PROGRAMMATIC_ACCESS_TOKEN", "OAUTH"])
    }

    /// 429 twice, then success: full jitter with jitter() = 0.5 sleeps 0.5 × 0.5 s, then 0.5 × 1 s.
    @Test func rateLimitIsRetriedWithTheSameRequestID() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.status(429), on: .submit, times: 2)
        let result = try await harness.client.query(Self.usageStatement())
        #expect(result.summary.rowCount == 10)
        #expect(harness.sleeper.delays == [0.25, 0.5])
        let posts = harness.server.requests.filter { $0.method == "POST" }
        #expect(posts.map(\.status) == [429, 429, 200])
        #expect(posts.map(\.query) == [
            ["requestId": Self.requestID],
            ["requestId": Self.requestID, "retry": "true"],
            ["requestId": Self.requestID, "retry": "true"],
        ])
        #expect(posts.allSatisfy { $0.header("Retry-After") == nil })
        #expect(harness.server.executions(requestID: Self.requestID) == 1)
    }

    /// The statement ran but its 503 answer lost the result: the resubmission with retry=true gets the earlier
    /// statement back and nothing runs twice.
    @Test func lostResponseIsResubmittedWithoutRunningTwice() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.statusAfterExecution(503), on: .submit)
        let result = try await harness.client.query(Self.usageStatement())
        #expect(result.summary.statementHandle == "01c79a10-0001-ac43-0000-000000000001")
        #expect(try Self.credits(result.partitions).count == 10)
        #expect(harness.server.executions(requestID: Self.requestID) == 1)
        #expect(harness.server.executionCount == 1)
    }

    @Test(arguments: [
        (TestFault.dropConnectionAfterHeaders, 2, "failed (The response from"),
        (TestFault.truncateBody, 1, "failed (The response from"),
        (TestFault.truncateGzipStream, 3, "200 with an incomplete body"),
        (TestFault.status(503), 2, "503"),
        (TestFault.status(504), 1, "504"),
    ])
    func transientPartitionFailuresAreRetried(fault: TestFault, partition: Int, firstOutcome: String) async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(fault, on: .partition(partition))
        let result = try await harness.client.query(Self.usageStatement())
        #expect(try Self.credits(result.partitions) == (0..<9).map { 110_000_000 + Int64($0) } + [nil])
        let fetches = harness.server.requests.filter { $0.query["partition"] == "\(partition)" }
        #expect(fetches.count == 2)
        #expect(harness.sleeper.delays == [0.25])
        let path = "GET /api/v2/statements/01c79a10-0001-ac43-0000-000000000001?partition=\(partition) -> "
        #expect(harness.log.lines.contains { $0.hasPrefix(path + firstOutcome) && $0.hasSuffix("(attempt 1, 0 ms)") })
        #expect(harness.log.lines.contains(path + "200 (attempt 2, 250 ms)"))
    }

    @Test func expiredTokenMidPullIsReSignedOnce() async throws {
        let harness = try Harness()
        let counting = CountingCredentials(harness.authenticator)
        let client = SQLAPIClient(
            baseURL: harness.server.baseURL, context: SessionContext(), credentials: counting, transport: CurlTransport(),
            now: harness.clock.function, sleeper: harness.sleeper)
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.expiredToken, on: .partition(2))
        let result = try await client.query(Self.usageStatement())
        #expect(result.summary.rowCount == 10)
        #expect(counting.renewals == 1)
        #expect(harness.sleeper.delays.isEmpty)  // a re-signed token is sent at once
        let statuses = harness.server.requests.filter { $0.query["partition"] == "2" }.map(\.status)
        #expect(statuses == [401, 200])

        // A second refusal right after the re-signed token is final.
        harness.server.inject(.expiredToken, on: .partition(1), times: 2)
        let error = await #expect(throws: SQLAPIError.self) { try await client.query(Self.usageStatement()) }
        #expect(error?.snowflakeCode == "390144")
        #expect(counting.renewals == 2)
    }

    /// Six 503s: five sleeps of 0.5 × min(16, 0.5 × 2^(n−1)) = 0.25, 0.5, 1, 2, 4 s, then the error.
    @Test func retriesStopAfterSixAttempts() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.status(503), on: .submit, times: 6)
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(Self.usageStatement()) }
        #expect(harness.sleeper.delays == [0.25, 0.5, 1, 2, 4])
        guard case let .retriesExhausted(_, purpose, attempts, elapsed, last)? = error else {
            Issue.record("expected retriesExhausted, got \(String(describing: error))")
            return
        }
        #expect(purpose == "submitting the statement")
        #expect(attempts == 6)
        #expect(elapsed == 7.75)  // 0.25 + 0.5 + 1 + 2 + 4 on the test clock
        #expect(last == .status(503, SnowflakeErrorBody(code: "503000", message: "Service temporarily unavailable.")))
        #expect(harness.server.executionCount == 0)
    }

    /// Deadline 3 s: sleeps 0.25, 0.5, 1 (elapsed 1.75 s); the next sleep of 2 s would end at 3.75 s > 3 s.
    @Test func retriesStopAtTheDeadline() async throws {
        let harness = try Harness(options: SQLAPIClientOptions(retry: RetryPolicy(maxAttempts: 10), deadlineSeconds: 3))
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.status(429), on: .submit, times: 10)
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(Self.usageStatement()) }
        #expect(harness.sleeper.delays == [0.25, 0.5, 1])
        guard case let .deadlineExceeded(_, purpose, deadline, elapsed, detail)? = error else {
            Issue.record("expected deadlineExceeded, got \(String(describing: error))")
            return
        }
        #expect(purpose == "submitting the statement")
        #expect(deadline == 3 && elapsed == 1.75)
        #expect(detail.hasPrefix("the last problem was: HTTP 429 (code 429000)"))
        #expect(harness.server.requests.count == 4)
        #expect(error?.description.contains("at the deadline of 3 s (--deadline)") == true)
    }

    /// One 500 is resubmitted with the same requestId and retry=true; the statement runs once.
    @Test func aSingle500IsResubmittedWithTheSameRequestID() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.status(500), on: .submit)
        let result = try await harness.client.query(Self.usageStatement())
        #expect(result.summary.rowCount == 10)
        let posts = harness.server.requests.filter { $0.method == "POST" }
        #expect(posts.map(\.status) == [500, 200])
        #expect(posts.map(\.query) == [["requestId": Self.requestID], ["requestId": Self.requestID, "retry": "true"]])
        #expect(harness.sleeper.delays == [0.25])
        #expect(harness.server.executions(requestID: Self.requestID) == 1)
    }

    @Test func aSecond500IsFinal() async throws {
        let harness = try Harness()
        harness.server.inject(.status(500), on: .submit, times: 2)
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(SQLStatement("SELECT 1")) }
        #expect(error == .httpStatus(statement: "SELECT 1", status: 500, error: SnowflakeErrorBody(code: "500000", message: "Request failed with HTTP 500.")))
        #expect(harness.server.requests.count == 2)
    }

    @Test func badPartitionIsATypedError() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.badPartition, on: .partition(1))
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(Self.usageStatement()) }
        guard case let .badRequest(_, body)? = error else {
            Issue.record("expected badRequest, got \(String(describing: error))")
            return
        }
        #expect(body.code == "391922")
        #expect(body.sqlState == "22023")
    }

    @Test func rowCountMustEqualNumRows() async throws {
        let harness = try Harness()
        var result = Self.usage
        result.reportedRowCount = 11
        harness.server.register("SNOWPARK", result: result)
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(Self.usageStatement()) }
        #expect(error == .rowCountMismatch(
            statementHandle: "01c79a10-0001-ac43-0000-000000000001", partition: nil, expected: 11, received: 10))
    }

    @Test func outputFormatParametersAreRefusedBeforeSending() async throws {
        let harness = try Harness()
        let statement = SQLStatement("SELECT CURRENT_DATE", parameters: ["TIMEZONE": "UTC", "date_output_format": "DD/MM/YYYY"])
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(statement) }
        guard case .invalidStatement? = error else {
            Issue.record("expected invalidStatement, got \(String(describing: error))")
            return
        }
        #expect(harness.server.requests.isEmpty)
    }

    @Test func resultsCanDependOnBindings() async throws {
        let harness = try Harness()
        harness.server.register("WHERE COMPUTE_POOL_NAME = \\?") { statement in
            .rows(TestResult(columns: [.text("POOL"), .date("D")], rows: [[statement.bindings["1"]?.value, statement.bindings["2"]?.value]]))
        }
        let statement = SQLStatement(
            "SELECT POOL, D FROM T WHERE COMPUTE_POOL_NAME = ? AND D = ?",
            bindings: [.text("TOKYO_XS_POOL"), .date(daysSinceEpoch: 20_735)])
        let row = try #require(try await harness.client.query(statement).partitions.first?.first)
        #expect(row.text(0) == "TOKYO_XS_POOL")
        // DATE binds as epoch milliseconds: 20,735 days × 86,400,000 ms = 1,791,504,000,000.
        #expect(row.text(1) == "1791504000000")
    }

    @Test func logLinesNeverCarryTheToken() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: Self.usage)
        harness.server.inject(.status(429), on: .submit)
        _ = try await harness.client.query(Self.usageStatement())
        let token = try harness.authenticator.authorization(renew: false).token.unredactedValue
        #expect(harness.log.lines.count == 5)
        #expect(harness.log.lines[0] == "POST /api/v2/statements?requestId=\(Self.requestID) -> 429 (attempt 1, 0 ms)")
        #expect(harness.log.lines.allSatisfy { !$0.contains(token) && !$0.contains("Bearer") })
    }
}

/// Wraps a real credential provider and counts renewals.
final class CountingCredentials: CredentialProvider, @unchecked Sendable {
    private let base: any CredentialProvider
    private let lock = NSLock()
    private var renewed = 0

    init(_ base: any CredentialProvider) { self.base = base }

    var tokenType: TokenType { base.tokenType }

    var renewals: Int { lock.withLock { renewed } }

    func authorization(renew: Bool) throws -> Authorization {
        if renew { lock.withLock { renewed += 1 } }
        return try base.authorization(renew: renew)
    }
}
