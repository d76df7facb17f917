import Foundation
import SPCSCostCore
import SPCSCostSetupSQL
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// `advise`'s schedule window in each pool's own zone (README "spcs-cost advise"): the pools file's `timezone` (or
/// its first cron task's zone) for the pool, else `--schedule-timezone`, else `--timezone`.
@Suite struct AdvisePoolZoneTests {
    /// Three pools billed 1 node of CPU_X64_XS (0.06 credits an hour, card 2026-04) every hour of Monday 2026-04-06
    /// (UTC): 24 × 0.06 = 1.44 credits each, in a real SQLite cache.
    static func cache() throws -> UsageCache {
        let cache = try UsageCache(.memory)
        let monday = CivilDate("2026-04-06")!.startInstant(in: TimeZone(identifier: "UTC")!)
        var rows: [UsageRecord] = []
        for pool in ["TOKYO_POOL", "LA_POOL", "PLAIN_POOL"] {
            for h in 0..<24 {
                let start = monday.addingTimeInterval(TimeInterval(h * 3600))
                rows.append(UsageRecord(startTime: start, endTime: start.addingTimeInterval(3600), computePoolName: pool,
                                        creditsUsed: NanoCredits(60_000_000)))
            }
        }
        try cache.load(rows, as: .init(kind: "import", source: "test", checksum: "",
                                       loadedAt: ISO8601DateFormatter().date(from: "2026-04-07T00:00:00Z")!))
        return cache
    }

    /// TOKYO_POOL's file zone is its `timezone`; LA_POOL's is the zone of its first task's CRON; PLAIN_POOL's file
    /// entry names no zone.
    static let poolsFile = """
        [[pools]]
        name = "TOKYO_POOL"
        family = "CPU_X64_XS"
        timezone = "Asia/Tokyo"

        [[pools]]
        name = "LA_POOL"
        family = "CPU_X64_XS"
        [[pools.tasks]]
        name = "LA_RESUME"
        action = "resume"
        schedule = "USING CRON 0 7 * * MON-FRI America/Los_Angeles"

        [[pools]]
        name = "PLAIN_POOL"
        family = "CPU_X64_XS"
        """

    /// Monday 2026-04-06 in UTC, window 09:00-18:00 MON-FRI, serverless tasks, credits only.
    func advise(scheduleZone: String? = nil) throws -> AdviseRun {
        let utc = TimeZone(identifier: "UTC")!
        let zone = scheduleZone.map { TimeZone(identifier: $0)! } ?? utc
        let window = BusinessHours(startSecondOfDay: 9 * 3600, endSecondOfDay: 18 * 3600,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: zone)
        var o = AdviseOptions(from: CivilDate("2026-04-06")!, to: CivilDate("2026-04-06")!, timeZone: utc, window: window)
        if scheduleZone != nil { o.windowZoneSource = "--schedule-timezone" }
        o.rateCardID = "2026-04"
        o.poolsFile = try PoolsFile.parse(Self.poolsFile, file: "pools.toml")
        return try AdviseService(env: try testEnvironment()).advise(o, cache: try Self.cache())
    }

    func schedule(_ run: AdviseRun, _ pool: String) throws -> Advice {
        try #require(run.advice.first { $0.pool == pool && $0.kind == .schedule })
    }

    /// The same wall times, three zones, one UTC Monday:
    /// - TOKYO_POOL: 09:00-18:00 JST = 00:00-09:00 UTC, wholly in the day: 9 window hours kept, 15 × 0.06 = 0.9 saved.
    /// - LA_POOL: 09:00-18:00 PDT (UTC−7) = 16:00-01:00 UTC, of which 16:00-24:00 is in the day: 8 kept, 16 × 0.06 =
    ///   0.96 saved (were the window in UTC it would save 0.9).
    /// - PLAIN_POOL: --timezone UTC, 09:00-18:00 UTC: 0.9 saved.
    /// Each SQL's CRON names the pool's zone.
    @Test func eachPoolsWindowIsInItsOwnZone() throws {
        let run = try advise()
        let tokyo = try schedule(run, "TOKYO_POOL"), la = try schedule(run, "LA_POOL"), plain = try schedule(run, "PLAIN_POOL")
        #expect(tokyo.savedCredits == Decimal(string: "0.9")!)
        #expect(la.savedCredits == Decimal(string: "0.96")!)
        #expect(plain.savedCredits == Decimal(string: "0.9")!)
        #expect(tokyo.change == "run 09:00-18:00 MON-FRI Asia/Tokyo only")
        #expect(la.change == "run 09:00-18:00 MON-FRI America/Los_Angeles only")
        #expect(plain.change == "run 09:00-18:00 MON-FRI UTC only")
        func crons(_ a: Advice) -> [String?] { SetupScript.analyze(a.sql).tasks.map(\.schedule) }
        #expect(crons(tokyo) == ["USING CRON 0 9 * * MON-FRI Asia/Tokyo", "USING CRON 0 18 * * MON-FRI Asia/Tokyo"])
        #expect(crons(la) == ["USING CRON 0 9 * * MON-FRI America/Los_Angeles",
                              "USING CRON 0 18 * * MON-FRI America/Los_Angeles"])
        #expect(crons(plain) == ["USING CRON 0 9 * * MON-FRI UTC", "USING CRON 0 18 * * MON-FRI UTC"])
        #expect(tokyo.assumptions.contains { $0.hasPrefix("The window's wall times are in Asia/Tokyo (the pools file's zone for the pool)") })
        #expect(plain.assumptions.contains { $0.hasPrefix("The window's wall times are in UTC (--timezone)") })
        // Runs: TOKYO_POOL's resume and suspend both fire in the day; LA_POOL's suspend fires on Tuesday (UTC).
        #expect(tokyo.assumptions.contains { $0.hasPrefix("2 task runs") })
        #expect(la.assumptions.contains { $0.hasPrefix("1 task run") })
    }

    /// --schedule-timezone moves only the pools the pools file gives no zone: PLAIN_POOL's window is 09:00-18:00
    /// CEST (UTC+2) = 07:00-16:00 UTC, 9 hours kept, 0.9 saved, and its CRON names Europe/Berlin; TOKYO_POOL keeps
    /// its own zone.
    @Test func scheduleTimezoneIsTheDefaultForPoolsWithoutAZone() throws {
        let run = try advise(scheduleZone: "Europe/Berlin")
        let plain = try schedule(run, "PLAIN_POOL")
        #expect(plain.savedCredits == Decimal(string: "0.9")!)
        #expect(SetupScript.analyze(plain.sql).tasks.map(\.schedule)
            == ["USING CRON 0 9 * * MON-FRI Europe/Berlin", "USING CRON 0 18 * * MON-FRI Europe/Berlin"])
        #expect(plain.assumptions.contains { $0.hasPrefix("The window's wall times are in Europe/Berlin (--schedule-timezone)") })
        #expect(try schedule(run, "TOKYO_POOL").change == "run 09:00-18:00 MON-FRI Asia/Tokyo only")
    }
}
