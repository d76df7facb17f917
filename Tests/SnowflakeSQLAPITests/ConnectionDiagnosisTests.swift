import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import Testing

/// `spcs-cost connection test`, library part: each failure explained against the test server.
@Suite struct ConnectionDiagnosisTests {
    static let noRetries = SQLAPIClientOptions(retry: RetryPolicy(maxAttempts: 1))

    static func keyPairConnection(port: Int, role: String? = nil, warehouse: String? = nil) -> ConnectionConfiguration {
        ConnectionConfiguration(
            name: "dev", account: "myorg-myaccount.privatelink", user: "spcs_cost", role: role, warehouse: warehouse,
            authenticator: "SNOWFLAKE_JWT", privateKeyFile: Fixtures.path("test_rsa_key.p8"), host: "127.0.0.1", port: port,
            scheme: "http", source: "test")
    }

    static func tokenConnection(port: Int, authenticator: String, token: String) -> ConnectionConfiguration {
        ConnectionConfiguration(
            name: "dev", account: "myorg-myaccount", user: "spcs_cost", authenticator: authenticator, token: Secret(token),
            host: "127.0.0.1", port: port, scheme: "http", source: "test")
    }

    @Test func successReportsAccountRegionAndKey() async throws {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")]), now: clock.function)
        let home = try TemporaryDirectory()
        try home.write(".snowflake/connections.toml", """
            [dev]
            account = "myorg-myaccount"
            user = "spcs_cost"
            private_key_file = "\(try Fixtures.keyCopy("test_rsa_key.p8", in: home))"
            host = "127.0.0.1"
            port = \(server.port)
            protocol = "http"
            """)
        let diagnosis = await ConnectionDiagnosis.run(
            connectionName: "dev", environment: [:], homeDirectory: home.path, transport: CurlTransport(), now: clock.function)
        #expect(diagnosis.succeeded)
        #expect(diagnosis.account == "XY12345")
        #expect(diagnosis.region == "AWS_US_WEST_2")
        #expect(diagnosis.tokenType == .keyPairJWT)
        #expect(diagnosis.keyFingerprint == Fixtures.fingerprint)
        #expect(diagnosis.claimsAccount == "MYORG-MYACCOUNT")
        #expect(diagnosis.claimsUser == "SPCS_COST")
        #expect(diagnosis.baseURL == "http://127.0.0.1:\(server.port)")
        #expect(diagnosis.statementHandle == "01c79a10-0001-ac43-0000-000000000001")
        #expect(diagnosis.explanation == ["Connected to account XY12345 in region AWS_US_WEST_2 as spcs_cost with a KEYPAIR_JWT token."])
    }

    @Test func unregisteredKeyExplainsFingerprintClaimsAndClock() async throws {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")]), now: clock.function)
        var connection = Self.keyPairConnection(port: server.port)
        connection.privateKeyFile = Fixtures.path("other_rsa_key.p8")
        let diagnosis = await ConnectionDiagnosis.run(
            configuration: connection, transport: CurlTransport(), now: clock.function, options: Self.noRetries)
        #expect(diagnosis.problem == .jwtInvalid)
        #expect(diagnosis.keyFingerprint == Fixtures.otherFingerprint)
        // ".privatelink" is dropped from the claims account.
        #expect(diagnosis.claimsAccount == "MYORG-MYACCOUNT")
        #expect(diagnosis.explanation.count == 4)
        #expect(diagnosis.explanation[1].contains("Compare the key fingerprint \(Fixtures.otherFingerprint) with RSA_PUBLIC_KEY_FP"))
        #expect(diagnosis.explanation[2].contains("The claims name account MYORG-MYACCOUNT and user SPCS_COST"))
        #expect(diagnosis.explanation[3] == "This machine's clock reads 2026-04-01T00:00:00Z; a clock more than a minute off makes Snowflake refuse the token's iat/exp.")
    }

