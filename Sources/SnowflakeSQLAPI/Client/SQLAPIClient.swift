import Foundation

/// Settings of an ``SQLAPIClient`` that are not connection settings.
public struct SQLAPIClientOptions: Sendable {
    /// The `User-Agent` header, `app/version` (SPEC marks it required). Default `spcs-cost/0.1.0`.
    public var userAgent: String
    /// The partition window: result partitions in flight or buffered for in-order delivery at once (at least 1).
    /// Default ``defaultPartitionWindow``. Fetching starts as soon as the first response names the partitions.
    public var maxConcurrentPartitions: Int
    /// Retries per HTTP request.
    public var retry: RetryPolicy
    /// Polling of statements that answered 202.
    public var poll: PollPolicy
    /// Every request, retry and status poll of the client ends within this many seconds of the client's creation
    /// (the `--deadline` of `pull` and `nightly`); a statement still running then is cancelled and reported with
    /// ``SQLAPIError/deadlineExceeded(statement:purpose:deadlineSeconds:elapsedSeconds:detail:)``. Nil = no
    /// deadline. Default 1,800 (30 minutes).
    public var deadlineSeconds: Double?
    /// Longest time for one HTTP request, connect to last body byte, before it counts as hung and is retried
    /// (`--request-timeout`). Default 120 s: Snowflake answers a submission within its 45 s synchronous wait (then
    /// 202, sqlapi.md section 1.2), and a result partition is a few MiB.
    public var requestTimeoutSeconds: Double
    /// Largest response body held in memory, in bytes after gzip decoding (`--max-response-mib`). Default
    /// ``defaultMaxResponseBytes``.
    public var maxResponseBytes: Int
    /// Receives one line per HTTP exchange (method, path, status, attempt, milliseconds) for `--verbose`
    /// output; never headers, bodies or tokens. Nil logs nothing.
    public var log: (@Sendable (String) -> Void)?

    /// 256 MiB: far above a real result partition (observed partitions are 0.1 to 2 MB uncompressed, sqlapi.md
    /// section 6; about 50,000 rows of SNOWPARK_CONTAINER_SERVICES_HISTORY are 10 MB), far below what would
    /// exhaust a small machine.
    public static let defaultMaxResponseBytes = 256 * 1_048_576

    /// 8 partitions in flight: 50 partitions that each take 100 ms to arrive come in about 7 rounds, under a quarter
    /// of a sequential client's time (`spcs-cost-bench partitions`), with at most 8 partitions of a few MiB held.
    public static let defaultPartitionWindow = 8

    /// Options with the given settings.
    public init(
        userAgent: String = "spcs-cost/0.1.0", maxConcurrentPartitions: Int = SQLAPIClientOptions.defaultPartitionWindow, retry: RetryPolicy = RetryPolicy(),
        poll: PollPolicy = PollPolicy(), deadlineSeconds: Double? = 1800, requestTimeoutSeconds: Double = 120,
        maxResponseBytes: Int = SQLAPIClientOptions.defaultMaxResponseBytes, log: (@Sendable (String) -> Void)? = nil
    ) {
        self.userAgent = userAgent
        self.maxConcurrentPartitions = max(1, maxConcurrentPartitions)
        self.retry = retry
        self.poll = poll
        self.deadlineSeconds = deadlineSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maxResponseBytes = maxResponseBytes
        self.log = log
    }
}

/// What a pull records about one executed statement.
public struct StatementSummary: Sendable, Equatable {
    /// Snowflake's statement handle (UUID-shaped, but keep it as text; sqlapi.md pitfall 8.15).
    public var statementHandle: String
    /// The `requestId` the statement was submitted with (reused on every resubmission).
    public var requestID: UUID
    /// `resultSetMetaData` of the first response: columns, `numRows`, `partitionInfo`.
    public var metadata: ResultSetMetadata
    /// `createdOn` of the first response (epoch milliseconds on the wire); nil when absent.
    public var createdOn: Date?
    /// Rows delivered, equal to `metadata.numRows` (checked).
    public var rowCount: Int
    /// Partitions delivered (at least 1).
    public var partitionCount: Int
}

