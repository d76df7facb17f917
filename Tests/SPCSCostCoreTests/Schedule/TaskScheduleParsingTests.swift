import Foundation
import SPCSCostCore
import Testing

@Suite("Task schedule parsing")
struct TaskScheduleParsingTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        let text: String
        /// ``TaskSchedule/description`` after parsing.
        let canonical: String
        var testDescription: String { String(reflecting: text) }
    }

    @Test("Snowflake spellings parse", arguments: [
        // Quotes as in SQL, and the documented example.
        Accepted(text: "'USING CRON 0 2 * * * America/Los_Angeles'", canonical: "USING CRON 0 2 * * * America/Los_Angeles"),
        // Any white space between words, keywords in any case.
        Accepted(text: "  using\tcron  18   9-17 * *\nSUN   America/Los_Angeles ",
                 canonical: "USING CRON 18 9-17 * * SUN America/Los_Angeles"),
        Accepted(text: "USING CRON 0 0 10-20 * TUE,THU UTC", canonical: "USING CRON 0 0 10-20 * TUE,THU UTC"),
        Accepted(text: "USING CRON 0/5 * * * * UTC", canonical: "USING CRON 0/5 * * * * UTC"),
        Accepted(text: "USING CRON 0 0 L * * UTC", canonical: "USING CRON 0 0 L * * UTC"),
        Accepted(text: "USING CRON 0 12 * * 5L Asia/Tokyo", canonical: "USING CRON 0 12 * * 5L Asia/Tokyo"),
        Accepted(text: "USING CRON 0 12 * * friL Asia/Tokyo", canonical: "USING CRON 0 12 * * friL Asia/Tokyo"),
        Accepted(text: "USING CRON 0 0 1 4/3 * GMT", canonical: "USING CRON 0 0 1 4/3 * GMT"),
        Accepted(text: "USING CRON 0 0 1 jan-Mar,JUL * Etc/GMT-9", canonical: "USING CRON 0 0 1 jan-Mar,JUL * Etc/GMT-9"),
        Accepted(text: "USING CRON 10-40/7 * 1,L * mon-fri Australia/Lord_Howe",
                 canonical: "USING CRON 10-40/7 * 1,L * mon-fri Australia/Lord_Howe"),
        // Intervals: plural, singular and letter units, any case, with or without a space.
        Accepted(text: "'10 MINUTES'", canonical: "10 MINUTES"),
        Accepted(text: "60 minutes", canonical: "60 MINUTES"),
        Accepted(text: "10 m", canonical: "10 MINUTES"),
        Accepted(text: "15 SECONDS", canonical: "15 SECONDS"),
        Accepted(text: "10s", canonical: "10 SECONDS"),
        Accepted(text: "1 HOUR", canonical: "1 HOURS"),
        Accepted(text: "192 H", canonical: "192 HOURS"),
    ])
    func accepts(_ example: Accepted) throws {
        #expect(try TaskSchedule(parsing: example.text).description == example.canonical)
    }

    @Test("An interval is stored in seconds")
    func intervalSeconds() throws {
        // 10 MINUTES = 10 × 60 = 600 s; 192 H = 192 × 3600 = 691200 s (8 days, the documented maximum);
        // 10 SECONDS is the documented minimum.
        #expect(try ScheduleFixtures.interval("10 MINUTES").seconds == 600)
        #expect(try ScheduleFixtures.interval("192 H").seconds == 691_200)
        #expect(try ScheduleFixtures.interval("10 SECONDS").seconds == 10)
        #expect(try ScheduleFixtures.interval("11520 MINUTES").seconds == 691_200)
    }

    struct Rejected: Sendable, CustomTestStringConvertible {
        let text: String
        let error: TaskScheduleError
        var testDescription: String { String(reflecting: text) }
    }

    static let rejected: [Rejected] = {
        func r(_ text: String, _ make: (String) -> TaskScheduleError) -> Rejected {
            Rejected(text: text, error: make(text))
        }
        func syntax(_ text: String, _ field: SnowflakeCronField, _ value: String, _ c: String) -> Rejected {
            r(text) { .undocumentedSyntax(schedule: $0, field: field, value: value, character: c) }
        }
        return [
            // Syntax Snowflake does not document.
            syntax("USING CRON 0 0 15W * * UTC", .dayOfMonth, "15W", "W"),
            syntax("USING CRON 0 0 LW * * UTC", .dayOfMonth, "LW", "W"),
            syntax("USING CRON 0 0 * * 2#3 UTC", .dayOfWeek, "2#3", "#"),
            syntax("USING CRON 0 0 ? * MON UTC", .dayOfMonth, "?", "?"),
            syntax("USING CRON 0 0 1 * ? UTC", .dayOfWeek, "?", "?"),
            // Day of week is documented as 0-6.
            r("USING CRON 0 0 * * 7 UTC") { .dayOfWeekSeven(schedule: $0, value: "7") },
            r("USING CRON 0 0 * * 5-7 UTC") { .dayOfWeekSeven(schedule: $0, value: "5-7") },
            // Out of range.
            r("USING CRON 60 * * * * UTC") { .valueOutOfRange(schedule: $0, field: .minute, value: "60") },
            r("USING CRON 0 24 * * * UTC") { .valueOutOfRange(schedule: $0, field: .hour, value: "24") },
            r("USING CRON 0 0 0 * * UTC") { .valueOutOfRange(schedule: $0, field: .dayOfMonth, value: "0") },
            r("USING CRON 0 0 32 * * UTC") { .valueOutOfRange(schedule: $0, field: .dayOfMonth, value: "32") },
            r("USING CRON 0 0 * 0 * UTC") { .valueOutOfRange(schedule: $0, field: .month, value: "0") },
            r("USING CRON 0 0 * 1-13 * UTC") { .valueOutOfRange(schedule: $0, field: .month, value: "1-13") },
            // Bad ranges and steps.
            r("USING CRON 0 17-9 * * * UTC") { .reversedRange(schedule: $0, field: .hour, value: "17-9") },
            r("USING CRON 0 0 * * FRI-MON UTC") { .reversedRange(schedule: $0, field: .dayOfWeek, value: "FRI-MON") },
            r("USING CRON */0 * * * * UTC") { .zeroStep(schedule: $0, field: .minute, value: "*/0") },
            r("USING CRON 1,,2 * * * * UTC") { .notAValue(schedule: $0, field: .minute, value: "1,,2") },
            r("USING CRON 1.5 * * * * UTC") { .notAValue(schedule: $0, field: .minute, value: "1.5") },
            r("USING CRON -1 * * * * UTC") { .notAValue(schedule: $0, field: .minute, value: "-1") },
            r("USING CRON 0 0 * JANUARY * UTC") { .notAValue(schedule: $0, field: .month, value: "JANUARY") },
            r("USING CRON 0 0 * * 1/x UTC") { .notAValue(schedule: $0, field: .dayOfWeek, value: "1/x") },
            // L outside its documented places.
            r("USING CRON L * * * * UTC") { .lastNotAllowed(schedule: $0, field: .minute, value: "L") },
            r("USING CRON 0 0 * L * UTC") { .lastNotAllowed(schedule: $0, field: .month, value: "L") },
            r("USING CRON 0 0 L-3 * * UTC") { .lastNotAllowed(schedule: $0, field: .dayOfMonth, value: "L-3") },
            r("USING CRON 0 0 * * L5 UTC") { .lastNotAllowed(schedule: $0, field: .dayOfWeek, value: "L5") },
            // Time zones: abbreviations, wrong case, unknown names.
            r("USING CRON 0 0 * * * IST") { .timeZoneAbbreviation(schedule: $0, zone: "IST") },
            r("USING CRON 0 0 * * * PST") { .timeZoneAbbreviation(schedule: $0, zone: "PST") },
            r("USING CRON 0 0 * * * JST") { .timeZoneAbbreviation(schedule: $0, zone: "JST") },
            r("USING CRON 0 0 * * * PST8PDT") { .timeZoneAbbreviation(schedule: $0, zone: "PST8PDT") },
            r("USING CRON 0 0 * * * utc") { .unknownTimeZone(schedule: $0, zone: "utc", suggestion: "UTC") },
            r("USING CRON 0 0 * * * america/los_angeles") {
                .unknownTimeZone(schedule: $0, zone: "america/los_angeles", suggestion: "America/Los_Angeles")
            },
            r("USING CRON 0 0 * * * Mars/Olympus_Mons") {
                .unknownTimeZone(schedule: $0, zone: "Mars/Olympus_Mons", suggestion: nil)
            },
            // Shape.
            r("USING CRON 0 0 * * *") { .wrongFieldCount(schedule: $0, found: 5) },
            r("USING CRON 0 0 0 * * * UTC") { .wrongFieldCount(schedule: $0, found: 7) },
            r("0 2 * * * UTC") { .notASchedule(schedule: $0) },
            r("USING 0 2 * * * UTC") { .notASchedule(schedule: $0) },
            r("''") { .notASchedule(schedule: $0) },
            // Intervals: documented bounds 10-691200 SECONDS, 1-11520 MINUTES, 1-192 HOURS.
            r("9 SECONDS") { .intervalOutOfRange(schedule: $0, amount: "9", unit: .seconds) },
            r("0 MINUTES") { .intervalOutOfRange(schedule: $0, amount: "0", unit: .minutes) },
            r("11521 MINUTES") { .intervalOutOfRange(schedule: $0, amount: "11521", unit: .minutes) },
            r("193 HOURS") { .intervalOutOfRange(schedule: $0, amount: "193", unit: .hours) },
            r("1 DAY") { .unknownIntervalUnit(schedule: $0, unit: "DAY") },
            r("10") { .unknownIntervalUnit(schedule: $0, unit: "") },
        ]
    }()

    @Test("Rejections name the field and value", arguments: rejected)
    func rejects(_ example: Rejected) {
        #expect(throws: example.error) { try TaskSchedule(parsing: example.text) }
    }

    @Test("Every rejection is one sentence that quotes the schedule", arguments: rejected)
    func messagesQuoteTheInput(_ example: Rejected) {
        let message = example.error.description
        #expect(message.hasPrefix("Schedule '\(example.text)'"))
        #expect(message.hasSuffix("."))
        #expect(message.contains("; "))
    }

    @Test("Messages say what is wrong and how to fix it")
    func exactMessages() {
        #expect(TaskScheduleError.undocumentedSyntax(
            schedule: "USING CRON 0 0 15W * * UTC", field: .dayOfMonth, value: "15W", character: "W").description
            == "Schedule 'USING CRON 0 0 15W * * UTC': day-of-month value '15W' uses 'W', which Snowflake does not "
            + "document for task schedules (only *, L and /n are documented); write the day numbers explicitly "
            + "instead of a nearest-weekday W.")
        #expect(TaskScheduleError.timeZoneAbbreviation(schedule: "USING CRON 0 9 * * * IST", zone: "IST").description
            == "Schedule 'USING CRON 0 9 * * * IST': time zone 'IST' is an abbreviation or legacy name, not an IANA "
            + "Area/Location name, and abbreviations are ambiguous (IST is India, Ireland or Israel); write a name "
            + "such as Asia/Kolkata, America/Los_Angeles or Asia/Tokyo, or UTC.")
        #expect(TaskScheduleError.valueOutOfRange(schedule: "USING CRON 0 24 * * * UTC", field: .hour, value: "24")
            .description == "Schedule 'USING CRON 0 24 * * * UTC': hour value '24' is out of range; use an hour "
            + "from 0 to 23.")
        #expect(TaskScheduleError.reversedRange(schedule: "USING CRON 0 22-2 * * * UTC", field: .hour, value: "22-2")
            .description == "Schedule 'USING CRON 0 22-2 * * * UTC': hour range '22-2' runs backwards and ranges "
            + "do not wrap; write it as two ranges, for example 22-23,0-2.")
        #expect(TaskScheduleError.intervalOutOfRange(schedule: "5 SECONDS", amount: "5", unit: .seconds).description
            == "Schedule '5 SECONDS': interval 5 SECONDS is out of range; use a whole number of SECONDS from 10 "
            + "to 691200 (10 seconds to 8 days).")
        #expect(TaskScheduleError.emptyPeriod(from: CivilDate("2024-04-01")!, to: CivilDate("2024-03-01")!)
            .description == "Period from 2024-04-01 to 2024-03-01 is empty; the end date is exclusive and must be "
            + "after the start date, for example from 2024-03-01 to 2024-04-01 for March 2024.")
    }
}
