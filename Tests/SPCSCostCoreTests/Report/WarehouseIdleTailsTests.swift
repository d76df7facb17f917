import Foundation
import SPCSCostCore
import Testing

/// The idle-tail model of `advise`'s notebook_warehouse recommendation (``WarehouseIdleTails``): worked examples,
/// each with its arithmetic.
@Suite struct WarehouseIdleTailsTests {
    static func dec(_ text: String) -> Decimal { ExactDecimal.parse(text)! }
    /// 2024-03-01T00:00Z in epoch seconds.
    static let march1 = 1_709_251_200

    /// An hour of warehouse `name` starting `hours` after 2024-03-01T00:00Z with `compute` credits.
    static func hour(_ hours: Int, _ compute: String, name: String = "NB_WH") -> WarehouseMeteringRecord {
        let start = Date(timeIntervalSince1970: TimeInterval(march1 + hours * 3600))
        let c = NanoCredits(parsing: compute)!
        return WarehouseMeteringRecord(startTime: start, endTime: start.addingTimeInterval(3600), warehouseID: 1,
                                       warehouseName: name, creditsUsed: c, creditsUsedCompute: c,
                                       creditsUsedCloudServices: .zero)
    }

    /// Issue 11's example: an X-Small warehouse (1 credit/h) at AUTO_SUSPEND 600 metered in 22 separate one-hour
    /// runs (10:00 on 22 days, 0.2 credits each): each run's last 600 − 60 = 540 s would not have been billed at
    /// AUTO_SUSPEND 60: 22 × 540 s × 1 credit/h ÷ 3600 = 3.3 credits, 0.15 on each day.
    @Test func twentyTwoOneHourRunsOfAnXSmallAt600() {
        let hours = (0..<22).map { Self.hour($0 * 24 + 10, "0.2") }
        let r = WarehouseIdleTails.saved(hours: hours, autoSuspendSeconds: 600, thresholdSeconds: 60,
                                         creditsPerHour: WarehouseSize.xSmall.creditsPerHour)
        #expect(r.runs == 22 && r.hours == 22 && r.cappedRuns == 0)
        #expect(r.credits == Self.dec("3.3"))
        #expect(r.parts.count == 22 && r.parts.values.allSatisfy { $0 == Self.dec("0.15") })
    }

    /// Consecutive hours are one run with one tail: 3 hours (09:00-12:00) then, after a gap, 1 hour (15:00) are two
    /// runs on a Small warehouse (2 credits/h) at 300 s: 2 × 240 s × 2 credits/h ÷ 3600 = 0.266… credits.
    @Test func consecutiveHoursAreOneRun() {
        let hours = [Self.hour(9, "1"), Self.hour(10, "2"), Self.hour(11, "0.5"), Self.hour(15, "0.4"),
                     Self.hour(12, "0", name: "NB_WH")]  // an hour without compute is not metered
        let r = WarehouseIdleTails.saved(hours: hours, autoSuspendSeconds: 300, thresholdSeconds: 60,
                                         creditsPerHour: WarehouseSize.small.creditsPerHour)
        #expect(r.runs == 2 && r.hours == 4)
        #expect(r.credits == Decimal(2 * 240 * 2) / 3600)
    }

    /// The tail never exceeds what was metered: a run metered 0.05 credits at AUTO_SUSPEND 600 on an X-Small saves
    /// 0.05, not 0.15. A tail longer than an hour (AUTO_SUSPEND 3600 on a Medium, 4 credits/h: 3540 s = 3.9333…
    /// credits) is taken from the run's last hour back: 1.5 from the last hour (its whole compute), the rest, 2.4333…,
    /// from the hour before, which falls on the previous UTC day (23:00 and 00:00 UTC).
    @Test func theTailIsCappedByWhatWasMetered() {
        let small = WarehouseIdleTails.saved(hours: [Self.hour(10, "0.05")], autoSuspendSeconds: 600,
                                             thresholdSeconds: 60, creditsPerHour: 1)
        #expect(small.credits == Self.dec("0.05") && small.cappedRuns == 1)
        let long = WarehouseIdleTails.saved(hours: [Self.hour(23, "4"), Self.hour(24, "1.5")], autoSuspendSeconds: 3600,
                                            thresholdSeconds: 60, creditsPerHour: WarehouseSize.medium.creditsPerHour)
        let tail = Decimal(3540) * 4 / 3600
        #expect(long.credits == tail && long.cappedRuns == 0)
        let march1 = CivilDate("2024-03-01")!.daysSinceEpoch
        #expect(long.parts[march1 + 1] == Self.dec("1.5"))
        #expect(long.parts[march1] == tail - Self.dec("1.5"))
    }

    /// Nothing to save when AUTO_SUSPEND is at or below the threshold.
    @Test func noSavingAtOrBelowTheThreshold() {
        let r = WarehouseIdleTails.saved(hours: [Self.hour(1, "1")], autoSuspendSeconds: 60, thresholdSeconds: 60,
                                         creditsPerHour: 1)
        #expect(r.credits == 0 && r.runs == 1)
    }
}
