import Foundation
import GRDB
import SPCSCostCore

extension HistoryWriter {
    /// Inserts or replaces a BLOCK_STORAGE_HISTORY row (key: USAGE_DATE, organization, account, STORAGE_TYPE,
    /// COMPUTE_POOL_NAME (`''` for snapshots), COMPUTE_POOL_ID (-1 when none)).
    /// - Throws: a SQLite error.
    public func upsert(_ r: BlockStorageRecord) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO block_storage_history (usage_date, organization, account, storage_type,
                compute_pool_name, compute_pool_id, bytes, additional_iops, additional_throughput, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.usageDate.daysSinceEpoch, r.organization, r.account, r.storageType, r.poolName ?? "",
                             r.poolID ?? -1, ExactDecimal.text(r.bytes), ExactDecimal.text(r.additionalIOPS),
                             ExactDecimal.text(r.additionalThroughputMiBPerSecond), loadID])
    }

    /// Inserts or replaces a BLOCK_STORAGE_SNAPSHOTS row of `organization` and `account` (key: SNAPSHOT_ID).
    /// - Throws: a SQLite error.
    public func upsert(_ r: BlockStorageSnapshotRecord, organization: String, account: String) throws {
        func t(_ d: Date?) -> Int64? { d.map { Int64($0.timeIntervalSince1970.rounded(.down)) } }
        try db.execute(sql: """
            INSERT OR REPLACE INTO block_storage_snapshots (organization, account, snapshot_id, snapshot_name,
                service_name, volume_name, size_gb, created_on, deleted_on, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [organization, account, r.snapshotID, r.name, r.serviceName, r.volumeName,
                             ExactDecimal.text(r.sizeGB), t(r.createdOn), t(r.deletedOn), loadID])
    }

    /// Inserts or replaces an INTERNAL_DATA_TRANSFER_HISTORY row (key: START_TIME, organization, account,
    /// TRANSFER_TYPE, COMPUTE_POOL_NAME).
    /// - Throws: a SQLite error.
    public func upsert(_ r: InternalTransferRecord) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO internal_data_transfer_history (start_time, organization, account, transfer_type,
                compute_pool_name, end_time, bytes, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Int64(r.startTime.timeIntervalSince1970.rounded(.down)), r.organization, r.account,
                             r.transferType, r.poolName, Int64(r.endTime.timeIntervalSince1970.rounded(.down)),
                             ExactDecimal.text(r.bytes), loadID])
    }

    /// Inserts or replaces a DATA_TRANSFER_HISTORY row (key: START_TIME, organization, account, TRANSFER_TYPE, source
    /// and target cloud and region).
    /// - Throws: a SQLite error.
    public func upsert(_ r: DataTransferRecord) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO data_transfer_history (start_time, organization, account, transfer_type, source_cloud,
                source_region, target_cloud, target_region, end_time, bytes, load_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Int64(r.startTime.timeIntervalSince1970.rounded(.down)), r.organization, r.account,
                             r.transferType, r.sourceCloud, r.sourceRegion, r.targetCloud, r.targetRegion,
                             Int64(r.endTime.timeIntervalSince1970.rounded(.down)), ExactDecimal.text(r.bytes), loadID])
    }
}

extension UsageCache {
    /// The cached block storage and data transfer rows whose UTC day (USAGE_DATE, or START_TIME's day) lies in
    /// `[from, to]`, and every cached snapshot: what ``CurrencyBilledParts/price(_:computeByUTCDay:pricing:days:organization:account:)``
    /// prices. Each list is ordered by day, then its key.
    /// - Throws: ``StoreError/database(path:reason:)``, also for a stored decimal that does not parse.
    public func storageAndTransfer(from: CivilDate, to: CivilDate) throws(StoreError) -> CurrencyBilledParts.Input {
        let a = from.daysSinceEpoch, b = to.daysSinceEpoch
        let t0 = Int64(a) * 86_400, t1 = Int64(b + 1) * 86_400
        struct Bad: Error { let text: String }
        func dec(_ s: String) throws -> Decimal {
            guard let d = ExactDecimal.parse(s) else { throw Bad(text: s) }
            return d
        }
        func date(_ v: Int64?) -> Date? { v.map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        do {
            return try db.read { db in
                var input = CurrencyBilledParts.Input()
                for r in try Row.fetchAll(db, sql: """
                    SELECT usage_date, storage_type, compute_pool_name, compute_pool_id, bytes, additional_iops,
                           additional_throughput, organization, account
                    FROM block_storage_history WHERE usage_date >= ? AND usage_date <= ?
                    ORDER BY usage_date, storage_type, compute_pool_name, compute_pool_id
                    """, arguments: [a, b]) {
                    let pool: String = r[2], id: Int64 = r[3]
                    input.storage.append(BlockStorageRecord(
                        usageDate: CivilDate(daysSinceEpoch: r[0]), storageType: r[1], poolName: pool.isEmpty ? nil : pool,
                        poolID: id < 0 ? nil : id, bytes: try dec(r[4]), additionalIOPS: try dec(r[5]),
                        additionalThroughputMiBPerSecond: try dec(r[6]), organization: r[7], account: r[8]))
                }
                for r in try Row.fetchAll(db, sql: """
                    SELECT snapshot_id, snapshot_name, service_name, volume_name, size_gb, created_on, deleted_on,
                           organization, account
                    FROM block_storage_snapshots ORDER BY organization, account, snapshot_id
                    """) {
                    input.snapshots.append(BlockStorageSnapshotRecord(
                        snapshotID: r[0], name: r[1], serviceName: r[2], volumeName: r[3], sizeGB: try dec(r[4]),
                        createdOn: date(r[5]), deletedOn: date(r[6]), organization: r[7], account: r[8]))
                }
                for r in try Row.fetchAll(db, sql: """
                    SELECT start_time, end_time, transfer_type, compute_pool_name, bytes, organization, account
                    FROM internal_data_transfer_history WHERE start_time >= ? AND start_time < ?
                    ORDER BY start_time, compute_pool_name, transfer_type
                    """, arguments: [t0, t1]) {
                    input.internalTransfer.append(InternalTransferRecord(
                        startTime: date(r[0])!, endTime: date(r[1])!, transferType: r[2], poolName: r[3],
                        bytes: try dec(r[4]), organization: r[5], account: r[6]))
                }
                for r in try Row.fetchAll(db, sql: """
                    SELECT start_time, end_time, source_cloud, source_region, target_cloud, target_region, bytes,
                           transfer_type, organization, account
                    FROM data_transfer_history WHERE start_time >= ? AND start_time < ?
                    ORDER BY start_time, transfer_type, target_cloud, target_region
                    """, arguments: [t0, t1]) {
                    input.dataTransfer.append(DataTransferRecord(
                        startTime: date(r[0])!, endTime: date(r[1])!, sourceCloud: r[2], sourceRegion: r[3],
                        targetCloud: r[4], targetRegion: r[5], bytes: try dec(r[6]), transferType: r[7],
                        organization: r[8], account: r[9]))
                }
                return input
            }
        } catch let e as Bad {
            throw .database(path: path, reason: "a stored decimal '\(e.text)' of the block storage or transfer tables does not parse")
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}
