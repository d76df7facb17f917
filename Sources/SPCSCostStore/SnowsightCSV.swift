import CSV
import Foundation
import SPCSCostCore

/// Reads a Snowsight CSV export of `SNOWPARK_CONTAINER_SERVICES_HISTORY` into hourly ``UsageRecord``s.
///
/// Accepted files: UTF-8 with or without a byte-order mark; a header row with the view's column names in any order
/// and any case (docs.snowflake.com account-usage `snowpark_container_services_history`, spcs-facts §3 [S8a]).
/// START_TIME, END_TIME, COMPUTE_POOL_NAME and CREDITS_USED are required; COMPUTE_POOL_ID, IS_EXCLUSIVE,
/// APPLICATION_NAME and APPLICATION_ID are optional (older versions of the view lack them), and so are
/// ORGANIZATION_NAME and ACCOUNT_NAME (the organization-usage twin of the view has them; without them the rows'
/// organization and account are `""`, not known); other columns are ignored. Rows are keyed by organization,
/// account, pool name, COMPUTE_POOL_ID and START_TIME: two rows of one pool name and hour with different
/// COMPUTE_POOL_IDs (a pool dropped and re-created) are two pools and both count. Timestamps as Snowsight prints them (`2024-04-09 10:00:00.000 -0700`) or ISO 8601 with an offset; a
/// timestamp without an offset is an error unless a time zone is given. An empty cell is NULL.
public enum SnowsightCSV {
    /// The rows of a file and the SHA-256 of its bytes.
    public struct Parsed: Sendable {
        /// Rows in file order.
        public let records: [UsageRecord]
        /// Hex SHA-256 of the file's bytes, recorded with the load.
        public let checksum: String
    }

    /// How a file from another locale is written: its field delimiter and decimal separator.
    public struct Format: Sendable, Equatable {
        /// The field delimiter: `,` (Snowsight's), `;` or a tab.
        public var delimiter: Character
        /// The decimal separator of CREDITS_USED: `.` (Snowsight's) or `,`.
        public var decimalSeparator: Character

        /// A format; the defaults are Snowsight's own, comma and point.
        public init(delimiter: Character = ",", decimalSeparator: Character = ".") {
            self.delimiter = delimiter
            self.decimalSeparator = decimalSeparator
        }
    }

