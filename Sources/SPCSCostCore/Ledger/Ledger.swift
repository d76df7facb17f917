import Foundation

/// What a ledger row charges for. Compute and the tasks that suspend and resume the pools are priced in credits (the
/// credit price schedule); block storage, snapshots and data transfer in currency (``UnitPriceBook``, Service
/// Consumption Table 2026-04-01 Tables 3(c) and 4(a)-(c)), all by the same rule (``Pricing/charge(_:_:at:)``).
public enum ChargeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Compute-pool credits: SNOWPARK_CONTAINER_SERVICES_HISTORY.CREDITS_USED, or planned node-hours × the rate card.
    case compute
    /// Warehouse credits of the tasks that act on pools: WAREHOUSE_METERING_HISTORY.CREDITS_USED apportioned to them
    /// (``TaskWarehouseAttribution``), priced at the day's credit price like compute.
    case taskWarehouse = "task_warehouse"
    /// Serverless credits of the tasks that act on pools: SERVERLESS_TASK_HISTORY.CREDITS_USED, priced at the day's
    /// credit price like compute.
    case serverlessTask = "serverless_task"
    /// Block storage volumes of a pool: BLOCK_STORAGE_HISTORY BYTES (daily average) in TB-days.
    case blockStorage = "block_storage"
    /// IOPS above the default of a pool's volumes: ADDITIONAL_IOPS (daily average) in thousand-IOPS-days.
    case blockStorageIOPS = "block_storage_iops"
    /// Throughput above the default of a pool's volumes: ADDITIONAL_THROUGHPUT (MiB/s, daily average) in GB/s-days.
    case blockStorageThroughput = "block_storage_throughput"
    /// Block storage snapshots (STORAGE_TYPE `SNAPSHOT`, no pool): per service where BLOCK_STORAGE_SNAPSHOTS tells,
    /// else an account line; in TB-days.
    case snapshot
    /// SPCS data transfer: INTERNAL_DATA_TRANSFER_HISTORY per pool, and DATA_TRANSFER_HISTORY's SPCS egress as an
    /// account line; in TB.
    case dataTransfer = "data_transfer"
    /// The daily SPCS data transfer adjustment (Consumption Table, Table 4 note): minus the lower of the day's SPCS
    /// transfer cost and 10 % of the day's SPCS compute cost; an account line in the presentation currency.
    case dataTransferAdjustment = "data_transfer_adjustment"

    /// True for the kinds priced in currency rather than credits.
    public var isPricedInCurrency: Bool {
        switch self {
        case .compute, .taskWarehouse, .serverlessTask: false
        case .blockStorage, .blockStorageIOPS, .blockStorageThroughput, .snapshot, .dataTransfer, .dataTransferAdjustment: true
        }
    }
}

/// The period a ledger row covers.
public enum LedgerGrain: String, Sendable, Hashable, Codable {
    /// One hour, as the usage view meters it.
    case hour
    /// One calendar day (a UTC day for Snowflake's daily views; a day of a report's zone for its per-day figures).
    case day
}

/// The unit of a ledger row's quantity.
public enum QuantityUnit: String, Sendable, Hashable, Codable {
    /// Snowflake credits (CREDITS_USED, NUMBER(38,9)).
    case credits
    /// TB kept one day: a day's average bytes ÷ the price table's bytes per TB (``UnitPriceTable/Units/bytesPerTB``).
    case terabyteDays = "tb_days"
    /// 1,000 IOPS above the default kept one day (ADDITIONAL_IOPS ÷ 1,000).
    case thousandIOPSDays = "thousand_iops_days"
    /// 1 GB/s of throughput above the default kept one day (ADDITIONAL_THROUGHPUT MiB/s ÷ 1,024).
    case gigabytePerSecondDays = "gbps_days"
    /// TB moved (BYTES_TRANSFERRED ÷ bytes per TB).
    case terabytes = "tb"
    /// An amount of the presentation currency, priced at 1 (the data transfer adjustment).
    case currency
}

/// Which figure of a run a ledger row belongs to: what was metered, or a planned or hypothetical quantity priced
/// by the same rules.
public enum LedgerScenario: Hashable, Sendable, CustomStringConvertible {
    /// Metered usage from the cache.
    case metered
    /// The pools file's schedule model.
    case estimate
    /// MIN_NODES every hour the pool existed.
    case alwaysOn
    /// MIN_NODES in the business-hours window, while the pool existed.
    case plan
    /// A what-if policy, by its label.
    case policy(String)

