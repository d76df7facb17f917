import Foundation
import SPCSCostTestSupport
import SnowflakeTestServer
import Testing

/// The built `spcs-cost` executable (beside the test bundle: `swift build --build-tests` builds both), run as a
/// child process, optionally inside a new, empty network namespace.
enum SpcsCostExecutable {
    /// The executable's path; nil when it has not been built.
    static let path: String? = {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? ""
        let candidates = [
            (bundle as NSString).deletingLastPathComponent + "/spcs-cost",
            Repository.root.appendingPathComponent(".build/debug/spcs-cost").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// `unshare -rn` makes a user and network namespace with nothing in it but a loopback interface that is down,
    /// so whatever runs inside cannot reach another machine (or even this one). Available as root, or where
    /// unprivileged user namespaces are allowed; checked once.
    static let emptyNetworkAvailable: Bool = {
        guard path != nil, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        return (try? run(["/usr/bin/unshare", "-rn", "true"], environment: [:]).status) == 0
    }()

    /// The result of a run: exit status and what it wrote.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `spcs-cost arguments` with exactly `environment`; inside an empty network namespace when
    /// `emptyNetwork` is true.
    static func run(_ arguments: [String], environment: [String: String], emptyNetwork: Bool) throws -> Outcome {
        let binary = try #require(path)
        return try run((emptyNetwork ? ["/usr/bin/unshare", "-rn", binary] : [binary]) + arguments, environment: environment)
    }

    private static func run(_ command: [String], environment: [String: String]) throws -> Outcome {
        let output = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: output.path("out"), contents: nil)
        _ = FileManager.default.createFile(atPath: output.path("err"), contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: output.url.appendingPathComponent("out"))
        process.standardError = try FileHandle(forWritingTo: output.url.appendingPathComponent("err"))
        try process.run()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            stdout: try String(contentsOfFile: output.path("out"), encoding: .utf8),
            stderr: try String(contentsOfFile: output.path("err"), encoding: .utf8))
    }
}

/// `protocol = "http"` with a programmatic access token: the token may travel in clear text only to a loopback
/// literal. Each hostile host is run end to end with the real executable inside an empty network
/// namespace, so even a broken check cannot send the token anywhere; CI makes sure the namespace is available
/// (`.ci/run`).
@Suite(.enabled(if: SpcsCostExecutable.emptyNetworkAvailable, "needs the built spcs-cost and 'unshare -rn'"))
struct PlainHTTPInAnEmptyNetworkTests {
    static let token = "pat-must-never-leave-0000"

    func pull(host: String) throws -> SpcsCostExecutable.Outcome {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("sf"), withIntermediateDirectories: true)
        let toml = """
            [evil]
            account = "myorg-myaccount"
            authenticator = "PROGRAMMATIC_ACCESS_TOKEN"
            token = "\(Self.token)"
            host = "\(host.replacingOccurrences(of: "\\", with: "\\\\"))"
            port = 8080
            protocol = "http"
            """
        try Data(toml.utf8).write(to: URL(fileURLWithPath: dir.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.path("sf/connections.toml"))
        return try SpcsCostExecutable.run(
            ["pull", "-c", "evil", "--cache", dir.path("cache.sqlite"), "--request-timeout", "5", "--max-attempts", "1"],
            environment: ["HOME": dir.path("home"), "SNOWFLAKE_HOME": dir.path("sf"), "PATH": "/usr/bin:/bin"],
            emptyNetwork: true)
    }

    /// Refused with exit 78 before any connection (before the fix, `127.0.0.1@10.255.255.1` was accepted and the
    /// token sent to 10.255.255.1; here that would be exit 69, network unreachable).
    @Test(arguments: [
        "127.0.0.1@10.255.255.1", "127.x.example", "127.1", "2130706433", "[::ffff:127.0.0.1]", "0177.0.0.1",
        "127.0.0.1:8080", "127.0.0.1/api", "127.0.0.1\\@10.255.255.1", "10.255.255.1",
    ])
    func aHostileHostIsRefusedBeforeAnyConnection(host: String) throws {
        let outcome = try pull(host: host)
        #expect(outcome.status == 78, "stderr: \(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("error: "))
        #expect(outcome.stderr.contains("connection 'evil'"))
        #expect(!outcome.stderr.contains(Self.token) && !outcome.stdout.contains(Self.token))
    }

    /// A loopback literal passes the check; in the empty namespace nothing listens (its loopback is down), so the
    /// pull fails to connect: exit 69, not 78.
    @Test(arguments: ["127.0.0.1", "127.0.0.2", "localhost", "[::1]"])
    func aLoopbackLiteralPassesTheCheck(host: String) throws {
        let outcome = try pull(host: host)
        #expect(outcome.status == 69, "stderr: \(outcome.stderr)")
        #expect(!outcome.stderr.contains(Self.token))
    }
}

