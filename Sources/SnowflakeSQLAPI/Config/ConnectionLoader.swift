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

/// Where one resolved connection value (or the default connection's name) came from.
public enum ValueSource: Sendable, Equatable, CustomStringConvertible {
    /// A TOML file, by path.
    case file(String)
    /// An environment variable, by name.
    case environment(String)
    /// A command-line flag, by name (e.g. `--connection`).
    case flag(String)
    /// Nobody set it: the documented default.
    case defaultValue

    /// `file /path`, `environment SNOWFLAKE_USER`, `flag --connection` or `default`.
    public var description: String {
        switch self {
        case let .file(path): "file \(path)"
        case let .environment(name): "environment \(name)"
        case let .flag(name): "flag \(name)"
        case .defaultValue: "default"
        }
    }
}

/// One connection as spcs-cost would use it: each key's value and where it came from. Secret values are still
/// plain here; ``ConnectionLoader/secretKeys`` names the keys a display must mask.
public struct ResolvedConnection: Sendable, Equatable {
    /// The name, as written where the connection is defined (lower case when it exists only in the environment).
    public var name: String
    /// Where the connection's table is defined: a file, `SNOWFLAKE_CONNECTIONS`, or the
    /// `SNOWFLAKE_CONNECTIONS_<NAME>_*` variables alone.
    public var definedIn: ValueSource
    /// Lower-case key -> value and its source, for every key spcs-cost reads that has a value.
    public var values: [String: ResolvedValue]
}

/// A connection value and its source.
public struct ResolvedValue: Sendable, Equatable {
    /// The value as text (a port is its decimal digits).
    public var value: String
    /// Where it came from.
    public var source: ValueSource
}

/// Everything the connection files and environment define, without any network: what `connection list` shows.
public struct ConnectionSearch: Sendable, Equatable {
    /// The folders searched, in order, each with what was found there (e.g. `/home/u/.snowflake (does not exist)`).
    public var searched: [String]
    /// The configuration files that were read, in reading order.
    public var files: [String]
    /// The connection used when none is named on the command line, and where that name came from.
    public var defaultName: ResolvedValue
    /// Every connection found, sorted by name; generic `SNOWFLAKE_<KEY>` variables are applied to each, as they
    /// would be if that connection were the one used.
    public var connections: [ResolvedConnection]
    /// Non-fatal findings (a file readable by others while the skip variable is set), as finished sentences.
    public var warnings: [String]
}

/// Reads connections the way Snowflake's CLI (`snow` 3.15) and Python connector do (sqlapi.md section 7). Each rule
/// names its source; `ConnectionResolutionRuleTests` has one row per rule.
///
/// - Home: `$HOME` when set and not empty, else the injected home directory (the password database's). Python's
///   `os.path.expanduser("~")` and `pathlib.Path.home()` read `$HOME` first (CPython `posixpath.expanduser`), and both
///   `snow` and the connector find their folders through them.
/// - Directory: `$SNOWFLAKE_HOME` (default `~/.snowflake`) if it exists, else `$XDG_CONFIG_HOME/snowflake`
///   (default `~/.config/snowflake`) (PYC `sf_dirs.py`; DOC-CLI "configure-cli").
/// - `config.toml`: `default_connection_name` and `[connections.<name>]` tables; `connections.toml`: top-level
///   `[<name>]` tables, which replace all of config.toml's connections when the file exists (PYC
///   `config_manager.read_config`, slices).
/// - `SNOWFLAKE_CONNECTIONS`: a whole TOML document of `[<name>]` tables that replaces every connection of both files
///   (PYC `config_manager.ConfigOption.value`: an option's environment variable wins over the file, and the
///   `connections` option is parsed with `tomlkit.parse`).
/// - Name: the argument (`-c/--connection`), else `SNOWFLAKE_DEFAULT_CONNECTION_NAME`, else
///   `default_connection_name`, else `default` (PYC `CONFIG_MANAGER` option `default_connection_name`).
/// - `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>` overrides one key of one connection (Snowflake CLI
///   `config_ng/sources.py` `ConnectionSpecificEnvironment`); a connection may exist in the environment alone.
/// - `SNOWFLAKE_<KEY>` (e.g. `SNOWFLAKE_USER`) fills a key the connection lacks and never replaces one it has
///   (Snowflake CLI `_app/snow_connector.py` `connect_to_snowflake`, "Generic environment variable case", keys in
///   `SUPPORTED_ENV_OVERRIDES`; `private_key_path` is an alias of `private_key_file`, `CONNECTION_KEY_ALIASES`).
/// - Permissions (Snowflake CLI, strict 0600): a file writable by group or others is an error; readable by
///   group or others is an error unless `SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION` is true, then a warning.
///   The same check applies to `token_file_path` and to the `private_key_file` of a key-pair connection (the mode
///   of the file a symbolic link points to).
///
/// spcs-cost differs on purpose in one way: it never reads a password (`password`, `SNOWFLAKE_PASSWORD`), because
/// the SQL API does not accept one.
///
/// The environment and home directory are injected; nothing is read from the process environment.
public struct ConnectionLoader: Sendable {
    /// The environment variables to honour.
    public var environment: [String: String]
    /// The user's home directory, for `~` and the default directories: `$HOME` from ``environment`` when set and not
    /// empty, else the directory given to ``init(environment:homeDirectory:)``.
    public var homeDirectory: String

