import Foundation
import SPCSCostCore
import SPCSCostSetupSQL
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// `advise` on history made by the emulator's generator (Fixtures/advise: `gen_history.py --pools
/// advise_april_2026.json --seed 11`), with its COMPUTE_POOLS rows loaded as a pull would load them. The spec implies
/// the recommendations: TAIL_POOL's 3600 s auto-suspend tail after each weekday's schedule, ALWAYS_ON_POOL's nights
/// and weekends, NEVER_RAN_POOL. Every saving is checked against the generator's ground truth or hand arithmetic.
@Suite struct AdviseTests {
    struct GroundTruth: Decodable {
        struct Pool: Decodable {
            let rate: String
            let total_credits: String
            let node_hours_by_cause: [String: String]
        }
        let pools: [String: Pool]
    }

    let env: Environment
    let cache: UsageCache
    let truth: GroundTruth

    init() throws {
        env = try testEnvironment()
        cache = try UsageCache(.memory)
        _ = try ImportService(env: env).importCSV(path: "Fixtures/advise/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv",
                                                  timeZone: nil, into: cache)
        // COMPUTE_POOLS.csv as the generator wrote it (no quoted cells).
        let text = try String(contentsOf: Repository.fixture("advise/COMPUTE_POOLS.csv"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = lines[0]
        let iso = ISO8601DateFormatter()
        let records = lines.dropFirst().map { cells in
            let c = Dictionary(uniqueKeysWithValues: zip(header, cells))
            return ComputePoolRecord(
                name: c["NAME"]!, id: Int64(c["ID"]!)!, isSuspended: c["IS_SUSPENDED"] == "true",
                minNodes: Int(c["MIN_NODES"]!), maxNodes: Int(c["MAX_NODES"]!), instanceFamily: c["INSTANCE_FAMILY"],
                autoSuspendSeconds: Int(c["AUTO_SUSPEND_SECS"]!), autoResume: c["AUTO_RESUME"] == "true",
                created: iso.date(from: c["CREATED"]!), deleted: iso.date(from: c["DELETED"] ?? ""))
        }
        try cache.load(.init(kind: "pull", source: "COMPUTE_POOLS.csv", checksum: "", loadedAt: iso.date(from: "2026-05-01T00:00:00Z")!)) { w in
            for r in records { try w.upsert(r) }
        }
        truth = try JSONDecoder().decode(GroundTruth.self, from: Data(contentsOf: Repository.fixture("advise/ground_truth.json")))
    }

    /// April 2026 in UTC, window 09:00-18:00 MON-FRI UTC, tasks on warehouse TASK_WH (AUTO_SUSPEND 600), priced at
    /// the on-demand AWS US East Standard price, 2.00 USD per credit.
    func advise() throws -> AdviseRun {
        let utc = TimeZone(identifier: "UTC")!
        let window = BusinessHours(startSecondOfDay: 9 * 3600, endSecondOfDay: 18 * 3600,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: utc)
        var o = AdviseOptions(from: CivilDate("2026-04-01")!, to: CivilDate("2026-04-30")!, timeZone: utc, window: window)
        o.taskCompute = .warehouse(name: "TASK_WH", autoSuspendSeconds: 600)
        o.price = ReportOptions(from: o.from, to: o.to, timeZone: utc).priceSettings
        return try AdviseService(env: env).advise(o, cache: cache)
    }

    func round9(_ x: Decimal) -> Decimal {
        var v = x, r = Decimal()
        NSDecimalRound(&r, &v, 9, .plain)
        return r
    }

    /// TAIL_POOL: the ground truth's 22 node-hours of auto_suspend_tail at 0.06 credits per node-hour; at 300 s
    /// each tail is 300/3600 h, so the saving is 22 × 3300/3600 × 0.06 = 1.21 credits, × 2.00 = 2.42 USD.
    @Test func theTailOfAPoolLeftAt3600() throws {
        let t = try #require(truth.pools["TAIL_POOL"])
        #expect(t.node_hours_by_cause["auto_suspend_tail"] == "22.000000" && t.rate == "0.06")
        let run = try advise()
        let a = try #require(run.advice.first { $0.pool == "TAIL_POOL" && $0.kind == .autoSuspend })
        let expected = Decimal(string: t.node_hours_by_cause["auto_suspend_tail"]!)! * (3600 - 300) * Decimal(string: t.rate)! / 3600
        #expect(expected == Decimal(string: "1.21")!)
        #expect(round9(a.savedCredits) == expected, "\(a.savedCredits)")
        #expect(a.netCredits == a.savedCredits)
        #expect(a.saved?.amount == Money(Decimal(string: "2.42")!, .usd))
        #expect(a.sql == "ALTER COMPUTE POOL TAIL_POOL SET AUTO_SUSPEND_SECS = 300;")
        #expect(a.change == "AUTO_SUSPEND_SECS 3600 → 300")
        // AUTO_SUSPEND_SECS came from COMPUTE_POOLS, so no default is assumed.
        #expect(!a.assumptions.contains { $0.contains("default 3600 s is assumed") })
        #expect(a.assumptions.contains { $0.hasPrefix("AUTO_SUSPEND_SECS 3600 is COMPUTE_POOLS' value") })
        // Its idle hours are not regular (it already runs on a schedule): no schedule for it.
        #expect(!run.advice.contains { $0.pool == "TAIL_POOL" && $0.kind == .schedule })
    }

    /// ALWAYS_ON_POOL (AUTO_SUSPEND_SECS 0, no tail): 720 node-hours metered (ground truth 43.2 credits); the window
    /// keeps 22 weekdays × 9 h = 198, so the schedule saves (720 − 198) × 0.06 = 31.32 credits (62.64 USD).
    /// Its tasks: 22 resumes + 22 suspends = 44 runs on an X-Small warehouse, from 44 × 60 s × 1 credit/h =
    /// 0.733333333 to 44 × 600 s = 7.333333333 credits; net 31.32 − 7.333333333 = 23.986666667 credits, 47.97 USD.
    @Test func anAlwaysOnPoolGetsABusinessHoursSchedule() throws {
        let t = try #require(truth.pools["ALWAYS_ON_POOL"])
        #expect(t.total_credits == "43.200000000")
        let run = try advise()
        #expect(!run.advice.contains { $0.pool == "ALWAYS_ON_POOL" && $0.kind == .autoSuspend })
        let a = try #require(run.advice.first { $0.pool == "ALWAYS_ON_POOL" && $0.kind == .schedule })
        #expect(a.savedCredits == Decimal(string: t.total_credits)! - 198 * Decimal(string: t.rate)!)
        #expect(a.savedCredits == Decimal(string: "31.32")!)
        #expect(round9(a.costLowCredits) == Decimal(string: "0.733333333")!)
        #expect(round9(a.costHighCredits) == Decimal(string: "7.333333333")!)
        #expect(round9(a.netCredits) == Decimal(string: "23.986666667")!)
        #expect(a.saved?.amount == Money(Decimal(string: "62.64")!, .usd))
        // 23.986666667 × 2.00 = 47.973333333 USD, shown 47.97.
        #expect(round9(try #require(a.net?.amount.amount)) == Decimal(string: "47.973333333")!)
        #expect(a.assumptions.contains { $0.hasPrefix("44 task runs") && $0.contains("warehouse TASK_WH") })
    }

    /// The schedule's SQL parses with the setup-SQL reader and reads as the window: two resumed tasks on TASK_WH, one
    /// resuming and one suspending ALWAYS_ON_POOL, firing at every window start and end in April (22 each).
    @Test func theScheduleSQLReadsAsTheWindow() throws {
        let run = try advise()
        let a = try #require(run.advice.first { $0.pool == "ALWAYS_ON_POOL" && $0.kind == .schedule })
        let script = "CREATE COMPUTE POOL ALWAYS_ON_POOL MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS;\n" + a.sql
        let analysis = SetupScript.analyze(script)
        #expect(analysis.tasks.count == 2)
        #expect(analysis.skipped.isEmpty)
        let april = DateInterval(start: CivilDate("2026-04-01")!.startInstant(in: TimeZone(identifier: "UTC")!),
                                 end: CivilDate("2026-05-01")!.startInstant(in: TimeZone(identifier: "UTC")!))
        let window = BusinessHours(startSecondOfDay: 9 * 3600, endSecondOfDay: 18 * 3600,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday],
                                   zone: TimeZone(identifier: "UTC")!).intervals(from: CivilDate("2026-04-01")!,
                                                                                 through: CivilDate("2026-04-30")!)
        #expect(window.count == 22)
        for task in analysis.tasks {
            #expect(task.isResumed)
            #expect("\(task.compute)".contains("TASK_WH"))
            let action = try #require(task.actions.first)
            #expect(action.target == .computePool && action.name.description == "ALWAYS_ON_POOL")
            guard case let .cron(cron)? = try task.schedule.map({ try TaskSchedule(parsing: $0) }) else {
                Issue.record("not a cron schedule: \(task.schedule ?? "nil")")
                continue
            }
            let fires = cron.fireTimes(in: april).map(\.instant)
            #expect(fires == (action.verb == .resume ? window.map(\.start) : window.map(\.end)))
        }
    }

    /// NEVER_RAN_POOL is in COMPUTE_POOLS all April and has no hourly row: drop it, saving nothing. ALWAYS_ON_POOL was
    /// billed MIN_NODES every hour and never more: all the data can tell; suspending it saves its 43.2 credits.
    /// TAIL_POOL's 220 billed hours all fall in hours ALWAYS_ON_POOL was billed: both are CPU_X64_XS, so running
    /// TAIL_POOL's services on ALWAYS_ON_POOL saves TAIL_POOL's 13.2 credits (ground truth total).
    @Test func neverRanNoSignOfUseAndSharedFamily() throws {
        let run = try advise()
        let never = try #require(run.advice.first { $0.pool == "NEVER_RAN_POOL" })
        #expect(never.kind == .neverRan && never.savedCredits == 0 && never.sql == "DROP COMPUTE POOL NEVER_RAN_POOL;")
        let idle = try #require(run.advice.first { $0.pool == "ALWAYS_ON_POOL" && $0.kind == .noSignOfUse })
        #expect(idle.savedCredits == Decimal(string: truth.pools["ALWAYS_ON_POOL"]!.total_credits)!)
        #expect(!run.advice.contains { $0.pool == "TAIL_POOL" && $0.kind == .noSignOfUse })
        let share = try #require(run.advice.first { $0.kind == .shareFamily })
        #expect(share.pool == "TAIL_POOL" && share.change == "run its services on ALWAYS_ON_POOL")
        #expect(share.savedCredits == Decimal(string: truth.pools["TAIL_POOL"]!.total_credits)!)
        #expect(run.advice.map { "\($0.pool) \($0.kind.rawValue)" } == [
            "ALWAYS_ON_POOL schedule", "ALWAYS_ON_POOL no_sign_of_use", "NEVER_RAN_POOL never_ran",
            "TAIL_POOL auto_suspend", "TAIL_POOL share_family",
        ])
        #expect(run.metered?.quantity == Decimal(string: "56.4")!)
    }

    /// A pool name that is not a plain identifier is double-quoted (a `"` doubled), so the SQL reads back as that
    /// pool and no name can end a statement.
    @Test func poolNamesAreQuotedWhenTheyMustBe() throws {
        #expect(AdviceSQL.identifier("TAIL_POOL") == "TAIL_POOL")
        #expect(AdviceSQL.identifier("dev pool; DROP") == "\"dev pool; DROP\"")
        #expect(AdviceSQL.identifier("a\"b") == "\"a\"\"b\"")
        let window = BusinessHours(startSecondOfDay: 8 * 3600, endSecondOfDay: 19 * 3600, weekdays: [.monday],
                                   zone: TimeZone(identifier: "Asia/Tokyo")!)
        let sql = AdviceSQL.schedule(pool: "dev pool; DROP", window: window, compute: .serverless)
        let analysis = SetupScript.analyze(sql)
        #expect(analysis.tasks.count == 2)
        #expect(analysis.tasks.flatMap(\.actions).map(\.description)
                == ["RESUME COMPUTE POOL \"dev pool; DROP\"", "SUSPEND COMPUTE POOL \"dev pool; DROP\""])
        #expect(analysis.tasks.map(\.schedule) == ["USING CRON 0 8 * * MON Asia/Tokyo", "USING CRON 0 19 * * MON Asia/Tokyo"])
    }

    /// Serverless tasks: 44 runs × 1 s × 1 credit/h × 0.9 = 0.011 credits, no range.
    @Test func serverlessTasksCost() {
        let c = AdviceTaskCompute.serverless.credits(runs: 44)
        #expect(c.low == Decimal(string: "0.011")! && c.high == c.low)
    }
}