    @Test(arguments: [
        ("OAUTH", "oauth-expired", ConnectionDiagnosis.Problem.oauthExpired),
        ("OAUTH", "oauth-unknown", .oauthInvalid),
        ("PROGRAMMATIC_ACCESS_TOKEN", "pat-unknown", .patInvalid),
    ])
    func tokenRefusals(authenticator: String, token: String, problem: ConnectionDiagnosis.Problem) async throws {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(programmaticAccessTokens: ["pat-good"], oauthTokens: ["oauth-good"], expiredOAuthTokens: ["oauth-expired"]),
            now: clock.function)
        let diagnosis = await ConnectionDiagnosis.run(
            configuration: Self.tokenConnection(port: server.port, authenticator: authenticator, token: token),
            transport: CurlTransport(), now: clock.function, options: Self.noRetries)
        #expect(diagnosis.problem == problem)
        #expect(diagnosis.explanation.allSatisfy { !$0.contains(token) })
    }

    @Test func patWithoutNetworkPolicy() async throws {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(programmaticAccessTokens: ["pat-good"], programmaticAccessTokensNeedNetworkPolicy: true),
            now: clock.function)
        let diagnosis = await ConnectionDiagnosis.run(
            configuration: Self.tokenConnection(port: server.port, authenticator: "PROGRAMMATIC_ACCESS_TOKEN", token: "pat-good"),
            transport: CurlTransport(), now: clock.function, options: Self.noRetries)
        #expect(diagnosis.problem == .patNeedsNetworkPolicy)
        #expect(diagnosis.explanation.last == "Programmatic access tokens work only for users under a network policy: ask an administrator for ALTER USER SPCS_COST SET NETWORK_POLICY = <policy>, or use key-pair authentication.")
    }

    @Test func wrongRoleAndWrongWarehouse() async throws {
        let clock = TestClock()
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(
                publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")], grantedRoles: ["SPCS_COST_READER"], warehouses: ["COST_WH"]),
            now: clock.function)
        let role = await ConnectionDiagnosis.run(
            configuration: Self.keyPairConnection(port: server.port, role: "spcs_cost_reader"), transport: CurlTransport(),
            now: clock.function, options: Self.noRetries)
        #expect(role.problem == .role)
        #expect(role.explanation.last?.contains("Role 'spcs_cost_reader' is not granted") == true)
        let warehouse = await ConnectionDiagnosis.run(
            configuration: Self.keyPairConnection(port: server.port, role: "SPCS_COST_READER", warehouse: "NO_SUCH_WH"),
            transport: CurlTransport(), now: clock.function, options: Self.noRetries)
        #expect(warehouse.problem == .warehouse)
        let fine = await ConnectionDiagnosis.run(
            configuration: Self.keyPairConnection(port: server.port, role: "SPCS_COST_READER", warehouse: "COST_WH"),
            transport: CurlTransport(), now: clock.function, options: Self.noRetries)
        #expect(fine.succeeded)
    }

    @Test func configurationCredentialAndNetworkFailures() async throws {
        let clock = TestClock()
        let home = try TemporaryDirectory()
        let missing = await ConnectionDiagnosis.run(
            connectionName: "nope", environment: [:], homeDirectory: home.path, transport: CurlTransport(), now: clock.function)
        #expect(missing.problem == .configuration)
        #expect(missing.connectionName == nil)

        var encrypted = Self.keyPairConnection(port: 9)
        encrypted.privateKeyFile = Fixtures.path("test_rsa_key_encrypted.p8")
        let noPassphrase = await ConnectionDiagnosis.run(configuration: encrypted, transport: CurlTransport(), now: clock.function)
        #expect(noPassphrase.problem == .credentials)
        #expect(noPassphrase.explanation == ["\(AuthError.passphraseRequired(path: Fixtures.path("test_rsa_key_encrypted.p8")))"])

        let server = try SnowflakeTestServer(identity: SnowflakeTestServer.Identity(), now: clock.function)
        let port = server.port
        server.stop()
        let unreachable = await ConnectionDiagnosis.run(
            configuration: Self.keyPairConnection(port: port), transport: CurlTransport(), now: clock.function, options: Self.noRetries)
        #expect(unreachable.problem == .network)
        #expect(unreachable.keyFingerprint == Fixtures.fingerprint)
    }
}
