import Foundation
import Testing

@testable import SPCSCostCore

private func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
private let xs = InstanceFamily("CPU_X64_XS")!
private let weekdays = "MON-FRI"

private func cronTask(_ name: String, _ expr: String, _ action: PoolEvent.Action,
                      size: WarehouseSize = .xSmall) throws -> ScheduledTask {
    ScheduledTask(name: name, schedule: try TaskSchedule(parsing: expr), action: action,
                  compute: .warehouse(name: "WH", size: size))
}

@Suite struct BillingModelTests {
    let day = DateInterval(start: at("2024-04-09T00:00:00Z"), end: at("2024-04-10T00:00:00Z"))

    @Test func shortRunBillsTheFiveMinuteMinimum() {
        // Resumed 10:00:00, pool suspended 10:02:00: 120 s ran, 180 s of padding to reach 300 s per node start.
        let pool = ComputePool(name: "P", family: xs)
        let i = BillingModel.billedIntervals(pool: pool, events: [
            PoolEvent(instant: at("2024-04-09T10:00:00Z"), action: .resume),
            PoolEvent(instant: at("2024-04-09T10:02:00Z"), action: .suspend(.pool)),
        ], period: day)
        let by = BillingModel.nodeSeconds(i)
        #expect(by[.scheduled] == 120)
        #expect(by[.minimumChargePadding] == 180)
    }

    @Test func suspendingServicesLeavesTheAutoSuspendTail() {
        // 09:00 resume, 18:00 services suspended; AUTO_SUSPEND_SECS 3600 → billed until 19:00.
        let pool = ComputePool(name: "P", family: xs, autoSuspendSeconds: 3600)
        let events = [PoolEvent(instant: at("2024-04-09T09:00:00Z"), action: .resume),
                      PoolEvent(instant: at("2024-04-09T18:00:00Z"), action: .suspend(.services))]
        let by = BillingModel.nodeSeconds(BillingModel.billedIntervals(pool: pool, events: events, period: day))
        #expect(by[.scheduled] == Decimal(9 * 3600))
        #expect(by[.autoSuspendTail] == 3600)
        // The same with the pool suspended: no tail.
        let pooled = events.map { e in e.action == .resume ? e : PoolEvent(instant: e.instant, action: .suspend(.pool)) }
        #expect(BillingModel.nodeSeconds(BillingModel.billedIntervals(pool: pool, events: pooled, period: day))[.autoSuspendTail] == nil)
    }

    @Test func aResumeDuringTheTailContinuesTheRun() {
        let pool = ComputePool(name: "P", family: xs, autoSuspendSeconds: 3600)
        let i = BillingModel.billedIntervals(pool: pool, events: [
            PoolEvent(instant: at("2024-04-09T09:00:00Z"), action: .resume),
            PoolEvent(instant: at("2024-04-09T10:00:00Z"), action: .suspend(.services)),
            PoolEvent(instant: at("2024-04-09T10:30:00Z"), action: .resume),
            PoolEvent(instant: at("2024-04-09T11:00:00Z"), action: .suspend(.pool)),
        ], period: day)
        let by = BillingModel.nodeSeconds(i)
        // 09:00-10:00 and 10:30-11:00 scheduled, 10:00-10:30 tail; one run, so no padding.
        #expect(by[.scheduled] == 5400 && by[.autoSuspendTail] == 1800 && by[.minimumChargePadding] == nil)
    }

    @Test func minNodesTwoDoublesEveryInterval() {
        let pool = ComputePool(name: "P", family: xs, minNodes: 2, maxNodes: 3, autoSuspendSeconds: 600)
        let by = BillingModel.nodeSeconds(BillingModel.billedIntervals(pool: pool, events: [
            PoolEvent(instant: at("2024-04-09T09:00:00Z"), action: .resume),
            PoolEvent(instant: at("2024-04-09T09:01:00Z"), action: .suspend(.services)),
        ], period: day))
        // 2 nodes × 60 s scheduled, 2 × 600 s tail; the run lasted 660 s ≥ 300 s, so no padding.
        #expect(by[.scheduled] == 120 && by[.autoSuspendTail] == 1200 && by[.minimumChargePadding] == nil)
    }

    @Test func stateBeforeTheFirstEventComesFromIt() {
        // The first event in view is a suspend: the pool was running before, since the start of the period.
        let pool = ComputePool(name: "P", family: xs)
        let by = BillingModel.nodeSeconds(BillingModel.billedIntervals(pool: pool, events: [
            PoolEvent(instant: at("2024-04-09T02:00:00Z"), action: .suspend(.pool)),
        ], period: day))
        #expect(by[.scheduled] == 7200)
    }