    /// `metered`, `estimate`, `always on`, `plan`, or the policy's label.
    public var description: String {
        switch self {
        case .metered: "metered"
        case .estimate: "estimate"
        case .alwaysOn: "always on"
        case .plan: "plan"
        case let .policy(label): label
        }
    }
}

/// The price of one unit on one UTC day and its conversion: what the ledger multiplies a quantity by.
public struct DayRate: Sendable, Hashable {
    /// The UTC day (the price day of every charge whose period starts in it).
    public let day: CivilDate
    /// The price of one unit in the price currency, with its source: a credit (``CreditPriceSchedule`` order), or
    /// a unit of a part billed in currency (``UnitPriceBook/dayPrice(_:on:)``, edition nil, basis on demand).
    public let unitPrice: CreditPriceSchedule.DayPrice
    /// Price currency → presentation currency, for this day.
    public let fx: ExchangeRate

    /// Creates a day rate; `fx.base` must be the unit price's currency.
    public init(day: CivilDate, unitPrice: CreditPriceSchedule.DayPrice, fx: ExchangeRate) {
        precondition(fx.base == unitPrice.price.price.currency, "FX base must be the price currency")
        self.day = day
        self.unitPrice = unitPrice
        self.fx = fx
    }

    /// The presentation currency.
    public var currency: Currency { fx.quote }
}

/// A quantity priced on one day: the exact amount in the price currency and in the presentation currency.
public struct Charge: Sendable, Hashable {
    /// The quantity, exact.
    public let quantity: Decimal
    /// Its unit.
    public let unit: QuantityUnit
    /// The price and FX that applied.
    public let rate: DayRate
    /// quantity × unit price, in the price currency (the contract currency); exact.
    public let priceAmount: Money
    /// `priceAmount` converted with the day's FX into the presentation currency; exact.
    public let amount: Money
}

/// One row of the priced ledger: what is billed, when, how much, at what price, for how much.
///
/// The key is (organization, account, pool ID where known with its name kept for display, period start, grain,
/// charge kind), plus the scenario (metered, or a planned figure priced the same way).
public struct LedgerRow: Sendable, Hashable {
    /// ORGANIZATION_NAME; empty when the source does not say.
    public var organization: String
    /// The account (ACCOUNT_NAME, or the connection's account); empty for a CSV import without `--account`.
    public var account: String
    /// COMPUTE_POOL_ID where known.
    public var poolID: Int64?
    /// COMPUTE_POOL_NAME, kept for display (a pool dropped and re-created keeps its name, not its ID).
    public var poolName: String
    /// The start of the period, a UTC instant.
    public var periodStart: Date
    /// The period's length.
    public var grain: LedgerGrain
    /// What is charged for.
    public var kind: ChargeKind
    /// Metered, or which planned figure.
    public var scenario: LedgerScenario
    /// The quantity priced.
    public var charge: Charge
    /// The service a snapshot belongs to (BLOCK_STORAGE_SNAPSHOTS.SERVICE_NAME); nil otherwise.
    public var service: String?
    /// The task of a ``ChargeKind/taskWarehouse`` or ``ChargeKind/serverlessTask`` row (`DATABASE.SCHEMA.NAME`);
    /// nil otherwise.
    public var task: String?
    /// The warehouse of a ``ChargeKind/taskWarehouse`` row; nil otherwise.
    public var warehouse: String?
    /// The item of the unit price table a row priced in currency is charged at (which price it names:
    /// ``UnitPriceBook/dayPrice(_:on:)``); nil for credits and the transfer adjustment.
    public var priceItem: UnitPriceItem?

    /// Creates a row. An account line (snapshots of no known service, egress, the transfer adjustment, the tasks'
    /// credits) has an empty `poolName`.
    public init(organization: String = "", account: String = "", poolID: Int64? = nil, poolName: String,
                periodStart: Date, grain: LedgerGrain, kind: ChargeKind = .compute, scenario: LedgerScenario,
                charge: Charge, service: String? = nil, task: String? = nil, warehouse: String? = nil,
                priceItem: UnitPriceItem? = nil) {
        self.service = service
        self.priceItem = priceItem
        self.task = task
        self.warehouse = warehouse
        self.organization = organization
        self.account = account
        self.poolID = poolID
        self.poolName = poolName
        self.periodStart = periodStart
        self.grain = grain
        self.kind = kind
        self.scenario = scenario
        self.charge = charge
    }
}

