import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// `pull --org` over real HTTP against the project's loopback SQL API server, which serves the ORGANIZATION_USAGE
/// views to the organization account only: every account's day rows in one statement, each keeping its account; the
/// organization-wide lookback; another account refused.
@Suite struct OrganizationPullTests {
    /// The organization's metering days a test serves, changed between pulls (a restated day).
    final class Days: @unchecked Sendable {
        private let lock = NSLock()
        private var days: [TestResult.OrganizationMeteringDay]
        init(_ days: [TestResult.OrganizationMeteringDay]) { self.days = days }
        var all: [TestResult.OrganizationMeteringDay] { lock.lock(); defer { lock.unlock() }; return days }
        func restate(account: String, usageDate: Int64, compute: Int64) {
            lock.lock()
            for i in days.indices where days[i].account == account && days[i].usageDate == usageDate {
                days[i].compute = compute
                days[i].cloudServices = 0
            }
            lock.unlock()
        }
    }

    static let keys = Repository.root.appendingPathComponent("Tests/SnowflakeSQLAPITests/Resources")
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment
    let sent = GrainPullTests.Sent()

    init() throws {
        let pem = try String(contentsOf: Self.keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)
        let now = ISO8601DateFormatter().date(from: "2024-04-03T00:00:00Z")!
        var identity = SnowflakeTestServer.Identity(accounts: ["MYORG-SPCS_DEV", "MYORG-ACCT_02"], publicKeysPEM: [pem])
        identity.organizationAccounts = ["MYORG-SPCS_DEV"]
        server = try SnowflakeTestServer(identity: identity, now: { now })
        home = try TemporaryDirectory()
        let key = home.path("rsa_key.p8")
        try FileManager.default.copyItem(atPath: Self.keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        var toml = ""
        for name in ["spcs_dev", "acct_02"] {
            toml += """
                [\(name)]
                account = "myorg-\(name)"
                user = "spcs_cost"
                authenticator = "SNOWFLAKE_JWT"
                private_key_file = "\(key)"
                host = "127.0.0.1"
                port = \(server.baseURL.port!)
                protocol = "http"

                """
        }
        try FileManager.default.createDirectory(atPath: home.path("sf"), withIntermediateDirectories: true)
        try Data(toml.utf8).write(to: URL(fileURLWithPath: home.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home.path("sf/connections.toml"))
        env = try testEnvironment(now: "2024-04-03T00:00:00Z", variables: ["SNOWFLAKE_HOME": home.path("sf")])
        // The organization view summed by account, pool and UTC day: SPCS_DEV's POOL 2.64 credits on 1 April,
        // ACCT_02's POOL (another pool of the same name) 1.1 on 1 April and 0.5 on 2 April, to 20:00.
        let sent = self.sent
        server.register("ORGANIZATION_USAGE\\.SNOWPARK_CONTAINER_SERVICES_HISTORY") { statement in
            sent.append(statement)
            return .rows(TestResult(
                columns: [.text("ORGANIZATION_NAME"), .text("ACCOUNT_NAME"), .text("COMPUTE_POOL_NAME"), .fixed("COMPUTE_POOL_ID"),
                          .boolean("IS_EXCLUSIVE"), .fixed("APPLICATION_ID"), .timestampLTZ("START_TIME"),
                          .timestampLTZ("END_TIME"), .text("APPLICATION_NAME"), .fixed("CREDITS_USED", precision: 38, scale: 9),
                          .text("ACCOUNT_LOCATOR")],
                rows: [["MYORG", "SPCS_DEV", "POOL", "7", "false", nil, "1711929600.000000000", "1712016000.000000000", nil, "2.640000000", "XY12345"],
                       ["MYORG", "ACCT_02", "POOL", "9", "false", nil, "1711929600.000000000", "1712016000.000000000", nil, "1.100000000", "XY12346"],
                       ["MYORG", "ACCT_02", "POOL", "9", "false", nil, "1712016000.000000000", "1712088000.000000000", nil, "0.500000000", "XY12346"]]))
        }
        // Each account's own views: a pool POOL of the same ID (7) in both, XS in SPCS_DEV and M in ACCT_02, and a
        // metered 1 April, 2.64 credits in SPCS_DEV and 1.1 in ACCT_02.
        server.register("ACCOUNT_USAGE\\.SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.text("COMPUTE_POOL_NAME"), .fixed("COMPUTE_POOL_ID"), .timestampLTZ("START_TIME"),
                      .timestampLTZ("END_TIME"), .fixed("CREDITS_USED", precision: 38, scale: 9)], rows: []))
        server.register("COMPUTE_POOLS") { statement in
            let family = statement.account == "MYORG-SPCS_DEV" ? "CPU_X64_XS" : "CPU_X64_M"
            return .rows(TestResult(columns: [.text("NAME"), .fixed("ID"), .text("INSTANCE_FAMILY")],
                                    rows: [["POOL", "7", family]]))
        }
        server.register("ACCOUNT_USAGE\\.METERING_DAILY_HISTORY") { statement in
            let credits = statement.account == "MYORG-SPCS_DEV" ? "2.640000000" : "1.100000000"
            return .rows(TestResult(
                columns: [.date("USAGE_DATE"), .fixed("CREDITS_USED_COMPUTE", scale: 9),
                          .fixed("CREDITS_USED_CLOUD_SERVICES", scale: 9), .fixed("CREDITS_USED", scale: 9),
                          .fixed("CREDITS_ADJUSTMENT_CLOUD_SERVICES", scale: 9), .fixed("CREDITS_BILLED", scale: 9)],
                rows: [["19814", credits, "0.000000000", credits, "0.000000000", credits]]))
        }
    }

