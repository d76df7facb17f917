import Foundation

/// One row of `SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY`, as far as the bill check needs it.
///
/// Source: Snowflake documentation, `sql-reference/organization-usage/usage_in_currency_daily`: USAGE is
/// NUMBER(38,3) (credits for compute), USAGE_IN_CURRENCY NUMBER(38,2) in the contract currency, days are UTC.
public struct BilledUsageRow: Sendable, Hashable {
    /// ACCOUNT_NAME.
    public var account: String
    /// USAGE_DATE (a UTC day).
    public var day: CivilDate
    /// SERVICE_TYPE, e.g. `SNOWPARK_CONTAINER_SERVICES`.
    public var serviceType: String
    /// RATING_TYPE: `compute`, `cloud_services` (or `cloud services`), `storage`, `data_transfer`, `other`.
    public var ratingType: String
    /// BALANCE_SOURCE: `capacity`, `rollover`, `free usage`, `overage`, `rebate`.
    public var balanceSource: String
    /// USAGE, 3 decimals (credits for compute).
    public var usage: Decimal
    /// USAGE_IN_CURRENCY, 2 decimals, in CURRENCY.
    public var amount: Money
    /// True when the cached row replaced an earlier, different one (Snowflake restates until the month closes).
    public var restated: Bool

    /// Creates a row.
    public init(account: String, day: CivilDate, serviceType: String, ratingType: String, balanceSource: String,
                usage: Decimal, amount: Money, restated: Bool = false) {
        self.account = account
        self.day = day
        self.serviceType = serviceType
        self.ratingType = ratingType
        self.balanceSource = balanceSource
        self.usage = usage
        self.amount = amount
        self.restated = restated
    }

    /// True for an SPCS row (SERVICE_TYPE names Snowpark Container Services).
    public var isSPCS: Bool {
        let s = serviceType.uppercased()
        return s.contains("SNOWPARK_CONTAINER") || s.contains("SPCS")
    }

    /// True for a cloud services row, which the ledger does not compute (SPCS cloud services are not offset by the
    /// 10 % adjustment: spcs-facts §4).
    public var isCloudServices: Bool {
        ratingType.lowercased().replacingOccurrences(of: " ", with: "_") == "cloud_services"
    }
}

/// Why the ledger's SPCS amount of a day differs from what Snowflake bills for it.
public enum BillCause: String, Sendable, Hashable, CaseIterable, Codable {
    /// Snowflake's own rounding: USAGE to 3 decimals (a difference of at most 0.0005 credits a row) and
    /// USAGE_IN_CURRENCY to cents.
    case rounding
    /// The billed price differs from the price the ledger used for the day.
    case price
    /// As `price`, on a day Snowflake restated after an earlier pull.
    case restatement
    /// Cloud services rows of the service, which the ledger does not compute.
    case cloudServices = "cloud services"
    /// Credits billed that the cache does not hold (a pull window that missed hours, late rows), or held credits
    /// not billed.
    case usageNotInCache = "usage not in cache"
}

/// The ledger's SPCS amount per account and UTC day set against what Snowflake bills (USAGE_IN_CURRENCY_DAILY),
/// with the difference split by cause. Amounts are in the price (contract) currency, before any FX, exact.
///
/// For each day: `dU` = billed USAGE − ledger credits; priced at the ledger's price `p` it is rounding when
/// |dU| ≤ 0.0005 credits a billed row, else usage not in cache; `USAGE × p` rounded half-up to cents minus its
/// exact value is rounding; the billed amount minus that rounded value is price (restatement on a restated day);
/// cloud-services rows are their own cause. The causes add up to billed − ledger exactly.
public struct BillCheck: Sendable, Hashable {
    /// One account and day.
    public struct Day: Sendable, Hashable {
        /// ACCOUNT_NAME.
        public var account: String
        /// The UTC day.
        public var day: CivilDate
        /// The ledger's metered credits of the day.
        public var ledgerCredits: Decimal
        /// The ledger's amount of the day in the price currency, exact.
        public var ledgerAmount: Money
        /// Billed SPCS usage (credits, 3 decimals), compute rows.
        public var billedCredits: Decimal
        /// Billed SPCS amount, every SPCS row (cloud services included).
        public var billedAmount: Money
        /// Billed minus ledger, by cause (only non-zero causes); adds up to ``difference``.
        public var causes: [BillCause: Money]

        /// Billed minus ledger amount.
        public var difference: Money { billedAmount - ledgerAmount }
    }

    /// The currency of every amount (the billed currency).
    public var currency: Currency
    /// Days with billed rows, by account then day.
    public var days: [Day]
    /// Days the ledger has that the bill does not yet show (USAGE_IN_CURRENCY_DAILY lags up to 72 h); not compared.
    public var unbilledDays: [CivilDate]
    /// Notes (a currency the ledger cannot compare, ...).
    public var warnings: [String]

