import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// What a responder saw and how often it ran, shared with the server's threads.
final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [ReceivedStatement] = []

    /// Records `statement` and returns how many statements were seen before it.
    func record(_ statement: ReceivedStatement) -> Int {
        lock.lock()
        defer { lock.unlock() }
        seen.append(statement)
        return seen.count - 1
    }

    var statements: [ReceivedStatement] {
        lock.lock()
        defer { lock.unlock() }
        return seen
    }
}

/// `pull` and the money views, identity and windows, over real HTTP against the project's loopback SQL API server.
extension PullServiceTests {
    func options(since: String?) -> PullOptions {
        var options = PullOptions()
        options.connectionName = "test"
        options.since = since.flatMap(CivilDate.init)
        return options
    }

    /// Serves RATE_SHEET_DAILY and USAGE_IN_CURRENCY_DAILY whose 2024-04-01 price and bill change after the first pull:
    /// 2.00 USD per credit and 3.96 credits → 7.92 USD, then 2.10 USD and 8.32 USD (3.96 × 2.10 = 8.316, billed 8.32).
    /// A 2024-04-02 bill line is there only the first time.
    func serveChangingMoneyViews() -> (rates: StatementLog, bills: StatementLog) {
        let rates = StatementLog(), bills = StatementLog()
        server.register("RATE_SHEET_DAILY") { statement in
            let n = rates.record(statement)
            return .rows(TestResult(
                columns: [.date("DATE"), .text("ACCOUNT_NAME"), .text("CURRENCY"), .fixed("EFFECTIVE_RATE", scale: 2),
                          .text("SERVICE_TYPE"), .text("USAGE_TYPE"), .text("RATING_TYPE"), .text("BILLING_TYPE"),
                          .boolean("IS_ADJUSTMENT")],
                rows: [["19814", "MYACCOUNT", "USD", n == 0 ? "2.00" : "2.10", "SNOWPARK_CONTAINER_SERVICES", "compute",
                        "compute", "consumption", "false"]]))
        }
        server.register("USAGE_IN_CURRENCY_DAILY") { statement in
            let n = bills.record(statement)
            var rows: [[String?]] = [["MYORG", "123", "MYACCOUNT", "XY12345", "AWS_US_WEST_2", "Enterprise", "19814",
                                      "snowpark container services", "3.960", "USD", n == 0 ? "7.92" : "8.32", "capacity",
                                      "consumption", "compute", "SNOWPARK_CONTAINER_SERVICES", "false"]]
            if n == 0 {
                rows.append(["MYORG", "123", "MYACCOUNT", "XY12345", "AWS_US_WEST_2", "Enterprise", "19815",
                             "snowpark container services", "1.000", "USD", "2.00", "capacity", "consumption", "compute",
                             "SNOWPARK_CONTAINER_SERVICES", "false"])
            }
            return .rows(.usageInCurrencyDaily(rows))
        }
        return (rates, bills)
    }

    @Test func aPriceRestatedBetweenTwoPullsIsReplacedAndItsDayMarked() async throws {
        let (rates, bills) = serveChangingMoneyViews()
        let cache = try UsageCache(.memory)
        // The clock is 2024-04-03: the previous month starts 2024-03-01 (19783 days, 1709251200000 ms).
        let first = try await service().pull(options(since: "2024-04-01"), into: cache)
        #expect(first.viewWarnings.isEmpty)
        #expect(rates.statements[0].bindings["1"]?.value == "1709251200000")
        #expect(bills.statements[0].bindings["1"]?.value == "1709251200000")
        #expect(try cache.usageInCurrency().map(\.usageInCurrency) == [dec("7.92"), dec("2.00")])
        #expect(try cache.restatedDays().isEmpty)
        // The next pull, incremental for the hourly view, still reads the money views from 2024-03-01.
        let second = try await service().pull(options(since: nil), into: cache)
        #expect(second.windowStart == "2024-04-02T01:00:00Z")
        #expect(rates.statements[1].bindings["1"]?.value == "1709251200000")
        #expect(bills.statements[1].bindings["1"]?.value == "1709251200000")
        // 2024-04-01: price 2.00 → 2.10, bill 7.92 → 8.32; the 2024-04-02 line is gone.
        #expect(try cache.rateSheet().map(\.effectiveRate) == [dec("2.1")])
        let april = try cache.usageInCurrency(from: CivilDate("2024-04-01")!, to: CivilDate("2024-05-01")!)
        #expect(april.count == 1)
        #expect(april[0].usageDate == CivilDate("2024-04-01")! && april[0].accountName == "MYACCOUNT")
        #expect(april[0].usage == dec("3.96") && april[0].usageInCurrency == dec("8.32") && april[0].currency == "USD")
        #expect(april[0].balanceSource == "capacity" && april[0].serviceType == "SNOWPARK_CONTAINER_SERVICES")
        #expect(try cache.restatedDays() == [CivilDate("2024-04-01")!, CivilDate("2024-04-02")!])
        let changes = try cache.restatements()
        #expect(changes.map(\.column) == ["EFFECTIVE_RATE", "USAGE_IN_CURRENCY", "ROW"])
        #expect(changes.map(\.oldValue) == ["2", "7.92", "2"] && changes.map(\.newValue) == ["2.1", "8.32", ""])
        let loads = try cache.loads()
        #expect(changes.allSatisfy { $0.loadID == loads.last!.id })
    }

