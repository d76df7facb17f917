import Foundation

/// One time a task schedule fires: the UTC instant, the wall time in the schedule's zone, and whether that wall
/// time occurs twice on its day.
///
/// JSON (``encode(to:)``), independent of the encoder's date strategy:
/// `{"utc": "2024-11-03T09:00:00Z", "local": "2024-11-03T01:00:00", "utcOffsetSeconds": -28800,
/// "dst": "repeated-second"}`; `dst` is absent when the wall time occurs once.
public struct FireTime: Hashable, Sendable, Codable {
    /// The instant, whole seconds, UTC.
    public let instant: Date
    /// The wall-clock date and time in the schedule's zone.
    public let local: LocalDateTime
    /// The zone's offset from UTC at ``instant``, in seconds east of UTC (`-28800` for PST).
    public let utcOffsetSeconds: Int
    /// Set when ``local`` occurs twice on its day because clocks went back; nil when it occurs once.
    public let dstNote: FireTimeDSTNote?

    enum CodingKeys: String, CodingKey {
        case utc, local, utcOffsetSeconds, dst
    }

    init(instant: Date, local: LocalDateTime, utcOffsetSeconds: Int, dstNote: FireTimeDSTNote?) {
        self.instant = instant
        self.local = local
        self.utcOffsetSeconds = utcOffsetSeconds
        self.dstNote = dstNote
    }

