import Foundation

/// Block storage volumes and snapshots a pools file plans for a pool (keys `block_storage` and `snapshots`, README
/// "Pools file"), priced per UTC day by the ledger's unit prices (``Pricing/unitRate(_:on:)``,
/// ``Pricing/charge(_:_:at:)``): the same volume and snapshot prices per TB-month that price BLOCK_STORAGE_HISTORY
/// (Service Consumption Table 2026-04-01, Table 3(c)), spread over the days of each month, 2^40 bytes a TB (the unit
/// price table's `units`).
///
/// Block storage bills while the volumes exist, also while the pool is suspended: the planned GiB count every second
/// of the period, whatever the schedule.
public struct PlannedStorage: Sendable, Hashable {
    /// Block storage volumes of the pool's service instances (instances × volumes per instance); 0 = none.
    public var volumes: Int
    /// Size of each volume, in GiB (2^30 bytes).
    public var volumeGiB: Decimal
    /// Snapshots kept at once; 0 = none.
    public var snapshots: Int
    /// Size of each snapshot, in GiB.
    public var snapshotGiB: Decimal
    /// Days of the period, from its start, the snapshots are kept; nil = every day of the period.
    public var snapshotDays: Int?

    /// Creates a plan.
    public init(volumes: Int = 0, volumeGiB: Decimal = 0, snapshots: Int = 0, snapshotGiB: Decimal = 0,
                snapshotDays: Int? = nil) {
        self.volumes = volumes
        self.volumeGiB = volumeGiB
        self.snapshots = snapshots
        self.snapshotGiB = snapshotGiB
        self.snapshotDays = snapshotDays
    }

    /// Total GiB of volumes (`volumes` × `volumeGiB`).
    public var totalVolumeGiB: Decimal { Decimal(volumes) * volumeGiB }
    /// Total GiB of snapshots (`snapshots` × `snapshotGiB`).
    public var totalSnapshotGiB: Decimal { Decimal(snapshots) * snapshotGiB }

    /// One priced part of a plan over a period: its ledger rows and their sums.
    public struct Part: Sendable {
        /// ``ChargeKind/blockStorage`` or ``ChargeKind/snapshot``.
        public var kind: ChargeKind
        /// GiB kept while the part exists.
        public var gib: Decimal
        /// GiB-days over the period (GiB × days, a part of a day counted by its seconds).
        public var gibDays: Decimal
        /// Ledger rows, scenario ``Scenario/plan``, grain day, one per UTC day.
        public var rows: [LedgerRow]
        /// The rows' amounts summed, in ``Pricing/currency``.
        public var amount: Money
    }

    /// The plan priced over the instants `[start, end)`, per UTC day of that span (a day counted by the part of its
    /// seconds inside the span).
    /// - Returns: one part per planned item (volumes, then snapshots); empty when the plan has neither, or when
    ///   `pricing` has no unit prices (no table lists the region: the caller says so).
    /// - Throws: ``FXBookError`` when the unit price table's currency cannot be converted on a day.
    public func price(pool: String, from start: Date, to end: Date, pricing: Pricing) throws(FXBookError) -> [Part] {
        guard let book = pricing.unitPrices, end > start else { return [] }
        let utc = TimeZone(identifier: "UTC")!
        var parts: [Part] = []
        let items: [(ChargeKind, UnitPriceItem, Decimal, Date)] = [
            (.blockStorage, .blockStorageVolume, totalVolumeGiB, end),
            (.snapshot, .snapshot, totalSnapshotGiB,
             snapshotDays.map { min(end, start.addingTimeInterval(TimeInterval($0) * 86_400)) } ?? end),
        ]
        for (kind, item, gib, until) in items where gib > 0 && until > start {
            var rows: [LedgerRow] = []
            var amount = Money.zero(pricing.currency)
            var gibDays: Decimal = 0
            var day = CivilDate.of(start, in: utc)
            while day.startInstant(in: utc) < until {
                let dayStart = day.startInstant(in: utc), dayEnd = day.adding(days: 1).startInstant(in: utc)
                let seconds = Decimal(Int64(min(until, dayEnd).timeIntervalSince(max(start, dayStart)).rounded()))
                let units = book.table(on: day).table.units
                let dayGiB = gib * seconds / 86_400
                if dayGiB > 0, let rate = try pricing.unitRate(item, on: day) {
                    let charge = Pricing.charge(dayGiB * CurrencyBilledParts.bytesPerGiB / units.bytesPerTB, item.unit, at: rate)
                    rows.append(LedgerRow(poolName: pool, periodStart: dayStart, grain: .day, kind: kind, scenario: .plan,
                                          charge: charge))
                    amount = amount + charge.amount
                    gibDays += dayGiB
                }
                day = day.adding(days: 1)
            }
            parts.append(Part(kind: kind, gib: gib, gibDays: gibDays, rows: rows, amount: amount))
        }
        return parts
    }
}