/// A running total of charges in one presentation currency: quantity and exact amount.
public struct ChargeSum: Sendable, Hashable {
    /// Sum of the quantities (credits), exact.
    public var quantity: Decimal
    /// Sum of the amounts, exact, in the presentation currency.
    public var amount: Money

    /// Zero in `currency`.
    public static func zero(_ currency: Currency) -> ChargeSum { ChargeSum(quantity: 0, amount: .zero(currency)) }

    /// Creates a sum.
    public init(quantity: Decimal, amount: Money) {
        self.quantity = quantity
        self.amount = amount
    }

    /// Adds a charge.
    public static func += (s: inout ChargeSum, c: Charge) {
        s.quantity += c.quantity
        s.amount = s.amount + c.amount
    }

    /// Adds another sum.
    public static func + (a: ChargeSum, b: ChargeSum) -> ChargeSum {
        ChargeSum(quantity: a.quantity + b.quantity, amount: a.amount + b.amount)
    }

    /// The difference.
    public static func - (a: ChargeSum, b: ChargeSum) -> ChargeSum {
        ChargeSum(quantity: a.quantity - b.quantity, amount: a.amount - b.amount)
    }
}

/// The priced ledger's rules: the only place spcs-cost turns a quantity into money.
///
/// A quantity is priced at the price of the **UTC day its period starts in** (RATE_SHEET_DAILY and FX files count
/// UTC days): an hourly row at its hour's UTC day; a day of another zone at the UTC day of its first instant; a
/// planned quantity is split into the UTC days it falls in before pricing wherever its hours are known.
///
/// An organization's accounts may each have their own price (their own region's list price, their own
/// RATE_SHEET_DAILY rows): ``accountSchedules`` holds them, by ACCOUNT_NAME as cached; a quantity of an account not
/// listed (or of no known account, `""`) takes ``schedule``, the run's price.
public struct Pricing: Sendable {
    /// The presentation currency of every amount.
    public let currency: Currency
    /// Credit prices per day: the run's price, for every account without a schedule of its own.
    public let schedule: CreditPriceSchedule
    /// Exchange rates.
    public let fx: FXBook
    /// Each account's own credit prices per day, by ACCOUNT_NAME (upper case, as cached); empty when the run has one
    /// price (a cache of one account, or none).
    public let accountSchedules: [String: CreditPriceSchedule]
    /// Prices billed in currency (block storage, snapshots, data transfer) of the run's region; nil when no unit
    /// price table lists the region (those parts are then not priced, and the run says so).
    public let unitPrices: UnitPriceBook?
    /// Each account's own prices billed in currency (its region's, README "Accounts in several regions"), by
    /// ACCOUNT_NAME (upper case, as cached); an account not listed takes ``unitPrices``. Empty when the run has one
    /// price.
    public let accountUnitPrices: [String: UnitPriceBook]

    /// Creates the rules.
    public init(currency: Currency, schedule: CreditPriceSchedule, fx: FXBook,
                accountSchedules: [String: CreditPriceSchedule] = [:], unitPrices: UnitPriceBook? = nil,
                accountUnitPrices: [String: UnitPriceBook] = [:]) {
        self.currency = currency
        self.schedule = schedule
        self.fx = fx
        self.accountSchedules = accountSchedules
        self.unitPrices = unitPrices
        self.accountUnitPrices = accountUnitPrices
    }

    /// These rules with `account`'s prices billed in currency in ``unitPrices`` (its own book from
    /// ``accountUnitPrices``, else the run's): what ``CurrencyBilledParts/price(_:computeByUTCDay:pricing:days:organization:account:)``
    /// prices one account's rows with.
    public func unitPricing(for account: String) -> Pricing {
        guard let own = accountUnitPrices[account] else { return self }
        return Pricing(currency: currency, schedule: schedule, fx: fx, accountSchedules: accountSchedules,
                       unitPrices: own, accountUnitPrices: accountUnitPrices)
    }

    /// The rate of one unit of `item` on UTC day `day`: the unit price book's day price and its conversion into
    /// ``currency``; nil when there is no unit price book or it has no price for `item`.
    /// - Throws: ``FXBookError`` when the table's currency cannot be converted into ``currency`` for that day.
    public func unitRate(_ item: UnitPriceItem, on day: CivilDate) throws(FXBookError) -> DayRate? {
        guard let price = unitPrices?.dayPrice(item, on: day) else { return nil }
        let fx = try fx.rate(from: price.price.price.currency, to: currency, on: day)
        return DayRate(day: day, unitPrice: price, fx: fx)
    }

