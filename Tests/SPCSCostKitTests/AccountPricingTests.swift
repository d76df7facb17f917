import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Each account at its own region's price: an organization pulled with `pull --org` over real HTTP from the project's
/// loopback SQL API server into a real SQLite file, whose ORGANIZATION_USAGE.ACCOUNTS puts TOKYO_ACCT in
/// AWS_AP_NORTHEAST_1 and OREGON_ACCT in AWS_US_WEST_2 and does not name NOREGION_ACCT.
@Suite struct AccountPricingTests {
    static let keys = Repository.root.appendingPathComponent("Tests/SnowflakeSQLAPITests/Resources")
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment

    /// Hourly rows of April 2026 (epoch 1775001600 = 2026-04-01T00:00Z):
    /// TOKYO_ACCT POOL_T 5 + 5 credits on 1 April; OREGON_ACCT POOL_O 5 + 5 on 1 April; NOREGION_ACCT POOL_N 4 on
    /// 2 April; and a pool SHARED in both regions on 2 April, 1 credit in Tokyo and 3 in Oregon.
    init() throws {
        let pem = try String(contentsOf: Self.keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)
        let now = ISO8601DateFormatter().date(from: "2026-04-10T00:00:00Z")!
        var identity = SnowflakeTestServer.Identity(accounts: ["MYORG-TOKYO_ACCT"], publicKeysPEM: [pem])
        identity.organizationAccounts = ["MYORG-TOKYO_ACCT"]
        server = try SnowflakeTestServer(identity: identity, now: { now })
        home = try TemporaryDirectory()
        let key = home.path("rsa_key.p8")
        try FileManager.default.copyItem(atPath: Self.keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let toml = """
            [org]
            account = "myorg-tokyo_acct"
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
        env = try testEnvironment(now: "2026-04-10T00:00:00Z", variables: ["SNOWFLAKE_HOME": home.path("sf")])
        func row(_ account: String, _ pool: String, _ id: Int, _ start: Int, _ credits: String) -> [String?] {
            ["MYORG", account, pool, "\(id)", "false", nil, "\(start).000000000", "\(start + 3600).000000000", nil, credits,
             ["TOKYO_ACCT": "XY111", "OREGON_ACCT": "XY222"][account] ?? "XY333"]
        }
        let d1 = 1_775_001_600, d2 = 1_775_088_000
        server.register("ORGANIZATION_USAGE\\.SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.text("ORGANIZATION_NAME"), .text("ACCOUNT_NAME"), .text("COMPUTE_POOL_NAME"), .fixed("COMPUTE_POOL_ID"),
                      .boolean("IS_EXCLUSIVE"), .fixed("APPLICATION_ID"), .timestampLTZ("START_TIME"),
                      .timestampLTZ("END_TIME"), .text("APPLICATION_NAME"), .fixed("CREDITS_USED", precision: 38, scale: 9),
                      .text("ACCOUNT_LOCATOR")],
            rows: [row("TOKYO_ACCT", "POOL_T", 1, d1, "5"), row("TOKYO_ACCT", "POOL_T", 1, d1 + 3600, "5"),
                   row("OREGON_ACCT", "POOL_O", 2, d1, "5"), row("OREGON_ACCT", "POOL_O", 2, d1 + 3600, "5"),
                   row("NOREGION_ACCT", "POOL_N", 3, d2, "4"),
                   row("TOKYO_ACCT", "SHARED", 4, d2, "1"), row("OREGON_ACCT", "SHARED", 5, d2, "3")]))
        server.register("ORGANIZATION_USAGE\\.ACCOUNTS", result: .organizationAccounts([
            (organization: "MYORG", account: "TOKYO_ACCT", region: "AWS_AP_NORTHEAST_1"),
            (organization: "MYORG", account: "OREGON_ACCT", region: "AWS_US_WEST_2")]))
        server.register("COMPUTE_POOLS", result: TestResult(columns: [.text("NAME"), .fixed("ID")], rows: []))
        server.register("ACCOUNT_USAGE\\.METERING_DAILY_HISTORY", result: .meteringDailyHistory())
    }

    /// `pull --org --grain hour` into a SQLite file.
    func pulledCache() async throws -> UsageCache {
        let cache = try UsageCache(.path(home.path("cache.sqlite")))
        var options = PullOptions()
        options.connectionName = "org"
        options.grain = .hour
        options.organizationWide = true
        _ = try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: cache)
        return cache
    }

    func reportOptions(_ by: ReportGrouping?) -> ReportOptions {
        var o = ReportOptions(from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        o.rateCardID = "2026-04"
        o.groupBy = by
        return o
    }

    func lines(_ r: SavingsReport) -> [String] {
        r.groups.map { "\($0.key) \($0.metered.quantity) \(ExactDecimal.text($0.metered.amount.amount))" }
    }

    @Test func eachAccountAtItsOwnRegionsListPriceInReportExportAndAdvise() async throws {
        let cache = try await pulledCache()
        #expect(try cache.accountRegions().map(\.account) == ["OREGON_ACCT", "TOKYO_ACCT"])
        // The series keep the accounts apart: SHARED has one series per account.
        var shared: [String] = []
        try cache.forEachPoolAccountSeries(from: Date(timeIntervalSince1970: 1_775_001_600),
                                           to: Date(timeIntervalSince1970: 1_775_174_400)) { pool, _, accounts in
            if pool == "SHARED" { shared = accounts.map { "\($0.owner.account) \($0.values.filter { $0 != .min })" } }
        }
        #expect(shared == ["OREGON_ACCT [3000000000]", "TOKYO_ACCT [1000000000]"])

        // Standard edition, the run's --region left at its default (aws-us-east-1, 2.00 USD):
        // TOKYO_ACCT 11 credits × 2.85 = 31.35; OREGON_ACCT 13 × 2.00 = 26; NOREGION_ACCT 4 × 2.00 (the run's
        // region, with a warning) = 8. SHARED: 1 × 2.85 + 3 × 2.00 = 8.85.
        let service = ReportService(env: env)
        let byAccount = try service.build(reportOptions(.account), cache: cache, reconciled: nil)
        #expect(lines(byAccount) == ["NOREGION_ACCT 4 8", "OREGON_ACCT 13 26", "TOKYO_ACCT 11 31.35"])
        #expect(ExactDecimal.text(byAccount.metered.amount.amount) == "65.35")
        #expect(try lines(service.build(reportOptions(.pool), cache: cache, reconciled: nil))
                == ["POOL_N 4 8", "POOL_O 10 20", "POOL_T 10 28.5", "SHARED 4 8.85"])
        #expect(byAccount.pools.map { "\($0.pool) \(ExactDecimal.text($0.metered.amount.amount))" }
                == ["POOL_N 8", "POOL_O 20", "POOL_T 28.5", "SHARED 8.85"])
        #expect(byAccount.warnings.contains { $0.hasPrefix("account NOREGION_ACCT: no region known") && $0.contains("aws-us-east-1") })
        #expect(!byAccount.warnings.contains { $0.hasPrefix("account TOKYO_ACCT") || $0.hasPrefix("account OREGON_ACCT") })
        // The stamp lists each account's price and where it comes from.
        let sources = byAccount.priceRuns.map { "\(ExactDecimal.text($0.rate.unitPrice.price.price.amount)) \($0.rate.unitPrice.price.source)" }
        #expect(sources.count == 3)
        #expect(sources.contains { $0.hasPrefix("2.85 account TOKYO_ACCT: credit price table 2026-04") && $0.contains("Tokyo")
                    && $0.contains("(region AWS_AP_NORTHEAST_1, ORGANIZATION_USAGE.ACCOUNTS)") })
        #expect(sources.contains { $0.hasPrefix("2 account OREGON_ACCT: credit price table 2026-04") && $0.contains("Oregon") })
        #expect(sources.contains { $0.hasPrefix("2 account NOREGION_ACCT: credit price table 2026-04") && $0.contains("US East 1") })
        let stamp = Document.savingsReport(byAccount, stamp: ReportStamp(toolVersion: "0", commandLine: "c")).stamp
        #expect(stamp.lines.filter { $0.key == "credit_price" && $0.text.contains("account TOKYO_ACCT") }.count == 1)

        // export: the same amounts per account, each row with its account and its region.
        var eo = ExportOptions(from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        eo.billingAccount = "MYORG"
        let export = try ExportService(env: env).build(eo, cache: cache)
        var byExportAccount: [String: Decimal] = [:]
        for c in export.metered.charges { byExportAccount[c.account ?? "", default: 0] += c.billedCost.amount }
        #expect(byExportAccount.keys.sorted().map { "\($0) \(ExactDecimal.text(byExportAccount[$0]!))" } == lines(byAccount).map {
            let parts = $0.split(separator: " ")
            return "\(parts[0]) \(parts[2])"
        })
        let tokyo = try #require(export.metered.charges.first { $0.account == "TOKYO_ACCT" })
        #expect(tokyo.region?.id == "AWS_AP_NORTHEAST_1" && ExactDecimal.text(tokyo.listUnitPrice.amount) == "2.85")
        #expect(export.metered.charges.first { $0.account == "NOREGION_ACCT" }?.region == nil)
        let csv = FocusExport.csv(export.metered)
        #expect(csv.contains("TOKYO_ACCT,TOKYO_ACCT") && csv.contains("AWS_AP_NORTHEAST_1"))

        // advise: the metered total is the report's.
        var ao = AdviseOptions(from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-02")!, timeZone: TimeZone(identifier: "UTC")!,
                               window: BusinessHours(startSecondOfDay: 9 * 3600, endSecondOfDay: 18 * 3600,
                                                     weekdays: [.monday], zone: TimeZone(identifier: "UTC")!))
        ao.rateCardID = "2026-04"
        ao.price = reportOptions(nil).priceSettings
        let advice = try AdviseService(env: env).advise(ao, cache: cache)
        #expect(advice.metered.map { ExactDecimal.text($0.amount.amount) } == "65.35")
    }

    /// `reconcile` and `whatif` (both ways: from a reconciliation and streamed from the series) price each pool's
    /// metered credits as `report` does: POOL_T (Tokyo) 10 × 2.85 = 28.5, POOL_O (Oregon) 10 × 2.00 = 20; and a
    /// pool's always-on policy at its account's price.
    @Test func reconcileAndWhatIfAgreeWithTheReportPerAccount() async throws {
        let cache = try await pulledCache()
        let file = try PoolsFile.parse("""
            [defaults]
            rate_card = "2026-04"

            [[pools]]
            name = "POOL_T"
            family = "CPU_X64_XS"
            auto_suspend_secs = 0
            timezone = "UTC"

            [[pools]]
            name = "POOL_O"
            family = "CPU_X64_XS"
            auto_suspend_secs = 0
            timezone = "UTC"
            """, file: "accounts.toml")
        var o = reportOptions(nil)
        o.poolsFile = file
        let report = try ReportService(env: env).build(o, cache: cache)
        let fromReport = Dictionary(uniqueKeysWithValues: report.pools.map { ($0.pool, ExactDecimal.text($0.metered.amount.amount)) })
        #expect(fromReport["POOL_T"] == "28.5" && fromReport["POOL_O"] == "20")
        var ro = ReconcileOptions(pools: file, from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-02")!)
        ro.timeZone = TimeZone(identifier: "UTC")!
        ro.price = o.priceSettings
        let reconciled = try ReconcileService(env: env).reconcile(ro, cache: cache)
        for pool in ["POOL_T", "POOL_O"] {
            let m = try #require(reconciled.pools.first { $0.pool == pool }?.money)
            #expect(ExactDecimal.text(m.metered.amount.amount) == fromReport[pool], "\(pool)")
        }
        let repriced = try WhatIfService(env: env).reprice(reconciled, pools: file, policies: [.alwaysOn],
                                                           zone: TimeZone(identifier: "UTC")!, cache: cache, price: o.priceSettings)
        let streamed = try WhatIfService(env: env).run(ro, policies: ["always-on"], cache: cache)
        for run in [repriced, streamed] {
            for pool in ["POOL_T", "POOL_O"] {
                let r = try #require(run.results.first { $0.pool == pool })
                #expect(r.metered.map { ExactDecimal.text($0.amount.amount) } == fromReport[pool], "\(pool)")
                // Always on, 2 days × 24 h × 0.06 credits (CPU_X64_XS, 2026-04) = 2.88 credits at the account's price.
                let always = try #require(r.policyCost)
                #expect(ExactDecimal.text(always.amount.amount) == ExactDecimal.text(always.quantity * (pool == "POOL_T" ? 2.85 : 2)),
                        "\(pool)")
            }
        }
    }

    /// A pool name metered in two accounts (SHARED: TOKYO_ACCT and OREGON_ACCT): a pools file entry without
    /// `account` is refused (exit 64 through ``PoolAccountError``) by report, reconcile and whatif, naming both
    /// accounts and the key to add; with `account` (a name, or a locator the cached USAGE_IN_CURRENCY_DAILY gives:
    /// XY222 = OREGON_ACCT) its planned and what-if quantities take that account's price: always on at 2.85 USD a
    /// credit (Tokyo) or 2.00 (Oregon). Before, they took the run's price (2.00 here) whichever account was meant.
    @Test func aPoolNameInSeveralAccountsIsPlannedForTheAccountTheFileNames() async throws {
        let cache = try await pulledCache()
        try cache.load(.init(kind: "pull", source: "uic", checksum: "", loadedAt: Date(timeIntervalSince1970: 1_775_779_200))) { w in
            try w.upsert(UsageInCurrencyRow(usageDate: CivilDate("2026-04-02")!, organizationName: "MYORG",
                                            accountName: "OREGON_ACCT", accountLocator: "XY222", region: "AWS_US_WEST_2",
                                            serviceType: "SNOWPARK_CONTAINER_SERVICES", usage: 3, usageInCurrency: 6,
                                            currency: "USD"))
        }
        func file(_ account: String?) throws -> PoolsFile {
            try PoolsFile.parse("""
                [defaults]
                rate_card = "2026-04"

                [[pools]]
                name = "SHARED"
                family = "CPU_X64_XS"
                auto_suspend_secs = 0
                timezone = "UTC"
                \(account.map { "account = \"\($0)\"" } ?? "")
                """, file: "shared.toml")
        }
        func options(_ f: PoolsFile) -> (ReportOptions, ReconcileOptions) {
            var o = reportOptions(nil)
            o.poolsFile = f
            var ro = ReconcileOptions(pools: f, from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-02")!)
            ro.timeZone = TimeZone(identifier: "UTC")!
            ro.price = o.priceSettings
            return (o, ro)
        }
        // No account: refused, naming both accounts and the fix.
        let (o, ro) = options(try file(nil))
        let refused = PoolAccountError(file: "shared.toml", pool: "SHARED", accounts: ["OREGON_ACCT", "TOKYO_ACCT"], given: nil)
        #expect(throws: refused) { _ = try ReportService(env: env).build(o, cache: cache) }
        #expect(throws: refused) { _ = try ReconcileService(env: env).reconcile(ro, cache: cache) }
        #expect(throws: refused) { _ = try WhatIfService(env: env).run(ro, policies: ["always-on"], cache: cache) }
        #expect(refused.description.contains("OREGON_ACCT and TOKYO_ACCT") && refused.description.contains("add account = \"OREGON_ACCT\""))
        // An account that does not meter SHARED: refused too.
        let (wrong, _) = options(try file("POOL_N_ACCT"))
        #expect(throws: PoolAccountError(file: "shared.toml", pool: "SHARED", accounts: ["OREGON_ACCT", "TOKYO_ACCT"],
                                         given: "POOL_N_ACCT")) { _ = try ReportService(env: env).build(wrong, cache: cache) }
        // Named (case as written does not matter), or by locator: that account's price.
        for (account, price) in [("tokyo_acct", Decimal(string: "2.85")!), ("OREGON_ACCT", Decimal(2)), ("XY222", Decimal(2))] {
            let (o, ro) = options(try file(account))
            let report = try ReportService(env: env).build(o, cache: cache)
            let shared = try #require(report.pools.first { $0.pool == "SHARED" })
            let always = try #require(shared.alwaysOn)
            #expect(always.quantity > 0 && ExactDecimal.text(always.amount.amount) == ExactDecimal.text(always.quantity * price),
                    "\(account)")
            // The metered credits stay each account's at its own price: 1 × 2.85 + 3 × 2.00.
            #expect(ExactDecimal.text(shared.metered.amount.amount) == "8.85", "\(account)")
            let streamed = try WhatIfService(env: env).run(ro, policies: ["always-on"], cache: cache)
            let policy = try #require(streamed.results.first { $0.pool == "SHARED" }?.policyCost)
            #expect(ExactDecimal.text(policy.amount.amount) == ExactDecimal.text(policy.quantity * price), "\(account)")
            let reconciled = try ReconcileService(env: env).reconcile(ro, cache: cache)
            let repriced = try WhatIfService(env: env).reprice(reconciled, pools: ro.pools, policies: [.alwaysOn],
                                                               zone: TimeZone(identifier: "UTC")!, cache: cache,
                                                               price: o.priceSettings)
            let again = try #require(repriced.results.first { $0.pool == "SHARED" }?.policyCost)
            #expect(ExactDecimal.text(again.amount.amount) == ExactDecimal.text(policy.amount.amount), "\(account)")
        }
    }

    /// `export --focus` with an estimate (`--family`): the estimate file prices each pool at the price of the account
    /// that meters it, as the metered file does: POOL_T (TOKYO_ACCT) at 2.85 a credit, POOL_O (OREGON_ACCT) at 2.00,
    /// POOL_N (NOREGION_ACCT, no region known) at the run's 2.00, and SHARED, a name metered in two accounts, once in
    /// each at its own price (so twice POOL_T's credits). Each row names its account and region. Before, every
    /// estimate row took the run's price (2.00) and named no account.
    @Test func theExportsEstimateIsPricedPerAccount() async throws {
        let cache = try await pulledCache()
        var eo = ExportOptions(from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        eo.billingAccount = "MYORG"
        eo.rateCardID = "2026-04"
        eo.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        let estimate = try #require(try ExportService(env: env).build(eo, cache: cache).estimate)
        var credits: [String: Decimal] = [:], prices: [String: Set<String>] = [:]
        for c in estimate.charges {
            let key = "\(c.pool) \(c.account ?? "-")"
            credits[key, default: 0] += c.credits
            prices[key, default: []].insert(ExactDecimal.text(c.rate.unitPrice.price.price.amount))
            #expect(ExactDecimal.text(c.billedCost.amount) == ExactDecimal.text(c.credits * c.rate.unitPrice.price.price.amount))
        }
        #expect(prices == ["POOL_T TOKYO_ACCT": ["2.85"], "POOL_O OREGON_ACCT": ["2"], "POOL_N NOREGION_ACCT": ["2"],
                           "SHARED TOKYO_ACCT": ["2.85"], "SHARED OREGON_ACCT": ["2"]])
        let one = try #require(credits["POOL_T TOKYO_ACCT"])
        #expect(one > 0 && credits.values.allSatisfy { $0 == one })
        #expect(estimate.charges.first { $0.account == "TOKYO_ACCT" }?.region?.id == "AWS_AP_NORTHEAST_1")
    }

    /// A capacity contract is the organization's: when its balance runs out, USAGE_IN_CURRENCY_DAILY marks the day's
    /// usage as overage (BALANCE_SOURCE `overage`), and every account's credits of that UTC day take the contract's
    /// overage price, not only those of the account whose billed row says so. Contract 1.50 USD a credit, overage
    /// 1.80; 2 April is overage in TOKYO_ACCT's row alone: TOKYO_ACCT 10 × 1.50 + 1 × 1.80 = 16.80, OREGON_ACCT
    /// 10 × 1.50 + 3 × 1.80 = 20.40, NOREGION_ACCT 4 × 1.80 = 7.20 (per account, those two would be 19.50 and 6).
    @Test func aCapacityContractsOverageDaysAreTheOrganizations() async throws {
        let cache = try await pulledCache()
        try cache.load(.init(kind: "pull", source: "uic", checksum: "", loadedAt: Date(timeIntervalSince1970: 1_775_779_200))) { w in
            try w.upsert(UsageInCurrencyRow(usageDate: CivilDate("2026-04-02")!, organizationName: "MYORG",
                                            accountName: "TOKYO_ACCT", accountLocator: "XY111", region: "AWS_AP_NORTHEAST_1",
                                            serviceType: "SNOWPARK_CONTAINER_SERVICES", ratingType: "compute",
                                            billingType: "consumption", balanceSource: "overage", usage: 1,
                                            usageInCurrency: Decimal(string: "1.80")!, currency: "USD"))
        }
        var o = reportOptions(.account)
        o.poolsFile = try PoolsFile.parse("""
            [defaults]
            rate_card = "2026-04"
            contract_price = "1.50"
            contract_currency = "USD"
            contract_overage_price = "1.80"

            [[pools]]
            name = "POOL_T"
            family = "CPU_X64_XS"
            auto_suspend_secs = 0
            timezone = "UTC"
            """, file: "contract.toml")
        let report = try ReportService(env: env).build(o, cache: cache)
        #expect(lines(report) == ["NOREGION_ACCT 4 7.2", "OREGON_ACCT 13 20.4", "TOKYO_ACCT 11 16.8"])
    }

    /// A pools file's `account` written as a locator resolves from an organization pull alone (schema
    /// `v14-org-metering`): the organization's SPCS history names each account's ACCOUNT_LOCATOR, cached in
    /// `account_locators`, so XY222 is OREGON_ACCT with no USAGE_IN_CURRENCY_DAILY row in the cache, and SHARED's
    /// always-on policy takes Oregon's 2.00 a credit in report, whatif and reconcile. Before, the locator matched none
    /// of the accounts that meter SHARED and the pools file was refused (PoolAccountError).
    @Test func aPoolsFileAccountWrittenAsALocatorResolvesFromAnOrganizationPull() async throws {
        let cache = try await pulledCache()
        #expect(try cache.accountLocators() == ["XY111": "TOKYO_ACCT", "XY222": "OREGON_ACCT", "XY333": "NOREGION_ACCT"])
        let file = try PoolsFile.parse("""
            [defaults]
            rate_card = "2026-04"

            [[pools]]
            name = "SHARED"
            family = "CPU_X64_XS"
            auto_suspend_secs = 0
            timezone = "UTC"
            account = "XY222"
            """, file: "shared.toml")
        var o = reportOptions(nil)
        o.poolsFile = file
        let report = try ReportService(env: env).build(o, cache: cache)
        let always = try #require(report.pools.first { $0.pool == "SHARED" }?.alwaysOn)
        #expect(always.quantity > 0 && ExactDecimal.text(always.amount.amount) == ExactDecimal.text(always.quantity * 2))
        var ro = ReconcileOptions(pools: file, from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-02")!)
        ro.timeZone = TimeZone(identifier: "UTC")!
        ro.price = o.priceSettings
        let policy = try #require(try WhatIfService(env: env).run(ro, policies: ["always-on"], cache: cache)
            .results.first { $0.pool == "SHARED" }?.policyCost)
        #expect(ExactDecimal.text(policy.amount.amount) == ExactDecimal.text(policy.quantity * 2))
        #expect(throws: Never.self) { _ = try ReconcileService(env: env).reconcile(ro, cache: cache) }
    }

    /// Accounts written as locators (a connection named by its locator keeps the locator as its rows' account):
    /// XY111 is TOKYO_ACCT by the cached USAGE_IN_CURRENCY_DAILY, so its credits take Tokyo's price from
    /// ORGANIZATION_USAGE.ACCOUNTS, which names the account: 11 × 2.85 = 31.35. Before, matched by name only, the
    /// locator found no region and took the run's 2.00 (22).
    @Test func anAccountWrittenAsItsLocatorFindsItsRegionByName() async throws {
        let cache = try await pulledCache()
        let byLocator = try UsageCache(.path(home.path("locator.sqlite")))
        _ = try byLocator.load(try cache.keyedRecords().filter { $0.account != "NOREGION_ACCT" }.map {
            var r = $0
            if r.account == "TOKYO_ACCT" { r.account = "XY111" }
            return r
        }, as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: Date(timeIntervalSince1970: 1_775_779_200)))
        _ = try byLocator.load(.init(kind: "pull", source: "t", checksum: "y", loadedAt: Date(timeIntervalSince1970: 1_775_779_200))) { w in
            for r in try cache.accountRegions() { try w.upsert(r) }
            try w.upsert(UsageInCurrencyRow(usageDate: CivilDate("2026-04-01")!, organizationName: "MYORG",
                                            accountName: "TOKYO_ACCT", accountLocator: "XY111", region: "AWS_AP_NORTHEAST_1",
                                            serviceType: "SNOWPARK_CONTAINER_SERVICES", usage: 10, usageInCurrency: Decimal(string: "28.5")!,
                                            currency: "USD"))
        }
        let r = try ReportService(env: env).build(reportOptions(.account), cache: byLocator, reconciled: nil)
        #expect(lines(r) == ["OREGON_ACCT 13 26", "XY111 11 31.35"])
        #expect(!r.warnings.contains { $0.hasPrefix("account XY111") })
    }

    /// An account whose RATE_SHEET_DAILY rows the cache holds is priced at its effective rate (OREGON_ACCT 1.80),
    /// the others at their regions' list prices; the run's price (which would take any account's rows) is not used.
    @Test func anAccountsRateSheetRowsComeBeforeItsRegionsListPrice() async throws {
        server.register("ORGANIZATION_USAGE\\.RATE_SHEET_DAILY", result: TestResult(
            columns: [.date("DATE"), .text("CURRENCY"), .fixed("EFFECTIVE_RATE", precision: 38, scale: 2),
                      .text("SERVICE_TYPE"), .text("ACCOUNT_NAME"), .text("REGION")],
            rows: [["20544", "USD", "1.80", "SNOWPARK_CONTAINER_SERVICES", "OREGON_ACCT", "AWS_US_WEST_2"]]))
        let cache = try await pulledCache()
        #expect(try cache.rateSheet().count == 1)
        let r = try ReportService(env: env).build(reportOptions(.account), cache: cache, reconciled: nil)
        // OREGON_ACCT 13 × 1.80 = 23.4; TOKYO_ACCT 11 × 2.85 = 31.35; NOREGION_ACCT 4 × 2.00 = 8.
        #expect(lines(r) == ["NOREGION_ACCT 4 8", "OREGON_ACCT 13 23.4", "TOKYO_ACCT 11 31.35"])
        #expect(r.priceRuns.contains { $0.rate.unitPrice.price.source.hasPrefix("account OREGON_ACCT: RATE_SHEET_DAILY") })
        var eo = ExportOptions(from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        eo.billingAccount = "MYORG"
        let oregon = try ExportService(env: env).build(eo, cache: cache).metered.charges.filter { $0.account == "OREGON_ACCT" }
        #expect(ExactDecimal.text(oregon.reduce(0) { $0 + $1.billedCost.amount }) == "23.4")
        // The list price stays the region's: ListUnitPrice 2.00 against a billed 1.80.
        #expect(oregon.allSatisfy { ExactDecimal.text($0.listUnitPrice.amount) == "2" && ExactDecimal.text($0.contractedUnitPrice.amount) == "1.8" })
    }

    /// `--credit-price` prices every account alike; a cache of one account keeps the run's price (the --region),
    /// whatever region the cache knows for it.
    @Test func oneAccountOrAWhatIfPriceKeepsOneRunPrice() async throws {
        let cache = try await pulledCache()
        var o = reportOptions(.account)
        o.creditPrice = 3
        let r = try ReportService(env: env).build(o, cache: cache, reconciled: nil)
        #expect(lines(r) == ["NOREGION_ACCT 4 12", "OREGON_ACCT 13 39", "TOKYO_ACCT 11 33"])
        #expect(r.priceRuns.count == 1)

        let one = try UsageCache(.path(home.path("one.sqlite")))
        _ = try one.load(try cache.keyedRecords().filter { $0.account == "TOKYO_ACCT" },
                         as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: Date(timeIntervalSince1970: 1_775_779_200)))
        _ = try one.load(.init(kind: "pull", source: "t", checksum: "y", loadedAt: Date(timeIntervalSince1970: 1_775_779_200))) { w in
            try w.upsert(AccountRegion(organization: "MYORG", account: "TOKYO_ACCT", region: "AWS_AP_NORTHEAST_1"))
        }
        let single = try ReportService(env: env).build(reportOptions(.account), cache: one, reconciled: nil)
        #expect(lines(single) == ["TOKYO_ACCT 11 22"])
        #expect(single.priceRuns.map(\.rate.unitPrice.price.source) == ["credit price table 2026-04, AWS US East 1 (N. Virginia), Standard"])
        #expect(!single.warnings.contains { $0.hasPrefix("account ") })
    }

    /// The whole bill per account: TOKYO_ACCT (aws-ap-northeast-1) and OREGON_ACCT (aws-us-west-2) each keep 100 GiB
    /// of block storage all of 2026-04-01, with 1 TB and 0.5 TB of SPCS internal transfer that day, written into the
    /// pulled SQLite cache. The run's --region stays aws-us-east-1; each account's rows take its own region's dollar
    /// prices, and each adjustment is against that account's own compute at its own credit price.
    @Test func theWholeBillPricesEachAccountsStorageAndTransferAtItsOwnRegion() async throws {
        let cache = try await pulledCache()
        let gib: Decimal = 1_073_741_824, tb: Decimal = 1_099_511_627_776
        let day = CivilDate("2026-04-01")!
        let five = Date(timeIntervalSince1970: 1_775_001_600 + 5 * 3600)
        try cache.load(.init(kind: "pull", source: "storage", checksum: "", loadedAt: Date(timeIntervalSince1970: 1_775_779_200))) { w in
            for (account, pool, bytes) in [("TOKYO_ACCT", "POOL_T", tb), ("OREGON_ACCT", "POOL_O", tb / 2)] {
                try w.upsert(BlockStorageRecord(usageDate: day, storageType: "BLOCK_STORAGE", poolName: pool, poolID: nil,
                                                bytes: 100 * gib, organization: "MYORG", account: account))
                try w.upsert(InternalTransferRecord(startTime: five, endTime: five.addingTimeInterval(3600),
                                                    transferType: "SERVICE_FUNCTION", poolName: pool, bytes: bytes,
                                                    organization: "MYORG", account: account))
            }
        }
        let report = try ReportService(env: env).build(reportOptions(nil), cache: cache, reconciled: nil)
        let bill = try #require(report.wholeBill)
        func sum(_ account: String, _ kind: ChargeKind) -> Decimal {
            bill.rows.filter { $0.account == account && $0.kind == kind }.reduce(0) { $0 + $1.charge.amount.amount }
        }
        func close(_ a: Decimal, _ b: Decimal) -> Bool { abs(a - b) < Decimal(string: "1e-28")! }
        #expect(Set(bill.rows.map(\.account)) == ["TOKYO_ACCT", "OREGON_ACCT"] && bill.rows.allSatisfy { $0.organization == "MYORG" })
        // Volumes: 100/1024 TB-days × 98.31/30 (Tokyo) = 0.32001953125; × 81.92/30 (Oregon) = 8/30.
        #expect(close(sum("TOKYO_ACCT", .blockStorage), Decimal(string: "0.32001953125")!))
        #expect(close(sum("OREGON_ACCT", .blockStorage), Decimal(8) / 30))
        #expect(bill.rows.first { $0.account == "TOKYO_ACCT" && $0.kind == .blockStorage }?.charge.rate.unitPrice.price.source
                    .contains("98.31 USD") == true)
        #expect(bill.rows.first { $0.account == "OREGON_ACCT" && $0.kind == .blockStorage }?.charge.rate.unitPrice.price.source
                    .contains("81.92 USD") == true)
        // Transfer at 3.07 per TB in both regions: 3.07 and 1.535.
        #expect(sum("TOKYO_ACCT", .dataTransfer) == Decimal(string: "3.07")!)
        #expect(sum("OREGON_ACCT", .dataTransfer) == Decimal(string: "1.535")!)
        // Adjustments: TOKYO_ACCT min(3.07, 10 % × 10 credits × 2.85 = 2.85) = 2.85 (its compute is the lower);
        // OREGON_ACCT min(1.535, 10 % × 10 × 2.00 = 2) = 1.535 (its transfer is the lower). One price for the run
        // would have given min(4.605, 10 % × 20 × 2.00) = 4.
        #expect(sum("TOKYO_ACCT", .dataTransferAdjustment) == Decimal(string: "-2.85")!)
        #expect(sum("OREGON_ACCT", .dataTransferAdjustment) == Decimal(string: "-1.535")!)
        let lines = Dictionary(uniqueKeysWithValues: bill.lines.map { ($0.key, $0.amount.amount) })
        #expect(lines["data_transfer_adjustment"] == Decimal(string: "-4.385")!)
        #expect(close(lines["total"]!, report.metered.amount.amount + Decimal(string: "0.32001953125")! + Decimal(8) / 30
                      + Decimal(string: "4.605")! - Decimal(string: "4.385")!))
        #expect(!report.warnings.contains { $0.contains("unit price table") })
        // whole_bill_lines names each row's account.
        let table = try #require(Document.savingsReport(report, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
            .tables.first { $0.id == "whole_bill_lines" })
        #expect(table.columns.map(\.key).prefix(3) == ["date", "account", "item"])
        #expect(Set(table.rows.map { "\($0.cells[1])" }.map { $0.contains("TOKYO_ACCT") ? "T" : $0.contains("OREGON_ACCT") ? "O" : "?" })
                == ["T", "O"])
    }
}