    /// Total ledger amount over the compared days.
    public var ledgerTotal: Money { days.reduce(.zero(currency)) { $0 + $1.ledgerAmount } }
    /// Total billed amount over the compared days.
    public var billedTotal: Money { days.reduce(.zero(currency)) { $0 + $1.billedAmount } }
    /// The causes summed over every day.
    public var totalsByCause: [BillCause: Money] {
        var out: [BillCause: Money] = [:]
        for d in days { for (c, m) in d.causes { out[c] = (out[c] ?? .zero(currency)) + m } }
        return out
    }

    /// Builds the check.
    /// - Parameters:
    ///   - ledger: per UTC day, the ledger's metered credits, exact amount in the price currency and the price of
    ///     one credit that day (from ``Pricing``); for one account (`account`).
    ///   - account: the account the ledger's rows belong to; billed rows of other accounts are left out with a
    ///     warning.
    ///   - billed: the cached USAGE_IN_CURRENCY_DAILY rows of the period.
    /// - Returns: nil when `billed` has no SPCS row.
    public static func build(ledger: [CivilDate: (credits: Decimal, amount: Money, unitPrice: Money)], account: String?,
                             billed: [BilledUsageRow]) -> BillCheck? {
        let spcs = billed.filter(\.isSPCS)
        guard let first = spcs.first else { return nil }
        let currency = first.amount.currency
        var warnings: [String] = []
        let accounts = Set(spcs.map(\.account))
        var chosen = spcs
        if let account, !account.isEmpty, accounts.contains(where: { $0.caseInsensitiveCompare(account) == .orderedSame }) {
            chosen = spcs.filter { $0.account.caseInsensitiveCompare(account) == .orderedSame }
        } else if accounts.count > 1 {
            let pick = accounts.sorted()[0]
            warnings.append("USAGE_IN_CURRENCY_DAILY holds \(accounts.count) accounts (\(accounts.sorted().joined(separator: ", "))); "
                + "the bill check compares account \(pick) only, as the cache's usage names no account")
            chosen = spcs.filter { $0.account == pick }
        }
        var byDay: [CivilDate: [BilledUsageRow]] = [:]
        for r in chosen { byDay[r.day, default: []].append(r) }
        var days: [Day] = []
        for (day, rows) in byDay.sorted(by: { $0.key < $1.key }) {
            if rows.contains(where: { $0.amount.currency != currency }) {
                warnings.append("USAGE_IN_CURRENCY_DAILY on \(day) mixes currencies; that day is not compared")
                continue
            }
            let l = ledger[day]
            let ledgerCredits = l?.credits ?? 0
            let ledgerAmount = l?.amount ?? .zero(currency)
            guard ledgerAmount.currency == currency, l == nil || l!.unitPrice.currency == currency else {
                warnings.append("the ledger prices \(day) in \(ledgerAmount.currency.code), the bill is in \(currency.code); "
                    + "that day is not compared")
                continue
            }
            let compute = rows.filter { !$0.isCloudServices }
            let cloud = rows.filter(\.isCloudServices)
            let billedCredits = compute.reduce(Decimal(0)) { $0 + $1.usage }
            let billedCompute = compute.reduce(Money.zero(currency)) { $0 + $1.amount }
            let cloudAmount = cloud.reduce(Money.zero(currency)) { $0 + $1.amount }
            var causes: [BillCause: Money] = [:]
            func add(_ c: BillCause, _ m: Money) { if m.amount != 0 { causes[c] = (causes[c] ?? .zero(currency)) + m } }
            // The price the ledger used that day; a day the ledger has no usage of is priced at the billed
            // effective rate, so its whole amount shows as usage not in the cache.
            let p: Money = l?.unitPrice
                ?? (billedCredits != 0 ? Money(billedCompute.amount / billedCredits, currency) : .zero(currency))
            let dU = billedCredits - ledgerCredits
            let tolerance = Decimal(string: "0.0005")! * Decimal(max(compute.count, 1))
            add(abs(dU) <= tolerance ? .rounding : .usageNotInCache, Money(dU * p.amount, currency))
            let expected = billedCredits * p.amount
            let rounded = expected.rounded(scale: 2)
            add(.rounding, Money(rounded - expected, currency))
            let restated = compute.contains(where: \.restated)
            add(restated ? .restatement : .price, Money(billedCompute.amount - rounded, currency))
            add(.cloudServices, cloudAmount)
            days.append(Day(account: chosen.first!.account, day: day, ledgerCredits: ledgerCredits,
                            ledgerAmount: ledgerAmount, billedCredits: billedCredits,
                            billedAmount: billedCompute + cloudAmount, causes: causes))
        }
        let unbilled = ledger.keys.filter { byDay[$0] == nil }.sorted()
        return BillCheck(currency: currency, days: days, unbilledDays: unbilled, warnings: warnings)
    }
}

extension Decimal {
    /// Rounded half away from zero to `scale` decimals (the rounding Snowflake's NUMBER(38,2) columns show).
    func rounded(scale: Int) -> Decimal {
        var v = self, out = Decimal()
        NSDecimalRound(&out, &v, scale, .plain)
        return out
    }
}
