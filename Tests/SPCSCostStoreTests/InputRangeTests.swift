import Foundation
import GRDB
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// Values the cache cannot hold or sum exactly are refused where rows come in, naming the line (hardening issue,
/// item 2); the sums that remain cannot trap.
@Suite struct InputRangeTests {
    static let header = "START_TIME,END_TIME,COMPUTE_POOL_NAME,CREDITS_USED\n"

    static func row(_ pool: String, _ hour: Int, _ credits: String, day: Int = 9) -> String {
        let h = String(format: "%02d", hour), h1 = String(format: "%02d", hour + 1)
        return "2024-04-\(String(format: "%02d", day)) \(h):00:00.000 +0000,2024-04-\(String(format: "%02d", day)) \(h1):00:00.000 +0000,\(pool),\(credits)\n"
    }

    func refusal(_ csv: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        do {
            let parsed = try SnowsightCSV.parse(Data(csv.utf8), file: "usage.csv", wallTimeZone: nil)
            Issue.record("accepted \(parsed.records.count) rows", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func creditsBeyondInt64AreABadCellNotACrash() {
        // Crashed with an arithmetic overflow in NanoCredits(parsing:).
        #expect(refusal(Self.header + Self.row("P", 10, "9223372036.854775808"))
                == "usage.csv line 2: CREDITS_USED '9223372036.854775808' is more than 100000 credits in one hour, beyond "
                + "any compute pool (the largest use about 7,060); check the column is CREDITS_USED and the decimal "
                + "separator is '.'")
    }

    @Test func twoRowsOfFiveBillionCreditsAreRefusedAtTheDoor() {
        // Were imported; every report on that cache then crashed summing them.
        let csv = Self.header + Self.row("P", 10, "5000000000") + Self.row("P", 11, "5000000000")
        #expect(refusal(csv)?.hasPrefix("usage.csv line 2: CREDITS_USED '5000000000' is more than 100000 credits") == true)
    }

    @Test func theBoundItselfIsAccepted() throws {
        let csv = Self.header + Self.row("P", 10, "100000.000000000") + Self.row("P", 11, "0")
        let parsed = try SnowsightCSV.parse(Data(csv.utf8), file: "usage.csv", wallTimeZone: nil)
        #expect(parsed.records.map(\.creditsUsed) == [UsageRecord.maximumCreditsUsed, .zero])
        #expect(refusal(Self.header + Self.row("P", 10, "100000.000000001"))?.contains("more than 100000 credits") == true)
    }

    @Test func negativeCreditsAreRefused() {
        #expect(refusal(Self.header + Self.row("P", 10, "0.11") + Self.row("P", 11, "-0.02"))
                == "usage.csv line 3: CREDITS_USED '-0.02' is negative; SPCS usage is never below zero, so check the "
                + "column is CREDITS_USED")
        #expect(refusal(Self.header + Self.row("P", 10, "-99999999999999999999"))?.contains("is negative") == true)
    }

    @Test func aHeaderWithoutRowsIsRefused() {
        #expect(refusal(Self.header) == "usage.csv: it has a header row but no data rows; export the period again with its rows.")
        #expect(refusal(Self.header + "\n\n")?.contains("no data rows") == true)
    }

    @Test func aNulInAPoolNameIsRefusedNotTruncated() {
        // "A\0X" and "A\0Y" were stored as "A" and merged into one pool.
        let csv = Self.header + Self.row("A\u{0}X", 10, "1") + Self.row("A\u{0}Y", 10, "2")
        #expect(refusal(csv) == "usage.csv line 2: COMPUTE_POOL_NAME 'A\\u{0}X' holds a control character (such as NUL) "
                + "that no pool name has; export the names as text")
    }

    @Test func yearsOutsideOneToNineThousandNineHundredNinetyNineAreRefused() {
        let early = Self.header + "0001-01-01 00:00:00.000 +0100,0001-01-01 01:00:00.000 +0100,P,1\n"
        #expect(refusal(early)?.hasPrefix("usage.csv line 2: START_TIME '0001-01-01 00:00:00.000 +0100' is outside the years 1 to 9999") == true)
        let late = Self.header + "9999-12-31 22:30:00.000 -0100,9999-12-31 23:30:00.000 -0100,P,1\n"
        #expect(refusal(late) == "usage.csv line 2: END_TIME '9999-12-31 23:30:00.000 -0100' is outside the years 1 to 9999")
    }

