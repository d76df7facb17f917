import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer

/// Files committed next to the tests (the test target declares no resources, so they are read by path).
enum Fixtures {
    static let resources = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources")

    static func path(_ name: String) -> String { resources.appendingPathComponent(name).path }

    static func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    /// A copy of key file `name` in `directory` with POSIX mode `mode` (git keeps 0644, which a key-pair connection
    /// refuses); returns its path.
    static func keyCopy(_ name: String, in directory: TemporaryDirectory, mode: Int = 0o600) throws -> String {
        try directory.write(name, try text(name), mode: mode)
    }

    /// The passphrase of `test_rsa_key_encrypted.p8` (test-only, see Resources/README.md).
    static let passphrase = "test-only-passphrase"
    /// `openssl rsa -pubin -in test_rsa_key.pub -outform DER | openssl dgst -sha256 -binary | openssl enc -base64`.
    static let fingerprint = "SHA256:lvyxnZq/h26SqZr4k9CKrx0CkTLt9afPTFD6xijdMAY="
    /// The same for `other_rsa_key.p8`.
    static let otherFingerprint = "SHA256:gy4He+1kqPCfATgkcfDonhHrxIpQUmzSi9oKvyFyJyo="
}

/// A settable clock shared by client and server; ``RecordingSleeper`` advances it.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// 2026-04-01T00:00:00Z = 1,775,001,600 s since the epoch.
    static let start = Date(timeIntervalSince1970: 1_775_001_600)

    init(_ start: Date = TestClock.start) { current = start }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func advance(seconds: Double) {
        lock.lock()
        current += seconds
        lock.unlock()
    }

    var function: @Sendable () -> Date { { [self] in now } }
}

/// Records every requested sleep and advances the test clock by it instead of waiting.
final class RecordingSleeper: Sleeper, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Double] = []
    let clock: TestClock

    init(clock: TestClock) { self.clock = clock }

    var delays: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func sleep(seconds: Double) async throws {
        lock.withLock { recorded.append(seconds) }
        clock.advance(seconds: seconds)
    }
}

/// A collector for log lines.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    var sink: @Sendable (String) -> Void {
        { [self] line in
            lock.lock()
            stored.append(line)
            lock.unlock()
        }
    }
}

/// A test server, a key-pair client for it and their shared clock.
struct Harness {
    let clock: TestClock
    let sleeper: RecordingSleeper
    let server: SnowflakeTestServer
    let client: SQLAPIClient
    let authenticator: KeyPairAuthenticator
    let log: LogLines

    /// Identity: accounts `MYORG-MYACCOUNT`/`XY12345`, user `SPCS_COST`, key `test_rsa_key.pub`. Client: account
    /// `myorg-myaccount`, user `spcs_cost`, jitter fixed at 0.5 so backoff delays are exact.
    init(
        identity: SnowflakeTestServer.Identity? = nil, options: SQLAPIClientOptions = SQLAPIClientOptions(),
        transportOptions: CurlTransport.Options = CurlTransport.Options(connectTimeoutMilliseconds: 2_000, totalTimeoutMilliseconds: 10_000),
        context: SessionContext = SessionContext(role: "SPCS_COST_READER", warehouse: "COST_WH"),
        requestID: UUID = UUID(uuidString: "11111111-2222-4333-8444-555555555555")!
    ) throws {
        clock = TestClock()
        sleeper = RecordingSleeper(clock: clock)
        server = try SnowflakeTestServer(
            identity: identity ?? SnowflakeTestServer.Identity(publicKeysPEM: [try Fixtures.text("test_rsa_key.pub")]),
            now: clock.function)
        authenticator = KeyPairAuthenticator(
            account: "myorg-myaccount", user: "spcs_cost",
            key: try RSASigningKey(contentsOfFile: Fixtures.path("test_rsa_key.p8"), passphrase: nil), now: clock.function)
        log = LogLines()
        var options = options
        options.log = log.sink
        client = SQLAPIClient(
            baseURL: server.baseURL, context: context, credentials: authenticator,
            transport: CurlTransport(options: transportOptions), now: clock.function, options: options, sleeper: sleeper,
            jitter: { 0.5 }, makeRequestID: { requestID })
    }
}

/// A temporary directory removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("spcs-cost-sqlapi-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` inside the directory with POSIX mode `mode`; returns the path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let file = "\(path)/\(name)"
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return file
    }
}
