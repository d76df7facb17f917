import Foundation
import SPCSCostTOML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A resolved connection plus what the caller should show the user.
public struct LoadedConnection: Sendable, Equatable {
    /// The connection settings.
    public var configuration: ConnectionConfiguration
    /// Non-fatal findings, as finished sentences (e.g. a configuration file readable by others while
    /// `SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION` is set).
    public var warnings: [String]
    /// The configuration files that were read, in reading order.
    public var files: [String]
}

/// Reads connections the way Snowflake's CLI and Python connector do (sqlapi.md section 7):
///
/// - Directory: `$SNOWFLAKE_HOME` (default `~/.snowflake`) if it exists, else `$XDG_CONFIG_HOME/snowflake`
///   (default `~/.config/snowflake`) (PYC `sf_dirs.py`).
/// - `config.toml`: `default_connection_name` and `[connections.<name>]` tables; `connections.toml`: top-level
///   `[<name>]` tables, which replace all of config.toml's connections when the file exists (PYC
///   `config_manager`).
/// - Name: the argument (`-c/--connection`), else `SNOWFLAKE_DEFAULT_CONNECTION_NAME`, else
///   `default_connection_name`, else `default`.
/// - `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>` overrides one key of one connection (Snowflake CLI
///   `ConnectionSpecificEnvironment`); a connection may exist in the environment alone.
/// - Permissions (Snowflake CLI, strict 0600): a file writable by group or others is an error; readable by
///   group or others is an error unless `SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION` is true, then a warning.
///   The same check applies to `token_file_path` and to the `private_key_file` of a key-pair connection (the mode
///   of the file a symbolic link points to).
///
/// The environment and home directory are injected; nothing is read from the process environment.
public struct ConnectionLoader: Sendable {
    /// The environment variables to honour.
    public var environment: [String: String]
    /// The user's home directory, for `~` and the default directories.
    public var homeDirectory: String

    /// Keys this client reads from a connection. Unknown keys (other Snowflake CLI settings) are ignored.
    static let knownKeys = [
        "account", "user", "role", "warehouse", "database", "schema", "authenticator", "private_key_file",
        "private_key_path", "private_key_file_pwd", "private_key_passphrase", "token", "token_file_path", "host",
        "port", "protocol",
    ]

    /// The environment variable that downgrades "readable by others" to a warning (PYC `config_manager.py`).
    public static let skipPermissionCheckVariable = "SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION"

    /// A loader for the given environment and home directory.
    public init(environment: [String: String], homeDirectory: String) {
        self.environment = environment
        self.homeDirectory = homeDirectory
    }

