import Foundation
import SPCSCostCore
import SPCSCostStore

/// A command needs the cache's hours where it holds only daily totals (a pull at `--grain day`); exit 64.
public struct GrainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What needs hours, for example `reconcile (variance by cause)` or `--timezone America/New_York`.
    public let need: String
    /// The first and last UTC day of the period that the cache holds as day rows.
    public let firstDay: CivilDate
    /// See ``firstDay``.
    public let lastDay: CivilDate

    /// Creates the error.
    public init(need: String, firstDay: CivilDate, lastDay: CivilDate) {
        self.need = need
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    public var description: String {
        "\(need) needs hourly usage, but the cache holds only daily totals from \(firstDay) to \(lastDay) (UTC days, "
            + "pulled with --grain day). Pull those days again at the hour grain: spcs-cost pull --grain hour --since "
            + "\(firstDay); or report by UTC day (--timezone UTC)."
    }
}

/// The one check of the cache's grain: commands that need hours (reconcile by cause, a business-hours what-if, a
/// report whose days are not UTC days, a report with hourly detail) call it before reading the cache.
public enum GrainCheck {
    /// Throws when the cache holds day rows (``UsageCache/dayRowDays(from:to:)``) for any UTC day that
    /// [`from`, `to`) touches.
    /// - Parameters:
    ///   - need: what needs hours, as the message names it (for example `report --detail hour`).
    /// - Throws: ``GrainError`` (exit 64) naming `--grain hour`; ``StoreError`` when the cache cannot be read.
    public static func requireHours(_ cache: UsageCache, from: Date, to: Date, for need: String) throws {
        let utc = TimeZone(identifier: "UTC")!
        let first = CivilDate.of(from, in: utc).startInstant(in: utc)
        let days = try cache.dayRowDays(from: first, to: to)
        guard let a = days.first, let b = days.last else { return }
        throw GrainError(need: need, firstDay: a, lastDay: b)
    }

    /// True when every day of `zone` in [`from`, `to`) is a UTC day (its offset is 0 throughout): the only zone in
    /// which day rows can be reported.
    public static func daysAreUTCDays(_ zone: TimeZone, from: Date, to: Date) -> Bool {
        OffsetSegment.segments(of: zone, from: from, to: to).allSatisfy { $0.offsetSeconds == 0 }
    }

    /// ``requireHours(_:from:to:for:)`` when `zone`'s days are not UTC days over [`from`, `to`) (a report or
    /// nightly with a non-UTC `--timezone`).
    /// - Throws: ``GrainError``, ``StoreError``.
    public static func requireUTCDaysOrHours(_ cache: UsageCache, zone: TimeZone, from: Date, to: Date) throws {
        guard !daysAreUTCDays(zone, from: from, to: to) else { return }
        try requireHours(cache, from: from, to: to, for: "--timezone \(zone.identifier)")
    }
}
