import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import Testing

/// libcurl against the loopback server: gzip decoding, exact millisecond timeouts, and each way a response can
/// fail to arrive.
@Suite struct CurlTransportTests {
    static let token = "pat-transport-000"

    static func server() throws -> SnowflakeTestServer {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(programmaticAccessTokens: [token]), now: clock.function)
        server.register("SELECT N", result: TestResult(
            columns: [.fixed("N")], rows: (0..<6).map { [String($0)] }, partitionSizes: [2, 4]))
        return server
    }

    static func submit(_ server: SnowflakeTestServer) -> HTTPRequest {
        HTTPRequest(
            method: .post, url: server.baseURL.appendingPathComponent("api/v2/statements"),
            headers: [
                "Authorization": "Bearer \(token)", "X-Snowflake-Authorization-Token-Type": "PROGRAMMATIC_ACCESS_TOKEN",
                "Content-Type": "application/json", "Accept": "application/json",
            ],
            body: Data(#"{"statement":"SELECT N"}"#.utf8))
    }

    @Test func gzipPartitionsAreDecoded() async throws {
        let server = try Self.server()
        let transport = CurlTransport()
        let first = try await transport.send(Self.submit(server))
        #expect(first.status == 200)
        #expect(first.headers["content-type"] == "application/json")
        #expect(String(decoding: first.body, as: UTF8.self).hasPrefix("{\n  \"resultSetMetaData\" : {"))

        var get = Self.submit(server)
        get.method = .get
        get.body = nil
        get.url = server.baseURL.appendingPathComponent("api/v2/statements/01c79a10-0001-ac43-0000-000000000001")
        get.url = URL(string: get.url.absoluteString + "?partition=1")!
        let partition = try await transport.send(get)
        #expect(partition.status == 200)
        #expect(partition.headers["Content-Encoding"] == "gzip")
        #expect(String(decoding: partition.body, as: UTF8.self) == "{\"data\":[[\"2\"],\n[\"3\"],\n[\"4\"],\n[\"5\"]]}")
        #expect(server.requests[1].header("Accept-Encoding")?.contains("gzip") == true)
    }

    @Test func totalTimeoutIsExactMilliseconds() async throws {
        let server = try Self.server()
        server.inject(.delay(milliseconds: 180_000), on: .submit)
        let transport = CurlTransport(options: CurlTransport.Options(totalTimeoutMilliseconds: 250))
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: TransportError.self) { try await transport.send(Self.submit(server)) }
        let elapsed = clock.now - start
        #expect(error == .timedOut(url: "\(server.baseURL.absoluteString)/api/v2/statements", milliseconds: 250))
        #expect(error?.isRetryable == true)
        // URLSession on Linux would round 250 ms to whole seconds; libcurl gives up after 250 ms, before the server's
        // 180 s answer. The upper bound only says the answer was not awaited: on a loaded machine the test process's
        // threads (other suites run beside this one) have taken over 40 s to resume the caller, which is slow, not
        // wrong; the timeout itself is the error's 250 ms.
        #expect(elapsed >= .milliseconds(240))
        #expect(elapsed < .milliseconds(150_000))
    }

    @Test func refusedConnectionIsARetryableFailure() async throws {
        let server = try Self.server()
        let request = Self.submit(server)
        server.stop()
        let error = await #expect(throws: TransportError.self) { try await CurlTransport().send(request) }
        guard case .connectionFailed? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(error?.isRetryable == true)
    }

    @Test func shortBodyIsTruncatedWithCounts() async throws {
        let server = try Self.server()
        server.inject(.truncateBody, on: .submit)
        let error = await #expect(throws: TransportError.self) { try await CurlTransport().send(Self.submit(server)) }
        guard case let .truncatedBody(_, expected, received, _)? = error else {
            Issue.record("expected truncatedBody, got \(String(describing: error))")
            return
        }
        // The server announced the full (gzip) length and sent half of it, rounded down.
        let announced = try #require(expected)
        #expect(announced > 100)
        #expect(received == announced / 2)
        #expect(error?.isRetryable == true)
    }

    @Test func closeAfterHeadersIsRetryable() async throws {
        let server = try Self.server()
        server.inject(.dropConnectionAfterHeaders, on: .submit)
        let error = await #expect(throws: TransportError.self) { try await CurlTransport().send(Self.submit(server)) }
        #expect(error?.isRetryable == true)
        guard case let .truncatedBody(_, _, received, _)? = error else {
            Issue.record("expected truncatedBody, got \(String(describing: error))")
            return
        }
        #expect(received == 0)
    }

    @Test func requestsRunConcurrentlyOffTheCooperativePool() async throws {
        let server = try Self.server()
        server.inject(.delay(milliseconds: 400), on: .submit, times: 8)
        let transport = CurlTransport()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await transport.send(Self.submit(server)).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 8))
        // The server saw at least four of the eight 400 ms requests open at once: they ran side by side, not one
        // after another (no wall-clock bound: a loaded machine is slow, not wrong).
        #expect(server.maxConcurrentRequests >= 4)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try Self.server()
        server.inject(.delay(milliseconds: 180_000), on: .submit)
        let request = Self.submit(server)
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { try await CurlTransport().send(request) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        // libcurl calls the progress callback at least once a second, so the 180 s wait ends early (the bound is
        // loose on purpose: a loaded machine has taken over 40 s to resume the caller).
        #expect(clock.now - start < .milliseconds(150_000))
    }

    /// The server doubles as a forward proxy: libcurl sends it the absolute URL of a host that is never resolved.
    /// (Without a token: a token never goes over plain HTTP to anything but a loopback literal, proxy or not.)
    @Test func proxyOptionRoutesRequests() async throws {
        let server = try Self.server()
        var request = Self.submit(server)
        request.url = URL(string: "http://xy12345.snowflakecomputing.invalid/api/v2/statements")!
        request.headers = HTTPHeaders(request.headers.fields.filter { $0.name != "Authorization" })
        let transport = CurlTransport(options: CurlTransport.Options(proxy: Secret(server.baseURL.absoluteString)))
        let response = try await transport.send(request)
        #expect(response.status == 400)  // 390146: no token
        #expect(server.requests.map(\.path) == ["/api/v2/statements"])
        #expect(server.requests[0].header("Host") == "xy12345.snowflakecomputing.invalid")
    }

    /// A token over plain HTTP to a loopback address libcurl would rewrite (`127.1` is read as 127.0.0.1) is not
    /// sent. The URLs point at loopback, so even a failing check sends nothing off the machine.
    @Test(arguments: ["http://127.1:PORT/api/v2/statements", "http://2130706433:PORT/api/v2/statements",
                      "http://[::ffff:127.0.0.1]:PORT/api/v2/statements", "http://0177.0.0.1:PORT/api/v2/statements"])
    func aTokenIsNotSentOverPlainHTTPToARewrittenAddress(url: String) async throws {
        let server = try Self.server()
        var request = Self.submit(server)
        request.url = URL(string: url.replacingOccurrences(of: "PORT", with: "\(server.port)"))!
        let error = await #expect(throws: TransportError.self) { try await CurlTransport().send(request) }
        guard case let .plainHTTPRefused(_, reason)? = error else {
            Issue.record("expected plainHTTPRefused, got \(String(describing: error))")
            return
        }
        #expect(reason.hasPrefix("libcurl"))
        #expect(error?.isRetryable == false)
        #expect(server.requests.isEmpty)
    }

    /// A token through a configured proxy over plain HTTP would reach the proxy in clear text: a loopback URL is
    /// sent directly instead. (The proxy is a closed loopback port, so a request that went there would fail.)
    @Test func aTokenToLoopbackBypassesTheProxy() async throws {
        let server = try Self.server()
        let closed = try Self.server()
        let closedURL = closed.baseURL.absoluteString
        closed.stop()
        let transport = CurlTransport(options: CurlTransport.Options(proxy: Secret(closedURL)))
        let response = try await transport.send(Self.submit(server))
        #expect(response.status == 200)
        #expect(server.requests.count == 1)
    }

    @Test func unreadableCABundleIsATLSError() async throws {
        let server = try Self.server()
        var request = Self.submit(server)
        request.url = URL(string: "https://127.0.0.1:\(server.port)/api/v2/statements")!
        let transport = CurlTransport(options: CurlTransport.Options(caBundlePath: "/nonexistent/ca-bundle.pem"))
        let error = await #expect(throws: TransportError.self) { try await transport.send(request) }
        guard case .tls? = error else {
            Issue.record("expected a TLS error, got \(String(describing: error))")
            return
        }
        #expect(error?.isRetryable == false)
    }
}
