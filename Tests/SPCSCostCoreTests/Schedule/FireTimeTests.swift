import Foundation
import SPCSCostCore
import Testing

/// Each fire time as `<utc> <local> <offset seconds> [dst]`.
private func rows(_ fires: [FireTime]) -> [String] {
    fires.map { f in
        "\(ScheduleFixtures.utcText(f.instant)) \(f.local) \(f.utcOffsetSeconds)"
            + (f.dstNote.map { " \($0.rawValue)" } ?? "")
    }
}

@Suite("Fire times")
struct FireTimeTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let schedule: String
        /// Local dates `[from, to)` in the schedule's zone.
        let from: String
        let to: String
        let expected: [String]
        var testDescription: String { "\(schedule) \(from)..<\(to)" }
    }

    @Test("DST days: repeated wall times fire twice, skipped ones not at all", arguments: [
        // Los Angeles 2024-03-10: 02:00 PST (-8 h) jumps to 03:00 PDT (-7 h); 02:00 does not exist, so it does
        // not fire (Snowflake: "would not run"). 03-09 02:00 + 8 h = 10:00Z; 03-11 02:00 + 7 h = 09:00Z.
        Case(schedule: "USING CRON 0 2 * * * America/Los_Angeles", from: "2024-03-09", to: "2024-03-12", expected: [
            "2024-03-09T10:00:00Z 2024-03-09T02:00:00 -28800",
            "2024-03-11T09:00:00Z 2024-03-11T02:00:00 -25200",
        ]),
        // Los Angeles 2024-11-03: 02:00 PDT goes back to 01:00 PST; 01:00 runs twice (Snowflake's own example):
        // 01:00 + 7 h = 08:00Z, then 01:00 + 8 h = 09:00Z.
        Case(schedule: "USING CRON 0 1 * * * America/Los_Angeles", from: "2024-11-02", to: "2024-11-05", expected: [
            "2024-11-02T08:00:00Z 2024-11-02T01:00:00 -25200",
            "2024-11-03T08:00:00Z 2024-11-03T01:00:00 -25200 repeated-first",
            "2024-11-03T09:00:00Z 2024-11-03T01:00:00 -28800 repeated-second",
            "2024-11-04T09:00:00Z 2024-11-04T01:00:00 -28800",
        ]),
        // Several minutes in the repeated hour come out by instant, not by wall time: all of the first 01:xx,
        // then all of the second.
        Case(schedule: "USING CRON */20 1 * * * America/Los_Angeles", from: "2024-11-03", to: "2024-11-04", expected: [
            "2024-11-03T08:00:00Z 2024-11-03T01:00:00 -25200 repeated-first",
            "2024-11-03T08:20:00Z 2024-11-03T01:20:00 -25200 repeated-first",
            "2024-11-03T08:40:00Z 2024-11-03T01:40:00 -25200 repeated-first",
            "2024-11-03T09:00:00Z 2024-11-03T01:00:00 -28800 repeated-second",
            "2024-11-03T09:20:00Z 2024-11-03T01:20:00 -28800 repeated-second",
            "2024-11-03T09:40:00Z 2024-11-03T01:40:00 -28800 repeated-second",
        ]),
        // Europe/Berlin 2024-03-31: 02:00 CET (+1 h) jumps to 03:00 CEST (+2 h), so 02:30 does not exist.
        // 03-30 02:30 - 1 h = 01:30Z; 04-01 02:30 - 2 h = 00:30Z.
        Case(schedule: "USING CRON 30 2 * * * Europe/Berlin", from: "2024-03-30", to: "2024-04-02", expected: [
            "2024-03-30T01:30:00Z 2024-03-30T02:30:00 3600",
            "2024-04-01T00:30:00Z 2024-04-01T02:30:00 7200",
        ]),
        // Europe/Berlin 2024-10-27: 03:00 CEST goes back to 02:00 CET; 02:30 - 2 h = 00:30Z, 02:30 - 1 h = 01:30Z.
        Case(schedule: "USING CRON 30 2 * * * Europe/Berlin", from: "2024-10-27", to: "2024-10-28", expected: [
            "2024-10-27T00:30:00Z 2024-10-27T02:30:00 7200 repeated-first",
            "2024-10-27T01:30:00Z 2024-10-27T02:30:00 3600 repeated-second",
        ]),
        // Australia/Lord_Howe 2024-10-06: 02:00 (+10:30) jumps 30 minutes to 02:30 (+11:00); 02:15 does not
        // exist. 10-05 02:15 - 10:30 = 10-04 15:45Z; 10-07 02:15 - 11:00 = 10-06 15:15Z.
        Case(schedule: "USING CRON 15 2 * * * Australia/Lord_Howe", from: "2024-10-05", to: "2024-10-08", expected: [
            "2024-10-04T15:45:00Z 2024-10-05T02:15:00 37800",
            "2024-10-06T15:15:00Z 2024-10-07T02:15:00 39600",
        ]),
        // Australia/Lord_Howe 2024-04-07: 02:00 (+11:00) goes back 30 minutes to 01:30 (+10:30), so 01:45
        // happens twice: 01:45 - 11:00 = 04-06 14:45Z and 01:45 - 10:30 = 04-06 15:15Z.
        Case(schedule: "USING CRON 45 1 * * * Australia/Lord_Howe", from: "2024-04-07", to: "2024-04-08", expected: [
            "2024-04-06T14:45:00Z 2024-04-07T01:45:00 39600 repeated-first",
            "2024-04-06T15:15:00Z 2024-04-07T01:45:00 37800 repeated-second",
        ]),
        // Only [01:30, 02:00) repeats there, so 02:15 runs once: 02:15 - 10:30 = 04-06 15:45Z.
        Case(schedule: "USING CRON 15 2 * * * Australia/Lord_Howe", from: "2024-04-07", to: "2024-04-08", expected: [
            "2024-04-06T15:45:00Z 2024-04-07T02:15:00 37800",
        ]),
        // Asia/Tokyo has no DST: 02:00 JST (+9 h) on the US change day is 03-09 17:00Z, once.
        Case(schedule: "USING CRON 0 2 * * * Asia/Tokyo", from: "2024-03-10", to: "2024-03-11", expected: [
            "2024-03-09T17:00:00Z 2024-03-10T02:00:00 32400",
        ]),
        // America/Havana 2024-03-10 jumps from 00:00 (-5 h) to 01:00 (-4 h): midnight itself does not exist.
        // 03-09 00:30 + 5 h = 05:30Z; 03-11 00:30 + 4 h = 04:30Z.
        Case(schedule: "USING CRON 30 0 * * * America/Havana", from: "2024-03-09", to: "2024-03-12", expected: [
            "2024-03-09T05:30:00Z 2024-03-09T00:30:00 -18000",
            "2024-03-11T04:30:00Z 2024-03-11T00:30:00 -14400",
        ]),
        // America/Santiago 2024-09-08 jumps from 00:00 (-4 h) to 01:00 (-3 h); croniter 7.0.0 fires 00:24 at
        // 01:00 that day (differential class gap-not-fired). 09-07 00:24 + 4 h = 04:24Z; 09-09 00:24 + 3 h = 03:24Z.
        Case(schedule: "USING CRON 24 0 * * * America/Santiago", from: "2024-09-07", to: "2024-09-10", expected: [
            "2024-09-07T04:24:00Z 2024-09-07T00:24:00 -14400",
            "2024-09-09T03:24:00Z 2024-09-09T00:24:00 -10800",
        ]),
        // Pacific/Chatham 2024-04-07 goes back from 03:45 (+13:45) to 02:45 (+12:45), so 02:54 happens twice:
        // 02:54 - 13:45 = 04-06 13:09Z and 02:54 - 12:45 = 04-06 14:09Z (croniter 7.0.0 fires only the first:
        // differential class repeated-fired-twice).
        Case(schedule: "USING CRON 54 2 * * * Pacific/Chatham", from: "2024-04-07", to: "2024-04-08", expected: [
            "2024-04-06T13:09:00Z 2024-04-07T02:54:00 49500 repeated-first",
            "2024-04-06T14:09:00Z 2024-04-07T02:54:00 45900 repeated-second",
        ]),
    ])
    func dstDays(_ example: Case) throws {
        #expect(rows(try ScheduleFixtures.fireTimes(example.schedule, from: example.from, to: example.to))
            == example.expected)
    }

    struct Count: Sendable, CustomTestStringConvertible {
        let schedule: String
        let from: String
        let to: String
        let count: Int
        var testDescription: String { "\(schedule) \(from)..<\(to) = \(count)" }
    }

    @Test("Fire-time counts over months and years", arguments: [
        // Hourly in Los Angeles: March 2024 has 31 × 24 = 744 wall-clock hours, less 02:00 on 03-10 = 743;
        // November has 30 × 24 = 720, plus 01:00 twice on 11-03 = 721.
        Count(schedule: "USING CRON 0 * * * * America/Los_Angeles", from: "2024-03-01", to: "2024-04-01", count: 743),
        Count(schedule: "USING CRON 0 * * * * America/Los_Angeles", from: "2024-11-01", to: "2024-12-01", count: 721),
        // Daily at 02:00 in March: 31 - 1 (03-10) = 30; daily at 01:00 in November: 30 + 1 (11-03) = 31.
        Count(schedule: "USING CRON 0 2 * * * America/Los_Angeles", from: "2024-03-01", to: "2024-04-01", count: 30),
        Count(schedule: "USING CRON 0 1 * * * America/Los_Angeles", from: "2024-11-01", to: "2024-12-01", count: 31),
        // Berlin: March 31 × 24 - 1 (02:00 on 03-31) = 743; October 31 × 24 + 1 (02:00 twice on 10-27) = 745.
        Count(schedule: "USING CRON 0 * * * * Europe/Berlin", from: "2024-03-01", to: "2024-04-01", count: 743),
        Count(schedule: "USING CRON 0 * * * * Europe/Berlin", from: "2024-10-01", to: "2024-11-01", count: 745),
        // Lord_Howe, half-hourly: April 30 × 48 = 1440, plus 01:30 twice on 04-07 = 1441; October
        // 31 × 48 = 1488, less 02:00 on 10-06 (02:30 exists) = 1487.
        Count(schedule: "USING CRON */30 * * * * Australia/Lord_Howe", from: "2024-04-01", to: "2024-05-01", count: 1441),
        Count(schedule: "USING CRON */30 * * * * Australia/Lord_Howe", from: "2024-10-01", to: "2024-11-01", count: 1487),
        // Lord_Howe, hourly: the repeated half hour [01:30, 02:00) holds no :00, so April is 30 × 24 = 720;
        // October loses 02:00 on 10-06: 31 × 24 - 1 = 743.
        Count(schedule: "USING CRON 0 * * * * Australia/Lord_Howe", from: "2024-04-01", to: "2024-05-01", count: 720),
        Count(schedule: "USING CRON 0 * * * * Australia/Lord_Howe", from: "2024-10-01", to: "2024-11-01", count: 743),
        // Weekdays in Tokyo, April 2024 (04-01 is a Monday): weeks of 1-5, 8-12, 15-19, 22-26 and 29-30,
        // 5 + 5 + 5 + 5 + 2 = 22.
        Count(schedule: "USING CRON 0 10 * * MON-FRI Asia/Tokyo", from: "2024-04-01", to: "2024-05-01", count: 22),
        Count(schedule: "USING CRON 0 9 * * * Asia/Tokyo", from: "2024-03-01", to: "2024-04-01", count: 31),
        // Snowflake's 9-17 Sunday example, March 2024 in Los Angeles: Sundays 3, 10, 17, 24, 31 × 9 hours = 45
        // (09:00-17:00 is clear of the 02:00 gap).
        Count(schedule: "USING CRON 0 9-17 * * SUN America/Los_Angeles", from: "2024-03-01", to: "2024-04-01", count: 45),
        // Month ends: 31st in 2024 = 7 months; 30th = 11 months (not February); 29 Feb in 2024-2027 = 2024 only.
        Count(schedule: "USING CRON 0 0 31 * * UTC", from: "2024-01-01", to: "2025-01-01", count: 7),
        Count(schedule: "USING CRON 0 0 30 * * UTC", from: "2024-01-01", to: "2025-01-01", count: 11),
        Count(schedule: "USING CRON 0 0 29 2 * UTC", from: "2024-01-01", to: "2028-01-01", count: 1),
        // Steps: 0/5 is every 5 minutes from :00, 24 × 12 = 288 a day; 10-40/7 is :10, :17, :24, :31, :38,
        // 24 × 5 = 120; a one-value range with a step, 6-6/5, is 06:00 only (croniter 7.0.0 reads it as */5).
        Count(schedule: "USING CRON 0/5 * * * * UTC", from: "2024-04-01", to: "2024-04-02", count: 288),
        Count(schedule: "USING CRON 10-40/7 * * * * UTC", from: "2024-04-01", to: "2024-04-02", count: 120),
        Count(schedule: "USING CRON 0 6-6/5 * * * UTC", from: "2024-04-01", to: "2024-04-02", count: 1),
        Count(schedule: "USING CRON 0 6-6 * * * UTC", from: "2024-04-01", to: "2024-04-02", count: 1),
        // A year of minutes: 2023 in UTC is 365 × 1440 = 525,600; 2024 in Los Angeles is 366 × 1440 = 527,040
        // (60 wall-clock minutes skipped on 03-10, 60 repeated on 11-03).
        Count(schedule: "USING CRON * * * * * UTC", from: "2023-01-01", to: "2024-01-01", count: 525_600),
        Count(schedule: "USING CRON * * * * * America/Los_Angeles", from: "2024-01-01", to: "2025-01-01", count: 527_040),
    ])
    func counts(_ example: Count) throws {
        #expect(try ScheduleFixtures.fireTimes(example.schedule, from: example.from, to: example.to).count
            == example.count)
    }

    @Test("Day of month and day of week: either one when both are restricted", arguments: [
        // Snowflake's example: 10th-20th (11 days) or any Tuesday/Thursday. April 2024 Tue/Thu are 2, 4, 9, 11,
        // 16, 18, 23, 25, 30; those outside 10-20 are 2, 4, 9, 23, 25, 30 (6); 11 + 6 = 17.
        Count(schedule: "USING CRON 0 0 10-20 * TUE,THU UTC", from: "2024-04-01", to: "2024-05-01", count: 17),
        // One field `*`: the other alone decides. Tue/Thu = 9; 10-20 = 11.
        Count(schedule: "USING CRON 0 0 * * TUE,THU UTC", from: "2024-04-01", to: "2024-05-01", count: 9),
        Count(schedule: "USING CRON 0 0 10-20 * * UTC", from: "2024-04-01", to: "2024-05-01", count: 11),
        // `*/2` is restricted too: odd days 1..29 (15) or Mondays 1, 8, 15, 22, 29, of which 8 and 22 are even:
        // 15 + 2 = 17 (Vixie cron's star rule would give odd Mondays only: 3).
        Count(schedule: "USING CRON 0 0 */2 * MON UTC", from: "2024-04-01", to: "2024-05-01", count: 17),
        // `L` or Friday, February 2024: the 29th (a Thursday) and Fridays 2, 9, 16, 23 = 5.
        Count(schedule: "USING CRON 0 0 L * FRI UTC", from: "2024-02-01", to: "2024-03-01", count: 5),
        // `5L` or the 1st, April 2024: 04-01 and the last Friday 04-26 = 2.
        Count(schedule: "USING CRON 0 0 1 * 5L UTC", from: "2024-04-01", to: "2024-05-01", count: 2),
    ])
    func dayFieldsCombine(_ example: Count) throws {
        #expect(try ScheduleFixtures.fireTimes(example.schedule, from: example.from, to: example.to).count
            == example.count)
    }

    struct Dates: Sendable, CustomTestStringConvertible {
        let schedule: String
        let from: String
        let to: String
        let dates: [String]
        var testDescription: String { schedule }
    }

    @Test("L, nL and steps in the month field pick these dates", arguments: [
        // Last day of February: 29 in the leap year 2024, 28 in 2025.
        Dates(schedule: "USING CRON 0 0 L 2 * UTC", from: "2024-01-01", to: "2026-01-01",
              dates: ["2024-02-29", "2025-02-28"]),
        // Last Friday of each month of 2024.
        Dates(schedule: "USING CRON 0 12 * * 5L UTC", from: "2024-01-01", to: "2025-01-01", dates: [
            "2024-01-26", "2024-02-23", "2024-03-29", "2024-04-26", "2024-05-31", "2024-06-28",
            "2024-07-26", "2024-08-30", "2024-09-27", "2024-10-25", "2024-11-29", "2024-12-27",
        ]),
        Dates(schedule: "USING CRON 0 12 * * FRIL UTC", from: "2024-04-01", to: "2024-05-01", dates: ["2024-04-26"]),
        // `L` alone in day-of-week is Saturday: 6, 13, 20, 27 April 2024.
        Dates(schedule: "USING CRON 0 12 * * L UTC", from: "2024-04-01", to: "2024-05-01",
              dates: ["2024-04-06", "2024-04-13", "2024-04-20", "2024-04-27"]),
        // First and last day of each month.
        Dates(schedule: "USING CRON 0 0 1,L * * UTC", from: "2024-01-01", to: "2024-04-01", dates: [
            "2024-01-01", "2024-01-31", "2024-02-01", "2024-02-29", "2024-03-01", "2024-03-31",
        ]),
        // 4/3 in month: April, July, October, and not January (each year on its own, no wrap).
        Dates(schedule: "USING CRON 0 0 1 4/3 * UTC", from: "2024-01-01", to: "2026-01-01", dates: [
            "2024-04-01", "2024-07-01", "2024-10-01", "2025-04-01", "2025-07-01", "2025-10-01",
        ]),
        // Months by name and range, any case.
        Dates(schedule: "USING CRON 0 0 15 jan-Mar,JUL * UTC", from: "2024-01-01", to: "2025-01-01",
              dates: ["2024-01-15", "2024-02-15", "2024-03-15", "2024-07-15"]),
    ])
    func dates(_ example: Dates) throws {
        let fires = try ScheduleFixtures.fireTimes(example.schedule, from: example.from, to: example.to)
        #expect(fires.map(\.local.date.description) == example.dates)
    }

    @Test("Weekdays in Tokyo: first and last of April 2024 at 10:00 JST = 01:00Z")
    func tokyoWeekdays() throws {
        let fires = try ScheduleFixtures.fireTimes(
            "USING CRON 0 10 * * MON-FRI Asia/Tokyo", from: "2024-04-01", to: "2024-05-01")
        #expect(rows([fires.first!, fires.last!]) == [
            "2024-04-01T01:00:00Z 2024-04-01T10:00:00 32400",
            "2024-04-30T01:00:00Z 2024-04-30T10:00:00 32400",
        ])
    }

    @Test("Holidays do not fire")
    func holidays() throws {
        // 22 weekdays in April 2024 (see counts), less Showa Day, Monday 04-29; the Saturday 04-27 changes nothing.
        #expect(try ScheduleFixtures.fireTimes(
            "USING CRON 0 10 * * MON-FRI Asia/Tokyo", from: "2024-04-01", to: "2024-05-01",
            holidays: ["2024-04-29", "2024-04-27"]).count == 21)
        // November 2024 in Los Angeles at 01:00: 31 fire times, two of them on 11-03: 31 - 2 = 29.
        #expect(try ScheduleFixtures.fireTimes(
            "USING CRON 0 1 * * * America/Los_Angeles", from: "2024-11-01", to: "2024-12-01",
            holidays: ["2024-11-03"]).count == 29)
    }

    @Test("The window is half-open")
    func halfOpenWindow() throws {
        let cron = try ScheduleFixtures.cron("USING CRON 0 * * * * UTC")
        let u = ScheduleFixtures.utc
        // [10:00, 12:00) holds 10:00 and 11:00, not 12:00.
        #expect(rows(cron.fireTimes(in: DateInterval(start: u("2024-04-01T10:00:00Z"), end: u("2024-04-01T12:00:00Z"))))
            == ["2024-04-01T10:00:00Z 2024-04-01T10:00:00 0", "2024-04-01T11:00:00Z 2024-04-01T11:00:00 0"])
        // [10:30, 12:00:01) holds 11:00 and 12:00.
        #expect(rows(cron.fireTimes(in: DateInterval(start: u("2024-04-01T10:30:00Z"), end: u("2024-04-01T12:00:01Z"))))
            == ["2024-04-01T11:00:00Z 2024-04-01T11:00:00 0", "2024-04-01T12:00:00Z 2024-04-01T12:00:00 0"])
        #expect(cron.fireTimes(in: DateInterval(start: u("2024-04-01T10:30:00Z"), end: u("2024-04-01T10:30:00Z")))
            .isEmpty)
    }
}

