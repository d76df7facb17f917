import CCurl
import Foundation

/// The live ``HTTPTransport``: libcurl's easy interface, one handle and one dedicated thread per request, so
/// blocking transfers never occupy the Swift cooperative thread pool and many requests can be in flight at once.
/// (A dispatch queue would not do: on Linux its worker pool is sized to the core count, so two blocked transfers
/// would stall every other request on a 2-core machine.)
///
/// libcurl is used directly rather than `URLSession` because, on Linux, `URLSession` truncates timeouts to whole
/// seconds and cannot trust a custom CA bundle (STYLE.md section 4); here connect and total timeouts are exact
/// milliseconds and the CA bundle and proxy are options. `CURLOPT_ACCEPT_ENCODING ""` makes libcurl advertise and
/// decode gzip/deflate, since later result partitions arrive gzip-encoded (sqlapi.md section 3.4).
///
/// Proxies are used only when ``Options/proxy`` says so: libcurl's own reading of `http_proxy`/`HTTPS_PROXY` is
/// switched off so behaviour depends on injected configuration alone.
///
/// Credentials never travel in clear text: a request with an `Authorization` header over plain `http` is sent
/// only to a loopback literal as libcurl reads the URL (``PlainHTTPPolicy``), never through a proxy; anything else
/// fails with ``TransportError/plainHTTPRefused(url:reason:)`` before a connection is made. A response body is
/// held in memory only up to ``Options/maxResponseBodyBytes`` (or the request's own limit).
public final class CurlTransport: HTTPTransport {
    /// Transfer settings applied to every request.
    public struct Options: Sendable, Equatable {
        /// Longest wait for the TCP (and TLS) connection, in milliseconds (`CURLOPT_CONNECTTIMEOUT_MS`).
        public var connectTimeoutMilliseconds: Int
        /// Longest time for a whole request, connect to last body byte, in milliseconds (`CURLOPT_TIMEOUT_MS`),
        /// unless the request sets its own ``HTTPRequest/timeoutMilliseconds``.
        public var totalTimeoutMilliseconds: Int
        /// Largest response body held in memory, in bytes after content decoding, unless the request sets its own
        /// ``HTTPRequest/maxResponseBytes``. A longer body stops the transfer with
        /// ``TransportError/responseTooLarge(url:limitBytes:)``.
        public var maxResponseBodyBytes: Int
        /// PEM file of CA certificates to trust instead of the system bundle (`CURLOPT_CAINFO`); nil = system.
        public var caBundlePath: String?
        /// Proxy URL, e.g. `http://proxy.corp:3128` (`CURLOPT_PROXY`); nil = connect directly. A ``Secret``
        /// because it may carry credentials (`http://user:password@proxy:3128`).
        public var proxy: Secret?

        /// Options with the given limits. Defaults: connect 10,000 ms, total 300,000 ms (a large result
        /// partition over a slow link), 256 MiB per response body (``SQLAPIClientOptions/defaultMaxResponseBytes``),
        /// system CA bundle, no proxy.
        public init(
            connectTimeoutMilliseconds: Int = 10_000, totalTimeoutMilliseconds: Int = 300_000,
            maxResponseBodyBytes: Int = SQLAPIClientOptions.defaultMaxResponseBytes,
            caBundlePath: String? = nil, proxy: Secret? = nil
        ) {
            self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
            self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
            self.maxResponseBodyBytes = maxResponseBodyBytes
            self.caBundlePath = caBundlePath
            self.proxy = proxy
        }
    }

    /// The settings this transport applies.
    public let options: Options

    /// A transport with the given settings.
    public init(options: Options = Options()) {
        _ = curlGlobalInitialization
        self.options = options
    }

