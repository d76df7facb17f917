import Foundation

/// The price of one SPCS credit on each UTC day, from the best source available for that day.
///
/// Precedence, for a day `D`:
/// 1. **Rate sheet** (when given): the SPCS compute row of `RATE_SHEET_DAILY` dated `D`; when `D` has no row, the
///    latest earlier row, carried forward (the view has gaps and 24 h latency), and the price's source says
///    "carried forward from" that row's date. On a day before the sheet's first SPCS compute row the contract
///    price is used when one is configured and in force; otherwise the day is an error
///    (``CreditPriceError/beforeRateSheet(day:firstRow:)``): a list price is never mixed into a contract's bill.
/// 2. **Contract price** (when given, without a rate sheet): one price per credit in the contract currency,
///    from its start date on (every day when it has none). Days before the start use the list price.
/// 3. **List price**: the on-demand price (credit price table, region and edition) or a `--credit-price`
///    override, as the caller chose it.
///
/// Every price is in the currency its source sets (USD for the on-demand table, the contract currency for a
/// contract or rate sheet); converting into the presentation currency is FX's job (``FXTable``), not this type's.
public struct CreditPriceSchedule: Sendable {
    /// Which source priced a day.
    public enum Basis: Sendable, Hashable {
        /// A rate-sheet row dated the day itself.
        case rateSheet
        /// A rate-sheet row of an earlier day, carried forward over a gap; the associated date is the row's.
        case rateSheetCarriedForward(from: CivilDate)
        /// The configured contract price.
        case contract
        /// The list (on-demand or overridden) price.
        case list
    }

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
    }

    /// A negotiated price per credit.
    public struct Contract: Sendable, Hashable {
        /// Price of one credit in the contract currency.
        public var pricePerCredit: Money
        /// What the price is, for the price's source (for example `contract price (--contract-price)`).
        public var reference: String
        /// The first day the price applies; nil = every day.
        public var effectiveFrom: CivilDate?

        /// Creates a contract price; `pricePerCredit` must be positive.
        public init(pricePerCredit: Money, reference: String, effectiveFrom: CivilDate? = nil) {
            precondition(pricePerCredit.amount > 0, "a contract price must be positive")
            self.pricePerCredit = pricePerCredit
            self.reference = reference
            self.effectiveFrom = effectiveFrom
        }

        func isInForce(on day: CivilDate) -> Bool { effectiveFrom.map { $0 <= day } ?? true }
    }

    /// The list price and the date it took effect (nil for an override).
    public struct ListPrice: Sendable, Hashable {
        /// The price of one credit, as chosen from the credit price table or overridden.
        public var price: CreditPrice
        /// The table's effective date; nil for an override.
        public var effectiveFrom: CivilDate?

        /// Creates a list price.
        public init(price: CreditPrice, effectiveFrom: CivilDate?) {
            self.price = price
            self.effectiveFrom = effectiveFrom
        }
    }

    /// SPCS compute rows of the rate sheet, one per date, sorted; empty exactly when no rate sheet is given.
    public let rateSheetRows: [RateSheetRow]
    /// The contract price, if any.
    public let contract: Contract?
    /// The list price.
    public let list: ListPrice

    /// Creates a schedule.
    /// - Parameters:
    ///   - rateSheet: the organization's rate sheet; nil when not given.
    ///   - account: the account whose rows count (nil = any; see ``RateSheet/spcsComputeRows(account:)``).
    /// - Throws: ``CreditPriceError/noSPCSRows(serviceTypes:account:)`` when a rate sheet has no SPCS compute row,
    ///   or what ``RateSheet/spcsComputeRows(account:)`` throws.
    public init(rateSheet: RateSheet?, account: String?, contract: Contract?, list: ListPrice) throws(CreditPriceError) {
        if let rateSheet {
            let rows = try rateSheet.spcsComputeRows(account: account)
            guard !rows.isEmpty else { throw .noSPCSRows(serviceTypes: rateSheet.serviceTypes, account: account) }
            self.rateSheetRows = rows
        } else {
            self.rateSheetRows = []
        }
        self.contract = contract
        self.list = list
    }

    /// The price of one credit on `day` (a UTC day, as RATE_SHEET_DAILY counts days).
    /// - Throws: ``CreditPriceError/beforeRateSheet(day:firstRow:)`` for a day before the rate sheet's first
    ///   SPCS compute row when no contract price is in force that day.
    public func price(on day: CivilDate) throws(CreditPriceError) -> DayPrice {
        if let first = rateSheetRows.first {
            if let row = rateSheetRows.last(where: { $0.date <= day }) {
                return rateSheetPrice(row, day: day)
            }
            guard let contract, contract.isInForce(on: day) else {
                throw .beforeRateSheet(day: day, firstRow: first.date)
            }
            return contractPrice(contract, day: day, note: ", before the rate sheet's first SPCS row (\(first.date))")
        }
        if let contract, contract.isInForce(on: day) {
            return contractPrice(contract, day: day, note: "")
        }
        return listPrice(on: day)
    }

    /// The list price on `day`, whatever source ``price(on:)`` uses: the price FOCUS calls ListUnitPrice.
    public func listPrice(on day: CivilDate) -> DayPrice {
        DayPrice(day: day, price: list.price, effectiveDate: list.effectiveFrom, basis: .list)
    }

    private func rateSheetPrice(_ row: RateSheetRow, day: CivilDate) -> DayPrice {
        let what = ["RATE_SHEET_DAILY \(row.serviceType)", row.usageType, row.serviceLevel, row.region,
                    row.contractNumber.map { "contract \($0)" }].compactMap { $0 }.joined(separator: ", ")
        let carried = row.date < day ? ", carried forward from \(row.date)" : ""
        let price = CreditPrice(edition: nil, price: Money(row.effectiveRate, row.currency),
                                source: "\(what) (\(row.origin))\(carried)")
        return DayPrice(day: day, price: price, effectiveDate: row.date,
                        basis: row.date < day ? .rateSheetCarriedForward(from: row.date) : .rateSheet)
    }

    private func contractPrice(_ contract: Contract, day: CivilDate, note: String) -> DayPrice {
        let since = contract.effectiveFrom.map { " from \($0)" } ?? ""
        let price = CreditPrice(edition: nil, price: contract.pricePerCredit,
                                source: "\(contract.reference)\(since)\(note)")
        return DayPrice(day: day, price: price, effectiveDate: contract.effectiveFrom, basis: .contract)
    }
}

/// Why a credit price could not be set for a day. Each `description` is a finished sentence naming the day or
/// rows and the fix.
public enum CreditPriceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rate sheet has no SPCS compute row (for the account, when one is named).
    case noSPCSRows(serviceTypes: [String], account: String?)
    /// One date has SPCS compute rows with different rates or currencies.
    case ambiguousRateSheetDay(date: CivilDate, rows: [RateSheetRow])
    /// A day before the rate sheet's first SPCS compute row, with no contract price in force.
    case beforeRateSheet(day: CivilDate, firstRow: CivilDate)

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
        case let .beforeRateSheet(day, first):
            return "\(day) is before the rate sheet's first SPCS compute row (\(first)); export RATE_SHEET_DAILY "
                + "from an earlier date, start the period on \(first), or pass --contract-price for the days before it."
        }
    }
}