    /// The rate of an amount already in ``currency`` on `day`: a price of 1, no conversion. What the data transfer
    /// adjustment (an amount, not a quantity of a priced unit) is charged at, so it too goes through
    /// ``charge(_:_:at:)``.
    public func identityRate(on day: CivilDate, source: String) -> DayRate {
        DayRate(day: day, unitPrice: .init(day: day, price: CreditPrice(edition: nil, price: Money(1, currency), source: source),
                                           effectiveDate: nil, basis: .onDemand),
                fx: .identity(currency))
    }

    /// The schedule that prices `account`'s quantities: its own, else the run's.
    public func schedule(for account: String) -> CreditPriceSchedule { accountSchedules[account] ?? schedule }

    /// `price` as an account's: its source names the account (`account TOKYO: credit price table …`), so a stamp
    /// listing the prices says whose each is. The run's price (no schedule of the account's own) is unchanged.
    private func labelled(_ price: CreditPriceSchedule.DayPrice, account: String) -> CreditPriceSchedule.DayPrice {
        guard accountSchedules[account] != nil else { return price }
        var p = price.price
        p.source = "account \(account): " + p.source
        return .init(day: price.day, price: p, effectiveDate: price.effectiveDate, basis: price.basis, overage: price.overage)
    }

    /// The rate of `day` for `account` (`""` = the run's price).
    /// - Throws: ``FXBookError`` when the price currency cannot be converted into ``currency`` for that day.
    public func rate(on day: CivilDate, account: String = "") throws(FXBookError) -> DayRate {
        let price = labelled(schedule(for: account).price(on: day), account: account)
        let fx = try fx.rate(from: price.price.price.currency, to: currency, on: day)
        return DayRate(day: day, unitPrice: price, fx: fx)
    }

    /// The list (on-demand) price of `day` for `account` (`""` = the run's) and its conversion: what ListUnitPrice
    /// and ListCost are priced at, whatever price the day is billed at.
    /// - Throws: ``FXBookError`` when the list price's currency cannot be converted into ``currency`` for that day.
    public func listRate(on day: CivilDate, account: String = "") throws(FXBookError) -> DayRate {
        let price = labelled(schedule(for: account).listPrice(on: day), account: account)
        let fx = try fx.rate(from: price.price.price.currency, to: currency, on: day)
        return DayRate(day: day, unitPrice: price, fx: fx)
    }

    /// The rate of every UTC day in `days`, for the run and each account of ``accountSchedules``, looked up once
    /// each; also checks that a bare `--fx` meets one price currency only.
    /// - Throws: ``FXBookError``.
    public func rates(for days: ClosedRange<CivilDate>) throws(FXBookError) -> DayRates {
        var currencies = Set<Currency>()
        for s in [schedule] + accountSchedules.values {
            var day = days.lowerBound
            while day <= days.upperBound {
                currencies.insert(s.price(on: day).price.price.currency)
                day = day.adding(days: 1)
            }
        }
        try fx.checkBareRate(priceCurrencies: currencies)
        var byAccount: [String: [Int: DayRate]] = [:]
        for account in [""] + accountSchedules.keys.sorted() {
            var byDay: [Int: DayRate] = [:]
            var day = days.lowerBound
            while day <= days.upperBound {
                byDay[day.daysSinceEpoch] = try rate(on: day, account: account)
                day = day.adding(days: 1)
            }
            byAccount[account] = byDay
        }
        return DayRates(currency: currency, byAccount: byAccount, pricing: self)
    }

    /// Prices `quantity` at `rate`: the one multiplication of a quantity by a price in spcs-cost. Exact; nothing is
    /// rounded (rounding happens once, when an amount is shown).
    public static func charge(_ quantity: Decimal, _ unit: QuantityUnit = .credits, at rate: DayRate) -> Charge {
        let priceAmount = Money(quantity * rate.unitPrice.price.price.amount, rate.unitPrice.price.price.currency)
        return Charge(quantity: quantity, unit: unit, rate: rate, priceAmount: priceAmount,
                      amount: priceAmount.converted(with: rate.fx))
    }
}

/// The day rates of a run's UTC days, looked up once: the run's price and each account's own
/// (``Pricing/accountSchedules``).
public struct DayRates: Sendable {
    /// The presentation currency.
    public let currency: Currency
    /// Rates by account (`""` = the run's price), then by UTC day.
    private var byAccount: [String: [Int: DayRate]]
    /// True once a quantity was priced at the run's price while accounts have their own: the stamp then lists the
    /// run's price too.
    private var runPriceUsed = false
    private let pricing: Pricing