    /// Performs `request` on its own thread with a fresh easy handle. Cancelling the task aborts the transfer
    /// within about a second (libcurl polls the progress callback at least once a second).
    /// - Throws: ``TransportError`` (see ``HTTPTransport/send(_:)``), or `CancellationError`.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let options = self.options
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let thread = Thread {
                    continuation.resume(with: Result {
                        try CurlTransfer.perform(request, options: options, cancellation: cancellation)
                    })
                }
                thread.name = "spcs-cost-curl"
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}

/// `curl_global_init` must run once before any other libcurl call and is not thread-safe itself; a Swift
/// global's initializer runs exactly once. (The URL parser of ``CurlURLParts`` needs it too.)
let curlGlobalInitialization: Void = {
    _ = curl_global_init(Int(CURL_GLOBAL_ALL))
}()

/// Set when the awaiting task is cancelled; read by the transfer's progress callback on the curl thread.
private final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    func cancel() { lock.withLock { cancelled = true } }
    var isCancelled: Bool { lock.withLock { cancelled } }
}

/// State of one blocking transfer, reached from libcurl's C callbacks through an opaque pointer.
private final class CurlTransfer {
    var body = Data()
    var headers = HTTPHeaders()
    let cancellation: CancellationFlag
    /// The largest body kept; the write callback stops the transfer past it and sets `tooLarge`.
    let maxBodyBytes: Int
    var tooLarge = false

    init(cancellation: CancellationFlag, maxBodyBytes: Int) {
        self.cancellation = cancellation
        self.maxBodyBytes = maxBodyBytes
    }

