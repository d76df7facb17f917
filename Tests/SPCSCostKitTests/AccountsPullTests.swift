import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Many accounts in one run, over real HTTP against the project's loopback SQL API servers: each account's rows
/// carry its organization and account, one account failing mid-pull leaves the others' data whole and names the
/// failure, each account has its own watermark, and no more than `--max-accounts` accounts are in flight.
@Suite struct AccountsPullTests {
    static let keys = Repository.root.appendingPathComponent("Tests/SnowflakeSQLAPITests/Resources")
    static let now = ISO8601DateFormatter().date(from: "2024-04-03T00:00:00Z")!
    let home: TemporaryDirectory
    /// A copy of the test key with mode 0600.
    let key: String

    init() throws {
        home = try TemporaryDirectory()
        key = home.path("rsa_key.p8")
        try FileManager.default.copyItem(atPath: Self.keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
    }

    /// A server accepting `accounts` that answers the views: 48 hourly rows from 2024-04-01T01:00Z in three
    /// partitions, pools A and B alternating, `credits` and half of it; an empty rate sheet.
    static func server(accounts: [String], credits: String = "0.110000000", half: String = "0.055000000") throws
        -> SnowflakeTestServer
    {
        let pem = try String(contentsOf: keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)
        let server = try SnowflakeTestServer(identity: .init(accounts: accounts, publicKeysPEM: [pem]), now: { now })
        var rows: [[String?]] = []
        for h in 0..<48 {
            let start = 1_711_933_200 + h * 3600
            rows.append(["\(start).000000000", "\(start + 3600).000000000", h % 2 == 0 ? "A" : "B", "7", "false", nil,
                         nil, h % 2 == 0 ? credits : half])
        }
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("COMPUTE_POOL_ID"), .boolean("IS_EXCLUSIVE"), .text("APPLICATION_NAME"),
                      .fixed("APPLICATION_ID"), .fixed("CREDITS_USED", precision: 38, scale: 9)],
            rows: rows, partitionSizes: [10, 20, 18]))
        server.register("COMPUTE_POOLS", result: TestResult(
            columns: [.text("NAME"), .fixed("ID"), .text("INSTANCE_FAMILY")], rows: [["A", "7", "CPU_X64_XS"]]))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        server.register("USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([]))
        return server
    }

    /// Writes connections `(name, account, server)` to connections.toml and returns an environment reading it.
    func environment(_ connections: [(String, String, SnowflakeTestServer)]) throws -> Environment {
        let toml = connections.map { name, account, server in
            """
            [\(name)]
            account = "\(account)"
            user = "spcs_cost"
            authenticator = "SNOWFLAKE_JWT"
            private_key_file = "\(key)"
            host = "127.0.0.1"
            port = \(server.baseURL.port!)
            protocol = "http"

            """
        }.joined()
        try FileManager.default.createDirectory(atPath: home.path("sf"), withIntermediateDirectories: true)
        try Data(toml.utf8).write(to: URL(fileURLWithPath: home.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home.path("sf/connections.toml"))
        return try testEnvironment(now: "2024-04-03T00:00:00Z", variables: ["SNOWFLAKE_HOME": home.path("sf")])
    }

    static func credits(_ cache: UsageCache, account: String) throws -> Int64 {
        try cache.keyedRecords().filter { $0.account == account }.reduce(NanoCredits.zero) { $0 + $1.creditsUsed }.value
    }

    @Test func oneAccountFailingMidPullLeavesTheOthersWholeAndIsNamed() async throws {
        let eu = try Self.server(accounts: ["MYORG-EU"])
        let us = try Self.server(accounts: ["MYORG-US"], credits: "0.220000000", half: "0.110000000")
        let ap = try Self.server(accounts: ["MYORG-AP"])
        // A server error on the third history partition, twice (a 500 is resubmitted once; the second is final).
        us.inject(.status(500), on: .statement("SNOWPARK_CONTAINER_SERVICES_HISTORY", on: .partition(2)), times: 2)
        let env = try environment([("eu", "myorg-eu", eu), ("us", "myorg-us", us), ("ap", "myorg-ap", ap)])
        let cache = try UsageCache(.memory)
        var options = PullOptions()
        options.since = CivilDate("2024-04-01")
        let results = await AccountsPull(service: PullService(env: env, transport: CurlTransport(),
                                                              clientOptions: SQLAPIClientOptions()))
            .pull(connections: ["eu", "us", "ap"], options: options, maxAccounts: 2, into: cache)
        #expect(results.map(\.connection) == ["eu", "us", "ap"])
        #expect(results.map(\.account) == ["MYORG.EU", "MYORG.US", "MYORG.AP"])
        #expect(results[0].summary?.inserted == 48 && results[2].summary?.inserted == 48)
        #expect(results[1].summary == nil)
        #expect(results[1].failure is SQLAPIError)
        // 24 × 0.11 + 24 × 0.055 = 3.96 credits for EU and for AP; nothing of US (its 7.92 credits never landed).
        #expect(try Self.credits(cache, account: "EU") == 3_960_000_000)
        #expect(try Self.credits(cache, account: "AP") == 3_960_000_000)
        #expect(try Self.credits(cache, account: "US") == 0)
        #expect(try Set(cache.keyedRecords().map(\.organization)) == ["MYORG"])
        // Two whole loads, one per account that succeeded.
        #expect(try cache.loads().map(\.source).sorted() == ["ap", "eu"])
        #expect(try cache.loads().map(\.rowCount) == [48, 48])

        // The next run: US succeeds now. Its watermark is its own (none yet), so it is pulled 365 days back, while
        // EU starts at its newest hour (2024-04-03T01:00Z) minus 24 h.
        options.since = nil
        let again = await AccountsPull(service: PullService(env: env, transport: CurlTransport(),
                                                            clientOptions: SQLAPIClientOptions()))
            .pull(connections: ["eu", "us"], options: options, maxAccounts: 4, into: cache)
        #expect(again.allSatisfy { $0.failure == nil })
        #expect(again[0].summary?.windowStart == "2024-04-02T01:00:00Z")
        #expect(again[1].summary?.windowStart == "2023-04-04T00:00:00Z")
        // 24 × 0.22 + 24 × 0.11 = 7.92 credits.
        #expect(try Self.credits(cache, account: "US") == 7_920_000_000)
        #expect(try Self.credits(cache, account: "EU") == 3_960_000_000)
    }

    /// One server serving three accounts, each request answered after 150 ms, one partition in flight per statement:
    /// the server never sees more requests at once than accounts allowed in flight times statements per account.
    @Test(arguments: [(1, 1), (2, 1), (2, 2)])
    func noMoreThanMaxAccountsAreInFlight(maxAccounts: Int, maxStatements: Int) async throws {
        let server = try Self.server(accounts: ["MYORG-EU", "MYORG-US", "MYORG-AP"])
        server.inject(.delay(milliseconds: 150), on: .any, times: 1_000)
        let env = try environment([("eu", "myorg-eu", server), ("us", "myorg-us", server), ("ap", "myorg-ap", server)])
        let cache = try UsageCache(.memory)
        var options = PullOptions()
        options.since = CivilDate("2024-04-01")
        options.maxConcurrentStatements = maxStatements
        var client = SQLAPIClientOptions()
        client.maxConcurrentPartitions = 1
        let results = await AccountsPull(service: PullService(env: env, transport: CurlTransport(), clientOptions: client))
            .pull(connections: ["eu", "us", "ap"], options: options, maxAccounts: maxAccounts, into: cache)
        #expect(results.allSatisfy { $0.summary?.inserted == 48 })
        #expect(server.maxConcurrentRequests == maxAccounts * maxStatements)
        #expect(try Set(cache.keyedRecords().map(\.account)) == ["EU", "US", "AP"])
    }

    @Test func anAccountWhoseTurnComesAfterTheDeadlineFailsWithoutARequest() async throws {
        // The run's clock moves 10 s each time it is read: with a 5 s deadline, each account's turn comes after the
        // deadline, so no request is sent and each failure says why.
        let server = try Self.server(accounts: ["MYORG-EU", "MYORG-US"])
        let base = try environment([("eu", "myorg-eu", server), ("us", "myorg-us", server)])
        let ticks = Ticks(start: Self.now)
        let env = Environment(now: { ticks.next() }, variables: base.variables, homeDirectory: base.homeDirectory,
                              currentDirectory: base.currentDirectory, catalog: base.catalog)
        var options = PullOptions()
        options.since = CivilDate("2024-04-01")
        options.deadlineSeconds = 5
        let results = await AccountsPull(service: PullService(env: env, transport: CurlTransport(),
                                                             clientOptions: SQLAPIClientOptions()))
            .pull(connections: ["eu", "us"], options: options, maxAccounts: 1, into: try UsageCache(.memory))
        #expect(results[1].failure as? AccountsPullError == .notStartedBeforeDeadline(connection: "us", deadlineSeconds: 5))
        #expect("\(results[1].failure!)" == "connection us was not pulled: the run's --deadline of 5 s had passed "
                + "before its turn; raise --deadline or --max-accounts")
        #expect(results[0].account == "MYORG.EU" && results[0].summary == nil)
        #expect(server.requests.isEmpty)
    }
}

/// A clock that advances 10 s each time it is read.
final class Ticks: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date
    init(start: Date) { instant = start }
    func next() -> Date {
        lock.withLock {
            defer { instant = instant.addingTimeInterval(10) }
            return instant
        }
    }
}
