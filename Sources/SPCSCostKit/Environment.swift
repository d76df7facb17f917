import Foundation
import SPCSCostCore

/// Every side effect a use case needs, passed in as values: the clock, the process environment, the home and
/// working directories, and the price catalog. `live()` reads the real ones; tests build their own.
public struct Environment: Sendable {
    /// The current instant (UTC).
    public var now: @Sendable () -> Date
    /// Environment variables (`XDG_DATA_HOME`, `SNOWFLAKE_HOME`, ...).
    public var variables: [String: String]
    /// The user's home directory.
    public var homeDirectory: String
    /// The directory relative paths are resolved against.
    public var currentDirectory: String
    /// Rate cards and credit price tables.
    public var catalog: PriceCatalog
    /// The command line as typed (program name first), stamped on reports so they can be reproduced.
    public var arguments: [String]
    /// spcs-cost's own settings (`config.toml` and `SPCS_COST_*` variables); empty unless given.
    public var settings: Settings

    /// Creates an environment from explicit values.
    public init(now: @escaping @Sendable () -> Date, variables: [String: String], homeDirectory: String,
                currentDirectory: String, catalog: PriceCatalog, arguments: [String] = ["spcs-cost"],
                settings: Settings = Settings()) {
        self.now = now
        self.variables = variables
        self.homeDirectory = homeDirectory
        self.currentDirectory = currentDirectory
        self.catalog = catalog
        self.arguments = arguments
        self.settings = settings
    }

    /// ``arguments`` as one line, the program shown as `spcs-cost`, arguments with spaces quoted.
    public var commandLine: String {
        (["spcs-cost"] + arguments.dropFirst().map { a in
            a.contains(where: { " \t'\"$".contains($0) }) ? "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'" : a
        }).joined(separator: " ")
    }

    /// The home directory: `$HOME` when set and not empty (as Python's `os.path.expanduser`, which `snow` and the
    /// Snowflake connector use), else `passwordDatabaseHome`.
    public static func homeDirectory(variables: [String: String], passwordDatabaseHome: String) -> String {
        if let home = variables["HOME"], !home.isEmpty { return home }
        return passwordDatabaseHome
    }

    /// The real environment of this process, with the bundled catalog and spcs-cost's settings.
    /// - Throws: ``BundledCatalog/LoadError`` when the bundled catalog is damaged, ``SettingsError`` for a bad
    ///   `config.toml` or `SPCS_COST_*` variable.
    public static func live() throws -> Environment {
        let variables = ProcessInfo.processInfo.environment
        let home = homeDirectory(
            variables: variables, passwordDatabaseHome: FileManager.default.homeDirectoryForCurrentUser.path)
        return Environment(
            now: { Date() },
            variables: variables,
            homeDirectory: home,
            currentDirectory: FileManager.default.currentDirectoryPath,
            catalog: try BundledCatalog.load(),
            arguments: CommandLine.arguments,
            settings: try Settings.load(variables: variables, homeDirectory: home))
    }

    /// Today's date in UTC, the default `--as-of`. (UTC, not the machine's zone, so a run does not depend on where
    /// the machine is.)
    public var todayUTC: CivilDate { CivilDate.of(now(), in: TimeZone(identifier: "UTC")!) }

    /// `path` resolved against ``currentDirectory`` when relative; `~/` expands to ``homeDirectory``.
    public func resolve(_ path: String) -> String {
        if path.hasPrefix("~/") { return (homeDirectory as NSString).appendingPathComponent(String(path.dropFirst(2))) }
        if path.hasPrefix("/") { return path }
        return (currentDirectory as NSString).appendingPathComponent(path)
    }
}