    static func perform(
        _ request: HTTPRequest, options: CurlTransport.Options, cancellation: CancellationFlag
    ) throws -> HTTPResponse {
        if cancellation.isCancelled { throw CancellationError() }
        let urlText = request.url.absoluteString
        let plainHTTP = CurlURLParts(urlText)?.scheme == "http"
        if plainHTTP, request.headers["Authorization"] != nil, let reason = PlainHTTPPolicy.refusal(for: urlText) {
            throw TransportError.plainHTTPRefused(url: displayURL(request.url), reason: reason)
        }
        let maxBodyBytes = max(1, request.maxResponseBytes ?? options.maxResponseBodyBytes)
        guard let handle = curl_easy_init() else {
            throw TransportError.failed(url: displayURL(request.url), curlCode: -1, detail: "curl_easy_init returned NULL")
        }
        defer { curl_easy_cleanup(handle) }
        let transfer = CurlTransfer(cancellation: cancellation, maxBodyBytes: maxBodyBytes)
        let context = Unmanaged.passUnretained(transfer).toOpaque()

        var headerList: UnsafeMutablePointer<curl_slist>?
        for field in request.headers where field.name.caseInsensitiveCompare("Accept-Encoding") != .orderedSame {
            headerList = curl_slist_append(headerList, "\(field.name): \(field.value)")
        }
        headerList = curl_slist_append(headerList, "Expect:")  // no 100-continue round trip for POST bodies
        defer { curl_slist_free_all(headerList) }

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            spcs_curl_setopt_string(handle, CURLOPT_URL, urlText)
            spcs_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
            spcs_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMilliseconds)
            spcs_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, request.timeoutMilliseconds ?? options.totalTimeoutMilliseconds))
            // An announced Content-Length over the limit is refused before the body is read.
            spcs_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBodyBytes))
            spcs_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
            // Plain HTTP (loopback only, checked above) never goes through a proxy, which would see the token.
            let proxy = plainHTTP && request.headers["Authorization"] != nil ? nil : options.proxy
            spcs_curl_setopt_string(handle, CURLOPT_PROXY, proxy?.unredactedValue ?? "")
            if let caBundlePath = options.caBundlePath {
                spcs_curl_setopt_string(handle, CURLOPT_CAINFO, caBundlePath)
            }
            spcs_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
            spcs_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress)
            spcs_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody)
            spcs_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
            spcs_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader)
            spcs_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context)
            spcs_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            spcs_curl_setopt_progress(handle, CURLOPT_XFERINFOFUNCTION, curlProgress)
            spcs_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
            switch request.method {
            case .get:
                spcs_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            case .post:
                let body = request.body ?? Data()
                spcs_curl_setopt_long(handle, CURLOPT_POST, 1)
                spcs_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                body.withUnsafeBytes { bytes in
                    // COPYPOSTFIELDS copies the bytes, so the buffer need not outlive this closure.
                    let empty: StaticString = ""
                    let pointer = bytes.baseAddress ?? UnsafeRawPointer(empty.utf8Start)
                    spcs_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: pointer))
                }
            }
            return curl_easy_perform(handle)
        }
        let url = displayURL(request.url)
        let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message

        var expectedBytes: curl_off_t = -1
        var receivedBytes: curl_off_t = 0
        spcs_curl_getinfo_off_t(handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expectedBytes)
        spcs_curl_getinfo_off_t(handle, CURLINFO_SIZE_DOWNLOAD_T, &receivedBytes)
        let expected: Int64? = expectedBytes >= 0 ? Int64(expectedBytes) : nil

        if transfer.tooLarge || code == CURLE_FILESIZE_EXCEEDED {
            throw TransportError.responseTooLarge(url: url, limitBytes: maxBodyBytes)
        }
        switch code {
        case CURLE_OK:
            break
        case CURLE_ABORTED_BY_CALLBACK:
            throw CancellationError()
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            throw TransportError.connectionFailed(url: url, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            var connectSeconds: Double = 0
            spcs_curl_getinfo_double(handle, CURLINFO_CONNECT_TIME, &connectSeconds)
            let limit = connectSeconds == 0
                ? options.connectTimeoutMilliseconds : max(1, request.timeoutMilliseconds ?? options.totalTimeoutMilliseconds)
            throw TransportError.timedOut(url: url, milliseconds: limit)
        case CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING:
            throw TransportError.truncatedBody(
                url: url, expectedBytes: expected, receivedBytes: Int64(receivedBytes), detail: detail)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            throw TransportError.connectionDropped(url: url, detail: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND:
            throw TransportError.tls(url: url, detail: detail)
        default:
            throw TransportError.failed(url: url, curlCode: Int(code.rawValue), detail: detail)
        }
        // libcurl reports a short body as CURLE_PARTIAL_FILE; this second check also covers a server that
        // closes early on a connection libcurl considered complete.
        if let expected, Int64(receivedBytes) < expected {
            throw TransportError.truncatedBody(
                url: url, expectedBytes: expected, receivedBytes: Int64(receivedBytes),
                detail: "Content-Length not reached")
        }
        var status = 0
        spcs_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
    }

    /// `scheme://host[:port]/path`: enough to name the endpoint in an error, without the query.
    static func displayURL(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.user = nil
        components?.password = nil
        return components?.string ?? "the Snowflake endpoint"
    }
}

private let curlWriteBody: spcs_curl_data_callback = { data, size, count, context in
    let length = size * count
    guard let data, let context, length > 0 else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    guard transfer.body.count + length <= transfer.maxBodyBytes else {
        transfer.tooLarge = true
        return 0  // fewer bytes than offered: libcurl stops with CURLE_WRITE_ERROR
    }
    transfer.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
    return length
}

/// Returning non-zero aborts the transfer with `CURLE_ABORTED_BY_CALLBACK`.
private let curlProgress: spcs_curl_progress_callback = { context, _, _, _, _ in
    guard let context else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().cancellation.isCancelled ? 1 : 0
}

private let curlWriteHeader: spcs_curl_data_callback = { data, size, count, context in
    let length = size * count
    guard let data, let context, length > 0 else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: length)
    let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    if line.hasPrefix("HTTP/") {
        transfer.headers = HTTPHeaders()  // a new response (after 100 Continue or a proxy CONNECT) starts
    } else if let colon = line.firstIndex(of: ":") {
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        transfer.headers.add(name: name, value: value)
    }
    return length
}
