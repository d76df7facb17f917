import ArgumentParser
import Foundation
import SnowflakeSQLAPI
import SPCSCostKit

/// `spcs-cost connection list`: every connection the Snowflake files and environment define, which one is the
/// default, and where each value came from; secrets masked, no network.
struct ConnectionListCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every connection found, the default one, and where each value came from (offline; secrets masked).")

    @OptionGroup var connectionOptions: ConnectionOptions

    func execute(in env: Environment) async throws -> CommandOutput {
        let loader = ConnectionLoader(environment: env.variables, homeDirectory: env.homeDirectory)
        let found = try loader.search(connectionName: connectionOptions.connection)
        var out = ConnectionListing.header(found, home: loader.homeDirectory)
        if found.connections.isEmpty {
            out += "\nNo connections are defined; add a [NAME] table with account = \"...\" to connections.toml in the folder searched last.\n"
        }
        for connection in found.connections {
            out += "\n" + ConnectionListing.block(connection, defaultName: found.defaultName.value, loader: loader)
        }
        return CommandOutput(stdout: out, stderr: found.warnings.map { "warning: \($0)\n" }.joined())
    }
}

/// `spcs-cost connection show NAME`: one connection's resolved values and their sources, offline.
struct ConnectionShowCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one connection's resolved values and where each came from (offline; secrets masked).")

    @Argument(help: "The connection name. Default: the default connection.")
    var name: String?

    func execute(in env: Environment) async throws -> CommandOutput {
        let loader = ConnectionLoader(environment: env.variables, homeDirectory: env.homeDirectory)
        let found = try loader.search(connectionName: name)
        let wanted = found.defaultName.value
        guard let connection = found.connections.first(where: { $0.name == wanted })
            ?? found.connections.first(where: { $0.name.lowercased() == wanted.lowercased() })
        else {
            throw ConfigError.connectionNotFound(name: wanted, available: found.connections.map(\.name), searched: found.searched)
        }
        let defaultName = name == nil ? wanted : (try loader.search()).defaultName.value
        let out = ConnectionListing.header(found, home: loader.homeDirectory, showDefault: name == nil)
            + "\n" + ConnectionListing.block(connection, defaultName: defaultName, loader: loader)
        return CommandOutput(stdout: out, stderr: found.warnings.map { "warning: \($0)\n" }.joined())
    }
}

/// The text of `connection list` and `connection show`: paths under the home folder written `~/...`, secrets as
/// `********`.
enum ConnectionListing {
    /// Keys in display order.
    static let order = [
        "account", "user", "authenticator", "private_key_file", "private_key_file_pwd", "private_key_passphrase",
        "token", "token_file_path", "role", "warehouse", "database", "schema", "host", "port", "protocol",
    ]

    /// `path` with the home folder written as `~`.
    static func tilde(_ text: String, home: String) -> String {
        guard !home.isEmpty, home != "/" else { return text }
        return text.replacingOccurrences(of: home + "/", with: "~/")
    }

    static func source(_ source: ValueSource, home: String) -> String { tilde(source.description, home: home) }

    /// The folders searched, the files read, and the default connection with where its name came from.
    static func header(_ found: ConnectionSearch, home: String, showDefault: Bool = true) -> String {
        var out = "Searched: " + found.searched.map { tilde($0, home: home) }.joined(separator: "; ") + "\n"
        out += "Files read: " + (found.files.isEmpty ? "none" : found.files.map { tilde($0, home: home) }.joined(separator: ", ")) + "\n"
        if showDefault {
            out += "Default connection: \(found.defaultName.value) (\(source(found.defaultName.source, home: home)))\n"
        }
        return out
    }

    /// One connection: its name, where it is defined, each value with its source, and the URL it leads to.
    static func block(_ connection: ResolvedConnection, defaultName: String, loader: ConnectionLoader) -> String {
        let home = loader.homeDirectory
        let isDefault = connection.name.lowercased() == defaultName.lowercased()
        var out = "\(connection.name)\(isDefault ? " (default)" : ""): defined in \(source(connection.definedIn, home: home))\n"
        var rows: [(String, String, String)] = []
        for key in order {
            guard let resolved = connection.values[key] else { continue }
            let value = ConnectionLoader.secretKeys.contains(key) ? "********" : resolved.value
            rows.append((key, value, source(resolved.source, home: home)))
        }
        if connection.values["protocol"] == nil { rows.append(("protocol", "https", "default")) }
        do {
            let url = try loader.configuration(of: connection).baseURL().absoluteString
            rows.append(("url", url, connection.values["host"] == nil ? "derived from account" : "derived from host"))
        } catch {
            rows.append(("url", "-", "\(error)"))
        }
        let keyWidth = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        for (key, value, from) in rows {
            out += "  " + key.padding(toLength: keyWidth, withPad: " ", startingAt: 0) + "  "
                + value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) + "  " + from + "\n"
        }
        return out
    }
}
