import CCurl
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of a URL as libcurl itself reads them: libcurl's own URL parser (`curl_url`, the parser behind
/// `CURLOPT_URL`), so a check sees the host libcurl will connect to rather than Foundation's reading. libcurl
/// normalises numeric IPv4 forms (`127.1`, `2130706433`, `0177.0.0.1` all become `127.0.0.1`) and IPv6 literals
/// (`[0:0:0:0:0:0:0:1]` becomes `[::1]`), and reads `a@b` as user `a` at host `b`.
public struct CurlURLParts: Sendable, Equatable {
    /// The scheme, lower case (`http`, `https`).
    public var scheme: String
    /// The host as libcurl will connect to it: a name, a normalised dotted quad, or a bracketed IPv6 literal.
    public var host: String
    /// The port text; nil when the URL has none.
    public var port: String?
    /// The user-info before `@`; nil when absent.
    public var user: String?
    /// The password in the user-info; nil when absent.
    public var password: String?
    /// An IPv6 zone id (`[::1%25lo]` has `lo`); nil when absent.
    public var zoneID: String?

    /// Parses `url` with libcurl. Nil when libcurl refuses it (it would refuse to send it too).
    public init?(_ url: String) {
        _ = curlGlobalInitialization
        guard let handle = curl_url() else { return nil }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK else { return nil }
        func part(_ which: CURLUPart) -> String? {
            var value: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, which, &value, 0) == CURLUE_OK, let value else { return nil }
            defer { curl_free(value) }
            return String(cString: value)
        }
        guard let scheme = part(CURLUPART_SCHEME), let host = part(CURLUPART_HOST) else { return nil }
        self.scheme = scheme.lowercased()
        self.host = host
        port = part(CURLUPART_PORT)
        user = part(CURLUPART_USER)
        password = part(CURLUPART_PASSWORD)
        zoneID = part(CURLUPART_ZONEID)
    }
}

/// Where a bearer token may travel over plain HTTP: only to a loopback test server on this machine, named so that
/// no resolver and no reading of the address can take it elsewhere.
public enum PlainHTTPPolicy {
    /// True for the host texts plain HTTP may use: `localhost`, `[::1]`, and a dotted-quad address in 127.0.0.0/8
    /// written in the one form libcurl does not rewrite (four decimal parts of 0 to 255 without leading zeros, e.g.
    /// `127.0.0.1`). `127.1`, `2130706433`, `0177.0.0.1`, `[::ffff:127.0.0.1]` and names like `127.x.example` are
    /// false.
    public static func isLoopbackLiteral(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let value = Int(part), value <= 255
            else { return false }
        }
        return parts[0] == "127"
    }

    /// Nil when `url` may be sent as it is; otherwise why not. An `https` URL may go anywhere; an `http` URL only
    /// to a loopback literal (``isLoopbackLiteral(_:)``) that libcurl reads exactly as written, without user-info
    /// or an IPv6 zone. The URL is read by libcurl's own parser (``CurlURLParts``).
    public static func refusal(for url: String) -> String? {
        guard let parts = CurlURLParts(url) else { return "libcurl cannot read the URL" }
        guard parts.scheme == "http" else { return nil }
        if parts.user != nil || parts.password != nil { return "the URL has user-info, so libcurl sends it to \(parts.host)" }
        if parts.zoneID != nil { return "the URL names an IPv6 zone" }
        guard isLoopbackLiteral(parts.host) else {
            return "libcurl connects to \(parts.host), which is not 127.0.0.0/8 in dotted-quad form, [::1] or localhost"
        }
        guard let written = hostText(of: url), written.lowercased() == parts.host.lowercased() else {
            return "libcurl reads the host as \(parts.host), not as written"
        }
        return nil
    }

    /// The host text between `//` and the next `/`, `?`, `#` or port `:`, as written in `url`.
    static func hostText(of url: String) -> String? {
        guard let start = url.range(of: "://")?.upperBound else { return nil }
        var authority = url[start...]
        if let end = authority.firstIndex(where: { "/?#".contains($0) }) { authority = authority[..<end] }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            return String(authority[...close])
        }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        return String(authority)
    }
}

/// Checks of the `host` setting and of the host derived from `account`, before any URL is built.
enum HostText {
    /// Nil when `host` is a bare host name or IP address; otherwise a finished clause saying what else it holds.
    /// A bare IPv6 address (`::1`) is accepted and later bracketed.
    static func problem(_ host: String) -> String? {
        if host.isEmpty { return "it is empty" }
        if host.contains("@") {
            return "it holds user-info (text before '@'), so the request would go to the host after the '@'; write only the host name"
        }
        if host.contains(where: { "/\\?#".contains($0) }) { return "it holds a path; write only the host name" }
        if host.contains(where: { $0.isWhitespace || !$0.isASCII || $0.asciiValue! < 0x21 }) {
            return "it holds spaces or characters a host name cannot have"
        }
        if host.contains(":") {
            if isIPv6(host) { return nil }
            if host.hasPrefix("["), host.hasSuffix("]"), isIPv6(String(host.dropFirst().dropLast())) { return nil }
            return "it holds a port; write the host alone and the port as port = NUMBER"
        }
        if host.contains(where: { !($0.isLetter || $0.isNumber || "-._".contains($0)) }) {
            return "it holds characters a host name cannot have (letters, digits, '-', '_' and '.' only)"
        }
        return nil
    }

    /// True when `text` is an IPv6 address (`inet_pton`), without brackets or zone.
    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
