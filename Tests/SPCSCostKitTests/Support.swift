import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostTestSupport
import SnowflakeTestServer

/// An environment with a fixed clock (2026-11-29T12:00:00Z), the bundled catalog, and the repository as the
/// working folder.
func testEnvironment(now: String = "2026-11-29T12:00:00Z", variables: [String: String] = [:]) throws -> Environment {
    let instant = ISO8601DateFormatter().date(from: now)!
    return Environment(now: { instant }, variables: variables, homeDirectory: "/nonexistent-home",
                       currentDirectory: Repository.root.path, catalog: try BundledCatalog.load())
}

/// `Decimal` from text, for expectations.
func dec(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

/// One account on the project's SQL API test server over 127.0.0.1: the server (its clock fixed at `now`, the
/// repository's test key pair trusted), a temporary SNOWFLAKE_HOME whose connection `test` reaches it with that key
/// pair, and an environment whose clock reads `now` with SNOWFLAKE_HOME set. The pull suites register their views on
/// `server`.
enum LoopbackAccount {
    /// The test key pair (Tests/SnowflakeSQLAPITests/Resources).
    static let keys = Repository.root.appendingPathComponent("Tests/SnowflakeSQLAPITests/Resources")

    /// The server, the home folder (kept alive by the caller) and the environment; `now` is ISO 8601 UTC.
    /// - Throws: when the key cannot be read, the server cannot listen on loopback or the connection file cannot be
    ///   written.
    static func make(now: String) throws -> (SnowflakeTestServer, TemporaryDirectory, Environment) {
        let pem = try String(contentsOf: keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)
        let instant = ISO8601DateFormatter().date(from: now)!
        let server = try SnowflakeTestServer(identity: .init(publicKeysPEM: [pem]), now: { instant })
        let home = try TemporaryDirectory()
        try writeLoopbackConnection(in: home, port: server.baseURL.port!, keys: keys)
        let env = try testEnvironment(now: now, variables: ["SNOWFLAKE_HOME": home.path("sf")])
        return (server, home, env)
    }
}
