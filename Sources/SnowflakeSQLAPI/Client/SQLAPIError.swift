import Foundation

/// The Snowflake error fields of a failed request: `{"code", "message", "sqlState", "statementHandle"}`
/// (sqlapi.md sections 3.6 to 3.8). All may be absent (a proxy's HTML page, a Jersey error body).
public struct SnowflakeErrorBody: Sendable, Equatable {
    /// Snowflake's error code, e.g. `390144` or `001003`; nil when the body has none.
    public var code: String?
    /// The message; nil when absent.
    public var message: String?
    /// The SQLSTATE, e.g. `42000`; nil when absent.
    public var sqlState: String?
    /// The statement handle; nil when absent or JSON null (request-level errors, REC-068).
    public var statementHandle: String?

    /// A body with the given fields.
    public init(code: String? = nil, message: String? = nil, sqlState: String? = nil, statementHandle: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.statementHandle = statementHandle
    }

    var summary: String {
        var parts: [String] = []
        if let code { parts.append("code \(code)") }
        if let sqlState { parts.append("SQLSTATE \(sqlState)") }
        let head = parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))"
        return head + (message.map { ": \($0.replacingOccurrences(of: "\n", with: " "))" } ?? "")
    }
}

/// A problem that the client retried until its attempts or time ran out.
public enum RetriedProblem: Sendable, Equatable, CustomStringConvertible {
    /// An HTTP status that asks for a retry: 429, 503 or 504; or 500 and 408, resubmitted once.
    case status(Int, SnowflakeErrorBody)
    /// A retryable transport failure.
    case transport(TransportError)
    /// A 200 body whose JSON ended early (a gzip stream cut short with a matching `Content-Length`).
    case incompleteBody
    /// A body that is not the SQL API's JSON: a 200 or 202 that does not parse, or a 5xx page of a proxy or load
    /// balancer. `contentType` is the header's value (nil when absent); `excerpt` the first 80 characters.
    case notJSON(status: Int, contentType: String?, excerpt: String)

    /// The problem in words, as part of a sentence.
    public var description: String {
        switch self {
        case let .status(status, body): return "HTTP \(status)\(body.summary)"
        case let .transport(error): return error.description
        case .incompleteBody: return "the response body ended before its JSON was complete"
        case let .notJSON(status, contentType, excerpt):
            let type = contentType.map { " (\($0))" } ?? ""
            return "HTTP \(status) with a body that is not the SQL API's JSON\(type): '\(excerpt)'"
        }
    }
}

/// Why a statement did not produce a complete result. `description` names the statement (its first line,
/// never binding values or tokens), the Snowflake code and message, and what to do.
public enum SQLAPIError: Error, Equatable, CustomStringConvertible {
    /// 422: the statement failed (SQL compilation error, missing object, privileges, cancelled).
    case statementFailed(statement: String, error: SnowflakeErrorBody)
    /// 408: the statement reached its `timeout` and was cancelled by Snowflake.
    case statementTimedOut(statement: String, timeoutSeconds: Int?, error: SnowflakeErrorBody)
    /// 400: the request was refused (bad role 390186, unknown handle 000709, bad partition 391922, empty
    /// statement 000900, no token 390146, ...).
    case badRequest(statement: String, error: SnowflakeErrorBody)
    /// 401: the token was refused (JWT invalid 390144, OAuth expired 390318 or invalid 390303, PAT rejected).
    case unauthorized(tokenType: TokenType, error: SnowflakeErrorBody)
    /// Another status the client does not retry: 403, 404, 405, 415, 500, 502, ...
    case httpStatus(statement: String, status: Int, error: SnowflakeErrorBody)
    /// Retries ran out: `attempts` reached ``RetryPolicy/maxAttempts``. `purpose` names the request, e.g.
    /// "submitting the statement".
    case retriesExhausted(statement: String, purpose: String, attempts: Int, elapsedSeconds: Double, last: RetriedProblem)
    /// The client's deadline (``SQLAPIClientOptions/deadlineSeconds``) came before the request ended: a statement
    /// still running (202) at the deadline, or retries that would go past it. `detail` is a finished clause (the
    /// last problem, or how long the statement had been running); `elapsedSeconds` counts from the client's start.
    case deadlineExceeded(statement: String, purpose: String, deadlineSeconds: Double, elapsedSeconds: Double, detail: String)
    /// 401 `390144` for a key-pair JWT signed just before it was sent (after one re-signing): the key, the claims
    /// or this machine's clock is wrong. `localClock` is the clock's reading when the token was refused.
    case freshTokenRefused(error: SnowflakeErrorBody, localClock: Date)
    /// The rows received differ from `numRows` or a partition's `rowCount`. `partition` is nil for the total.
    case rowCountMismatch(statementHandle: String, partition: Int?, expected: Int, received: Int)
    /// A response of an unexpected shape (e.g. 200 without a statement handle).
    case unexpectedResponse(statement: String, status: Int, detail: String)
    /// The statement was refused before sending, e.g. it sets a `*_OUTPUT_FORMAT` parameter.
    case invalidStatement(statement: String, reason: String)