    /// Reads the JSON shape described on the type.
    /// - Throws: `DecodingError.dataCorrupted` when `utc` or `local` is not `YYYY-MM-DDTHH:MM:SS` (with `Z` for
    ///   `utc`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func wallTime(_ key: CodingKeys, suffix: String) throws -> LocalDateTime {
            let text = try c.decode(String.self, forKey: key)
            guard text.hasSuffix(suffix), let value = FireTime.wallTime(isoText: String(text.dropLast(suffix.count)))
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "'\(text)' is not YYYY-MM-DDTHH:MM:SS\(suffix)")
            }
            return value
        }
        self.instant = Date(timeIntervalSince1970: TimeInterval(try wallTime(.utc, suffix: "Z").secondsAsIfUTC))
        self.local = try wallTime(.local, suffix: "")
        self.utcOffsetSeconds = try c.decode(Int.self, forKey: .utcOffsetSeconds)
        self.dstNote = try c.decodeIfPresent(FireTimeDSTNote.self, forKey: .dst)
    }

    /// Writes the JSON shape described on the type.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(FireTime.utcText(instant), forKey: .utc)
        try c.encode(local.description, forKey: .local)
        try c.encode(utcOffsetSeconds, forKey: .utcOffsetSeconds)
        try c.encodeIfPresent(dstNote, forKey: .dst)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for an instant (fractions of a second dropped).
    public static func utcText(_ instant: Date) -> String {
        wallTime(secondsAsIfUTC: Int64(floor(instant.timeIntervalSince1970))).description + "Z"
    }

    /// The wall time `seconds` after 1970-01-01T00:00:00 on a clock read as UTC.
    static func wallTime(secondsAsIfUTC seconds: Int64) -> LocalDateTime {
        let days = floorDiv(seconds, 86_400)
        return LocalDateTime(date: CivilDate(daysSinceEpoch: Int(days)), secondOfDay: Int(seconds - days * 86_400))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS`; nil for any other shape or an impossible date or time.
    static func wallTime(isoText text: String) -> LocalDateTime? {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = CivilDate(String(parts[0])) else { return nil }
        let hms = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, hms.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let h = Int(hms[0]), let m = Int(hms[1]), let s = Int(hms[2]), h < 24, m < 60, s < 60
        else { return nil }
        return LocalDateTime(date: date, hour: h, minute: m, second: s)
    }

    /// True when `instant` is in the half-open `window` (`DateInterval.contains` also accepts the end).
    static func isInside(_ window: DateInterval, _ instant: Date) -> Bool {
        instant >= window.start && instant < window.end
    }
}

/// Which occurrence of a repeated wall time a fire time is, on the day clocks go back.
///
/// Snowflake documents that `0 1 * * * America/Los_Angeles` "would run twice: at 1:00 a.m., and then again when
/// 1:59:59 a.m. shifts to 1:00:00 a.m." (CREATE TASK, `SCHEDULE`, time zone notes; spcs-facts §5 [S14b], [S15]).
public enum FireTimeDSTNote: String, Hashable, Sendable, Codable {
    /// The earlier instant, still on the summer offset.
    case firstOfRepeatedWallTime = "repeated-first"
    /// The later instant, on the winter offset.
    case secondOfRepeatedWallTime = "repeated-second"
}

extension SnowflakeCron {
    /// Every fire time in `window`, sorted by instant.
    ///
    /// The wall times are read in ``timeZone`` only. Time-zone rule (documented for America/Los_Angeles in CREATE
    /// TASK, `SCHEDULE`; spcs-facts §5 [S14b]): a wall time that occurs twice on the day clocks go back fires
    /// twice (``FireTime/dstNote`` says which occurrence); a wall time that does not exist on the day clocks go
    /// forward does not fire at all (the 02:00 task on 2024-03-10 in Los Angeles does not run), and is not moved
    /// to the next valid time.
    /// - Parameters:
    ///   - window: half-open `[start, end)` in UTC.
    ///   - holidays: local dates in ``timeZone`` on which nothing fires.
    /// - Returns: empty when nothing fires in `window`.
    public func fireTimes(in window: DateInterval, holidays: Set<CivilDate> = []) -> [FireTime] {
        evaluate(in: window, holidays: holidays).fired
    }

    /// Fire times in `window`, and the matching wall times that did not fire because they do not exist (each kept
    /// when the first instant after its gap lies in `window`). Iterates local days, then matching hours and
    /// minutes; days without a UTC offset change take the offset once.
    func evaluate(in window: DateInterval, holidays: Set<CivilDate>) -> (fired: [FireTime], skipped: [LocalDateTime]) {
        var fired: [FireTime] = []
        var skipped: [LocalDateTime] = []
        let secondsOfDay = hours.flatMap { h in minutes.map { h * 3600 + $0 * 60 } }
        var day = CivilDate.of(window.start, in: timeZone)
        let lastDay = CivilDate.of(window.end, in: timeZone)
        while day <= lastDay {
            defer { day = day.adding(days: 1) }
            guard fires(on: day), !holidays.contains(day) else { continue }
            if let offset = FireTimeZoneDay.uniformOffset(of: day, in: timeZone) {
                let base = Int64(day.daysSinceEpoch) * 86_400 - Int64(offset)
                for s in secondsOfDay {
                    let instant = Date(timeIntervalSince1970: TimeInterval(base + Int64(s)))
                    guard instant >= window.start else { continue }
                    guard instant < window.end else { break }
                    fired.append(FireTime(
                        instant: instant, local: LocalDateTime(date: day, secondOfDay: s), utcOffsetSeconds: offset,
                        dstNote: nil))
                }
                continue
            }
            var today: [FireTime] = []
            for s in secondsOfDay {
                let local = LocalDateTime(date: day, secondOfDay: s)
                let instants = local.instants(in: timeZone)
                if instants.isEmpty, FireTime.isInside(window, local.firstInstantOnOrAfter(in: timeZone)) {
                    skipped.append(local)
                }
                for (i, instant) in instants.enumerated() where FireTime.isInside(window, instant) {
                    let note: FireTimeDSTNote? = instants.count < 2
                        ? nil : (i == 0 ? .firstOfRepeatedWallTime : .secondOfRepeatedWallTime)
                    today.append(FireTime(
                        instant: instant, local: local, utcOffsetSeconds: timeZone.secondsFromGMT(for: instant),
                        dstNote: note))
                }
            }
            fired += today.sorted { $0.instant < $1.instant }
        }
        return (fired, skipped)
    }
}

extension TaskScheduleInterval {
    /// Every fire time in `window`, sorted: `anchor + k × seconds` for k = 1, 2, ... (the first run is one interval
    /// after the resume, as in Snowflake's "resumed at 9:03, runs at 9:13, 9:23" example; CREATE TASK,
    /// `SCHEDULE`; spcs-facts §5 [S14b]). Elapsed time is what counts, so DST changes never add or drop a run.
    /// - Parameters:
    ///   - window: half-open `[start, end)` in UTC.
    ///   - anchor: the instant the task was resumed (or its schedule set), UTC; fractions of a second are dropped.
    ///   - zone: the zone for ``FireTime/local`` and for `holidays`.
    ///   - holidays: local dates in `zone` on which runs are skipped (the count from `anchor` goes on).
    /// - Returns: empty when no run falls in `window`.
    public func fireTimes(
        in window: DateInterval, anchor: Date, zone: TimeZone, holidays: Set<CivilDate> = []
    ) -> [FireTime] {
        let a = Int64(floor(anchor.timeIntervalSince1970))
        let n = Int64(seconds)
        var t = a + n * max(1, Int64(ceil((window.start.timeIntervalSince1970 - Double(a)) / Double(n))))
        var fired: [FireTime] = []
        // The UTC range [dayStart, dayEnd) of the last local day seen with one offset all day, and that offset.
        var dayStart: Int64 = 0, dayEnd: Int64 = 0, dayOffset = 0
        while Double(t) < window.end.timeIntervalSince1970 {
            defer { t += n }
            let instant = Date(timeIntervalSince1970: TimeInterval(t))
            if !(dayStart..<dayEnd).contains(t) {
                let date = CivilDate.of(instant, in: zone)
                if let offset = FireTimeZoneDay.uniformOffset(of: date, in: zone) {
                    dayOffset = offset
                    dayStart = Int64(date.daysSinceEpoch) * 86_400 - Int64(offset)
                    dayEnd = dayStart + 86_400
                } else {
                    (dayStart, dayEnd) = (0, 0)
                }
            }
            let fire: FireTime
            if (dayStart..<dayEnd).contains(t) {
                fire = FireTime(
                    instant: instant, local: FireTime.wallTime(secondsAsIfUTC: t + Int64(dayOffset)),
                    utcOffsetSeconds: dayOffset, dstNote: nil)
            } else {
                let local = LocalDateTime.of(instant, in: zone)
                let occurrences = local.instants(in: zone)
                let note: FireTimeDSTNote? = occurrences.count < 2
                    ? nil : (occurrences[0] == instant ? .firstOfRepeatedWallTime : .secondOfRepeatedWallTime)
                fire = FireTime(
                    instant: instant, local: local, utcOffsetSeconds: zone.secondsFromGMT(for: instant), dstNote: note)
            }
            if !holidays.contains(fire.local.date) { fired.append(fire) }
        }
        return fired
    }
}

/// Offsets of a zone over one local day.
enum FireTimeZoneDay {
    /// The zone's UTC offset (seconds east) when it is the same over all of local day `date` and the 24 hours
    /// either side, else nil (a DST or other offset change is near). Samples every 12 hours, so two changes less
    /// than 12 hours apart that cancel out would go unseen, the same assumption as
    /// ``LocalDateTime/instants(in:)`` makes.
    static func uniformOffset(of date: CivilDate, in zone: TimeZone) -> Int? {
        let midnight = Int64(date.daysSinceEpoch) * 86_400
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(midnight - 86_400)))
        for k in 1...6 {
            let probe = Date(timeIntervalSince1970: TimeInterval(midnight - 86_400 + Int64(k) * 43_200))
            if zone.secondsFromGMT(for: probe) != offset { return nil }
        }
        return offset
    }
}