    /// Keys this client reads from a connection. Unknown keys (other Snowflake CLI settings) are ignored.
    static let knownKeys = [
        "account", "user", "role", "warehouse", "database", "schema", "authenticator", "private_key_file",
        "private_key_path", "private_key_file_pwd", "private_key_passphrase", "token", "token_file_path", "host",
        "port", "protocol",
    ]

    /// Keys whose values are secrets: shown masked, never logged.
    public static let secretKeys: Set<String> = ["private_key_file_pwd", "private_key_passphrase", "token"]

    /// Keys a generic `SNOWFLAKE_<KEY>` variable may fill: the Snowflake CLI's `SUPPORTED_ENV_OVERRIDES`
    /// (`_app/snow_connector.py`) that spcs-cost reads (`password` is refused, `private_key_raw` is not read).
    static let genericEnvironmentKeys = [
        "account", "user", "authenticator", "private_key_file", "private_key_path", "database", "schema", "role",
        "warehouse", "token_file_path",
    ]

    /// The environment variable that downgrades "readable by others" to a warning (PYC `config_manager.py`).
    public static let skipPermissionCheckVariable = "SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION"

    /// A loader for the given environment; `homeDirectory` is used when `environment` has no `HOME`.
    public init(environment: [String: String], homeDirectory: String) {
        self.environment = environment
        if let home = environment["HOME"], !home.isEmpty {
            self.homeDirectory = home
        } else {
            self.homeDirectory = homeDirectory
        }
    }

    /// `$SNOWFLAKE_HOME`, or `~/.snowflake`, expanded.
    var snowflakeHome: String { expandHome(environment["SNOWFLAKE_HOME"] ?? "~/.snowflake") }

