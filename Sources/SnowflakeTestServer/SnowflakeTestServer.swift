import Foundation

/// A Snowflake SQL API v2 server on 127.0.0.1 for tests: serves registered results in the recorded wire shapes
/// (sqlapi.md section 3; first response pretty with the full rowType and lower-case types, later partitions
/// compact `{"data":...}` and gzip-encoded), verifies key-pair JWTs, PATs and OAuth tokens (section 4), records
/// every request, and injects faults down to the byte level (``TestFault``).
///
/// Statements are matched against registered regular expressions (case-insensitive, first registered wins). A
/// POST with `retry=true` and a `requestId` seen before answers the earlier statement without running it
/// again; ``executions(requestID:)`` counts runs.
public final class SnowflakeTestServer: @unchecked Sendable {
    /// Who may connect.
    public struct Identity: Sendable {
        /// Account identifiers accepted in JWT `sub`/`iss`, upper case (org-account form and locator).
        public var accounts: [String]
        /// The user name, upper case.
        public var user: String
        /// RSA public keys (SubjectPublicKeyInfo PEM) registered for the user.
        public var publicKeysPEM: [String]
        /// Valid programmatic access tokens.
        public var programmaticAccessTokens: [String]
        /// When true, every PAT is refused with 401 `390432` "Network policy is required." (sqlapi.md 4.3).
        public var programmaticAccessTokensNeedNetworkPolicy: Bool
        /// Valid OAuth access tokens.
        public var oauthTokens: [String]
        /// OAuth tokens answered with 401 `390318` (expired).
        public var expiredOAuthTokens: [String]
        /// Roles granted to the user; a request naming another role gets 400 `390186`. Nil accepts any role.
        public var grantedRoles: [String]?
        /// Warehouses that exist; a request naming another gets 422 `000606`. Nil accepts any warehouse.
        public var warehouses: [String]?
        /// `CURRENT_ACCOUNT()` and `CURRENT_REGION()` answers for the built-in connection-test statement.
        public var currentAccount: String, currentRegion: String
        /// The accounts (as written in ``accounts``) that are the organization account: only a key-pair JWT naming
        /// one of them is served the ORGANIZATION_USAGE views; any other account gets 422 `002003` "does not exist
        /// or not authorized", even where a result is registered (as Snowflake serves them only in the organization
        /// account). Nil: every account is (PAT and OAuth tokens always are).
        public var organizationAccounts: [String]? = nil

        /// An identity; by default accounts `MYORG-MYACCOUNT` and `XY12345`, user `SPCS_COST`, no keys or tokens.
        public init(
            accounts: [String] = ["MYORG-MYACCOUNT", "XY12345"], user: String = "SPCS_COST", publicKeysPEM: [String] = [],
            programmaticAccessTokens: [String] = [], programmaticAccessTokensNeedNetworkPolicy: Bool = false,
            oauthTokens: [String] = [], expiredOAuthTokens: [String] = [], grantedRoles: [String]? = nil,
            warehouses: [String]? = nil, currentAccount: String = "XY12345", currentRegion: String = "AWS_US_WEST_2"
        ) {
            self.accounts = accounts
            self.user = user
            self.publicKeysPEM = publicKeysPEM
            self.programmaticAccessTokens = programmaticAccessTokens
            self.programmaticAccessTokensNeedNetworkPolicy = programmaticAccessTokensNeedNetworkPolicy
            self.oauthTokens = oauthTokens
            self.expiredOAuthTokens = expiredOAuthTokens
            self.grantedRoles = grantedRoles
            self.warehouses = warehouses
            self.currentAccount = currentAccount
            self.currentRegion = currentRegion
        }
    }

    private struct Handler {
        var pattern: NSRegularExpression
        var respond: @Sendable (ReceivedStatement) -> TestOutcome
    }

    private struct FaultRule {
        var fault: TestFault
        var route: TestRoute
        var remaining: Int
    }

