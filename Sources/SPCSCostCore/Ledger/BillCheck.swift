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

    /// One account's UTC day: the key of the ledger side of the check.
    public struct AccountDay: Sendable, Hashable {
        /// ACCOUNT_NAME, upper-case; `""` when the cache's usage names no account (a CSV import).
        public var account: String
        /// The UTC day.
        public var day: CivilDate

        /// Creates a key; `account` is upper-cased.
        public init(account: String, day: CivilDate) {
            self.account = account.uppercased()
            self.day = day
        }
    }

    /// The ledger's metered figures of one account's UTC day.
    public struct LedgerDay: Sendable, Hashable {
        /// Metered credits, exact.
        public var credits: Decimal
        /// Their amount in the price currency, exact (from ``Pricing``).
        public var amount: Money
        /// The price of one credit that day.
        public var unitPrice: Money

        /// Creates the figures.
        public init(credits: Decimal, amount: Money, unitPrice: Money) {
            self.credits = credits
            self.amount = amount
            self.unitPrice = unitPrice
        }
    }

    /// The label of the compared rows when usage without an account meets a bill of several accounts.
    public static let allAccounts = "all accounts"

    /// Builds the check, per account and UTC day.
    ///
    /// Accounts are matched by name, ignoring case. Usage the cache holds without an account (a CSV import) is the
    /// billed account's when the bill names one account; when it names several, every account is summed per day
    /// (shown as ``allAccounts``, with a warning), since such usage cannot be split. An account with usage but no
    /// billed row in the period is not compared (the role may not see it; a warning names it). A day with usage
    /// and no billed row of any account is listed in ``unbilledDays`` (the view lags); a day some accounts are
    /// billed for and a cached account is not compares that account's usage with zero.
    /// - Parameters:
    ///   - ledger: per account and UTC day, the ledger's metered credits, exact amount in the price currency and
    ///     the price of one credit that day (from ``Pricing``).
    ///   - billed: the cached USAGE_IN_CURRENCY_DAILY rows of the period.
    /// - Returns: nil when `billed` has no SPCS row.
    public static func build(ledger: [AccountDay: LedgerDay], billed: [BilledUsageRow]) -> BillCheck? {
        let spcs = billed.filter(\.isSPCS)
        guard let first = spcs.first else { return nil }
        let currency = first.amount.currency
        var warnings: [String] = []
        let billedAccounts = Set(spcs.map { $0.account.uppercased() })
        var ledger = ledger
        var rows = spcs
        if ledger.keys.contains(where: { $0.account.isEmpty }) {
            let target: String
            if billedAccounts.count == 1 {
                target = billedAccounts.first!
            } else {
                target = allAccounts
                warnings.append("the cache holds usage without an account (a CSV import) and USAGE_IN_CURRENCY_DAILY bills "
                    + "\(billedAccounts.count) accounts (\(billedAccounts.sorted().joined(separator: ", "))); the bill check "
                    + "compares each day's total of all accounts")
                rows = rows.map { var r = $0; r.account = allAccounts; return r }
            }
            var merged: [AccountDay: LedgerDay] = [:]
            for (k, v) in ledger {
                let key = AccountDay(account: k.account.isEmpty || target == allAccounts ? target : k.account, day: k.day)
                if let old = merged[key] {
                    merged[key] = LedgerDay(credits: old.credits + v.credits, amount: old.amount + v.amount,
                                            unitPrice: old.unitPrice)
                } else {
                    merged[key] = v
                }
            }
            ledger = merged
        }
        let comparedAccounts = Set(rows.map { $0.account.uppercased() })
        let notBilled = Set(ledger.keys.map(\.account)).subtracting(comparedAccounts).sorted()
        if !notBilled.isEmpty {
            warnings.append("USAGE_IN_CURRENCY_DAILY has no SPCS row for account \(notBilled.joined(separator: ", ")) in the "
                + "period (the role may not see it); its usage is not compared")
        }
        var byKey: [AccountDay: [BilledUsageRow]] = [:]
        for r in rows { byKey[AccountDay(account: r.account, day: r.day), default: []].append(r) }
        let billedDays = Set(rows.map(\.day))
        // Cached accounts' days the bill covers for other accounts but not for them: compared with zero billed.
        for k in ledger.keys where byKey[k] == nil && billedDays.contains(k.day) && comparedAccounts.contains(k.account) {
            byKey[k] = []
        }
        var days: [Day] = []
        let mixed = Set(rows.filter { $0.amount.currency != currency }.map(\.day))
        for day in mixed.sorted() {
            warnings.append("USAGE_IN_CURRENCY_DAILY on \(day) mixes currencies; that day is not compared")
        }
        for (key, dayRows) in byKey.sorted(by: { ($0.key.account, $0.key.day) < ($1.key.account, $1.key.day) }) {
            guard !mixed.contains(key.day) else { continue }
            let l = ledger[key]
            let ledgerCredits = l?.credits ?? 0
            let ledgerAmount = l?.amount ?? .zero(currency)
            guard ledgerAmount.currency == currency, l == nil || l!.unitPrice.currency == currency else {
                warnings.append("the ledger prices \(key.day) in \(ledgerAmount.currency.code), the bill is in \(currency.code); "
                    + "that day is not compared")
                continue
            }
            let compute = dayRows.filter { !$0.isCloudServices }
            let cloud = dayRows.filter(\.isCloudServices)
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
            days.append(Day(account: dayRows.first?.account ?? key.account, day: key.day, ledgerCredits: ledgerCredits,
                            ledgerAmount: ledgerAmount, billedCredits: billedCredits,
                            billedAmount: billedCompute + cloudAmount, causes: causes))
        }
        let unbilled = Set(ledger.keys.map(\.day)).subtracting(billedDays).sorted()
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
