import Foundation

/// The price of one SPCS credit on each UTC day, from the best source available for that day.
///
/// The one documented order (README "Prices, FX and the ledger"), for a UTC day `D`:
/// 1. **`--credit-price`** (an override): every day, stamped as a what-if; it replaces every other source.
/// 2. **Rate sheet** (`RATE_SHEET_DAILY`, pulled into the cache or given as a file): the SPCS compute row dated `D`.
///    A day without a row takes the latest earlier row (carried forward over the view's gaps and its 24 h latency),
///    and a day before the sheet's first row takes that first row (carried back); the price's source says which.
///    On a day `USAGE_IN_CURRENCY_DAILY` marks as overage, a row of that day whose BILLING_TYPE or RATING_TYPE says
///    overage is preferred.
/// 3. **Contract price** (the pools file's `credit_price`, `--contract-price`): from its start date on (every day
///    when it has none); on an overage day its overage price when one is set.
/// 4. **On-demand price**: the credit price table in force on `D` (Service Consumption Table, Table 2(a)) for the
///    region and edition, or the one table `--as-of` chose.
///
/// Every price is in the currency its source sets (USD for the on-demand table, the contract currency for a
/// contract or rate sheet); converting into the presentation currency is FX's job (``FXBook``), not this type's.
public struct CreditPriceSchedule: Sendable {
    /// Which source priced a day.
    public enum Basis: Sendable, Hashable {
        /// `--credit-price`: a what-if price that replaces every source.
        case override
        /// A rate-sheet row dated the day itself.
        case rateSheet
        /// A rate-sheet row of an earlier day, carried forward over a gap; the associated date is the row's.
        case rateSheetCarriedForward(from: CivilDate)
        /// The rate sheet's first row, carried back to a day before it; the associated date is the row's.
        case rateSheetCarriedBack(from: CivilDate)
        /// The configured contract price.
        case contract
        /// The configured contract's overage price, on a day paid as overage.
        case contractOverage
        /// The on-demand (list) price of the credit price table.
        case onDemand

        /// A machine key: `override`, `rate_sheet`, `rate_sheet_carried_forward`, `rate_sheet_carried_back`,
        /// `contract`, `contract_overage`, `on_demand`.
        public var key: String {
            switch self {
            case .override: "override"
            case .rateSheet: "rate_sheet"
            case .rateSheetCarriedForward: "rate_sheet_carried_forward"
            case .rateSheetCarriedBack: "rate_sheet_carried_back"
            case .contract: "contract"
            case .contractOverage: "contract_overage"
            case .onDemand: "on_demand"
            }
        }
    }

    /// The order that chooses a day's price, in words (stamped in every report; README "Prices, FX and the ledger").
    public static let orderDescription = "--credit-price (a what-if) > RATE_SHEET_DAILY of the day (carried forward "
        + "over days without a row, and back to the first row) > the pools file's contract price (its overage price on "
        + "days USAGE_IN_CURRENCY_DAILY marks as overage) > the on-demand price of the region and edition as of the day"

    /// The price of one credit on one day, with its source and the date it took effect.
    public struct DayPrice: Sendable, Hashable {
        /// The UTC day priced.
        public let day: CivilDate
        /// The price of one credit and where it comes from (`price.source`).
        public let price: CreditPrice
        /// The date the price took effect: the rate-sheet row's DATE, the contract's start, or the list price's
        /// effective date; nil when the source gives none (a contract without a start, an override).
        public let effectiveDate: CivilDate?
        /// Which source priced the day.
        public let basis: Basis
        /// True when `USAGE_IN_CURRENCY_DAILY` says the day was paid as overage (after the capacity balance ran out).
        public let overage: Bool

        /// Creates a day price.
        public init(day: CivilDate, price: CreditPrice, effectiveDate: CivilDate?, basis: Basis, overage: Bool = false) {
            self.day = day
            self.price = price
            self.effectiveDate = effectiveDate
            self.basis = basis
            self.overage = overage
        }
    }

    /// A negotiated price per credit.
    public struct Contract: Sendable, Hashable {
        /// Price of one credit in the contract currency (the capacity price).
        public var pricePerCredit: Money
        /// Price of one credit on days paid as overage (after the capacity balance ran out); nil = the capacity
        /// price applies on those days too.
        public var overagePricePerCredit: Money?
        /// What the price is, for the price's source (for example `contract price (--contract-price)`).
        public var reference: String
        /// The first day the price applies; nil = every day.
        public var effectiveFrom: CivilDate?

        /// Creates a contract price; `pricePerCredit` (and the overage price) must be positive.
        public init(pricePerCredit: Money, overagePricePerCredit: Money? = nil, reference: String,
                    effectiveFrom: CivilDate? = nil) {
            precondition(pricePerCredit.amount > 0, "a contract price must be positive")
            precondition((overagePricePerCredit?.amount ?? 1) > 0, "an overage price must be positive")
            self.pricePerCredit = pricePerCredit
            self.overagePricePerCredit = overagePricePerCredit
            self.reference = reference
            self.effectiveFrom = effectiveFrom
        }

