import Foundation

/// The parts of the SPCS bill priced in currency, as ledger rows per pool (or account line) and UTC day: block
/// storage volumes with their IOPS and throughput above the defaults, snapshots, SPCS data transfer, and the daily
/// SPCS data transfer adjustment. Every amount comes from ``Pricing/charge(_:_:at:)`` at a rate of
/// ``Pricing/unitRate(_:on:)``.
///
/// Rules (README "The whole bill"; figures from the unit price table, Service Consumption Table 2026-04-01):
/// - **Volumes** (BLOCK_STORAGE_HISTORY, STORAGE_TYPE `BLOCK_STORAGE`): per pool and USAGE_DATE, BYTES (a daily
///   average) ÷ bytes per TB = TB-days, at the volume price per TB-month ÷ the days of the month; ADDITIONAL_IOPS ÷
///   1,000 at the IOPS price, ADDITIONAL_THROUGHPUT (MiB/s) ÷ 1,024 at the throughput price, likewise per day.
/// - **Snapshots** (STORAGE_TYPE `SNAPSHOT`, no pool): the day's BYTES at the snapshot price, shared among services
///   by BLOCK_STORAGE_SNAPSHOTS: each snapshot counts SIZE (GiB) for the part of the day between CREATED_ON and
///   DELETED_ON plus ``snapshotRetentionSeconds`` (a dropped snapshot is billed through its retention, 1 day by
///   default, docs.snowflake.com …/snowpark-container-services/block-storage-volume); a service gets its snapshots'
///   share, scaled down when they add up to more than the day's BYTES; what no known snapshot explains is an
///   account line (service nil).
/// - **Transfer**: INTERNAL_DATA_TRANSFER_HISTORY per pool and UTC day of START_TIME at the SPCS same-region price;
///   DATA_TRANSFER_HISTORY rows of TRANSFER_TYPE `SNOWPARK_CONTAINER_SERVICES` (egress, which names no pool) as
///   account lines per UTC day, at the same-region, other-region (same cloud) or internet/other-cloud price by
///   TARGET_CLOUD and TARGET_REGION. Its `INTERNAL` rows repeat the internal view's bytes and are not priced again.
///   Where the region's transfer is not billed (Google Cloud), the price is 0.
/// - **Adjustment**: each UTC day with SPCS transfer, an account line of minus the lower of that day's SPCS
///   transfer amount and 10 % of that day's SPCS compute amount (both in the presentation currency).
public enum CurrencyBilledParts {
    /// 86,400 s: how long a dropped snapshot is still billed (its data retention, 1 day by default; spcs-facts §4
    /// [S12]).
    public static let snapshotRetentionSeconds: Double = 86_400

    /// 2^30: bytes in a GiB (SIZE of BLOCK_STORAGE_SNAPSHOTS and the GiB-days shown).
    public static let bytesPerGiB: Decimal = 1_073_741_824

    /// The rows read from the cache for a run.
    public struct Input: Sendable {
        /// BLOCK_STORAGE_HISTORY rows.
        public var storage: [BlockStorageRecord]
        /// BLOCK_STORAGE_SNAPSHOTS rows.
        public var snapshots: [BlockStorageSnapshotRecord]
        /// INTERNAL_DATA_TRANSFER_HISTORY rows.
        public var internalTransfer: [InternalTransferRecord]
        /// DATA_TRANSFER_HISTORY rows.
        public var dataTransfer: [DataTransferRecord]

        /// Creates an input.
        public init(storage: [BlockStorageRecord] = [], snapshots: [BlockStorageSnapshotRecord] = [],
                    internalTransfer: [InternalTransferRecord] = [], dataTransfer: [DataTransferRecord] = []) {
            self.storage = storage
            self.snapshots = snapshots
            self.internalTransfer = internalTransfer
            self.dataTransfer = dataTransfer
        }

        /// True when no row of any of the four views is given.
        public var isEmpty: Bool { storage.isEmpty && snapshots.isEmpty && internalTransfer.isEmpty && dataTransfer.isEmpty }
    }

