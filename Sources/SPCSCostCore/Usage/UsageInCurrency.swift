import Foundation

/// One row of `SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY`: what Snowflake bills an account for one day,
/// usage type and balance source, in the organization's currency (docs.snowflake.com organization-usage
/// `usage_in_currency_daily`, spcs-facts §3 [S9c]). Days are UTC; the view lags up to 72 hours and changes until
/// the month closes.
public struct UsageInCurrencyRow: Sendable, Hashable {
    /// USAGE_DATE: the UTC day.
    public var usageDate: CivilDate
    /// ORGANIZATION_NAME; `""` when NULL.
    public var organizationName: String
    /// ACCOUNT_NAME; `""` when NULL.
    public var accountName: String
    /// ACCOUNT_LOCATOR; `""` when NULL.
    public var accountLocator: String
    /// REGION, such as `AWS_US_WEST_2`; `""` when NULL.
    public var region: String
    /// SERVICE_LEVEL (the edition); `""` when NULL.
    public var serviceLevel: String
    /// CONTRACT_NUMBER as text; `""` when NULL.
    public var contractNumber: String
    /// USAGE_TYPE, for example `compute`; `""` when NULL.
    public var usageType: String
    /// SERVICE_TYPE, for example `SNOWPARK_CONTAINER_SERVICES`; `""` when NULL.
    public var serviceType: String
    /// RATING_TYPE, for example `compute`; `""` when NULL.
    public var ratingType: String
    /// BILLING_TYPE, for example `consumption`; `""` when NULL.
    public var billingType: String
    /// BALANCE_SOURCE: what paid for the usage (`capacity`, `rollover`, `free usage`, `overage`, `rebate`); `""`
    /// when NULL.
    public var balanceSource: String
    /// IS_ADJUSTMENT: true for an adjustment line; false when NULL.
    public var isAdjustment: Bool
    /// USAGE, NUMBER(38,3): credits (or TB for storage and data transfer), exact.
    public var usage: Decimal
    /// USAGE_IN_CURRENCY, NUMBER(38,2): the billed amount in `currency`, exact.
    public var usageInCurrency: Decimal
    /// CURRENCY of `usageInCurrency`, as the view gives it (ISO 4217, such as `USD`).
    public var currency: String

    /// Creates a row; see the properties.
    public init(usageDate: CivilDate, organizationName: String = "", accountName: String = "",
                accountLocator: String = "", region: String = "", serviceLevel: String = "",
                contractNumber: String = "", usageType: String = "", serviceType: String, ratingType: String = "",
                billingType: String = "", balanceSource: String = "", isAdjustment: Bool = false, usage: Decimal,
                usageInCurrency: Decimal, currency: String) {
        self.usageDate = usageDate
        self.organizationName = organizationName
        self.accountName = accountName
        self.accountLocator = accountLocator
        self.region = region
        self.serviceLevel = serviceLevel
        self.contractNumber = contractNumber
        self.usageType = usageType
        self.serviceType = serviceType
        self.ratingType = ratingType
        self.billingType = billingType
        self.balanceSource = balanceSource
        self.isAdjustment = isAdjustment
        self.usage = usage
        self.usageInCurrency = usageInCurrency
        self.currency = currency
    }
}

/// A cached money-view row that a later pull found changed or gone (Snowflake restates RATE_SHEET_DAILY and
/// USAGE_IN_CURRENCY_DAILY until the month closes, spcs-facts §3 [S9b, S9c]).
public struct Restatement: Sendable, Hashable {
    /// The view, for example `RATE_SHEET_DAILY`.
    public var view: String
    /// The UTC day of the row.
    public var day: CivilDate
    /// The row's key columns, as `COLUMN=value` pairs joined by `, `.
    public var key: String
    /// The column whose value changed, for example `EFFECTIVE_RATE`; `ROW` when the row is gone.
    public var column: String
    /// The value before, as exact decimal text.
    public var oldValue: String
    /// The value now; `""` when the row is gone.
    public var newValue: String
    /// The `loads.id` of the pull that found the change.
    public var loadID: Int64

    /// Creates a restatement; see the properties.
    public init(view: String, day: CivilDate, key: String, column: String, oldValue: String, newValue: String,
                loadID: Int64) {
        self.view = view
        self.day = day
        self.key = key
        self.column = column
        self.oldValue = oldValue
        self.newValue = newValue
        self.loadID = loadID
    }
}