/// A whole result held in memory: fine for small queries; stream large ones with
/// ``SQLAPIClient/execute(_:isolation:onPartition:)``.
public struct QueryResult: Sendable {
    /// The statement's handle, request id, metadata and counts.
    public var summary: StatementSummary
    /// Every partition, in order.
    public var partitions: [ResultPartition]

    /// A result from its summary and its partitions (in partition order).
    public init(summary: StatementSummary, partitions: [ResultPartition]) {
        self.summary = summary
        self.partitions = partitions
    }

    /// The columns (rowType).
    public var columns: [Column] { summary.metadata.columns }
    /// All rows in order.
    public var rows: FlattenSequence<[ResultPartition]> { partitions.joined() }
}

/// A Snowflake SQL API v2 client (sqlapi.md): submits statements, polls 202s, fetches every result partition
/// (a bounded number at once, delivered in order), checks row counts, retries transient failures and renews
/// key-pair JWTs. Thread-safe; share one per connection.
public final class SQLAPIClient: Sendable {
    /// `protocol://host[:port]` of the account.
    public let baseURL: URL
    /// Role, warehouse, database and schema sent with each statement.
    public let context: SessionContext
    /// The settings.
    public let options: SQLAPIClientOptions
    private let credentials: any CredentialProvider
    private let transport: any HTTPTransport
    private let now: @Sendable () -> Date
    private let sleeper: any Sleeper
    private let jitter: @Sendable () -> Double
    private let makeRequestID: @Sendable () -> UUID
    /// When the client was made; the deadline counts from here.
    private let started: Date
    /// `started + deadlineSeconds`; nil without a deadline.
    private let deadline: Date?

    /// A client for the account at `baseURL`.
    /// - Parameters:
    ///   - baseURL: `https://<account>.snowflakecomputing.com` or a loopback test server.
    ///   - context: names sent with each statement.
    ///   - credentials: the token source.
    ///   - transport: the HTTP transport (``CurlTransport`` in production).
    ///   - now: the wall clock, for the deadline and `Retry-After` dates.
    ///   - options: user agent, concurrency, retry and poll policies, log.
    ///   - sleeper: waits between retries and polls.
    ///   - jitter: uniform random numbers in [0, 1) for full-jitter backoff.
    ///   - makeRequestID: a fresh `requestId` per statement.
    public init(
        baseURL: URL, context: SessionContext, credentials: any CredentialProvider, transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date, options: SQLAPIClientOptions = SQLAPIClientOptions(),
        sleeper: any Sleeper = TaskSleeper(), jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        makeRequestID: @escaping @Sendable () -> UUID = { UUID() }
    ) {
        self.baseURL = baseURL
        self.context = context
        self.credentials = credentials
        self.transport = transport
        self.now = now
        self.options = options
        self.sleeper = sleeper
        self.jitter = jitter
        self.makeRequestID = makeRequestID
        let started = now()
        self.started = started
        deadline = options.deadlineSeconds.map { started.addingTimeInterval($0) }
    }

    /// A client for a loaded connection: its base URL, context and credentials.
    /// - Throws: ``ConfigError`` for an unusable URL or authenticator, ``AuthError`` for an unreadable key or token.
    public convenience init(
        configuration: ConnectionConfiguration, transport: any HTTPTransport, now: @escaping @Sendable () -> Date,
        options: SQLAPIClientOptions = SQLAPIClientOptions(), sleeper: any Sleeper = TaskSleeper(),
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        makeRequestID: @escaping @Sendable () -> UUID = { UUID() }
    ) throws {
        self.init(
            baseURL: try configuration.baseURL(),
            context: SessionContext(
                role: configuration.role, warehouse: configuration.warehouse, database: configuration.database,
                schema: configuration.schema),
            credentials: try configuration.makeCredentialProvider(now: now), transport: transport, now: now,
            options: options, sleeper: sleeper, jitter: jitter, makeRequestID: makeRequestID)
    }

