import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostStore

/// `spcs-cost config`: spcs-cost's own settings.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show spcs-cost's own settings (config.toml and SPCS_COST_* variables).",
        subcommands: [ConfigShowCommand.self])
}

/// `spcs-cost config show`: each setting's value and where it came from (environment variable, file and line,
/// default).
struct ConfigShowCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show each setting, its value and where it came from: environment, config file and line, or default.",
        discussion: """
            The file is $SPCS_COST_CONFIG, else $XDG_CONFIG_HOME/spcs-cost/config.toml (~/.config/spcs-cost/config.toml).
            For each value a command's flag wins over the environment variable, which wins over the file, which wins
            over the default.
            """)

    func execute(in env: Environment) async throws -> CommandOutput {
        let home = env.homeDirectory
        func tilde(_ text: String) -> String { ConnectionListing.tilde(text, home: home) }
        let path = env.settings.path.isEmpty ? Settings.path(variables: env.variables, homeDirectory: home) : env.settings.path
        var out = "Config file: \(tilde(path))\(env.settings.file == nil ? " (not found)" : "")\n"
        let cacheDefault: String
        if case let .path(p) = CacheLocation.defaultPath(environment: env.variables, homeDirectory: home) {
            cacheDefault = p
        } else {
            cacheDefault = "-"
        }
        let defaults: [String: String] = [
            "region": "aws-us-east-1", "currency": "USD", "pools": "-", "cache": tilde(cacheDefault),
            "pull.deadline": "30m (nightly 45m)", "contract.price": "-", "contract.currency": "USD",
        ]
        var rows: [(String, String, String)] = []
        for (key, _) in Settings.keys {
            if let value = setting(key, flag: nil, flagName: "", env) {
                rows.append((key, value.text, tilde(value.source)))
            } else {
                rows.append((key, defaults[key] ?? "-", defaults[key] == "-" ? "not set" : "default"))
            }
        }
        for name in env.settings.groups.keys.sorted() {
            rows.append(("groups.\(name)", env.settings.groups[name]!.joined(separator: ", "), "file " + tilde(path)))
        }
        let keyWidth = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        for (key, value, from) in rows {
            out += "  " + key.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  "
                + value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) + "  " + from + "\n"
        }
        return CommandOutput(stdout: out)
    }
}
