import Foundation
import SPCSCostCore

/// The tables of planned block storage set against metered (``StorageAgainstPlan``), shared by `reconcile`,
/// `report` and `nightly` so the three show the same columns.
enum StorageAgainstPlanTables {
    /// How planned storage is set against metered (README "Planned storage against metered").
    static let method = "Block storage and snapshots are billed in dollars for every second they exist, also "
        + "while the pool is suspended: a pool's planned storage (pools file block_storage, snapshots) is priced per "
        + "day at the unit prices of BLOCK_STORAGE_HISTORY (Consumption Table 3(c)) and joins the estimate's cost; "
        + "the pool's metered volumes, IOPS and throughput, with its share of the account's metered snapshots (shared "
        + "among the pools that plan snapshots by their planned GiB: snapshots name a service, not a pool), join the "
        + "metered cost; their difference is the block storage cause. Money only: storage has no credits."

    /// One row per pool: planned and metered GiB-days (volumes and snapshots) and cost, and the difference.
    static func pools(_ storage: [StorageAgainstPlan], currency c: Currency) -> Table {
        var t = Table(id: "storage", title: "Block storage and snapshots against the plan", columns: [
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "planned_gib_days", label: "Planned GiB-days", kind: .decimal),
            .init(key: "metered_gib_days", label: "Metered GiB-days", kind: .decimal),
            .init(key: "planned_cost_\(c.code)", label: "Planned (\(c.code))", kind: .money(c)),
            .init(key: "metered_cost_\(c.code)", label: "Metered (\(c.code))", kind: .money(c)),
            .init(key: "difference_cost_\(c.code)", label: "Difference (\(c.code))", kind: .money(c)),
        ])
        for s in storage {
            t.rows.append(.init([.text(s.pool), .number(s.plannedGiBDays), .number(s.meteredGiBDays),
                                 .money(s.planned), .money(s.metered), .money(s.difference)]))
        }
        return t
    }

    /// One row per pool and day: the same columns with the date first.
    static func days(_ storage: [StorageAgainstPlan], currency c: Currency) -> Table {
        var t = Table(id: "storage_days", title: "Block storage and snapshots against the plan, per day", columns: [
            .init(key: "date", label: "Date", kind: .date),
            .init(key: "pool", label: "Pool", kind: .text),
            .init(key: "planned_gib_days", label: "Planned GiB-days", kind: .decimal),
            .init(key: "metered_gib_days", label: "Metered GiB-days", kind: .decimal),
            .init(key: "planned_cost_\(c.code)", label: "Planned (\(c.code))", kind: .money(c)),
            .init(key: "metered_cost_\(c.code)", label: "Metered (\(c.code))", kind: .money(c)),
            .init(key: "difference_cost_\(c.code)", label: "Difference (\(c.code))", kind: .money(c)),
        ])
        for s in storage {
            for d in s.days {
                t.rows.append(.init([.date(d.date), .text(s.pool), .number(d.plannedGiBDays), .number(d.meteredGiBDays),
                                     .money(d.planned), .money(d.metered), .money(d.difference)]))
            }
        }
        return t
    }
}
