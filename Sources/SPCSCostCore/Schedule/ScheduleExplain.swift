import Foundation

/// What a task schedule does over a period of local days: every fire time in local time and UTC, the count per
/// local day, each day's length, and notes on the days clocks change. A plain value that a renderer prints and
/// that encodes to JSON as:
///
/// ```json
/// {
///   "schedule": "USING CRON 0 1 * * * America/Los_Angeles", "kind": "cron",
///   "timeZone": "America/Los_Angeles", "from": "2024-11-01", "to": "2024-12-01",
///   "windowStartUTC": "2024-11-01T07:00:00Z", "windowEndUTC": "2024-12-01T08:00:00Z",
///   "holidays": ["2024-11-28"], "fireTimeCount": 30,
///   "fireTimes": [{"utc": "2024-11-01T08:00:00Z", "local": "2024-11-01T01:00:00",
///                  "utcOffsetSeconds": -25200}, ...],
///   "days": [{"date": "2024-11-03", "lengthSeconds": 90000, "fireCount": 2, "holiday": false}, ...],
///   "dstNotes": [{"date": "2024-11-03", "kind": "repeated-wall-time", "transitionUTC": "2024-11-03T09:00:00Z",
///                 "utcOffsetBeforeSeconds": -25200, "utcOffsetAfterSeconds": -28800,
///                 "wallTimeStart": "2024-11-03T01:00:00", "wallTimeEnd": "2024-11-03T02:00:00",
///                 "affectedWallTimes": ["2024-11-03T01:00:00"]}]
/// }
/// ```
/// `intervalAnchorUTC` appears for interval schedules only. Fire times follow ``SnowflakeCron/fireTimes(in:holidays:)``
/// and ``TaskScheduleInterval/fireTimes(in:anchor:zone:holidays:)``.
public struct ScheduleExplain: Hashable, Sendable, Codable {
    /// Which form the schedule has.
    public enum Kind: String, Hashable, Sendable, Codable {
        case cron
        case interval
    }

    /// The schedule in Snowflake's spelling, e.g. `USING CRON 0 1 * * * America/Los_Angeles` or `10 MINUTES`.
    public let schedule: String
    /// Cron or interval.
    public let kind: Kind
    /// IANA name of the zone the local dates and wall times are in.
    public let timeZone: String
    /// First local date of the period.
    public let from: CivilDate
    /// Local date after the last one of the period (exclusive).
    public let to: CivilDate
    /// Start of the period, `YYYY-MM-DDTHH:MM:SSZ`: the first instant of `from` in ``timeZone``.
    public let windowStartUTC: String
    /// End of the period (exclusive), `YYYY-MM-DDTHH:MM:SSZ`: the first instant of `to` in ``timeZone``.
    public let windowEndUTC: String
    /// For interval schedules, the resume instant the runs count from, `YYYY-MM-DDTHH:MM:SSZ`; nil for cron.
    public let intervalAnchorUTC: String?
    /// The holidays that fall in the period, ascending.
    public let holidays: [CivilDate]
    /// Number of fire times in the period.
    public let fireTimeCount: Int
    /// Every fire time in the period, by instant.
    public let fireTimes: [FireTime]
    /// Every local date of the period, ascending.
    public let days: [ScheduleExplainDay]
    /// One note per local date of the period on which the UTC offset changes, ascending.
    public let dstNotes: [ScheduleExplainDSTNote]

    /// The longest period explained at once: 366 days. A schedule that fires every minute has 527,040 fire times
    /// in that time, tens of megabytes of output; centuries of them would need gigabytes.
    public static let maximumDays = 366

    /// Explains `schedule` over local dates `from ..< to`.
    /// - Parameters:
    ///   - from: first local date, in the schedule's zone (for an interval, in `intervalTimeZone`).
    ///   - to: the local date after the last one explained (exclusive).
    ///   - holidays: local dates on which nothing fires.
    ///   - intervalAnchor: for interval schedules, the UTC instant the task was resumed; runs fall one interval
    ///     after it and every interval since. Ignored for cron schedules.
    ///   - intervalTimeZone: for interval schedules, the IANA zone to show local times and days in; ignored for
    ///     cron schedules, which carry their own zone.
    /// - Throws: ``TaskScheduleError/emptyPeriod(from:to:)`` when `to` is not after `from`;
    ///   ``TaskScheduleError/periodTooLong(from:to:)`` for more than ``maximumDays`` days;
    ///   ``TaskScheduleError/intervalNeedsAnchor(schedule:)`` for an interval without `intervalAnchor`; the zone
    ///   errors of ``SnowflakeCron`` for a bad `intervalTimeZone`.
    public init(
        schedule: TaskSchedule, from: CivilDate, to: CivilDate, holidays: Set<CivilDate> = [],
        intervalAnchor: Date? = nil, intervalTimeZone: String = "UTC"
    ) throws {
        guard from < to else { throw TaskScheduleError.emptyPeriod(from: from, to: to) }
        guard from.days(to: to) <= Self.maximumDays else { throw TaskScheduleError.periodTooLong(from: from, to: to) }
        let zone: TimeZone
        let window: DateInterval
        let fired: [FireTime]
        var skipped: [LocalDateTime] = []
        self.schedule = schedule.description
        self.from = from
        self.to = to
        switch schedule {
        case .cron(let cron):
            zone = cron.timeZone
            window = DateInterval(start: from.startInstant(in: zone), end: to.startInstant(in: zone))
            self.kind = .cron
            self.timeZone = cron.timeZoneName
            self.intervalAnchorUTC = nil
            (fired, skipped) = cron.evaluate(in: window, holidays: holidays)
        case .interval(let interval):
            guard let intervalAnchor else { throw TaskScheduleError.intervalNeedsAnchor(schedule: self.schedule) }
            zone = try SnowflakeCron.ianaZone(intervalTimeZone, schedule: self.schedule)
            window = DateInterval(start: from.startInstant(in: zone), end: to.startInstant(in: zone))
            self.kind = .interval
            self.timeZone = intervalTimeZone
            self.intervalAnchorUTC = FireTime.utcText(intervalAnchor)
            fired = interval.fireTimes(in: window, anchor: intervalAnchor, zone: zone, holidays: holidays)
        }
        self.windowStartUTC = FireTime.utcText(window.start)
        self.windowEndUTC = FireTime.utcText(window.end)
        self.holidays = holidays.filter { $0 >= from && $0 < to }.sorted()
        self.fireTimeCount = fired.count
        self.fireTimes = fired

        var counts: [CivilDate: Int] = [:]
        for f in fired { counts[f.local.date, default: 0] += 1 }
        var days: [ScheduleExplainDay] = []
        var notes: [ScheduleExplainDSTNote] = []
        var date = from
        while date < to {
            let interval = date.interval(in: zone)
            days.append(ScheduleExplainDay(
                date: date, lengthSeconds: Int(interval.duration), fireCount: counts[date] ?? 0,
                holiday: holidays.contains(date)))
            if Int(interval.duration) != 86_400 {
                notes.append(ScheduleExplainDSTNote(
                    date: date, dayInterval: interval, zone: zone, fired: fired, skipped: skipped))
            }
            date = date.adding(days: 1)
        }
        self.days = days
        self.dstNotes = notes
    }
}

