import Foundation

/// The outcome of checking a connection end to end: configuration, credentials, then
/// `SELECT CURRENT_ACCOUNT(), CURRENT_REGION()` through the SQL API. The library part of
/// `spcs-cost connection test`; the CLI renders it.
public struct ConnectionDiagnosis: Sendable, Equatable {
    /// What went wrong, by area; each has its own explanation in ``explanation``.
    public enum Problem: String, Sendable, Equatable {
        /// The configuration files or environment are unusable (``ConfigError``).
        case configuration
        /// The private key or token could not be read (``AuthError``), or the key failed its self-check.
        case credentials
        /// 390144: the key-pair JWT was refused (fingerprint, account form or clock).
        case jwtInvalid
        /// 390318: the OAuth access token has expired.
        case oauthExpired
        /// 390303: the OAuth access token is invalid.
        case oauthInvalid
        /// 390432: a programmatic access token needs a network policy (sqlapi.md section 4.3).
        case patNeedsNetworkPolicy
        /// 394400 or another refusal of a programmatic access token.
        case patInvalid
        /// 390186: the role is not granted to the user.
        case role
        /// The warehouse does not exist, is not granted, or none is set (000606, or a message naming it).
        case warehouse
        /// No HTTP answer (DNS, connect, TLS, timeout) or retries exhausted.
        case network
        /// Any other failure.
        case other
    }

    /// The connection name, when the configuration loaded.
    public var connectionName: String?
    /// `protocol://host[:port]`, when it could be derived.
    public var baseURL: String?
    /// The token type in use, when credentials were prepared.
    public var tokenType: TokenType?
    /// `SHA256:...` of the configured key (compare with `RSA_PUBLIC_KEY_FP` of `DESCRIBE USER`); key pair only.
    public var keyFingerprint: String?
    /// The account and user as the JWT claims carry them; key pair only.
    public var claimsAccount: String?, claimsUser: String?
    /// `CURRENT_ACCOUNT()` and `CURRENT_REGION()` on success.
    public var account: String?, region: String?
    /// The statement handle of the check query, when it ran.
    public var statementHandle: String?
    /// Nil on success; otherwise the failing area.
    public var problem: Problem?
    /// Finished sentences: on failure what happened and what to check; on success a confirmation.
    public var explanation: [String]
    /// Configuration warnings to show whatever the outcome.
    public var warnings: [String]

    /// True when the check query ran.
    public var succeeded: Bool { problem == nil }

    /// Loads connection `connectionName` (nil = default) and checks it.
    /// - Parameters:
    ///   - environment: environment variables (injected).
    ///   - homeDirectory: the user's home directory (injected).
    ///   - transport: the HTTP transport.
    ///   - now: the wall clock; it is printed on JWT failures so clock skew can be spotted.
    ///   - options: client options (retry policy, user agent).
    /// - Returns: the diagnosis; it never throws, failures are reported in it.
    public static func run(
        connectionName: String?, environment: [String: String], homeDirectory: String, transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date, options: SQLAPIClientOptions = SQLAPIClientOptions()
    ) async -> ConnectionDiagnosis {
        var diagnosis = ConnectionDiagnosis(explanation: [], warnings: [])
        let loaded: LoadedConnection
        do {
            loaded = try ConnectionLoader(environment: environment, homeDirectory: homeDirectory)
                .load(connectionName: connectionName)
        } catch {
            diagnosis.fail(.configuration, "\(error)")
            return diagnosis
        }
        diagnosis.warnings = loaded.warnings
        return await run(
            configuration: loaded.configuration, transport: transport, now: now, options: options, diagnosis: diagnosis)
    }

    /// Checks an already loaded connection.
    /// - Returns: the diagnosis; it never throws.
    public static func run(
        configuration: ConnectionConfiguration, transport: any HTTPTransport, now: @escaping @Sendable () -> Date,
        options: SQLAPIClientOptions = SQLAPIClientOptions()
    ) async -> ConnectionDiagnosis {
        await run(
            configuration: configuration, transport: transport, now: now, options: options,
            diagnosis: ConnectionDiagnosis(explanation: [], warnings: []))
    }

