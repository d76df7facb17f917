import Foundation

/// Block storage volumes (with IOPS and throughput above the defaults) and snapshots a pools file plans for a pool
/// (keys `block_storage` and `snapshots`, README "Pools file"), priced per UTC day by the ledger's unit prices
/// (``Pricing/unitRate(_:on:)``, ``Pricing/charge(_:_:at:)``): the same volume, IOPS, throughput and snapshot prices
/// per month that price BLOCK_STORAGE_HISTORY (Service Consumption Table 2026-04-01, Table 3(c)), spread over the
/// days of each month, 2^40 bytes a TB and 1,024 MiB/s a GB/s (the unit price table's `units`).
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
    /// IOPS provisioned above the default (3,000 on AWS) on each volume, as BLOCK_STORAGE_HISTORY's
    /// ADDITIONAL_IOPS counts them; 0 = the default. Billed per 1,000 IOPS-month (Table 3(c) "IOPS").
    public var extraIOPS: Decimal
    /// Throughput provisioned above the default (125 MiB/s on AWS) on each volume, in MiB/s, as
    /// ADDITIONAL_THROUGHPUT counts it; 0 = the default. Billed per GB/s-month (Table 3(c) "Throughput"), 1,024 MiB/s
    /// a GB/s (the unit price table's `units`).
    public var extraThroughputMiBPerSecond: Decimal

    /// Creates a plan.
    public init(volumes: Int = 0, volumeGiB: Decimal = 0, snapshots: Int = 0, snapshotGiB: Decimal = 0,
                snapshotDays: Int? = nil, extraIOPS: Decimal = 0, extraThroughputMiBPerSecond: Decimal = 0) {
        self.extraIOPS = extraIOPS
        self.extraThroughputMiBPerSecond = extraThroughputMiBPerSecond
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
    /// IOPS above the default over all volumes (`volumes` × `extraIOPS`).
    public var totalExtraIOPS: Decimal { Decimal(volumes) * extraIOPS }
    /// Throughput above the default over all volumes, in MiB/s (`volumes` × `extraThroughputMiBPerSecond`).
    public var totalExtraThroughputMiBPerSecond: Decimal { Decimal(volumes) * extraThroughputMiBPerSecond }

    /// One priced part of a plan over a period: its ledger rows and their sums.
    public struct Part: Sendable {
        /// ``ChargeKind/blockStorage``, ``ChargeKind/blockStorageIOPS``, ``ChargeKind/blockStorageThroughput`` or
        /// ``ChargeKind/snapshot``.
        public var kind: ChargeKind
        /// What is kept while the part exists: GiB of volumes or snapshots, IOPS above the default, or MiB/s of
        /// throughput above the default.
        public var gib: Decimal
        /// `gib` × days over the period (GiB-days, IOPS-days or MiB/s-days; a part of a day counted by its seconds).
        public var gibDays: Decimal
        /// Ledger rows, scenario ``Scenario/plan``, grain day, one per UTC day.
        public var rows: [LedgerRow]
        /// The rows' amounts summed, in ``Pricing/currency``.
        public var amount: Money
    }

    /// The plan priced over the instants `[start, end)`, per UTC day of that span (a day counted by the part of its
    /// seconds inside the span).
    /// - Parameter keptFrom: the instant `snapshotDays` count from (the start of the whole period when `[start, end)`
    ///   is one day of it); nil = `start`.
    /// - Returns: one part per planned item (volumes, IOPS, throughput, then snapshots); empty when the plan has none,
    ///   or when `pricing` has no unit prices (no table lists the region: the caller says so).
    /// - Throws: ``FXBookError`` when the unit price table's currency cannot be converted on a day.
    public func price(pool: String, from start: Date, to end: Date, keptFrom: Date? = nil,
                      pricing: Pricing) throws(FXBookError) -> [Part] {
        guard let book = pricing.unitPrices, end > start else { return [] }
        let utc = TimeZone(identifier: "UTC")!
        var parts: [Part] = []
        let snapshotsUntil = snapshotDays.map {
            min(end, (keptFrom ?? start).addingTimeInterval(TimeInterval($0) * 86_400))
        } ?? end
        let items: [(ChargeKind, UnitPriceItem, Decimal, Date)] = [
            (.blockStorage, .blockStorageVolume, totalVolumeGiB, end),
            (.blockStorageIOPS, .blockStorageIOPS, totalExtraIOPS, end),
            (.blockStorageThroughput, .blockStorageThroughput, totalExtraThroughputMiBPerSecond, end),
            (.snapshot, .snapshot, totalSnapshotGiB, snapshotsUntil),
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
                    // The table's unit: TB-days of GiB, 1,000-IOPS-days of IOPS, GB/s-days of MiB/s.
                    let quantity: Decimal = switch item {
                    case .blockStorageIOPS: dayGiB / 1000
                    case .blockStorageThroughput: dayGiB / units.throughputMiBPerSecondPerGBPerSecond
                    default: dayGiB * CurrencyBilledParts.bytesPerGiB / units.bytesPerTB
                    }
                    let charge = Pricing.charge(quantity, item.unit, at: rate)
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
