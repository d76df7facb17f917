import Foundation

/// One hourly row of `SNOWFLAKE.ACCOUNT_USAGE.NOTEBOOKS_CONTAINER_RUNTIME_HISTORY`: the credits one notebook on
/// container runtime used in one hour, for one user, on one compute pool and service (docs.snowflake.com,
/// account-usage `notebooks_container_runtime_history`; columns as in the emulator's README columns table and
/// spcs-facts §3).
///
/// The credits are a share of the pool's metered credits (SNOWPARK_CONTAINER_SERVICES_HISTORY), not an extra charge:
/// spcs-cost attributes the pool's cost to notebooks and users with them (``UsageAttribution``) and never adds them
/// to the pool's total.
public struct NotebookUsageRecord: Hashable, Sendable {
    /// START_TIME: start of the hour, a UTC instant.
    public var startTime: Date
    /// END_TIME: end of the hour, a UTC instant.
    public var endTime: Date
    /// NOTEBOOK_NAME.
    public var notebookName: String
    /// NOTEBOOK_ID; nil when NULL.
    public var notebookID: Int64?
    /// USER_NAME: the user who ran the notebook.
    public var userName: String
    /// USER_ID; nil when NULL.
    public var userID: Int64?
    /// COMPUTE_POOL_NAME: the pool the notebook ran on.
    public var computePoolName: String
    /// COMPUTE_POOL_ID; nil when NULL.
    public var computePoolID: Int64?
    /// SERVICE_NAME: the notebook's service; nil when NULL.
    public var serviceName: String?
    /// SERVICE_ID; nil when NULL.
    public var serviceID: Int64?
    /// NOTEBOOK_EXECUTION_TIME_SECS: seconds the notebook ran in the hour; nil when NULL.
    public var executionSeconds: Int64?
    /// CREDITS: credits the notebook used in the hour, exact (NUMBER(38,9)).
    public var credits: NanoCredits
    /// The organization (upper case), `""` when not known; a pull sets the connection's.
    public var organization: String
    /// The account (upper case), `""` when not known; a pull sets the connection's.
    public var account: String

    /// Creates a row; see the properties for units.
    public init(startTime: Date, endTime: Date, notebookName: String, notebookID: Int64? = nil, userName: String,
                userID: Int64? = nil, computePoolName: String, computePoolID: Int64? = nil, serviceName: String? = nil,
                serviceID: Int64? = nil, executionSeconds: Int64? = nil, credits: NanoCredits,
                organization: String = "", account: String = "") {
        self.startTime = startTime
        self.endTime = endTime
        self.notebookName = notebookName
        self.notebookID = notebookID
        self.userName = userName
        self.userID = userID
        self.computePoolName = computePoolName
        self.computePoolID = computePoolID
        self.serviceName = serviceName
        self.serviceID = serviceID
        self.executionSeconds = executionSeconds
        self.credits = credits
        self.organization = organization
        self.account = account
    }

    /// What keeps the row out of the cache, as a finished phrase naming the column, or nil when it may go in:
    /// CREDITS below zero or above ``UsageRecord/maximumCreditsUsed`` (a notebook never uses more than its pool),
    /// or START_TIME/END_TIME outside ``UsageRecord/instantRange``.
    public var problem: String? {
        if credits < .zero { return "CREDITS '\(credits)' is negative; notebook usage is never below zero" }
        if credits > UsageRecord.maximumCreditsUsed {
            return "CREDITS '\(credits)' is more than 100000 credits in one hour, beyond any compute pool"
        }
        if !UsageRecord.instantRange.contains(startTime) { return "START_TIME is outside the years 1 to 9999" }
        if !UsageRecord.instantRange.contains(endTime) { return "END_TIME is outside the years 1 to 9999" }
        return nil
    }
}

/// An application (Snowflake Native App) that owns compute pools, as the cache knows it: keyed by APPLICATION_ID
/// (text, whatever its type in the view: NUMBER in newer documentation, VARCHAR in older; spcs-facts §3), with the
/// last non-NULL APPLICATION_NAME seen for it. SNOWPARK_CONTAINER_SERVICES_HISTORY shows APPLICATION_NAME as NULL once
/// the application is uninstalled, so the name is kept from the rows seen before.
public struct ApplicationName: Hashable, Sendable {
    /// The organization (upper case), `""` when not known.
    public var organization: String
    /// The account (upper case), `""` when not known.
    public var account: String
    /// APPLICATION_ID as text (``UsageRecord/applicationIDText(_:)``).
    public var applicationID: String
    /// The last non-NULL APPLICATION_NAME seen for the ID.
    public var name: String
    /// START_TIME of the newest row that carried the name (UTC).
    public var seenAt: Date

    /// Creates an entry; see the properties.
    public init(organization: String, account: String, applicationID: String, name: String, seenAt: Date) {
        self.organization = organization
        self.account = account
        self.applicationID = applicationID
        self.name = name
        self.seenAt = seenAt
    }
}

extension UsageRecord {
    /// APPLICATION_ID as the cache keys it, from a cell of either type the view has had: VARCHAR (older
    /// documentation) as written, trimmed; NUMBER (newer documentation) as its integer digits, so `9101`,
    /// `9101.000000000` and `09101` are one ID. Nil for NULL or an empty cell.
    public static func applicationIDText(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let t = raw.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        // A plain decimal number: drop a zero fraction and leading zeros (a NUMBER read as text).
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        guard !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              fraction.allSatisfy({ $0 == "0" }) else { return t }
        let digits = whole.drop { $0 == "0" }
        return digits.isEmpty ? "0" : String(digits)
    }
}