        func isInForce(on day: CivilDate) -> Bool { effectiveFrom.map { $0 <= day } ?? true }
    }

    /// A list (on-demand) price and the date it took effect.
    public struct ListPrice: Sendable, Hashable {
        /// The price of one credit, as chosen from the credit price table.
        public var price: CreditPrice
        /// The table's effective date; nil when the price has no date (it then applies to every day).
        public var effectiveFrom: CivilDate?

        /// Creates a list price.
        public init(price: CreditPrice, effectiveFrom: CivilDate?) {
            self.price = price
            self.effectiveFrom = effectiveFrom
        }
    }

    /// `--credit-price`, if given: it prices every day.
    public let override: CreditPrice?
    /// SPCS compute rows of the rate sheet, one per date, sorted; empty when no rate sheet is known.
    public let rateSheetRows: [RateSheetRow]
    /// SPCS compute rows marked overage (BILLING_TYPE or RATING_TYPE `overage`), one per date.
    public let overageRows: [CivilDate: RateSheetRow]
    /// The contract price, if any.
    public let contract: Contract?
    /// On-demand prices by effective date, oldest first; a day uses the newest one effective on or before it, and
    /// a day before all of them the oldest. Never empty.
    public let list: [ListPrice]
    /// UTC days `USAGE_IN_CURRENCY_DAILY` marks as paid as overage.
    public let overageDays: Set<CivilDate>

    /// Creates a schedule.
    /// - Parameters:
    ///   - override: `--credit-price`; nil when not given.
    ///   - rateSheet: the organization's rate sheet; nil (or one without SPCS rows, see `requireRateSheetRows`) when
    ///     none is known.
    ///   - account: the account whose rows count (nil = any; see ``RateSheet/spcsComputeRows(account:)``).
    ///   - contract: a contract price, if any.
    ///   - list: the on-demand price(s); at least one.
    ///   - overageDays: days paid as overage.
    ///   - requireRateSheetRows: true when the rate sheet was given explicitly (a file), so a sheet without an SPCS
    ///     compute row is an error; false for a pulled sheet, which may hold only other services.
    /// - Throws: ``CreditPriceError/noSPCSRows(serviceTypes:account:)`` when a required rate sheet has no SPCS
    ///   compute row, or what ``RateSheet/spcsComputeRows(account:)`` throws.
    public init(override: CreditPrice? = nil, rateSheet: RateSheet?, account: String?, contract: Contract?,
                list: [ListPrice], overageDays: Set<CivilDate> = [], requireRateSheetRows: Bool = true)
        throws(CreditPriceError) {
        precondition(!list.isEmpty, "a credit price schedule needs a list price")
        if let rateSheet {
            let rows = try rateSheet.spcsComputeRows(account: account)
            if rows.isEmpty && requireRateSheetRows {
                throw .noSPCSRows(serviceTypes: rateSheet.serviceTypes, account: account)
            }
            self.rateSheetRows = rows
            self.overageRows = rateSheet.spcsOverageRows(account: account)
        } else {
            self.rateSheetRows = []
            self.overageRows = [:]
        }
        self.override = override
        self.contract = contract
        self.list = list.sorted { ($0.effectiveFrom ?? .distantPast) < ($1.effectiveFrom ?? .distantPast) }
        self.overageDays = overageDays
    }

    /// Creates a schedule with one list price (the form most callers need).
    /// - Throws: see ``init(override:rateSheet:account:contract:list:overageDays:requireRateSheetRows:)``.
    public init(rateSheet: RateSheet?, account: String?, contract: Contract?, list: ListPrice) throws(CreditPriceError) {
        try self.init(override: nil, rateSheet: rateSheet, account: account, contract: contract, list: [list])
    }

    /// The price of one credit on `day` (a UTC day, as RATE_SHEET_DAILY counts days), by the order above.
    public func price(on day: CivilDate) -> DayPrice {
        let overage = overageDays.contains(day)
        if let override {
            return DayPrice(day: day, price: override, effectiveDate: nil, basis: .override, overage: overage)
        }
        if overage, let row = overageRows[day] {
            return rateSheetPrice(row, day: day, overage: true)
        }
        if let first = rateSheetRows.first {
            if let row = lastRow(onOrBefore: day) { return rateSheetPrice(row, day: day, overage: overage) }
            return rateSheetPrice(first, day: day, overage: overage)
        }
        if let contract, contract.isInForce(on: day) {
            return contractPrice(contract, day: day, overage: overage)
        }
        return listPrice(on: day, overage: overage)
    }

    /// The list (on-demand) price on `day`, whatever source ``price(on:)`` uses: the price FOCUS calls
    /// ListUnitPrice.
    public func listPrice(on day: CivilDate) -> DayPrice { listPrice(on: day, overage: overageDays.contains(day)) }