    private struct Statement {
        var handle: String
        /// The SQL text.
        var text: String
        var requestID: String
        var createdOnMilliseconds: Int64
        var outcome: TestOutcome
        var pendingPolls: Int
        /// Rows split into partitions (at least one partition, possibly empty).
        var partitions: [[[String?]]]
    }

    private let verifier: TokenVerifier
    /// Answers the connection test's `SELECT CURRENT_ACCOUNT(), CURRENT_REGION()` unless a registration matches first.
    private let builtIn: Handler
    /// An ORGANIZATION_USAGE view with no registered result is refused as Snowflake refuses a role without the
    /// organization grant (or an account that is not the organization account): 422 `002003`, "does not exist or not
    /// authorized". Register the view to serve rows (``TestResult/usageInCurrencyDaily(_:)`` has its columns).
    private static let organizationUsageRefusal = Handler(
        pattern: try! NSRegularExpression(pattern: "SNOWFLAKE\\.ORGANIZATION_USAGE\\.([A-Z_]+)", options: [.caseInsensitive]),
        respond: { statement in
            let text = statement.text
            let match = try! NSRegularExpression(pattern: "SNOWFLAKE\\.ORGANIZATION_USAGE\\.[A-Z_]+", options: [.caseInsensitive])
                .firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
            let view = match.flatMap { Range($0.range, in: text) }.map { String(text[$0]).uppercased() } ?? "ORGANIZATION_USAGE"
            return .failure(status: 422, code: "002003", sqlState: "02000",
                            message: "SQL compilation error:\nObject '\(view)' does not exist or not authorized.")
        })
    /// NOTEBOOKS_CONTAINER_RUNTIME_HISTORY with no rows (an account whose users ran no notebook on container
    /// runtime), unless a test registers the view (``TestResult/notebooksContainerRuntimeHistory(_:)``) or a refusal.
    private static let emptyNotebooks = Handler(
        pattern: try! NSRegularExpression(pattern: "NOTEBOOKS_CONTAINER_RUNTIME_HISTORY", options: [.caseInsensitive]),
        respond: { _ in .rows(.notebooksContainerRuntimeHistory([])) })
    /// BLOCK_STORAGE_HISTORY, BLOCK_STORAGE_SNAPSHOTS, INTERNAL_DATA_TRANSFER_HISTORY and DATA_TRANSFER_HISTORY of
    /// ACCOUNT_USAGE with no registered result are served empty, with the columns of
    /// ``TestResult/storageTransferViews``: an account without block storage or SPCS transfer.
    private static let storageTransferEmpty = Handler(
        pattern: try! NSRegularExpression(
            pattern: "ACCOUNT_USAGE\\.(BLOCK_STORAGE_HISTORY|BLOCK_STORAGE_SNAPSHOTS|INTERNAL_DATA_TRANSFER_HISTORY|DATA_TRANSFER_HISTORY)\\b",
            options: [.caseInsensitive]),
        respond: { statement in
            let text = statement.text.uppercased()
            let columns = TestResult.storageTransferViews.first { text.contains("ACCOUNT_USAGE.\($0.view) ") || text.hasSuffix("ACCOUNT_USAGE.\($0.view)") }?.columns ?? []
            return .rows(TestResult(columns: columns, rows: []))
        })
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    private var handlers: [Handler] = []
    /// The task warehouse views' rows (``serve(_:)``); none by default.
    private var taskViews = TaskWarehouseViews()
    /// SHOW WAREHOUSES and SHOW NOTEBOOKS rows (``serve(_:)``); none by default.
    private var inventory = AccountInventory()
    private var faults: [FaultRule] = []
    private var statements: [String: Statement] = [:]
    private var handleByRequestID: [String: String] = [:]
    private var executionsByRequestID: [String: Int] = [:]
    private var recorded: [RecordedRequest] = []
    private var nextHandle = 1
    private var server: LoopbackHTTPServer!

