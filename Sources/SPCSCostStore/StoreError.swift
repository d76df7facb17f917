import Crypto
import Foundation
import SPCSCostCore

/// Why the cache or an import failed. Each `description` is a finished sentence that names the input and the fix.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// The cache file could not be opened or migrated.
    case cannotOpen(path: String, reason: String)
    /// The cache was written by a newer spcs-cost (its schema version is higher than this build knows).
    case newerSchema(path: String, found: Int, known: Int)
    /// A CSV export could not be read at all (not UTF-8, no header row, ...).
    case unreadableFile(file: String, reason: String)
    /// The header row lacks a column the import needs.
    case missingColumn(file: String, column: String, found: [String])
    /// A cell could not be read; `line` is 1-based and counts the header row as line 1.
    case badCell(file: String, line: Int, column: String, value: String, fix: String)
    /// A SQLite error while reading or writing the cache; nothing was written.
    case database(path: String, reason: String)
    /// The cache holds an hourly row that spcs-cost no longer accepts where rows come in (an older version wrote
    /// it): CREDITS_USED outside 0 to ``UsageRecord/maximumCreditsUsed``, which its sums cannot take exactly.
    case cachedRowOutOfRange(path: String, pool: String, hourStart: Date, credits: NanoCredits)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open the cache \(path): \(reason). Check the path and its permissions, or pass --cache PATH."
        case let .newerSchema(path, found, known):
            return "the cache \(path) has schema version \(found), but this spcs-cost knows versions up to \(known); "
                + "upgrade spcs-cost or pass --cache with another file."
        case let .unreadableFile(file, reason):
            return "\(file): \(reason)."
        case let .missingColumn(file, column, found):
            return "\(file): the header row has no \(column) column (found: \(found.joined(separator: ", "))); "
                + "export SNOWPARK_CONTAINER_SERVICES_HISTORY with its column names in the first row."
        case let .badCell(file, line, column, value, fix):
            return "\(file) line \(line): \(column) '\(value)' \(fix)"
        case let .database(path, reason):
            return "the cache \(path) could not be updated (\(reason)); nothing was written."
        case let .cachedRowOutOfRange(path, pool, hourStart, credits):
            return "the cache \(path) holds the hour of pool \(UsageRecord.visible(pool)) from "
                + "\(hourStart.formatted(.iso8601)) with CREDITS_USED \(credits), outside 0 to 100000 credits, which "
                + "spcs-cost no longer imports (an older version did); move the cache aside and import or pull the "
                + "period again."
        }
    }
}

/// Hex SHA-256 of `data` (the checksum recorded with every load).
public func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}