    @Test func pulledRowsCarryTheConnectionsOrganizationAndAccount() async throws {
        let cache = try UsageCache(.memory)
        _ = try await service().pull(options(since: "2024-04-01"), into: cache)
        // The connection's account is "myorg-myaccount".
        let keyed = try cache.keyedRecords()
        #expect(keyed.count == 48)
        #expect(keyed.allSatisfy { $0.organization == "MYORG" && $0.account == "MYACCOUNT" && $0.computePoolID == 7 })
    }

    @Test func aMoneyViewTheRoleCannotReadIsAWarningNamingTheViewAndTheGrant() async throws {
        // Nothing registered for the ORGANIZATION_USAGE views: the test server refuses them with 002003.
        let cache = try UsageCache(.memory)
        let s = try await service().pull(options(since: "2024-04-01"), into: cache)
        #expect(s.statements.filter { $0.view.contains("ORGANIZATION_USAGE") }.map(\.skipped)
            .allSatisfy { $0?.contains("002003") == true })
        #expect(s.viewWarnings == [
            "SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY is not readable with this role (Snowflake error 002003: does "
                + "not exist or not authorized, or insufficient privileges); the pull goes on without it. It is served in the organization account to a role with "
                + "GRANT DATABASE ROLE SNOWFLAKE.ORGANIZATION_BILLING_VIEWER TO ROLE <role>.",
            "SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY is not readable with this role (Snowflake error 002003: "
                + "does not exist or not authorized, or insufficient privileges); the pull goes on without it. It is served in the organization account to a role "
                + "with GRANT DATABASE ROLE SNOWFLAKE.ORGANIZATION_BILLING_VIEWER TO ROLE <role>.",
        ])
        #expect(try cache.records().count == 48)
    }

    @Test func theMoneyViewWindowRule() {
        func day(_ s: String) -> CivilDate { CivilDate(s)! }
        func at(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }
        // No row cached and no --since: from the view's first row.
        #expect(PullService.moneyViewStart(now: at("2024-04-03T00:00:00Z"), windowStart: at("2023-04-04T00:00:00Z"),
                                           since: nil, cacheHasRows: false) == nil)
        // Then from the first day of the previous month: on 1 January, 1 December of the year before.
        #expect(PullService.moneyViewStart(now: at("2025-01-01T00:30:00Z"), windowStart: at("2024-12-31T00:30:00Z"),
                                           since: nil, cacheHasRows: true) == day("2024-12-01"))
        #expect(PullService.moneyViewStart(now: at("2024-03-31T23:59:59Z"), windowStart: at("2024-03-30T23:00:00Z"),
                                           since: nil, cacheHasRows: true) == day("2024-02-01"))
        // --since earlier than that wins.
        #expect(PullService.moneyViewStart(now: at("2024-04-03T00:00:00Z"), windowStart: at("2024-01-15T00:00:00Z"),
                                           since: day("2024-01-15"), cacheHasRows: false) == day("2024-01-15"))
    }
}

/// A first pull and a pull that finds nothing, against a server whose hourly view is empty; and a pool re-created
/// within one hour.
@Suite struct PullWindowTests {
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment

    init() throws { try self.init(history: []) }

    /// The server answers the hourly view with `history` (START_TIME, END_TIME epoch seconds, COMPUTE_POOL_NAME,
    /// COMPUTE_POOL_ID, CREDITS_USED) and every other view with no rows.
    init(history: [[String?]]) throws {
        let keys = PullServiceTests.keys
        let pem = try String(contentsOf: keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)
        let now = ISO8601DateFormatter().date(from: "2024-04-03T00:00:00Z")!
        server = try SnowflakeTestServer(identity: .init(publicKeysPEM: [pem]), now: { now })
        home = try TemporaryDirectory()
        let key = home.path("rsa_key.p8")
        try FileManager.default.copyItem(atPath: keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let toml = """
            [test]
            account = "myorg-myaccount"
            user = "spcs_cost"
            authenticator = "SNOWFLAKE_JWT"
            private_key_file = "\(key)"
            host = "127.0.0.1"
            port = \(server.baseURL.port!)
            protocol = "http"
            """
        try FileManager.default.createDirectory(atPath: home.path("sf"), withIntermediateDirectories: true)
        try Data(toml.utf8).write(to: URL(fileURLWithPath: home.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home.path("sf/connections.toml"))
        env = try testEnvironment(now: "2024-04-03T00:00:00Z", variables: ["SNOWFLAKE_HOME": home.path("sf")])
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("COMPUTE_POOL_ID"), .fixed("CREDITS_USED", precision: 38, scale: 9)], rows: history))
        server.register("COMPUTE_POOLS", result: TestResult(columns: [.text("NAME"), .fixed("ID")], rows: []))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        server.register("USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([]))
    }