    /// Snowflake's error code when the server sent one, e.g. `390144`.
    public var snowflakeCode: String? {
        switch self {
        case let .statementFailed(_, error), let .statementTimedOut(_, _, error), let .badRequest(_, error),
            let .unauthorized(_, error), let .httpStatus(_, _, error), let .freshTokenRefused(error, _):
            return error.code
        case let .retriesExhausted(_, _, _, _, .status(_, error)):
            return error.code
        default:
            return nil
        }
    }

    /// A finished sentence naming the statement, the Snowflake code and message, and what to do.
    public var description: String {
        switch self {
        case let .statementFailed(statement, error):
            return "Snowflake rejected the statement '\(statement)'\(error.summary). Fix the SQL or grant the missing privilege, then run it again."
        case let .statementTimedOut(statement, timeout, error):
            let limit = timeout.map { "its timeout of \($0) s" } ?? "the statement timeout"
            return "The statement '\(statement)' reached \(limit) and Snowflake cancelled it\(error.summary). Raise the timeout or narrow the query (a shorter time window)."
        case let .badRequest(statement, error):
            return "Snowflake refused the request for '\(statement)' as malformed\(error.summary). \(Self.hint(for: error.code))"
        case let .unauthorized(tokenType, error):
            return "Snowflake refused the \(tokenType.rawValue) token\(error.summary). \(Self.hint(for: error.code)) Run 'spcs-cost connection test' for a diagnosis."
        case let .httpStatus(statement, status, error):
            let advice = status >= 500 ? "Snowflake had an internal error; try again later." : "Check the account URL and that the SQL API is enabled for this account."
            return "The request for '\(statement)' failed with HTTP \(status)\(error.summary). \(advice)"
        case let .retriesExhausted(statement, purpose, attempts, elapsed, last):
            return "Gave up \(purpose) for '\(statement)' after \(attempts) attempts (the --max-attempts limit) in \(String(format: "%.1f", elapsed)) s; the last problem was: \(last). Try again later, or raise --max-attempts."
        case let .deadlineExceeded(statement, purpose, deadline, elapsed, detail):
            return "Gave up \(purpose) for '\(statement)' at the deadline of \(Self.duration(deadline)) (--deadline), \(String(format: "%.1f", elapsed)) s after the start: \(detail). Try again later, or raise --deadline."
        case let .freshTokenRefused(error, clock):
            let instant = ISO8601DateFormatter().string(from: clock)
            return "Snowflake refused a freshly signed KEYPAIR_JWT token\(error.summary). This machine's clock reads \(instant) (UTC) and the token said it was issued \(KeyPairAuthenticator.issuedAtBackdateSeconds) s before that: if the clock is off by more than a minute, set it right (for example turn on NTP with 'timedatectl set-ntp true'); otherwise check that the public key fingerprint is registered with ALTER USER ... SET RSA_PUBLIC_KEY and that the account and user in the claims match DESCRIBE USER. Run 'spcs-cost connection test' for a diagnosis."
        case let .rowCountMismatch(handle, partition, expected, received):
            let part = partition.map { "partition \($0)" } ?? "the whole result"
            return "Statement \(handle): \(part) should have \(expected) rows but \(received) arrived, so the result is incomplete; run the query again."
        case let .unexpectedResponse(statement, status, detail):
            return "The response to '\(statement)' (HTTP \(status)) is not what the SQL API v2 sends: \(detail). Check that the host is a Snowflake account URL."
        case let .invalidStatement(statement, reason):
            return "The statement '\(statement)' was not sent: \(reason)."
        }
    }

    /// `1800` → "30 min", `90` → "90 s".
    static func duration(_ seconds: Double) -> String {
        if seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60)) min" }
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return String(format: "%.1f s", seconds)
    }

    /// What a known code means for the user (sqlapi.md sections 3.8, 4.1 to 4.3).
    static func hint(for code: String?) -> String {
        switch code {
        case "390144": return "The key-pair JWT is invalid: check that the public key fingerprint is registered with ALTER USER ... SET RSA_PUBLIC_KEY, that the account and user in the claims match DESCRIBE USER, and that the clock is right."
        case "390318": return "The OAuth access token has expired; get a new token."
        case "390303": return "The OAuth access token is not valid; get a new token."
        case "390432": return "A programmatic access token needs a network policy on the user (or the account)."
        case "394400": return "The programmatic access token is invalid or expired; generate a new one."
        case "390186": return "The role is not granted to the user; check the role in the connection (names are case-sensitive)."
        case "390146": return "No token was sent; check the connection's authenticator."
        case "391922": return "A result partition outside partitionInfo was requested."
        case "000709": return "The statement handle is unknown or its result has expired."
        default: return "Check the connection settings and the statement."
        }
    }
}
