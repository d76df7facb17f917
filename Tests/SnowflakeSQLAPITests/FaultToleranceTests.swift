import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import Testing

/// Requests that end: the deadline, hung requests, `Retry-After`, bodies that are not JSON, 408 and the response
/// bound, over real HTTP against the loopback test server.
@Suite struct FaultToleranceTests {
    static let requestID = ClientTests.requestID

    /// 202 forever with a 60 s deadline: polls wait 0.25, 0.5, 1, 2, 4 s, then 5 s each; after 15 polls the test
    /// clock reads 57.75 s and one more 5 s wait would pass 60 s, so the client cancels the statement and stops.
    @Test(.timeLimit(.minutes(1)))
    func aStatementRunningForeverStopsAtTheDeadlineAndIsCancelled() async throws {
        let harness = try Harness(options: SQLAPIClientOptions(deadlineSeconds: 60))
        harness.server.register("SNOWPARK", result: ClientTests.usage)
        harness.server.inject(.acceptedForever, on: .submit)
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(ClientTests.usageStatement()) }
        #expect(harness.sleeper.delays == [0.25, 0.5, 1, 2, 4] + Array(repeating: 5, count: 10))
        guard case let .deadlineExceeded(_, purpose, deadline, elapsed, detail)? = error else {
            Issue.record("expected deadlineExceeded, got \(String(describing: error))")
            return
        }
        #expect(purpose == "waiting for the statement to finish")
        #expect(deadline == 60 && elapsed == 57.75)
        #expect(detail == "statement 01c79a10-0001-ac43-0000-000000000001 was still running after 15 status polls, so it was cancelled")
        let last = try #require(harness.server.requests.last)
        #expect(last.method == "POST" && last.path == "/api/v2/statements/01c79a10-0001-ac43-0000-000000000001/cancel")
        #expect(last.status == 200)
        #expect(harness.server.requests.filter { $0.method == "GET" }.count == 15)
        #expect(error?.description == "Gave up waiting for the statement to finish for '\(ClientTests.usageSQL.prefix(80))…' at the deadline of 1 min (--deadline), 57.8 s after the start: \(detail). Try again later, or raise --deadline.")
    }

    /// A request that never answers is abandoned after its own timeout (0.3 s here, 120 s by default) and
    /// resubmitted with the same requestId and retry=true; the statement runs once.
    @Test func aHungRequestIsRetriedAfterItsOwnTimeout() async throws {
        let harness = try Harness(options: SQLAPIClientOptions(requestTimeoutSeconds: 0.3))
        harness.server.register("SNOWPARK", result: ClientTests.usage)
        harness.server.inject(.hang, on: .submit)
        let result = try await harness.client.query(ClientTests.usageStatement())
        #expect(result.summary.rowCount == 10)
        let posts = harness.server.requests.filter { $0.method == "POST" }
        #expect(posts.map(\.query) == [["requestId": Self.requestID], ["requestId": Self.requestID, "retry": "true"]])
        #expect(harness.server.executions(requestID: Self.requestID) == 1)
        let first = try #require(harness.log.lines.first)
        #expect(first.contains("failed (The request to \(harness.server.baseURL.absoluteString)/api/v2/statements did not finish within 300 ms"))
        #expect(first.contains("raise --request-timeout"))
    }

    @Test func retryAfterInSecondsIsHonoured() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: ClientTests.usage)
        harness.server.inject(.retryAfter(status: 429, value: "7"), on: .submit)
        harness.server.inject(.retryAfter(status: 503, value: "0"), on: .partition(2))
        let result = try await harness.client.query(ClientTests.usageStatement())
        #expect(result.summary.rowCount == 10)
        // Retry-After replaces the jittered backoff (which would have been 0.25 s each time).
        #expect(harness.sleeper.delays == [7, 0])
        #expect(harness.server.executions(requestID: Self.requestID) == 1)
    }

    /// The test clock reads 2026-04-01T00:00:00Z; an HTTP-date 30 s later asks for 30 s.
    @Test func retryAfterAsAnHTTPDateIsHonoured() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: ClientTests.usage)
        harness.server.inject(.retryAfter(status: 503, value: "Wed, 01 Apr 2026 00:00:30 GMT"), on: .submit)
        _ = try await harness.client.query(ClientTests.usageStatement())
        #expect(harness.sleeper.delays == [30])
    }

    @Test func retryAfterPastTheDeadlineEndsAtOnce() async throws {
        let harness = try Harness(options: SQLAPIClientOptions(deadlineSeconds: 60))
        harness.server.register("SNOWPARK", result: ClientTests.usage)
        harness.server.inject(.retryAfter(status: 429, value: "120"), on: .submit)
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(ClientTests.usageStatement()) }
        #expect(harness.sleeper.delays.isEmpty)
        guard case let .deadlineExceeded(_, _, _, _, detail)? = error else {
            Issue.record("expected deadlineExceeded, got \(String(describing: error))")
            return
        }
        #expect(detail.hasPrefix("Snowflake asked to wait 2 min (Retry-After), past the deadline; the last problem was: HTTP 429"))
    }

    /// A body that is not JSON is a server fault: retried, not a decoding failure.
    @Test(arguments: [(TestFault.nonJSONBody(status: 200), TestRoute.partition(2)),
                      (TestFault.nonJSONBody(status: 502), TestRoute.submit),
                      (TestFault.nonJSONBody(status: 200), TestRoute.submit)])
    func aBodyThatIsNotJSONIsRetried(fault: TestFault, route: TestRoute) async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: ClientTests.usage)
        harness.server.inject(fault, on: route)
        let result = try await harness.client.query(ClientTests.usageStatement())
        #expect(try ClientTests.credits(result.partitions).count == 10)
        #expect(harness.sleeper.delays == [0.25])
        #expect(harness.server.executions(requestID: Self.requestID) == 1)
    }

    @Test func aBodyThatIsNeverJSONExhaustsTheAttempts() async throws {
        let harness = try Harness(options: SQLAPIClientOptions(retry: RetryPolicy(maxAttempts: 3)))
        harness.server.inject(.nonJSONBody(status: 200), on: .submit, times: 3)
        let error = await #expect(throws: SQLAPIError.self) { try await harness.client.query(SQLStatement("SELECT 1")) }
        guard case let .retriesExhausted(_, _, attempts, _, last)? = error else {
            Issue.record("expected retriesExhausted, got \(String(describing: error))")
            return
        }
        #expect(attempts == 3)
        guard case let .notJSON(status, contentType, excerpt) = last else {
            Issue.record("expected notJSON, got \(last)")
            return
        }
        #expect(status == 200 && contentType == "text/html")
        #expect(excerpt == "<html>  <head><title>200 OK</title></head>  <body>  <center><h1>200 OK</h1></cen…")
        #expect(error?.description.contains("after 3 attempts (the --max-attempts limit)") == true)
        #expect(error?.description.hasSuffix("Try again later, or raise --max-attempts.") == true)
    }

    /// A 408 for a statement cancelled before it ran: resubmitted with the same requestId and retry=true, it runs
    /// once.
    @Test func a408IsResubmittedWithTheSameRequestID() async throws {
        let harness = try Harness()
        harness.server.register("SNOWPARK", result: ClientTests.usage)
        harness.server.inject(.statementTimeout, on: .submit)
        let result = try await harness.client.query(ClientTests.usageStatement())
        #expect(result.summary.rowCount == 10)
        let posts = harness.server.requests.filter { $0.method == "POST" }
        #expect(posts.map(\.status) == [408, 200])
        #expect(posts.map(\.query) == [["requestId": Self.requestID], ["requestId": Self.requestID, "retry": "true"]])
        #expect(harness.server.executions(requestID: Self.requestID) == 1)
    }

    /// 200 rows of about 60 bytes are about 12 KB in the first response: over a 4 KiB limit the transfer stops.
    @Test func aResponseOverTheLimitIsRefused() async throws {
        let harness = try Harness(options: SQLAPIClientOptions(maxResponseBytes: 4096))
        harness.server.register("SNOWPARK", result: TestResult(
            columns: [.text("COMPUTE_POOL_NAME"), .fixed("CREDITS_USED", scale: 9)],
            rows: (0..<200).map { ["POOL_\($0)_WITH_A_LONG_NAME_TO_FILL_THE_BODY", "0.110000000"] }))
        let error = await #expect(throws: TransportError.self) { try await harness.client.query(ClientTests.usageStatement()) }
        #expect(error == .responseTooLarge(url: "\(harness.server.baseURL.absoluteString)/api/v2/statements", limitBytes: 4096))
        #expect(error?.description.contains("larger than the limit of 4096 bytes") == true)
        #expect(error?.description.hasSuffix("or raise --max-response-mib.") == true)
        #expect(harness.server.requests.count == 1)  // not retried
    }

    /// Later partitions arrive gzip-encoded: the limit applies to the decoded bytes (1,000 rows of about 60 bytes
    /// are about 60 KB decoded but a few KB compressed).
    @Test func theLimitAppliesAfterGzipDecoding() async throws {
        let harness = try Harness(options: SQLAPIClientOptions(maxResponseBytes: 16_384))
        harness.server.register("SNOWPARK", result: TestResult(
            columns: [.text("COMPUTE_POOL_NAME"), .fixed("CREDITS_USED", scale: 9)],
            rows: (0..<1001).map { _ in ["POOL_WITH_A_LONG_NAME_TO_FILL_THE_BODY_XXXXXXXX", "0.110000000"] },
            partitionSizes: [1, 1000]))
        let error = await #expect(throws: TransportError.self) { try await harness.client.query(ClientTests.usageStatement()) }
        guard case .responseTooLarge(_, 16_384)? = error else {
            Issue.record("expected responseTooLarge, got \(String(describing: error))")
            return
        }
    }
}
