import Foundation
import SnowflakeTestServer
import SPCSCostTestSupport
import Testing

/// `spcs-cost pull` with a connection group, run as a process against two loopback SQL API servers: one account
/// failing mid-pull exits 13, names the account and why, and the other account's summary and rows are there.
@Suite(.enabled(if: SpcsCostExecutable.path != nil, "needs the built spcs-cost"))
struct ManyAccountsCLITests {
    static let keys = Repository.root.appendingPathComponent("Tests/SnowflakeSQLAPITests/Resources")

    /// A server for `account` with 4 hourly rows of pool A on 2024-04-01 (0.11 credits each) in two partitions.
    static func server(_ account: String) throws -> SnowflakeTestServer {
        let pem = try String(contentsOf: keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)
        let server = try SnowflakeTestServer(identity: .init(accounts: [account], publicKeysPEM: [pem]), now: { Date() })
        let rows: [[String?]] = (0..<4).map { h in
            let start = 1_711_933_200 + h * 3600
            return ["\(start).000000000", "\(start + 3600).000000000", "A", "0.110000000"]
        }
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("CREDITS_USED", precision: 38, scale: 9)], rows: rows, partitionSizes: [2, 2]))
        server.register("COMPUTE_POOLS", result: TestResult(columns: [.text("NAME"), .fixed("ID")], rows: []))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        server.register("USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([]))
        return server
    }

    @Test func aGroupWithOneFailingAccountExits13AndKeepsTheOther() throws {
        let eu = try Self.server("MYORG-EU"), us = try Self.server("MYORG-US")
        // The second history partition fails twice (a 500 is resubmitted once; the second is final).
        us.inject(.status(500), on: .statement("SNOWPARK_CONTAINER_SERVICES_HISTORY", on: .partition(1)), times: 2)
        let dir = try TemporaryDirectory()
        let key = dir.path("rsa_key.p8")
        try FileManager.default.copyItem(atPath: Self.keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        try FileManager.default.createDirectory(atPath: dir.path("sf"), withIntermediateDirectories: true)
        let toml = [("eu", "myorg-eu", eu), ("us", "myorg-us", us)].map { name, account, server in
            """
            [\(name)]
            account = "\(account)"
            user = "spcs_cost"
            private_key_file = "\(key)"
            host = "127.0.0.1"
            port = \(server.port)
            protocol = "http"

            """
        }.joined()
        try Data(toml.utf8).write(to: URL(fileURLWithPath: dir.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.path("sf/connections.toml"))
        try Data("[groups]\norg = [\"eu\", \"us\"]\n".utf8).write(to: URL(fileURLWithPath: dir.path("config.toml")))
        let environment = ["HOME": dir.path("home"), "SNOWFLAKE_HOME": dir.path("sf"), "PATH": "/usr/bin:/bin",
                           "SPCS_COST_CONFIG": dir.path("config.toml")]
        let pulled = try SpcsCostExecutable.run(
            ["pull", "--group", "org", "--since", "2024-04-01", "--format", "json", "--cache", dir.path("c.sqlite")],
            environment: environment, emptyNetwork: false)
        #expect(pulled.status == 13)
        let json = try JSONSerialization.jsonObject(with: Data(pulled.stdout.utf8)) as? [String: Any]
        let accounts = try #require(json?["accounts"] as? [[String: Any]])
        #expect(accounts.map { $0["connection"] as? String } == ["eu", "us"])
        #expect(accounts.map { $0["account"] as? String } == ["MYORG.EU", "MYORG.US"])
        #expect(accounts.map { $0["status"] as? String } == ["pulled", "failed"])
        #expect((accounts[0]["summary"] as? [String: Any])?["inserted"] as? Int == 4)
        #expect(accounts[1]["exitCode"] as? Int == 69)
        #expect(json?["pulled"] as? Int == 1 && json?["failed"] as? Int == 1)
        #expect(pulled.stderr.contains("error: connection us (MYORG.US): "))

        // The same group again with text output, after the fault is spent: both pulled, exit 0; EU's 4 rows were
        // kept (unchanged), US's arrive whole.
        let again = try SpcsCostExecutable.run(
            ["pull", "-g", "org", "-c", "eu", "--since", "2024-04-01", "--cache", dir.path("c.sqlite")],
            environment: environment, emptyNetwork: false)
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("Pulled 2 accounts into \(dir.path("c.sqlite")) in "))
        #expect(again.stdout.contains("(at most 4 at once): 2 pulled, 0 failed.\n"))
        #expect(again.stdout.contains("MYORG.EU: Pulled 2024-04-01T00:00:00Z to "))
        #expect(again.stdout.contains("hourly rows: 0 new, 0 restated, 4 unchanged\n"))
        #expect(again.stdout.contains("hourly rows: 4 new, 0 restated, 0 unchanged\n"))

        // An unknown group is a usage error naming the file and the groups it has.
        let unknown = try SpcsCostExecutable.run(["pull", "-g", "finance", "--cache", dir.path("c.sqlite")],
                                                 environment: environment, emptyNetwork: false)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--group 'finance' is not under [groups] in \(dir.path("config.toml")) (groups: org)"))
    }
}