    init(currency: Currency, byAccount: [String: [Int: DayRate]], pricing: Pricing) {
        self.currency = currency
        self.byAccount = byAccount
        self.pricing = pricing
    }

    /// True when accounts are priced at their own prices (``Pricing/accountSchedules`` is not empty).
    public var pricesByAccount: Bool { !pricing.accountSchedules.isEmpty }

    /// The key of `account`'s rates: the account when it has a schedule of its own, else `""` (the run's).
    private func key(_ account: String) -> String { pricing.accountSchedules[account] == nil ? "" : account }

    /// The rate of UTC day `day` (days since 1970-01-01) for `account` (`""` = the run's price; an account
    /// without a price of its own takes the run's); looked up and kept when outside the days prepared.
    /// - Throws: ``FXBookError``.
    public mutating func rate(_ day: Int, account: String = "") throws(FXBookError) -> DayRate {
        let k = key(account)
        if k.isEmpty { runPriceUsed = true }
        if let r = byAccount[k]?[day] { return r }
        let r = try pricing.rate(on: CivilDate(daysSinceEpoch: day), account: k)
        byAccount[k, default: [:]][day] = r
        return r
    }

    /// Prices `quantity` of UTC day `day` at `account`'s price (`""` = the run's).
    /// - Throws: ``FXBookError``.
    public mutating func charge(_ quantity: Decimal, onUTCDay day: Int, account: String = "") throws(FXBookError) -> Charge {
        Pricing.charge(quantity, at: try rate(day, account: account))
    }

    /// Adds the rates `other` looked up (a copy of the same run's rates used on another thread): afterwards
    /// ``priceRuns`` lists every price either used. Rates of a day both looked up are the same run's, so either is kept.
    public mutating func merge(_ other: DayRates) {
        for (account, byDay) in other.byAccount {
            byAccount[account, default: [:]].merge(byDay) { mine, _ in mine }
        }
        runPriceUsed = runPriceUsed || other.runPriceUsed
    }

    /// The list (on-demand) rate of UTC day `day` for `account` (``Pricing/listRate(on:account:)``).
    /// - Throws: ``FXBookError``.
    public func listRate(_ day: Int, account: String = "") throws(FXBookError) -> DayRate {
        try pricing.listRate(on: CivilDate(daysSinceEpoch: day), account: key(account))
    }

    /// Every rate of the run's price looked up so far, by day.
    public var all: [DayRate] { Self.sorted(byAccount[""] ?? [:]) }

    private static func sorted(_ byDay: [Int: DayRate]) -> [DayRate] { byDay.keys.sorted().map { byDay[$0]! } }

    /// The distinct prices used, each with the first and last day it applied, in day order: what a stamp lists.
    /// When accounts have prices of their own: each account's, in account order (their sources name the account),
    /// after the run's price when some quantity took it.
    public var priceRuns: [(from: CivilDate, through: CivilDate, rate: DayRate)] {
        var out = !pricesByAccount || runPriceUsed ? Self.runs(all) : []
        for account in pricing.accountSchedules.keys.sorted() {
            out += Self.runs(Self.sorted(byAccount[account] ?? [:]))
        }
        return out
    }

    private static func runs(_ rates: [DayRate]) -> [(from: CivilDate, through: CivilDate, rate: DayRate)] {
        var out: [(from: CivilDate, through: CivilDate, rate: DayRate)] = []
        for r in rates {
            if let last = out.last, last.through.adding(days: 1) == r.day,
               last.rate.unitPrice.price.price == r.unitPrice.price.price,
               last.rate.unitPrice.price.source.withoutCarryNote == r.unitPrice.price.source.withoutCarryNote,
               last.rate.fx.rate == r.fx.rate, last.rate.fx.source.withoutCarryNote == r.fx.source.withoutCarryNote {
                out[out.count - 1].through = r.day
            } else {
                out.append((r.day, r.day, r))
            }
        }
        return out
    }
}

extension String {
    /// A price or rate source without its per-day carry note (`, carried forward from …`), for a line that covers
    /// several days.
    public var withoutCarryNoteText: String { String(withoutCarryNote) }

    /// The text before `, carried` (a price or rate source without its per-day carry note), for grouping days.
    var withoutCarryNote: Substring {
        if let r = range(of: ", carried") { return self[..<r.lowerBound] }
        if let r = range(of: ", the rate of ") { return self[..<r.lowerBound] }
        return self[...]
    }
}
