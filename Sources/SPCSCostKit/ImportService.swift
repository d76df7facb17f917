import Foundation
import SPCSCostCore
import SPCSCostStore

/// Why a file given on the command line could not be read.
public struct InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path as given.
    public let path: String
    /// What went wrong, in words.
    public let reason: String

    public var description: String { "cannot read \(path): \(reason); check the path." }

    /// Creates an error for `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// Reads the whole file at `path` (resolved by `env`).
    /// - Throws: ``InputFileError`` when it is missing or unreadable.
    public static func read(_ path: String, env: Environment) throws(InputFileError) -> Data {
        let full = env.resolve(path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir) else {
            throw InputFileError(path: path, reason: "no such file")
        }
        guard !isDir.boolValue else { throw InputFileError(path: path, reason: "it is a folder, not a file") }
        guard let data = FileManager.default.contents(atPath: full) else {
            throw InputFileError(path: path, reason: "permission denied or unreadable")
        }
        return data
    }
}

/// Imports a Snowsight CSV export of SNOWPARK_CONTAINER_SERVICES_HISTORY into the cache (`spcs-cost import`).
public struct ImportService: Sendable {
    /// The environment (clock for the load record, paths).
    public let env: Environment

    /// Creates the service.
    public init(env: Environment) { self.env = env }

    /// What an import did.
    public struct Outcome: Sendable, Equatable {
        /// The file as given.
        public let file: String
        /// Rows read from the file.
        public let rows: Int
        /// What the cache did with them.
        public let load: UsageCache.LoadOutcome
        /// Hex SHA-256 of the file.
        public let checksum: String
        /// First START_TIME and last END_TIME in the file (UTC); nil for a file with no rows.
        public let window: DateInterval?
    }

    /// Parses `path` and loads every row into `cache` in one transaction (all or nothing).
    /// - Parameter timeZone: gives timestamps without a UTC offset their instant; nil makes them an error.
    /// - Throws: ``InputFileError``, or ``StoreError`` naming the line and field of the first bad cell.
    /// - Parameters:
    ///   - format: the file's delimiter and decimal separator (default comma and point).
    ///   - data: the file's bytes when already read (standard input, `-`); nil reads `path`.
    public func importCSV(path: String, timeZone: TimeZone?, into cache: UsageCache,
                          format: SnowsightCSV.Format = .init(), data given: Data? = nil) throws -> Outcome {
        let data = try given ?? InputFileError.read(path, env: env)
        let parsed = try SnowsightCSV.parse(data, file: path, wallTimeZone: timeZone, format: format)
        let window = parsed.records.isEmpty ? nil : DateInterval(
            start: parsed.records.map(\.startTime).min()!, end: parsed.records.map(\.endTime).max()!)
        let load = try cache.load(parsed.records, as: .init(
            kind: "import", source: (path as NSString).lastPathComponent, checksum: parsed.checksum,
            loadedAt: env.now(), window: window))
        return Outcome(file: path, rows: parsed.records.count, load: load, checksum: parsed.checksum, window: window)
    }
}