    /// Loads connection `connectionName` (nil = the default) and builds a client for it.
    /// - Returns: the client and the loaded connection (with any permission warnings to show).
    /// - Throws: ``ConfigError`` and ``AuthError``.
    public static func connect(
        connectionName: String?, environment: [String: String], homeDirectory: String, transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date, options: SQLAPIClientOptions = SQLAPIClientOptions()
    ) throws -> (client: SQLAPIClient, connection: LoadedConnection) {
        let loaded = try ConnectionLoader(environment: environment, homeDirectory: homeDirectory)
            .load(connectionName: connectionName)
        let client = try SQLAPIClient(configuration: loaded.configuration, transport: transport, now: now, options: options)
        return (client, loaded)
    }

    // MARK: - Statements

    /// Runs `statement` and hands its rows to `onPartition` one partition at a time, in partition order.
    /// Partition 0 comes with the first response; the others are fetched, from the moment that response names
    /// them, up to ``SQLAPIClientOptions/maxConcurrentPartitions`` (the partition window) at once. `onPartition` runs one call at a time in the
    /// caller's isolation (`isolation` defaults to the caller's actor), so it may touch actor state directly.
    /// - Returns: the handle, request id, metadata and delivered row count.
    /// - Throws: ``SQLAPIError`` (statement failures, refused tokens, retries exhausted, row-count mismatch),
    ///   ``JSONv2Error`` for undecodable results, ``AuthError`` when no token can be made, anything
    ///   `onPartition` throws, and `CancellationError`.
    public func execute(
        _ statement: SQLStatement, isolation: isolated (any Actor)? = #isolation,
        onPartition: (ResultPartition) async throws -> Void
    ) async throws -> StatementSummary {
        if let key = statement.parameters.keys.first(where: { $0.uppercased().hasSuffix("_OUTPUT_FORMAT") }) {
            throw SQLAPIError.invalidStatement(
                statement: statement.excerpt,
                reason: "the session parameter \(key) changes the text of result cells, which this client decodes by type; remove it")
        }
        let requestID = makeRequestID()
        let body = try SubmitBody(statement, context: context).encoded()
        let excerpt = statement.excerpt
        let submitted = try await exchange(
            purpose: "submitting the statement", statement: statement, method: .post,
            url: { retry in
                // A resubmission reuses the requestId and says retry=true, so Snowflake does not run it twice.
                self.statementsURL(
                    query: [("requestId", requestID.uuidString.lowercased())] + (retry ? [("retry", "true")] : []))
            },
            body: body)
        let first = try await awaitResult(submitted, statement: statement)

        let context0 = "first response"
        let metadata = try JSONv2.metadata(first.response, context: context0)
        guard let handle = first.response.string("statementHandle") else {
            throw SQLAPIError.unexpectedResponse(statement: excerpt, status: 200, detail: "it has no statementHandle")
        }
        guard let rows0 = first.response.rows else {
            throw SQLAPIError.unexpectedResponse(statement: excerpt, status: 200, detail: "it has no data member")
        }
        if rows0.rowCount > 0, let width = rows0.columnCount, width != metadata.columns.count {
            throw JSONv2Error.columnCountMismatch(context: context0, columns: metadata.columns.count, cells: width)
        }
        let createdOn = first.response.members["createdOn"]?.int.map { Date(timeIntervalSince1970: Double($0) / 1000) }

        let partition0 = ResultPartition(
            storage: PartitionStorage(rows: rows0, columns: metadata.columns, partitionIndex: 0))
        try checkRowCount(partition0, metadata: metadata, handle: handle)
        var delivered = 0
        let partitionCount = max(1, metadata.partitions.count)
        let limit = options.maxConcurrentPartitions
        try await withThrowingTaskGroup(of: ResultPartition.self) { group in
            var nextToStart = 1
            var nextToDeliver = 1
            var ready: [Int: ResultPartition] = [:]
            // Started but undelivered partitions (in flight or buffered) never exceed `limit`; the first window
            // starts before partition 0 is handed over, so the wire is busy while the caller stores it.
            func start() {
                while nextToStart < partitionCount && nextToStart - nextToDeliver < limit {
                    let index = nextToStart
                    group.addTask {
                        try await self.fetchPartition(index, handle: handle, metadata: metadata, statement: statement)
                    }
                    nextToStart += 1
                }
            }
            start()
            try await onPartition(partition0)
            delivered += partition0.count
            while nextToDeliver < partitionCount {
                guard let partition = try await group.next() else { break }
                ready[partition.index] = partition
                while let next = ready.removeValue(forKey: nextToDeliver) {
                    try await onPartition(next)
                    delivered += next.count
                    nextToDeliver += 1
                }
                start()
            }
        }
        guard delivered == metadata.numRows else {
            throw SQLAPIError.rowCountMismatch(
                statementHandle: handle, partition: nil, expected: metadata.numRows, received: delivered)
        }
        return StatementSummary(
            statementHandle: handle, requestID: requestID, metadata: metadata, createdOn: createdOn,
            rowCount: delivered, partitionCount: partitionCount)
    }