    @Test func aFirstPullWithoutSinceCoversWhatTheViewsKeepAndSaysWhyItFoundNothing() async throws {
        let cache = try UsageCache(.memory)
        var options = PullOptions()
        options.connectionName = "test"
        let s = try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: cache)
        // The hourly view keeps 365 days: 2024-04-03T00:00Z minus 365 days is 2023-04-04T00:00Z (1680566400 s).
        #expect(s.windowStart == "2023-04-04T00:00:00Z" && s.windowEnd == "2024-04-03T00:00:00Z")
        let history = try #require(server.requests.first { $0.body.contains("SNOWPARK_CONTAINER_SERVICES_HISTORY") })
        #expect(history.body.contains("1680566400000000000"))
        // The money views, never read into this cache, are read from their first row: no lower bound.
        for view in ["RATE_SHEET_DAILY", "USAGE_IN_CURRENCY_DAILY"] {
            let request = try #require(server.requests.first { $0.body.contains(view) })
            #expect(!request.body.contains("WHERE"))
        }
        #expect(s.viewWarnings == [
            "SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY returned no rows from 2023-04-04T00:00:00Z to "
                + "2024-04-03T00:00:00Z. The view keeps 365 days and lags up to 3 hours (Snowflake's "
                + "SNOWPARK_CONTAINER_SERVICES_HISTORY documentation); if the account ran compute pools then, the role "
                + "may lack the SNOWFLAKE database grant: GRANT DATABASE ROLE SNOWFLAKE.USAGE_VIEWER TO ROLE <role> (or "
                + "GRANT IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE TO ROLE <role>).",
            "SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY returned no rows from the view's first row to "
                + "2024-04-03T00:00:00Z. The view keeps its rows indefinitely and lags up to 24 hours; it shows rows only "
                + "in the organization account, to a role with the SNOWFLAKE database role ORGANIZATION_BILLING_VIEWER "
                + "(GRANT DATABASE ROLE SNOWFLAKE.ORGANIZATION_BILLING_VIEWER TO ROLE <role>), and not to reseller "
                + "contracts.",
            "SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY returned no rows from the view's first row to "
                + "2024-04-03T00:00:00Z. The view keeps its rows indefinitely and lags up to 72 hours; it shows rows only "
                + "in the organization account, to a role with the SNOWFLAKE database role ORGANIZATION_BILLING_VIEWER "
                + "(GRANT DATABASE ROLE SNOWFLAKE.ORGANIZATION_BILLING_VIEWER TO ROLE <role>), and not to reseller "
                + "contracts.",
        ])
    }
}

@Test func aPoolReCreatedWithinOneHourKeepsBothPulledRows() async throws {
    // 2024-04-02T10:00Z = 1712052000 s: pool P as COMPUTE_POOL_ID 101 used 0.05 credits, re-created as 102 it used
    // 0.06 in the same hour, and 0.06 in the next.
    let fixture = try PullWindowTests(history: [
        ["1712052000.000000000", "1712055600.000000000", "P", "101", "0.050000000"],
        ["1712052000.000000000", "1712055600.000000000", "P", "102", "0.060000000"],
        ["1712055600.000000000", "1712059200.000000000", "P", "102", "0.060000000"],
    ])
    let cache = try UsageCache(.memory)
    var options = PullOptions()
    options.connectionName = "test"
    options.since = CivilDate("2024-04-01")
    let service = PullService(env: fixture.env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
    let first = try await service.pull(options, into: cache)
    #expect(first.inserted == 3)
    // 0.05 + 0.06 = 0.11 credits at 10:00 (the cache kept one of the two rows before schema 4), 0.06 at 11:00.
    #expect(try cache.records().map(\.creditsUsed.value) == [110_000_000, 60_000_000])
    let day = try cache.meteredByDay(from: ISO8601DateFormatter().date(from: "2024-04-02T00:00:00Z")!,
                                     to: ISO8601DateFormatter().date(from: "2024-04-03T00:00:00Z")!, segments: [])
    #expect(day.totals.map(\.credits.value) == [170_000_000] && day.rows == 2)
    // Pulled again: replaced, not added.
    let again = try await service.pull(options, into: cache)
    #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == 3)
    #expect(try cache.records().map(\.creditsUsed.value) == [110_000_000, 60_000_000])
}

/// The organization and account a connection's account identifier names.
@Suite struct AccountNamesTests {
    @Test(arguments: [
        ("myorg-myaccount", "MYORG", "MYACCOUNT"),
        ("myorg.my_account", "MYORG", "MY_ACCOUNT"),
        ("MYORG-MY_ACCOUNT.privatelink", "MYORG", "MY_ACCOUNT"),
        ("xy12345.us-east-2.aws", "", "XY12345"),
        ("xy12345", "", "XY12345"),
        ("xy12345-abcdef.global", "", "XY12345"),
    ])
    func namesFromTheIdentifier(identifier: String, organization: String, account: String) {
        let names = AccountIdentifier.organizationAndAccount(identifier)
        #expect(names.organization == organization && names.account == account)
    }
}
