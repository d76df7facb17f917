import Foundation

/// The billing rules of a compute pool, applied to a sequence of resume and suspend events.
///
/// Rules (spcs-facts §2):
/// - A pool bills MIN_NODES nodes at its family's rate whenever it is not suspended: IDLE, ACTIVE, STOPPING and
///   RESIZING are billed; STARTING and SUSPENDED are not [S1]. Node start-up (STARTING) is taken as instant.
/// - Each node start bills at least five minutes, then per second (Service Consumption Table preamble [S5]).
/// - Suspending only the services leaves the pool IDLE, billed, until AUTO_SUSPEND_SECS passes (the auto-suspend
///   tail); 0 means it never suspends itself [S3]. Suspending the pool stops billing at once.
/// - A resume during the tail continues the same run (no new node start).
public enum BillingModel {
    /// Billed intervals of `pool` in `period` under `events`.
    /// - Parameters:
    ///   - events: every event from some time before `period` (a week is plenty) to its end, any order. The
    ///     pool's state before the first event is taken from it: a resume means it was suspended, a suspend means
    ///     it was running. With no events at all the pool is always on when `runningWithoutEvents` is true.
    ///   - period: half-open `[start, end)` in UTC; intervals are clipped to it. A run still going at the end is
    ///     not padded to five minutes (it goes on after the period).
    /// - Returns: intervals sorted by start, each ``BillingCause/scheduled``, ``BillingCause/autoSuspendTail`` or
    ///   ``BillingCause/minimumChargePadding``, with `pool.minNodes` nodes.
    public static func billedIntervals(pool: ComputePool, events: [PoolEvent], period: DateInterval,
                                       runningWithoutEvents: Bool = true) -> [BilledInterval] {
        let sorted = events.sorted { $0.instant < $1.instant }
        var out: [BilledInterval] = []
        guard let first = sorted.first else {
            return runningWithoutEvents
                ? [BilledInterval(start: period.start, end: period.end, nodes: pool.minNodes, cause: .scheduled)] : []
        }
        let origin = min(first.instant, period.start)
        var running = false
        var runStart = origin
        var segmentStart = origin
        var segmentCause = BillingCause.scheduled
        var autoSuspendAt: Date?
        if case .suspend = first.action {
            running = true
        }

        func close(at t: Date) {
            if t > segmentStart { out.append(BilledInterval(start: segmentStart, end: t, nodes: pool.minNodes, cause: segmentCause)) }
        }
        func endRun(at t: Date) {
            close(at: t)
            let ran = t.timeIntervalSince(runStart)
            if ran < 300 {
                out.append(BilledInterval(start: t, end: runStart.addingTimeInterval(300), nodes: pool.minNodes,
                                          cause: .minimumChargePadding))
            }
            running = false
            autoSuspendAt = nil
        }

        for event in sorted {
            if running, let due = autoSuspendAt, due <= event.instant { endRun(at: due) }
            switch event.action {
            case .resume:
                if running {
                    if autoSuspendAt != nil {
                        close(at: event.instant)
                        segmentStart = event.instant
                        segmentCause = .scheduled
                        autoSuspendAt = nil
                    }
                } else {
                    running = true
                    runStart = event.instant
                    segmentStart = event.instant
                    segmentCause = .scheduled
                }
            case .suspend(.services):
                guard running, autoSuspendAt == nil, segmentCause == .scheduled else { break }
                close(at: event.instant)
                segmentStart = event.instant
                segmentCause = .autoSuspendTail
                autoSuspendAt = pool.autoSuspendSeconds > 0
                    ? event.instant.addingTimeInterval(TimeInterval(pool.autoSuspendSeconds)) : .distantFuture
            case .suspend(.pool):
                if running { endRun(at: event.instant) }
            }
        }
        if running {
            if let due = autoSuspendAt, due <= period.end { endRun(at: due) } else { close(at: period.end) }
        }
        return out.compactMap { clip($0, to: period) }
    }

    /// `interval` cut to `period`; nil when nothing is left.
    static func clip(_ interval: BilledInterval, to period: DateInterval) -> BilledInterval? {
        let s = max(interval.start, period.start)
        let e = min(interval.end, period.end)
        guard e > s else { return nil }
        var c = interval
        c.start = s
        c.end = e
        return c
    }

    /// Node-seconds by cause of `intervals`.
    public static func nodeSeconds(_ intervals: [BilledInterval]) -> [BillingCause: Decimal] {
        var out: [BillingCause: Decimal] = [:]
        for i in intervals { out[i.cause, default: 0] += i.nodeSeconds }
        return out
    }
}
