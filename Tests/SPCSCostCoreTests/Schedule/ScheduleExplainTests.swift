import Foundation
import SPCSCostCore
import Testing

/// A DST note as `<date> <kind> <transition> <before>→<after> [<start>, <end>) affected`.
private func noteRows(_ explain: ScheduleExplain) -> [String] {
    explain.dstNotes.map { n in
        "\(n.date) \(n.kind.rawValue) \(n.transitionUTC) \(n.utcOffsetBeforeSeconds)→\(n.utcOffsetAfterSeconds) "
            + "[\(n.wallTimeStart), \(n.wallTimeEnd)) \(n.affectedWallTimes)"
    }
}

/// Days whose length is not 24 h, as `<date> <seconds>`.
private func oddDays(_ explain: ScheduleExplain) -> [String] {
    explain.days.filter { $0.lengthSeconds != 86_400 }.map { "\($0.date) \($0.lengthSeconds)" }
}

private func explain(
    _ schedule: String, _ from: String, _ to: String, holidays: [String] = [], anchor: Date? = nil,
    zone: String = "UTC"
) throws -> ScheduleExplain {
    try ScheduleExplain(
        schedule: TaskSchedule(parsing: schedule), from: CivilDate(from)!, to: CivilDate(to)!,
        holidays: Set(holidays.map { CivilDate($0)! }), intervalAnchor: anchor, intervalTimeZone: zone)
}

