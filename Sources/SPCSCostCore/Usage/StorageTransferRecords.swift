import Foundation

/// One row of `SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_HISTORY` (docs.snowflake.com/en/sql-reference/account-usage/
/// block_storage_history; spcs-facts §3 [S8f]): a day's average block storage of a pool, or of the account's
/// snapshots.
public struct BlockStorageRecord: Sendable, Hashable {
    /// USAGE_DATE as a UTC day (the pull sets the session TIMEZONE to UTC).
    public var usageDate: CivilDate
    /// STORAGE_TYPE: `BLOCK_STORAGE` (volumes of a pool) or `SNAPSHOT` (no pool).
    public var storageType: String
    /// COMPUTE_POOL_NAME; nil for snapshots.
    public var poolName: String?
    /// COMPUTE_POOL_ID; nil for snapshots or where the view gives none.
    public var poolID: Int64?
    /// BYTES: the day's average bytes stored (10 GiB kept 6 hours = 2.5 GiB for the day).
    public var bytes: Decimal
    /// ADDITIONAL_IOPS: the day's average IOPS above the default (3,000 on AWS); 0 when NULL.
    public var additionalIOPS: Decimal
    /// ADDITIONAL_THROUGHPUT: the day's average throughput above the default (125 MiB/s on AWS), in MiB/s; 0 when
    /// NULL.
    public var additionalThroughputMiBPerSecond: Decimal
    /// The connection's organization, upper case (`''` when not known).
    public var organization: String
    /// The connection's account, upper case (`''` when not known).
    public var account: String

    /// STORAGE_TYPE of a snapshot row.
    public static let snapshotType = "SNAPSHOT"

    /// Creates a row.
    public init(usageDate: CivilDate, storageType: String, poolName: String?, poolID: Int64?, bytes: Decimal,
                additionalIOPS: Decimal = 0, additionalThroughputMiBPerSecond: Decimal = 0, organization: String = "",
                account: String = "") {
        self.usageDate = usageDate
        self.storageType = storageType
        self.poolName = poolName
        self.poolID = poolID
        self.bytes = bytes
        self.additionalIOPS = additionalIOPS
        self.additionalThroughputMiBPerSecond = additionalThroughputMiBPerSecond
        self.organization = organization
        self.account = account
    }
}

/// One row of `SNOWFLAKE.ACCOUNT_USAGE.BLOCK_STORAGE_SNAPSHOTS` (docs.snowflake.com/en/sql-reference/account-usage/
/// block_storage_snapshots; spcs-facts §3 [S8g]): a snapshot, with the service it was taken of.
public struct BlockStorageSnapshotRecord: Sendable, Hashable {
    /// SNAPSHOT_ID as text (whatever its type in the view).
    public var snapshotID: String
    /// SNAPSHOT_NAME.
    public var name: String
    /// SERVICE_NAME; nil when the view gives none.
    public var serviceName: String?
    /// VOLUME_NAME; nil when the view gives none.
    public var volumeName: String?
    /// SIZE in GB, read as GiB (2^30 bytes), as block storage volumes are sized (see the unit price table's
    /// `units.about`).
    public var sizeGB: Decimal
    /// CREATED_ON (UTC); nil when the view gives none.
    public var createdOn: Date?
    /// DELETED_ON (UTC); nil while the snapshot exists.
    public var deletedOn: Date?
    /// The connection's organization, upper case (`''` when not known).
    public var organization: String
    /// The connection's account, upper case (`''` when not known).
    public var account: String

    /// Creates a row.
    public init(snapshotID: String, name: String, serviceName: String?, volumeName: String?, sizeGB: Decimal,
                createdOn: Date?, deletedOn: Date?, organization: String = "", account: String = "") {
        self.organization = organization
        self.account = account
        self.snapshotID = snapshotID
        self.name = name
        self.serviceName = serviceName
        self.volumeName = volumeName
        self.sizeGB = sizeGB
        self.createdOn = createdOn
        self.deletedOn = deletedOn
    }
}

/// One row of `SNOWFLAKE.ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY` (docs.snowflake.com/en/sql-reference/
/// account-usage/internal_data_transfer_history; spcs-facts §3 [S8e]): an hour of a pool's SPCS internal transfer.
public struct InternalTransferRecord: Sendable, Hashable {
    /// START_TIME (UTC).
    public var startTime: Date
    /// END_TIME (UTC).
    public var endTime: Date
    /// TRANSFER_TYPE: `SERVICE_FUNCTION` or `COMPUTE_POOL`.
    public var transferType: String
    /// COMPUTE_POOL_NAME; `''` when NULL.
    public var poolName: String
    /// BYTES_TRANSFERRED.
    public var bytes: Decimal
    /// The connection's organization, upper case.
    public var organization: String
    /// The connection's account, upper case.
    public var account: String

    /// Creates a row.
    public init(startTime: Date, endTime: Date, transferType: String, poolName: String, bytes: Decimal,
                organization: String = "", account: String = "") {
        self.startTime = startTime
        self.endTime = endTime
        self.transferType = transferType
        self.poolName = poolName
        self.bytes = bytes
        self.organization = organization
        self.account = account
    }
}

/// One row of `SNOWFLAKE.ACCOUNT_USAGE.DATA_TRANSFER_HISTORY` (docs.snowflake.com/en/sql-reference/account-usage/
/// data_transfer_history; spcs-facts §3 [S8d]): bytes moved from a source to a target cloud and region.
public struct DataTransferRecord: Sendable, Hashable {
    /// START_TIME (UTC).
    public var startTime: Date
    /// END_TIME (UTC).
    public var endTime: Date
    /// SOURCE_CLOUD (`AWS`), `''` when NULL.
    public var sourceCloud: String
    /// SOURCE_REGION (`ap-northeast-1`), `''` when NULL.
    public var sourceRegion: String
    /// TARGET_CLOUD, `''` when NULL.
    public var targetCloud: String
    /// TARGET_REGION, `''` when NULL.
    public var targetRegion: String
    /// BYTES_TRANSFERRED (a VARIANT in the view, cast to a number in the pull's statement).
    public var bytes: Decimal
    /// TRANSFER_TYPE: ``spcsEgressType`` for SPCS egress, `INTERNAL` for SPCS internal transfer (also in
    /// INTERNAL_DATA_TRANSFER_HISTORY, per pool), others for the account's other transfer.
    public var transferType: String
    /// The connection's organization, upper case.
    public var organization: String
    /// The connection's account, upper case.
    public var account: String

    /// TRANSFER_TYPE of SPCS egress.
    public static let spcsEgressType = "SNOWPARK_CONTAINER_SERVICES"

    /// Creates a row.
    public init(startTime: Date, endTime: Date, sourceCloud: String, sourceRegion: String, targetCloud: String,
                targetRegion: String, bytes: Decimal, transferType: String, organization: String = "", account: String = "") {
        self.startTime = startTime
        self.endTime = endTime
        self.sourceCloud = sourceCloud
        self.sourceRegion = sourceRegion
        self.targetCloud = targetCloud
        self.targetRegion = targetRegion
        self.bytes = bytes
        self.transferType = transferType
        self.organization = organization
        self.account = account
    }
}
