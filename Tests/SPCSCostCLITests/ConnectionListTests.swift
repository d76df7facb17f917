import Foundation
import Logging
import SnowflakeSQLAPI
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `connection list` and `connection show`: offline, every value with its source, secrets masked.
@Suite struct ConnectionListTests {
    /// A home folder (given as `$HOME`) with `.snowflake/config.toml` and `connections.toml` (mode 0600).
    static func home() throws -> TemporaryDirectory {
        let home = try TemporaryDirectory()
        let files = [
            ".snowflake/config.toml": "default_connection_name = \"cost\"\n",
            ".snowflake/connections.toml": """
                [cost]
                account = "myorg-myaccount"
                authenticator = "SNOWFLAKE_JWT"
                private_key_file = "~/.snowflake/rsa_key.p8"
                private_key_file_pwd = "correct horse battery staple"
                warehouse = "COST_WH"

                [ci]
                account = "xy12345.us-east-2.aws"
                authenticator = "PROGRAMMATIC_ACCESS_TOKEN"
                token = "pat-secret-value"
                user = "CI_BOT"

                """,
        ]
        for (name, text) in files {
            let path = home.path(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        return home
    }

    @Test func listShowsEveryConnectionWithSourcesAndMaskedSecrets() async throws {
        let home = try Self.home()
        let out = try await run(["connection", "list"], variables: [
            "HOME": home.url.path, "SNOWFLAKE_USER": "SVC_COST", "SNOWFLAKE_CONNECTIONS_CI_ROLE": "CI_ROLE",
            "SNOWFLAKE_PASSWORD": "never-shown",
        ])
        assertSnapshot(out.stdout, named: "connection-list.txt")
        for secret in ["correct horse battery staple", "pat-secret-value", "never-shown"] {
            #expect(!out.stdout.contains(secret))
            #expect(!out.stderr.contains(secret))
        }
    }

    @Test func showOneConnection() async throws {
        let home = try Self.home()
        let out = try await run(["connection", "show", "ci"], variables: ["HOME": home.url.path])
        assertSnapshot(out.stdout, named: "connection-show-ci.txt")
        #expect(!out.stdout.contains("pat-secret-value"))
    }

    @Test func showAMissingConnectionNamesTheFoldersSearchedAndExits78() async throws {
        let home = try TemporaryDirectory()
        do {
            _ = try await run(["connection", "show", "nope"], variables: ["HOME": home.url.path])
            Issue.record("expected an error")
        } catch {
            #expect(ExitStatus.code(for: error) == 78)
            #expect("\(error)".contains("\(home.url.path)/.snowflake (does not exist)"))
            #expect("\(error)".contains("\(home.url.path)/.config/snowflake (no config.toml or connections.toml)"))
        }
    }
}

/// `-v`/`--debug` on a pull log the connection by key and source; secret values never.
@Suite struct ConnectionLogTests {
    final class Lines: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
    }

    struct Capture: LogHandler {
        let lines: Lines
        var logLevel: Logger.Level = .debug
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lines.add("\(event.level): \(event.message)") }
    }

    @Test func debugLogsSourcesButNoSecret() async throws {
        let home = try ConnectionListTests.home()
        let lines = Lines()
        var log = Logger(label: "test") { _ in Capture(lines: lines) }
        log.logLevel = .debug
        let url = logConnection(log, env: try env(variables: ["HOME": home.url.path]), name: "ci")
        #expect(url == "https://xy12345.us-east-2.aws.snowflakecomputing.com")
        #expect(lines.lines.contains("debug: connection ci: token = (secret, not shown) from file \(home.url.path)/.snowflake/connections.toml"))
        #expect(lines.lines.contains { $0.hasPrefix("info: connection ci (flag --connection): account xy12345.us-east-2.aws") })
        #expect(!lines.lines.joined().contains("pat-secret-value"))
    }
}