@Suite("Schedule explain")
struct ScheduleExplainTests {
    @Test("Los Angeles 2024: a 23-hour and a 25-hour day, the 02:00 run skipped once")
    func losAngelesYear() throws {
        let e = try explain("USING CRON 0 2 * * * America/Los_Angeles", "2024-01-01", "2025-01-01")
        // 366 days, one of which (03-10) has no 02:00: 365 runs. 23 h = 82800 s, 25 h = 90000 s.
        #expect(e.days.count == 366)
        #expect(e.fireTimeCount == 365)
        #expect(e.fireTimes.count == 365)
        #expect(oddDays(e) == ["2024-03-10 82800", "2024-11-03 90000"])
        #expect(e.days.first { $0.date == CivilDate("2024-03-10")! }?.fireCount == 0)
        // 10:00Z = 02:00 PST = 03:00 PDT; 09:00Z = 02:00 PDT = 01:00 PST. 02:00 is outside [01:00, 02:00).
        #expect(noteRows(e) == [
            "2024-03-10 skipped-wall-time 2024-03-10T10:00:00Z -28800→-25200 "
                + "[2024-03-10T02:00:00, 2024-03-10T03:00:00) [\"2024-03-10T02:00:00\"]",
            "2024-11-03 repeated-wall-time 2024-11-03T09:00:00Z -25200→-28800 "
                + "[2024-11-03T01:00:00, 2024-11-03T02:00:00) []",
        ])
        // Local midnight 2024-01-01 PST = 08:00Z; 2025-01-01 PST = 08:00Z.
        #expect(e.windowStartUTC == "2024-01-01T08:00:00Z")
        #expect(e.windowEndUTC == "2025-01-01T08:00:00Z")
        #expect(e.kind == .cron)
        #expect(e.timeZone == "America/Los_Angeles")
    }

    @Test("Lord_Howe 2024: 24.5-hour and 23.5-hour days, 30-minute repeat and skip")
    func lordHoweYear() throws {
        let e = try explain("USING CRON 45 1,2 * * * Australia/Lord_Howe", "2024-01-01", "2025-01-01")
        // 04-07: 02:00 +11:00 back to 01:30 +10:30, at 02:00 - 11:00 = 04-06 15:00Z; 24.5 h = 88200 s.
        // 10-06: 02:00 +10:30 forward to 02:30 +11:00, at 02:00 - 10:30 = 10-05 15:30Z; 23.5 h = 84600 s.
        #expect(oddDays(e) == ["2024-04-07 88200", "2024-10-06 84600"])
        #expect(noteRows(e) == [
            "2024-04-07 repeated-wall-time 2024-04-06T15:00:00Z 39600→37800 "
                + "[2024-04-07T01:30:00, 2024-04-07T02:00:00) [\"2024-04-07T01:45:00\"]",
            "2024-10-06 skipped-wall-time 2024-10-05T15:30:00Z 37800→39600 "
                + "[2024-10-06T02:00:00, 2024-10-06T02:30:00) []",
        ])
        // Two runs a day (01:45, 02:45) × 366 = 732, plus 01:45 again on 04-07 = 733; 02:45 exists on 10-06.
        #expect(e.fireTimeCount == 733)
        #expect(e.days.first { $0.date == CivilDate("2024-04-07")! }?.fireCount == 3)
    }

    @Test("Tokyo: no DST notes, every day 24 hours")
    func tokyo() throws {
        let e = try explain("USING CRON 0 10 * * MON-FRI Asia/Tokyo", "2024-04-01", "2024-05-01",
                            holidays: ["2024-04-29", "2024-05-03"])
        #expect(e.dstNotes.isEmpty)
        #expect(oddDays(e).isEmpty)
        // 22 weekdays less Showa Day (04-29) = 21; 05-03 is outside the period and not listed.
        #expect(e.fireTimeCount == 21)
        #expect(e.holidays == [CivilDate("2024-04-29")!])
        #expect(e.days.filter(\.holiday).map(\.date.description) == ["2024-04-29"])
        #expect(e.days.map(\.fireCount).prefix(7) == [1, 1, 1, 1, 1, 0, 0])
    }

    @Test("A change at midnight: Havana skips [00:00, 01:00) on 2024-03-10")
    func midnightGap() throws {
        let e = try explain("USING CRON 30 0 * * * America/Havana", "2024-03-01", "2024-04-01")
        // 00:00 CST (-5 h) = 05:00Z is the day's first instant, and it is already 01:00 CDT (-4 h).
        #expect(noteRows(e) == [
            "2024-03-10 skipped-wall-time 2024-03-10T05:00:00Z -18000→-14400 "
                + "[2024-03-10T00:00:00, 2024-03-10T01:00:00) [\"2024-03-10T00:30:00\"]",
        ])
        #expect(e.fireTimeCount == 30)
    }

    @Test("An interval explained in Los Angeles on the 25-hour day")
    func interval() throws {
        let e = try explain("30 MINUTES", "2024-11-03", "2024-11-04",
                            anchor: ScheduleFixtures.utc("2024-11-03T07:00:00Z"), zone: "America/Los_Angeles")
        // The day is [07:00Z, 11-04 08:00Z), 25 h; runs at 07:30Z + 30 min × k up to 07:30Z next day: 49.
        #expect(e.kind == .interval)
        #expect(e.intervalAnchorUTC == "2024-11-03T07:00:00Z")
        #expect(e.fireTimeCount == 49)
        #expect(noteRows(e) == [
            "2024-11-03 repeated-wall-time 2024-11-03T09:00:00Z -25200→-28800 "
                + "[2024-11-03T01:00:00, 2024-11-03T02:00:00) [\"2024-11-03T01:00:00\", \"2024-11-03T01:30:00\"]",
        ])
    }

    @Test("Explain refuses an empty period, an interval without anchor, and a bad interval zone")
    func refusals() throws {
        #expect(throws: TaskScheduleError.emptyPeriod(from: CivilDate("2024-03-01")!, to: CivilDate("2024-03-01")!)) {
            try explain("USING CRON 0 2 * * * UTC", "2024-03-01", "2024-03-01")
        }
        #expect(throws: TaskScheduleError.intervalNeedsAnchor(schedule: "10 MINUTES")) {
            try explain("10 minutes", "2024-03-01", "2024-03-02")
        }
        #expect(throws: TaskScheduleError.timeZoneAbbreviation(schedule: "10 MINUTES", zone: "PST")) {
            try explain("10 MINUTES", "2024-03-01", "2024-03-02", anchor: ScheduleFixtures.utc("2024-03-01T00:00:00Z"),
                        zone: "PST")
        }
    }

    @Test("JSON shape, independent of the encoder's date strategy, and it reads back")
    func json() throws {
        let e = try explain("'USING CRON 0 1 * * * America/Los_Angeles'", "2024-11-03", "2024-11-04")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        let text = String(decoding: try encoder.encode(e), as: UTF8.self)
        #expect(text == """
            {"days":[{"date":"2024-11-03","fireCount":2,"holiday":false,"lengthSeconds":90000}],\
            "dstNotes":[{"affectedWallTimes":["2024-11-03T01:00:00"],"date":"2024-11-03",\
            "kind":"repeated-wall-time","transitionUTC":"2024-11-03T09:00:00Z","utcOffsetAfterSeconds":-28800,\
            "utcOffsetBeforeSeconds":-25200,"wallTimeEnd":"2024-11-03T02:00:00",\
            "wallTimeStart":"2024-11-03T01:00:00"}],"fireTimeCount":2,\
            "fireTimes":[{"dst":"repeated-first","local":"2024-11-03T01:00:00","utc":"2024-11-03T08:00:00Z",\
            "utcOffsetSeconds":-25200},{"dst":"repeated-second","local":"2024-11-03T01:00:00",\
            "utc":"2024-11-03T09:00:00Z","utcOffsetSeconds":-28800}],"from":"2024-11-03","holidays":[],\
            "kind":"cron","schedule":"USING CRON 0 1 * * * America\\/Los_Angeles","timeZone":"America\\/Los_Angeles",\
            "to":"2024-11-04","windowEndUTC":"2024-11-04T08:00:00Z","windowStartUTC":"2024-11-03T07:00:00Z"}
            """)
        #expect(try JSONDecoder().decode(ScheduleExplain.self, from: Data(text.utf8)) == e)
    }
}