    /// The priced rows and what a reader must know about them.
    public struct Result: Sendable {
        /// Ledger rows (scenario metered, grain day), by UTC day, then kind, then pool, then service.
        public var rows: [LedgerRow]
        /// Finished sentences: parts not priced, transfer not billed in the cloud.
        public var notes: [String]
    }

    /// Prices `input` over the UTC days `days`.
    /// - Parameters:
    ///   - computeByUTCDay: the ledger's SPCS compute amount of each UTC day, in ``Pricing/currency`` (a missing day
    ///     is 0): what the transfer adjustment is 10 % of.
    ///   - organization: the organization the rows are booked to.
    ///   - account: the account the rows are booked to.
    /// - Throws: ``FXBookError`` when the unit price table's currency cannot be converted on a day.
    public static func price(_ input: Input, computeByUTCDay: [CivilDate: Money], pricing: Pricing,
                             days: ClosedRange<CivilDate>, organization: String = "",
                             account: String = "") throws(FXBookError) -> Result {
        var notes: [String] = []
        guard let book = pricing.unitPrices else {
            if !input.isEmpty {
                notes.append("no unit price table lists the run's region: block storage, snapshots and data transfer "
                    + "are not priced; pass --region with a region of the bundled table.")
            }
            return Result(rows: [], notes: notes)
        }
        let utc = TimeZone(identifier: "UTC")!
        var rows: [LedgerRow] = []
        func add(_ kind: ChargeKind, _ item: UnitPriceItem, _ quantity: Decimal, day: CivilDate, pool: String = "",
                 poolID: Int64? = nil, service: String? = nil) throws(FXBookError) {
            guard quantity != 0, let rate = try pricing.unitRate(item, on: day) else { return }
            rows.append(LedgerRow(organization: organization, account: account, poolID: poolID, poolName: pool,
                                  periodStart: day.startInstant(in: utc), grain: .day, kind: kind, scenario: .metered,
                                  charge: Pricing.charge(quantity, item.unit, at: rate), service: service,
                                  priceItem: item))
        }
        // Volumes, IOPS and throughput per pool and day.
        var snapshotBytes: [CivilDate: Decimal] = [:]
        for r in input.storage where days.contains(r.usageDate) {
            let units = book.table(on: r.usageDate).table.units
            if r.storageType.uppercased() == BlockStorageRecord.snapshotType || r.poolName == nil {
                snapshotBytes[r.usageDate, default: 0] += r.bytes
                continue
            }
            let pool = r.poolName ?? ""
            try add(.blockStorage, .blockStorageVolume, r.bytes / units.bytesPerTB, day: r.usageDate, pool: pool, poolID: r.poolID)
            try add(.blockStorageIOPS, .blockStorageIOPS, r.additionalIOPS / 1000, day: r.usageDate, pool: pool, poolID: r.poolID)
            try add(.blockStorageThroughput, .blockStorageThroughput,
                    r.additionalThroughputMiBPerSecond / units.throughputMiBPerSecondPerGBPerSecond, day: r.usageDate,
                    pool: pool, poolID: r.poolID)
        }
        // Snapshots per service where BLOCK_STORAGE_SNAPSHOTS explains them, else an account line.
        for (day, billed) in snapshotBytes.sorted(by: { $0.key < $1.key }) {
            let units = book.table(on: day).table.units
            let shares = snapshotShares(input.snapshots, day: day)
            let modelled = shares.valuesInKeyOrder.reduce(0, +)
            let scale: Decimal = modelled > billed && modelled > 0 ? billed / modelled : 1
            var left = billed
            for (service, bytes) in shares.sorted(by: { $0.key < $1.key }) {
                let b = bytes * scale
                left -= b
                try add(.snapshot, .snapshot, b / units.bytesPerTB, day: day, service: service)
            }
            if left > 0 { try add(.snapshot, .snapshot, left / units.bytesPerTB, day: day) }
        }
        // Internal transfer per pool and UTC day.
        var internalBytes: [CivilDate: [String: Decimal]] = [:]
        for r in input.internalTransfer {
            let day = CivilDate.of(r.startTime, in: utc)
            guard days.contains(day) else { continue }
            internalBytes[day, default: [:]][r.poolName, default: 0] += r.bytes
        }
        for (day, pools) in internalBytes {
            let units = book.table(on: day).table.units
            for (pool, bytes) in pools {
                try add(.dataTransfer, .transferSPCSSameRegion, bytes / units.bytesPerTB, day: day, pool: pool)
            }
        }
        // SPCS egress per UTC day and price.
        var egress: [CivilDate: [UnitPriceItem: Decimal]] = [:]
        for r in input.dataTransfer where r.transferType.uppercased() == DataTransferRecord.spcsEgressType {
            let day = CivilDate.of(r.startTime, in: utc)
            guard days.contains(day) else { continue }
            let region = book.regionPrices(on: day)
            let sameCloud = r.targetCloud.isEmpty || r.targetCloud.lowercased() == book.region.cloud.rawValue
            let sameRegion = sameCloud && (r.targetRegion.isEmpty || r.targetRegion.lowercased() == region.cloudRegion.lowercased())
            let item: UnitPriceItem = sameRegion ? .transferSPCSSameRegion : sameCloud ? .transferDifferentRegion : .transferInternet
            egress[day, default: [:]][item, default: 0] += r.bytes
        }
        for (day, items) in egress {
            let units = book.table(on: day).table.units
            for (item, bytes) in items { try add(.dataTransfer, item, bytes / units.bytesPerTB, day: day) }
        }
        // The daily SPCS data transfer adjustment.
        var transferByDay: [CivilDate: Money] = [:]
        for r in rows where r.kind == .dataTransfer {
            let day = CivilDate.of(r.periodStart, in: utc)
            transferByDay[day] = (transferByDay[day] ?? .zero(pricing.currency)) + r.charge.amount
        }
        for (day, transfer) in transferByDay {
            let tenth = (computeByUTCDay[day]?.amount ?? 0) / 10
            let adjustment = min(transfer.amount, tenth)
            guard adjustment > 0 else { continue }
            let source = "daily SPCS data transfer adjustment: the lower of the day's SPCS transfer "
                + "(\(ExactDecimal.text(transfer.amount)) \(pricing.currency.code)) and 10 % of its SPCS compute "
                + "(\(ExactDecimal.text(tenth)) \(pricing.currency.code)) (Service Consumption Table, Table 4)"
            rows.append(LedgerRow(organization: organization, account: account, poolName: "",
                                  periodStart: day.startInstant(in: utc), grain: .day, kind: .dataTransferAdjustment,
                                  scenario: .metered,
                                  charge: Pricing.charge(-adjustment, .currency, at: pricing.identityRate(on: day, source: source))))
        }
        let hasTransfer = !input.internalTransfer.isEmpty
            || input.dataTransfer.contains { $0.transferType.uppercased() == DataTransferRecord.spcsEgressType }
        if hasTransfer, !book.regionPrices(on: days.lowerBound).transferBilled {
            notes.append("data transfer is not billed for Snowflake accounts on Google Cloud (docs.snowflake.com/en/"
                + "developer-guide/snowpark-container-services/accounts-orgs-usage-views): SPCS transfer is shown at 0, "
                + "with no adjustment.")
        }
        let order = Dictionary(uniqueKeysWithValues: ChargeKind.allCases.enumerated().map { ($1, $0) })
        rows.sort {
            ($0.periodStart, order[$0.kind]!, $0.poolName, $0.service ?? "", $0.charge.rate.unitPrice.price.source)
                < ($1.periodStart, order[$1.kind]!, $1.poolName, $1.service ?? "", $1.charge.rate.unitPrice.price.source)
        }
        return Result(rows: rows, notes: notes)
    }

