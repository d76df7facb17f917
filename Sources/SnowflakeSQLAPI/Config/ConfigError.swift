import Foundation

/// Why a connection could not be loaded from the Snowflake configuration files and environment. Each
/// description names the file or variable, the connection and key where known, and the fix; secret values
/// are never quoted.
public enum ConfigError: Error, Equatable, CustomStringConvertible {
    /// A TOML file does not parse. `line`/`column` are 1-based.
    case invalidTOML(path: String, line: Int, column: Int, reason: String)
    /// A key has a value of the wrong TOML type.
    case wrongType(path: String, connection: String, key: String, expected: String, found: String)
    /// A key's value is not acceptable.
    case invalidValue(connection: String, source: String, key: String, value: String, reason: String)
    /// A required key is missing.
    case missingKey(connection: String, source: String, key: String, reason: String)
    /// No connection of that name exists. `available` lists the names found; `searched` names every folder (and
    /// variable) that was searched, in order, with what it held.
    case connectionNotFound(name: String, available: [String], searched: [String])
    /// A configuration or token file is writable by group or others, or (without the skip variable) readable
    /// by them. `mode` is the permission bits.
    case filePermissions(path: String, mode: Int, problem: String)
    /// The file exists but could not be read.
    case fileUnreadable(path: String, reason: String)
    /// `protocol = "http"` for a host other than `127.0.0.0/8` in dotted-quad form, `[::1]` or `localhost`.
    case insecureProtocol(connection: String, source: String, host: String)
    /// An `authenticator` the SQL API cannot use (password, browser SSO, ...).
    case unsupportedAuthenticator(connection: String, source: String, authenticator: String)

    /// A finished sentence naming the file or variable, connection and key, and the fix.
    public var description: String {
        switch self {
        case let .invalidTOML(path, line, column, reason):
            return "\(path), line \(line), column \(column): \(reason); fix the TOML syntax there."
        case let .wrongType(path, connection, key, expected, found):
            let example: String
            switch expected {
            case "string": example = "\(key) = \"...\""
            case "integer": example = "\(key) = 443"
            default: example = "[\(key)] followed by its keys"
            }
            return "\(path): connection '\(connection)', key '\(key)' holds a TOML \(found) value but must be a \(expected); write it as \(example)."
        case let .invalidValue(connection, source, key, value, reason):
            return "\(source): connection '\(connection)', key '\(key)' = '\(value)' is not valid: \(reason)."
        case let .missingKey(connection, source, key, reason):
            return "\(source): connection '\(connection)' has no '\(key)' (\(reason)); add \(key) = \"...\" to the connection."
        case let .connectionNotFound(name, available, searched):
            let known = available.isEmpty ? "no connections are defined" : "known connections: \(available.joined(separator: ", "))"
            return "No connection named '\(name)' (\(known)); searched \(searched.joined(separator: "; ")). Add a [\(name)] table to connections.toml in the folder searched last (or set SNOWFLAKE_HOME), pass --connection NAME, or set SNOWFLAKE_DEFAULT_CONNECTION_NAME."
        case let .filePermissions(path, mode, problem):
            return "\(path) has permissions \(String(mode, radix: 8)) and is \(problem); run 'chmod 0600 \(path)'."
        case let .fileUnreadable(path, reason):
            return "Cannot read \(path) (\(reason)); check that the file exists and is readable by this user."
        case let .insecureProtocol(connection, source, host):
            return "\(source): connection '\(connection)' sets protocol = \"http\" for \(host); plain HTTP would send the token in clear text, so it is allowed only for a loopback test server written as a dotted-quad address in 127.0.0.0/8 (for example 127.0.0.1), [::1] or localhost; write the host that way, or remove protocol (or set it to \"https\")."
        case let .unsupportedAuthenticator(connection, source, authenticator):
            return "\(source): connection '\(connection)' uses authenticator '\(authenticator)', which the SQL API does not accept; use SNOWFLAKE_JWT with private_key_file, OAUTH or PROGRAMMATIC_ACCESS_TOKEN with token or token_file_path."
        }
    }
}