    func pull(_ connection: String, into cache: UsageCache, organizationWide: Bool = true) async throws -> PullSummary {
        var options = PullOptions()
        options.connectionName = connection
        options.grain = .day
        options.organizationWide = organizationWide
        return try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: cache)
    }

    @Test func everyAccountFromTheOrganizationAccountOnly() async throws {
        let cache = try UsageCache(.memory)
        let s = try await pull("spcs_dev", into: cache)
        #expect(s.statements.first?.view == "SNOWFLAKE.ORGANIZATION_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY")
        let statement = try #require(sent.all.first)
        #expect(statement.text == PullService.historyStatement(grain: .day, organizationWide: true))
        #expect(statement.text.contains("GROUP BY 1, 2, 3, 4, 5, 6, 7") && statement.account == "MYORG-SPCS_DEV")
        #expect(try cache.keyedRecords().map { "\($0.organization).\($0.account) \($0.computePoolName) \($0.creditsUsed)" }
                == ["MYORG.ACCT_02 POOL 1.100000000", "MYORG.SPCS_DEV POOL 2.640000000", "MYORG.ACCT_02 POOL 0.500000000"])
        #expect(try cache.meteredByAccountAndUTCDay(from: Date(timeIntervalSince1970: 1_711_929_600),
                                                    to: Date(timeIntervalSince1970: 1_712_102_400)).map(\.account)
                == ["ACCT_02", "ACCT_02", "SPCS_DEV"])
        // The next pull starts 48 hours before the organization's newest END_TIME (2 April 20:00), down to 00:00 UTC:
        // 31 March (1711843200).
        _ = try await pull("spcs_dev", into: cache)
        #expect(sent.all.last?.bindings["1"]?.value?.hasPrefix("1711843200") == true)
        // Through another account the view is refused, as Snowflake refuses it: the pull fails, the cache is as it was.
        let before = try cache.loads().count
        await #expect(throws: SQLAPIError.self) { _ = try await pull("acct_02", into: cache) }
        #expect(try cache.loads().count == before)
        #expect(sent.all.count == 2)
        // No organization METERING_DAILY_HISTORY served: skipped with a warning, and no metering day is cached (the
        // account's own ACCOUNT_USAGE view is not read with --org).
        #expect(s.statements.contains { $0.view == PullService.organizationMetering && $0.skipped != nil })
        #expect(!s.statements.contains { $0.view == PullService.metering })
        #expect(s.viewWarnings.contains { $0.hasPrefix("SNOWFLAKE.ORGANIZATION_USAGE.METERING_DAILY_HISTORY is not readable") })
        #expect(try cache.meteringDaily().isEmpty)
        // Each account's locator, from the organization view's ACCOUNT_LOCATOR (schema v14-org-metering).
        #expect(try cache.accountLocators() == ["XY12345": "SPCS_DEV", "XY12346": "ACCT_02"])
        // No ACCOUNTS and no rate sheet served: ACCOUNTS is skipped with a warning, and neither account has a region.
        #expect(s.statements.contains { $0.view == PullService.accounts && $0.skipped != nil })
        #expect(s.viewWarnings.contains { $0.hasPrefix("no region is known for ACCT_02, SPCS_DEV") })
        #expect(try cache.accountRegions().isEmpty)
    }

    /// Each account's region: ORGANIZATION_USAGE.ACCOUNTS names SPCS_DEV's (Tokyo), the rate sheet names ACCT_02's
    /// (US West, Oregon), which ACCOUNTS leaves out; both read as the bundled price tables' region ids.
    /// ACCOUNTS also names each account's ACCOUNT_LOCATOR (a later documented column), cached with the others
    /// (ACCT_03, which meters nothing, included).
    @Test func accountRegionsFromAccountsThenTheRateSheet() async throws {
        var accounts = TestResult.organizationAccounts([
            (organization: "MYORG", account: "spcs_dev", region: "AWS_AP_NORTHEAST_1"),
            (organization: "MYORG", account: "acct_03", region: "AWS_US_EAST_1")])
        accounts.columns.append(.text("ACCOUNT_LOCATOR"))
        accounts.rows = accounts.rows.map { $0 + [$0[1] == "spcs_dev" ? "XY12345" : "XY12347"] }
        server.register("ORGANIZATION_USAGE\\.ACCOUNTS", result: accounts)
        server.register("ORGANIZATION_USAGE\\.RATE_SHEET_DAILY", result: TestResult(
            columns: [.date("DATE"), .text("CURRENCY"), .fixed("EFFECTIVE_RATE", precision: 38, scale: 2),
                      .text("SERVICE_TYPE"), .text("ACCOUNT_NAME"), .text("REGION")],
            rows: [["19814", "USD", "2.00", "SNOWPARK_CONTAINER_SERVICES", "ACCT_02", "AWS_US_WEST_2"]]))
        let cache = try UsageCache(.memory)
        let s = try await pull("spcs_dev", into: cache)
        #expect(s.statements.first { $0.view == PullService.accounts }.map { "\($0.view) \($0.rows)" }
                == "SNOWFLAKE.ORGANIZATION_USAGE.ACCOUNTS 2")
        #expect(!s.viewWarnings.contains { $0.hasPrefix("no region is known") })
        let regions = try cache.accountRegions()
        #expect(regions == [AccountRegion(organization: "MYORG", account: "ACCT_03", region: "AWS_US_EAST_1"),
                            AccountRegion(organization: "MYORG", account: "SPCS_DEV", region: "AWS_AP_NORTHEAST_1"),
                            AccountRegion(organization: "", account: "ACCT_02", region: "AWS_US_WEST_2", source: .rateSheet)])
        #expect(regions.compactMap { RegionID($0.region)?.id } == ["aws-us-east-1", "aws-ap-northeast-1", "aws-us-west-2"])
        #expect(try cache.accountLocators() == ["XY12345": "SPCS_DEV", "XY12346": "ACCT_02", "XY12347": "ACCT_03"])
        // Through another account ACCOUNTS is refused like every ORGANIZATION_USAGE view.
        await #expect(throws: SQLAPIError.self) { _ = try await pull("acct_02", into: cache) }
        #expect(try cache.accountRegions() == regions)
    }

    /// `pull --org` reads the organization's BLOCK_STORAGE_HISTORY (a premium ORGANIZATION_USAGE view, columns as
    /// documented: ``TestResult/organizationBlockStorageHistoryColumns``) once for every account: SPCS_DEV's and
    /// ACCT_02's POOL each keep 100 GiB on 1 April, both kept, each under its own account; refused (002003), the pull
    /// goes on without it and says so.
    @Test func theOrganizationsBlockStorageForEveryAccount() async throws {
        let sent = self.sent
        server.register("ORGANIZATION_USAGE\\.BLOCK_STORAGE_HISTORY") { statement in
            sent.append(statement)
            return .rows(TestResult(columns: TestResult.organizationBlockStorageHistoryColumns, rows: [
                ["MYORG", "SPCS_DEV", "XY12345", "1711929600.000000000", "BLOCK_STORAGE", "POOL", "7", "107374182400",
                 "0.000000000", "0.000000000"],
                ["MYORG", "ACCT_02", "XY12346", "1711929600.000000000", "BLOCK_STORAGE", "POOL", "9", "107374182400",
                 "0.000000000", "0.000000000"]]))
        }
        let cache = try UsageCache(.memory)
        let s = try await pull("spcs_dev", into: cache)
        #expect(s.statements.contains { $0.view == PullService.organizationBlockStorage && $0.rows == 2 })
        let statement = try #require(sent.all.first { $0.text.contains("BLOCK_STORAGE_HISTORY") })
        #expect(statement.text == PullService.organizationBlockStorageStatement && statement.account == "MYORG-SPCS_DEV")
        let rows = try cache.storageAndTransfer(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-01")!).storage
        #expect(rows.map { "\($0.organization).\($0.account) \($0.poolName ?? "-") \($0.usageDate) \($0.bytes)" }.sorted()
                == ["MYORG.ACCT_02 POOL 2024-04-01 107374182400", "MYORG.SPCS_DEV POOL 2024-04-01 107374182400"])
    }

    @Test func theOrganizationsBlockStorageRefusedIsAWarning() async throws {
        let cache = try UsageCache(.memory)
        let s = try await pull("spcs_dev", into: cache)
        #expect(s.statements.contains { $0.view == PullService.organizationBlockStorage && $0.skipped != nil })
        #expect(s.viewWarnings.contains { $0.hasPrefix("SNOWFLAKE.ORGANIZATION_USAGE.BLOCK_STORAGE_HISTORY is not readable") })
        #expect(try cache.storageAndTransfer(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!).storage.isEmpty)
    }

    /// `pull --org` reads the organization's METERING_DAILY_HISTORY (columns as documented:
    /// ``TestResult/organizationMeteringDailyHistoryColumns``) once for every account, from the window's first UTC
    /// day, each day kept under its own organization and account with its cloud services adjustment: SPCS_DEV 1 April
    /// 2.64 compute + 0.1 cloud services − 0.1 adjustment = 2.64 billed; ACCT_02 1 April 1.1, 2 April 0.5 + 0.02 =
    /// 0.52. The next pull reads from 31 March (48 hours before the organization's newest END_TIME, 2 April 20:00,
    /// down to its UTC day) and replaces the days it reads again: ACCT_02's 2 April restated to 0.6 billed.
    @Test func theOrganizationsMeteringDaysPerAccount() async throws {
        let sent = self.sent
        let days = Days([
            .init(organization: "MYORG", account: "SPCS_DEV", locator: "XY12345", usageDate: 19814, compute: 2_640_000_000,
                  cloudServices: 100_000_000, adjustment: -100_000_000),
            .init(organization: "MYORG", account: "ACCT_02", locator: "XY12346", usageDate: 19814, compute: 1_100_000_000),
            .init(organization: "MYORG", account: "ACCT_02", locator: "XY12346", usageDate: 19815, compute: 500_000_000,
                  cloudServices: 20_000_000)])
        server.register("ORGANIZATION_USAGE\\.METERING_DAILY_HISTORY") { statement in
            sent.append(statement)
            return .rows(.organizationMeteringDailyHistory(days.all, answering: statement))
        }
        let cache = try UsageCache(.path(home.path("org.sqlite")))
        let s = try await pull("spcs_dev", into: cache)
        #expect(s.statements.first { $0.view == PullService.organizationMetering }.map { "\($0.rows) \($0.skipped ?? "-")" } == "3 -")
        #expect(!s.statements.contains { $0.view == PullService.metering })
        let first = try #require(sent.all.first { $0.text.contains("METERING_DAILY_HISTORY") })
        #expect(first.text == PullService.organizationMeteringStatement && first.account == "MYORG-SPCS_DEV")
        #expect(first.text.contains("SERVICE_TYPE = 'SNOWPARK_CONTAINER_SERVICES'"))
        func lines() throws -> [String] {
            try cache.meteringDaily().map {
                "\($0.usageDate) \($0.organization).\($0.account) \($0.creditsUsed) \($0.creditsAdjustmentCloudServices) \($0.creditsBilled)"
            }
        }
        #expect(try lines() == ["2024-04-01 MYORG.ACCT_02 1.100000000 0.000000000 1.100000000",
                                "2024-04-01 MYORG.SPCS_DEV 2.740000000 -0.100000000 2.640000000",
                                "2024-04-02 MYORG.ACCT_02 0.520000000 0.000000000 0.520000000"])
        // Incremental: from 31 March (19813 days, as milliseconds), the restated day replaced, the others kept.
        days.restate(account: "ACCT_02", usageDate: 19815, compute: 600_000_000)
        _ = try await pull("spcs_dev", into: cache)
        let second = try #require(sent.all.last { $0.text.contains("METERING_DAILY_HISTORY") })
        #expect(second.bindings["1"]?.value == "\(Int64(19813) * 86_400_000)")
        #expect(try lines() == ["2024-04-01 MYORG.ACCT_02 1.100000000 0.000000000 1.100000000",
                                "2024-04-01 MYORG.SPCS_DEV 2.740000000 -0.100000000 2.640000000",
                                "2024-04-02 MYORG.ACCT_02 0.600000000 0.000000000 0.600000000"])
        // Through another account the organization's views are refused: the pull fails, the metering is as it was.
        await #expect(throws: SQLAPIError.self) { _ = try await pull("acct_02", into: cache) }
        #expect(try lines().count == 3)
    }

    /// The bill check of `report --by account` from one organization pull: USAGE_IN_CURRENCY_DAILY is read once for
    /// every account (with the organization's METERING_DAILY_HISTORY), and each account's line compares its own
    /// ledger with its own billed rows: SPCS_DEV 2.64 credits billed 7.92 USD, ACCT_02 1.1 + 0.5 billed 3.30 + 1.50 =
    /// 4.80; each line's ledger amount is its metered cost.
    @Test func theBillCheckPerAccountFromAnOrganizationPull() async throws {
        func billed(_ account: String, _ day: Int, _ usage: String, _ amount: String) -> [String?] {
            ["MYORG", "1", account, nil, "AWS_US_EAST_1", "Standard", "\(day)", "compute", usage, "USD", amount,
             "capacity", "consumption", "compute", "SNOWPARK_CONTAINER_SERVICES", "false"]
        }
        server.register("ORGANIZATION_USAGE\\.USAGE_IN_CURRENCY_DAILY", result: .usageInCurrencyDaily([
            billed("SPCS_DEV", 19814, "2.640", "7.92"), billed("ACCT_02", 19814, "1.100", "3.30"),
            billed("ACCT_02", 19815, "0.500", "1.50")]))
        server.register("ORGANIZATION_USAGE\\.METERING_DAILY_HISTORY") { statement in
            .rows(.organizationMeteringDailyHistory([
                .init(organization: "MYORG", account: "SPCS_DEV", locator: "XY12345", usageDate: 19814, compute: 2_640_000_000),
                .init(organization: "MYORG", account: "ACCT_02", locator: "XY12346", usageDate: 19814, compute: 1_100_000_000),
                .init(organization: "MYORG", account: "ACCT_02", locator: "XY12346", usageDate: 19815, compute: 500_000_000)],
                answering: statement))
        }
        let cache = try UsageCache(.path(home.path("bill.sqlite")))
        _ = try await pull("spcs_dev", into: cache)
        #expect(try cache.meteringDaily().map { "\($0.account) \($0.creditsBilled)" }
                == ["ACCT_02 1.100000000", "SPCS_DEV 2.640000000", "ACCT_02 0.500000000"])
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        o.rateCardID = "2026-04"
        o.groupBy = .account
        let report = try ReportService(env: env).build(o, cache: cache)
        let check = try #require(report.billCheck)
        #expect(Set(check.days.map(\.account)) == ["ACCT_02", "SPCS_DEV"])
        #expect(report.groups.map { "\($0.key) \($0.metered.quantity) \($0.billed.map { ExactDecimal.text($0.amount) } ?? "-")" }
                == ["ACCT_02 1.6 4.8", "SPCS_DEV 2.64 7.92"])
        for line in report.groups {
            #expect(line.ledgerBeforeFX.map { ExactDecimal.text($0.amount) } == ExactDecimal.text(line.metered.amount.amount), "\(line.key)")
        }
    }

    /// An organization METERING_DAILY_HISTORY result without ACCOUNT_NAME cannot be keyed per account: the pull
    /// fails naming the view and the column, and the cache is as it was.
    @Test func theOrganizationsMeteringWithoutAccountNameIsRefused() async throws {
        server.register("ORGANIZATION_USAGE\\.METERING_DAILY_HISTORY", result: .meteringDailyHistory(
            [["19814", "1.000000000", "0.000000000", "1.000000000", "0.000000000", "1.000000000"]]))
        let cache = try UsageCache(.memory)
        await #expect(throws: PullService.DataError(view: PullService.organizationMetering,
                                                    reason: "the result has no ACCOUNT_NAME column")) {
            _ = try await pull("spcs_dev", into: cache)
        }
        #expect(try cache.loads().isEmpty && cache.meteringDaily().isEmpty)
    }

    /// Schema `v12-account-inventory`: each account's COMPUTE_POOLS rows and METERING_DAILY_HISTORY days are its own.
    /// SPCS_DEV and ACCT_02 each have a pool POOL of the same ID (7) and a metered 1 April (see `init`); pulled one
    /// after the other into one cache, both accounts' pool (XS in SPCS_DEV, M in ACCT_02) and both days (2.64 and 1.1 credits)
    /// are kept. Keyed by name and ID alone, the second account's row replaced the first's.
    @Test func twoAccountsKeepTheirOwnPoolOfOneNameAndTheirOwnDay() async throws {
        let cache = try UsageCache(.memory)
        _ = try await pull("spcs_dev", into: cache, organizationWide: false)
        _ = try await pull("acct_02", into: cache, organizationWide: false)
        #expect(try cache.computePools().map { "\($0.organization).\($0.account) \($0.name) \($0.id) \($0.instanceFamily ?? "-")" }
                == ["MYORG.ACCT_02 POOL 7 CPU_X64_M", "MYORG.SPCS_DEV POOL 7 CPU_X64_XS"])
        #expect(try cache.meteringDaily().map { "\($0.usageDate) \($0.account) \($0.creditsBilled)" }
                == ["2024-04-01 ACCT_02 1.100000000", "2024-04-01 SPCS_DEV 2.640000000"])
        // Pulled again, each account's row is replaced by its own, not by the other's.
        _ = try await pull("spcs_dev", into: cache, organizationWide: false)
        #expect(try cache.computePools().count == 2 && cache.meteringDaily().count == 2)
    }
}
