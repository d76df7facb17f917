import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostStore

/// Options shared by commands that use the cache.
struct CacheOptions: ParsableArguments {
    @Option(help: "SQLite cache file. Default: $SPCS_COST_CACHE, config.toml's cache, else $XDG_DATA_HOME/spcs-cost/cache.sqlite (~/.local/share/spcs-cost/cache.sqlite).", completion: .file(extensions: ["sqlite"]))
    var cache: String?

    func location(_ env: Environment) -> CacheLocation {
        if let cache { return .path(env.resolve(cache)) }
        if let configured = setting("cache", flag: nil, flagName: "--cache", env) { return .path(settingPath(configured, env)) }
        return CacheLocation.defaultPath(environment: env.variables, homeDirectory: env.homeDirectory)
    }

    /// Opens the cache, creating the file when missing (for commands that write: import, pull, nightly). A cache
    /// named by `--cache`, `SPCS_COST_CACHE` or config.toml in a folder that does not exist is an error unless
    /// `createFolder` (`--create`), so a mistyped path does not create folders; the default location's folders are
    /// created.
    /// - Throws: ``InputFileError`` (exit 66) for a missing folder.
    func open(_ env: Environment, createFolder: Bool = false) throws -> UsageCache {
        let location = location(env)
        if case let .path(p) = location, !createFolder,
            cache != nil || setting("cache", flag: nil, flagName: "--cache", env) != nil
        {
            let folder = (p as NSString).deletingLastPathComponent
            var isDirectory: ObjCBool = false
            if !folder.isEmpty, !(FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) && isDirectory.boolValue) {
                throw InputFileError(path: p, reason: "its folder \(folder) does not exist; check the path, or pass --create to create it")
            }
        }
        return try UsageCache(location)
    }

    /// Opens a cache that must already exist (for commands that only read it), so a mistyped `--cache` is an error,
    /// not an empty report.
    /// - Throws: ``InputFileError`` when the file is missing.
    func openExisting(_ env: Environment) throws -> UsageCache {
        if case let .path(p) = location(env), !FileManager.default.fileExists(atPath: p) {
            throw InputFileError(path: p, reason: "there is no cache here yet; run spcs-cost import FILE.csv or spcs-cost pull first, or pass --cache PATH")
        }
        return try open(env, createFolder: true)
    }
}

/// `--create`: for commands that write the cache (import, pull, nightly).
struct CreateCacheOption: ParsableArguments {
    @Flag(help: "Create the folder of --cache (or SPCS_COST_CACHE, or config.toml's cache) when it does not exist.")
    var create = false
}

/// Parses `--delimiter`: `,`, `;`, `|`, or `tab` (also `\t`).
func parseDelimiter(_ text: String) throws -> Character {
    switch text {
    case ",", ";", "|": return Character(text)
    case "tab", "\\t", "\t": return "\t"
    default: throw ValidationError("--delimiter '\(text)' is not a CSV delimiter; use ',', ';', '|' or tab.")
    }
}

/// `spcs-cost import`: load a Snowsight CSV export of SNOWPARK_CONTAINER_SERVICES_HISTORY into the cache.
struct ImportCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a Snowsight CSV export of SNOWPARK_CONTAINER_SERVICES_HISTORY into the cache (all or nothing).")

    @Argument(help: ArgumentHelp("The CSV file; - reads standard input.", valueName: "file"), completion: .file(extensions: ["csv"]))
    var file: String

    @Option(help: "IANA zone for timestamps that carry no UTC offset, for example America/Los_Angeles.")
    var timezone: String?

    @Option(help: "Field delimiter of a CSV saved in another locale: ',', ';', '|' or tab. Default: ','.")
    var delimiter: String = ","

    @Option(help: "Decimal separator of CREDITS_USED: '.' or ','. Default: '.'.")
    var decimalSeparator: String = "."

    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var createOption: CreateCacheOption
    @OptionGroup var logging: LoggingOptions

    func execute(in env: Environment) async throws -> CommandOutput {
        let zone = try timezone.map { try parseTimeZone($0, flag: "--timezone") }
        let separator: Character
        switch decimalSeparator {
        case ".", ",": separator = Character(decimalSeparator)
        default: throw ValidationError("--decimal-separator '\(decimalSeparator)' must be '.' or ','.")
        }
        let format = SnowsightCSV.Format(delimiter: try parseDelimiter(delimiter), decimalSeparator: separator)
        guard format.delimiter != format.decimalSeparator else {
            throw ValidationError("--delimiter and --decimal-separator are both '\(delimiter)'; a file with decimal commas is separated by ';' (pass --delimiter ';').")
        }
        let log = logging.logger()
        let started = ContinuousClock.now
        let name = file == "-" ? "standard input" : file
        // A missing file is an error before any cache is created. The file is read as a stream, a chunk at a time.
        let stream = file == "-"
            ? CSVByteStream(fileDescriptor: 0, file: name, closeWhenDone: false) : try InputFileError.openStream(file, env: env)
        let attributes = file == "-" ? nil : try? FileManager.default.attributesOfItem(atPath: env.resolve(file))
        let size = (attributes?[.size] as? NSNumber)?.intValue
        let delimiterName = format.delimiter == "\t" ? "tab" : String(format.delimiter)
        log.info("read \(name): \(size.map { "\($0) bytes" } ?? "a stream"); delimiter '\(delimiterName)', decimal separator '\(format.decimalSeparator)'")
        let cache = try cacheOptions.open(env, createFolder: createOption.create)
        log.info("cache \(cache.path)")
        Progress.show("parsing and loading \(name) (\(size.map { "\($0 / 1_048_576) MiB" } ?? "a stream")) into the cache...")
        defer { Progress.clear() }
        let outcome = try ImportService(env: env).importCSV(
            path: name, timeZone: zone, into: cache, format: format, stream: stream)
        log.info("imported \(outcome.rows) rows in \((ContinuousClock.now - started).components.seconds) s (\(stream.bytesRead) bytes read)")
        var out = "Imported \(outcome.rows) hourly rows from \(outcome.file) into \(cache.path): "
        out += "\(outcome.load.inserted) new, \(outcome.load.updated) updated, \(outcome.load.unchanged) unchanged.\n"
        if let w = outcome.window {
            let f = ISO8601DateFormatter()
            out += "Hours covered (UTC): \(f.string(from: w.start)) to \(f.string(from: w.end)).\n"
        }
        out += "File SHA-256: \(outcome.checksum)\n"
        return CommandOutput(stdout: out)
    }
}
