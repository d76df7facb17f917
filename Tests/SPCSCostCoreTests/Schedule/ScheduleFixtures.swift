import Foundation
import SPCSCostCore

/// Helpers for the schedule tests. Instants are built from text by arithmetic, never through the machine's zone.
enum ScheduleFixtures {
    /// `YYYY-MM-DDTHH:MM:SSZ` → the instant.
    static func utc(_ text: String) -> Date {
        let d = CivilDate(String(text.prefix(10)))!
        let hms = text.dropFirst(11).prefix(8).split(separator: ":").map { Int($0)! }
        let local = LocalDateTime(date: d, hour: hms[0], minute: hms[1], second: hms[2])
        return Date(timeIntervalSince1970: TimeInterval(local.secondsAsIfUTC))
    }

    /// The instant as `YYYY-MM-DDTHH:MM:SSZ`.
    static func utcText(_ instant: Date) -> String {
        let seconds = Int(instant.timeIntervalSince1970)
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        return LocalDateTime(date: CivilDate(daysSinceEpoch: days), secondOfDay: seconds - days * 86_400).description
            + "Z"
    }

    /// Parses a schedule that must be a cron schedule.
    static func cron(_ text: String) throws -> SnowflakeCron {
        guard case .cron(let cron) = try TaskSchedule(parsing: text) else { throw FixtureError.notCron(text) }
        return cron
    }

    /// Parses a schedule that must be an interval schedule.
    static func interval(_ text: String) throws -> TaskScheduleInterval {
        guard case .interval(let interval) = try TaskSchedule(parsing: text) else {
            throw FixtureError.notInterval(text)
        }
        return interval
    }

    /// Fire times of cron schedule `text` over local dates `[from, to)` in its own zone.
    static func fireTimes(_ text: String, from: String, to: String, holidays: [String] = []) throws -> [FireTime] {
        let cron = try cron(text)
        let window = DateInterval(
            start: CivilDate(from)!.startInstant(in: cron.timeZone), end: CivilDate(to)!.startInstant(in: cron.timeZone))
        return cron.fireTimes(in: window, holidays: Set(holidays.map { CivilDate($0)! }))
    }

    enum FixtureError: Error {
        case notCron(String)
        case notInterval(String)
    }
}
