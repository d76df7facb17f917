import Foundation
import SnowflakeSQLAPI
import Testing

/// The connection resolution rules of `snow` 3.15 and the Python connector, one row per rule, each against real files
/// in a temporary folder. `$ROOT` stands for that folder; the password database's home is `$ROOT/pw`.
@Suite struct ConnectionResolutionRuleTests {
    struct Rule: CustomTestStringConvertible, Sendable {
        /// The rule and its source.
        var rule: String
        /// Files to write, relative to `$ROOT`.
        var files: [String: String] = [:]
        /// The environment (`$ROOT` expanded).
        var environment: [String: String] = [:]
        /// `-c/--connection`, if given.
        var connection: String? = nil
        /// Expected `key: "value <- source"` of the resolved connection; `name` is the connection used.
        var expected: [String: String]
        var testDescription: String { rule }
    }

    static let dev = """
        [dev]
        account = "acct-file"
        authenticator = "SNOWFLAKE_JWT"
        private_key_file = "~/k.p8"
        """

    static let rules: [Rule] = [
        Rule(rule: "default connection name: flag > SNOWFLAKE_DEFAULT_CONNECTION_NAME > default_connection_name > 'default' (PYC)",
             files: ["pw/.snowflake/config.toml": "default_connection_name = \"b\"\n",
                     "pw/.snowflake/connections.toml": "[a]\naccount = \"A\"\n[b]\naccount = \"B\"\n[c]\naccount = \"C\"\n[default]\naccount = \"D\"\n"],
             environment: ["SNOWFLAKE_DEFAULT_CONNECTION_NAME": "c"], connection: "a",
             expected: ["name": "a <- flag --connection", "account": "A <- file $ROOT/pw/.snowflake/connections.toml"]),
        Rule(rule: "SNOWFLAKE_DEFAULT_CONNECTION_NAME beats default_connection_name (PYC ConfigOption: environment first)",
             files: ["pw/.snowflake/config.toml": "default_connection_name = \"b\"\n",
                     "pw/.snowflake/connections.toml": "[b]\naccount = \"B\"\n[c]\naccount = \"C\"\n"],
             environment: ["SNOWFLAKE_DEFAULT_CONNECTION_NAME": "c"],
             expected: ["name": "c <- environment SNOWFLAKE_DEFAULT_CONNECTION_NAME", "account": "C <- file $ROOT/pw/.snowflake/connections.toml"]),
        Rule(rule: "no name anywhere: the connection 'default' (PYC default_connection_name default)",
             files: ["pw/.snowflake/connections.toml": "[default]\naccount = \"D\"\n"],
             expected: ["name": "default <- default", "account": "D <- file $ROOT/pw/.snowflake/connections.toml"]),
        Rule(rule: "$HOME wins over the password database's home (CPython posixpath.expanduser)",
             files: ["pw/.snowflake/connections.toml": "[default]\naccount = \"from-passwd-home\"\n",
                     "home/.snowflake/connections.toml": "[default]\naccount = \"from-HOME\"\n"],
             environment: ["HOME": "$ROOT/home"],
             expected: ["account": "from-HOME <- file $ROOT/home/.snowflake/connections.toml"]),
        Rule(rule: "an empty $HOME is ignored",
             files: ["pw/.snowflake/connections.toml": "[default]\naccount = \"from-passwd-home\"\n"],
             environment: ["HOME": ""],
             expected: ["account": "from-passwd-home <- file $ROOT/pw/.snowflake/connections.toml"]),
        Rule(rule: "SNOWFLAKE_HOME names the folder (PYC sf_dirs.py)",
             files: ["pw/.snowflake/connections.toml": "[default]\naccount = \"home\"\n",
                     "elsewhere/connections.toml": "[default]\naccount = \"elsewhere\"\n"],
             environment: ["SNOWFLAKE_HOME": "$ROOT/elsewhere"],
             expected: ["account": "elsewhere <- file $ROOT/elsewhere/connections.toml"]),
        Rule(rule: "no ~/.snowflake: $XDG_CONFIG_HOME/snowflake (PYC sf_dirs.py, platformdirs)",
             files: ["xdg/snowflake/connections.toml": "[default]\naccount = \"xdg\"\n"],
             environment: ["XDG_CONFIG_HOME": "$ROOT/xdg"],
             expected: ["account": "xdg <- file $ROOT/xdg/snowflake/connections.toml"]),
        Rule(rule: "no ~/.snowflake and no XDG_CONFIG_HOME: ~/.config/snowflake",
             files: ["pw/.config/snowflake/connections.toml": "[default]\naccount = \"dotconfig\"\n"],
             expected: ["account": "dotconfig <- file $ROOT/pw/.config/snowflake/connections.toml"]),
        Rule(rule: "connections.toml replaces config.toml's [connections] (PYC config_manager slices)",
             files: ["pw/.snowflake/config.toml": "[connections.default]\naccount = \"config\"\nuser = \"CONFIG_USER\"\n",
                     "pw/.snowflake/connections.toml": "[default]\naccount = \"connections\"\n"],
             expected: ["account": "connections <- file $ROOT/pw/.snowflake/connections.toml", "user": "-"]),
        Rule(rule: "config.toml's [connections.NAME] when there is no connections.toml",
             files: ["pw/.snowflake/config.toml": "[connections.default]\naccount = \"config\"\n"],
             expected: ["account": "config <- file $ROOT/pw/.snowflake/config.toml"]),
        Rule(rule: "SNOWFLAKE_CONNECTIONS, a whole TOML document, replaces the files' connections (PYC ConfigOption, tomlkit.parse)",
             files: ["pw/.snowflake/connections.toml": "[default]\naccount = \"file\"\n[dev]\naccount = \"file-dev\"\n"],
             environment: ["SNOWFLAKE_CONNECTIONS": "[default]\naccount = \"from-variable\"\nuser = \"V\"\n"],
             expected: ["account": "from-variable <- environment SNOWFLAKE_CONNECTIONS", "user": "V <- environment SNOWFLAKE_CONNECTIONS"]),
        Rule(rule: "SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> replaces one key of one connection (snow ConnectionSpecificEnvironment)",
             files: ["pw/.snowflake/connections.toml": dev + "\nuser = \"FILE_USER\"\n"],
             environment: ["SNOWFLAKE_CONNECTIONS_DEV_USER": "ENV_USER"], connection: "dev",
             expected: ["user": "ENV_USER <- environment SNOWFLAKE_CONNECTIONS_DEV_USER", "account": "acct-file <- file $ROOT/pw/.snowflake/connections.toml"]),
        Rule(rule: "SNOWFLAKE_USER fills a user the file lacks (snow snow_connector.py, generic environment variable case)",
             files: ["pw/.snowflake/connections.toml": dev],
             environment: ["SNOWFLAKE_USER": "SVC_COST"], connection: "dev",
             expected: ["user": "SVC_COST <- environment SNOWFLAKE_USER"]),
        Rule(rule: "SNOWFLAKE_<KEY> never replaces a key the file has",
             files: ["pw/.snowflake/connections.toml": dev + "\nuser = \"FILE_USER\"\nwarehouse = \"FILE_WH\"\n"],
             environment: ["SNOWFLAKE_USER": "ENV_USER", "SNOWFLAKE_WAREHOUSE": "ENV_WH", "SNOWFLAKE_ROLE": "ENV_ROLE"], connection: "dev",
             expected: ["user": "FILE_USER <- file $ROOT/pw/.snowflake/connections.toml", "warehouse": "FILE_WH <- file $ROOT/pw/.snowflake/connections.toml",
                        "role": "ENV_ROLE <- environment SNOWFLAKE_ROLE"]),
        Rule(rule: "SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> beats SNOWFLAKE_<KEY>",
             files: ["pw/.snowflake/connections.toml": dev],
             environment: ["SNOWFLAKE_USER": "GENERIC", "SNOWFLAKE_CONNECTIONS_DEV_USER": "SPECIFIC"], connection: "dev",
             expected: ["user": "SPECIFIC <- environment SNOWFLAKE_CONNECTIONS_DEV_USER"]),
        Rule(rule: "private_key_path is private_key_file, so SNOWFLAKE_PRIVATE_KEY_FILE does not replace it (snow CONNECTION_KEY_ALIASES)",
             files: ["pw/.snowflake/connections.toml": "[dev]\naccount = \"a\"\nprivate_key_path = \"/keys/file.p8\"\n"],
             environment: ["SNOWFLAKE_PRIVATE_KEY_FILE": "/keys/env.p8"], connection: "dev",
             expected: ["private_key_file": "/keys/file.p8 <- file $ROOT/pw/.snowflake/connections.toml"]),
        Rule(rule: "SNOWFLAKE_PASSWORD is never read: spcs-cost refuses passwords",
             files: ["pw/.snowflake/connections.toml": dev],
             environment: ["SNOWFLAKE_PASSWORD": "hunter2"], connection: "dev",
             expected: ["password": "-"]),
        Rule(rule: "a connection may exist in SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> variables alone",
             environment: ["SNOWFLAKE_CONNECTIONS_CI_ACCOUNT": "acct-ci", "SNOWFLAKE_USER": "CI_USER"], connection: "ci",
             expected: ["name": "ci <- flag --connection", "account": "acct-ci <- environment SNOWFLAKE_CONNECTIONS_CI_ACCOUNT",
                        "user": "CI_USER <- environment SNOWFLAKE_USER"]),
    ]

