import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A request as read off the socket.
struct RawRequest {
    var method: String
    /// The path without the query.
    var path: String
    /// Query items in order; names and values percent-decoded.
    var query: [(name: String, value: String)]
    var headers: [(name: String, value: String)]
    var body: Data

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// How to put a response on the wire, including the byte-level faults.
struct RawResponse {
    enum Delivery {
        /// Headers and the whole body.
        case complete
        /// Status line and headers (with the full Content-Length), then close without a body.
        case dropAfterHeaders
        /// Headers announcing the full length, half the body, then close.
        case truncateBody
        /// Half the body with a Content-Length that matches the half (the gzip stream ends early).
        case truncateWithMatchingLength
        /// Nothing at all: wait until the client closes the connection (at most about two minutes).
        case hang
    }

    var status: Int
    var headers: [(String, String)]
    var body: Data
    var delivery: Delivery = .complete
    var delayMilliseconds: Int = 0
}

/// HTTP/1.1 over plain POSIX sockets on 127.0.0.1, one thread per connection, `Connection: close` after every
/// response. Plain sockets rather than a server framework so a test can misbehave at the byte level: close
/// after the headers, send half a body, or announce a length it does not send.
final class LoopbackHTTPServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let handler: @Sendable (RawRequest) -> RawResponse
    private let lock = NSLock()
    private var running = true
    private var inFlight = 0
    private var maxInFlight = 0
    private let acceptLoopFinished = DispatchSemaphore(value: 0)

    /// Binds 127.0.0.1:`port` (0 = an ephemeral port) and starts accepting on a background thread.
    init(port: Int = 0, handler: @escaping @Sendable (RawRequest) -> RawResponse) throws {
        self.handler = handler
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestServerError.socket("socket() failed, errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw TestServerError.socket("cannot bind 127.0.0.1:\(port), errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "snowflake-test-server-accept"
        thread.start()
    }

    /// Stops accepting and waits for the accept thread to end. Connections being served finish on their own.
    func stop() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        guard wasRunning else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        acceptLoopFinished.wait()
    }

    /// The largest number of requests handled at the same time so far.
    var maxConcurrentRequests: Int {
        lock.lock()
        defer { lock.unlock() }
        return maxInFlight
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private func acceptLoop() {
        defer { acceptLoopFinished.signal() }
        while isRunning {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            // A client that connects and never sends must not hold its thread forever.
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let thread = Thread { [self] in serve(connection) }
            thread.name = "snowflake-test-server-connection"
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        guard let request = readRequest(connection) else { return }
        // Counted from the request's arrival until just before the answer is written: a client cannot start
        // its next request on this slot before then, so the maximum is the client's true concurrency.
        lock.withLock {
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
        }
        let response = handler(request)
        if response.delayMilliseconds > 0 { usleep(useconds_t(response.delayMilliseconds * 1000)) }
        lock.withLock { inFlight -= 1 }
        if case .hang = response.delivery {
            awaitClose(connection)
            return
        }
        write(response, to: connection)
    }

    /// Reads until the client closes the connection, an error, the server stops, or four receive timeouts of
    /// 30 s pass.
    private func awaitClose(_ connection: Int32) {
        var byte: UInt8 = 0
        var timeouts = 0
        while isRunning && timeouts < 4 {
            let count = recv(connection, &byte, 1, 0)
            if count == 0 { return }
            if count < 0 {
                guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else { return }
                if errno != EINTR { timeouts += 1 }
            }
        }
    }

    private func readRequest(_ connection: Int32) -> RawRequest? {
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            headerEnd = buffer.range(of: separator)
        }
        let head = String(decoding: buffer[..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        let headers: [(name: String, value: String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let contentLength = headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? 0
        var body = Data(buffer[headerEnd!.upperBound...])
        while body.count < contentLength {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            body.append(contentsOf: chunk[0..<count])
        }
        let target = String(requestLine[1])
        let components = URLComponents(string: target)
        return RawRequest(
            method: String(requestLine[0]), path: components?.path ?? target,
            query: (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, headers: headers, body: body)
    }

    private func write(_ response: RawResponse, to connection: Int32) {
        var body = response.body
        var announcedLength = body.count
        switch response.delivery {
        case .complete: break
        case .dropAfterHeaders, .hang: body = Data()
        case .truncateBody: body = body.prefix(body.count / 2)
        case .truncateWithMatchingLength:
            body = body.prefix(max(1, body.count / 2))
            announcedLength = body.count
        }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(announcedLength)\r\nConnection: close\r\n\r\n"
        sendAll(Data(head.utf8), on: connection)
        sendAll(body, on: connection)
    }

    private func sendAll(_ data: Data, on connection: Int32) {
        #if os(Linux)
        let flags = Int32(MSG_NOSIGNAL)
        #else
        let flags: Int32 = 0
        #endif
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(connection, raw.baseAddress! + offset, raw.count - offset, flags)
                guard sent > 0 else { return }
                offset += sent
            }
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 202: return "Accepted"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status"
        }
    }
}
