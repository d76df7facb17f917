import Foundation

/// One row of `SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY`: the effective rate an organization's contract sets
/// for one kind of usage on one UTC day (docs.snowflake.com, organization-usage `rate_sheet_daily`; spcs-facts §3
/// [S9b]).
///
/// The view has 24 h latency, can change until the month closes, and has gaps (days without a row), which
/// ``CreditPriceSchedule`` bridges by carrying the last rate forward.
public struct RateSheetRow: Sendable, Hashable {
    /// DATE: the UTC day the rate applies to.
    public var date: CivilDate
    /// CURRENCY: the contract's currency, in which `effectiveRate` is set.
    public var currency: Currency
    /// EFFECTIVE_RATE, NUMBER(38,2): the price of one unit of usage in `currency`; for compute, one credit.
    public var effectiveRate: Decimal
    /// SERVICE_TYPE, for example `WAREHOUSE_METERING`, `CLOUD_SERVICES`, `INTERNAL_DATA_TRANSFER`; SPCS compute
    /// rows carry ``RateSheet/spcsServiceType``.
    public var serviceType: String
    /// USAGE_TYPE (a legacy column), for example `compute`, `cloud services`, `data transfer`; nil when empty.
    public var usageType: String?
    /// BILLING_TYPE, for example `consumption`; nil when empty.
    public var billingType: String?
    /// RATING_TYPE, for example `consumption`; nil when empty.
    public var ratingType: String?
    /// IS_ADJUSTMENT: true for an adjustment row, which is not a price.
    public var isAdjustment: Bool
    /// ACCOUNT_NAME: the account the rate applies to; nil when empty.
    public var accountName: String?
    /// REGION, Snowflake's id such as `AWS_AP_NORTHEAST_1`; nil when empty.
    public var region: String?
    /// SERVICE_LEVEL: the edition, for example `Enterprise`; nil when empty.
    public var serviceLevel: String?
    /// CONTRACT_NUMBER (a NUMBER in the view, kept as its text); nil when empty.
    public var contractNumber: String?
    /// Where the row was read, for messages and price sources (for example `rate-sheet.csv line 9`).
    public var origin: String

    /// Creates a row; see the properties for the columns.
    public init(date: CivilDate, currency: Currency, effectiveRate: Decimal, serviceType: String,
                usageType: String? = nil, billingType: String? = nil, ratingType: String? = nil,
                isAdjustment: Bool = false, accountName: String? = nil, region: String? = nil,
                serviceLevel: String? = nil, contractNumber: String? = nil, origin: String) {
        self.date = date
        self.currency = currency
        self.effectiveRate = effectiveRate
        self.serviceType = serviceType
        self.usageType = usageType
        self.billingType = billingType
        self.ratingType = ratingType
        self.isAdjustment = isAdjustment
        self.accountName = accountName
        self.region = region
        self.serviceLevel = serviceLevel
        self.contractNumber = contractNumber
        self.origin = origin
    }
}

/// The rows of `RATE_SHEET_DAILY` an organization exported, and the rule that picks the SPCS compute price.
///
/// Which rows price SPCS compute: SERVICE_TYPE `SNOWPARK_CONTAINER_SERVICES` (any case), USAGE_TYPE `compute` or
/// empty, IS_ADJUSTMENT false, and, when an account is named, ACCOUNT_NAME equal to it (any case) or empty.
/// Snowflake does not document the SERVICE_TYPE of SPCS compute (spcs-facts §3 marks it UNVERIFIED); the value is
/// the one the project's Snowflake emulator serves, and ``spcsServiceType`` is the one place to change it.
public struct RateSheet: Sendable, Hashable {
    /// SERVICE_TYPE of SPCS compute rows (assumed; see the type's documentation).
    public static let spcsServiceType = "SNOWPARK_CONTAINER_SERVICES"
    /// USAGE_TYPE of compute rows.
    public static let computeUsageType = "compute"

    /// Every row, in the order read.
    public let rows: [RateSheetRow]

    /// Wraps the rows of a rate sheet.
    public init(rows: [RateSheetRow]) { self.rows = rows }

    /// The SPCS compute row of each day that has one, sorted by date, for `account` (nil = any account).
    /// - Returns: one row per date; several rows for one date with the same rate and currency count as one (the
    ///   first read is returned). Empty when the sheet has no SPCS compute row.
    /// - Throws: ``CreditPriceError/ambiguousRateSheetDay(date:rows:)`` when one date has different rates or
    ///   currencies (for example two accounts with different contracts and no account named).
    public func spcsComputeRows(account: String?) throws(CreditPriceError) -> [RateSheetRow] {
        var byDate: [CivilDate: RateSheetRow] = [:]
        for row in rows where isSPCSCompute(row, account: account) && !Self.isOverage(row) {
            if let earlier = byDate[row.date] {
                guard earlier.effectiveRate == row.effectiveRate, earlier.currency == row.currency else {
                    throw .ambiguousRateSheetDay(date: row.date, rows: [earlier, row])
                }
                continue
            }
            byDate[row.date] = row
        }
        return byDate.values.sorted { $0.date < $1.date }
    }

    /// SPCS compute rows marked as overage prices (BILLING_TYPE or RATING_TYPE `overage`, any case), by date; the
    /// first read wins for a date. Empty for sheets that carry the overage price in their ordinary rows.
    public func spcsOverageRows(account: String?) -> [CivilDate: RateSheetRow] {
        var byDate: [CivilDate: RateSheetRow] = [:]
        for row in rows where isSPCSCompute(row, account: account) && Self.isOverage(row) && byDate[row.date] == nil {
            byDate[row.date] = row
        }
        return byDate
    }

    /// True when BILLING_TYPE or RATING_TYPE says `overage`.
    static func isOverage(_ row: RateSheetRow) -> Bool {
        [row.billingType, row.ratingType].contains { $0?.caseInsensitiveCompare("overage") == .orderedSame }
    }

    /// The distinct SERVICE_TYPE values of the sheet, sorted (for messages).
    public var serviceTypes: [String] { Array(Set(rows.map(\.serviceType))).sorted() }

    func isSPCSCompute(_ row: RateSheetRow, account: String?) -> Bool {
        guard row.serviceType.caseInsensitiveCompare(Self.spcsServiceType) == .orderedSame, !row.isAdjustment
        else { return false }
        if let usage = row.usageType, usage.caseInsensitiveCompare(Self.computeUsageType) != .orderedSame {
            return false
        }
        if let account, let name = row.accountName, name.caseInsensitiveCompare(account) != .orderedSame {
            return false
        }
        return true
    }
}
