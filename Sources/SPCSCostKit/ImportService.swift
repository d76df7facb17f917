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

    /// Opens the file at `path` (resolved by `env`) to be read as a stream.
    /// - Throws: ``InputFileError`` when it is missing, a folder or unreadable.
    public static func openStream(_ path: String, env: Environment) throws(InputFileError) -> CSVByteStream {
        let full = env.resolve(path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir) else {
            throw InputFileError(path: path, reason: "no such file")
        }
        guard !isDir.boolValue else { throw InputFileError(path: path, reason: "it is a folder, not a file") }
        do { return try CSVByteStream.open(path: full, file: path) } catch {
            throw InputFileError(path: path, reason: "permission denied or unreadable")
        }
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

    /// Reads `path` row by row and loads every row into `cache` in one transaction (all or nothing); memory does not
    /// grow with the file.
    /// - Throws: ``InputFileError``, or ``StoreError`` naming the line and field of the first bad cell.
    /// - Parameters:
    ///   - timeZone: gives timestamps without a UTC offset their instant; nil makes them an error.
    ///   - format: the file's delimiter and decimal separator (default comma and point).
    ///   - data: the file's bytes when already in memory; nil reads `path`.
    public func importCSV(path: String, timeZone: TimeZone?, into cache: UsageCache,
                          format: SnowsightCSV.Format = .init(), data given: Data? = nil) throws -> Outcome {
        let stream = try given.map { CSVByteStream(data: $0, file: path) } ?? InputFileError.openStream(path, env: env)
        return try importCSV(path: path, timeZone: timeZone, into: cache, format: format, stream: stream)
    }

    /// Reads `stream` (a file, standard input for `-`) row by row and loads every row into `cache` in one
    /// transaction (all or nothing); `path` names it in messages and in the load record.
    /// - Throws: ``StoreError`` naming the line and field of the first bad cell; then nothing was written.
    public func importCSV(path: String, timeZone: TimeZone?, into cache: UsageCache,
                          format: SnowsightCSV.Format = .init(), stream: CSVByteStream) throws -> Outcome {
        let result = try cache.importSnowsightCSV(
            from: stream, file: path, wallTimeZone: timeZone, format: format,
            as: .init(kind: "import", source: (path as NSString).lastPathComponent, checksum: "", loadedAt: env.now()))
        return Outcome(file: path, rows: result.rows, load: result.load, checksum: result.checksum,
                       window: result.window)
    }
}
