import CSV
import Foundation
import GRDB
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// The streamed import (issue 13) accepts and refuses exactly what the whole-file reader before it did: a
/// differential test against that reader (kept here as the oracle, CSV.swift based, as of commit eb95562) over
/// thousands of generated files, and the cases a stream adds: chunk boundaries, standard input, a failure after
/// the first chunk, and rows repeated far apart.
@Suite struct StreamingImportTests {
    // MARK: - The oracle

    enum Legacy {
        typealias Parsed = SnowsightCSV.Parsed
        typealias Format = SnowsightCSV.Format
        static func parse(_ data: Data, file: String, wallTimeZone: TimeZone?, format: Format = Format())
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

    // MARK: - Generated files

    /// SplitMix64: the same files on every run.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let columns = ["START_TIME", "END_TIME", "COMPUTE_POOL_NAME", "CREDITS_USED", "COMPUTE_POOL_ID",
                          "IS_EXCLUSIVE", "APPLICATION_NAME", "APPLICATION_ID", "ORGANIZATION_NAME", "ACCOUNT_NAME",
                          "WAREHOUSE"]

    static func cell(_ column: String, hour: Int, _ g: inout Seeded) -> String {
        func pick(_ values: [String]) -> String { values.randomElement(using: &g)! }
        let h = String(format: "%02d", hour % 24), h1 = String(format: "%02d", (hour + 1) % 24)
        let d = 9 + hour / 24
        switch column {
        case "START_TIME", "END_TIME":
            let hh = column == "START_TIME" ? h : h1
            let dd = column == "END_TIME" && hour % 24 == 23 ? d + 1 : d
            return pick(["2024-04-\(dd)T\(hh):00:00Z", "2024-04-\(dd) \(hh):00:00.000 +0000", "2024-04-\(dd) \(hh):00:00.000 -0700",
                         "2024-04-\(dd)T\(hh):00:00+09:00", "2024-04-\(dd) \(hh):00:00", "2024-04-\(dd)T\(hh):00:00.5Z",
                         "2024-04-\(dd)T\(hh):30Z", "2024-04-\(dd)T\(hh):00:00.000000Z", " 2024-04-\(dd)T\(hh):00:00Z ",
                         "2024-02-30T10:00:00Z", "2024-04-\(dd)T\(hh):00:00z", "2024-04-\(dd)T\(hh):00:00+0930", "yesterday", "",
                         "0000-01-01T00:00:00Z", "2024-04-\(dd)T\(hh):00:00+19:00", "2024-04-\(dd)T24:00:00Z"])
        case "COMPUTE_POOL_NAME":
            return pick(["P", "P", "Q", "POOL_0001_CPU_X64_XS", "\"P,Q\"", "\"say \"\"hi\"\"\"", " P ", "", "P\u{1}", "Pé",
                         "\"two\nlines\"", "\u{00A0}P\u{00A0}", "\"x\"y"])
        case "CREDITS_USED":
            return pick(["0.06", "1", "0.060000000", "-0.1", "0,5", "\"0,5\"", "1e3", "123456789012", "0.0000000001", " 0.5 ",
                         "", "+2", ".5", "5.", ".", "-", "100000", "100000.000000001", "9223372036.854775808", "1.2.3"])
        case "COMPUTE_POOL_ID":
            return pick(["101", "101", "102", "", "-1", "+5", "x", "007", "99999999999999999999"])
        case "IS_EXCLUSIVE":
            return pick(["true", "FALSE", "1", "0", "maybe", "", "True "])
        case "APPLICATION_NAME", "APPLICATION_ID":
            return pick(["", "", "APP", "42", "\"a;b\""])
        case "ORGANIZATION_NAME", "ACCOUNT_NAME":
            return pick(["", "org", "ACC", "acc"])
        default:
            return pick(["", "x"])
        }
    }

