import Foundation

/// The five fields of a Snowflake cron expression, in the order they are written.
///
/// Ranges from CREATE TASK, `SCHEDULE` (docs.snowflake.com/en/sql-reference/sql/create-task; spcs-facts §5 [S14b]):
/// minute 0-59, hour 0-23, day of month 1-31 or L, month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT or L.
public enum SnowflakeCronField: String, CaseIterable, Sendable, Codable {
    case minute
    case hour
    case dayOfMonth = "day-of-month"
    case month
    case dayOfWeek = "day-of-week"

    /// The documented numeric range of the field.
    public var bounds: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...6
        }
    }

    /// What the field accepts, as a phrase for error messages.
    var allowedText: String {
        switch self {
        case .minute: "a minute from 0 to 59"
        case .hour: "an hour from 0 to 23"
        case .dayOfMonth: "a day from 1 to 31 or L (the last day)"
        case .month: "a month from 1 to 12 or JAN to DEC"
        case .dayOfWeek: "a weekday from 0 to 6 (0 = Sunday) or SUN to SAT, nL (last weekday n of the month) or L"
        }
    }

    /// Upper-case names for the field's values, indexed from the lower bound; nil when the field has no names.
    var names: [String]? {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: nil
        }
    }
}

/// A parsed `USING CRON <minute> <hour> <day-of-month> <month> <day-of-week> <time_zone>` task schedule.
///
/// Dialect (CREATE TASK, `SCHEDULE`, docs.snowflake.com/en/sql-reference/sql/create-task; spcs-facts §5 [S14b],
/// [S15]), with the choices this tool makes where Snowflake is silent marked *decided*:
/// - `*`, single values, lists `a,b`, ranges `a-b` (start ≤ end; ranges do not wrap, *decided*), and steps `*/n`,
///   `a/n` and `a-b/n`. Each step is computed within its field and never wraps: `4/3` in month is April, July and
///   October, not January (documented); `0/5` in minute is every five minutes from the top of the hour
///   (documented example).
/// - Month names JAN-DEC and weekday names SUN-SAT in any letter case, also inside ranges and steps.
/// - Day of week 0-6 with 0 = Sunday; `7` is rejected (*decided*: Snowflake documents 0-6 only).
/// - `L` in day-of-month is the month's last day (documented), also inside a list such as `1,L` (*decided*).
///   `nL` in day-of-week is the last weekday n of the month, e.g. `5L` the last Friday (documented); a name works
///   too (`FRIL`, *decided*). `L` alone in day-of-week is Saturday, the last day of the documented 0-6 week, as in
///   the Quartz dialect that `L` and `nL` come from (*decided*; Snowflake lists `L` for the field without saying
///   more). `L-n` and `Ln` are rejected.
/// - `W`, `#` and `?` are rejected: Snowflake documents only `*`, `L` and `/n` (spcs-facts §5 [S15]).
/// - Day of month combined with day of week: when both fields are restricted the task fires on days that match
///   **either** field (documented: `0 0 10-20 * TUE,THU` runs on the 10th-20th and on any Tuesday or Thursday).
///   A field counts as restricted unless it is exactly `*` (*decided*; `*/2` and `1-31` are restricted, as in
///   croniter's default). When one of the two is `*`, the other alone decides.
/// - The time zone is an IANA tz database name: an `Area/Location` name (`America/Los_Angeles`, `Etc/GMT+9`) or
///   `UTC`/`GMT`. Abbreviations and other names without an area (`IST`, `PST`, `JST`, `EST`, `CET`,
///   `PST8PDT`) are rejected because they are ambiguous (*decided*; a third-party report says Snowflake rejects
///   `IST`, spcs-facts §5 [S14a]). Letter case must match the tz database.
///
/// Fire times and DST are described at ``fireTimes(in:holidays:)``.
public struct SnowflakeCron: Hashable, Sendable, CustomStringConvertible {
    /// The five fields as written, joined by single spaces, e.g. `0 9-17 * * MON-FRI`.
    public let expression: String
    /// The IANA name of the schedule's time zone as written, e.g. `America/Los_Angeles` or `UTC`.
    public let timeZoneName: String
    /// The schedule's time zone. Only this zone is ever used to read wall times; the machine's zone never is.
    public let timeZone: TimeZone