/// One local date of an explained period.
public struct ScheduleExplainDay: Hashable, Sendable, Codable {
    /// The local date.
    public let date: CivilDate
    /// Length of the day in seconds: 86400 normally, 82800 (23 h) or 90000 (25 h) on DST days, 84600 (23.5 h) or
    /// 88200 (24.5 h) in Australia/Lord_Howe.
    public let lengthSeconds: Int
    /// Fire times whose local date is this date (a repeated wall time counts twice).
    public let fireCount: Int
    /// True when the date was given as a holiday, so nothing fired.
    public let holiday: Bool
}

/// A local date on which the zone's UTC offset changes, the wall times that change means, and which of the
/// schedule's wall times it touched.
public struct ScheduleExplainDSTNote: Hashable, Sendable, Codable {
    /// Whether clocks went forward (wall times skipped) or back (wall times repeated).
    public enum Kind: String, Hashable, Sendable, Codable {
        /// Clocks went forward: wall times in `[wallTimeStart, wallTimeEnd)` do not exist and do not fire.
        case skippedWallTime = "skipped-wall-time"
        /// Clocks went back: wall times in `[wallTimeStart, wallTimeEnd)` occur twice and fire twice.
        case repeatedWallTime = "repeated-wall-time"
    }

    /// The local date of the change.
    public let date: CivilDate
    /// Forward or back.
    public let kind: Kind
    /// The instant of the change, `YYYY-MM-DDTHH:MM:SSZ`.
    public let transitionUTC: String
    /// Offset before the change, seconds east of UTC.
    public let utcOffsetBeforeSeconds: Int
    /// Offset after the change, seconds east of UTC.
    public let utcOffsetAfterSeconds: Int
    /// First skipped or repeated wall time, `YYYY-MM-DDTHH:MM:SS`.
    public let wallTimeStart: String
    /// The wall time after the last skipped or repeated one (exclusive), `YYYY-MM-DDTHH:MM:SS`.
    public let wallTimeEnd: String
    /// The schedule's wall times in the range, ascending: for a skip, those that did not fire; for a repeat, those
    /// that fired twice. Empty when the schedule has none there (interval schedules never skip).
    public let affectedWallTimes: [String]

    /// Finds the one offset change of the day by bisection and describes it. The change may fall on the day's
    /// first instant (clocks jumping over midnight), so the search starts one second before `dayInterval` (UTC).
    init(date: CivilDate, dayInterval: DateInterval, zone: TimeZone, fired: [FireTime], skipped: [LocalDateTime]) {
        func offset(_ t: Int64) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))) }
        var lo = Int64(dayInterval.start.timeIntervalSince1970) - 1
        var hi = Int64(dayInterval.end.timeIntervalSince1970)
        let before = offset(lo)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if offset(mid) == before { lo = mid } else { hi = mid }
        }
        let after = offset(hi)
        let forward = after > before
        let start = FireTime.wallTime(secondsAsIfUTC: hi + Int64(forward ? before : after))
        let end = FireTime.wallTime(secondsAsIfUTC: hi + Int64(forward ? after : before))
        let affected = forward
            ? skipped.filter { $0 >= start && $0 < end }
            : fired.filter { $0.dstNote == .firstOfRepeatedWallTime }.map(\.local).filter { $0 >= start && $0 < end }
        self.date = date
        self.kind = forward ? .skippedWallTime : .repeatedWallTime
        self.transitionUTC = FireTime.utcText(Date(timeIntervalSince1970: TimeInterval(hi)))
        self.utcOffsetBeforeSeconds = before
        self.utcOffsetAfterSeconds = after
        self.wallTimeStart = start.description
        self.wallTimeEnd = end.description
        self.affectedWallTimes = affected.map(\.description)
    }
}
