import Foundation

/// One named connection, resolved from `connections.toml`/`config.toml` and `SNOWFLAKE_CONNECTIONS_*`
/// environment overrides (sqlapi.md section 7). Secrets are ``Secret``s, so printing a configuration is safe.
public struct ConnectionConfiguration: Sendable, Equatable {
    /// The connection name, as written in the file (or lower case when it exists only in the environment).
    public var name: String
    /// The account identifier, e.g. `myorg-myaccount` or `xy12345.us-east-2.aws`.
    public var account: String
    /// The login name; required for key-pair authentication.
    public var user: String?
    /// Role, warehouse, database, schema sent with each statement; case-sensitive (sqlapi.md section 2.2).
    public var role: String?, warehouse: String?, database: String?, schema: String?
    /// `authenticator`, upper-cased: `SNOWFLAKE_JWT`, `OAUTH` or `PROGRAMMATIC_ACCESS_TOKEN`.
    public var authenticator: String?
    /// The PEM private key path (`private_key_file`, or its Snowflake CLI alias `private_key_path`), with `~`
    /// expanded against the injected home directory.
    public var privateKeyFile: String?
    /// `private_key_file_pwd` (alias `private_key_passphrase`).
    public var privateKeyPassphrase: Secret?
    /// `token`: an OAuth access token or a programmatic access token.
    public var token: Secret?
    /// `token_file_path`: a file whose contents replace `token` (it wins when both are set; PYC `connection.py`).
    public var tokenFilePath: String?
    /// `host`; nil derives `<account>.snowflakecomputing.com`.
    public var host: String?
    /// `port`; nil uses the protocol's default.
    public var port: Int?
    /// `protocol`: `https` (default) or `http`, which is accepted for loopback test servers only (see ``baseURL()``).
    public var scheme: String
    /// Where the connection was defined: a file path, or `environment`.
    public var source: String

    /// A configuration with the given settings.
    public init(
        name: String, account: String, user: String? = nil, role: String? = nil, warehouse: String? = nil,
        database: String? = nil, schema: String? = nil, authenticator: String? = nil, privateKeyFile: String? = nil,
        privateKeyPassphrase: Secret? = nil, token: Secret? = nil, tokenFilePath: String? = nil,
        host: String? = nil, port: Int? = nil, scheme: String = "https", source: String
    ) {
        self.name = name
        self.account = account
        self.user = user
        self.role = role
        self.warehouse = warehouse
        self.database = database
        self.schema = schema
        self.authenticator = authenticator?.uppercased()
        self.privateKeyFile = privateKeyFile
        self.privateKeyPassphrase = privateKeyPassphrase
        self.token = token
        self.tokenFilePath = tokenFilePath
        self.host = host
        self.port = port
        self.scheme = scheme
        self.source = source
    }

    /// How this connection authenticates, from `authenticator` and the keys present.
    public enum AuthenticationMethod: Sendable, Equatable {
        /// Key-pair JWT (`SNOWFLAKE_JWT`, or a `private_key_file` without an authenticator).
        case keyPair
        /// An OAuth access token (`OAUTH`).
        case oauth
        /// A programmatic access token (`PROGRAMMATIC_ACCESS_TOKEN`).
        case programmaticAccessToken
    }

