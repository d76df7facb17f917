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
///
/// Fields follow RFC 4180 (a field in double quotes may hold the delimiter, a line break and `""` for a quote);
/// a line ends at LF, CR LF or CR. The file is read as a stream of bytes (``Reader``), one row at a time, so memory
/// does not grow with the file; ``parse(_:file:wallTimeZone:format:)`` collects every row of a file in memory.
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

    /// Parses `data`, the bytes of the file named `file` (the name is used in error messages only), keeping every
    /// row in memory (for small files and tests; `spcs-cost import` streams through ``Reader``).
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
        let stream = CSVByteStream(data: data, file: file)
        var reader = try Reader(stream, file: file, wallTimeZone: wallTimeZone, format: format)
        var records: [UsageRecord] = []
        var lines: [Int] = []
        while let row = try reader.next() {
            let new = try row.isFirstOfItsKey(file: file) { line, _ in
                // Lines only grow: the earlier row is found by binary search.
                var lo = 0, hi = lines.count
                while lo < hi { let mid = (lo + hi) / 2; if lines[mid] < line { lo = mid + 1 } else { hi = mid } }
                return lo < lines.count && lines[lo] == line ? records[lo] : nil
            }
            if new {
                records.append(row.record)
                lines.append(row.line)
            }
        }
        guard !records.isEmpty else { throw reader.noDataRows }
        return Parsed(records: records, checksum: stream.checksum())
    }

    /// One data row of a file: its record and where it is.
    public struct Row: Sendable {
        /// The row as read and checked.
        public let record: UsageRecord
        /// Its line: the number of CSV records up to and including it, the header being line 1.
        public let line: Int
        /// True when START_TIME and END_TIME are whole seconds (nearly always).
        let wholeSeconds: Bool
        /// The line of an earlier row of the same key, if any (see ``DuplicateRows``).
        var repeats: Int?
        /// That earlier row when it had a fraction of a second (kept whole).
        var earlierFractional: UsageRecord?
        /// START_TIME as text, for the message about a repeated key (set only for a repeat).
        var startText: String?

        /// True when the row is the first of its key in the file; false when it repeats an earlier row exactly
        /// (drop it). Rows of one file pass here in file order.
        /// - Parameters:
        ///   - file: the name used in messages.
        ///   - earlier: the earlier row of the key, given its line and this row (whole-second rows only), or nil when
        ///     it cannot be found (then the rows count as the same).
        /// - Throws: ``StoreError/badCell(file:line:column:value:fix:)`` when it repeats the key with other values.
        public func isFirstOfItsKey(file: String, earlier: (_ line: Int, _ current: UsageRecord) throws -> UsageRecord?)
            throws(StoreError) -> Bool
        {
            guard let previous = repeats else { return true }
            let same: Bool
            if let first = earlierFractional {
                same = first == record
            } else if !wholeSeconds {
                same = false
            } else {
                do { same = try earlier(previous, record).map { $0 == record } ?? true } catch let e as StoreError {
                    throw e
                } catch {
                    throw .database(path: file, reason: "\(error)")
                }
            }
            guard same else {
                throw .badCell(file: file, line: line, column: "START_TIME", value: startText ?? "",
                               fix: "repeats pool \(record.computePoolName)'s hour from line \(previous) with other values; remove one of the two rows, or give each its COMPUTE_POOL_ID when they are two pools of one name")
            }
            return false
        }
    }

    /// Reads the data rows of a Snowsight export one at a time from a ``CSVByteStream``: parses, checks each cell
    /// and refuses a bad one with its line and column. Memory follows the widest row, not the file.
    public struct Reader {
        private let stream: CSVByteStream
        private let file: String
        private let wallTimeZone: TimeZone?
        private let format: Format
        private let decimalComma: Bool
        private var line = 1
        /// The current row's bytes and fields.
        private var cursor: RowCursor
        private let iStart: Int, iEnd: Int, iPool: Int, iCredits: Int
        private let iPoolID: Int?, iExclusive: Int?, iAppName: Int?, iAppID: Int?, iOrganization: Int?, iAccount: Int?
        // Texts repeat from row to row (a pool's name on each of its hours): one String per run of equal bytes.
        private var poolNames = TextCache(), organizations = TextCache(), accounts = TextCache()
        private var appNames = TextCache(), appIDs = TextCache()
        private var poolNameHasControl = false
        /// Keys met earlier in the file (see ``DuplicateRows``).
        private var duplicates: DuplicateRows

        /// Reads the header row of `stream` (the file named `file` in messages).
        /// - Throws: ``StoreError/unreadableFile(file:reason:)`` for an empty file, a header that looks like another
        ///   locale's or a delimiter that is not ASCII; ``StoreError/missingColumn(file:column:found:)``.
        public init(_ stream: CSVByteStream, file: String, wallTimeZone: TimeZone?, format: Format = Format())
            throws(StoreError)
        {
            self.stream = stream
            self.file = file
            self.wallTimeZone = wallTimeZone
            self.format = format
            guard let d = format.delimiter.unicodeScalars.first, format.delimiter.unicodeScalars.count == 1,
                  d.value < 0x80, d != "\"", d != "\n", d != "\r"
            else {
                throw .unreadableFile(file: file, reason: "the delimiter '\(format.delimiter)' is not one ASCII character; use ',', ';', '|' or tab")
            }
            decimalComma = format.decimalSeparator == ","
            duplicates = DuplicateRows(file: file)
            var header: [String] = []
            var any = false
            var cursor = RowCursor(stream: stream, delimiter: Int32(d.value))
            if try cursor.readRow() {
                any = true
                header = cursor.fields.map { String(decoding: cursor.bytes[$0], as: UTF8.self) }
            }
            self.cursor = cursor
            guard any, !header.isEmpty, header != [""] else {
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
            iStart = try index("START_TIME", required: true)!
            iEnd = try index("END_TIME", required: true)!
            iPool = try index("COMPUTE_POOL_NAME", required: true)!
            iCredits = try index("CREDITS_USED", required: true)!
            iPoolID = try index("COMPUTE_POOL_ID", required: false)
            iExclusive = try index("IS_EXCLUSIVE", required: false)
            iAppName = try index("APPLICATION_NAME", required: false)
            iAppID = try index("APPLICATION_ID", required: false)
            iOrganization = try index("ORGANIZATION_NAME", required: false)
            iAccount = try index("ACCOUNT_NAME", required: false)
        }

        /// The error for a file whose header row is followed by no data row.
        public var noDataRows: StoreError {
            .unreadableFile(file: file, reason: "it has a header row but no data rows; export the period again with its rows")
        }

        /// The next data row (blank lines skipped), or nil at the end of the file. Repeated keys are not filtered
        /// here: ask ``duplicates``.
        /// - Throws: ``StoreError/badCell(file:line:column:value:fix:)`` for the first bad cell of the row,
        ///   ``StoreError/unreadableFile(file:reason:)`` when the bytes are not UTF-8 or cannot be read.
        public mutating func next() throws(StoreError) -> Row? {
            while try cursor.readRow() {
                line += 1
                if cursor.fields.count == 1, Self.trimmed(cursor.fields[0], &cursor.bytes) == nil { continue }
                return try row()
            }
            return nil
        }

        // MARK: - Cells

        /// The cell's bytes without surrounding whitespace (Unicode `Zs` and tab, as Foundation's `.whitespaces`),
        /// or nil when empty.
        private static func trimmed(_ field: Range<Int>, _ bytes: inout [UInt8]) -> Range<Int>? {
            var s = field.lowerBound, e = field.upperBound
            while s < e, bytes[s] == 0x20 || bytes[s] == 0x09 { s += 1 }
            while e > s, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 { e -= 1 }
            guard s < e else { return nil }
            if bytes[s] >= 0x80 || bytes[e - 1] >= 0x80 {
                // Perhaps other Unicode spaces (U+00A0, U+3000) at an end: trim as text.
                let text = String(decoding: bytes[field], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { return nil }
                let at = bytes.count
                bytes.append(contentsOf: text.utf8)
                return at..<bytes.count
            }
            return s..<e
        }

        private mutating func row() throws(StoreError) -> Row {
            let fields = cursor.fields
            func cell(_ i: Int?) -> Range<Int>? {
                guard let i, i < fields.count else { return nil }
                return Self.trimmed(fields[i], &cursor.bytes)
            }
            let line = self.line
            let file = self.file
            func text(_ r: Range<Int>?) -> String? { r.map { String(decoding: cursor.bytes[$0], as: UTF8.self) } }
            func bad(_ column: String, _ value: String?, _ fix: String) -> StoreError {
                .badCell(file: file, line: line, column: column, value: value ?? "", fix: fix)
            }
            let startCell = cell(iStart), endCell = cell(iEnd)
            let start = try Self.instant("START_TIME", startCell, cursor.bytes, wallTimeZone, bad)
            let end = try Self.instant("END_TIME", endCell, cursor.bytes, wallTimeZone, bad)
            guard end.date > start.date else {
                throw bad("END_TIME", text(endCell), "is not after START_TIME; check the columns are not swapped")
            }
            guard let poolCell = cell(iPool) else {
                throw bad("COMPUTE_POOL_NAME", nil, "is empty; every row needs the pool's name")
            }
            guard let creditsCell = cell(iCredits) else {
                throw bad("CREDITS_USED", nil, "is empty; every row needs the credits used")
            }
            guard let credits = Self.credits(cursor.bytes[creditsCell], decimalComma: decimalComma) else {
                throw Self.creditsError(text(creditsCell)!, decimalComma: decimalComma, bad)
            }
            var poolID: Int64?
            if let r = cell(iPoolID) {
                guard let n = Self.wholeNumber(cursor.bytes[r]), n >= 0 else {
                    throw bad("COMPUTE_POOL_ID", text(r), "is not a whole number 0 or more")
                }
                poolID = n
            }
            var exclusive: Bool?
            if let r = cell(iExclusive) {
                // ASCII compared byte by byte with its letters lower-cased; other text as String.lowercased() reads it.
                let c = cursor.bytes[r]
                func lowerIs(_ word: String) -> Bool {
                    c.count == word.utf8.count && zip(c, word.utf8).allSatisfy { ($0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0) == $1 }
                }
                let lower = c.allSatisfy({ $0 < 0x80 }) ? nil : text(r)!.lowercased()
                if lower.map({ $0 == "true" || $0 == "1" }) ?? (lowerIs("true") || lowerIs("1")) {
                    exclusive = true
                } else if lower.map({ $0 == "false" || $0 == "0" }) ?? (lowerIs("false") || lowerIs("0")) {
                    exclusive = false
                } else {
                    throw bad("IS_EXCLUSIVE", text(r), "is not true or false")
                }
            }
            let (pool, newName) = poolNames.text(cursor.bytes, poolCell)
            if newName { poolNameHasControl = pool.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }
            let organization = iOrganization.flatMap { cell($0) }.map { organizations.text(cursor.bytes, $0, upperCased: true).0 } ?? ""
            let account = iAccount.flatMap { cell($0) }.map { accounts.text(cursor.bytes, $0, upperCased: true).0 } ?? ""
            let record = UsageRecord(
                startTime: start.date, endTime: end.date, computePoolName: pool, computePoolID: poolID,
                isExclusive: exclusive, applicationName: cell(iAppName).map { appNames.text(cursor.bytes, $0).0 },
                // APPLICATION_ID as text whatever the export's type for it (`9101`, `9101.0`: one ID).
                applicationID: UsageRecord.applicationIDText(cell(iAppID).map { appIDs.text(cursor.bytes, $0).0 }),
                creditsUsed: credits,
                organization: organization, account: account)
            // The checks of `UsageRecord.problem`, in its order, with the name's checked once per name.
            let problem: UsageRecord.Problem?
            if credits.value < 0 { problem = .negativeCredits }
            else if credits > UsageRecord.maximumCreditsUsed { problem = .creditsAboveMaximum }
            else if !UsageRecord.instantRange.contains(start.date) { problem = .instantOutOfRange(isStart: true) }
            else if !UsageRecord.instantRange.contains(end.date) { problem = .instantOutOfRange(isStart: false) }
            else if poolNameHasControl { problem = .controlCharacterInPoolName }
            else { problem = nil }
            if let problem {
                let value = problem == .controlCharacterInPoolName ? UsageRecord.visible(pool)
                    : text(problem.column == "CREDITS_USED" ? creditsCell : problem.column == "START_TIME" ? startCell : endCell)
                throw bad(problem.column, value, problem.description)
            }
            var row = Row(record: record, line: line, wholeSeconds: start.whole && end.whole)
            duplicates.note(&row)
            if row.repeats != nil { row.startText = text(startCell) }
            return row
        }

        /// Reads a timestamp cell: a byte-level reading of the common shapes (an offset, no fraction of a second
        /// other than zeros), else ``TimestampText`` (wall times, fractions) with its exact result and errors.
        private static func instant(_ column: String, _ cell: Range<Int>?, _ bytes: [UInt8], _ wallTimeZone: TimeZone?,
                                    _ bad: (String, String?, String) -> StoreError) throws(StoreError) -> (date: Date, whole: Bool) {
            guard let cell else { throw bad(column, nil, "is empty; every row needs a \(column)") }
            if let seconds = bytes.withUnsafeBufferPointer({ Self.wholeSecondInstant(UnsafeBufferPointer(rebasing: $0[cell])) }) {
                return (Date(timeIntervalSince1970: TimeInterval(seconds)), true)
            }
            let v = String(decoding: bytes[cell], as: UTF8.self)
            let reading: TimestampText.Reading
            do { reading = try TimestampText.read(v) } catch {
                throw bad(column, v, "is not a timestamp; expected 2024-04-09 10:00:00.000 -0700 or 2024-04-09T10:00:00-07:00")
            }
            let date: Date
            switch reading {
            case let .instant(d, _):
                date = d
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
                date = candidates[0].addingTimeInterval(NSDecimalNumber(decimal: fraction).doubleValue)
            }
            return (date, date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970)
        }

        // MARK: - Byte-level readers of the common shapes (anything else takes the general path)

        /// Epoch seconds of `YYYY-MM-DD(T| +)HH:MM[:SS[.000…]] *(Z|±HH[:]MM)`, exactly as ``TimestampText/read(_:)``
        /// reads it; nil for any other text (a wall time without offset, a fraction other than zeros, an error).
        static func wholeSecondInstant(_ c: UnsafeBufferPointer<UInt8>) -> Int64? {
            var i = 0
            let n = c.count
            func digits(_ k: Int) -> Int? {
                guard i + k <= n else { return nil }
                var v = 0
                for j in 0..<k {
                    let d = c[i + j] &- 48
                    guard d <= 9 else { return nil }
                    v = v * 10 + Int(d)
                }
                i += k
                return v
            }
            func expect(_ b: UInt8) -> Bool {
                guard i < n, c[i] == b else { return false }
                i += 1
                return true
            }
            guard let y = digits(4), expect(0x2D), let mo = digits(2), expect(0x2D), let d = digits(2),
                  let date = CivilDate(year: y, month: mo, day: d), i < n, c[i] == 0x54 || c[i] == 0x20
            else { return nil }
            i += 1
            while i < n, c[i] == 0x20 { i += 1 }
            guard let h = digits(2), expect(0x3A), let mi = digits(2) else { return nil }
            var s = 0
            if expect(0x3A) {
                guard let sec = digits(2) else { return nil }
                s = sec
                if expect(0x2E) {
                    let first = i
                    while i < n, c[i] == 0x30 { i += 1 }
                    guard i > first, i == n || !(c[i] >= 0x30 && c[i] <= 0x39) else { return nil }
                }
            }
            guard h < 24, mi < 60, s < 60 else { return nil }
            while i < n, c[i] == 0x20 { i += 1 }
            guard i < n else { return nil }
            var offset = 0
            if c[i] == 0x5A || c[i] == 0x7A {
                i += 1
            } else if c[i] == 0x2B || c[i] == 0x2D {
                let sign = c[i] == 0x2D ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(0x3A)
                guard let om = digits(2), oh <= 18, om < 60 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
            guard i == n else { return nil }
            return LocalDateTime(date: date, hour: h, minute: mi, second: s).secondsAsIfUTC - Int64(offset)
        }

        /// CREDITS_USED as nano-credits, as ``NanoCredits/init(parsing:)`` reads it (with `,` for `.` under a decimal
        /// comma); nil when it is not such a number.
        static func credits(_ c: ArraySlice<UInt8>, decimalComma: Bool) -> NanoCredits? {
            let separator: UInt8 = decimalComma ? 0x2C : 0x2E
            var i = c.startIndex
            let end = c.endIndex
            var negative = false
            if i < end, c[i] == 0x2D { negative = true; i += 1 } else if i < end, c[i] == 0x2B { i += 1 }
            var whole: Int64 = 0
            var wholeDigits = 0
            while i < end, c[i] != separator {
                let d = c[i] &- 48
                guard d <= 9 else { return nil }
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                guard !o1, !o2 else { return nil }
                whole = a
                wholeDigits += 1
                i += 1
            }
            var fraction: Int64 = 0
            var fractionDigits = 0
            if i < end {
                i += 1
                while i < end {
                    let d = c[i] &- 48
                    guard d <= 9, fractionDigits < 9 else { return nil }
                    fraction = fraction * 10 + Int64(d)
                    fractionDigits += 1
                    i += 1
                }
            }
            guard wholeDigits + fractionDigits > 0 else { return nil }
            for _ in fractionDigits..<9 { fraction *= 10 }
            let (scaled, o3) = whole.multipliedReportingOverflow(by: 1_000_000_000)
            guard !o3 else { return nil }
            let (sum, o4) = scaled.addingReportingOverflow(fraction)
            guard !o4 else { return nil }
            return NanoCredits(negative ? -sum : sum)
        }

        /// Why the CREDITS_USED text `raw` is refused (the messages of the text-level reading).
        static func creditsError(_ raw: String, decimalComma: Bool,
                                 _ bad: (String, String?, String) -> StoreError) -> StoreError {
            var creditsText = raw
            if decimalComma {
                guard !creditsText.contains(".") else {
                    return bad("CREDITS_USED", creditsText, "has a '.' while --decimal-separator is ','; write the number without thousands separators")
                }
                creditsText = creditsText.replacingOccurrences(of: ",", with: ".")
            }
            if let credits = NanoCredits(parsing: creditsText) {
                // Not reached: the byte-level reading accepts what this accepts. Kept so no text slips through.
                let problem: UsageRecord.Problem = credits.value < 0 ? .negativeCredits : .creditsAboveMaximum
                return bad("CREDITS_USED", creditsText, problem.description)
            }
            // A plain decimal of at most 9 fraction digits fails only by being too large for the cache.
            let fraction = creditsText.split(separator: ".", maxSplits: 1).dropFirst().first
            if ExactDecimal.parse(creditsText) != nil, (fraction?.count ?? 0) <= 9 {
                let problem: UsageRecord.Problem = creditsText.hasPrefix("-") ? .negativeCredits : .creditsAboveMaximum
                return bad("CREDITS_USED", creditsText, problem.description)
            }
            let fix = creditsText.contains(",")
                ? "is not a decimal; pass --decimal-separator ',' for a file written with decimal commas, or export with '.' as the decimal separator and no thousands separator"
                : "is not a decimal with at most 9 fraction digits (CREDITS_USED is NUMBER(38,9))"
            return bad("CREDITS_USED", creditsText, fix)
        }

        /// A whole number as `Int64(String)` reads it (an optional sign, then digits); nil otherwise.
        static func wholeNumber(_ c: ArraySlice<UInt8>) -> Int64? {
            var i = c.startIndex
            var negative = false
            if i < c.endIndex, c[i] == 0x2D || c[i] == 0x2B { negative = c[i] == 0x2D; i += 1 }
            guard i < c.endIndex else { return nil }
            var v: Int64 = 0
            while i < c.endIndex {
                let d = c[i] &- 48
                guard d <= 9 else { return nil }
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
                guard !o1, !o2 else { return nil }
                v = a
                i += 1
            }
            return v
        }
    }
}

/// One String per run of equal byte strings (a pool's name repeats on each of its hours).
struct TextCache {
    private var last: [UInt8] = []
    private var value = ""
    private var valid = false

    /// The text of `bytes[range]` (upper-cased when asked), and whether it differs from the last one.
    mutating func text(_ bytes: [UInt8], _ range: Range<Int>, upperCased: Bool = false) -> (String, Bool) {
        if valid, last.count == range.count,
           last.withUnsafeBytes({ a in bytes.withUnsafeBytes { b in memcmp(a.baseAddress!, b.baseAddress! + range.lowerBound, range.count) == 0 } }) {
            return (value, false)
        }
        last = Array(bytes[range])
        let s = String(decoding: last, as: UTF8.self)
        value = upperCased ? s.uppercased() : s
        valid = true
        return (value, true)
    }
}

/// Reads CSV records (RFC 4180 as CSV.swift 2.5 reads it: a quote inside an unquoted field is kept; after a
/// closing quote, a character other than the delimiter, a line break or another quote keeps the quote and drops
/// that character) from a byte stream into `bytes` and `fields`.
struct RowCursor {
    let stream: CSVByteStream
    let delimiter: Int32
    var bytes: [UInt8] = []
    var fields: [Range<Int>] = []
    var pushedBack: Int32?

    init(stream: CSVByteStream, delimiter: Int32, bytes: [UInt8] = [], fields: [Range<Int>] = [], pushedBack: Int32? = nil) {
        self.stream = stream
        self.delimiter = delimiter
        self.bytes = bytes
        self.fields = fields
        self.pushedBack = pushedBack
    }

    @inline(__always)
    private mutating func next() throws(StoreError) -> Int32 {
        if let b = pushedBack { pushedBack = nil; return b }
        return try stream.next()
    }

    /// Reads one record; false at the end of the input.
    mutating func readRow() throws(StoreError) -> Bool {
        bytes.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        var c = try next()
        if c < 0 { return false }
        while true {
            let start = bytes.count
            let end: Bool
            if c < 0 {
                end = true
            } else if c == 0x22 {
                end = try readQuoted()
            } else {
                // An unquoted field: its first byte is `c`, the rest a run up to the delimiter or line end.
                var terminator = c
                if c != delimiter && c != 0x0A && c != 0x0D {
                    bytes.append(UInt8(truncatingIfNeeded: c))
                    terminator = try stream.appendUnquoted(delimiter: UInt8(truncatingIfNeeded: delimiter), to: &bytes)
                }
                if terminator == 0x0D {
                    let n = try next()
                    if n != 0x0A { pushedBack = n < 0 ? nil : n }
                }
                end = terminator != delimiter
            }
            fields.append(start..<bytes.count)
            if end { return true }
            c = try next()
        }
    }

    /// Reads the rest of a quoted field (after its opening quote); true when it ended the record.
    private mutating func readQuoted() throws(StoreError) -> Bool {
        while true {
            let c = try next()
            if c < 0 { return true }
            if c == 0x22 {
                let n = try next()
                if n < 0 || n == 0x0D || n == 0x0A {
                    if n == 0x0D {
                        let nn = try next()
                        if nn != 0x0A { pushedBack = nn < 0 ? nil : nn }
                    }
                    return true
                } else if n == delimiter {
                    return false
                } else {
                    // `""` is a quote; any other character after a quote is dropped (all of its UTF-8 bytes) and
                    // the quote kept.
                    bytes.append(0x22)
                    if n >= 0xC0 {
                        for _ in 0..<(n >= 0xF0 ? 3 : n >= 0xE0 ? 2 : 1) { _ = try next() }
                    }
                }
            } else {
                bytes.append(UInt8(truncatingIfNeeded: c))
            }
        }
    }
}

/// Finds rows that repeat an earlier row's key (organization, account, pool name, COMPUTE_POOL_ID, START_TIME):
/// an exact repeat is dropped, a repeat with other values refused naming both lines. The reader notes each row's
/// earlier line here as it reads; the writer compares the two rows (``SnowsightCSV/Row/isFirstOfItsKey(file:earlier:)``).
///
/// Memory: the line of each key's first row, 4 bytes per pool and hour in blocks of 1,024 hours (about 40 MB for a
/// year of 1,000 pools), not the rows themselves; the earlier row's values come from the caller (the cache, or the
/// rows kept in memory). Rows with a fraction of a second in START_TIME or END_TIME (not seen in real exports) are
/// kept whole.
struct DuplicateRows {
    struct Identity: Hashable {
        var pool: String
        var organization: String
        var account: String
        var poolID: Int64
    }

    struct Exact: Hashable {
        var identity: Int32
        var second: Int64
    }

    private let file: String
    private var identities: [Identity: Int32] = [:]
    private var lastIdentity: (Identity, Int32)?
    private var blockIndex: [Int64: Int] = [:]
    private var blocks: [[UInt32]] = []
    private var lastBlock: (key: Int64, index: Int) = (.min, 0)
    private var offTheHour: [Exact: Int] = [:]
    private var fractional: [Exact: UsageRecord] = [:]
    private static let blockHours: Int64 = 1024

    init(file: String) { self.file = file }

    /// Marks `row` with the line of an earlier row of its key, if any (and that row, when it had a fraction of a
    /// second); rows pass here in file order. ``SnowsightCSV/Row/isFirstOfItsKey(file:earlier:)`` then decides.
    mutating func note(_ row: inout SnowsightCSV.Row) {
        let r = row.record
        let identity: Int32
        if let (last, index) = lastIdentity, last.pool == r.computePoolName, last.organization == r.organization,
           last.account == r.account, last.poolID == (r.computePoolID ?? -1) {
            identity = index
        } else {
            let key = Identity(pool: r.computePoolName, organization: r.organization, account: r.account,
                               poolID: r.computePoolID ?? -1)
            if let index = identities[key] {
                identity = index
            } else {
                identity = Int32(identities.count)
                identities[key] = identity
            }
            lastIdentity = (key, identity)
        }
        let second = Int64(r.startTime.timeIntervalSince1970)
        let exact = Exact(identity: identity, second: second)
        var previous: Int?
        if second % 3600 == 0 {
            let hour = second / 3600
            let block = hour >= 0 ? hour / Self.blockHours : (hour - Self.blockHours + 1) / Self.blockHours
            let slot = Int(hour - block * Self.blockHours)
            let key = Int64(identity) << 32 | (block & 0xFFFF_FFFF)
            if lastBlock.key != key {
                if let index = blockIndex[key] {
                    lastBlock = (key, index)
                } else {
                    blocks.append([UInt32](repeating: 0, count: Int(Self.blockHours)))
                    blockIndex[key] = blocks.count - 1
                    lastBlock = (key, blocks.count - 1)
                }
            }
            let seen = blocks[lastBlock.index][slot]
            if seen != 0 {
                previous = Int(seen)
            } else {
                blocks[lastBlock.index][slot] = UInt32(clamping: row.line)
            }
        } else if let seen = offTheHour[exact] {
            previous = seen
        } else {
            offTheHour[exact] = row.line
        }
        guard let previous else {
            if !row.wholeSeconds { fractional[exact] = r }
            return
        }
        row.repeats = previous
        row.earlierFractional = fractional[exact]
    }
}