    /// A small export: a header of a random choice and order of columns, rows of mostly valid cells, now and then a
    /// repeated hour, a blank line, CR LF or CR line ends, a semicolon file with decimal commas.
    static func file(_ seed: UInt64) -> (text: String, format: SnowsightCSV.Format, zone: TimeZone?) {
        var g = Seeded(state: seed)
        var names = columns.shuffled(using: &g)
        if Int.random(in: 0..<20, using: &g) != 0 {
            names = names.filter { ["START_TIME", "END_TIME", "COMPUTE_POOL_NAME", "CREDITS_USED"].contains($0) || Bool.random(using: &g) }
        } else {
            names = Array(names.prefix(Int.random(in: 0...4, using: &g)))
        }
        let semicolon = Int.random(in: 0..<6, using: &g) == 0
        let delimiter = semicolon ? ";" : ","
        let end = ["\n", "\n", "\n", "\r\n", "\r"].randomElement(using: &g)!
        var text = (Bool.random(using: &g) ? "\u{FEFF}" : "") + names.map { Bool.random(using: &g) ? $0.lowercased() : $0 }
            .joined(separator: delimiter) + end
        var rows: [String] = []
        for _ in 0..<Int.random(in: 0...8, using: &g) {
            if Int.random(in: 0..<8, using: &g) == 0, let earlier = rows.randomElement(using: &g) {
                rows.append(earlier)
                continue
            }
            if Int.random(in: 0..<10, using: &g) == 0 { rows.append(""); continue }
            let hour = Int.random(in: 0..<200, using: &g)
            // Valid cells, but in one row of ten one cell may be anything.
            let wild = Int.random(in: 0..<10, using: &g) == 0 ? names.randomElement(using: &g) : nil
            var cells: [String] = []
            for name in names {
                var value = cell(name, hour: hour, &g)
                if name != wild {
                    switch name {
                    case "START_TIME": value = "2024-04-\(9 + hour / 24)T\(String(format: "%02d", hour % 24)):00:00Z"
                    case "END_TIME":
                        value = hour % 24 == 23 ? "2024-04-\(10 + hour / 24)T00:00:00Z"
                            : "2024-04-\(9 + hour / 24)T\(String(format: "%02d", hour % 24 + 1)):00:00Z"
                    case "CREDITS_USED": value = ["0.06", "0.5", "1", "0.123456789"].randomElement(using: &g)!
                    case "COMPUTE_POOL_NAME": value = ["P", "Q", "\"P,Q\""].randomElement(using: &g)!
                    case "COMPUTE_POOL_ID": value = ["101", "102", ""].randomElement(using: &g)!
                    case "IS_EXCLUSIVE": value = ["true", "FALSE", ""].randomElement(using: &g)!
                    case "APPLICATION_NAME", "APPLICATION_ID": value = ["", "APP"].randomElement(using: &g)!
                    case "ORGANIZATION_NAME", "ACCOUNT_NAME": value = ["", "org"].randomElement(using: &g)!
                    default: break
                    }
                }
                if semicolon, name == "CREDITS_USED" { value = value.replacingOccurrences(of: ".", with: ",") }
                cells.append(value)
            }
            if Int.random(in: 0..<15, using: &g) == 0, !cells.isEmpty { cells.removeLast() }
            rows.append(cells.joined(separator: delimiter))
        }
        text += rows.joined(separator: end) + (Bool.random(using: &g) ? end : "")
        let format = semicolon ? SnowsightCSV.Format(delimiter: ";", decimalSeparator: Bool.random(using: &g) ? "," : ".")
            : SnowsightCSV.Format()
        return (text, format, Bool.random(using: &g) ? TimeZone(identifier: "America/Los_Angeles")! : nil)
    }

    enum Outcome<T> {
        case success(T)
        case failure(String)
    }

    static func outcome<T>(_ body: () throws -> T) -> Outcome<T> {
        do { return .success(try body()) } catch { return .failure("\(error)") }
    }

    // MARK: - Tests

    @Test func theStreamedReaderAgreesWithTheWholeFileReaderOnGeneratedFiles() throws {
        var accepted = 0, refused = 0
        for seed in UInt64(1)...4000 {
            let (text, format, zone) = Self.file(seed)
            let data = Data(text.utf8)
            let old = Self.outcome { try Legacy.parse(data, file: "g.csv", wallTimeZone: zone, format: format) }
            let new = Self.outcome { try SnowsightCSV.parse(data, file: "g.csv", wallTimeZone: zone, format: format) }
            switch (old, new) {
            case let (.success(a), .success(b)):
                accepted += 1
                #expect(a.records == b.records && a.checksum == b.checksum, "seed \(seed): \(text.debugDescription)")
            case let (.failure(a), .failure(b)):
                refused += 1
                // The one deliberate change: an empty file said "it is not CSV (cannotReadHeaderRow)".
                let expected = a == "g.csv: it is not CSV (cannotReadHeaderRow)."
                    ? "g.csv: the file is empty; it needs a header row and data rows." : a
                #expect(expected == b, "seed \(seed): \(text.debugDescription)")
            default:
                Issue.record("seed \(seed): \(old) vs \(new) for \(text.debugDescription)")
            }
            // The streamed import into a cache agrees with the old reader's rows loaded the old way.
            let streamed = try UsageCache(.memory)
            let imported = Self.outcome {
                try streamed.importSnowsightCSV(from: CSVByteStream(data: data, file: "g.csv"), file: "g.csv",
                                                wallTimeZone: zone, format: format,
                                                as: .init(kind: "import", source: "g.csv", checksum: "", loadedAt: Date(timeIntervalSince1970: 0)))
            }
            switch (old, imported) {
            case let (.success(a), .success(b)):
                let reference = try UsageCache(.memory)
                let load = try reference.load(a.records, as: .init(kind: "import", source: "g.csv", checksum: a.checksum,
                                                                   loadedAt: Date(timeIntervalSince1970: 0)))
                #expect(try streamed.keyedRecords() == reference.keyedRecords(), "seed \(seed)")
                let rowsAgree = b.rows == a.records.count
                let loadAgrees = b.load == load
                let checksumAgrees = b.checksum == a.checksum
                #expect(rowsAgree && loadAgrees && checksumAgrees, "seed \(seed)")
                #expect(try streamed.loads().map(\.checksum) == [a.checksum])
            case (.failure, .failure):
                #expect(try streamed.keyedRecords().isEmpty && streamed.loads().isEmpty, "seed \(seed)")
            default:
                Issue.record("seed \(seed): \(old) vs import \(imported)")
            }
        }
        // Both kinds are well represented.
        #expect(accepted > 600 && refused > 600, "accepted \(accepted), refused \(refused)")
    }

