import Foundation

/// What a ``PoolPlan`` bills over a period: node-hours by cause, task runs, and a per-day breakdown.
public struct PlanBreakdown: Sendable, Hashable {
    /// One local calendar day of the plan's zone.
    public struct Day: Sendable, Hashable {
        /// The date in the plan's zone.
        public var date: CivilDate
        /// Hours in the day: 24, or 23/25 (23.5/24.5 in Australia/Lord_Howe) on DST days.
        public var hours: Decimal
        /// Node-hours billed that day by schedule, tail and padding.
        public var nodeHours: [BillingCause: Decimal]
        /// Task runs that day.
        public var taskRuns: Int
    }

    /// One task's runs in the period.
    public struct TaskRuns: Sendable, Hashable {
        /// The task.
        public var task: ScheduledTask
        /// Fire times in the period (holidays excluded).
        public var runs: Int
    }

    /// The period, UTC half-open.
    public var period: DateInterval
    /// Days of the period in the plan's zone.
    public var days: [Day]
    /// Billed intervals from the schedule (scheduled, tail, padding).
    public var intervals: [BilledInterval]
    /// Runs per task.
    public var taskRuns: [TaskRuns]
    /// Assumptions and warnings the reader must see.
    public var notes: [String]
    /// Days on which the pool runs by schedule (any scheduled node time).
    public var activeDays: Int

    /// Node-hours from the schedule, by cause.
    public var scheduleNodeHours: [BillingCause: Decimal] {
        BillingModel.nodeSeconds(intervals).mapValues { $0 / 3600 }
    }
}

/// Turns a ``PoolPlan`` into billed quantities and cost lines.
///
/// Lines, each its own row in an estimate: scheduled hours, the auto-suspend tail, the 5-minute minimum padding,
/// autoscaling, off-hours sessions and the tail after them, and one line per task for the runs' warehouse or
/// serverless credits.
public enum PlanEstimator {
    /// The days `from...through` in `zone` as a UTC half-open interval.
    public static func period(from: CivilDate, through: CivilDate, in zone: TimeZone) -> DateInterval {
        DateInterval(start: from.startInstant(in: zone), end: through.adding(days: 1).startInstant(in: zone))
    }

    /// Billed quantities of `plan` in `period`.
    public static func breakdown(_ plan: PoolPlan, period: DateInterval) -> PlanBreakdown {
        var notes: [String] = []
        // Events from a week before the period, so the state at its start is known.
        let lookback = DateInterval(start: period.start.addingTimeInterval(-7 * 86_400), end: period.end)
        var events: [PoolEvent] = []
        var runs: [PlanBreakdown.TaskRuns] = []
        var runsByDay: [CivilDate: Int] = [:]
        for task in plan.tasks {
            let fires: [FireTime]
            switch task.schedule {
            case let .cron(cron):
                fires = cron.fireTimes(in: lookback, holidays: plan.holidays)
            case let .interval(interval):
                fires = interval.fireTimes(in: lookback, anchor: task.intervalAnchor ?? period.start, zone: plan.zone,
                                           holidays: plan.holidays)
            }
            events += fires.map { PoolEvent(instant: $0.instant, action: task.action) }
            let inPeriod = fires.filter { period.contains($0.instant) && $0.instant < period.end }
            runs.append(.init(task: task, runs: inPeriod.count))
            for f in inPeriod { runsByDay[CivilDate.of(f.instant, in: plan.zone), default: 0] += 1 }
        }
        if plan.tasks.isEmpty {
            notes.append(plan.runsWithoutTasks ? "no task resumes or suspends \(plan.pool.name): it is always on."
                         : "no task resumes \(plan.pool.name) and it is created suspended: it never runs.")
        }
        let intervals = BillingModel.billedIntervals(pool: plan.pool, events: events, period: period,
                                                     runningWithoutEvents: plan.tasks.isEmpty && plan.runsWithoutTasks)
        if plan.pool.autoSuspendSeconds == 0,
           plan.tasks.contains(where: { $0.action == .suspend(.services) }) {
            notes.append("\(plan.pool.name) has AUTO_SUSPEND_SECS = 0 and its suspend task suspends only the services, "
                         + "so the pool never suspends: the idle time is billed as auto-suspend tail.")
        }

        // Per-day breakdown in the plan's zone.
        var days: [PlanBreakdown.Day] = []
        var d = CivilDate.of(period.start, in: plan.zone)
        let last = CivilDate.of(period.end.addingTimeInterval(-1), in: plan.zone)
        var activeDays = 0
        while d <= last {
            let span = d.interval(in: plan.zone)
            var byCause: [BillingCause: Decimal] = [:]
            for i in intervals {
                let overlap = DateInterval(start: i.start, end: i.end).overlapSeconds(with: span)
                if overlap > 0 { byCause[i.cause, default: 0] += Decimal(i.nodes) * Decimal(Int64(overlap.rounded())) / 3600 }
            }
            if (byCause[.scheduled] ?? 0) > 0 { activeDays += 1 }
            days.append(.init(date: d, hours: Decimal(Int64(span.duration.rounded())) / 3600, nodeHours: byCause,
                              taskRuns: runsByDay[d] ?? 0))
            d = d.adding(days: 1)
        }
        return PlanBreakdown(period: period, days: days, intervals: intervals, taskRuns: runs, notes: notes,
                             activeDays: activeDays)
    }