    /// The directory holding `config.toml` and `connections.toml`.
    public var configurationDirectory: String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: snowflakeHome, isDirectory: &isDirectory), isDirectory.boolValue {
            return snowflakeHome
        }
        let xdg = environment["XDG_CONFIG_HOME"].map(expandHome) ?? "\(homeDirectory)/.config"
        return "\(xdg)/snowflake"
    }

    /// The folders searched, in order, with what each held.
    var searchedFolders: [String] {
        let directory = configurationDirectory
        var result: [String] = []
        if directory != snowflakeHome { result.append("\(snowflakeHome) (does not exist)") }
        let found = ["config.toml", "connections.toml"].filter { FileManager.default.fileExists(atPath: "\(directory)/\($0)") }
        result.append("\(directory) (\(found.isEmpty ? "no config.toml or connections.toml" : found.joined(separator: ", ")))")
        if environment["SNOWFLAKE_CONNECTIONS"] != nil { result.append("SNOWFLAKE_CONNECTIONS (replaces the files' connections)") }
        return result
    }

    /// Every connection the files and environment define, with each value's source; no network.
    /// - Parameter name: the connection named on the command line (`-c/--connection`), or nil.
    /// - Throws: ``ConfigError`` for unreadable or invalid files, wrong permissions or wrong value types.
    public func search(connectionName name: String? = nil) throws -> ConnectionSearch {
        let directory = configurationDirectory
        var warnings: [String] = []
        var files: [String] = []

        var defaultFromFile: ResolvedValue?
        var tables: [(name: String, source: ValueSource, table: TOMLTable)] = []
        let configPath = "\(directory)/config.toml"
        let connectionsPath = "\(directory)/connections.toml"
        if let config = try readTOML(configPath, warnings: &warnings) {
            files.append(configPath)
            if let text = try string(config, "default_connection_name", path: configPath, connection: "(top level)") {
                defaultFromFile = ResolvedValue(value: text, source: .file(configPath))
            }
            if let connections = config["connections"] {
                guard let table = connections.table else {
                    throw ConfigError.wrongType(
                        path: configPath, connection: "(top level)", key: "connections", expected: "table",
                        found: "\(connections.type)")
                }
                tables = try namedTables(table, source: .file(configPath))
            }
        }
        if let connections = try readTOML(connectionsPath, warnings: &warnings) {
            files.append(connectionsPath)
            if defaultFromFile == nil,
                let text = try string(connections, "default_connection_name", path: connectionsPath, connection: "(top level)")
            {
                defaultFromFile = ResolvedValue(value: text, source: .file(connectionsPath))
            }
            tables = try namedTables(connections, source: .file(connectionsPath))
        }
        if let document = environment["SNOWFLAKE_CONNECTIONS"] {
            let parsed: TOMLTable
            do {
                parsed = try TOMLTable(string: document)
            } catch {
                throw ConfigError.invalidTOML(
                    path: "SNOWFLAKE_CONNECTIONS", line: error.line, column: error.column, reason: error.reason)
            }
            tables = try namedTables(parsed, source: .environment("SNOWFLAKE_CONNECTIONS"))
        }

        let defaultName: ResolvedValue
        if let name {
            defaultName = ResolvedValue(value: name, source: .flag("--connection"))
        } else if let fromEnvironment = environment["SNOWFLAKE_DEFAULT_CONNECTION_NAME"] {
            defaultName = ResolvedValue(value: fromEnvironment, source: .environment("SNOWFLAKE_DEFAULT_CONNECTION_NAME"))
        } else {
            defaultName = defaultFromFile ?? ResolvedValue(value: "default", source: .defaultValue)
        }

        var connections: [ResolvedConnection] = []
        for entry in tables {
            var values: [String: ResolvedValue] = [:]
            for key in Self.knownKeys {
                guard let value = entry.table[key] else { continue }
                // private_key_file wins over its alias private_key_path when a table has both.
                if key == "private_key_path", entry.table["private_key_file"] != nil { continue }
                let text: String
                if key == "port", let port = value.int {
                    text = String(port)
                } else if let string = value.string {
                    text = string
                } else {
                    let path: String
                    switch entry.source {
                    case let .file(p): path = p
                    case let .environment(v): path = v
                    default: path = "\(entry.source)"
                    }
                    throw ConfigError.wrongType(
                        path: path, connection: entry.name, key: key,
                        expected: key == "port" ? "integer" : "string", found: "\(value.type)")
                }
                values[Self.canonicalKey(key)] = ResolvedValue(value: text, source: entry.source)
            }
            connections.append(ResolvedConnection(name: entry.name, definedIn: entry.source, values: values))
        }
        // Connections that exist only as SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> variables.
        for name in environmentOnlyConnectionNames(known: connections.map(\.name)) {
            connections.append(ResolvedConnection(name: name, definedIn: .environment("SNOWFLAKE_CONNECTIONS_\(name.uppercased())_*"), values: [:]))
        }
        for index in connections.indices {
            for (key, override) in environmentOverrides(for: connections[index].name) {
                connections[index].values[Self.canonicalKey(key)] = ResolvedValue(value: override.value, source: .environment(override.variable))
            }
            for key in Self.genericEnvironmentKeys {
                let variable = "SNOWFLAKE_" + key.uppercased()
                let canonical = Self.canonicalKey(key)
                guard connections[index].values[canonical] == nil, let value = environment[variable], !value.isEmpty else {
                    continue
                }
                connections[index].values[canonical] = ResolvedValue(value: value, source: .environment(variable))
            }
        }
        connections.sort { $0.name < $1.name }
        return ConnectionSearch(
            searched: searchedFolders, files: files, defaultName: defaultName, connections: connections,
            warnings: warnings)
    }

    /// Loads the connection `name`, or the default connection when `name` is nil.
    /// - Throws: ``ConfigError`` for unreadable or invalid files, wrong permissions, a missing connection or a
    ///   missing `account`.
    public func load(connectionName name: String?) throws -> LoadedConnection {
        let found = try search(connectionName: name)
        var warnings = found.warnings
        let wanted = found.defaultName.value
        guard let entry = found.connections.first(where: { $0.name == wanted })
            ?? found.connections.first(where: { $0.name.lowercased() == wanted.lowercased() })
        else {
            throw ConfigError.connectionNotFound(
                name: wanted, available: found.connections.map(\.name), searched: found.searched)
        }
        var source: String
        switch entry.definedIn {
        case let .file(path): source = path
        case .environment("SNOWFLAKE_CONNECTIONS"): source = "SNOWFLAKE_CONNECTIONS"
        default: source = "environment"
        }
        let variables = Set(entry.values.values.compactMap { value -> String? in
            if case let .environment(name) = value.source, name != "SNOWFLAKE_CONNECTIONS" { return name }
            return nil
        })
        if !variables.isEmpty && source != "environment" {
            source += " (with \(variables.sorted().joined(separator: ", ")))"
        }
        let configuration = try makeConfiguration(
            name: entry.name, values: entry.values.mapValues(\.value), source: source)
        if let tokenFile = configuration.tokenFilePath {
            try checkPermissions(tokenFile, warnings: &warnings)
        }
        // A key file that is missing is reported when the key is read (AuthError.keyFileUnreadable).
        if let keyFile = configuration.privateKeyFile, [nil, "SNOWFLAKE_JWT"].contains(configuration.authenticator),
            FileManager.default.fileExists(atPath: keyFile)
        {
            try checkPermissions(keyFile, warnings: &warnings)
        }
        return LoadedConnection(configuration: configuration, warnings: warnings, files: found.files)
    }

    /// The settings of `connection` as ``load(connectionName:)`` would build them, without the file permission checks
    /// of its token and key files.
    /// - Throws: ``ConfigError/missingKey(connection:source:key:reason:)`` without `account`,
    ///   ``ConfigError/invalidValue(connection:source:key:value:reason:)`` for a bad port.
    public func configuration(of connection: ResolvedConnection) throws -> ConnectionConfiguration {
        try makeConfiguration(name: connection.name, values: connection.values.mapValues(\.value), source: "\(connection.definedIn)")
    }

    /// `private_key_path` is the Snowflake CLI's alias of `private_key_file` (`CONNECTION_KEY_ALIASES`); other keys
    /// are themselves.
    static func canonicalKey(_ key: String) -> String { key == "private_key_path" ? "private_key_file" : key }

    /// `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>` variables for connection `name` (compared case-insensitively), keyed
    /// by lower-case key, with the variable's name. The key is matched against the known keys, longest first, so
    /// `..._PRIVATE_KEY_FILE_PWD` is not read as `..._PWD`.
    func environmentOverrides(for name: String) -> [String: (variable: String, value: String)] {
        var result: [String: (variable: String, value: String)] = [:]
        for (variable, value) in environment {
            guard let (connection, key) = Self.splitConnectionVariable(variable) else { continue }
            if connection.lowercased() == name.lowercased() { result[key] = (variable, value) }
        }
        return result
    }

    /// The connection names (lower case) of `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>` variables not in `known`.
    func environmentOnlyConnectionNames(known: [String]) -> [String] {
        let lowered = Set(known.map { $0.lowercased() })
        let names = environment.keys.compactMap { Self.splitConnectionVariable($0)?.connection.lowercased() }
        return Set(names).subtracting(lowered).sorted()
    }

    /// `SNOWFLAKE_CONNECTIONS_MY_DEV_PRIVATE_KEY_FILE_PWD` -> (`MY_DEV`, `private_key_file_pwd`), longest key first.
    static func splitConnectionVariable(_ variable: String) -> (connection: String, key: String)? {
        let prefix = "SNOWFLAKE_CONNECTIONS_"
        guard variable.hasPrefix(prefix) else { return nil }
        let rest = variable.dropFirst(prefix.count)
        for key in knownKeys.sorted(by: { $0.count > $1.count }) {
            let suffix = "_" + key.uppercased()
            guard rest.hasSuffix(suffix), rest.count > suffix.count else { continue }
            return (String(rest.dropLast(suffix.count)), key)
        }
        return nil
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

    private func namedTables(_ table: TOMLTable, source: ValueSource) throws
        -> [(name: String, source: ValueSource, table: TOMLTable)]
    {
        try table.keys.sorted().compactMap { name in
            guard let value = table[name] else { return nil }
            if name == "default_connection_name" { return nil }
            guard let connection = value.table else {
                let path: String
                switch source {
                case let .file(p): path = p
                case let .environment(v): path = v
                default: path = "\(source)"
                }
                throw ConfigError.wrongType(
                    path: path, connection: name, key: name, expected: "table", found: "\(value.type)")
            }
            return (name, source, connection)
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
