import Foundation

/// Why a Snowflake task schedule could not be read or evaluated.
///
/// Every case carries the schedule text as given (`schedule`), so ``description`` can quote the input, name the
/// field and value at fault, and say how to fix it. The rules behind the messages are those of CREATE TASK,
/// `SCHEDULE` parameter (docs.snowflake.com/en/sql-reference/sql/create-task; spcs-facts §5 [S14b], [S15]).
public enum TaskScheduleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text is neither `USING CRON <expr> <time_zone>` nor `<num> { HOURS | MINUTES | SECONDS }`.
    case notASchedule(schedule: String)
    /// A cron schedule without exactly five fields followed by a time zone; `found` counts the words after
    /// `USING CRON`.
    case wrongFieldCount(schedule: String, found: Int)
    /// A list item that is not a value, range, step or `L` form of the field.
    case notAValue(schedule: String, field: SnowflakeCronField, value: String)
    /// A number outside the field's documented range.
    case valueOutOfRange(schedule: String, field: SnowflakeCronField, value: String)
    /// A range whose start is after its end (`a-b` with `a > b`); ranges do not wrap.
    case reversedRange(schedule: String, field: SnowflakeCronField, value: String)
    /// A step of zero (`*/0`).
    case zeroStep(schedule: String, field: SnowflakeCronField, value: String)
    /// `L` where it is not documented: in the minute, hour or month field, or as `L-n`.
    case lastNotAllowed(schedule: String, field: SnowflakeCronField, value: String)
    /// Syntax that other cron dialects have and Snowflake does not document: `W`, `#` or `?` (`character`).
    case undocumentedSyntax(schedule: String, field: SnowflakeCronField, value: String, character: String)
    /// Day of week `7`: Snowflake documents 0-6 with 0 = Sunday.
    case dayOfWeekSeven(schedule: String, value: String)
    /// A time zone that is not an IANA (tz database) name. `suggestion` is the correctly spelled name when only
    /// the letter case was wrong, else nil.
    case unknownTimeZone(schedule: String, zone: String, suggestion: String?)
    /// A zone abbreviation or other name without an area (`IST`, `PST`, `JST`, `CET`), which is ambiguous.
    case timeZoneAbbreviation(schedule: String, zone: String)
    /// An interval unit other than HOURS, MINUTES or SECONDS (or HOUR, MINUTE, SECOND, H, M, S).
    case unknownIntervalUnit(schedule: String, unit: String)
    /// An interval amount outside the documented bounds for its unit.
    case intervalOutOfRange(schedule: String, amount: String, unit: TaskScheduleInterval.Unit)
    /// An interval schedule was evaluated without the instant it counts from.
    case intervalNeedsAnchor(schedule: String)
    /// A period whose end is not after its start (`from` and `to` are local dates, `to` exclusive).
    case emptyPeriod(from: CivilDate, to: CivilDate)
    /// A period longer than ``ScheduleExplain/maximumDays`` days to explain (`from` and `to` as in ``emptyPeriod``).
    case periodTooLong(from: CivilDate, to: CivilDate)

    /// One finished sentence: the schedule, the field and value, and the fix.
    public var description: String {
        switch self {
        case .notASchedule(let s):
            return "Schedule '\(s)' is not a Snowflake task schedule; write 'USING CRON <minute> <hour> "
                + "<day-of-month> <month> <day-of-week> <time zone>' (for example 'USING CRON 0 2 * * * UTC') "
                + "or an interval such as '10 MINUTES'."
        case .wrongFieldCount(let s, let found):
            return "Schedule '\(s)' has \(found) word\(found == 1 ? "" : "s") after USING CRON; write exactly five "
                + "fields (minute hour day-of-month month day-of-week) and then an IANA time zone, for example "
                + "'USING CRON 0 2 * * * America/Los_Angeles' (Snowflake has no seconds or year field)."
        case .notAValue(let s, let field, let v):
            return "Schedule '\(s)': \(field.rawValue) value '\(v)' is not a value, range or step; write "
                + "\(field.allowedText), a range a-b, a list a,b or a step such as */5 or a/n."
        case .valueOutOfRange(let s, let field, let v):
            return "Schedule '\(s)': \(field.rawValue) value '\(v)' is out of range; use \(field.allowedText)."
        case .reversedRange(let s, let field, let v):
            return "Schedule '\(s)': \(field.rawValue) range '\(v)' runs backwards and ranges do not wrap; "
                + "write it as two ranges, for example 22-23,0-2."
        case .zeroStep(let s, let field, let v):
            return "Schedule '\(s)': \(field.rawValue) step '\(v)' is zero; use a step of 1 or more, "
                + "for example */5."
        case .lastNotAllowed(let s, let field, let v):
            return "Schedule '\(s)': \(field.rawValue) value '\(v)' uses L where Snowflake does not document it; "
                + "L is allowed alone in day-of-month (last day of the month) and as nL or L in day-of-week "
                + "(last weekday n of the month; L alone is Saturday)."
        case .undocumentedSyntax(let s, let field, let v, let c):
            let fix: String
            switch c {
            case "?": fix = "write * instead of ?"
            case "W": fix = "write the day numbers explicitly instead of a nearest-weekday W"
            default: fix = "use nL for the last such weekday of the month, or list the day numbers"
            }
            return "Schedule '\(s)': \(field.rawValue) value '\(v)' uses '\(c)', which Snowflake does not document "
                + "for task schedules (only *, L and /n are documented); \(fix)."
        case .dayOfWeekSeven(let s, let v):
            return "Schedule '\(s)': day-of-week value '\(v)' uses 7, but Snowflake documents day of week as 0-6 "
                + "with 0 = Sunday; write 0 or SUN for Sunday."
        case .unknownTimeZone(let s, let zone, let suggestion):
            if let suggestion {
                return "Schedule '\(s)': time zone '\(zone)' is not spelled as in the IANA tz database; "
                    + "write '\(suggestion)'."
            }
            return "Schedule '\(s)': time zone '\(zone)' is not an IANA tz database name; write an Area/Location "
                + "name such as America/Los_Angeles, Europe/Berlin or Asia/Tokyo, or UTC."
        case .timeZoneAbbreviation(let s, let zone):
            return "Schedule '\(s)': time zone '\(zone)' is an abbreviation or legacy name, not an IANA "
                + "Area/Location name, and abbreviations are ambiguous (IST is India, Ireland or Israel); write a "
                + "name such as Asia/Kolkata, America/Los_Angeles or Asia/Tokyo, or UTC."
        case .unknownIntervalUnit(let s, let unit):
            let what = unit.isEmpty
                ? "interval has no unit" : "interval unit '\(unit)' is not HOURS, MINUTES or SECONDS"
            return "Schedule '\(s)': \(what); write for example "
                + "'10 MINUTES' (HOUR, MINUTE, SECOND, H, M and S are also accepted)."
        case .intervalOutOfRange(let s, let amount, let unit):
            let b = unit.allowedAmounts
            return "Schedule '\(s)': interval \(amount) \(unit.rawValue) is out of range; use a whole number of "
                + "\(unit.rawValue) from \(b.lowerBound) to \(b.upperBound) (10 seconds to 8 days)."
        case .intervalNeedsAnchor(let s):
            return "Schedule '\(s)' is an interval, which Snowflake counts from when the task is resumed; give "
                + "the resume instant as the interval anchor."
        case .emptyPeriod(let from, let to):
            return "Period from \(from) to \(to) is empty; the end date is exclusive and must be after the start "
                + "date, for example from 2024-03-01 to 2024-04-01 for March 2024."
        case .periodTooLong(let from, let to):
            return "Period from \(from) to \(to.adding(days: -1)) is \(from.days(to: to)) days; a schedule is explained "
                + "at most \(ScheduleExplain.maximumDays) days at a time, so explain it a year or less at a time."
        }
    }
}
