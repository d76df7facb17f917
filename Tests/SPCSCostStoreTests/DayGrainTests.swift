import Foundation
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// Schema v5 (`v5-daily-rows`): the day rows of a `--grain day` pull beside the hourly rows, never colliding with
/// the 00:00 hour, with the day's own sanity bound, and one grain per account and day.
@Suite struct DayGrainTests {
    static let utc = TimeZone(identifier: "UTC")!
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func nano(_ text: String) -> NanoCredits { NanoCredits(parsing: text)! }

    func hour(_ pool: String, _ start: String, _ credits: String, account: String = "EU") -> UsageRecord {
        let s = Self.instant(start)
        return UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: pool, computePoolID: 7,
                           creditsUsed: Self.nano(credits), organization: "MYORG", account: account)
    }

    func day(_ pool: String, _ date: String, _ credits: String, account: String = "EU") -> UsageRecord {
        let s = Self.instant(date + "T00:00:00Z")
        return UsageRecord(startTime: s, endTime: s.addingTimeInterval(86_400), computePoolName: pool, computePoolID: 7,
                           creditsUsed: Self.nano(credits), organization: "MYORG", account: account, grain: .day)
    }

    func load(_ cache: UsageCache, _ rows: [UsageRecord], replacing grain: LedgerGrain? = nil,
              account: String = "EU", from: String = "2024-04-01", to: String = "2024-04-03") throws -> UsageCache.LoadOutcome {
        try cache.load(.init(kind: "pull", source: "test", checksum: "x", loadedAt: Self.instant("2024-04-03T00:00:00Z"))) { w in
            if let grain {
                try w.replaceOtherGrain(than: grain, organization: "MYORG", account: account,
                                        from: Self.instant(from + "T00:00:00Z"), to: Self.instant(to + "T00:00:00Z"))
            }
            for r in rows { try w.upsert(r) }
        }
    }

    func perDay(_ cache: UsageCache) throws -> [String: Int64] {
        let from = Self.instant("2024-04-01T00:00:00Z"), to = Self.instant("2024-05-01T00:00:00Z")
        let read = try cache.meteredByDay(from: from, to: to, segments: OffsetSegment.segments(of: Self.utc, from: from, to: to))
        return Dictionary(uniqueKeysWithValues: read.totals.map { ("\($0.pool) \(CivilDate(daysSinceEpoch: $0.day))", $0.credits.value) })
    }

    /// The known problem: a day row has the key of the day's 00:00 hour. Kept apart, both count.
    @Test func aDayRowAndThe0000HourOfAnotherAccountBothCount() throws {
        let cache = try UsageCache(.memory)
        _ = try load(cache, [hour("A", "2024-04-01T00:00:00Z", "0.11", account: "US")])
        let outcome = try load(cache, [day("A", "2024-04-01", "2.64")])
        #expect(outcome.inserted == 1 && outcome.updated == 0)
        // 0.11 (US's hour) + 2.64 (EU's day) = 2.75 credits.
        #expect(try perDay(cache) == ["A 2024-04-01": 2_750_000_000])
        let keyed = try cache.keyedRecords()
        #expect(keyed.map(\.grain) == [.hour, .day] && keyed.map(\.account) == ["US", "EU"])
        #expect(try cache.records().count == 2)
        #expect(try cache.dayRowDays() == [CivilDate("2024-04-01")!])
        #expect(try cache.dayRowDays(from: Self.instant("2024-04-02T00:00:00Z")).isEmpty)
        #expect(try cache.meteredByAccountAndUTCDay(from: Self.instant("2024-04-01T00:00:00Z"), to: Self.instant("2024-04-02T00:00:00Z"))
            .map { "\($0.account) \($0.nanoCredits)" } == ["EU 2640000000", "US 110000000"])
        // The watermark sees the day row's END_TIME.
        #expect(try cache.latestEndTime(organization: "MYORG", account: "EU") == Self.instant("2024-04-02T00:00:00Z"))
        // The same day again: unchanged; restated: updated in place.
        #expect(try load(cache, [day("A", "2024-04-01", "2.64")]).unchanged == 1)
        #expect(try load(cache, [day("A", "2024-04-01", "2.75")]).updated == 1)
        #expect(try perDay(cache) == ["A 2024-04-01": 2_860_000_000])
    }

    /// A day row may hold what 24 hours at the hourly bound hold; an hourly row may not.
    @Test func theSanityBoundOfADayRowIs24Hours() throws {
        let cache = try UsageCache(.memory)
        // 150,000 credits: above the hourly bound (100,000), within the day's (2,400,000).
        _ = try load(cache, [day("BIG", "2024-04-01", "150000")])
        #expect(try perDay(cache) == ["BIG 2024-04-01": 150_000_000_000_000])
        #expect(throws: (any Error).self) { try load(cache, [hour("BIG", "2024-04-02T00:00:00Z", "150000")]) }
        #expect(day("BIG", "2024-04-02", "2400000.000000001").problem == .dayCreditsAboveMaximum)
        #expect(day("BIG", "2024-04-02", "2400000").problem == nil)
        #expect(hour("BIG", "2024-04-02T00:00:00Z", "100000.000000001").problem == .creditsAboveMaximum)
        // A day row must start at 00:00 UTC.
        var noon = day("C", "2024-04-02", "1")
        noon.startTime = Self.instant("2024-04-02T12:00:00Z")
        #expect(throws: StoreError.self) { try load(cache, [noon]) }
    }

    /// A pull at one grain replaces the account's rows of the other grain in its window, so no day counts twice.
    @Test func oneGrainPerAccountAndDay() throws {
        let cache = try UsageCache(.memory)
        let hours = (0..<24).map { hour("A", String(format: "2024-04-01T%02d:00:00Z", $0), "0.11") }
            + [hour("A", "2024-04-02T00:00:00Z", "0.11"), hour("A", "2024-04-01T05:00:00Z", "0.5", account: "US")]
        _ = try load(cache, hours)
        #expect(try perDay(cache) == ["A 2024-04-01": 3_140_000_000, "A 2024-04-02": 110_000_000])
        // EU pulled at grain day for 1 and 2 April: its hours go, US's hour stays.
        _ = try load(cache, [day("A", "2024-04-01", "2.64"), day("A", "2024-04-02", "0.11")], replacing: .day)
        #expect(try perDay(cache) == ["A 2024-04-01": 3_140_000_000, "A 2024-04-02": 110_000_000])
        #expect(try cache.keyedRecords().filter { $0.grain == .hour }.map(\.account) == ["US"])
        // EU pulled at grain hour again from 2 April: 2 April's day row goes, 1 April's stays.
        _ = try load(cache, [hour("A", "2024-04-02T00:00:00Z", "0.11"), hour("A", "2024-04-02T01:00:00Z", "0.11")],
                     replacing: .hour, from: "2024-04-02")
        #expect(try perDay(cache) == ["A 2024-04-01": 3_140_000_000, "A 2024-04-02": 220_000_000])
        #expect(try cache.dayRowDays() == [CivilDate("2024-04-01")!])
    }
}

/// METERING_DAILY_HISTORY per account (schema v5): two accounts' rows of one day are both kept.
@Suite struct MeteringPerAccountTests {
    @Test func eachAccountKeepsItsOwnDay() throws {
        let cache = try UsageCache(.memory)
        func row(_ account: String, _ credits: String) -> MeteringDailyRecord {
            let c = NanoCredits(parsing: credits)!
            return MeteringDailyRecord(usageDate: CivilDate("2024-04-02")!, creditsUsedCompute: c, creditsUsedCloudServices: .zero,
                                       creditsUsed: c, creditsAdjustmentCloudServices: .zero, creditsBilled: c,
                                       organization: "MYORG", account: account)
        }
        for (account, credits) in [("EU", "1.5"), ("US", "2.25"), ("EU", "1.75")] {
            _ = try cache.load(.init(kind: "pull", source: account, checksum: "x", loadedAt: Date(timeIntervalSince1970: 0))) { w in
                try w.upsert(row(account, credits))
            }
        }
        // EU's day restated to 1.75 in place; US's day kept beside it (it used to replace EU's: the day was the key).
        #expect(try cache.meteringDaily().map { "\($0.account) \($0.creditsBilled)" } == ["EU 1.750000000", "US 2.250000000"])
    }
}