    /// Runs `statement` and collects every partition in memory.
    /// - Throws: as ``execute(_:isolation:onPartition:)``.
    public func query(_ statement: SQLStatement, isolation: isolated (any Actor)? = #isolation) async throws -> QueryResult {
        var partitions: [ResultPartition] = []
        let summary = try await execute(statement, isolation: isolation) { partitions.append($0) }
        return QueryResult(summary: summary, partitions: partitions)
    }

    // MARK: - Internals

    /// A parsed 200 or 202 response.
    private struct Answer {
        var status: Int
        var response: JSONv2.Response
    }

    private func fetchPartition(
        _ index: Int, handle: String, metadata: ResultSetMetadata, statement: SQLStatement
    ) async throws -> ResultPartition {
        let url = statementURL(handle, query: [("partition", String(index))])
        var answer = try await exchange(
            purpose: "fetching partition \(index)", statement: statement, method: .get, url: { _ in url }, body: nil,
            expectedColumns: metadata.columns.count, context: "partition \(index)")
        answer = try await awaitResult(
            answer, statement: statement, partition: index, expectedColumns: metadata.columns.count)
        guard let rows = answer.response.rows else {
            throw JSONv2Error.malformedBody(context: "partition \(index)", reason: "it has no 'data' member")
        }
        let partition = ResultPartition(
            storage: PartitionStorage(rows: rows, columns: metadata.columns, partitionIndex: index))
        try checkRowCount(partition, metadata: metadata, handle: handle)
        return partition
    }

    private func checkRowCount(_ partition: ResultPartition, metadata: ResultSetMetadata, handle: String) throws {
        guard partition.index < metadata.partitions.count else { return }
        let expected = metadata.partitions[partition.index].rowCount
        guard partition.count == expected else {
            throw SQLAPIError.rowCountMismatch(
                statementHandle: handle, partition: partition.index, expected: expected, received: partition.count)
        }
    }