    @Test func autoSuspendZeroNeverSuspends() {
        let pool = ComputePool(name: "P", family: xs, autoSuspendSeconds: 0)
        let by = BillingModel.nodeSeconds(BillingModel.billedIntervals(pool: pool, events: [
            PoolEvent(instant: at("2024-04-09T09:00:00Z"), action: .resume),
            PoolEvent(instant: at("2024-04-09T18:00:00Z"), action: .suspend(.services)),
        ], period: day))
        #expect(by[.autoSuspendTail] == Decimal(6 * 3600))  // 18:00 to the end of the period
    }
}

@Suite struct PlanEstimatorTests {
    let tokyo = TimeZone(identifier: "Asia/Tokyo")!
    let la = TimeZone(identifier: "America/Los_Angeles")!

    func plan(_ pool: ComputePool, _ tasks: [ScheduledTask], zone: TimeZone, holidays: Set<CivilDate> = [],
              activity: ExpectedActivity = ExpectedActivity()) -> PoolPlan {
        PoolPlan(pool: pool, tasks: tasks, activity: activity, holidays: holidays, zone: zone)
    }

    func tokyoTasks(_ mode: SuspendMode) throws -> [ScheduledTask] {
        [try cronTask("RESUME", "USING CRON 0 10 * * \(weekdays) Asia/Tokyo", .resume),
         try cronTask("SUSPEND", "USING CRON 0 19 * * \(weekdays) Asia/Tokyo", .suspend(mode))]
    }

    @Test func april2024InTokyoWithTheTaskCost() throws {
        let p = plan(ComputePool(name: "J", family: xs), try tokyoTasks(.pool), zone: tokyo)
        let period = PlanEstimator.period(from: CivilDate("2024-04-01")!, through: CivilDate("2024-04-30")!, in: tokyo)
        let b = PlanEstimator.breakdown(p, period: period)
        // 22 weekdays × 9 h; the pool itself is suspended, so no tail.
        #expect(b.scheduleNodeHours[.scheduled] == 198)
        #expect(b.scheduleNodeHours[.autoSuspendTail] == nil)
        #expect(b.activeDays == 22)
        let (lines, _) = PlanEstimator.lines(p, b, creditsPerNodeHour: Decimal(string: "0.11")!, rateSource: "t")
        let tasks = lines.filter { $0.item.hasPrefix("Task") }
        // Two tasks × 22 runs = 44 runs × 60 s × 1 credit/h (X-Small) = 0.7333… credits.
        #expect(PlanEstimator.roundedForText(tasks.map(\.credits).reduce(0, +)) == Decimal(string: "0.733333333")!)
        #expect(b.taskRuns.map(\.runs) == [22, 22])
    }

    @Test func aHolidayFileStopsBothTasks() throws {
        // 2024-04-29 (Showa Day) is a Monday: neither task fires, the pool stays suspended that day.
        let p = plan(ComputePool(name: "J", family: xs), try tokyoTasks(.pool), zone: tokyo,
                     holidays: [CivilDate("2024-04-29")!])
        let b = PlanEstimator.breakdown(p, period: PlanEstimator.period(
            from: CivilDate("2024-04-01")!, through: CivilDate("2024-04-30")!, in: tokyo))
        #expect(b.scheduleNodeHours[.scheduled] == Decimal(21 * 9))
        #expect(b.taskRuns.map(\.runs) == [21, 21])
    }

    @Test func losAngelesAlwaysOnMonthsFollowDST() {
        // March 2024 loses an hour (743 h); November gains one (721 h).
        let p = plan(ComputePool(name: "A", family: xs), [], zone: la)
        for (month, hours) in [("03", 743), ("11", 721)] {
            let first = CivilDate("2024-\(month)-01")!
            let b = PlanEstimator.breakdown(p, period: PlanEstimator.period(from: first, through: first.lastOfMonth, in: la))
            #expect(b.scheduleNodeHours[.scheduled] == Decimal(hours))
            #expect(b.days.filter { $0.hours != 24 }.map(\.hours) == [month == "03" ? 23 : 25])
        }
    }