    /// The directory holding `config.toml` and `connections.toml`.
    public var configurationDirectory: String {
        let snowflakeHome = expandHome(environment["SNOWFLAKE_HOME"] ?? "~/.snowflake")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: snowflakeHome, isDirectory: &isDirectory), isDirectory.boolValue {
            return snowflakeHome
        }
        let xdg = environment["XDG_CONFIG_HOME"].map(expandHome) ?? "\(homeDirectory)/.config"
        return "\(xdg)/snowflake"
    }

    /// Loads the connection `name`, or the default connection when `name` is nil.
    /// - Throws: ``ConfigError`` for unreadable or invalid files, wrong permissions, a missing connection or a
    ///   missing `account`.
    public func load(connectionName name: String?) throws -> LoadedConnection {
        let directory = configurationDirectory
        var warnings: [String] = []
        var files: [String] = []

        var defaultName: String?
        var tables: [(name: String, path: String, table: TOMLTable)] = []
        let configPath = "\(directory)/config.toml"
        let connectionsPath = "\(directory)/connections.toml"
        if let config = try readTOML(configPath, warnings: &warnings) {
            files.append(configPath)
            defaultName = try string(config, "default_connection_name", path: configPath, connection: "(top level)")
            if let connections = config["connections"] {
                guard let table = connections.table else {
                    throw ConfigError.wrongType(
                        path: configPath, connection: "(top level)", key: "connections", expected: "table",
                        found: "\(connections.type)")
                }
                tables = try namedTables(table, path: configPath)
            }
        }
        if let connections = try readTOML(connectionsPath, warnings: &warnings) {
            files.append(connectionsPath)
            if defaultName == nil {
                defaultName = try string(connections, "default_connection_name", path: connectionsPath, connection: "(top level)")
            }
            tables = try namedTables(connections, path: connectionsPath)
        }

        let wanted = name ?? environment["SNOWFLAKE_DEFAULT_CONNECTION_NAME"] ?? defaultName ?? "default"
        var values: [String: String] = [:]
        var source = "environment"
        var resolvedName = wanted
        if let entry = tables.first(where: { $0.name == wanted })
            ?? tables.first(where: { $0.name.lowercased() == wanted.lowercased() })
        {
            resolvedName = entry.name
            source = entry.path
            for key in Self.knownKeys {
                guard let value = entry.table[key] else { continue }
                if key == "port", let port = value.int {
                    values[key] = String(port)
                } else if let text = value.string {
                    values[key] = text
                } else {
                    throw ConfigError.wrongType(
                        path: entry.path, connection: entry.name, key: key,
                        expected: key == "port" ? "integer" : "string", found: "\(value.type)")
                }
            }
        }
        let overrides = environmentOverrides(for: wanted)
        if values.isEmpty && overrides.isEmpty {
            throw ConfigError.connectionNotFound(name: wanted, available: tables.map(\.name), directory: directory)
        }
        for (key, value) in overrides { values[key] = value }
        if !overrides.isEmpty && source != "environment" { source += " (with SNOWFLAKE_CONNECTIONS_ overrides)" }

        let configuration = try makeConfiguration(name: resolvedName, values: values, source: source)
        if let tokenFile = configuration.tokenFilePath {
            try checkPermissions(tokenFile, warnings: &warnings)
        }
        // A key file that is missing is reported when the key is read (AuthError.keyFileUnreadable).
        if let keyFile = configuration.privateKeyFile, [nil, "SNOWFLAKE_JWT"].contains(configuration.authenticator),
            FileManager.default.fileExists(atPath: keyFile)
        {
            try checkPermissions(keyFile, warnings: &warnings)
        }
        return LoadedConnection(configuration: configuration, warnings: warnings, files: files)
    }

    /// `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>` variables for connection `name` (compared case-insensitively), keyed
    /// by lower-case key. The key is matched against the known keys, longest first, so
    /// `..._PRIVATE_KEY_FILE_PWD` is not read as `..._PWD`.
    func environmentOverrides(for name: String) -> [String: String] {
        let prefix = "SNOWFLAKE_CONNECTIONS_"
        let keysLongestFirst = Self.knownKeys.sorted { $0.count > $1.count }
        var result: [String: String] = [:]
        for (variable, value) in environment where variable.hasPrefix(prefix) {
            let rest = variable.dropFirst(prefix.count)
            for key in keysLongestFirst {
                let suffix = "_" + key.uppercased()
                guard rest.hasSuffix(suffix), rest.count > suffix.count else { continue }
                if rest.dropLast(suffix.count).lowercased() == name.lowercased() { result[key] = value }
                break
            }
        }
        return result
    }

    private func makeConfiguration(name: String, values: [String: String], source: String) throws
        -> ConnectionConfiguration
    {
        guard let account = values["account"], !account.isEmpty else {
            throw ConfigError.missingKey(
                connection: name, source: source, key: "account",
                reason: "it names the Snowflake account, e.g. \"myorg-myaccount\"")
        }
        var port: Int?
        if let text = values["port"] {
            guard let value = Int(text), (1...65_535).contains(value) else {
                throw ConfigError.invalidValue(
                    connection: name, source: source, key: "port", value: text, reason: "use a number from 1 to 65535")
            }
            port = value
        }
        return ConnectionConfiguration(
            name: name, account: account, user: values["user"], role: values["role"], warehouse: values["warehouse"],
            database: values["database"], schema: values["schema"], authenticator: values["authenticator"],
            privateKeyFile: (values["private_key_file"] ?? values["private_key_path"]).map(expandHome),
            privateKeyPassphrase: (values["private_key_file_pwd"] ?? values["private_key_passphrase"]).map(Secret.init),
            token: values["token"].map(Secret.init), tokenFilePath: values["token_file_path"].map(expandHome),
            host: values["host"], port: port, scheme: values["protocol"] ?? "https", source: source)
    }

    /// Parses `path`, or returns nil when it does not exist. Checks its permissions first.
    private func readTOML(_ path: String, warnings: inout [String]) throws -> TOMLTable? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try checkPermissions(path, warnings: &warnings)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError.fileUnreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        do {
            return try TOMLTable(string: text)
        } catch {
            throw ConfigError.invalidTOML(path: path, line: error.line, column: error.column, reason: error.reason)
        }
    }

    private func namedTables(_ table: TOMLTable, path: String) throws -> [(name: String, path: String, table: TOMLTable)] {
        try table.keys.sorted().compactMap { name in
            guard let value = table[name] else { return nil }
            if name == "default_connection_name" { return nil }
            guard let connection = value.table else {
                throw ConfigError.wrongType(
                    path: path, connection: name, key: name, expected: "table", found: "\(value.type)")
            }
            return (name, path, connection)
        }
    }

    private func string(_ table: TOMLTable, _ key: String, path: String, connection: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            throw ConfigError.wrongType(path: path, connection: connection, key: key, expected: "string", found: "\(value.type)")
        }
        return text
    }

    /// The Snowflake CLI's strict check: group/other write is an error; group/other read is an error unless
    /// the skip variable is true, then a warning. A symbolic link is followed: the mode checked is its target's.
    func checkPermissions(_ path: String, warnings: inout [String]) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ConfigError.fileUnreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let mode = Int(status.st_mode) & 0o777
        if mode & 0o022 != 0 {
            throw ConfigError.filePermissions(path: path, mode: mode, problem: "writable by group or others")
        }
        if mode & 0o044 != 0 {
            let skip = ["true", "1", "yes"].contains(environment[Self.skipPermissionCheckVariable]?.lowercased() ?? "")
            guard skip else {
                throw ConfigError.filePermissions(
                    path: path, mode: mode,
                    problem: "readable by group or others (set \(Self.skipPermissionCheckVariable)=true to downgrade this to a warning)")
            }
            warnings.append(
                "\(path) has permissions \(String(mode, radix: 8)) and is readable by group or others; run 'chmod 0600 \(path)'.")
        }
    }

    /// `~` and `~/...` resolved against the injected home directory; other paths unchanged.
    func expandHome(_ path: String) -> String {
        if path == "~" { return homeDirectory }
        if path.hasPrefix("~/") { return homeDirectory + path.dropFirst(1) }
        return path
    }
}