    /// Matching minutes, ascending.
    let minutes: [Int]
    /// Matching hours, ascending.
    let hours: [Int]
    /// Bit d set when day of month d (1...31) matches.
    let daysOfMonth: UInt32
    /// True when `L` (last day of the month) matches.
    let lastDayOfMonth: Bool
    /// Bit m set when month m (1...12) matches.
    let months: UInt16
    /// Bit w set when weekday w (0 = Sunday) matches on any date.
    let weekdays: UInt8
    /// Bit w set when weekday w matches on its last occurrence in the month (`nL`).
    let lastWeekdays: UInt8
    /// True when both day fields are restricted, so a day matching either one fires.
    let daysEitherField: Bool

    /// `USING CRON <expression> <time zone>`, the text of the `SCHEDULE` parameter without its quotes.
    public var description: String { "USING CRON \(expression) \(timeZoneName)" }

    /// Parses the words after `USING CRON`: five fields and a zone. `schedule` is the whole text, for messages.
    init(words: [Substring], schedule: String) throws {
        guard words.count == 6 else { throw TaskScheduleError.wrongFieldCount(schedule: schedule, found: words.count) }
        let text = words.map(String.init)
        func parse(_ i: Int, _ field: SnowflakeCronField) throws -> ParsedField {
            try ParsedField(text[i], field: field, schedule: schedule)
        }
        let minute = try parse(0, .minute)
        let hour = try parse(1, .hour)
        let dom = try parse(2, .dayOfMonth)
        let month = try parse(3, .month)
        let dow = try parse(4, .dayOfWeek)
        self.expression = text[0..<5].joined(separator: " ")
        self.timeZoneName = text[5]
        self.timeZone = try SnowflakeCron.ianaZone(text[5], schedule: schedule)
        self.minutes = (0...59).filter { minute.bits & (1 << UInt64($0)) != 0 }
        self.hours = (0...23).filter { hour.bits & (1 << UInt64($0)) != 0 }
        self.daysOfMonth = UInt32(truncatingIfNeeded: dom.bits)
        self.lastDayOfMonth = dom.last
        self.months = UInt16(truncatingIfNeeded: month.bits)
        self.weekdays = UInt8(truncatingIfNeeded: dow.bits)
        self.lastWeekdays = dow.lastWeekdays
        self.daysEitherField = text[2] != "*" && text[4] != "*"
    }

    /// True when the schedule fires on local date `date` (month, day-of-month and day-of-week rules).
    func fires(on date: CivilDate) -> Bool {
        guard months & (1 << UInt16(date.month)) != 0 else { return false }
        let isLastDay = date.day == date.daysInMonth
        let dayMatches = daysOfMonth & (1 << UInt32(date.day)) != 0 || (lastDayOfMonth && isLastDay)
        let w = UInt8(date.weekday.rawValue)
        let weekdayMatches = weekdays & (1 << w) != 0
            || (lastWeekdays & (1 << w) != 0 && date.day + 7 > date.daysInMonth)
        return daysEitherField ? (dayMatches || weekdayMatches) : (dayMatches && weekdayMatches)
    }

    /// Validates an IANA zone name (see the type's doc comment) and returns the zone.
    /// - Throws: ``TaskScheduleError/timeZoneAbbreviation(schedule:zone:)`` for names without an area other than
    ///   UTC and GMT; ``TaskScheduleError/unknownTimeZone(schedule:zone:suggestion:)`` for unknown names.
    static func ianaZone(_ name: String, schedule: String) throws -> TimeZone {
        let arealess: Set<String> = ["UTC", "GMT"]
        guard name.contains("/") || arealess.contains(name) else {
            if arealess.contains(name.uppercased()) {
                throw TaskScheduleError.unknownTimeZone(schedule: schedule, zone: name, suggestion: name.uppercased())
            }
            throw TaskScheduleError.timeZoneAbbreviation(schedule: schedule, zone: name)
        }
        if let zone = TimeZone(identifier: name) { return zone }
        let suggestion = TimeZone.knownTimeZoneIdentifiers.first { $0.caseInsensitiveCompare(name) == .orderedSame }
        throw TaskScheduleError.unknownTimeZone(schedule: schedule, zone: name, suggestion: suggestion)
    }
}

