import Foundation
import SnowflakeSQLAPI
import Testing

/// Malformed `connections.toml` and `config.toml` are configuration errors naming the file, line and column; they
/// used to abort the process inside the TOML library (`[=`, hardening issue item 2).
@Suite struct ConfigTOMLSyntaxTests {
    @Test(arguments: ["connections.toml", "config.toml"])
    func openBracketEqualsIsAConfigurationError(file: String) throws {
        let home = try file == "config.toml" ? ConfigTests.Home(config: "[=") : ConfigTests.Home(connections: "[=")
        let error = #expect(throws: ConfigError.self) { try home.load() }
        #expect(error == .invalidTOML(
            path: "\(home.snowflake)/\(file)", line: 1, column: 2,
            reason: "expected a key (letters, digits, '_' or '-', or a quoted string), found '='"))
        #expect(error?.description == "\(home.snowflake)/\(file), line 1, column 2: expected a key (letters, digits, "
                + "'_' or '-', or a quoted string), found '='; fix the TOML syntax there.")
    }

    @Test func aTableDefinedTwiceNamesTheSecondHeader() throws {
        let home = try ConfigTests.Home(connections: "[dev]\naccount = \"a\"\n\n[dev]\nuser = \"u\"\n")
        #expect(throws: ConfigError.invalidTOML(
            path: "\(home.snowflake)/connections.toml", line: 4, column: 1,
            reason: "the table [dev] is defined twice; merge the two")) { try home.load("dev") }
    }
}
