import Foundation
import Testing

@testable import SPCSCostCore

let utc = TimeZone(identifier: "UTC")!
let losAngeles = TimeZone(identifier: "America/Los_Angeles")!
let tokyo = TimeZone(identifier: "Asia/Tokyo")!
let lordHowe = TimeZone(identifier: "Australia/Lord_Howe")!

func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

@Suite struct CivilDateTests {
    @Test func epochDaysRoundTrip() {
        #expect(CivilDate(daysSinceEpoch: 0) == CivilDate("1970-01-01"))
        #expect(CivilDate("2024-02-29")!.daysSinceEpoch == 19782)
        #expect(CivilDate(daysSinceEpoch: -25567) == CivilDate("1900-01-01"))
        for d in stride(from: -800_000, to: 800_000, by: 997) {
            #expect(CivilDate(daysSinceEpoch: d).daysSinceEpoch == d)
        }
    }

    @Test func weekdaysAndMonths() {
        #expect(CivilDate("2024-04-01")!.weekday == .monday)
        #expect(CivilDate("1970-01-01")!.weekday == .thursday)
        #expect(CivilDate("2024-02-01")!.daysInMonth == 29)  // leap year
        #expect(CivilDate("2100-02-01")!.daysInMonth == 28)  // not a leap year: divisible by 100, not 400
        #expect(CivilDate("2000-02-01")!.daysInMonth == 29)
        #expect(CivilDate("2024-02-30") == nil)
        #expect(CivilDate("2024-4-01") == nil)
    }

    @Test func dayLengthsFollowTheZone() {
        // 2024-03-10 America/Los_Angeles loses an hour; 2024-11-03 gains one.
        #expect(CivilDate("2024-03-10")!.interval(in: losAngeles).duration == 23 * 3600)
        #expect(CivilDate("2024-11-03")!.interval(in: losAngeles).duration == 25 * 3600)
        #expect(CivilDate("2024-04-09")!.interval(in: tokyo).duration == 24 * 3600)
        // Lord Howe shifts by 30 minutes: 2024-04-07 is 24.5 h long, 2024-10-06 is 23.5 h.
        #expect(CivilDate("2024-04-07")!.interval(in: lordHowe).duration == 24.5 * 3600)
        #expect(CivilDate("2024-10-06")!.interval(in: lordHowe).duration == 23.5 * 3600)
    }

    @Test func wallTimesInGapsAndOverlaps() {
        // 02:30 does not exist on 2024-03-10 in Los Angeles; 01:30 on 2024-11-03 happens twice.
        let gap = LocalDateTime(date: CivilDate("2024-03-10")!, hour: 2, minute: 30)
        #expect(gap.instants(in: losAngeles).isEmpty)
        #expect(gap.firstInstantOnOrAfter(in: losAngeles) == instant("2024-03-10T10:00:00Z"))
        let overlap = LocalDateTime(date: CivilDate("2024-11-03")!, hour: 1, minute: 30)
        #expect(overlap.instants(in: losAngeles) == [instant("2024-11-03T08:30:00Z"), instant("2024-11-03T09:30:00Z")])
        let plain = LocalDateTime(date: CivilDate("2024-04-09")!, hour: 10, minute: 0)
        #expect(plain.instants(in: tokyo) == [instant("2024-04-09T01:00:00Z")])
    }
}

@Suite struct TimestampTextTests {
    @Test("timestamps with offsets", arguments: [
        ("2024-04-09 10:00:00.000 -0700", "2024-04-09T17:00:00Z", -25200),
        ("2024-04-09T10:00:00-07:00", "2024-04-09T17:00:00Z", -25200),
        ("2024-04-09T17:00:00Z", "2024-04-09T17:00:00Z", 0),
        ("2024-04-09 19:00:00 +0900", "2024-04-09T10:00:00Z", 32400),
        ("2024-04-09T10:00-07:00", "2024-04-09T17:00:00Z", -25200),
    ])
    func withOffset(text: String, iso: String, offset: Int) throws {
        #expect(try TimestampText.read(text) == .instant(instant(iso), offsetSeconds: offset))
    }

    @Test func withoutOffsetIsAWallTime() throws {
        let r = try TimestampText.read("2024-04-09 10:00:00.000")
        #expect(r == .wallTime(LocalDateTime(date: CivilDate("2024-04-09")!, hour: 10, minute: 0), fractionalSecond: 0))
    }

    @Test("bad timestamps", arguments: ["2024-04-09", "2024-13-01 00:00:00", "2024-04-09 25:00:00", "09/04/2024 10:00",
                                        "2024-04-09 10:00:00 PDT", "2024-04-09 10:00:00 -07"])
    func bad(text: String) {
        #expect(throws: TimestampText.ParseError.self) { try TimestampText.read(text) }
    }
}