/// CI sets SPCS_COST_REQUIRE_EMPTY_NETWORK=1, so a machine where the namespace tests would be skipped fails instead.
@Test func theEmptyNetworkIsAvailableWhereRequired() {
    guard ProcessInfo.processInfo.environment["SPCS_COST_REQUIRE_EMPTY_NETWORK"] == "1" else { return }
    #expect(SpcsCostExecutable.emptyNetworkAvailable, "the plain-HTTP tests need the built spcs-cost and 'unshare -rn'")
}

/// A private key readable by others, with SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION=true: every command that
/// uses the key warns on standard error (even when it then fails); without the variable it is refused with 78.
@Suite(.enabled(if: SpcsCostExecutable.path != nil, "needs the built spcs-cost"))
struct KeyPermissionWarningTests {
    /// A loopback test server and a connection `test` to it whose key file has permissions 644.
    struct Setup {
        let server: SnowflakeTestServer
        let dir: TemporaryDirectory
        let key: String
        let environment: [String: String]
        var skip: [String: String] { environment.merging(["SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION": "true"]) { $1 } }
    }

    static func setup() throws -> Setup {
        let keys = Repository.root.appendingPathComponent("Tests/SnowflakeSQLAPITests/Resources")
        let server = try SnowflakeTestServer(
            identity: .init(publicKeysPEM: [try String(contentsOf: keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)]),
            now: { Date() })
        let dir = try TemporaryDirectory()
        let key = dir.path("rsa_key.p8")
        try FileManager.default.copyItem(atPath: keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        try FileManager.default.createDirectory(atPath: dir.path("sf"), withIntermediateDirectories: true)
        try Data("""
            [test]
            account = "myorg-myaccount"
            user = "spcs_cost"
            private_key_file = "\(key)"
            host = "127.0.0.1"
            port = \(server.port)
            protocol = "http"
            """.utf8).write(to: URL(fileURLWithPath: dir.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.path("sf/connections.toml"))
        let environment = ["HOME": dir.path("home"), "SNOWFLAKE_HOME": dir.path("sf"), "PATH": "/usr/bin:/bin"]
        return Setup(server: server, dir: dir, key: key, environment: environment)
    }

    /// `connection test -v` logs the connection it resolved and its requests; a first request still unanswered after
    /// 2 s says, once, what it is waiting for.
    @Test func connectionTestLogsAndSaysWhatItWaitsFor() throws {
        let s = try Self.setup()
        s.server.inject(.delay(milliseconds: 3_000), on: .submit, times: 1)
        let tested = try SpcsCostExecutable.run(["connection", "test", "-c", "test", "-v"], environment: s.skip,
                                                emptyNetwork: false)
        #expect(tested.status == 0)
        #expect(tested.stderr.contains("spcs-cost: info: connection test ("))
        #expect(tested.stderr.contains("spcs-cost: still waiting for http://127.0.0.1:\(s.server.port)"))
        #expect(tested.stderr.components(separatedBy: "still waiting").count == 2)
        #expect(!tested.stderr.contains("BEGIN PRIVATE KEY") && !tested.stderr.contains("eyJ"))
        // Quiet by default, and no notice when the answer comes at once.
        let quiet = try SpcsCostExecutable.run(["connection", "test", "-c", "test"], environment: s.skip, emptyNetwork: false)
        #expect(quiet.status == 0)
        #expect(!quiet.stderr.contains("spcs-cost: info:") && !quiet.stderr.contains("still waiting"))
    }

    @Test func everyCommandThatUsesTheKeyWarns() throws {
        let s = try Self.setup()
        let (dir, key, environment, skip) = (s.dir, s.key, s.environment, s.skip)
        let warning = "warning: \(key) has permissions 644 and is readable by group or others; run 'chmod 0600 \(key)'."

        let refused = try SpcsCostExecutable.run(["connection", "test", "-c", "test"], environment: environment, emptyNetwork: false)
        #expect(refused.status == 78)
        #expect(refused.stdout.contains("readable by group or others (set SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION=true"))

        let tested = try SpcsCostExecutable.run(["connection", "test", "-c", "test"], environment: skip, emptyNetwork: false)
        #expect(tested.status == 0)
        #expect(tested.stdout.contains(warning))

        // The pull fails (nothing is registered for its statements), but the warning came first.
        let pulled = try SpcsCostExecutable.run(
            ["pull", "-c", "test", "--cache", dir.path("c.sqlite"), "--max-attempts", "1"], environment: skip,
            emptyNetwork: false)
        #expect(pulled.status == 69)
        #expect(pulled.stderr.hasPrefix(warning + "\n"))

        let refusedPull = try SpcsCostExecutable.run(
            ["pull", "-c", "test", "--cache", dir.path("c.sqlite")], environment: environment, emptyNetwork: false)
        #expect(refusedPull.status == 78)
    }
}