    private static func run(
        configuration: ConnectionConfiguration, transport: any HTTPTransport, now: @escaping @Sendable () -> Date,
        options: SQLAPIClientOptions, diagnosis: ConnectionDiagnosis
    ) async -> ConnectionDiagnosis {
        var diagnosis = diagnosis
        diagnosis.connectionName = configuration.name
        let credentials: any CredentialProvider
        let baseURL: URL
        do {
            baseURL = try configuration.baseURL()
            diagnosis.baseURL = baseURL.absoluteString
            credentials = try configuration.makeCredentialProvider(now: now)
        } catch let error as AuthError {
            diagnosis.fail(.credentials, "\(error)")
            return diagnosis
        } catch {
            diagnosis.fail(.configuration, "\(error)")
            return diagnosis
        }
        diagnosis.tokenType = credentials.tokenType
        if let keyPair = credentials as? KeyPairAuthenticator {
            diagnosis.keyFingerprint = keyPair.key.publicKeyFingerprint
            diagnosis.claimsAccount = keyPair.claimsAccount
            diagnosis.claimsUser = keyPair.claimsUser
            guard keyPair.key.selfCheck() else {
                diagnosis.fail(.credentials, "The private key could not sign and verify a test message; the key file may be damaged.")
                return diagnosis
            }
        }
        let client = SQLAPIClient(
            baseURL: baseURL,
            context: SessionContext(
                role: configuration.role, warehouse: configuration.warehouse, database: configuration.database,
                schema: configuration.schema),
            credentials: credentials, transport: transport, now: now, options: options)
        do {
            let result = try await client.query(SQLStatement("SELECT CURRENT_ACCOUNT(), CURRENT_REGION()", timeoutSeconds: 60))
            diagnosis.statementHandle = result.summary.statementHandle
            let row = result.partitions.first?.first
            diagnosis.account = row?.text(0)
            diagnosis.region = row?.text(1)
            diagnosis.explanation = [
                "Connected to account \(diagnosis.account ?? "?") in region \(diagnosis.region ?? "?") as \(configuration.user ?? "the token's user") with a \(credentials.tokenType.rawValue) token."
            ]
        } catch let error as SQLAPIError {
            diagnosis.explain(error, configuration: configuration, now: now())
        } catch let error as TransportError {
            diagnosis.fail(.network, "\(error)")
        } catch {
            diagnosis.fail(.other, "\(error)")
        }
        return diagnosis
    }

    private mutating func fail(_ problem: Problem, _ sentences: String...) {
        self.problem = problem
        explanation = sentences
    }

    private mutating func explain(_ error: SQLAPIError, configuration: ConnectionConfiguration, now: Date) {
        let message = "\(error)"
        switch error.snowflakeCode {
        case "390144":
            let instant = ISO8601DateFormatter().string(from: now)
            fail(
                .jwtInvalid, message,
                "Compare the key fingerprint \(keyFingerprint ?? "?") with RSA_PUBLIC_KEY_FP (or RSA_PUBLIC_KEY_2_FP) of DESCRIBE USER \(claimsUser ?? "?"); if they differ, register the public key with ALTER USER \(claimsUser ?? "?") SET RSA_PUBLIC_KEY='...'.",
                "The claims name account \(claimsAccount ?? "?") and user \(claimsUser ?? "?"); the account must be the org-account form (ORGNAME-ACCOUNTNAME) or the account locator, without region or .privatelink suffixes, as SELECT CURRENT_ORGANIZATION_NAME(), CURRENT_ACCOUNT_NAME(), CURRENT_ACCOUNT() show.",
                "This machine's clock reads \(instant); a clock more than a minute off makes Snowflake refuse the token's iat/exp.")
        case "390318":
            fail(.oauthExpired, message, "Get a new OAuth access token and put it in token or the file named by token_file_path.")
        case "390303":
            fail(.oauthInvalid, message, "The OAuth access token is not one Snowflake issued for this account; check token or token_file_path.")
        case "390432":
            fail(
                .patNeedsNetworkPolicy, message,
                "Programmatic access tokens work only for users under a network policy: ask an administrator for ALTER USER \(configuration.user?.uppercased() ?? "<user>") SET NETWORK_POLICY = <policy>, or use key-pair authentication.")
        case "394400":
            fail(.patInvalid, message, "Generate a new programmatic access token (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN) and update token or token_file_path.")
        case "390186":
            fail(
                .role, message,
                "Role '\(configuration.role ?? "(default)")' is not granted to the user or does not exist; names are case-sensitive (usually upper case): check SHOW GRANTS TO USER.")
        case "000606":
            fail(.warehouse, message, "Set warehouse in the connection to a warehouse the role may use (names are case-sensitive).")
        default:
            if case .retriesExhausted = error {
                fail(.network, message)
            } else if message.lowercased().contains("warehouse") {
                fail(
                    .warehouse, message,
                    "Warehouse '\(configuration.warehouse ?? "(default)")' does not exist or is not granted to the role; check SHOW WAREHOUSES and the name's case.")
            } else if case .unauthorized(.programmaticAccessToken, _) = error {
                fail(.patInvalid, message)
            } else {
                fail(.other, message)
            }
        }
    }
}