    /// Parses `data`, the bytes of the file named `file` (the name is used in error messages only).
    /// - Parameters:
    ///   - wallTimeZone: the zone that gives timestamps without an offset their instant; nil makes such a
    ///     timestamp an error.
    ///   - format: the delimiter and decimal separator (`import --delimiter`, `--decimal-separator`).
    /// - Throws: ``StoreError/unreadableFile(file:reason:)`` (also for a header that looks like another locale's,
    ///   naming the option to pass), ``StoreError/missingColumn(file:column:found:)``
    ///   or ``StoreError/badCell(file:line:column:value:fix:)`` for the first bad cell (line 1 is the header).
    public static func parse(_ data: Data, file: String, wallTimeZone: TimeZone?, format: Format = Format())
        throws(StoreError) -> Parsed
    {
        let checksum = sha256Hex(data)
        guard var text = String(data: data, encoding: .utf8) else {
            throw .unreadableFile(file: file, reason: "the file is not UTF-8 text; export it again as CSV (UTF-8)")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let reader: CSVReader
        do {
            let delimiter = format.delimiter.unicodeScalars.first ?? ","
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: false, delimiter: delimiter)
        } catch {
            throw .unreadableFile(file: file, reason: "it is not CSV (\(error))")
        }
        guard let header = reader.headerRow, !header.isEmpty, header != [""] else {
            throw .unreadableFile(file: file, reason: "the file is empty; it needs a header row and data rows")
        }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        if names.count == 1, !names.contains("START_TIME") {
            // One column whose name holds another delimiter: a file saved in another locale.
            for (other, flag) in [(";", "--delimiter ';'"), ("\t", "--delimiter tab"), (",", "--delimiter ','")]
            where Character(other) != format.delimiter && names[0].contains(other) && names[0].contains("START_TIME") {
                let decimal = other == ";" ? " (and --decimal-separator ',' if its numbers are written 0,5)" : ""
                throw .unreadableFile(
                    file: file,
                    reason: "the header row is one column, \"\(header[0].prefix(40))...\", separated by '\(other == "\t" ? "\\t" : other)'; "
                        + "the file was saved in another locale: pass \(flag)\(decimal)")
            }
        }
        func index(_ column: String, required: Bool) throws(StoreError) -> Int? {
            if let i = names.firstIndex(of: column) { return i }
            if required { throw .missingColumn(file: file, column: column, found: header) }
            return nil
        }
        let iStart = try index("START_TIME", required: true)!
        let iEnd = try index("END_TIME", required: true)!
        let iPool = try index("COMPUTE_POOL_NAME", required: true)!
        let iCredits = try index("CREDITS_USED", required: true)!
        let iPoolID = try index("COMPUTE_POOL_ID", required: false)
        let iExclusive = try index("IS_EXCLUSIVE", required: false)
        let iAppName = try index("APPLICATION_NAME", required: false)
        let iAppID = try index("APPLICATION_ID", required: false)
        let iOrganization = try index("ORGANIZATION_NAME", required: false)
        let iAccount = try index("ACCOUNT_NAME", required: false)

        var records: [UsageRecord] = []
        var seen: [String: (line: Int, record: UsageRecord)] = [:]
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.count == 1, row[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            func cell(_ i: Int?) -> String? {
                guard let i, i < row.count else { return nil }
                let v = row[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            func bad(_ column: String, _ value: String?, _ fix: String) -> StoreError {
                .badCell(file: file, line: line, column: column, value: value ?? "", fix: fix)
            }
            func instant(_ column: String, _ i: Int) throws(StoreError) -> Date {
                guard let v = cell(i) else { throw bad(column, nil, "is empty; every row needs a \(column)") }
                let reading: TimestampText.Reading
                do { reading = try TimestampText.read(v) } catch {
                    throw bad(column, v, "is not a timestamp; expected 2024-04-09 10:00:00.000 -0700 or 2024-04-09T10:00:00-07:00")
                }
                switch reading {
                case let .instant(d, _):
                    return d
                case let .wallTime(wall, fraction):
                    guard let zone = wallTimeZone else {
                        throw bad(column, v, "has no UTC offset; pass --timezone with the zone the export was made in (for example --timezone America/Los_Angeles)")
                    }
                    let candidates = wall.instants(in: zone)
                    guard candidates.count == 1 else {
                        throw bad(column, v, candidates.isEmpty
                                  ? "does not exist in \(zone.identifier) (a daylight-saving gap); export with UTC offsets"
                                  : "occurs twice in \(zone.identifier) (a daylight-saving overlap); export with UTC offsets")
                    }
                    return candidates[0].addingTimeInterval(NSDecimalNumber(decimal: fraction).doubleValue)
                }
            }
            let start = try instant("START_TIME", iStart)
            let end = try instant("END_TIME", iEnd)
            guard end > start else {
                throw bad("END_TIME", cell(iEnd), "is not after START_TIME; check the columns are not swapped")
            }
            guard let pool = cell(iPool) else {
                throw bad("COMPUTE_POOL_NAME", nil, "is empty; every row needs the pool's name")
            }
            guard var creditsText = cell(iCredits) else {
                throw bad("CREDITS_USED", nil, "is empty; every row needs the credits used")
            }
            if format.decimalSeparator == "," {
                guard !creditsText.contains(".") else {
                    throw bad("CREDITS_USED", creditsText, "has a '.' while --decimal-separator is ','; write the number without thousands separators")
                }
                creditsText = creditsText.replacingOccurrences(of: ",", with: ".")
            }
            guard let credits = NanoCredits(parsing: creditsText) else {
                // A plain decimal of at most 9 fraction digits fails only by being too large for the cache.
                let fraction = creditsText.split(separator: ".", maxSplits: 1).dropFirst().first
                if ExactDecimal.parse(creditsText) != nil, (fraction?.count ?? 0) <= 9 {
                    let problem: UsageRecord.Problem = creditsText.hasPrefix("-") ? .negativeCredits : .creditsAboveMaximum
                    throw bad("CREDITS_USED", creditsText, problem.description)
                }
                let fix = creditsText.contains(",")
                    ? "is not a decimal; pass --decimal-separator ',' for a file written with decimal commas, or export with '.' as the decimal separator and no thousands separator"
                    : "is not a decimal with at most 9 fraction digits (CREDITS_USED is NUMBER(38,9))"
                throw bad("CREDITS_USED", creditsText, fix)
            }
            var poolID: Int64?
            if let v = cell(iPoolID) {
                guard let n = Int64(v), n >= 0 else { throw bad("COMPUTE_POOL_ID", v, "is not a whole number 0 or more") }
                poolID = n
            }
            var exclusive: Bool?
            if let v = cell(iExclusive) {
                switch v.lowercased() {
                case "true", "1": exclusive = true
                case "false", "0": exclusive = false
                default: throw bad("IS_EXCLUSIVE", v, "is not true or false")
                }
            }
            let record = UsageRecord(startTime: start, endTime: end, computePoolName: pool, computePoolID: poolID,
                                     isExclusive: exclusive, applicationName: cell(iAppName),
                                     applicationID: cell(iAppID), creditsUsed: credits,
                                     organization: cell(iOrganization)?.uppercased() ?? "",
                                     account: cell(iAccount)?.uppercased() ?? "")
            if let problem = record.problem {
                let value = problem == .controlCharacterInPoolName ? UsageRecord.visible(pool)
                    : cell(problem.column == "CREDITS_USED" ? iCredits : problem.column == "START_TIME" ? iStart : iEnd)
                throw bad(problem.column, value, problem.description)
            }
            let key = "\(pool)\u{0}\(Int64(start.timeIntervalSince1970))\u{0}\(record.organization)\u{0}\(record.account)"
                + "\u{0}\(poolID ?? -1)"
            if let earlier = seen[key] {
                guard earlier.record == record else {
                    throw bad("START_TIME", cell(iStart),
                              "repeats pool \(pool)'s hour from line \(earlier.line) with other values; remove one of the two rows, or give each its COMPUTE_POOL_ID when they are two pools of one name")
                }
                continue
            }
            seen[key] = (line, record)
            records.append(record)
        }
        if let error = reader.error {
            throw .unreadableFile(file: file, reason: "CSV error after line \(line): \(error)")
        }
        guard !records.isEmpty else {
            throw .unreadableFile(file: file, reason: "it has a header row but no data rows; export the period again "
                                  + "with its rows")
        }
        return Parsed(records: records, checksum: checksum)
    }
}
