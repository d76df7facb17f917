import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import Testing

/// Key-pair JWTs (sqlapi.md section 4.1), key formats, and tokens.
@Suite struct AuthTests {
    static func key(_ name: String = "test_rsa_key.p8", passphrase: String? = nil) throws -> RSASigningKey {
        try RSASigningKey(contentsOfFile: Fixtures.path(name), passphrase: passphrase.map(Secret.init))
    }

    /// Decodes the claims of a JWT (base64url, no padding).
    static func claims(_ token: Secret) throws -> String {
        let part = token.unredactedValue.split(separator: ".")[1]
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
    }

    @Test func fingerprintEqualsOpenSSLs() throws {
        let key = try Self.key()
        #expect(key.publicKeyFingerprint == Fixtures.fingerprint)
        #expect(key.keySizeInBits == 2048)
        // The SubjectPublicKeyInfo PEM equals `openssl rsa -pubout`, so the hashed DER is the same bytes.
        #expect(key.publicKeyPEM.trimmingCharacters(in: .whitespacesAndNewlines)
            == (try Fixtures.text("test_rsa_key.pub")).trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(key.matches(fingerprint: Fixtures.fingerprint))
        #expect(key.matches(fingerprint: String(Fixtures.fingerprint.dropFirst("SHA256:".count))))
        #expect(!key.matches(fingerprint: Fixtures.otherFingerprint))
        #expect(key.selfCheck())
    }

    @Test func pkcs8EncryptedPKCS8AndPKCS1AreTheSameKey() throws {
        let encrypted = try Self.key("test_rsa_key_encrypted.p8", passphrase: Fixtures.passphrase)
        let pkcs1 = try Self.key("test_rsa_key_pkcs1.pem")
        #expect(encrypted.publicKeyFingerprint == Fixtures.fingerprint)
        #expect(pkcs1.publicKeyFingerprint == Fixtures.fingerprint)
        #expect(try Self.key("other_rsa_key.p8").publicKeyFingerprint == Fixtures.otherFingerprint)
    }

    @Test func encryptedKeyNeedsTheRightPassphraseAndNeverPrintsIt() throws {
        let path = Fixtures.path("test_rsa_key_encrypted.p8")
        #expect(throws: AuthError.passphraseRequired(path: path)) { try Self.key("test_rsa_key_encrypted.p8") }
        let error = #expect(throws: AuthError.self) { try Self.key("test_rsa_key_encrypted.p8", passphrase: "wrong-passphrase-42") }
        #expect(error == .keyDecryptionFailed(path: path))
        #expect(error.map { "\($0)".contains("wrong-passphrase-42") } == false)
    }

