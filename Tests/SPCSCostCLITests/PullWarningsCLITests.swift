import Foundation
import SnowflakeTestServer
import SPCSCostTestSupport
import Testing

/// `spcs-cost pull` run as a process against the project's loopback SQL API server: why a pull found nothing, and
/// which money view the role cannot read, go to standard error; the pull still succeeds.
@Suite(.enabled(if: SpcsCostExecutable.path != nil, "needs the built spcs-cost"))
struct PullWarningsCLITests {
    @Test func aPullThatFindsNoRowsSaysWhyOnStandardError() throws {
        let keys = Repository.root.appendingPathComponent("Tests/SnowflakeSQLAPITests/Resources")
        let server = try SnowflakeTestServer(
            identity: .init(publicKeysPEM: [try String(contentsOf: keys.appendingPathComponent("test_rsa_key.pub"), encoding: .utf8)]),
            now: { Date() })
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: TestResult(
            columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                      .fixed("CREDITS_USED", precision: 38, scale: 9)], rows: []))
        server.register("COMPUTE_POOLS", result: TestResult(columns: [.text("NAME"), .fixed("ID")], rows: []))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        server.register("RATE_SHEET_DAILY", result: .rateSheetDaily())
        // USAGE_IN_CURRENCY_DAILY is not registered: refused with 002003, as for a role without the grant.
        let dir = try TemporaryDirectory()
        let key = dir.path("rsa_key.p8")
        try FileManager.default.copyItem(atPath: keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
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
        let pulled = try SpcsCostExecutable.run(["pull", "-c", "test", "--cache", dir.path("c.sqlite")],
                                                environment: environment, emptyNetwork: false)
        #expect(pulled.status == 0)
        let lines = pulled.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("warning: SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY returned no rows from "))
        #expect(lines[0].contains("The view keeps 365 days") && lines[0].contains("GRANT DATABASE ROLE SNOWFLAKE.USAGE_VIEWER"))
        #expect(lines[1].hasPrefix("warning: SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY returned no rows from the view's first row"))
        #expect(lines[2].hasPrefix("warning: SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY is not readable with this role (Snowflake error 002003"))
        #expect(lines[2].contains("SNOWFLAKE.ORGANIZATION_BILLING_VIEWER"))
        // The summary's table of views: the view and why it was skipped.
        #expect(pulled.stdout.contains("SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY"))
        #expect(pulled.stdout.contains("the role cannot read it (002003)"))
    }
}