/// One cron field after parsing: a bit per matching value, plus the `L` forms of the day fields.
private struct ParsedField {
    /// Bit v set when value v matches (weekday 0...6, day 1...31, ...).
    var bits: UInt64 = 0
    /// `L` in day-of-month.
    var last = false
    /// Bit w set for `wL` in day-of-week.
    var lastWeekdays: UInt8 = 0

    init(_ text: String, field: SnowflakeCronField, schedule: String) throws {
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else {
                throw TaskScheduleError.notAValue(schedule: schedule, field: field, value: text)
            }
            try add(String(item), field: field, schedule: schedule)
        }
    }

    private mutating func add(_ item: String, field: SnowflakeCronField, schedule: String) throws {
        let upper = item.uppercased()
        for c in ["?", "#"] where upper.contains(c) {
            throw TaskScheduleError.undocumentedSyntax(schedule: schedule, field: field, value: item, character: c)
        }
        if field == .dayOfMonth && upper.contains("W") {
            throw TaskScheduleError.undocumentedSyntax(schedule: schedule, field: field, value: item, character: "W")
        }
        let notAValue = TaskScheduleError.notAValue(schedule: schedule, field: field, value: item)

        // `L` forms of the two day fields; elsewhere `L` is only the letter in JUL.
        if upper.replacingOccurrences(of: "JUL", with: "").contains("L") {
            switch field {
            case .dayOfMonth where upper == "L":
                last = true
                return
            case .dayOfWeek where upper == "L":
                bits |= 1 << 6
                return
            case .dayOfWeek where upper.hasSuffix("L") && !upper.hasPrefix("L"):
                let weekday = try value(String(upper.dropLast()), field: field, item: item, schedule: schedule)
                lastWeekdays |= 1 << UInt8(weekday)
                return
            default:
                throw TaskScheduleError.lastNotAllowed(schedule: schedule, field: field, value: item)
            }
        }

        // base[/step], base = * | v | v-v.
        let slash = upper.split(separator: "/", omittingEmptySubsequences: false)
        guard slash.count <= 2, let base = slash.first, !base.isEmpty else { throw notAValue }
        var step = 1
        if slash.count == 2 {
            guard let n = Int(slash[1]), slash[1].allSatisfy(\.isASCII), slash[1].allSatisfy(\.isNumber) else {
                throw notAValue
            }
            guard n > 0 else { throw TaskScheduleError.zeroStep(schedule: schedule, field: field, value: item) }
            step = n
        }
        let low: Int, high: Int
        if base == "*" {
            (low, high) = (field.bounds.lowerBound, field.bounds.upperBound)
        } else {
            let dash = base.split(separator: "-", omittingEmptySubsequences: false)
            guard dash.count <= 2 else { throw notAValue }
            low = try value(String(dash[0]), field: field, item: item, schedule: schedule)
            if dash.count == 2 {
                high = try value(String(dash[1]), field: field, item: item, schedule: schedule)
                guard low <= high else {
                    throw TaskScheduleError.reversedRange(schedule: schedule, field: field, value: item)
                }
            } else {
                // `a/n` runs from a to the end of the field; a plain `a` is just a.
                high = slash.count == 2 ? field.bounds.upperBound : low
            }
        }
        for v in stride(from: low, through: high, by: step) { bits |= 1 << UInt64(v) }
    }

    /// A number or a name of the field, checked against the field's range.
    private func value(_ token: String, field: SnowflakeCronField, item: String, schedule: String) throws -> Int {
        if let names = field.names, let i = names.firstIndex(of: token) { return field.bounds.lowerBound + i }
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber), let v = Int(token) else {
            throw TaskScheduleError.notAValue(schedule: schedule, field: field, value: item)
        }
        if field == .dayOfWeek && v == 7 { throw TaskScheduleError.dayOfWeekSeven(schedule: schedule, value: item) }
        guard field.bounds.contains(v) else {
            throw TaskScheduleError.valueOutOfRange(schedule: schedule, field: field, value: item)
        }
        return v
    }
}
