import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostStore

/// Options shared by commands that use the cache.
struct CacheOptions: ParsableArguments {
    @Option(help: "SQLite cache file. Default: $SPCS_COST_CACHE, config.toml's cache, else $XDG_DATA_HOME/spcs-cost/cache.sqlite (~/.local/share/spcs-cost/cache.sqlite).")
    var cache: String?

    func location(_ env: Environment) -> CacheLocation {
        if let cache { return .path(env.resolve(cache)) }
        if let configured = setting("cache", flag: nil, flagName: "--cache", env) { return .path(settingPath(configured, env)) }
        return CacheLocation.defaultPath(environment: env.variables, homeDirectory: env.homeDirectory)
    }

    /// Opens the cache, creating it when missing (for commands that write: import, pull).
    func open(_ env: Environment) throws -> UsageCache { try UsageCache(location(env)) }

    /// Opens a cache that must already exist (for commands that only read it), so a mistyped `--cache` is an error,
    /// not an empty report.
    /// - Throws: ``InputFileError`` when the file is missing.
    func openExisting(_ env: Environment) throws -> UsageCache {
        if case let .path(p) = location(env), !FileManager.default.fileExists(atPath: p) {
            throw InputFileError(path: p, reason: "there is no cache here yet; run spcs-cost import FILE.csv or spcs-cost pull first, or pass --cache PATH")
        }
        return try open(env)
    }
}

/// `spcs-cost import`: load a Snowsight CSV export of SNOWPARK_CONTAINER_SERVICES_HISTORY into the cache.
struct ImportCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Snowsight CSV export of SNOWPARK_CONTAINER_SERVICES_HISTORY into the cache (all or nothing).")

    @Argument(help: "The CSV file.")
    var file: String

    @Option(help: "IANA zone for timestamps that carry no UTC offset, for example America/Los_Angeles.")
    var timezone: String?

    @OptionGroup var cacheOptions: CacheOptions

    func execute(in env: Environment) async throws -> CommandOutput {
        let zone = try timezone.map { try parseTimeZone($0, flag: "--timezone") }
        _ = try InputFileError.read(file, env: env)  // a missing file is an error before any cache is created
        let cache = try cacheOptions.open(env)
        let outcome = try ImportService(env: env).importCSV(path: file, timeZone: zone, into: cache)
        var out = "Imported \(outcome.rows) hourly rows from \(file) into \(cache.path): "
        out += "\(outcome.load.inserted) new, \(outcome.load.updated) updated, \(outcome.load.unchanged) unchanged.\n"
        if let w = outcome.window {
            let f = ISO8601DateFormatter()
            out += "Hours covered (UTC): \(f.string(from: w.start)) to \(f.string(from: w.end)).\n"
        }
        out += "File SHA-256: \(outcome.checksum)\n"
        return CommandOutput(stdout: out)
    }
}