    @Test(arguments: rules)
    func rule(_ rule: Rule) throws {
        let root = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: "\(root.path)/pw", withIntermediateDirectories: true)
        for (name, text) in rule.files { try root.write(name, text) }
        let environment = rule.environment.mapValues { $0.replacingOccurrences(of: "$ROOT", with: root.path) }
        let loader = ConnectionLoader(environment: environment, homeDirectory: "\(root.path)/pw")
        let found = try loader.search(connectionName: rule.connection)
        let used = try #require(found.connections.first { $0.name == found.defaultName.value }, "no connection \(found.defaultName.value)")
        for (key, want) in rule.expected {
            let expected = want.replacingOccurrences(of: "$ROOT", with: root.path)
            let actual: String
            if key == "name" {
                actual = "\(used.name) <- \(found.defaultName.source)"
            } else {
                actual = used.values[key].map { "\($0.value) <- \($0.source)" } ?? "-"
            }
            #expect(actual == expected, "\(key)")
        }
        // load() builds the same connection (the rows all have an account).
        #expect(try loader.load(connectionName: rule.connection).configuration.account == used.values["account"]?.value)
    }

    @Test func aMissingConnectionNamesEveryFolderSearched() throws {
        let root = try TemporaryDirectory()
        try root.write("xdg/snowflake/connections.toml", "[prod]\naccount = \"p\"\n")
        let loader = ConnectionLoader(environment: ["XDG_CONFIG_HOME": "\(root.path)/xdg"], homeDirectory: "\(root.path)/pw")
        #expect(throws: ConfigError.connectionNotFound(
            name: "dev", available: ["prod"],
            searched: ["\(root.path)/pw/.snowflake (does not exist)", "\(root.path)/xdg/snowflake (connections.toml)"])
        ) { try loader.load(connectionName: "dev") }
        do {
            _ = try loader.load(connectionName: "dev")
        } catch {
            let text = "\(error)"
            #expect(text.contains("\(root.path)/pw/.snowflake (does not exist)"))
            #expect(text.contains("\(root.path)/xdg/snowflake"))
            #expect(text.contains("known connections: prod"))
        }
    }

    @Test func aBadSnowflakeConnectionsDocumentNamesTheVariable() throws {
        let loader = ConnectionLoader(environment: ["SNOWFLAKE_CONNECTIONS": "[dev\naccount = 1"], homeDirectory: "/nonexistent")
        #expect {
            try loader.load(connectionName: "dev")
        } throws: { error in
            "\(error)".hasPrefix("SNOWFLAKE_CONNECTIONS, line 1")
        }
    }
}