    /// Prices `input` over the UTC days `days` account by account (README "Accounts in several regions"): each
    /// account's rows (by the ACCOUNT_NAME they carry) at its own prices billed in currency
    /// (``Pricing/unitPricing(for:)``: its region's, else the run's), booked to its organization and account, with
    /// the daily transfer adjustment against that account's own compute of the day; a Google Cloud account's
    /// transfer at 0 with no adjustment. Rows of all accounts, by account, then as ``price(_:computeByUTCDay:pricing:days:organization:account:)``
    /// orders them; each note names its account.
    ///
    /// When the run has one price (``Pricing/accountSchedules`` and ``Pricing/accountUnitPrices`` empty), this is
    /// ``price(_:computeByUTCDay:pricing:days:organization:account:)`` of every row at once against the sum of the
    /// accounts' compute, booked to no account: the figures of a single account do not change.
    /// - Parameter computeByAccountAndUTCDay: each account's SPCS compute amount of each UTC day, in
    ///   ``Pricing/currency``, priced at the account's own price (a missing account or day is 0).
    /// - Throws: ``FXBookError`` when a unit price table's currency cannot be converted on a day.
    public static func priceByAccount(_ input: Input, computeByAccountAndUTCDay: [String: [CivilDate: Money]],
                                      pricing: Pricing, days: ClosedRange<CivilDate>) throws(FXBookError) -> Result {
        guard !pricing.accountSchedules.isEmpty || !pricing.accountUnitPrices.isEmpty else {
            var sum: [CivilDate: Money] = [:]
            for (_, byDay) in computeByAccountAndUTCDay {
                for (day, m) in byDay { sum[day] = (sum[day] ?? .zero(pricing.currency)) + m }
            }
            return try price(input, computeByUTCDay: sum, pricing: pricing, days: days)
        }
        struct Owner: Hashable, Comparable {
            var organization: String, account: String
            static func < (a: Owner, b: Owner) -> Bool { (a.account, a.organization) < (b.account, b.organization) }
        }
        var parts: [Owner: Input] = [:]
        for r in input.storage { parts[Owner(organization: r.organization, account: r.account), default: Input()].storage.append(r) }
        for r in input.snapshots { parts[Owner(organization: r.organization, account: r.account), default: Input()].snapshots.append(r) }
        for r in input.internalTransfer {
            parts[Owner(organization: r.organization, account: r.account), default: Input()].internalTransfer.append(r)
        }
        for r in input.dataTransfer { parts[Owner(organization: r.organization, account: r.account), default: Input()].dataTransfer.append(r) }
        var rows: [LedgerRow] = [], notes: [String] = []
        for owner in parts.keys.sorted() {
            let r = try price(parts[owner]!, computeByUTCDay: computeByAccountAndUTCDay[owner.account] ?? [:],
                              pricing: pricing.unitPricing(for: owner.account), days: days,
                              organization: owner.organization, account: owner.account)
            rows += r.rows
            let name = owner.account.isEmpty ? "(no account)" : owner.account
            notes += r.notes.map { "account \(name): " + $0 }
        }
        return Result(rows: rows, notes: notes)
    }

    /// The bytes each service's snapshots count for on UTC day `day` (a day's average: SIZE GiB × the part of the day
    /// between CREATED_ON and DELETED_ON + ``snapshotRetentionSeconds``); a snapshot without CREATED_ON or service
    /// counts for none.
    public static func snapshotShares(_ snapshots: [BlockStorageSnapshotRecord], day: CivilDate) -> [String: Decimal] {
        let utc = TimeZone(identifier: "UTC")!
        let start = day.startInstant(in: utc), end = day.adding(days: 1).startInstant(in: utc)
        var out: [String: Decimal] = [:]
        for s in snapshots {
            guard let service = s.serviceName, let created = s.createdOn else { continue }
            let gone = s.deletedOn.map { $0.addingTimeInterval(snapshotRetentionSeconds) } ?? .distantFuture
            let from = max(created, start), to = min(gone, end)
            guard to > from else { continue }
            let seconds = Decimal(Int64(to.timeIntervalSince(from).rounded()))
            out[service, default: 0] += s.sizeGB * bytesPerGiB * seconds / 86_400
        }
        return out
    }
}