    /// Starts a server on an ephemeral port of 127.0.0.1.
    /// - Parameters:
    ///   - identity: accepted accounts, user, keys and tokens.
    ///   - now: the clock for JWT `exp`/`iat` checks and `createdOn` (inject the client's clock).
    /// - Throws: ``TestServerError`` when a key does not parse or the socket cannot be bound.
    public init(identity: Identity, now: @escaping @Sendable () -> Date) throws {
        do {
            verifier = try TokenVerifier(identity: identity)
        } catch {
            throw TestServerError.badPublicKey("\(error)")
        }
        self.now = now
        builtIn = Handler(
            pattern: try! NSRegularExpression(
                pattern: "^\\s*SELECT\\s+CURRENT_ACCOUNT\\(\\)\\s*,\\s*CURRENT_REGION\\(\\)\\s*$", options: [.caseInsensitive]),
            respond: { _ in
                .rows(TestResult(
                    columns: [.text("CURRENT_ACCOUNT()"), .text("CURRENT_REGION()")],
                    rows: [[identity.currentAccount, identity.currentRegion]]))
            })
        server = try LoopbackHTTPServer { [weak self] request in
            self?.handle(request) ?? RawResponse(status: 503, headers: [], body: Data())
        }
    }

    deinit {
        server?.stop()
    }

    /// The bound port.
    public var port: Int { server.port }
    /// `http://127.0.0.1:<port>`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Stops accepting connections. Called automatically when the server is released.
    public func stop() { server.stop() }

    // MARK: - Programming

    /// Answers statements matching `pattern` (a case-insensitive regular expression searched in the SQL text)
    /// with `result`.
    public func register(_ pattern: String, result: TestResult) {
        register(pattern) { _ in .rows(result) }
    }

    /// Answers statements matching `pattern` with whatever `respond` returns for the received statement (its
    /// bindings, parameters, context).
    public func register(_ pattern: String, respond: @escaping @Sendable (ReceivedStatement) -> TestOutcome) {
        guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else {
            preconditionFailure("SnowflakeTestServer.register: '\(pattern)' is not a valid regular expression")
        }
        lock.lock()
        handlers.append(Handler(pattern: expression, respond: respond))
        lock.unlock()
    }

    func setTaskViews(_ views: TaskWarehouseViews) {
        lock.lock()
        taskViews = views
        lock.unlock()
    }

    func setInventory(_ inventory: AccountInventory) {
        lock.lock()
        self.inventory = inventory
        lock.unlock()
    }

    /// Applies `fault` to the next `times` requests on `route` (after authentication).
    public func inject(_ fault: TestFault, on route: TestRoute = .any, times: Int = 1) {
        lock.lock()
        faults.append(FaultRule(fault: fault, route: route, remaining: times))
        lock.unlock()
    }

    // MARK: - Observation

    /// Every request so far, in arrival order.
    public var requests: [RecordedRequest] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// How many times statements submitted with `requestID` ran.
    public func executions(requestID: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return executionsByRequestID[requestID.lowercased()] ?? 0
    }

