import Foundation

/// One row of `SNOWFLAKE.ACCOUNT_USAGE.COMPUTE_POOLS`: a pool's settings as Snowflake last recorded them
/// (docs.snowflake.com account-usage `compute_pools`, spcs-facts §3 [S8h]). The only usage view with the instance
/// family, so reports can price a pool's always-on hours without a pools file.
public struct ComputePoolRecord: Sendable, Hashable {
    /// NAME.
    public var name: String
    /// ID.
    public var id: Int64
    /// IS_SUSPENDED; nil when NULL.
    public var isSuspended: Bool?
    /// MIN_NODES; nil when NULL.
    public var minNodes: Int?
    /// MAX_NODES; nil when NULL.
    public var maxNodes: Int?
    /// INSTANCE_FAMILY as text; nil when NULL.
    public var instanceFamily: String?
    /// AUTO_SUSPEND_SECS; nil when NULL.
    public var autoSuspendSeconds: Int?
    /// AUTO_RESUME; nil when NULL.
    public var autoResume: Bool?
    /// CREATED (UTC); nil when NULL.
    public var created: Date?
    /// LAST_RESUMED (UTC); nil when NULL.
    public var lastResumed: Date?
    /// LAST_ALTERED (UTC); nil when NULL.
    public var lastAltered: Date?
    /// DELETED (UTC); nil while the pool exists.
    public var deleted: Date?
    /// OWNER; nil when NULL.
    public var owner: String?
    /// COMMENT; nil when NULL.
    public var comment: String?
    /// The organization whose account the row is from, upper case; `""` when not known (a cache from before schema
    /// `v12-account-inventory` whose load did not name it). The view itself has no such column: a pull sets it.
    public var organization: String
    /// The account whose COMPUTE_POOLS view gave the row, upper case; `""` when not known. Two accounts' pools of
    /// one name (and even one ID) are two rows.
    public var account: String

    /// Creates a row; see the properties.
    public init(name: String, id: Int64, isSuspended: Bool? = nil, minNodes: Int? = nil, maxNodes: Int? = nil,
                instanceFamily: String? = nil, autoSuspendSeconds: Int? = nil, autoResume: Bool? = nil,
                created: Date? = nil, lastResumed: Date? = nil, lastAltered: Date? = nil, deleted: Date? = nil,
                owner: String? = nil, comment: String? = nil, organization: String = "", account: String = "") {
        self.name = name
        self.id = id
        self.isSuspended = isSuspended
        self.minNodes = minNodes
        self.maxNodes = maxNodes
        self.instanceFamily = instanceFamily
        self.autoSuspendSeconds = autoSuspendSeconds
        self.autoResume = autoResume
        self.created = created
        self.lastResumed = lastResumed
        self.lastAltered = lastAltered
        self.deleted = deleted
        self.owner = owner
        self.comment = comment
        self.organization = organization
        self.account = account
    }
}

/// One SPCS row of `SNOWFLAKE.ACCOUNT_USAGE.METERING_DAILY_HISTORY` (SERVICE_TYPE = 'SNOWPARK_CONTAINER_SERVICES'),
/// or of its ORGANIZATION_USAGE twin, which names the row's organization and account:
/// the day's credits as billed (docs.snowflake.com account-usage `metering_daily_history`, spcs-facts §3 [S8c]).
/// CREDITS_USED is not the billed amount; CREDITS_BILLED is (SPCS cloud services are not adjusted).
public struct MeteringDailyRecord: Sendable, Hashable {
    /// USAGE_DATE.
    public var usageDate: CivilDate
    /// CREDITS_USED_COMPUTE.
    public var creditsUsedCompute: NanoCredits
    /// CREDITS_USED_CLOUD_SERVICES.
    public var creditsUsedCloudServices: NanoCredits
    /// CREDITS_USED.
    public var creditsUsed: NanoCredits
    /// CREDITS_ADJUSTMENT_CLOUD_SERVICES (zero or negative).
    public var creditsAdjustmentCloudServices: NanoCredits
    /// CREDITS_BILLED.
    public var creditsBilled: NanoCredits
    /// The organization, upper case: the connection's that pulled the row (the ACCOUNT_USAGE view has no such
    /// column), or the row's ORGANIZATION_NAME from the organization's view (`pull --org`); `""` when not known.
    public var organization: String
    /// The account, upper case: the connection's, or the row's ACCOUNT_NAME from the organization's view; `""` when
    /// not known. With the organization and USAGE_DATE, the row's key: each account keeps its own day.
    public var account: String

    /// Creates a row; see the properties.
    public init(usageDate: CivilDate, creditsUsedCompute: NanoCredits, creditsUsedCloudServices: NanoCredits,
                creditsUsed: NanoCredits, creditsAdjustmentCloudServices: NanoCredits, creditsBilled: NanoCredits,
                organization: String = "", account: String = "") {
        self.organization = organization
        self.account = account
        self.usageDate = usageDate
        self.creditsUsedCompute = creditsUsedCompute
        self.creditsUsedCloudServices = creditsUsedCloudServices
        self.creditsUsed = creditsUsed
        self.creditsAdjustmentCloudServices = creditsAdjustmentCloudServices
        self.creditsBilled = creditsBilled
    }
}