    /// The cost lines of `plan` over `breakdown`'s period, priced in credits.
    /// - Parameters:
    ///   - creditsPerNodeHour: the pool family's rate.
    ///   - rateSource: where that rate comes from.
    public static func lines(_ plan: PoolPlan, _ b: PlanBreakdown, creditsPerNodeHour rate: Decimal,
                             rateSource: String) -> (lines: [CostLine], notes: [String]) {
        var lines: [CostLine] = []
        var notes: [String] = []
        let pool = plan.pool
        let nodes = pool.minNodes
        let nodeWord = nodes == 1 ? "node" : "nodes"
        let hours = b.scheduleNodeHours
        let periodDays = Decimal(Int64(b.period.duration.rounded())) / 86_400
        func q(_ d: Decimal) -> String { ExactDecimal.text(roundedForText(d)) }
        if let h = hours[.scheduled], h > 0 {
            let detail = plan.tasks.isEmpty
                ? "\(nodes) \(nodeWord) × \(q(h / Decimal(nodes))) h (always on)"
                : "\(nodes) \(nodeWord) × \(q(h / Decimal(nodes))) h on \(b.activeDays) days"
            lines.append(CostLine(item: BillingCause.scheduled.label, detail: detail, quantity: h, unit: .nodeHours,
                                  creditsPerUnit: rate, rateSource: rateSource))
        }
        if let h = hours[.autoSuspendTail], h > 0 {
            lines.append(CostLine(
                item: BillingCause.autoSuspendTail.label,
                detail: "\(nodes) \(nodeWord) × \(q(h / Decimal(nodes))) h idle after the services were suspended "
                    + "(AUTO_SUSPEND_SECS \(pool.autoSuspendSeconds))",
                quantity: h, unit: .nodeHours, creditsPerUnit: rate, rateSource: rateSource))
        }
        if let h = hours[.minimumChargePadding], h > 0 {
            lines.append(CostLine(item: BillingCause.minimumChargePadding.label,
                                  detail: "\(nodes) \(nodeWord) × \(q(h * 60 / Decimal(nodes))) min of short runs padded to 5 minutes",
                                  quantity: h, unit: .nodeHours, creditsPerUnit: rate, rateSource: rateSource))
        }
        if let a = plan.activity.autoscale, a.extraNodes > 0, a.hoursPerDay > 0 {
            let room = pool.maxNodes - pool.minNodes
            if a.extraNodes > room {
                notes.append("\(pool.name): autoscale extra_nodes \(a.extraNodes) is more than MAX_NODES − MIN_NODES = "
                             + "\(room); counting \(room).")
            }
            let extra = min(a.extraNodes, room)
            let days = plan.tasks.isEmpty ? periodDays : Decimal(b.activeDays)
            if extra > 0 {
                let billedHours = max(a.hoursPerDay, Decimal(5) / 60)
                lines.append(CostLine(
                    item: BillingCause.autoscaleBurst.label,
                    detail: "\(extra) extra node\(extra == 1 ? "" : "s") × \(q(billedHours)) h × \(q(days)) days"
                        + (billedHours > a.hoursPerDay ? " (5-minute minimum per node start)" : ""),
                    quantity: Decimal(extra) * billedHours * days, unit: .nodeHours, creditsPerUnit: rate,
                    rateSource: rateSource))
            }
        }
        if let o = plan.activity.offHours, o.sessionsPerWeek > 0, o.minutes > 0 {
            if plan.tasks.isEmpty {
                notes.append("\(pool.name): off_hours is ignored, the pool is always on.")
            } else if !pool.autoResume {
                notes.append("\(pool.name): off_hours is ignored, AUTO_RESUME is FALSE so a visit cannot wake the pool.")
            } else {
                let sessions = o.sessionsPerWeek * periodDays / 7
                let sessionHours = o.minutes / 60
                lines.append(CostLine(
                    item: BillingCause.offHoursResume.label,
                    detail: "\(q(sessions)) sessions (\(q(o.sessionsPerWeek)) a week × \(q(periodDays)) days ÷ 7) × "
                        + "\(q(o.minutes)) min × \(nodes) \(nodeWord)",
                    quantity: sessions * sessionHours * Decimal(nodes), unit: .nodeHours, creditsPerUnit: rate,
                    rateSource: rateSource))
                let tailHours = Decimal(pool.autoSuspendSeconds) / 3600
                if pool.autoSuspendSeconds == 0 {
                    notes.append("\(pool.name): AUTO_SUSPEND_SECS = 0, so after an off-hours session the pool runs "
                                 + "until the next scheduled suspend of the pool; that time is not estimated.")
                } else {
                    lines.append(CostLine(
                        item: "Auto-suspend tail after sessions",
                        detail: "\(q(sessions)) sessions × \(q(tailHours * 60)) min × \(nodes) \(nodeWord)",
                        quantity: sessions * tailHours * Decimal(nodes), unit: .nodeHours, creditsPerUnit: rate,
                        rateSource: rateSource))
                }
                let perSession = sessionHours + tailHours
                if pool.autoSuspendSeconds > 0, perSession < Decimal(5) / 60 {
                    lines.append(CostLine(
                        item: "Minimum charge after sessions",
                        detail: "\(q(sessions)) sessions padded to 5 minutes × \(nodes) \(nodeWord)",
                        quantity: sessions * (Decimal(5) / 60 - perSession) * Decimal(nodes), unit: .nodeHours,
                        creditsPerUnit: rate, rateSource: rateSource))
                }
            }
        }
        for t in b.taskRuns where t.runs > 0 {
            switch t.task.compute {
            case let .warehouse(name, size):
                let seconds = Decimal(TaskCompute.warehouseMinimumSeconds)
                lines.append(CostLine(
                    item: "Task \(t.task.name)",
                    detail: "\(t.runs) runs × \(seconds) s minimum on \(name.map { "warehouse \($0) " } ?? "")"
                        + "(\(size.displayName)), each run assumed to resume the warehouse",
                    quantity: Decimal(t.runs) * seconds / 3600, unit: .warehouseHours,
                    creditsPerUnit: size.creditsPerHour,
                    rateSource: "warehouse \(size.displayName) \(ExactDecimal.text(size.creditsPerHour)) credits/h "
                        + "(Consumption Table 2026-04, Table 1(a)); 60-second minimum per start"))
            case let .serverless(size, runSeconds):
                lines.append(CostLine(
                    item: "Task \(t.task.name)",
                    detail: "\(t.runs) runs × \(runSeconds) s serverless (\(size.displayName)) × multiplier "
                        + "\(ExactDecimal.text(TaskCompute.serverlessMultiplier)), assumed run length",
                    quantity: Decimal(t.runs) * Decimal(runSeconds) * TaskCompute.serverlessMultiplier / 3600,
                    unit: .computeHours, creditsPerUnit: size.creditsPerHour,
                    rateSource: "serverless compute \(size.displayName) \(ExactDecimal.text(size.creditsPerHour)) "
                        + "credits/h × 0.9 (Consumption Table 2026-04, Table 5)"))
            }
        }
        // The lines count the 60 s minimum per run; the range of each warehouse goes up to its auto-suspend tail
        // (TaskWarehouseRange), all its tasks' runs together.
        var warehouses: [(name: String?, size: WarehouseSize, runs: Int)] = []
        for t in b.taskRuns where t.runs > 0 {
            guard case let .warehouse(name, size) = t.task.compute else { continue }
            if let i = warehouses.firstIndex(where: { $0.name == name && $0.size == size }) {
                warehouses[i].runs += t.runs
            } else {
                warehouses.append((name, size, t.runs))
            }
        }
        for w in warehouses {
            let range = TaskWarehouseRange(runs: w.runs, creditsPerHour: w.size.creditsPerHour)
            notes.append("\(pool.name): the \(w.runs) task runs on \(w.name.map { "warehouse \($0)" } ?? "their warehouse") "
                + "(\(w.size.displayName)) cost between \(ExactDecimal.text(roundedForText(range.lowCredits))) credits (the "
                + "60 s minimum per resume, counted above) and \(ExactDecimal.text(roundedForText(range.highCredits))) "
                + "credits (each run keeping an otherwise idle warehouse up until its AUTO_SUSPEND, assumed "
                + "\(range.autoSuspendSeconds) s, the CREATE WAREHOUSE default); spcs-cost pull meters them from "
                + "WAREHOUSE_METERING_HISTORY.")
        }
        return (lines, notes)
    }

    /// A quantity rounded half-even to 9 decimals, for the words of a line's detail (the quantity itself stays exact).
    static func roundedForText(_ d: Decimal) -> Decimal {
        var v = d
        var r = Decimal()
        NSDecimalRound(&r, &v, 9, .bankers)
        return r
    }
}