    @Test func theRecordReaderAgreesWithCSVSwiftOnGeneratedText() throws {
        var g = Seeded(state: 7)
        let alphabet: [String] = ["a", "b", ",", ",", "\"", "\"", "\r", "\n", "\r\n", " ", "é", ";"]
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 1...30, using: &g)).map { _ in alphabet.randomElement(using: &g)! }.joined()
            let reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: false, delimiter: ",")
            var expected: [[String]] = []
            while let row = reader.next() { expected.append(row) }
            var cursor = RowCursor(stream: CSVByteStream(data: Data(text.utf8), file: "t"), delimiter: 0x2C)
            var actual: [[String]] = []
            while try cursor.readRow() {
                actual.append(cursor.fields.map { String(decoding: cursor.bytes[$0], as: UTF8.self) })
            }
            #expect(actual == expected, "\(text.debugDescription)")
        }
    }

    /// A file of `hours` hourly rows for each of `pools` pools, sorted by pool then hour; `extra` is appended.
    static func bigFile(pools: Int, hours: Int, name: (Int) -> String = { "POOL_\($0)_é" }, extra: String = "") -> String {
        var text = "START_TIME,END_TIME,COMPUTE_POOL_NAME,COMPUTE_POOL_ID,CREDITS_USED\n"
        let start = 1_711_929_600  // 2024-04-01T00:00:00Z
        let f = ISO8601DateFormatter()
        for p in 0..<pools {
            for h in 0..<hours {
                let s = f.string(from: Date(timeIntervalSince1970: TimeInterval(start + h * 3600)))
                let e = f.string(from: Date(timeIntervalSince1970: TimeInterval(start + (h + 1) * 3600)))
                text += "\(s),\(e),\(name(p)),\(100 + p),0.\(String(format: "%09d", (p * 7919 + h * 104_729) % 1_000_000_000))\n"
            }
        }
        return text + extra
    }

    static func importFile(_ text: String, into cache: UsageCache, dir: TemporaryDirectory, name: String = "big.csv")
        throws -> UsageCache.CSVImport
    {
        let path = dir.path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try cache.importSnowsightCSV(from: CSVByteStream.open(path: path, file: name), file: name,
                                            wallTimeZone: nil,
                                            as: .init(kind: "import", source: name, checksum: "", loadedAt: Date(timeIntervalSince1970: 0)))
    }

    @Test func aFileOfManyChunksImportsAsTheWholeFileReaderReadsIt() throws {
        // 3.2 MB in 1 MiB chunks: rows and two-byte characters (é) cut by the chunk ends.
        let text = Self.bigFile(pools: 64, hours: 24 * 31)
        #expect(text.utf8.count > 3 * CSVByteStream.chunkBytes)
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("c.sqlite")))
        let result = try Self.importFile(text, into: cache, dir: dir)
        let whole = try Legacy.parse(Data(text.utf8), file: "big.csv", wallTimeZone: nil)
        #expect(result.rows == 64 * 744 && result.load.inserted == 64 * 744)
        #expect(result.checksum == whole.checksum && result.checksum == sha256Hex(Data(text.utf8)))
        #expect(try cache.keyedRecords() == whole.records.sorted {
            ($0.computePoolName, $0.startTime) < ($1.computePoolName, $1.startTime)
        })
        // The load records the file's checksum and its window: 2024-04-01T00:00Z to 2024-05-02T00:00Z.
        let row = try DatabaseQueue(path: dir.path("c.sqlite")).read {
            try Row.fetchOne($0, sql: "SELECT checksum, window_start, window_end, row_count FROM loads")!
        }
        #expect(row[0] as String == whole.checksum && row[1] as Int64 == 1_711_929_600
                && row[2] as Int64 == 1_711_929_600 + 744 * 3600 && row[3] as Int == 64 * 744)
        // Importing it again changes nothing.
        let again = try Self.importFile(text, into: cache, dir: dir)
        #expect(again.load.inserted == 0 && again.load.updated == 0 && again.load.unchanged == 64 * 744)
    }

    @Test func aBadRowAfterManyChunksLeavesTheCacheAsItWas() throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("c.sqlite")))
        let first = try Self.importFile(Self.bigFile(pools: 1, hours: 24), into: cache, dir: dir, name: "day.csv")
        #expect(first.rows == 24)
        let before = try cache.keyedRecords()
        let series = try DatabaseQueue(path: dir.path("c.sqlite")).read { try Data.fetchAll($0, sql: "SELECT hours FROM spcs_series") }
        // 47,616 good rows over 3.2 MB, then a negative CREDITS_USED on the last line.
        let bad = Self.bigFile(pools: 64, hours: 24 * 31,
                               extra: "2024-06-01T00:00:00Z,2024-06-01T01:00:00Z,POOL_0_é,100,-0.5\n")
        #expect {
            try Self.importFile(bad, into: cache, dir: dir)
        } throws: { "\($0)" == "big.csv line 47618: CREDITS_USED '-0.5' is negative; SPCS usage is never below zero, so check the column is CREDITS_USED" }
        #expect(try cache.keyedRecords() == before)
        #expect(try cache.loads().count == 1)
        #expect(try DatabaseQueue(path: dir.path("c.sqlite")).read { try Data.fetchAll($0, sql: "SELECT hours FROM spcs_series") } == series)
        // Bytes that are not UTF-8 in the third chunk: refused, nothing written.
        var invalid = Data(Self.bigFile(pools: 64, hours: 24 * 31).utf8)
        invalid[3 * CSVByteStream.chunkBytes - 10] = 0xFF
        try invalid.write(to: URL(fileURLWithPath: dir.path("latin1.csv")))
        #expect {
            try cache.importSnowsightCSV(from: CSVByteStream.open(path: dir.path("latin1.csv"), file: "latin1.csv"),
                                         file: "latin1.csv", wallTimeZone: nil,
                                         as: .init(kind: "import", source: "latin1.csv", checksum: "", loadedAt: Date()))
        } throws: { "\($0)" == "latin1.csv: the file is not UTF-8 text; export it again as CSV (UTF-8)." }
        #expect(try cache.keyedRecords() == before && cache.loads().count == 1)
    }

    @Test func aRowRepeatedFarApartIsDroppedOrRefusedWithBothLines() throws {
        let dir = try TemporaryDirectory()
        let body = Self.bigFile(pools: 3, hours: 24 * 40)
        // Pool 0's first hour again at the end, exactly: kept once.
        let firstRow = body.split(separator: "\n")[1]
        let cache = try UsageCache(.path(dir.path("c.sqlite")))
        let same = try Self.importFile(body + firstRow + "\n", into: cache, dir: dir)
        #expect(same.rows == 3 * 960 && same.load.inserted == 3 * 960)
        // Again into the same cache, where that hour is now unchanged: the repeat with another value is refused,
        // naming the first row's line (2) and the repeat's (2,882).
        let changed = firstRow.replacingOccurrences(of: ",0.", with: ",1.")
        #expect {
            try Self.importFile(body + changed + "\n", into: cache, dir: dir)
        } throws: {
            "\($0)" == "big.csv line 2882: START_TIME '2024-04-01T00:00:00Z' repeats pool POOL_0_é's hour from line 2 with "
                + "other values; remove one of the two rows, or give each its COMPUTE_POOL_ID when they are two pools of one name"
        }
        #expect(try cache.loads().count == 1)
    }

    @Test func theTimestampShortcutReadsWhatTimestampTextReads() {
        for text in ["2024-04-09T10:00:00Z", "2024-04-09 10:00:00.000 -0700", "2024-04-09T10:00:00+09:00", "2024-04-09T10:00Z",
                     "2024-04-09   10:00:00.000000 +0530", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-18:00",
                     "2024-02-29T23:59:59+0000", "1969-12-31T23:59:59Z", "2024-04-09T10:00:00.0z"] {
            let fast = Array(text.utf8).withUnsafeBufferPointer { SnowsightCSV.Reader.wholeSecondInstant($0) }
            guard case let .instant(date, _) = try? TimestampText.read(text) else {
                Issue.record("\(text) is not an instant")
                continue
            }
            #expect(fast.map { Date(timeIntervalSince1970: TimeInterval($0)) } == date, "\(text)")
        }
        // Shapes it leaves to TimestampText: a fraction, no offset, an impossible date.
        for text in ["2024-04-09T10:00:00.5Z", "2024-04-09 10:00:00", "2024-02-30T10:00:00Z", "2024-04-09T10:00:00+19:00"] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { SnowsightCSV.Reader.wholeSecondInstant($0) } == nil, "\(text)")
        }
    }
}