@Suite("Interval fire times")
struct IntervalFireTimeTests {
    let la = TimeZone(identifier: "America/Los_Angeles")!

    @Test("10 MINUTES counts from the resume instant, straight through the spring gap")
    func springGap() throws {
        let interval = try ScheduleFixtures.interval("10 MINUTES")
        let u = ScheduleFixtures.utc
        // Local day 2024-03-10 in Los Angeles is [08:00Z, 03-11 07:00Z), 23 hours. Resumed at 09:03Z (01:03 PST):
        // runs at 09:13Z + 10k while before 07:00Z next day; the last is 09:13Z + 1300 min = 06:53Z, so k = 0...130,
        // 131 runs.
        let fires = interval.fireTimes(
            in: DateInterval(start: u("2024-03-10T08:00:00Z"), end: u("2024-03-11T07:00:00Z")),
            anchor: u("2024-03-10T09:03:00Z"), zone: la)
        #expect(fires.count == 131)
        // Elapsed time: 01:53 PST is followed ten minutes later by 03:03 PDT.
        #expect(rows(Array(fires.prefix(6))) == [
            "2024-03-10T09:13:00Z 2024-03-10T01:13:00 -28800",
            "2024-03-10T09:23:00Z 2024-03-10T01:23:00 -28800",
            "2024-03-10T09:33:00Z 2024-03-10T01:33:00 -28800",
            "2024-03-10T09:43:00Z 2024-03-10T01:43:00 -28800",
            "2024-03-10T09:53:00Z 2024-03-10T01:53:00 -28800",
            "2024-03-10T10:03:00Z 2024-03-10T03:03:00 -25200",
        ])
        #expect(rows([fires.last!]) == ["2024-03-11T06:53:00Z 2024-03-10T23:53:00 -25200"])
    }

    @Test("30 MINUTES through the autumn repeat marks both occurrences")
    func autumnRepeat() throws {
        let interval = try ScheduleFixtures.interval("30 MINUTES")
        let u = ScheduleFixtures.utc
        // Resumed at 07:00Z = 00:00 PDT; runs every 30 min; 01:00-01:59 happens first on PDT, then on PST.
        let fires = interval.fireTimes(
            in: DateInterval(start: u("2024-11-03T07:00:00Z"), end: u("2024-11-03T10:30:00Z")),
            anchor: u("2024-11-03T07:00:00Z"), zone: la)
        #expect(rows(fires) == [
            "2024-11-03T07:30:00Z 2024-11-03T00:30:00 -25200",
            "2024-11-03T08:00:00Z 2024-11-03T01:00:00 -25200 repeated-first",
            "2024-11-03T08:30:00Z 2024-11-03T01:30:00 -25200 repeated-first",
            "2024-11-03T09:00:00Z 2024-11-03T01:00:00 -28800 repeated-second",
            "2024-11-03T09:30:00Z 2024-11-03T01:30:00 -28800 repeated-second",
            "2024-11-03T10:00:00Z 2024-11-03T02:00:00 -28800",
        ])
    }

    @Test("Nothing runs at or before the anchor; fractions of a second are dropped")
    func beforeAnchor() throws {
        let interval = try ScheduleFixtures.interval("1 HOUR")
        let u = ScheduleFixtures.utc
        // Anchor 00:00:30.75Z → 00:00:30Z; runs at 01:00:30Z and 02:00:30Z inside [the day before, 03:00Z).
        let fires = interval.fireTimes(
            in: DateInterval(start: u("2023-12-31T00:00:00Z"), end: u("2024-01-01T03:00:00Z")),
            anchor: u("2024-01-01T00:00:30Z").addingTimeInterval(0.75), zone: TimeZone(identifier: "UTC")!)
        #expect(rows(fires) == ["2024-01-01T01:00:30Z 2024-01-01T01:00:30 0", "2024-01-01T02:00:30Z 2024-01-01T02:00:30 0"])
    }

    @Test("Holidays skip runs in the given zone without moving the count")
    func holidays() throws {
        let interval = try ScheduleFixtures.interval("12 HOURS")
        let u = ScheduleFixtures.utc
        // From 04-28 00:00Z: 04-28 12:00Z (21:00 JST 04-28), 04-29 00:00Z (09:00 JST 04-29), 04-29 12:00Z (21:00
        // JST 04-29), 04-30 00:00Z (09:00 JST 04-30), 04-30 12:00Z (21:00 JST 04-30); 04-29 JST is a holiday.
        let fires = interval.fireTimes(
            in: DateInterval(start: u("2024-04-28T00:00:00Z"), end: u("2024-05-01T00:00:00Z")),
            anchor: u("2024-04-28T00:00:00Z"), zone: TimeZone(identifier: "Asia/Tokyo")!,
            holidays: [CivilDate("2024-04-29")!])
        #expect(rows(fires) == [
            "2024-04-28T12:00:00Z 2024-04-28T21:00:00 32400",
            "2024-04-30T00:00:00Z 2024-04-30T09:00:00 32400",
            "2024-04-30T12:00:00Z 2024-04-30T21:00:00 32400",
        ])
    }
}
