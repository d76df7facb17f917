import Foundation

/// One hourly row of `SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY`: the credits one compute pool
/// used in one hour (docs.snowflake.com, account-usage `snowpark_container_services_history`, spcs-facts §3 [S8a]).
///
/// The view has no service, instance-family or node columns; the family comes from COMPUTE_POOLS or a pools file.
public struct UsageRecord: Hashable, Sendable {
    /// START_TIME: start of the hour, a UTC instant (the view shows it in the session's time zone, TIMESTAMP_LTZ).
    public var startTime: Date
    /// END_TIME: end of the hour, a UTC instant.
    public var endTime: Date
    /// COMPUTE_POOL_NAME: the pool that incurred the usage.
    public var computePoolName: String
    /// COMPUTE_POOL_ID: internal pool id; nil when the export has no such column (older view versions) or it is NULL.
    public var computePoolID: Int64?
    /// IS_EXCLUSIVE: true when the pool was created for an application; nil when absent.
    public var isExclusive: Bool?
    /// APPLICATION_NAME: nil when no application, or the application no longer exists.
    public var applicationName: String?
    /// APPLICATION_ID: text, since older documentation types it VARCHAR and newer NUMBER; nil when no application.
    public var applicationID: String?
    /// CREDITS_USED: credits the pool used in the hour, exact (NUMBER(38,9)).
    public var creditsUsed: NanoCredits

    /// Creates a row; see the properties for units.
    public init(startTime: Date, endTime: Date, computePoolName: String, computePoolID: Int64? = nil,
                isExclusive: Bool? = nil, applicationName: String? = nil, applicationID: String? = nil,
                creditsUsed: NanoCredits) {
        self.startTime = startTime
        self.endTime = endTime
        self.computePoolName = computePoolName
        self.computePoolID = computePoolID
        self.isExclusive = isExclusive
        self.applicationName = applicationName
        self.applicationID = applicationID
        self.creditsUsed = creditsUsed
    }
}
