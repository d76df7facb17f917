import Foundation

/// A Snowflake task schedule, the value of a task's `SCHEDULE` parameter: a cron expression with a time zone, or
/// a fixed interval (CREATE TASK, docs.snowflake.com/en/sql-reference/sql/create-task; spcs-facts §5 [S14b]).
public enum TaskSchedule: Hashable, Sendable, CustomStringConvertible {
    /// `USING CRON <minute> <hour> <day-of-month> <month> <day-of-week> <time_zone>`.
    case cron(SnowflakeCron)
    /// `<num> { HOURS | MINUTES | SECONDS }`.
    case interval(TaskScheduleInterval)

    /// Parses a schedule as Snowflake writes it, with or without the surrounding single quotes of SQL:
    /// `'USING CRON 0 2 * * * America/Los_Angeles'`, `USING CRON 0 9-17 * * MON-FRI UTC`, `'10 MINUTES'`.
    ///
    /// Keywords, month and weekday names and interval units may be in any letter case; any amount of white space
    /// may separate the words. The cron dialect is described at ``SnowflakeCron``, intervals at
    /// ``TaskScheduleInterval``.
    /// - Throws: ``TaskScheduleError`` naming the field, the value and the fix.
    public init(parsing text: String) throws {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.count >= 2, body.hasPrefix("'"), body.hasSuffix("'") {
            body = body.dropFirst().dropLast().trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let words = body.split(whereSeparator: \.isWhitespace)
        guard let first = words.first else { throw TaskScheduleError.notASchedule(schedule: text) }
        if first.uppercased() == "USING" {
            guard words.count >= 2, words[1].uppercased() == "CRON" else {
                throw TaskScheduleError.notASchedule(schedule: text)
            }
            self = .cron(try SnowflakeCron(words: Array(words.dropFirst(2)), schedule: text))
        } else if first.first?.isNumber == true, words.count <= 2 {
            self = .interval(try TaskScheduleInterval(words: words, schedule: text))
        } else {
            throw TaskScheduleError.notASchedule(schedule: text)
        }
    }

    /// The schedule in Snowflake's spelling, e.g. `USING CRON 0 2 * * * UTC` or `10 MINUTES`.
    public var description: String {
        switch self {
        case .cron(let c): c.description
        case .interval(let i): i.description
        }
    }
}

/// A fixed-interval task schedule, `'<num> { HOURS | MINUTES | SECONDS }'`.
///
/// Source: CREATE TASK, `SCHEDULE` (docs.snowflake.com/en/sql-reference/sql/create-task; spcs-facts §5 [S14b]):
/// amounts are positive integers, 10-691200 SECONDS, 1-11520 MINUTES or 1-192 HOURS (10 seconds to 8 days), and
/// the singular units HOUR, MINUTE, SECOND and the letters H, M, S are accepted too (any letter case, with or
/// without a space before the unit). Snowflake "sets the base interval time when the task is resumed": a
/// `10 MINUTES` task resumed at 9:03 runs at 9:13, 9:23, ... So fire times need the resume instant, the anchor
/// (see ``fireTimes(in:anchor:zone:holidays:)``); an interval ignores time zones and DST.
public struct TaskScheduleInterval: Hashable, Sendable, CustomStringConvertible {
    /// The unit an interval is written in.
    public enum Unit: String, Sendable, Codable {
        case hours = "HOURS"
        case minutes = "MINUTES"
        case seconds = "SECONDS"

        /// Seconds in one unit.
        public var seconds: Int {
            switch self {
            case .hours: 3600
            case .minutes: 60
            case .seconds: 1
            }
        }

        /// Documented bounds of the amount for this unit.
        public var allowedAmounts: ClosedRange<Int> {
            switch self {
            case .hours: 1...192
            case .minutes: 1...11_520
            case .seconds: 10...691_200
            }
        }
    }

    /// The number of units, within ``Unit/allowedAmounts``.
    public let amount: Int
    /// The unit as written (singular and letter forms are read as their plural).
    public let unit: Unit

    /// The interval in seconds (10...691200).
    public var seconds: Int { amount * unit.seconds }

    /// `<amount> <UNIT>`, e.g. `10 MINUTES`.
    public var description: String { "\(amount) \(unit.rawValue)" }

    /// Parses `<num> <unit>` given as one or two words. `schedule` is the whole text, for messages.
    init(words: [Substring], schedule: String) throws {
        let joined = words.joined()
        let digits = joined.prefix { $0.isASCII && $0.isNumber }
        let unitText = joined.dropFirst(digits.count).uppercased()
        let unit: Unit
        switch unitText {
        case "HOURS", "HOUR", "H": unit = .hours
        case "MINUTES", "MINUTE", "M": unit = .minutes
        case "SECONDS", "SECOND", "S": unit = .seconds
        default: throw TaskScheduleError.unknownIntervalUnit(schedule: schedule, unit: unitText)
        }
        guard digits.count <= 9, let amount = Int(digits), unit.allowedAmounts.contains(amount) else {
            throw TaskScheduleError.intervalOutOfRange(schedule: schedule, amount: String(digits), unit: unit)
        }
        self.amount = amount
        self.unit = unit
    }
}