    /// Polls a 202 answer with GET on its handle until the statement finishes. At the deadline the statement is
    /// cancelled (one best-effort request) and the wait ends with
    /// ``SQLAPIError/deadlineExceeded(statement:purpose:deadlineSeconds:elapsedSeconds:detail:)``.
    private func awaitResult(
        _ answer: Answer, statement: SQLStatement, partition: Int? = nil, expectedColumns: Int? = nil
    ) async throws -> Answer {
        var answer = answer
        var poll = 0
        while answer.status == 202 {
            guard let handle = answer.response.string("statementHandle") else {
                throw SQLAPIError.unexpectedResponse(
                    statement: statement.excerpt, status: 202, detail: "the 202 body has no statementHandle to poll")
            }
            poll += 1
            let interval = options.poll.interval(beforePoll: poll)
            func giveUp(after polls: Int) async -> SQLAPIError {
                let cancelled = await cancel(handle)
                return deadlineExceeded(
                    statement, purpose: "waiting for the statement to finish",
                    detail: "statement \(handle) was still running after \(polls) status polls"
                        + (cancelled ? ", so it was cancelled" : ", and cancelling it failed"))
            }
            if let deadline, now().addingTimeInterval(interval) >= deadline { throw await giveUp(after: poll - 1) }
            try await sleeper.sleep(seconds: interval)
            // A sleep that ended late on a busy machine may end past the deadline: cancel then too, rather than
            // polling with no time left.
            if let deadline, now() >= deadline { throw await giveUp(after: poll - 1) }
            let url = statementURL(handle, query: partition.map { [("partition", String($0))] } ?? [])
            answer = try await exchange(
                purpose: "polling the running statement", statement: statement, method: .get, url: { _ in url },
                body: nil, expectedColumns: expectedColumns,
                context: partition.map { "partition \($0)" } ?? "first response")
        }
        return answer
    }

    /// Asks Snowflake to cancel a running statement (`POST .../cancel`, sqlapi.md section 3.9): one attempt of at
    /// most 10 s, past the deadline on purpose, so a statement given up on does not keep a warehouse running.
    /// Returns true when Snowflake answered 200.
    private func cancel(_ handle: String) async -> Bool {
        guard let authorization = try? credentials.authorization(renew: false) else { return false }
        let escaped = handle.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? handle
        let request = HTTPRequest(
            method: .post, url: makeURL(path: "/api/v2/statements/\(escaped)/cancel", query: []),
            headers: headers(authorization), body: Data(),
            timeoutMilliseconds: min(10_000, Self.milliseconds(options.requestTimeoutSeconds)),
            maxResponseBytes: options.maxResponseBytes)
        let response = try? await transport.send(request)
        log(request, status: response.map { "\($0.status)" } ?? "failed", attempt: 1, since: now())
        return response?.status == 200
    }

    private func deadlineExceeded(_ statement: SQLStatement, purpose: String, detail: String) -> SQLAPIError {
        .deadlineExceeded(
            statement: statement.excerpt, purpose: purpose, deadlineSeconds: options.deadlineSeconds ?? 0,
            elapsedSeconds: now().timeIntervalSince(started), detail: detail)
    }

    /// Whole milliseconds for libcurl, from 1 to 2^31 − 1 (about 24 days).
    private static func milliseconds(_ seconds: Double) -> Int {
        guard !seconds.isNaN else { return 1 }
        return Int(min(max((seconds * 1000).rounded(.up), 1), 2_147_483_647))
    }

