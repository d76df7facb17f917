import Foundation

/// A daily running window on chosen weekdays in a time zone, such as 10:00-19:00 MON-FRI Asia/Tokyo: the pool
/// runs (is billed) from `start` to `end` wall-clock time on each chosen weekday and is suspended otherwise.
///
/// Wall times follow the zone's rules: on a DST day a window that spans the shift is an hour shorter or longer,
/// a start that falls in a spring-forward gap begins at the first instant after the gap.
public struct BusinessHours: Sendable, Hashable {
    /// Start of the window, seconds after local midnight (0..<86400).
    public var startSecondOfDay: Int
    /// End of the window, seconds after local midnight (1...86400), after `startSecondOfDay`.
    public var endSecondOfDay: Int
    /// The weekdays on which the window applies.
    public var weekdays: Set<Weekday>
    /// The IANA zone of the wall times.
    public var zone: TimeZone

    /// Creates a window; `end` must be after `start` on the same day.
    public init(startSecondOfDay: Int, endSecondOfDay: Int, weekdays: Set<Weekday>, zone: TimeZone) {
        precondition(startSecondOfDay >= 0 && endSecondOfDay <= 86_400 && startSecondOfDay < endSecondOfDay)
        self.startSecondOfDay = startSecondOfDay
        self.endSecondOfDay = endSecondOfDay
        self.weekdays = weekdays
        self.zone = zone
    }

    /// Nominal hours per day (end − start on the wall clock), for example 9 for 10:00-19:00.
    public var nominalHoursPerDay: Decimal { Decimal(endSecondOfDay - startSecondOfDay) / 3600 }

    /// The UTC intervals the window covers on local dates `from...through` (inclusive), in order.
    public func intervals(from: CivilDate, through: CivilDate) -> [DateInterval] {
        var result: [DateInterval] = []
        var d = from
        while d <= through {
            if weekdays.contains(d.weekday) {
                let s = instant(d, startSecondOfDay)
                let e = instant(d, endSecondOfDay)
                if e > s { result.append(DateInterval(start: s, end: e)) }
            }
            d = d.adding(days: 1)
        }
        return result
    }

    private func instant(_ date: CivilDate, _ second: Int) -> Date {
        if second == 86_400 { return date.adding(days: 1).startInstant(in: zone) }
        return LocalDateTime(date: date, secondOfDay: second).firstInstantOnOrAfter(in: zone)
    }

    /// `10:00-19:00 MON-FRI Asia/Tokyo`.
    public var summary: String {
        func hm(_ s: Int) -> String { String(format: "%02d:%02d", s / 3600, s / 60 % 60) }
        let days = Weekday.allCases.filter { weekdays.contains($0) }
        return "\(hm(startSecondOfDay))-\(hm(endSecondOfDay)) \(Self.weekdayList(days)) \(zone.displayName)"
    }

    /// Compact weekday list: `MON-FRI`, `SAT,SUN`, `MON,WED-FRI`.
    static func weekdayList(_ days: [Weekday]) -> String {
        var parts: [String] = []
        var i = 0
        while i < days.count {
            var j = i
            while j + 1 < days.count, days[j + 1].rawValue == days[j].rawValue + 1 { j += 1 }
            parts.append(j - i >= 2 ? "\(days[i].shortName)-\(days[j].shortName)"
                         : (i...j).map { days[$0].shortName }.joined(separator: ","))
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}

extension DateInterval {
    /// Seconds shared by `self` and `other` (0 when they do not overlap).
    public func overlapSeconds(with other: DateInterval) -> TimeInterval {
        let s = max(start, other.start)
        let e = min(end, other.end)
        return e > s ? e.timeIntervalSince(s) : 0
    }
}
