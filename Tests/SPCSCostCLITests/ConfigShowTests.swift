import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `config show` and the settings' precedence: flag > environment > spcs-cost's config.toml > default.
@Suite struct ConfigShowTests {
    /// Runs `arguments` with `$HOME` a temporary folder holding `config` as `.config/spcs-cost/config.toml`.
    func runWithConfig(_ config: String?, _ arguments: [String], variables: [String: String] = [:]) async throws -> CommandOutput {
        let home = try TemporaryDirectory()
        if let config {
            try FileManager.default.createDirectory(atPath: home.path(".config/spcs-cost"), withIntermediateDirectories: true)
            try config.write(toFile: home.path(".config/spcs-cost/config.toml"), atomically: true, encoding: .utf8)
        }
        var vars = variables
        vars["HOME"] = home.url.path
        var environment = try env(variables: vars)
        environment.homeDirectory = home.url.path
        environment.settings = try Settings.load(variables: vars, homeDirectory: home.url.path)
        let command = try SpcsCost.parseAsRoot(arguments)
        guard let c = command as? any EnvironmentCommand else { throw ValidationError("not a command: \(arguments)") }
        return try await c.execute(in: environment)
    }

    static let config = """
        region = "aws-ap-northeast-1"
        currency = "JPY"

        [pull]
        deadline = "20m"

        [groups]
        finance = ["prod_eu", "prod_us"]

        """

    @Test func showNamesEachValuesSource() async throws {
        let out = try await runWithConfig(Self.config, ["config", "show"], variables: ["SPCS_COST_CURRENCY": "EUR"])
        assertSnapshot(out.stdout, named: "config-show.txt")
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() async throws {
        let args = ["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--fx", "150", "--format", "json"]
        // The file says Tokyo and JPY.
        let file = try await runWithConfig(Self.config, args)
        #expect(file.stdout.contains("(aws-ap-northeast-1)\""))
        #expect(file.stdout.contains("\"currency\" : \"JPY\""))
        // SPCS_COST_REGION beats the file ...
        let variable = try await runWithConfig(Self.config, args, variables: ["SPCS_COST_REGION": "aws-us-west-2"])
        #expect(variable.stdout.contains("(aws-us-west-2)\""))
        // ... and --region beats both.
        let flag = try await runWithConfig(Self.config, args + ["--region", "aws-us-east-1"], variables: ["SPCS_COST_REGION": "aws-us-west-2"])
        #expect(flag.stdout.contains("(aws-us-east-1)\""))
    }

    @Test func aBadRegionNamesWhereItCameFrom() async throws {
        let args = ["estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20"]
        do {
            _ = try await runWithConfig(nil, args, variables: ["SPCS_COST_REGION": "tokyo"])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".hasPrefix("environment SPCS_COST_REGION: region 'tokyo' is not a region id"))
            #expect(ExitStatus.code(for: error) == 78)
        }
        do {
            _ = try await runWithConfig("\nregion = \"tokyo\"\n", args)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("/.config/spcs-cost/config.toml, line 2: region 'tokyo' is not a region id"))
        }
    }

    @Test func theConfiguredDeadlineIsUsed() throws {
        let environment = try env(variables: ["SPCS_COST_PULL_DEADLINE": "90s"])
        #expect(try configuredDeadlineSeconds(environment) == 90)
        #expect(throws: SettingsError.self) { try configuredDeadlineSeconds(try env(variables: ["SPCS_COST_PULL_DEADLINE": "later"])) }
    }
}

/// `--period YYYY-MM` wherever `--from/--to` are taken: the same days, the same output.
@Suite struct PeriodFlagTests {
    @Test(arguments: [["whatif", "--pools", "Fixtures/pools/jupyterlab.toml", "--policy", "always-on"],
                      ["reconcile", "--pools", "Fixtures/pools/jupyterlab.toml"]])
    func periodIsTheMonthsDays(command: [String]) async throws {
        let dir = try TemporaryDirectory()
        _ = try await run(["import", Repository.fixture("snowsight/jupyterlab-april-2024.csv").path, "--cache", dir.path("c.sqlite")])
        let cache = ["--cache", dir.path("c.sqlite")]
        let byDays = try await run(command + cache + ["--from", "2024-04-01", "--to", "2024-04-30"])
        let byPeriod = try await run(command + cache + ["--period", "2024-04"])
        #expect(byDays == byPeriod)
        #expect(!byPeriod.stdout.isEmpty)
    }

    @Test(arguments: [["report", "--period", "2024-4"], ["report", "--period", "2024-04", "--from", "2024-04-01"],
                      ["whatif", "--pools", "p.toml", "--policy", "always-on", "--from", "2024-04-01"]])
    func badPeriodsAreUsageErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try SpcsCost.parseAsRoot(arguments) }
        do { _ = try SpcsCost.parseAsRoot(arguments) } catch { #expect(SpcsCost.exitCode(for: error).rawValue == 64) }
    }
}

/// `report --out -`: one format's one file on standard output; no folder named `-`.
@Suite struct ReportToStandardOutputTests {
    @Test func jsonGoesToStandardOutput() async throws {
        let dir = try TemporaryDirectory()
        _ = try await run(["import", Repository.fixture("snowsight/jupyterlab-april-2024.csv").path, "--cache", dir.path("c.sqlite")])
        let out = try await run(["report", "--period", "2024-04", "--family", "CPU_X64_XS", "--cache", dir.path("c.sqlite"),
                                 "--format", "json", "--out", "-"])
        #expect(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) is [String: Any])
        #expect(!FileManager.default.fileExists(atPath: Repository.root.appendingPathComponent("-").path))
        do {
            _ = try await run(["report", "--period", "2024-04", "--family", "CPU_X64_XS", "--cache", dir.path("c.sqlite"), "--out", "-"])
            Issue.record("expected an error")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
        }
    }
}