    @Test func filesThatAreNotKeysAreExplained() throws {
        let directory = try TemporaryDirectory()
        let notAKey = try directory.write("notes.txt", "hello")
        #expect(throws: AuthError.notAPrivateKey(path: notAKey)) {
            try RSASigningKey(contentsOfFile: notAKey, passphrase: nil)
        }
        let publicOnly = Fixtures.path("test_rsa_key.pub")
        #expect(throws: AuthError.notAPrivateKey(path: publicOnly)) {
            try RSASigningKey(contentsOfFile: publicOnly, passphrase: nil)
        }
        let missing = "\(directory.path)/missing.p8"
        let error = #expect(throws: AuthError.self) { try RSASigningKey(contentsOfFile: missing, passphrase: nil) }
        guard case .keyFileUnreadable(path: missing, reason: _)? = error else {
            Issue.record("expected keyFileUnreadable, got \(String(describing: error))")
            return
        }
    }

    /// Snowflake's account normalisation for the claims (AIRJWT `prepare_account_name_for_jwt`, PYC).
    @Test(arguments: [
        ("myorg-myaccount", "MYORG-MYACCOUNT"),
        ("xy12345", "XY12345"),
        ("xy12345.ap-southeast-2", "XY12345"),
        ("xy12345.us-east-2.aws", "XY12345"),
        ("myorg-myaccount.privatelink", "MYORG-MYACCOUNT"),
        ("xy12345.eu-central-1.privatelink", "XY12345"),
        ("xy12345.snowflakecomputing.com", "XY12345"),
        ("xy12345-abcdef.global", "XY12345"),
        // The ORG.ACCOUNT form SQL shows is ORG-ACCOUNT (the fix for 390144 on "myorg.myaccount" → "MYORG").
        ("myorg.myaccount", "MYORG-MYACCOUNT"),
        ("MYORG.MY_ACCOUNT", "MYORG-MY_ACCOUNT"),
        ("myorg.myaccount.privatelink", "MYORG-MYACCOUNT"),
    ])
    func claimsAccountNormalisation(configured: String, claims: String) {
        #expect(KeyPairAuthenticator.claimsAccount(for: configured) == claims)
    }

    @Test func tokenHasTheDocumentedHeaderAndIntegerClaims() throws {
        let clock = TestClock()
        let authenticator = KeyPairAuthenticator(
            account: "xy12345.ap-northeast-1.aws", user: "spcs_cost", key: try Self.key(), now: clock.function)
        let token = try authenticator.authorization(renew: false)
        #expect(token.tokenType == .keyPairJWT)
        let header = token.token.unredactedValue.split(separator: ".")[0]
        #expect(header == "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9")  // base64url of {"alg":"RS256","typ":"JWT"}
        // iat = 1,775,001,600 (the test clock) − 60 s = 1,775,001,540; exp = iat + 3,540 s (59 minutes).
        #expect(try Self.claims(token.token)
            == #"{"exp":1775005080,"iat":1775001540,"iss":"XY12345.SPCS_COST.\#(Fixtures.fingerprint)","sub":"XY12345.SPCS_COST"}"#)
        #expect(authenticator.subject == "XY12345.SPCS_COST")
        #expect(authenticator.issuer == "XY12345.SPCS_COST.\(Fixtures.fingerprint)")
        #expect("\(token.token)" == "<redacted>")
    }

    /// Signed at T with iat T − 60 s and lifetime 3,540 s, exp is T + 3,480 s; renewed 300 s early, the token is
    /// reused until T + 3,180 s.
    @Test func tokenIsRenewedFiveMinutesBeforeExpiry() throws {
        let clock = TestClock()
        let authenticator = KeyPairAuthenticator(account: "myorg-myaccount", user: "spcs_cost", key: try Self.key(), now: clock.function)
        let first = try authenticator.authorization(renew: false).token
        clock.advance(seconds: 3_179)
        #expect(try authenticator.authorization(renew: false).token == first)
        clock.advance(seconds: 1)
        let second = try authenticator.authorization(renew: false).token
        #expect(second != first)
        // 1,775,001,600 + 3,180 − 60 = 1,775,004,720; exp = that + 3,540 = 1,775,008,260.
        #expect(try Self.claims(second).hasPrefix(#"{"exp":1775008260,"iat":1775004720,"#))
        // renew: true always signs anew (after 1 s the iat differs, so the token does too).
        clock.advance(seconds: 1)
        #expect(try authenticator.authorization(renew: true).token != second)
    }

    @Test func lifetimeIsCappedAtOneHour() throws {
        let authenticator = KeyPairAuthenticator(
            account: "a", user: "u", key: try Self.key(), lifetimeSeconds: 7_200, now: TestClock().function)
        #expect(authenticator.lifetimeSeconds == 3_600)
    }

    /// The server refuses what Snowflake refuses; the client re-signs once on 390144 and then reports it.
    @Test(arguments: [
        ("other_rsa_key.p8", "myorg-myaccount", 0.0, "does not name a registered fingerprint"),
        ("test_rsa_key.p8", "otherorg-otheraccount", 0.0, "is not one of"),
        ("test_rsa_key.p8", "myorg-myaccount", -7_200.0, "expired"),
        ("test_rsa_key.p8", "myorg-myaccount", 600.0, "iat in the future"),
    ])
    func serverRefusesBadJWTs(keyFile: String, account: String, clientClockOffset: Double, reason: String) async throws {
        let serverClock = TestClock()
        let clientClock = TestClock(TestClock.start + clientClockOffset)
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")]), now: serverClock.function)
        let client = SQLAPIClient(
            baseURL: server.baseURL, context: SessionContext(),
            credentials: KeyPairAuthenticator(account: account, user: "spcs_cost", key: try Self.key(keyFile), now: clientClock.function),
            transport: CurlTransport(), now: clientClock.function, sleeper: RecordingSleeper(clock: clientClock))
        let error = await #expect(throws: SQLAPIError.self) { try await client.query(SQLStatement("SELECT 1")) }
        #expect(error?.snowflakeCode == "390144")
        #expect(server.requests.count == 2)  // the first try and one re-signed try
        #expect(server.requests.allSatisfy { $0.status == 401 && $0.authFailure?.contains(reason) == true })
    }

    /// Snowflake refuses an iat more than 60 s after its own clock. Back-dated by 60 s, a token from a client
    /// clock 90 s fast says iat = server time + 30 s: accepted (it was refused as "iat in the future" before).
    @Test func aClientClockNinetySecondsFastIsAccepted() async throws {
        let serverClock = TestClock()
        let clientClock = TestClock(TestClock.start + 90)
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")]), now: serverClock.function)
        let client = SQLAPIClient(
            baseURL: server.baseURL, context: SessionContext(),
            credentials: KeyPairAuthenticator(account: "myorg-myaccount", user: "spcs_cost", key: try Self.key(), now: clientClock.function),
            transport: CurlTransport(), now: clientClock.function, sleeper: RecordingSleeper(clock: clientClock))
        let result = try await client.query(SQLStatement("SELECT CURRENT_ACCOUNT(), CURRENT_REGION()"))
        #expect(result.partitions[0][0].text(0) == "XY12345")
        // iat = 1,775,001,600 + 90 − 60 = 1,775,001,630; exp − iat = 3,540 s, under the hour.
        #expect(server.requests[0].jwtClaims["iat"] == "1775001630")
        #expect(server.requests[0].jwtClaims["exp"] == "1775005170")
    }

    /// A clock 10 minutes fast is refused even after re-signing: the error says the clock may be off and what it
    /// reads.
    @Test func aFreshTokenRefusedNamesTheClock() async throws {
        let serverClock = TestClock()
        let clientClock = TestClock(TestClock.start + 600)
        let server = try SnowflakeTestServer(
            identity: SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")]), now: serverClock.function)
        let client = SQLAPIClient(
            baseURL: server.baseURL, context: SessionContext(),
            credentials: KeyPairAuthenticator(account: "myorg-myaccount", user: "spcs_cost", key: try Self.key(), now: clientClock.function),
            transport: CurlTransport(), now: clientClock.function, sleeper: RecordingSleeper(clock: clientClock))
        let error = await #expect(throws: SQLAPIError.self) { try await client.query(SQLStatement("SELECT 1")) }
        guard case let .freshTokenRefused(body, clock)? = error else {
            Issue.record("expected freshTokenRefused, got \(String(describing: error))")
            return
        }
        #expect(body.code == "390144")
        #expect(clock == TestClock.start + 600)
        #expect(error?.snowflakeCode == "390144")
        #expect(error?.description.contains("This machine's clock reads 2026-04-01T00:10:00Z (UTC)") == true)
        #expect(error?.description.contains("if the clock is off by more than a minute, set it right") == true)
    }

    @Test func staticTokensAreTrimmedAndMustNotBeEmpty() throws {
        let provider = try StaticTokenProvider(tokenType: .oauth, token: Secret("  abc\n"), source: "test")
        #expect(try provider.authorization(renew: true) == Authorization(tokenType: .oauth, token: Secret("abc")))
        #expect(throws: AuthError.emptyToken(source: "token file '/x'")) {
            try StaticTokenProvider(tokenType: .programmaticAccessToken, token: Secret(" \n"), source: "token file '/x'")
        }
    }

    @Test func secretsDoNotPrint() {
        let secret = Secret("s3cr3t-value")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(!dumped.contains("s3cr3t-value"))
        let configuration = ConnectionConfiguration(
            name: "dev", account: "a", privateKeyPassphrase: secret, token: Secret("tok-123"), source: "test")
        #expect(!"\(configuration)".contains("s3cr3t-value"))
        #expect(!"\(configuration)".contains("tok-123"))
    }
}