    /// The authentication method.
    /// - Throws: ``ConfigError/unsupportedAuthenticator(connection:source:authenticator:)`` for password, browser
    ///   and other methods the SQL API does not take, and ``ConfigError/missingKey(connection:source:key:reason:)``
    ///   when the method's settings are absent.
    public func authenticationMethod() throws -> AuthenticationMethod {
        let method: AuthenticationMethod
        switch authenticator {
        case "SNOWFLAKE_JWT": method = .keyPair
        case "OAUTH": method = .oauth
        case "PROGRAMMATIC_ACCESS_TOKEN": method = .programmaticAccessToken
        case nil:
            if privateKeyFile != nil {
                method = .keyPair
            } else if token != nil || tokenFilePath != nil {
                throw ConfigError.missingKey(
                    connection: name, source: source, key: "authenticator",
                    reason: "a token is set, so say whether it is \"OAUTH\" or \"PROGRAMMATIC_ACCESS_TOKEN\"")
            } else {
                throw ConfigError.missingKey(
                    connection: name, source: source, key: "private_key_file",
                    reason: "the SQL API needs key-pair authentication (private_key_file), an OAuth token or a programmatic access token")
            }
        case let other?:
            throw ConfigError.unsupportedAuthenticator(connection: name, source: source, authenticator: other)
        }
        switch method {
        case .keyPair:
            guard privateKeyFile != nil else {
                throw ConfigError.missingKey(
                    connection: name, source: source, key: "private_key_file", reason: "SNOWFLAKE_JWT signs with it")
            }
            guard user != nil else {
                throw ConfigError.missingKey(
                    connection: name, source: source, key: "user", reason: "the JWT claims name the user")
            }
        case .oauth, .programmaticAccessToken:
            guard token != nil || tokenFilePath != nil else {
                throw ConfigError.missingKey(
                    connection: name, source: source, key: "token",
                    reason: "\(authenticator ?? "") needs token or token_file_path")
            }
        }
        return method
    }

    /// The account identifier to use in the host name and the JWT claims: ``account`` with the `ORG.ACCOUNT` form
    /// (the one SQL shows) rewritten as `ORG-ACCOUNT` (``AccountIdentifier/orgAccountForm(_:)``); other forms
    /// unchanged.
    /// - Throws: ``ConfigError/invalidValue(connection:source:key:value:reason:)`` for characters an account
    ///   identifier cannot have, or an `ORG.ACCOUNT` form with a suffix no account URL has (the message gives the
    ///   `ORG-ACCOUNT` spelling).
    public func accountIdentifier() throws -> String {
        if let problem = AccountIdentifier.problem(account) {
            throw ConfigError.invalidValue(connection: name, source: source, key: "account", value: account, reason: problem)
        }
        return AccountIdentifier.orgAccountForm(account)
    }

    /// `protocol://host[:port]`, the base of `/api/v2/statements`. The host defaults to
    /// `<account>.snowflakecomputing.com` (sqlapi.md section 1.3) with the account as ``accountIdentifier()`` gives it.
    ///
    /// Checked before any connection, on the URL as libcurl will read it (``CurlURLParts``): `host` must be a bare
    /// host name or IP address (no user-info, path or port), libcurl must read it exactly as written, and
    /// `protocol = "http"` (a bearer token in clear text) is accepted only for `127.0.0.0/8` in dotted-quad form,
    /// `[::1]` or `localhost` (``PlainHTTPPolicy/isLoopbackLiteral(_:)``).
    /// - Throws: ``ConfigError/insecureProtocol(connection:source:host:)`` for `http` to any other host,
    ///   ``ConfigError/invalidValue(connection:source:key:value:reason:)`` for an unknown protocol, a bad account
    ///   or a bad host.
    public func baseURL() throws -> URL {
        let account = try accountIdentifier()
        let key = self.host == nil ? "account" : "host"
        let written = self.host ?? "\(account).snowflakecomputing.com"
        if let problem = HostText.problem(written) {
            throw ConfigError.invalidValue(connection: name, source: source, key: key, value: written, reason: problem)
        }
        let host = written.lowercased()
        let scheme = self.scheme.lowercased()
        guard scheme == "https" || scheme == "http" else {
            throw ConfigError.invalidValue(
                connection: name, source: source, key: "protocol", value: self.scheme, reason: "use \"https\"")
        }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let portPart = port.map { ":\($0)" } ?? ""
        let text = "\(scheme)://\(hostPart)\(portPart)"
        if scheme == "http" {
            guard PlainHTTPPolicy.refusal(for: text + "/") == nil else {
                throw ConfigError.insecureProtocol(connection: name, source: source, host: written)
            }
        }
        guard let parts = CurlURLParts(text + "/"), parts.user == nil, parts.zoneID == nil,
            parts.host.lowercased() == hostPart, let url = URL(string: text), url.host != nil
        else {
            let read = CurlURLParts(text + "/").map { "libcurl reads it as host '\($0.host)'; write that" }
            throw ConfigError.invalidValue(
                connection: name, source: source, key: key, value: written,
                reason: read ?? "it does not form a valid host name")
        }
        return url
    }
}