    /// One logical HTTP request with retries (``RetryPolicy``). Returns a parsed 200 or 202; throws
    /// ``SQLAPIError`` for other statuses. `url(true)` is used for resubmissions (it adds `retry=true` to a POST).
    /// Each attempt's timeout is the request timeout or the time left before the deadline, whichever is shorter.
    private func exchange(
        purpose: String, statement: SQLStatement, method: HTTPRequest.Method, url: (_ isRetry: Bool) -> URL,
        body: Data?, expectedColumns: Int? = nil, context: String = "first response"
    ) async throws -> Answer {
        let start = now()
        var attempt = 0
        var renewToken = false
        var renewedOnce = false
        var resubmitted: Set<Int> = []
        var last: RetriedProblem?
        while true {
            attempt += 1
            var timeout = Self.milliseconds(options.requestTimeoutSeconds)
            if let deadline {
                let left = deadline.timeIntervalSince(now())
                guard left > 0 else {
                    throw deadlineExceeded(
                        statement, purpose: purpose,
                        detail: last.map { "the last problem was: \($0)" } ?? "no time was left for it")
                }
                timeout = min(timeout, Self.milliseconds(left))
            }
            let authorization = try credentials.authorization(renew: renewToken)
            renewToken = false
            let request = HTTPRequest(
                method: method, url: url(attempt > 1), headers: headers(authorization),
                body: method == .post ? (body ?? Data()) : nil, timeoutMilliseconds: timeout,
                maxResponseBytes: options.maxResponseBytes)
            let problem: RetriedProblem
            var retryAfter: Double?
            do {
                let response = try await transport.send(request)
                if response.status == 200 || response.status == 202 {
                    do {
                        let parsed = try JSONv2.parseResponse(
                            response.body, context: context, expectedColumns: response.status == 200 ? expectedColumns : nil)
                        log(request, status: "\(response.status)", attempt: attempt, since: start)
                        return Answer(status: response.status, response: parsed)
                    } catch JSONv2Error.incompleteBody {
                        log(request, status: "\(response.status) with an incomplete body", attempt: attempt, since: start)
                        problem = .incompleteBody
                    } catch JSONv2Error.malformedBody {
                        // A proxy's page or a garbled answer: a server fault, not a result to decode.
                        log(request, status: "\(response.status) with a body that is not JSON", attempt: attempt, since: start)
                        problem = Self.notJSON(response)
                    }
                } else {
                    log(request, status: "\(response.status)", attempt: attempt, since: start)
                    retryAfter = RetryPolicy.retryAfterSeconds(response.headers["Retry-After"], now: now())
                    switch response.status {
                    case 429, 503, 504:
                        problem = .status(response.status, errorBody(response))
                    case let status where RetryPolicy.resubmittedOnce.contains(status) && !resubmitted.contains(status):
                        resubmitted.insert(status)
                        problem = .status(status, errorBody(response))
                    case 401:
                        let error = errorBody(response)
                        if error.code == "390144", credentials.tokenType == .keyPairJWT {
                            guard renewedOnce else {
                                // The JWT expired or was refused in flight: sign a new one and resend at once
                                // (sqlapi.md pitfall 8.14).
                                renewedOnce = true
                                renewToken = true
                                continue
                            }
                            throw SQLAPIError.freshTokenRefused(error: error, localClock: now())
                        }
                        throw SQLAPIError.unauthorized(tokenType: authorization.tokenType, error: error)
                    case let status where status >= 500 && !Self.looksLikeJSON(response.body):
                        problem = Self.notJSON(response)
                    default:
                        throw statusError(response, statement: statement)
                    }
                }
            } catch let error as TransportError where error.isRetryable {
                log(request, status: "failed (\(error))", attempt: attempt, since: start)
                problem = .transport(error)
            }
            last = problem
            let elapsed = now().timeIntervalSince(start)
            guard attempt < options.retry.maxAttempts else {
                throw SQLAPIError.retriesExhausted(
                    statement: statement.excerpt, purpose: purpose, attempts: attempt, elapsedSeconds: elapsed,
                    last: problem)
            }
            let delay = retryAfter ?? jitter() * options.retry.delayCap(beforeRetry: attempt)
            if let deadline, now().addingTimeInterval(delay) >= deadline {
                let wait = retryAfter.map { "Snowflake asked to wait \(SQLAPIError.duration($0)) (Retry-After), past the deadline; " } ?? ""
                throw deadlineExceeded(statement, purpose: purpose, detail: "\(wait)the last problem was: \(problem)")
            }
            try await sleeper.sleep(seconds: delay)
        }
    }

