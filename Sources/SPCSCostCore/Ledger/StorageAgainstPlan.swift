import Foundation

/// A pool's planned block storage (pools file `block_storage`, `snapshots`: ``PlannedStorage``) set against what
/// BLOCK_STORAGE_HISTORY metered, per day of the pool's zone, in the presentation currency: what `reconcile` shows
/// as its block storage cause and `report` and `nightly` add to the estimate side.
///
/// Both sides bill every second, whatever the schedule (storage bills also while the pool is suspended):
/// - **Planned**: ``PlannedStorage/price(pool:from:to:keptFrom:pricing:)`` over each local day, each part of the
///   day at the unit price of its UTC day (snapshot days counted from the period's start).
/// - **Metered**: the pool's ledger rows of block storage, IOPS and throughput (UTC days, ``CurrencyBilledParts``),
///   plus its share of the account's metered snapshots (``MeteredDay``); a UTC day's amount is spread over the local
///   days it overlaps by its seconds (a daily average holds all day). In UTC each local day is its UTC day.
public struct StorageAgainstPlan: Sendable, Hashable {
    /// One local day.
    public struct Day: Sendable, Hashable {
        /// The day, in the pool's zone.
        public var date: CivilDate
        /// Planned storage cost of the day.
        public var planned: Money
        /// Metered storage cost of the day.
        public var metered: Money
        /// Planned GiB-days of volumes and snapshots.
        public var plannedGiBDays: Decimal
        /// Metered GiB-days of volumes and snapshots.
        public var meteredGiBDays: Decimal
        /// Metered minus planned cost.
        public var difference: Money { metered - planned }
    }

    /// A pool's metered storage of one UTC day: its priced ledger amount and the GiB-days of volumes and snapshots.
    public struct MeteredDay: Sendable, Hashable {
        /// The UTC day.
        public var day: CivilDate
        /// The day's amount in the presentation currency (volumes, IOPS, throughput, and the pool's snapshot share).
        public var amount: Money
        /// GiB-days of volumes and snapshots on the day.
        public var gibDays: Decimal

        /// Creates a metered day.
        public init(day: CivilDate, amount: Money, gibDays: Decimal) {
            self.day = day
            self.amount = amount
            self.gibDays = gibDays
        }
    }

    /// The pool.
    public var pool: String
    /// Days of the period, in order.
    public var days: [Day]

    /// Planned cost over the period.
    public var planned: Money { days.dropFirst().reduce(days.first?.planned ?? .zero(.usd)) { $0 + $1.planned } }
    /// Metered cost over the period.
    public var metered: Money { days.dropFirst().reduce(days.first?.metered ?? .zero(.usd)) { $0 + $1.metered } }
    /// Metered minus planned cost over the period.
    public var difference: Money { metered - planned }
    /// Planned GiB-days over the period.
    public var plannedGiBDays: Decimal { days.reduce(0) { $0 + $1.plannedGiBDays } }
    /// Metered GiB-days over the period.
    public var meteredGiBDays: Decimal { days.reduce(0) { $0 + $1.meteredGiBDays } }

