import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import Testing

/// `connections.toml`/`config.toml` the Snowflake way (sqlapi.md section 7), with real files in a temporary
/// SNOWFLAKE_HOME.
@Suite struct ConfigTests {
    /// A home directory with `.snowflake/` holding the given files (mode 0600 unless stated).
    final class Home {
        let directory: TemporaryDirectory
        var path: String { directory.path }
        var snowflake: String { "\(path)/.snowflake" }

        init(config: String? = nil, connections: String? = nil) throws {
            directory = try TemporaryDirectory()
            try FileManager.default.createDirectory(atPath: "\(directory.path)/.snowflake", withIntermediateDirectories: true)
            if let config { try directory.write(".snowflake/config.toml", config) }
            if let connections { try directory.write(".snowflake/connections.toml", connections) }
        }

        func load(_ name: String? = nil, environment: [String: String] = [:]) throws -> LoadedConnection {
            try ConnectionLoader(environment: environment, homeDirectory: path).load(connectionName: name)
        }
    }

    static let fourConnections = """
        [default]
        account = "acct-default"
        [fromconfig]
        account = "acct-config"
        [fromenv]
        account = "acct-env"
        [fromarg]
        account = "acct-arg"
        """

    @Test func connectionNamePrecedence() throws {
        let home = try Home(config: #"default_connection_name = "fromconfig""#, connections: Self.fourConnections)
        #expect(try home.load().configuration.account == "acct-config")
        #expect(try home.load(environment: ["SNOWFLAKE_DEFAULT_CONNECTION_NAME": "fromenv"]).configuration.account == "acct-env")
        #expect(try home.load("fromarg", environment: ["SNOWFLAKE_DEFAULT_CONNECTION_NAME": "fromenv"]).configuration.account == "acct-arg")
        let plain = try Home(connections: Self.fourConnections)
        #expect(try plain.load().configuration.account == "acct-default")
        #expect(try plain.load().files == ["\(plain.snowflake)/connections.toml"])
    }

    @Test func connectionsTomlReplacesConfigTomlConnections() throws {
        let config = """
            [connections.only_in_config]
            account = "acct-config"
            """
        let both = try Home(config: config, connections: Self.fourConnections)
        #expect(throws: ConfigError.connectionNotFound(
            name: "only_in_config", available: ["default", "fromarg", "fromconfig", "fromenv"],
            searched: ["\(both.snowflake) (config.toml, connections.toml)"])
        ) { try both.load("only_in_config") }
        let configOnly = try Home(config: config)
        #expect(try configOnly.load("only_in_config").configuration.account == "acct-config")
        #expect(try configOnly.load("only_in_config").configuration.source == "\(configOnly.snowflake)/config.toml")
    }

    @Test func environmentOverridesOneKeyOfOneConnection() throws {
        let home = try Home(connections: """
            [my_dev]
            account = "myorg-myaccount"
            user = "file_user"
            private_key_file = "~/keys/rsa_key.p8"
            [other]
            account = "acct-other"
            """)
        let loaded = try home.load("my_dev", environment: [
            "SNOWFLAKE_CONNECTIONS_MY_DEV_USER": "env_user",
            "SNOWFLAKE_CONNECTIONS_MY_DEV_PRIVATE_KEY_FILE_PWD": "pw-from-env",
            "SNOWFLAKE_CONNECTIONS_MY_DEV_WAREHOUSE": "COST_WH",
            "SNOWFLAKE_CONNECTIONS_OTHER_USER": "not-me",
        ]).configuration
        #expect(loaded.user == "env_user")
        #expect(loaded.warehouse == "COST_WH")
        // Longest key first: ..._PRIVATE_KEY_FILE_PWD is the passphrase, not private_key_file.
        #expect(loaded.privateKeyPassphrase == Secret("pw-from-env"))
        #expect(loaded.privateKeyFile == "\(home.path)/keys/rsa_key.p8")
        #expect(loaded.source == "\(home.snowflake)/connections.toml (with SNOWFLAKE_CONNECTIONS_MY_DEV_PRIVATE_KEY_FILE_PWD, SNOWFLAKE_CONNECTIONS_MY_DEV_USER, SNOWFLAKE_CONNECTIONS_MY_DEV_WAREHOUSE)")
    }

    @Test func aConnectionMayExistInTheEnvironmentAlone() throws {
        let home = try Home()
        let loaded = try home.load("ci", environment: [
            "SNOWFLAKE_CONNECTIONS_CI_ACCOUNT": "xy12345.us-east-2.aws",
            "SNOWFLAKE_CONNECTIONS_CI_AUTHENTICATOR": "programmatic_access_token",
            "SNOWFLAKE_CONNECTIONS_CI_TOKEN": "pat-123",
        ])
        #expect(loaded.configuration.source == "environment")
        #expect(loaded.configuration.authenticator == "PROGRAMMATIC_ACCESS_TOKEN")
        #expect(try loaded.configuration.authenticationMethod() == .programmaticAccessToken)
        #expect(try loaded.configuration.baseURL().absoluteString == "https://xy12345.us-east-2.aws.snowflakecomputing.com")
        #expect(loaded.files.isEmpty)
    }

    @Test func snowflakeHomeAndFallbackDirectories() throws {
        let home = try TemporaryDirectory()
        // No ~/.snowflake: the platform directory, $XDG_CONFIG_HOME/snowflake or ~/.config/snowflake.
        #expect(ConnectionLoader(environment: [:], homeDirectory: home.path).configurationDirectory == "\(home.path)/.config/snowflake")
        #expect(ConnectionLoader(environment: ["XDG_CONFIG_HOME": "/xdg"], homeDirectory: home.path).configurationDirectory == "/xdg/snowflake")
        try home.write(".snowflake/connections.toml", "")
        #expect(ConnectionLoader(environment: [:], homeDirectory: home.path).configurationDirectory == "\(home.path)/.snowflake")
        try home.write("elsewhere/connections.toml", "[x]\naccount = \"acct-elsewhere\"")
        let loader = ConnectionLoader(environment: ["SNOWFLAKE_HOME": "~/elsewhere"], homeDirectory: home.path)
        #expect(loader.configurationDirectory == "\(home.path)/elsewhere")
        #expect(try loader.load(connectionName: "x").configuration.account == "acct-elsewhere")
    }

    @Test func readableByOthersIsAnErrorUnlessSkipped() throws {
        let home = try Home()
        let path = try home.directory.write(".snowflake/connections.toml", "[default]\naccount = \"a\"", mode: 0o644)
        #expect(throws: ConfigError.filePermissions(
            path: path, mode: 0o644,
            problem: "readable by group or others (set SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION=true to downgrade this to a warning)")
        ) { try home.load() }
        let error = #expect(throws: ConfigError.self) { try home.load() }
        #expect(error?.description.hasSuffix("run 'chmod 0600 \(path)'.") == true)
        let loaded = try home.load(environment: ["SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION": "true"])
        #expect(loaded.warnings == ["\(path) has permissions 644 and is readable by group or others; run 'chmod 0600 \(path)'."])
    }

    @Test(arguments: [0o664, 0o646, 0o660, 0o606])
    func writableByOthersIsAlwaysAnError(mode: Int) throws {
        let home = try Home()
        let path = try home.directory.write(".snowflake/connections.toml", "[default]\naccount = \"a\"", mode: mode)
        #expect(throws: ConfigError.filePermissions(path: path, mode: mode, problem: "writable by group or others")) {
            try home.load(environment: ["SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION": "true"])
        }
    }

    @Test func tokenFileIsCheckedAndWinsOverToken() throws {
        let home = try Home()
        let tokenFile = try home.directory.write("token.txt", "oauth-from-file\n")
        try home.directory.write(".snowflake/connections.toml", """
            [default]
            account = "a"
            authenticator = "oauth"
            token = "oauth-from-config"
            token_file_path = "\(tokenFile)"
            """)
        let configuration = try home.load().configuration
        let provider = try configuration.makeCredentialProvider(now: TestClock().function)
        #expect(try provider.authorization(renew: false) == Authorization(tokenType: .oauth, token: Secret("oauth-from-file")))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: tokenFile)
        #expect(throws: ConfigError.self) { try home.load() }
    }

    @Test func tomlErrorsNameFileConnectionAndKey() throws {
        let broken = try Home(connections: "[default]\naccount = \"a\nuser = \"b\"\n")
        let syntax = #expect(throws: ConfigError.self) { try broken.load() }
        guard case let .invalidTOML(path, line, _, _)? = syntax else {
            Issue.record("expected invalidTOML, got \(String(describing: syntax))")
            return
        }
        #expect(path == "\(broken.snowflake)/connections.toml")
        #expect(line == 2)

        let wrongType = try Home(connections: "[dev]\naccount = \"a\"\nuser = 42\n")
        let error = #expect(throws: ConfigError.self) { try wrongType.load("dev") }
        #expect(error == .wrongType(path: "\(wrongType.snowflake)/connections.toml", connection: "dev", key: "user", expected: "string", found: "integer"))
        #expect(error?.description == "\(wrongType.snowflake)/connections.toml: connection 'dev', key 'user' holds a TOML integer value but must be a string; write it as user = \"...\".")

        let badPort = try Home(connections: "[dev]\naccount = \"a\"\nport = true\n")
        #expect(throws: ConfigError.wrongType(
            path: "\(badPort.snowflake)/connections.toml", connection: "dev", key: "port", expected: "integer", found: "bool")
        ) { try badPort.load("dev") }

        let noAccount = try Home(connections: "[dev]\nuser = \"u\"\n")
        #expect(throws: ConfigError.missingKey(
            connection: "dev", source: "\(noAccount.snowflake)/connections.toml", key: "account",
            reason: "it names the Snowflake account, e.g. \"myorg-myaccount\"")
        ) { try noAccount.load("dev") }
    }

    @Test func baseURLAndAuthenticationMethod() throws {
        let home = try Home(connections: """
            [prod]
            account = "MyOrg-MyAccount"
            user = "svc"
            private_key_path = "/keys/rsa.p8"
            [local]
            account = "myorg-myaccount"
            host = "127.0.0.1"
            port = 8080
            protocol = "http"
            authenticator = "SNOWFLAKE_JWT"
            [plain]
            account = "a"
            host = "proxy.example.com"
            protocol = "http"
            [password]
            account = "a"
            authenticator = "snowflake"
            [tokenless]
            account = "a"
            token = "t"
            """)
        let prod = try home.load("prod").configuration
        #expect(try prod.baseURL().absoluteString == "https://myorg-myaccount.snowflakecomputing.com")
        #expect(prod.privateKeyFile == "/keys/rsa.p8")  // private_key_path is the CLI alias
        #expect(try prod.authenticationMethod() == .keyPair)
        let local = try home.load("local").configuration
        #expect(try local.baseURL().absoluteString == "http://127.0.0.1:8080")
        #expect(throws: ConfigError.missingKey(
            connection: "local", source: "\(home.snowflake)/connections.toml", key: "private_key_file", reason: "SNOWFLAKE_JWT signs with it")
        ) { try local.authenticationMethod() }
        #expect(throws: ConfigError.insecureProtocol(
            connection: "plain", source: "\(home.snowflake)/connections.toml", host: "proxy.example.com")
        ) { try home.load("plain").configuration.baseURL() }
        #expect(throws: ConfigError.unsupportedAuthenticator(
            connection: "password", source: "\(home.snowflake)/connections.toml", authenticator: "SNOWFLAKE")
        ) { try home.load("password").configuration.authenticationMethod() }
        let tokenless = #expect(throws: ConfigError.self) { try home.load("tokenless").configuration.authenticationMethod() }
        #expect(tokenless?.description.contains("\"OAUTH\" or \"PROGRAMMATIC_ACCESS_TOKEN\"") == true)
    }

    static func plainHTTP(host: String, scheme: String = "http") -> ConnectionConfiguration {
        ConnectionConfiguration(name: "local", account: "myorg-myaccount", host: host, port: 8080, scheme: scheme, source: "test")
    }

    /// Plain HTTP (a token in clear text) only to 127.0.0.0/8 in dotted-quad form, [::1] or localhost, as libcurl
    /// reads the host. These are refused before any connection (pure checks, no traffic); the end-to-end run of
    /// the same inputs is in SPCSCostCLITests' PlainHTTPInAnEmptyNetworkTests.
    @Test(arguments: [
        "127.0.0.1@10.255.255.1",  // user-info: libcurl connects to 10.255.255.1
        "127.x.example",  // a name, looked up in DNS
        "127.1", "2130706433", "[::ffff:127.0.0.1]", "0177.0.0.1", "127.000.000.001", "0x7f.0.0.1",  // rewritten by libcurl
        "127.0.0.1:8080", "127.0.0.1/api", "127.0.0.1\\@evil", "[::1%25lo]", "[0:0:0:0:0:0:0:1]",
        "localhost.", "127.0.0.1.", "10.255.255.1", "127.0.0.256", "proxy.example.com",
    ])
    func plainHTTPIsRefusedForAnyOtherHost(host: String) throws {
        let error = #expect(throws: ConfigError.self) { try Self.plainHTTP(host: host).baseURL() }
        switch error {
        case .insecureProtocol?, .invalidValue(_, _, "host", _, _)?: break
        default: Issue.record("expected insecureProtocol or an invalid host, got \(String(describing: error))")
        }
    }

    @Test(arguments: [
        ("127.0.0.1", "http://127.0.0.1:8080"), ("127.0.0.2", "http://127.0.0.2:8080"),
        ("127.255.255.254", "http://127.255.255.254:8080"), ("localhost", "http://localhost:8080"),
        ("LOCALHOST", "http://localhost:8080"), ("::1", "http://[::1]:8080"), ("[::1]", "http://[::1]:8080"),
    ])
    func plainHTTPToALoopbackLiteral(host: String, url: String) throws {
        #expect(try Self.plainHTTP(host: host).baseURL().absoluteString == url)
    }

    @Test func theHostFieldHoldsAHostOnlyWhateverTheProtocol() throws {
        let userInfo = #expect(throws: ConfigError.self) { try Self.plainHTTP(host: "127.0.0.1@10.255.255.1", scheme: "https").baseURL() }
        #expect(userInfo == .invalidValue(
            connection: "local", source: "test", key: "host", value: "127.0.0.1@10.255.255.1",
            reason: "it holds user-info (text before '@'), so the request would go to the host after the '@'; write only the host name"))
        let port = #expect(throws: ConfigError.self) { try Self.plainHTTP(host: "db.example.com:8443", scheme: "https").baseURL() }
        #expect(port?.description == "test: connection 'local', key 'host' = 'db.example.com:8443' is not valid: it holds a port; write the host alone and the port as port = NUMBER.")
        #expect(throws: ConfigError.self) { try Self.plainHTTP(host: "db.example.com/path", scheme: "https").baseURL() }
        let account = ConnectionConfiguration(name: "x", account: "xy12345@evil.example/", source: "test")
        let error = #expect(throws: ConfigError.self) { try account.baseURL() }
        guard case .invalidValue(_, _, "account", _, _)? = error else {
            Issue.record("expected an invalid account, got \(String(describing: error))")
            return
        }
        let message = #expect(throws: ConfigError.self) { try Self.plainHTTP(host: "127.1").baseURL() }
        #expect(message?.description.contains("allowed only for a loopback test server written as a dotted-quad address in 127.0.0.0/8 (for example 127.0.0.1), [::1] or localhost") == true)
    }

    /// The ORG.ACCOUNT form SQL shows is the org-account identifier: ORG-ACCOUNT in the host.
    @Test(arguments: [
        ("myorg.myaccount", "https://myorg-myaccount.snowflakecomputing.com"),
        ("MYORG.MY_ACCOUNT.privatelink", "https://myorg-my_account.privatelink.snowflakecomputing.com"),
        ("xy12345.us-east-2.aws", "https://xy12345.us-east-2.aws.snowflakecomputing.com"),
        ("xy12345.ap-southeast-2", "https://xy12345.ap-southeast-2.snowflakecomputing.com"),
        ("myorg-myaccount", "https://myorg-myaccount.snowflakecomputing.com"),
    ])
    func orgDotAccountIsOrgDashAccount(account: String, url: String) throws {
        let configuration = ConnectionConfiguration(name: "x", account: account, source: "test")
        #expect(try configuration.baseURL().absoluteString == url)
    }

    @Test func orgDotAccountWithAnUnknownSuffixIsRefusedWithTheSpelling() throws {
        let configuration = ConnectionConfiguration(name: "x", account: "myorg.myaccount.eu-west-1", source: "test")
        let error = #expect(throws: ConfigError.self) { try configuration.baseURL() }
        #expect(error?.description.contains("write it as myorg-myaccount (ORG-ACCOUNT)") == true)
        #expect(throws: ConfigError.self) { try configuration.makeCredentialProvider(now: TestClock().function) }
    }

    /// A private key readable by others is refused as connections.toml is; with the skip variable it is a warning.
    @Test func aKeyFileReadableByOthersIsRefused() throws {
        let home = try Home()
        let key = try Fixtures.keyCopy("test_rsa_key.p8", in: home.directory, mode: 0o644)
        try home.directory.write(".snowflake/connections.toml", """
            [dev]
            account = "myorg-myaccount"
            user = "spcs_cost"
            private_key_file = "\(key)"
            """)
        #expect(throws: ConfigError.filePermissions(
            path: key, mode: 0o644,
            problem: "readable by group or others (set SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION=true to downgrade this to a warning)")
        ) { try home.load("dev") }
        let loaded = try home.load("dev", environment: ["SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION": "true"])
        #expect(loaded.warnings == ["\(key) has permissions 644 and is readable by group or others; run 'chmod 0600 \(key)'."])
        // Writable by others is refused even with the variable.
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: key)
        #expect(throws: ConfigError.filePermissions(path: key, mode: 0o666, problem: "writable by group or others")) {
            try home.load("dev", environment: ["SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION": "true"])
        }
        // 0600 behind a symbolic link: the target's mode counts, not the link's.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let link = "\(home.path)/link.p8"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: key)
        try home.directory.write(".snowflake/connections.toml", """
            [dev]
            account = "myorg-myaccount"
            user = "spcs_cost"
            private_key_file = "\(link)"
            """)
        #expect(try home.load("dev").warnings.isEmpty)
    }

    /// `myorg.myaccount` (the form SQL shows) used to become `MYORG` in the token, refused with 390144.
    @Test func orgDotAccountSignsInAsOrgDashAccount() async throws {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")]), now: clock.function)
        let home = try Home()
        try home.directory.write(".snowflake/connections.toml", """
            [dev]
            account = "myorg.myaccount"
            user = "spcs_cost"
            private_key_file = "\(try Fixtures.keyCopy("test_rsa_key.p8", in: home.directory))"
            host = "127.0.0.1"
            port = \(server.port)
            protocol = "http"
            """)
        let (client, _) = try SQLAPIClient.connect(
            connectionName: "dev", environment: [:], homeDirectory: home.path, transport: CurlTransport(), now: clock.function)
        _ = try await client.query(SQLStatement("SELECT CURRENT_ACCOUNT(), CURRENT_REGION()"))
        #expect(server.requests.map(\.status) == [200])
        #expect(server.requests[0].jwtClaims["sub"] == "MYORG-MYACCOUNT.SPCS_COST")
    }

    /// From `connections.toml` to rows: `SQLAPIClient.connect` with an encrypted key against the test server.
    @Test func connectBuildsAWorkingClient() async throws {
        let clock = TestClock()
        let keys = try TemporaryDirectory()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")]), now: clock.function)
        let home = try Home(connections: """
            [dev]
            account = "xy12345.ap-northeast-1.aws"
            user = "spcs_cost"
            authenticator = "SNOWFLAKE_JWT"
            private_key_file = "\(try Fixtures.keyCopy("test_rsa_key_encrypted.p8", in: keys))"
            host = "127.0.0.1"
            port = \(server.port)
            protocol = "http"
            role = "SPCS_COST_READER"
            """)
        let (client, connection) = try SQLAPIClient.connect(
            connectionName: "dev",
            environment: ["SNOWFLAKE_CONNECTIONS_DEV_PRIVATE_KEY_FILE_PWD": Fixtures.passphrase],
            homeDirectory: home.path, transport: CurlTransport(), now: clock.function)
        #expect(connection.warnings.isEmpty)
        let result = try await client.query(SQLStatement("SELECT CURRENT_ACCOUNT(), CURRENT_REGION()"))
        #expect(result.partitions[0][0].text(0) == "XY12345")
        // The region suffix stays in the host but not in the claims.
        #expect(server.requests[0].jwtClaims["sub"] == "XY12345.SPCS_COST")
        #expect(server.requests[0].body.contains(#""role":"SPCS_COST_READER""#))
    }
}
