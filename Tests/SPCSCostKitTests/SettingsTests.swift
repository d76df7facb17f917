import Foundation
import SPCSCostKit
import SPCSCostTestSupport
import Testing

/// spcs-cost's own config.toml: where it is, what it holds, and errors that name the file, line and key.
@Suite struct SettingsTests {
    func home(_ config: String?) throws -> TemporaryDirectory {
        let home = try TemporaryDirectory()
        if let config {
            try FileManager.default.createDirectory(atPath: home.path(".config/spcs-cost"), withIntermediateDirectories: true)
            try config.write(toFile: home.path(".config/spcs-cost/config.toml"), atomically: true, encoding: .utf8)
        }
        return home
    }

    @Test func theFileIsFoundTheXDGWay() {
        #expect(Settings.path(variables: [:], homeDirectory: "/h") == "/h/.config/spcs-cost/config.toml")
        #expect(Settings.path(variables: ["XDG_CONFIG_HOME": "/x"], homeDirectory: "/h") == "/x/spcs-cost/config.toml")
        #expect(Settings.path(variables: ["XDG_CONFIG_HOME": "/x", "SPCS_COST_CONFIG": "/etc/spcs.toml"], homeDirectory: "/h") == "/etc/spcs.toml")
    }

    @Test func everyDocumentedKeyWithItsLine() throws {
        let home = try home("""
            # spcs-cost
            region = "aws-ap-northeast-1"
            currency = "JPY"
            pools = "pools.toml"
            cache = "/var/lib/spcs-cost/cache.sqlite"

            [pull]
            deadline = "20m"

            [contract]
            price = "2.60"
            currency = "USD"

            [groups]
            finance = ["prod_eu", "prod_us"]
            """)
        let settings = try Settings.load(variables: [:], homeDirectory: home.url.path)
        let file = home.path(".config/spcs-cost/config.toml")
        #expect(settings.file == file)
        #expect(settings.values["region"] == .init(text: "aws-ap-northeast-1", source: "file \(file), line 2"))
        #expect(settings.values["pull.deadline"] == .init(text: "20m", source: "file \(file), line 8"))
        #expect(settings.pullDeadlineSeconds == 1200)
        #expect(settings.contractPrice == Decimal(string: "2.60"))
        #expect(settings.groups == ["finance": ["prod_eu", "prod_us"]])
    }

    @Test func theEnvironmentWinsOverTheFile() throws {
        let home = try home("currency = \"JPY\"\n")
        let settings = try Settings.load(variables: ["SPCS_COST_CURRENCY": "EUR"], homeDirectory: home.url.path)
        #expect(settings.values["currency"] == .init(text: "EUR", source: "environment SPCS_COST_CURRENCY"))
    }

    @Test func noFileMeansDefaults() throws {
        let settings = try Settings.load(variables: [:], homeDirectory: try home(nil).url.path)
        #expect(settings.file == nil)
        #expect(settings.values.isEmpty)
    }

    @Test(arguments: [
        ("regoin = \"x\"\n", "line 1: unknown key 'regoin'"),
        ("\n[pull]\ndeadline = \"soon\"\n", "line 3: pull.deadline 'soon' is not a duration"),
        ("\n\n[pull]\ntimeout = 3\n", "line 4: [pull] has no key 'timeout'"),
        ("currency = \"yen\"\n", "line 1: currency 'yen' is not an ISO 4217 code"),
        ("region = 3\n", "line 1: region holds a TOML integer"),
        ("[contract]\nprice = \"2,60\"\n", "line 2: contract.price '2,60' is not a price"),
        ("[groups]\nfinance = \"prod\"\n", "line 2: group 'finance' is not a list of connection names"),
        ("region = \n", "line 1, column"),
    ])
    func badFilesNameTheLine(config: String, message: String) throws {
        let home = try home(config)
        #expect {
            try Settings.load(variables: [:], homeDirectory: home.url.path)
        } throws: { error in
            "\(error)".hasPrefix(home.path(".config/spcs-cost/config.toml") + ", " + message)
        }
    }

    @Test func aBadVariableIsNamed() throws {
        #expect {
            try Settings.load(variables: ["SPCS_COST_PULL_DEADLINE": "-5"], homeDirectory: try home(nil).url.path)
        } throws: { error in
            "\(error)" == "environment SPCS_COST_PULL_DEADLINE: pull.deadline '-5' is not a duration; write 90s, 30m or 1h (a bare number is minutes)."
        }
    }
}