    /// Sets `plan` against `metered` over the local days `from...through` of `zone`.
    /// - Parameters:
    ///   - plan: the pool's planned storage; nil = nothing planned (every planned figure 0).
    ///   - metered: the pool's metered storage per UTC day (days outside the period count for the part inside).
    ///   - pricing: the ledger's pricing (its unit prices and FX); without unit prices the planned side is 0.
    /// - Throws: ``FXBookError`` when a day's unit price cannot be converted.
    public static func compare(pool: String, plan: PlannedStorage?, metered: [MeteredDay], from: CivilDate,
                               through: CivilDate, zone: TimeZone, pricing: Pricing) throws(FXBookError) -> StorageAgainstPlan {
        let currency = pricing.currency
        let utc = TimeZone(identifier: "UTC")!
        let periodStart = from.startInstant(in: zone)
        let byDay = Dictionary(metered.map { ($0.day, $0) }, uniquingKeysWith: { a, b in
            MeteredDay(day: a.day, amount: a.amount + b.amount, gibDays: a.gibDays + b.gibDays)
        })
        var days: [Day] = []
        var date = from
        while date <= through {
            let start = date.startInstant(in: zone), end = date.adding(days: 1).startInstant(in: zone)
            var day = Day(date: date, planned: .zero(currency), metered: .zero(currency), plannedGiBDays: 0,
                          meteredGiBDays: 0)
            for part in try plan?.price(pool: pool, from: start, to: end, keptFrom: periodStart, pricing: pricing) ?? [] {
                day.planned = day.planned + part.amount
                if part.kind == .blockStorage || part.kind == .snapshot { day.plannedGiBDays += part.gibDays }
            }
            var utcDay = CivilDate.of(start, in: utc)
            let lastUTCDay = CivilDate.of(end.addingTimeInterval(-1), in: utc)
            while utcDay <= lastUTCDay {
                defer { utcDay = utcDay.adding(days: 1) }
                guard let m = byDay[utcDay] else { continue }
                let a = m.day.startInstant(in: utc), b = m.day.adding(days: 1).startInstant(in: utc)
                let seconds = min(b, end).timeIntervalSince(max(a, start))
                guard seconds > 0 else { continue }
                if seconds >= b.timeIntervalSince(a) {
                    day.metered = day.metered + m.amount
                    day.meteredGiBDays += m.gibDays
                } else {
                    let share = Decimal(Int64(seconds.rounded())) / 86_400
                    day.metered = day.metered + m.amount * share
                    day.meteredGiBDays += m.gibDays * share
                }
            }
            days.append(day)
            date = date.adding(days: 1)
        }
        return StorageAgainstPlan(pool: pool, days: days)
    }

    /// The metered storage of each pool per UTC day from the whole bill's ledger rows (``CurrencyBilledParts``):
    /// a pool's block storage, IOPS and throughput rows; the day's snapshot rows (which name a service or nothing,
    /// never a pool) shared among `snapshotGiB`'s pools in proportion to the snapshot GiB each plans, so the
    /// account's snapshots are set against the snapshots planned (none when no pool plans any).
    /// - Parameters:
    ///   - rows: metered ledger rows of grain day (other kinds are ignored).
    ///   - snapshotGiB: the snapshot GiB each pool plans (pools that plan none may be left out).
    ///   - bytesPerTB: the unit price table's bytes per TB (GiB-days = TB-days × this ÷ 2^30).
    public static func meteredByPool(rows: [LedgerRow], snapshotGiB: [String: Decimal],
                                     bytesPerTB: Decimal) -> [String: [MeteredDay]] {
        let utc = TimeZone(identifier: "UTC")!
        let gibPerTB = bytesPerTB / CurrencyBilledParts.bytesPerGiB
        var byPool: [String: [CivilDate: MeteredDay]] = [:]
        func add(_ pool: String, _ day: CivilDate, _ amount: Money, _ gibDays: Decimal) {
            var m = byPool[pool]?[day] ?? MeteredDay(day: day, amount: .zero(amount.currency), gibDays: 0)
            m.amount = m.amount + amount
            m.gibDays += gibDays
            byPool[pool, default: [:]][day] = m
        }
        let sharing = snapshotGiB.filter { $0.value > 0 }
        let sharedGiB = sharing.valuesInKeyOrder.reduce(0, +)
        for r in rows where r.scenario == .metered {
            let day = CivilDate.of(r.periodStart, in: utc)
            switch r.kind {
            case .blockStorage:
                add(r.poolName, day, r.charge.amount, r.charge.quantity * gibPerTB)
            case .blockStorageIOPS, .blockStorageThroughput:
                add(r.poolName, day, r.charge.amount, 0)
            case .snapshot where sharedGiB > 0:
                for (pool, gib) in sharing.sorted(by: { $0.key < $1.key }) {
                    let share = gib / sharedGiB
                    add(pool, day, r.charge.amount * share, r.charge.quantity * gibPerTB * share)
                }
            default:
                continue
            }
        }
        return byPool.mapValues { $0.values.sorted { $0.day < $1.day } }
    }
}