    @Test func aNightlyRunAcrossTheFallBackDay() throws {
        // Resume 01:00, suspend the pool 02:30 daily, Los Angeles, 2024-11-03: 01:00 happens twice, so the second
        // resume (09:00 UTC) starts again after... the first run ended at 02:30 PST = 10:30 UTC.
        let tasks = [try cronTask("UP", "USING CRON 0 1 * * * America/Los_Angeles", .resume),
                     try cronTask("DOWN", "USING CRON 30 2 * * * America/Los_Angeles", .suspend(.pool))]
        let p = plan(ComputePool(name: "N", family: xs), tasks, zone: la)
        let day = CivilDate("2024-11-03")!
        let b = PlanEstimator.breakdown(p, period: PlanEstimator.period(from: day, through: day, in: la))
        // 01:00 PDT (08:00 UTC) resume, 01:00 PST (09:00 UTC) resume while running (no-op), 02:30 PST (10:30 UTC)
        // suspend: 2.5 h billed on a 25-hour day.
        #expect(b.scheduleNodeHours[.scheduled] == Decimal(string: "2.5")!)
        #expect(b.days[0].hours == 25)
        #expect(b.taskRuns.map(\.runs) == [2, 1])
    }

    @Test func springForwardSkipsTheMissingSuspend() throws {
        // 2024-03-10 Los Angeles: 02:30 does not exist, the suspend does not fire; the pool runs until the next
        // day's 02:30 suspend.
        let tasks = [try cronTask("UP", "USING CRON 0 1 * * * America/Los_Angeles", .resume),
                     try cronTask("DOWN", "USING CRON 30 2 * * * America/Los_Angeles", .suspend(.pool))]
        let p = plan(ComputePool(name: "N", family: xs), tasks, zone: la)
        let day = CivilDate("2024-03-10")!
        let b = PlanEstimator.breakdown(p, period: PlanEstimator.period(from: day, through: day, in: la))
        // From 01:00 PST (09:00 UTC) to the end of the 23-hour day (07:00 UTC next day): 22 h.
        #expect(b.scheduleNodeHours[.scheduled] == 22)
        #expect(b.taskRuns.map(\.runs) == [1, 0])
    }

    @Test func anIntervalScheduleCountsFromItsAnchor() throws {
        // A suspend every 2 hours from 2024-04-09T00:00Z: 12 runs in the day (02:00 ... 24:00 excluded, 00:00 is the anchor).
        let task = ScheduledTask(name: "EVERY2H", schedule: try TaskSchedule(parsing: "2 HOURS"), action: .suspend(.pool),
                                 compute: .serverless(size: .xSmall, runSeconds: 2),
                                 intervalAnchor: at("2024-04-08T22:00:00Z"))
        let utc = TimeZone(identifier: "UTC")!
        let p = plan(ComputePool(name: "S", family: xs), [task], zone: utc)
        let day = CivilDate("2024-04-09")!
        let b = PlanEstimator.breakdown(p, period: PlanEstimator.period(from: day, through: day, in: utc))
        #expect(b.taskRuns[0].runs == 12)
        let (lines, _) = PlanEstimator.lines(p, b, creditsPerNodeHour: 1, rateSource: "t")
        // 12 runs × 2 s × 0.9 (serverless multiplier) = 21.6 compute-seconds = 0.006 compute-hours × 1 credit/h.
        #expect(lines.first { $0.item == "Task EVERY2H" }?.credits == Decimal(string: "0.006")!)
    }

    @Test func expectedActivityLines() throws {
        let pool = ComputePool(name: "J", family: xs, minNodes: 1, maxNodes: 2, autoSuspendSeconds: 3600)
        let p = plan(pool, try tokyoTasks(.services), zone: tokyo,
                     activity: ExpectedActivity(autoscale: .init(extraNodes: 1, hoursPerDay: 2),
                                                offHours: .init(sessionsPerWeek: 3, minutes: 30)))
        let b = PlanEstimator.breakdown(p, period: PlanEstimator.period(
            from: CivilDate("2024-04-01")!, through: CivilDate("2024-04-28")!, in: tokyo))
        let (lines, _) = PlanEstimator.lines(p, b, creditsPerNodeHour: 1, rateSource: "t")
        let q = Dictionary(uniqueKeysWithValues: lines.map { ($0.item, $0.quantity) })
        // 20 weekdays in 1-28 April 2024: 180 h scheduled, 20 h tail, autoscale 1 × 2 h × 20 days = 40 node-hours.
        #expect(q["Scheduled hours"] == 180)
        #expect(q["Auto-suspend tail"] == 20)
        #expect(q["Autoscale"] == 40)
        // 3 sessions a week × 28 days ÷ 7 = 12 sessions × 0.5 h = 6 node-hours, then 12 × 1 h of tail.
        #expect(q["Off-hours sessions"] == 6)
        #expect(q["Auto-suspend tail after sessions"] == 12)
    }
}