    /// Statements run in total.
    public var executionCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return executionsByRequestID.values.reduce(0, +)
    }

    /// The largest number of requests served at the same time.
    public var maxConcurrentRequests: Int { server.maxConcurrentRequests }

    // MARK: - Handling

    private enum Route {
        case submit
        case status(handle: String)
        case partition(handle: String, raw: String)
        case cancel(handle: String)
        case unknown
    }

    private func route(_ request: RawRequest) -> Route {
        let prefix = "/api/v2/statements"
        if request.method == "POST" && request.path == prefix { return .submit }
        if request.method == "POST", request.path.hasPrefix(prefix + "/"), request.path.hasSuffix("/cancel") {
            let handle = String(request.path.dropFirst(prefix.count + 1).dropLast("/cancel".count))
            return handle.isEmpty || handle.contains("/") ? .unknown : .cancel(handle: handle)
        }
        guard request.method == "GET", request.path.hasPrefix(prefix + "/") else { return .unknown }
        let handle = String(request.path.dropFirst(prefix.count + 1))
        guard !handle.isEmpty, !handle.contains("/") else { return .unknown }
        if let partition = request.queryValue("partition") { return .partition(handle: handle, raw: partition) }
        return .status(handle: handle)
    }

    private func handle(_ request: RawRequest) -> RawResponse {
        lock.lock()
        let index = recorded.count + 1
        recorded.append(RecordedRequest(
            index: index, method: request.method, path: request.path,
            query: Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
            headers: request.headers.map { field in
                TestHeader(
                    name: field.name,
                    value: field.name.caseInsensitiveCompare("Authorization") == .orderedSame ? "Bearer <redacted>" : field.value)
            },
            body: String(decoding: request.body, as: UTF8.self), tokenType: nil, jwtClaims: [:], authFailure: nil,
            status: 0, receivedUptimeSeconds: ProcessInfo.processInfo.systemUptime))
        lock.unlock()

        var response: RawResponse
        do {
            let principal = try verifier.verify(
                authorization: request.header("Authorization"), tokenType: request.header("X-Snowflake-Authorization-Token-Type"),
                now: now())
            lock.lock()
            recorded[index - 1].tokenType = principal.tokenType
            recorded[index - 1].jwtClaims = principal.claims
            lock.unlock()
            // The account of a key-pair JWT's `sub` (ACCOUNT.USER); nil for PAT and OAuth.
            let account = principal.claims["sub"].map { sub in
                String(sub[..<(sub.lastIndex(of: ".") ?? sub.endIndex)])
            }
            response = dispatch(request, account: account)
        } catch {
            lock.lock()
            recorded[index - 1].authFailure = error.reason
            lock.unlock()
            response = errorResponse(
                error.status, code: error.code, message: error.message, sqlState: nil, handle: nil, withHandle: false)
        }
        lock.lock()
        recorded[index - 1].status = response.status
        lock.unlock()
        return response
    }

    /// The SQL text of the statement a request is about: the submitted text, or the text of the statement a status
    /// poll or partition names; nil otherwise.
    private func statementText(_ request: RawRequest, route: Route) -> String? {
        switch route {
        case .submit:
            return ((try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any])?["statement"] as? String
        case let .status(handle), let .partition(handle, _):
            lock.lock()
            defer { lock.unlock() }
            return statements[handle]?.text
        default:
            return nil
        }
    }

    private static func matches(_ wanted: TestRoute, _ route: Route, text: String?) -> Bool {
        switch (wanted, route) {
        case (.any, _), (.submit, .submit), (.status, .status): return true
        case let (.partition(wanted), .partition(_, raw)): return wanted == nil || wanted.map(String.init) == raw
        case let (.statement(fragment, inner), .submit), let (.statement(fragment, inner), .status),
             let (.statement(fragment, inner), .partition):
            guard let text, text.range(of: fragment, options: .caseInsensitive) != nil else { return false }
            return matches(inner, route, text: text)
        default: return false
        }
    }

    private func takeFaults(for route: Route, text: String?) -> (action: TestFault?, delayMilliseconds: Int) {
        lock.lock()
        defer { lock.unlock() }
        var action: TestFault?
        var delay = 0
        for position in faults.indices where faults[position].remaining > 0 {
            guard Self.matches(faults[position].route, route, text: text) else { continue }
            if case let .delay(milliseconds) = faults[position].fault {
                delay += milliseconds
                faults[position].remaining -= 1
            } else if action == nil {
                action = faults[position].fault
                faults[position].remaining -= 1
            }
        }
        return (action, delay)
    }

    private func dispatch(_ request: RawRequest, account: String?) -> RawResponse {
        let route = self.route(request)
        if case .unknown = route {
            return jersey(404, message: "Not Found", url: request.path)
        }
        let (fault, delay) = takeFaults(for: route, text: statementText(request, route: route))
        var response: RawResponse
        switch fault {
        case let .status(status, code, message)?:
            response = errorResponse(
                status, code: code ?? "\(status)000", message: message ?? Self.defaultMessage(status), sqlState: nil,
                handle: nil, withHandle: false)
        case .expiredToken?:
            response = errorResponse(
                401, code: "390144", message: TokenVerifier.tagged("JWT token is invalid."), sqlState: nil, handle: nil,
                withHandle: false)
        case let .retryAfter(status, value)?:
            response = errorResponse(
                status, code: "\(status)000", message: Self.defaultMessage(status), sqlState: nil, handle: nil,
                withHandle: false)
            response.headers.append(("Retry-After", value))
        case let .nonJSONBody(status)?:
            let title = "\(status) \(LoopbackHTTPServer.reason(status))"
            response = RawResponse(
                status: status, headers: [("Content-Type", "text/html")],
                body: Data("<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1></center>\r\n</body>\r\n</html>\r\n".utf8))
        case .statementTimeout?:
            response = errorResponse(
                408, code: "000630",
                message: "Statement reached its statement or warehouse timeout of 2 second(s) and was canceled.",
                sqlState: "57014", handle: makeHandle())
        case .hang?:
            response = RawResponse(status: 0, headers: [], body: Data(), delivery: .hang)
        case .badPartition?:
            let handle: String?
            switch route {
            case let .status(h), let .partition(h, _), let .cancel(h): handle = h
            default: handle = nil
            }
            response = errorResponse(
                400, code: "391922",
                message: "Invalid partition parameter. The partition must be long type parsable and between 0 and 0, but '\(request.queryValue("partition") ?? "")' is specified.",
                sqlState: "22023", handle: handle)
        default:
            switch route {
            case .submit: response = submit(request, fault: fault, account: account)
            case let .status(handle): response = status(handle, request: request)
            case let .partition(handle, raw): response = partition(handle, raw: raw, request: request)
            case let .cancel(handle): response = cancel(handle)
            case .unknown: response = jersey(404, message: "Not Found", url: request.path)
            }
        }
        switch fault {
        case .dropConnectionAfterHeaders?: response.delivery = .dropAfterHeaders
        case .truncateBody?: response.delivery = .truncateBody
        case .truncateGzipStream?:
            if !response.headers.contains(where: { $0.0 == "Content-Encoding" }) {
                response.body = Gzip.compress(response.body)
                response.headers.append(("Content-Encoding", "gzip"))
            }
            response.delivery = .truncateWithMatchingLength
        default: break
        }
        response.delayMilliseconds = delay
        return response
    }

    private func submit(_ request: RawRequest, fault: TestFault?, account: String?) -> RawResponse {
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true else {
            return jersey(400, message: "Bad Request", url: request.path)
        }
        guard let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any] else {
            return errorResponse(400, code: "000900", message: "SQL compilation error:\nInvalid request body.", sqlState: "42601", handle: nil)
        }
        let text = (json["statement"] as? String) ?? ""
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return errorResponse(400, code: "000900", message: "SQL compilation error:\nEmpty SQL statement.", sqlState: "42601", handle: nil)
        }
        let requestID = (request.queryValue("requestId") ?? UUID().uuidString).lowercased()
        if request.queryValue("retry") == "true" {
            lock.lock()
            let earlier = handleByRequestID[requestID].flatMap { statements[$0] }
            lock.unlock()
            if let earlier { return answer(for: earlier.handle, partition: nil, request: request, countPoll: false) }
        }
        let statement = ReceivedStatement(
            text: text,
            bindings: ((json["bindings"] as? [String: Any]) ?? [:]).compactMapValues { value in
                guard let binding = value as? [String: Any], let type = binding["type"] as? String else { return nil }
                return TestBinding(type: type, value: binding["value"] as? String)
            },
            parameters: ((json["parameters"] as? [String: Any]) ?? [:]).mapValues { "\($0)" },
            role: json["role"] as? String, warehouse: json["warehouse"] as? String, database: json["database"] as? String,
            schema: json["schema"] as? String, timeout: json["timeout"] as? Int, account: account)
        if let role = statement.role, let granted = verifier.identity.grantedRoles, !granted.contains(role) {
            return errorResponse(
                400, code: "390186",
                message: "Role '\(role)' specified in the connect string is not granted to this user. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.",
                sqlState: nil, handle: nil, withHandle: false)
        }
        if let warehouse = statement.warehouse, let known = verifier.identity.warehouses, !known.contains(warehouse) {
            return errorResponse(
                422, code: "000606",
                message: "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.",
                sqlState: "57P03", handle: makeHandle())
        }

        // ORGANIZATION_USAGE only in the organization account.
        let notOrganizationAccount = account.map { a in
            verifier.identity.organizationAccounts.map { !$0.contains(a) } ?? false
        } ?? false
        lock.lock()
        let chain = notOrganizationAccount ? [Self.organizationUsageRefusal] + handlers + [builtIn, Self.emptyNotebooks, Self.storageTransferEmpty]
            : handlers + [builtIn, Self.organizationUsageRefusal, Self.emptyNotebooks, Self.storageTransferEmpty]
        let handler = chain.first {
            $0.pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        let views = taskViews
        let shown = inventory
        lock.unlock()
        // The task warehouse views and the SHOW commands answer when no registration does (TaskViews.swift,
        // InventoryViews.swift).
        let outcome = handler?.respond(statement) ?? views.answer(statement) ?? shown.answer(statement)
            ?? .compilationError("Object does not exist or no result is registered in the test server for this statement.")
        let handle = makeHandle()
        var pendingPolls = 0
        if case let .accepted(polls)? = fault { pendingPolls = polls }
        let record = Statement(
            handle: handle, text: text, requestID: requestID, createdOnMilliseconds: Int64(now().timeIntervalSince1970 * 1000),
            outcome: outcome, pendingPolls: pendingPolls, partitions: Self.split(outcome))
        lock.lock()
        statements[handle] = record
        handleByRequestID[requestID] = handle
        executionsByRequestID[requestID, default: 0] += 1
        lock.unlock()

        if case let .statusAfterExecution(status)? = fault {
            return errorResponse(status, code: "\(status)000", message: Self.defaultMessage(status), sqlState: nil, handle: nil, withHandle: false)
        }
        if pendingPolls > 0 { return accepted(handle) }
        return answer(for: handle, partition: nil, request: request, countPoll: false)
    }

    /// Cancels a statement (sqlapi.md section 3.9, REC-073/074): 200 with `000604`; later GETs answer 422
    /// `000604` "SQL execution canceled".
    private func cancel(_ handle: String) -> RawResponse {
        lock.lock()
        guard var statement = statements[handle] else {
            lock.unlock()
            return errorResponse(400, code: "000709", message: "Statement \(handle) not found", sqlState: "02000", handle: handle)
        }
        statement.pendingPolls = 0
        statement.outcome = .failure(status: 422, code: "000604", sqlState: "57014", message: "SQL execution canceled")
        statement.partitions = [[]]
        statements[handle] = statement
        lock.unlock()
        let body = WireJSON.object([
            ("code", .string("000604")), ("sqlState", .string("57014")), ("message", .string("SQL execution canceled")),
            ("statementHandle", .string(handle)), ("statementStatusUrl", .string("/api/statements/\(handle)")),
        ]).pretty()
        return RawResponse(status: 200, headers: [("Content-Type", "application/json")], body: Data(body.utf8))
    }

    private func status(_ handle: String, request: RawRequest) -> RawResponse {
        answer(for: handle, partition: nil, request: request, countPoll: true)
    }

    private func partition(_ handle: String, raw: String, request: RawRequest) -> RawResponse {
        answer(for: handle, partition: raw, request: request, countPoll: true)
    }

    /// The answer for a known statement: 202 while polls are pending, its failure, its first response, or a
    /// later partition.
    private func answer(for handle: String, partition raw: String?, request: RawRequest, countPoll: Bool) -> RawResponse {
        lock.lock()
        guard var statement = statements[handle] else {
            lock.unlock()
            return errorResponse(400, code: "000709", message: "Statement \(handle) not found", sqlState: "02000", handle: handle)
        }
        if statement.pendingPolls > 0 {
            if countPoll { statement.pendingPolls -= 1 }
            statements[handle] = statement
            lock.unlock()
            return accepted(handle)
        }
        lock.unlock()
        switch statement.outcome {
        case let .failure(status, code, sqlState, message):
            return errorResponse(status, code: code, message: message, sqlState: sqlState, handle: handle)
        case let .rows(result):
            let count = statement.partitions.count
            guard let raw else { return firstResponse(statement, result: result, request: request) }
            guard let index = Int(raw), (0..<count).contains(index) else {
                return errorResponse(
                    400, code: "391922",
                    message: "Invalid partition parameter. The partition must be long type parsable and between 0 and \(count - 1), but '\(raw)' is specified.",
                    sqlState: "22023", handle: handle)
            }
            if index == 0 { return firstResponse(statement, result: result, request: request) }
            // Later partitions: compact, one row per line, always gzip, no Vary (REC-109).
            let body = "{\"data\":[" + statement.partitions[index].map(WireJSON.row).joined(separator: ",\n") + "]}"
            return RawResponse(
                status: 200,
                headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip"), ("Link", links(handle, index, count))],
                body: Gzip.compress(Data(body.utf8)))
        }
    }

    private func firstResponse(_ statement: Statement, result: TestResult, request: RawRequest) -> RawResponse {
        let partitionBodies = statement.partitions.map { rows in
            "{\"data\":[" + rows.map(WireJSON.row).joined(separator: ",\n") + "]}"
        }
        let info: [WireJSON] = statement.partitions.indices.map { index in
            var members: [(String, WireJSON)] = [
                ("rowCount", .int(statement.partitions[index].count)),
                ("uncompressedSize", .int(partitionBodies[index].utf8.count)),
            ]
            if statement.partitions.count > 1 {
                members.append(("compressedSize", .int(Gzip.compress(Data(partitionBodies[index].utf8)).count)))
            }
            return .object(members)
        }
        let rowType: [WireJSON] = result.columns.map { column in
            .object([
                ("name", .string(column.name)), ("database", .string("")), ("schema", .string("")), ("table", .string("")),
                ("collation", .null), ("precision", .optional(column.precision)), ("scale", .optional(column.scale)),
                ("nullable", .bool(column.nullable)), ("byteLength", .optional(column.byteLength)),
                ("length", .optional(column.length)), ("type", .string(column.type)),
            ])
        }
        let rows = statement.partitions[0].map(WireJSON.row)
        let body = WireJSON.object([
            ("resultSetMetaData", .object([
                ("numRows", .int(result.reportedRowCount ?? result.rows.count)), ("format", .string("jsonv2")),
                ("partitionInfo", .array(info)), ("rowType", .array(rowType)),
            ])),
            ("data", .raw(rows.isEmpty ? "[ ]" : "[ " + rows.joined(separator: ",\n") + " ]")),
            ("code", .string("090001")),
            ("statementStatusUrl", .string("/api/v2/statements/\(statement.handle)?requestId=\(statement.requestID)")),
            ("requestId", .string(statement.requestID)), ("sqlState", .string("00000")),
            ("statementHandle", .string(statement.handle)), ("message", .string("Statement executed successfully.")),
            ("createdOn", .int(Int(statement.createdOnMilliseconds))),
        ]).pretty()
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"), ("Vary", "Accept-Encoding, User-Agent"),
            ("Link", links(statement.handle, 0, statement.partitions.count)),
        ]
        var data = Data(body.utf8)
        // The first response is gzip-encoded only when the client asks (REC-108).
        if request.header("Accept-Encoding")?.lowercased().contains("gzip") == true {
            data = Gzip.compress(data)
            headers.append(("Content-Encoding", "gzip"))
        }
        return RawResponse(status: 200, headers: headers, body: data)
    }

    private func accepted(_ handle: String) -> RawResponse {
        let body = WireJSON.object([
            ("code", .string("333334")),
            ("message", .string("Asynchronous execution in progress. Use provided query id to perform query monitoring and management.")),
            ("statementHandle", .string(handle)), ("statementStatusUrl", .string("/api/v2/statements/\(handle)")),
        ]).pretty()
        return RawResponse(
            status: 202, headers: [("Content-Type", "application/json"), ("Vary", "Accept-Encoding, User-Agent")],
            body: Data(body.utf8))
    }

    private func errorResponse(
        _ status: Int, code: String, message: String, sqlState: String?, handle: String?, withHandle: Bool = true
    ) -> RawResponse {
        var members: [(String, WireJSON)] = [("code", .string(code)), ("message", .string(message))]
        if let sqlState { members.append(("sqlState", .string(sqlState))) }
        if withHandle { members.append(("statementHandle", handle.map(WireJSON.string) ?? .null)) }
        return RawResponse(
            status: status, headers: [("Content-Type", "application/json"), ("Vary", "Accept-Encoding")],
            body: Data(WireJSON.object(members).pretty().utf8))
    }

    /// REC-111: not the Snowflake error shape.
    private func jersey(_ status: Int, message: String, url: String) -> RawResponse {
        let body = "{\n\"servlet\":\"com.sun.jersey.spi.container.servlet.ServletContainer-53c8845f\",\n\"message\":\(WireJSON.quote(message)),\n\"url\":\(WireJSON.quote(url)),\n\"status\":\"\(status)\"\n}"
        return RawResponse(
            status: status,
            headers: [("Content-Type", "application/json"), ("Cache-Control", "must-revalidate,no-cache,no-store"), ("Vary", "Accept-Encoding")],
            body: Data(body.utf8))
    }

    /// first/prev/next/last links with a fresh requestId each (REC-055, REC-109).
    private func links(_ handle: String, _ partition: Int, _ count: Int) -> String {
        func link(_ index: Int, _ rel: String) -> String {
            "</api/v2/statements/\(handle)?requestId=\(UUID().uuidString.lowercased())&partition=\(index)>; rel=\"\(rel)\""
        }
        var items = [link(0, "first")]
        if partition > 0 { items.append(link(partition - 1, "prev")) }
        if partition < count - 1 { items.append(link(partition + 1, "next")) }
        items.append(link(count - 1, "last"))
        return items.joined(separator: ",")
    }

    private func makeHandle() -> String {
        lock.lock()
        defer { lock.unlock() }
        let serial = String(nextHandle, radix: 16)
        let handle = "01c79a10-0001-ac43-0000-" + String(repeating: "0", count: max(0, 12 - serial.count)) + serial
        nextHandle += 1
        return handle
    }

    private static func split(_ outcome: TestOutcome) -> [[[String?]]] {
        guard case let .rows(result) = outcome else { return [[]] }
        guard let sizes = result.partitionSizes, !sizes.isEmpty else { return [result.rows] }
        precondition(sizes.reduce(0, +) == result.rows.count, "partitionSizes must add up to the number of rows")
        var partitions: [[[String?]]] = []
        var start = 0
        for size in sizes {
            partitions.append(Array(result.rows[start..<start + size]))
            start += size
        }
        return partitions
    }

    private static func defaultMessage(_ status: Int) -> String {
        switch status {
        case 429: return "Too many requests; slow down."
        case 503: return "Service temporarily unavailable."
        case 504: return "Gateway timeout."
        default: return "Request failed with HTTP \(status)."
        }
    }
}