    @Test func theFirstAndLastHoursOfTheRangeImportAndSum() throws {
        let csv = Self.header + "0001-01-01 00:00:00.000 +0000,0001-01-01 01:00:00.000 +0000,P,1\n"
            + "9999-12-31 22:00:00.000 +0000,9999-12-31 23:00:00.000 +0000,P,2\n"
        let parsed = try SnowsightCSV.parse(Data(csv.utf8), file: "usage.csv", wallTimeZone: nil)
        let cache = try UsageCache(.memory)
        try cache.load(parsed.records, as: .init(kind: "import", source: "usage.csv", checksum: parsed.checksum,
                                                  loadedAt: Date(timeIntervalSince1970: 0)))
        let utc = TimeZone(identifier: "UTC")!
        for first in parsed.records {
            let from = first.startTime, to = first.startTime.addingTimeInterval(3600)
            let read = try cache.meteredByDay(from: from, to: to, segments: OffsetSegment.segments(of: utc, from: from, to: to))
            #expect(read.totals.map(\.credits) == [first.creditsUsed])
        }
    }

    /// A cache written before the bound existed: its oversized rows are a clear error on every read, not a crash.
    @Test func oversizedRowsLeftInAnOldCacheAreAnErrorOnRead() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("cache.sqlite")
        let rows = try SnowsightCSV.parse(Data((Self.header + Self.row("P", 10, "1") + Self.row("P", 11, "1")).utf8),
                                          file: "usage.csv", wallTimeZone: nil).records
        do {
            let cache = try UsageCache(.path(path))
            try cache.load(rows, as: .init(kind: "import", source: "usage.csv", checksum: "", loadedAt: Date(timeIntervalSince1970: 0)))
        }
        // What an older spcs-cost wrote for two rows of 5e9 credits: the rows and the month's series blob.
        let huge: Int64 = 5_000_000_000 * 1_000_000_000
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE spcs_history SET credits_used_nano = ?", arguments: [huge])
            let blob = try Data.fetchOne(db, sql: "SELECT hours FROM spcs_series")!
            var hours = blob.withUnsafeBytes { raw in (0..<(blob.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) } }
            for i in hours.indices where hours[i] != Int64.min.littleEndian { hours[i] = huge.littleEndian }
            try db.execute(sql: "UPDATE spcs_series SET hours = ?", arguments: [hours.withUnsafeBytes { Data($0) }])
        }
        let cache = try UsageCache(.path(path))
        let from = rows[0].startTime, to = from.addingTimeInterval(86_400)
        let expected = StoreError.cachedRowOutOfRange(path: path, pool: "P", hourStart: from, credits: NanoCredits(huge))
        #expect {
            try cache.meteredByDay(from: from, to: to, segments: OffsetSegment.segments(of: TimeZone(identifier: "UTC")!, from: from, to: to))
        } throws: { "\($0)" == expected.description }
        #expect { try cache.records() } throws: { "\($0)" == expected.description }
        #expect(expected.description == "the cache \(path) holds the hour of pool P from 2024-04-09T10:00:00Z with "
                + "CREDITS_USED 5000000000.000000000, outside 0 to 100000 credits, which spcs-cost no longer imports (an "
                + "older version did); move the cache aside and import or pull the period again.")
    }

    @Test func theCacheItselfRefusesRowsOutsideTheRange() throws {
        let cache = try UsageCache(.memory)
        let start = Date(timeIntervalSince1970: 1_712_656_800)
        let bad = UsageRecord(startTime: start, endTime: start.addingTimeInterval(3600), computePoolName: "A\u{0}B",
                              creditsUsed: NanoCredits(1))
        #expect(throws: StoreError.self) {
            try cache.load([bad], as: .init(kind: "import", source: "x", checksum: "", loadedAt: start))
        }
        #expect(try cache.records().isEmpty)
    }
}
