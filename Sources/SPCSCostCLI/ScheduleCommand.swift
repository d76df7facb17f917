import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports

/// `spcs-cost schedule`: tools for task schedules.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Explain Snowflake task schedules.",
        subcommands: [ScheduleExplainCommand.self])
}

/// Output formats of `schedule explain`.
enum ExplainFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

/// `spcs-cost schedule explain 'USING CRON ...' --period 2024-04`: fire times in local time and UTC, counts per
/// day, day lengths and DST notes.
struct ScheduleExplainCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show when a task schedule fires: local time and UTC, counts per day, DST notes.",
        discussion: """
            Example: spcs-cost schedule explain 'USING CRON 0 1 * * * America/Los_Angeles' --period 2024-11
            Rule: a wall time that occurs twice on the autumn DST day fires twice; one that does not exist on the
            spring DST day does not fire (Snowflake CREATE TASK, SCHEDULE).
            """)

    @Argument(help: "The schedule: 'USING CRON <min> <hour> <day> <month> <weekday> <zone>' or '<n> MINUTES'.")
    var schedule: String

    @Option(help: "A calendar month, YYYY-MM, in the schedule's zone.")
    var period: String?

    @Option(help: "First day (YYYY-MM-DD), inclusive, in the schedule's zone.")
    var from: CivilDate?

    @Option(help: "Last day (YYYY-MM-DD), inclusive.")
    var to: CivilDate?

    @Option(help: "Holidays on which nothing fires: a CSV of dates or an iCalendar file.", completion: .file(extensions: ["csv", "ics"]))
    var holidays: String?

    @Option(help: "Interval schedules: the instant the task was resumed (ISO 8601 with offset). Default: --from at 00:00.")
    var anchor: String?

    @Option(help: "Interval schedules: the IANA zone of local times.")
    var timezone: String = "UTC"

    @Option(help: "Output format: table or json.")
    var format: ExplainFormat = .table

    func execute(in env: Environment) async throws -> CommandOutput {
        let parsed: TaskSchedule
        do { parsed = try TaskSchedule(parsing: schedule) } catch { throw ValidationError("\(error)") }
        let first: CivilDate
        let last: CivilDate
        switch (period, from, to) {
        case let (p?, nil, nil):
            guard let spec = PeriodSpec(month: p) else { throw ValidationError("--period '\(p)' must be YYYY-MM.") }
            (first, last) = spec.dates
        case let (nil, f?, t?):
            guard f <= t else { throw ValidationError("--to \(t) is before --from \(f); swap them.") }
            (first, last) = (f, t)
        default:
            throw ValidationError("give --period YYYY-MM, or both --from and --to.")
        }
        var holidayDates = Set<CivilDate>()
        if let holidays {
            let text = String(decoding: try InputFileError.read(holidays, env: env), as: UTF8.self)
            holidayDates = try Holidays.parse(text, file: holidays).dates
        }
        var anchorInstant: Date?
        if case .interval = parsed {
            let zone = try parseTimeZone(timezone, flag: "--timezone")
            if let anchor {
                guard case let .instant(d, _)? = try? TimestampText.read(anchor) else {
                    throw ValidationError("--anchor '\(anchor)' must be a timestamp with an offset, such as 2024-04-01T09:03:00Z.")
                }
                anchorInstant = d
            } else {
                anchorInstant = first.startInstant(in: zone)
            }
        }
        let explain = try ScheduleExplain(schedule: parsed, from: first, to: last.adding(days: 1), holidays: holidayDates,
                                          intervalAnchor: anchorInstant, intervalTimeZone: timezone)
        switch format {
        case .json: return CommandOutput(stdout: JSONText.encode(explain))
        case .table: return CommandOutput(stdout: Self.text(explain, first: first, last: last))
        }
    }

    static func text(_ e: ScheduleExplain, first: CivilDate, last: CivilDate) -> String {
        var out = "\(e.schedule)\n"
        out += "\(first) to \(last) in \(e.timeZone) (the UTC window \(e.windowStartUTC) to \(e.windowEndUTC)): "
        out += "\(e.fireTimeCount) fire time\(e.fireTimeCount == 1 ? "" : "s")"
        if let a = e.fireTimes.first, let b = e.fireTimes.last {
            out += ", first \(FireTime.utcText(a.instant)), last \(FireTime.utcText(b.instant))"
        }
        out += "\n"
        if let a = e.intervalAnchorUTC { out += "Counted every interval from \(a) (the task's resume).\n" }
        if !e.holidays.isEmpty { out += "Holidays (no runs): \(e.holidays.map(\.description).joined(separator: ", "))\n" }
        for n in e.dstNotes {
            out += "DST \(n.date): \(n.kind == .skippedWallTime ? "clocks go forward" : "clocks go back") at "
                + "\(n.transitionUTC); wall times \(n.wallTimeStart) to \(n.wallTimeEnd) "
                + (n.kind == .skippedWallTime ? "do not exist (a schedule there does not fire)" : "happen twice (a schedule there fires twice)")
                + (n.affectedWallTimes.isEmpty ? "" : "; affected: \(n.affectedWallTimes.joined(separator: ", "))") + "\n"
        }
        var days = TextTable(header: ["Date", "Day", "Hours", "Runs"], alignments: [.left, .left, .right, .right])
        for d in e.days {
            days.rows.append([d.date.description, d.date.weekday.shortName,
                              QuantityFormat.quantity(Decimal(d.lengthSeconds) / 3600),
                              d.holiday ? "holiday" : String(d.fireCount)])
        }
        out += "\n" + days.terminal()
        var fires = TextTable(header: ["Local", "UTC", "UTC offset", "Note"])
        for f in e.fireTimes.prefix(500) {
            let o = f.utcOffsetSeconds
            let offset = String(format: "%@%02d:%02d", o < 0 ? "-" : "+", abs(o) / 3600, abs(o) / 60 % 60)
            fires.rows.append([f.local.description, FireTime.utcText(f.instant), offset,
                               f.dstNote.map { $0 == .firstOfRepeatedWallTime ? "first of a repeated wall time" : "second of a repeated wall time" } ?? ""])
        }
        out += "\n" + fires.terminal()
        if e.fireTimes.count > 500 { out += "... \(e.fireTimes.count - 500) more (use --format json for all)\n" }
        return out
    }
}