    /// True when the body starts (after white space) with `{` or `[`.
    private static func looksLikeJSON(_ body: Data) -> Bool {
        guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return false }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    private static func notJSON(_ response: HTTPResponse) -> RetriedProblem {
        let text = String(decoding: response.body.prefix(240), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        let excerpt = text.count > 80 ? String(text.prefix(80)) + "…" : text
        return .notJSON(status: response.status, contentType: response.headers["Content-Type"], excerpt: excerpt)
    }

    private func statusError(_ response: HTTPResponse, statement: SQLStatement) -> SQLAPIError {
        let error = errorBody(response)
        switch response.status {
        case 422: return .statementFailed(statement: statement.excerpt, error: error)
        case 408:
            return .statementTimedOut(statement: statement.excerpt, timeoutSeconds: statement.timeoutSeconds, error: error)
        case 400: return .badRequest(statement: statement.excerpt, error: error)
        default: return .httpStatus(statement: statement.excerpt, status: response.status, error: error)
        }
    }

    /// The Snowflake error fields of a body, or the first 200 characters of a non-JSON body as the message.
    private func errorBody(_ response: HTTPResponse) -> SnowflakeErrorBody {
        if let parsed = try? JSONv2.parseResponse(response.body, context: "error", expectedColumns: nil) {
            return SnowflakeErrorBody(
                code: parsed.members["code"].flatMap { $0.string ?? $0.int.map(String.init) },
                message: parsed.string("message"), sqlState: parsed.string("sqlState"),
                statementHandle: parsed.string("statementHandle"))
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
        return SnowflakeErrorBody(message: text.isEmpty ? nil : text)
    }

    private func headers(_ authorization: Authorization) -> HTTPHeaders {
        [
            "Authorization": "Bearer \(authorization.token.unredactedValue)",
            "X-Snowflake-Authorization-Token-Type": authorization.tokenType.rawValue,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": options.userAgent,
        ]
    }

    private func statementsURL(query: [(String, String)]) -> URL {
        makeURL(path: "/api/v2/statements", query: query)
    }

    private func statementURL(_ handle: String, query: [(String, String)]) -> URL {
        let escaped = handle.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? handle
        return makeURL(path: "/api/v2/statements/\(escaped)", query: query)
    }

    private func makeURL(path: String, query: [(String, String)]) -> URL {
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)!
        components.percentEncodedPath = path
        components.queryItems = query.isEmpty ? nil : query.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.url!
    }

    private func log(_ request: HTTPRequest, status: String, attempt: Int, since start: Date) {
        guard let log = options.log else { return }
        let milliseconds = Int((now().timeIntervalSince(start) * 1000).rounded())
        let path = request.url.path + (request.url.query.map { "?\($0)" } ?? "")
        log("\(request.method.rawValue) \(path) -> \(status) (attempt \(attempt), \(milliseconds) ms)")
    }
}

extension ConnectionConfiguration {
    /// The credential provider for this connection's authentication method: a ``KeyPairAuthenticator`` reading
    /// `private_key_file` (decrypted with `private_key_file_pwd`), or a ``StaticTokenProvider`` with the
    /// contents of `token_file_path` (which wins) or `token`.
    /// - Throws: ``ConfigError`` for a missing or unsupported method, ``AuthError`` for an unreadable key or token.
    public func makeCredentialProvider(now: @escaping @Sendable () -> Date) throws -> any CredentialProvider {
        switch try authenticationMethod() {
        case .keyPair:
            let key = try RSASigningKey(contentsOfFile: privateKeyFile!, passphrase: privateKeyPassphrase)
            return KeyPairAuthenticator(account: try accountIdentifier(), user: user!, key: key, now: now)
        case .oauth, .programmaticAccessToken:
            let type: TokenType = authenticator == "OAUTH" ? .oauth : .programmaticAccessToken
            if let tokenFilePath {
                let text: String
                do {
                    text = try String(contentsOfFile: tokenFilePath, encoding: .utf8)
                } catch {
                    throw AuthError.tokenFileUnreadable(path: tokenFilePath, reason: (error as NSError).localizedDescription)
                }
                return try StaticTokenProvider(tokenType: type, token: Secret(text), source: "token file '\(tokenFilePath)'")
            }
            return try StaticTokenProvider(
                tokenType: type, token: token!, source: "the token setting of connection '\(name)'")
        }
    }
}
