import Foundation

/// HTTP header fields in the order they were set or received. Names compare case-insensitively
/// (RFC 9110 section 5.1); values are kept as sent.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields as `(name, value)` pairs, in order.
    public private(set) var fields: [(name: String, value: String)]

    /// Headers with the given fields, in order.
    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// Headers from a literal, e.g. `["Accept": "application/json"]`.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The value of the first field named `name` (any case), or nil when there is none.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` (any case) with one field holding `value`.
    public mutating func set(name: String, value: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        fields.append((name: name, value: value))
    }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// Same fields in the same order, names compared exactly.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// An HTTP request as the SQL API client builds it; the transport sends it unchanged.
public struct HTTPRequest: Sendable, Equatable {
    /// The request method. The SQL API v2 uses GET and POST only (sqlapi.md section 1.1).
    public enum Method: String, Sendable, Equatable {
        /// Status polls and partition fetches.
        case get = "GET"
        /// Statement submission.
        case post = "POST"
    }

    /// The request method.
    public var method: Method
    /// The absolute URL, query included.
    public var url: URL
    /// The header fields. They may hold a bearer token: never print them.
    public var headers: HTTPHeaders
    /// The body bytes; nil sends no body.
    public var body: Data?
    /// Longest time for this request, connect to last body byte, in milliseconds; nil = the transport's default.
    public var timeoutMilliseconds: Int?
    /// Largest response body accepted, in bytes after content decoding; nil = the transport's default.
    public var maxResponseBytes: Int?

    /// A request with the given parts.
    public init(
        method: Method, url: URL, headers: HTTPHeaders = [:], body: Data? = nil, timeoutMilliseconds: Int? = nil,
        maxResponseBytes: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxResponseBytes = maxResponseBytes
    }
}

/// An HTTP response with its body already decoded from any `Content-Encoding` (gzip, deflate).
public struct HTTPResponse: Sendable, Equatable {
    /// The status code, e.g. 200 or 202.
    public var status: Int
    /// The response header fields of the final response (after any `100 Continue`).
    public var headers: HTTPHeaders
    /// The body after content decoding; empty when the response had none.
    public var body: Data

    /// A response with the given parts.
    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The seam between the SQL API client and the network. ``CurlTransport`` is the live implementation;
/// tests may substitute their own.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the complete response, whatever its status.
    /// - Throws: ``TransportError`` when no complete response arrived (connection refused or dropped, body
    ///   truncated, timeout, TLS failure), or `CancellationError` when the task is cancelled. A non-2xx status is
    ///   not an error at this level.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Why a request produced no complete HTTP response. Descriptions name the host and never include headers
/// or bodies (which may carry tokens).
public enum TransportError: Error, Equatable, CustomStringConvertible {
    /// No connection could be made (refused, host unknown, network unreachable). `detail` is curl's message.
    case connectionFailed(url: String, detail: String)
    /// The connection closed before a response arrived, or mid-response (curl errors 52, 55, 56).
    case connectionDropped(url: String, detail: String)
    /// Fewer body bytes arrived than `Content-Length` announced, or the gzip stream ended early
    /// (curl errors 18, 23 on decoding, 61). `expectedBytes`/`receivedBytes` are nil when unknown.
    case truncatedBody(url: String, expectedBytes: Int64?, receivedBytes: Int64?, detail: String)
    /// The connect or total timeout elapsed. `milliseconds` is the limit that applied.
    case timedOut(url: String, milliseconds: Int)
    /// TLS failed: certificate not trusted, handshake error, unreadable CA bundle.
    case tls(url: String, detail: String)
    /// Any other libcurl failure, with its numeric `CURLcode`.
    case failed(url: String, curlCode: Int, detail: String)
    /// The response body grew past the limit (``HTTPRequest/maxResponseBytes``); the transfer was stopped there,
    /// so no more than `limitBytes` were held in memory.
    case responseTooLarge(url: String, limitBytes: Int)
    /// The request would carry credentials over plain HTTP to a host other than a loopback literal
    /// (``PlainHTTPPolicy``); nothing was sent. `reason` says what libcurl would have done.
    case plainHTTPRefused(url: String, reason: String)

    /// True for failures that a resubmission may cure: connection failures and drops, truncated bodies and
    /// timeouts. The client retries these with backoff (sqlapi.md section 5).
    public var isRetryable: Bool {
        switch self {
        case .connectionFailed, .connectionDropped, .truncatedBody, .timedOut: return true
        case .tls, .failed, .responseTooLarge, .plainHTTPRefused: return false
        }
    }

    /// A finished sentence naming the endpoint (without its query) and what to do.
    public var description: String {
        switch self {
        case let .connectionFailed(url, detail):
            return "Could not connect to \(url) (\(detail)); check the account, host and port of the connection and any proxy setting."
        case let .connectionDropped(url, detail):
            return "The connection to \(url) was closed before the response was complete (\(detail)); this is usually transient, so try again."
        case let .truncatedBody(url, expected, received, detail):
            let counts = expected.map { e in "received \(received.map(String.init) ?? "?") of \(e) bytes" } ?? "incomplete body"
            return "The response from \(url) was cut short (\(counts); \(detail)); this is usually transient, so try again."
        case let .timedOut(url, milliseconds):
            return "The request to \(url) did not finish within \(milliseconds) ms; check the network path to Snowflake, or raise --request-timeout."
        case let .tls(url, detail):
            return "The TLS connection to \(url) failed (\(detail)); if a corporate proxy re-signs traffic, set the CA bundle path to its certificate file."
        case let .failed(url, code, detail):
            return "The request to \(url) failed with libcurl error \(code) (\(detail))."
        case let .responseTooLarge(url, limit):
            let shown = limit % 1_048_576 == 0 ? "\(limit / 1_048_576) MiB" : "\(limit) bytes"
            return "The response from \(url) is larger than the limit of \(shown), so it was not read; a result partition is rarely over a few MiB, so check that the host is a Snowflake account, or raise --max-response-mib."
        case let .plainHTTPRefused(url, reason):
            return "The request to \(url) was not sent: it carries a token, and over plain HTTP \(reason). Use https, or a loopback test server written as 127.0.0.1, [::1] or localhost."
        }
    }
}
