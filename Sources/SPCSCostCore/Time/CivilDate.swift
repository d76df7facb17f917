import Foundation

/// A calendar date without a time or a zone (proleptic Gregorian), such as a billing day or a holiday.
///
/// Shape: `year` (1...9999), `month` (1...12), `day` (1...31, valid for the month). Text form `YYYY-MM-DD`.
/// Which instants a date covers depends on a time zone: see ``CivilDate/startInstant(in:)``.
public struct CivilDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Calendar year, 1...9999.
    public let year: Int
    /// Month of the year, 1...12.
    public let month: Int
    /// Day of the month, 1...31.
    public let day: Int

    /// Creates a date, or returns nil when the triple is not a real date (for example 2024-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil when the text is not exactly that shape or not a real date.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01 (negative before), the form Snowflake's SQL API uses for DATE cells.
    public init(daysSinceEpoch: Int) {
        // Howard Hinnant's civil_from_days.
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = m <= 2 ? y + 1 : y
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(to other: CivilDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// Day of the week.
    public var weekday: Weekday {
        // 1970-01-01 was a Thursday (raw value 4 with Sunday = 0).
        let r = ((daysSinceEpoch % 7) + 7 + 4) % 7
        return Weekday(rawValue: r)!
    }

    /// Number of days in this date's month (28...31).
    public var daysInMonth: Int { CivilDate.daysInMonth(year: year, month: month) }

    /// The first day of this date's month.
    public var firstOfMonth: CivilDate { CivilDate(year: year, month: month, day: 1)! }

    /// The last day of this date's month.
    public var lastOfMonth: CivilDate { CivilDate(year: year, month: month, day: daysInMonth)! }

    /// Number of days in `month` of `year` (Gregorian leap rule).
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// Gregorian leap year rule.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The instant this date begins in `zone` (local midnight; when midnight does not exist because of a DST
    /// shift, the first instant of the day).
    public func startInstant(in zone: TimeZone) -> Date {
        LocalDateTime(date: self, secondOfDay: 0).firstInstantOnOrAfter(in: zone)
    }

    /// The UTC half-open interval `[start, end)` this date covers in `zone`. 23 h, 24 h or 25 h long
    /// (other lengths in zones such as Australia/Lord_Howe with 30-minute shifts).
    public func interval(in zone: TimeZone) -> DateInterval {
        DateInterval(start: startInstant(in: zone), end: adding(days: 1).startInstant(in: zone))
    }

    /// The date of `instant` in `zone`.
    public static func of(_ instant: Date, in zone: TimeZone) -> CivilDate {
        LocalDateTime.of(instant, in: zone).date
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        // `YYYY-MM-DD` (the year padded to 4 digits), written without a format string: reports write it per row.
        guard (0...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else {
            return String(format: "%04d-%02d-%02d", year, month, day)
        }
        let bytes: [UInt8] = [UInt8(48 + year / 1000), UInt8(48 + year / 100 % 10), UInt8(48 + year / 10 % 10),
                              UInt8(48 + year % 10), 45, UInt8(48 + month / 10), UInt8(48 + month % 10), 45,
                              UInt8(48 + day / 10), UInt8(48 + day % 10)]
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let d = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a date; use YYYY-MM-DD"))
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Day of the week, numbered as in cron and Snowflake task schedules: 0 = Sunday ... 6 = Saturday.
public enum Weekday: Int, CaseIterable, Sendable, Codable, Comparable {
    case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday

    /// Three-letter upper-case name as Snowflake cron spells it (`SUN` ... `SAT`).
    public var shortName: String {
        ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"][rawValue]
    }

    /// Parses `SUN`...`SAT` (any case) or `0`...`6`; nil otherwise.
    public init?(name: String) {
        let u = name.uppercased()
        if let i = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"].firstIndex(of: u) {
            self.init(rawValue: i)
        } else if let n = Int(u), (0...6).contains(n) {
            self.init(rawValue: n)
        } else {
            return nil
        }
    }

    public static func < (a: Weekday, b: Weekday) -> Bool { a.rawValue < b.rawValue }
}

/// A wall-clock date and time in some zone (the zone is not stored): a ``CivilDate`` plus seconds since local
/// midnight (0..<86400).
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The local date.
    public var date: CivilDate
    /// Seconds since local midnight on the wall clock, 0..<86400.
    public var secondOfDay: Int

    /// Creates a wall time; `secondOfDay` must be in 0..<86400.
    public init(date: CivilDate, secondOfDay: Int) {
        precondition((0..<86_400).contains(secondOfDay), "secondOfDay out of range")
        self.date = date
        self.secondOfDay = secondOfDay
    }

    /// Creates a wall time from an hour (0...23), minute (0...59) and second (0...59).
    public init(date: CivilDate, hour: Int, minute: Int, second: Int = 0) {
        self.init(date: date, secondOfDay: hour * 3600 + minute * 60 + second)
    }

    /// Hour of the day, 0...23.
    public var hour: Int { secondOfDay / 3600 }
    /// Minute of the hour, 0...59.
    public var minute: Int { secondOfDay / 60 % 60 }
    /// Second of the minute, 0...59.
    public var second: Int { secondOfDay % 60 }

    /// This wall time read as if it were UTC, in seconds since 1970-01-01T00:00:00.
    public var secondsAsIfUTC: Int64 { Int64(date.daysSinceEpoch) * 86_400 + Int64(secondOfDay) }

    /// The wall time in `zone` of `instant`.
    public static func of(_ instant: Date, in zone: TimeZone) -> LocalDateTime {
        let utc = Int64(floor(instant.timeIntervalSince1970))
        let local = utc + Int64(zone.secondsFromGMT(for: instant))
        let days = Int(floorDiv(local, 86_400))
        return LocalDateTime(date: CivilDate(daysSinceEpoch: days), secondOfDay: Int(local - Int64(days) * 86_400))
    }

    /// Every instant at which the wall clock of `zone` shows this time: none in a spring-forward gap, two in an
    /// autumn overlap (earlier first), one otherwise.
    public func instants(in zone: TimeZone) -> [Date] {
        let asUTC = secondsAsIfUTC
        // Offsets in force within a day either side cover every DST rule in the tz database.
        let probes = [asUTC - 86_400, asUTC - 43_200, asUTC, asUTC + 43_200, asUTC + 86_400]
        var offsets = Set<Int>()
        for p in probes { offsets.insert(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(p)))) }
        var result: [Date] = []
        for offset in offsets {
            let candidate = Date(timeIntervalSince1970: TimeInterval(asUTC - Int64(offset)))
            if zone.secondsFromGMT(for: candidate) == offset { result.append(candidate) }
        }
        return result.sorted()
    }

    /// The first instant at which the wall clock of `zone` shows this time or, in a spring-forward gap, the
    /// first instant after the gap.
    public func firstInstantOnOrAfter(in zone: TimeZone) -> Date {
        if let first = instants(in: zone).first { return first }
        // In a gap: the clock jumps over this time; the transition instant is the first one after it.
        let asUTC = secondsAsIfUTC
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(asUTC - 86_400)))
        // Before the gap, `asUTC - before` would be this wall time under the old offset; it lies after the
        // transition, so search back for the transition instant.
        var lo = asUTC - Int64(before) - 86_400
        var hi = asUTC - Int64(before)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(mid))) == before { lo = mid } else { hi = mid }
        }
        return Date(timeIntervalSince1970: TimeInterval(hi))
    }

    /// `YYYY-MM-DDTHH:MM:SS`.
    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        return "\(date)T" + two(hour) + ":" + two(minute) + ":" + two(second)
    }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        (a.date, a.secondOfDay) < (b.date, b.secondOfDay)
    }
}

/// Floor division for Int64 (rounds toward negative infinity): `floorDiv(-1, 86_400) == -1`.
@inlinable public func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

extension TimeZone {
    /// The zone's IANA name for people, with `UTC` for the UTC zone (Foundation on Linux names it `GMT`).
    public var displayName: String { identifier == "GMT" ? "UTC" : identifier }
}