    /// Days of `days` on which a contract price is set and the rate sheet has a different price, as warnings:
    /// one sentence per run of days with the same two prices. The rate sheet wins (it is what Snowflake bills).
    public func contractDisagreements(over days: ClosedRange<CivilDate>) -> [String] {
        guard let contract, !rateSheetRows.isEmpty, override == nil else { return [] }
        var out: [String] = []
        var run: (from: CivilDate, to: CivilDate, sheet: Money, contract: Money)?
        func flush() {
            guard let r = run else { return }
            let span = r.from == r.to ? "on \(r.from)" : "from \(r.from) to \(r.to)"
            out.append("\(contract.reference) is \(ExactDecimal.text(r.contract.amount)) \(r.contract.currency.code) per "
                       + "credit, but RATE_SHEET_DAILY says \(ExactDecimal.text(r.sheet.amount)) \(r.sheet.currency.code) "
                       + "\(span); the rate sheet is used (it is what Snowflake bills). Check the contract price.")
            run = nil
        }
        var day = days.lowerBound
        while day <= days.upperBound {
            let p = price(on: day)
            let c = (p.overage ? contract.overagePricePerCredit : nil) ?? contract.pricePerCredit
            if contract.isInForce(on: day), p.price.price != c {
                if let r = run, r.to.adding(days: 1) == day, r.sheet == p.price.price, r.contract == c {
                    run!.to = day
                } else {
                    flush()
                    run = (day, day, p.price.price, c)
                }
            } else {
                flush()
            }
            day = day.adding(days: 1)
        }
        flush()
        return out
    }

    private func lastRow(onOrBefore day: CivilDate) -> RateSheetRow? {
        // Binary search: the rows are sorted by date, one per date.
        var lo = 0, hi = rateSheetRows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rateSheetRows[mid].date <= day { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : rateSheetRows[lo - 1]
    }

    private func listPrice(on day: CivilDate, overage: Bool) -> DayPrice {
        let entry = list.last { ($0.effectiveFrom ?? .distantPast) <= day } ?? list[0]
        return DayPrice(day: day, price: entry.price, effectiveDate: entry.effectiveFrom, basis: .onDemand,
                        overage: overage)
    }

    private func rateSheetPrice(_ row: RateSheetRow, day: CivilDate, overage: Bool) -> DayPrice {
        let what = ["RATE_SHEET_DAILY \(row.serviceType)", row.usageType, row.billingType.flatMap { $0 == "consumption" ? nil : $0 },
                    row.serviceLevel, row.region, row.contractNumber.map { "contract \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
        let basis: Basis
        let note: String
        if row.date == day {
            basis = .rateSheet
            note = ""
        } else if row.date < day {
            basis = .rateSheetCarriedForward(from: row.date)
            note = ", carried forward from \(row.date)"
        } else {
            basis = .rateSheetCarriedBack(from: row.date)
            note = ", carried back from \(row.date), the rate sheet's first SPCS row"
        }
        let price = CreditPrice(edition: nil, price: Money(row.effectiveRate, row.currency),
                                source: "\(what) (\(row.origin))\(note)")
        return DayPrice(day: day, price: price, effectiveDate: row.date, basis: basis, overage: overage)
    }

    private func contractPrice(_ contract: Contract, day: CivilDate, overage: Bool) -> DayPrice {
        let since = contract.effectiveFrom.map { " from \($0)" } ?? ""
        if overage, let o = contract.overagePricePerCredit {
            let price = CreditPrice(edition: nil, price: o,
                                    source: "\(contract.reference)\(since), overage price (USAGE_IN_CURRENCY_DAILY: paid as overage)")
            return DayPrice(day: day, price: price, effectiveDate: contract.effectiveFrom, basis: .contractOverage,
                            overage: true)
        }
        let price = CreditPrice(edition: nil, price: contract.pricePerCredit, source: "\(contract.reference)\(since)")
        return DayPrice(day: day, price: price, effectiveDate: contract.effectiveFrom, basis: .contract, overage: overage)
    }
}

extension CivilDate {
    /// 0001-01-01: earlier than any date spcs-cost meets, for sorting undated entries first.
    public static let distantPast = CivilDate(year: 1, month: 1, day: 1)!
}

/// Why a credit price could not be set. Each `description` is a finished sentence naming the rows and the fix.
public enum CreditPriceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rate sheet has no SPCS compute row (for the account, when one is named).
    case noSPCSRows(serviceTypes: [String], account: String?)
    /// One date has SPCS compute rows with different rates or currencies.
    case ambiguousRateSheetDay(date: CivilDate, rows: [RateSheetRow])

    public var description: String {
        switch self {
        case let .noSPCSRows(types, account):
            let who = account.map { " for account \($0)" } ?? ""
            return "the rate sheet has no \(RateSheet.spcsServiceType) compute row\(who) (SERVICE_TYPE values found: "
                + "\(types.isEmpty ? "none" : types.joined(separator: ", "))); export RATE_SHEET_DAILY with its "
                + "SPCS rows, check --account, or leave out --rate-sheet."
        case let .ambiguousRateSheetDay(date, rows):
            let listed = rows.map {
                "\(ExactDecimal.text($0.effectiveRate)) \($0.currency.code) for account \($0.accountName ?? "(none)") at \($0.origin)"
            }.joined(separator: " and ")
            return "the rate sheet has two SPCS compute rates on \(date): \(listed); name the account with --account."
        }
    }
}
