import Foundation
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore

/// What `spcs-cost export --focus` was asked.
public struct ExportOptions: Sendable {
    /// First day (inclusive) in `timeZone`.
    public var from: CivilDate
    /// Last day (inclusive) in `timeZone`.
    public var to: CivilDate
    /// Zone of the period's calendar days; an hourly row belongs to the period when its START_TIME does.
    public var timeZone: TimeZone
    /// Family and nodes of every pool without its own shape (`--family`, `--nodes`); nil = only `poolShapes`.
    public var defaultShape: PoolShape?
    /// Shapes of single pools (`--pool NAME=FAMILY[:NODES]`).
    public var poolShapes: [String: PoolShape] = [:]
    /// The plan of the estimate file (`--business-hours`); nil = always on.
    public var plan: BusinessHours?
    /// `--rate-card`; nil = the card in force on `from`.
    public var rateCardID: String?
    /// Region of the list price and of RegionId; nil = `aws-us-east-1`.
    public var region: String?
    /// Edition of the list price.
    public var edition: Edition = .standard
    /// `--credit-price`: a list price per credit in USD that replaces the on-demand table.
    public var creditPrice: Decimal?
    /// Date that chooses the credit price table; nil = `from`.
    public var asOf: CivilDate?
    /// BillingCurrency: the presentation currency of every cost.
    public var currency: Currency = .usd
    /// `--fx`: one rate for every day, units of `currency` per USD.
    public var fxRate: Decimal?
    /// `--fx-file`: dated rates (see ``FXFile``).
    public var fxFile: String?
    /// `--fx-lookup`: how a day finds its rate in `fxFile`; nil = daily. Only with `fxFile`.
    public var fxLookup: FXTable.Lookup?
    /// `--rate-sheet`: a CSV export of RATE_SHEET_DAILY (see ``RateSheetFile``).
    public var rateSheetFile: String?
    /// `--account`: the Snowflake account the usage belongs to (SubAccountId; filters the rate sheet).
    public var account: String?
    /// `--contract-price`: price per credit in `contractCurrency`.
    public var contractPrice: Decimal?
    /// `--contract-currency`: the contract's currency.
    public var contractCurrency: Currency = .usd
    /// `--contract-start`: the first day of `contractPrice`; nil = every day.
    public var contractStart: CivilDate?
    /// `--billing-account`: BillingAccountId; nil = the rate sheet's CONTRACT_NUMBER.
    public var billingAccount: String?

    /// Creates options for a period; set the others as needed.
    public init(from: CivilDate, to: CivilDate, timeZone: TimeZone) {
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }
}

/// Why an export's options do not fit together. Each `description` names the flags and the fix.
public enum ExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `--billing-account` and no rate sheet with a CONTRACT_NUMBER.
    case missingBillingAccount
    /// Both `--fx` and `--fx-file`.
    case twoFXSources
    /// `--fx-lookup` without `--fx-file`.
    case fxLookupWithoutFile
    /// A price in a currency other than USD and `currency`, without `--fx-file` (`--fx` converts USD only).
    case needsFXFile(priceCurrency: Currency, currency: Currency)
    /// `--contract-start` or a non-USD `--contract-currency` without `--contract-price`.
    case contractDetailsWithoutPrice

    public var description: String {
        switch self {
        case .missingBillingAccount:
            return "FOCUS needs a BillingAccountId; pass --billing-account with your Snowflake organization name or "
                + "contract number (for example --billing-account MYORG), or a --rate-sheet whose rows carry CONTRACT_NUMBER."
        case .twoFXSources:
            return "--fx and --fx-file both give exchange rates; pass one of them."
        case .fxLookupWithoutFile:
            return "--fx-lookup chooses rows of --fx-file; add --fx-file FILE or drop --fx-lookup."
        case let .needsFXFile(price, currency):
            return "a credit price is in \(price.code) and the export is in \(currency.code); --fx converts USD only, "
                + "so pass --fx-file with rows whose base is \(price.code) and quote \(currency.code)."
        case .contractDetailsWithoutPrice:
            return "--contract-start and --contract-currency describe --contract-price; add --contract-price PRICE."
        }
    }
}

/// Builds and writes the FOCUS 1.0 export (`spcs-cost export --focus`).
///
/// Rules:
/// - **Metered file**: one row per pool per hourly row of the cache whose START_TIME falls in the period's days
///   (in `timeZone`), with the credits as metered.
/// - **Estimate file** (only when `--family` or `--pool` gives pool shapes): the same pools (those metered plus
///   those named by `--pool`) priced always on, or under `--business-hours` when given, in hourly slices starting
///   at the period's first instant: node-hours = nodes × the slice's hours the plan covers; credits = node-hours ×
///   the rate card's credits per node-hour. Slices with no planned hours have no row.
/// - **Prices** per UTC day of ChargePeriodStart (RATE_SHEET_DAILY counts UTC days), from ``CreditPriceSchedule``:
///   rate sheet, else contract price, else list price; the list price is the on-demand table's (region, edition)
///   or `--credit-price`. FX per the same day: `--fx-file` (daily or monthly lookup) or `--fx` (USD only).
public struct ExportService: Sendable {
    /// The environment (catalog, paths).
    public let env: Environment

    /// Creates the service.
    public init(env: Environment) { self.env = env }

    /// The datasets of an export and what the reader must know about them.
    public struct Export: Sendable {
        /// Metered charges.
        public let metered: FocusDataset
        /// Planned charges; nil when no pool shape was given.
        public let estimate: FocusDataset?
        /// Notes on the choices made (rate card, price table, overrides).
        public let warnings: [String]
    }

    /// Builds the export of `options` from the rows in `cache`.
    /// - Throws: ``ExportError``, ``EstimateError``, ``PricingError``, ``ReportError`` (a pool without a shape in
    ///   the estimate), ``InputFileError``, ``StoreError`` (a bad FX or rate-sheet file, the cache),
    ///   ``CreditPriceError`` or ``FXError`` (a day without a price or a rate).
    public func build(_ o: ExportOptions, cache: UsageCache) throws -> Export {
        guard o.from <= o.to else {
            throw EstimateError.invalidOption(flag: "--to", value: o.to.description,
                                              fix: "is before --from \(o.from); swap them")
        }
        var warnings: [String] = []
        let schedule = try priceSchedule(o, warnings: &warnings)
        let fx = try fxConverter(o)
        guard let billingAccount = o.billingAccount ?? schedule.rateSheetRows.lazy.compactMap(\.contractNumber).first
        else { throw ExportError.missingBillingAccount }
        let region = RegionID(o.region ?? defaultRegion)!  // validated by priceSchedule
        let regionName = try env.catalog.priceTable(asOf: o.asOf ?? o.from).item.prices(for: region)?.name

        let start = o.from.startInstant(in: o.timeZone)
        let end = o.to.adding(days: 1).startInstant(in: o.timeZone)
        let records = try cache.records(from: start, to: end).filter { $0.startTime >= start && $0.startTime < end }

        let hasShapes = o.defaultShape != nil || !o.poolShapes.isEmpty
        if o.plan != nil && !hasShapes {
            warnings.append("--business-hours shapes the estimate file, which needs pool shapes; pass --family F or "
                            + "--pool NAME=FAMILY to write it. Only the metered file was written.")
        }
        let card: RateCard? = try hasShapes ? rateCard(o, warnings: &warnings) : nil
        var rates: [InstanceFamily: Decimal] = [:]
        func rate(_ family: InstanceFamily, on card: RateCard) throws -> Decimal {
            if let r = rates[family] { return r }
            let r = try env.catalog.rate(of: family, on: card).creditsPerNodeHour
            rates[family] = r
            return r
        }
        var pricer = DayPricer(schedule: schedule, fx: fx)

        var metered: [FocusCharge] = []
        for r in records {
            let shape = o.poolShapes[r.computePoolName] ?? o.defaultShape
            var perNodeHour: Decimal?
            if let shape, let card { perNodeHour = try rate(shape.family, on: card) }
            let (price, priceFX, list, listFX) = try pricer.prices(for: r.startTime)
            metered.append(FocusCharge(
                chargePeriod: DateInterval(start: r.startTime, end: r.endTime), pool: r.computePoolName,
                poolID: r.computePoolID, credits: r.creditsUsed.credits, price: price, priceFX: priceFX,
                listPrice: list, listFX: listFX, family: shape?.family, creditsPerNodeHour: perNodeHour,
                rateCard: perNodeHour == nil ? nil : card?.id))
        }
        func dataset(_ kind: FocusCostKind, _ charges: [FocusCharge]) -> FocusDataset {
            FocusDataset(kind: kind, from: o.from, through: o.to, zone: o.timeZone, billingCurrency: o.currency,
                         billingAccountID: billingAccount, account: o.account, regionID: region.snowflakeRegionID,
                         regionName: regionName, edition: o.edition,
                         plan: kind == .estimate ? (o.plan?.summary ?? "always on") : nil, charges: charges)
        }

        var estimate: FocusDataset?
        if let card {
            let pools = Set(records.map(\.computePoolName)).union(o.poolShapes.keys).sorted()
            let planIntervals = o.plan?.intervals(from: o.from.adding(days: -1), through: o.to.adding(days: 1))
            let scheduleText = o.plan?.summary ?? "always on"
            var charges: [FocusCharge] = []
            for pool in pools {
                guard let shape = o.poolShapes[pool] ?? o.defaultShape else { throw ReportError.noShape(pool: pool) }
                let perNodeHour = try rate(shape.family, on: card)
                var sliceStart = start
                while sliceStart < end {
                    let slice = DateInterval(start: sliceStart, end: min(sliceStart.addingTimeInterval(3600), end))
                    sliceStart = slice.end
                    let seconds = planIntervals.map { intervals in intervals.reduce(0) { $0 + Int($1.overlapSeconds(with: slice)) } }
                        ?? Int(slice.duration)
                    guard seconds > 0 else { continue }
                    let nodeHours = Decimal(shape.nodes) * Decimal(seconds) / 3600
                    let (price, priceFX, list, listFX) = try pricer.prices(for: slice.start)
                    charges.append(FocusCharge(
                        chargePeriod: slice, pool: pool, poolID: nil, credits: nodeHours * perNodeHour, price: price,
                        priceFX: priceFX, listPrice: list, listFX: listFX, family: shape.family,
                        creditsPerNodeHour: perNodeHour, rateCard: card.id, nodes: shape.nodes, nodeHours: nodeHours,
                        schedule: scheduleText))
                }
            }
            estimate = dataset(.estimate, charges)
        }
        return Export(metered: dataset(.metered, metered), estimate: estimate, warnings: warnings)
    }

    /// Writes the files of `export` into `directory` (created when missing), each atomically (a temporary file,
    /// then a rename): the metered file, then the estimate file when there is one. Returns the paths written.
    /// - Throws: ``OutputError`` when a file cannot be written.
    public func write(_ export: Export, to directory: String) throws(OutputError) -> [String] {
        let dir = env.resolve(directory)
        var written: [String] = []
        for d in [export.metered] + (export.estimate.map { [$0] } ?? []) {
            let name = FocusExport.fileName(d)
            let path = (dir as NSString).appendingPathComponent(name)
            try OutputError.writeAtomically(FocusExport.csv(d), to: path,
                                            shownAs: (directory as NSString).appendingPathComponent(name))
            written.append(path)
        }
        return written
    }

    /// The rate card: `--rate-card`, else the one in force on `from` (with its warning).
    func rateCard(_ o: ExportOptions, warnings: inout [String]) throws -> RateCard {
        if let id = o.rateCardID { return try env.catalog.rateCard(id: id) }
        let choice = try env.catalog.rateCard(asOf: o.from)
        if let w = choice.warning { warnings.append(w) }
        return choice.item
    }

    /// The credit price schedule of `o`: rate sheet, contract, list price (see ``CreditPriceSchedule``).
    func priceSchedule(_ o: ExportOptions, warnings: inout [String]) throws -> CreditPriceSchedule {
        var listOptions = EstimateOptions(family: "", hoursPerDay: 0, days: 0)
        listOptions.region = o.region
        listOptions.editions = [o.edition]
        listOptions.creditPrice = o.creditPrice
        // The family only matters when a rate card is passed, to warn about clouds; none is passed here.
        let choice = try EstimateService(catalog: env.catalog).choosePrices(
            options: listOptions, family: InstanceFamily("CPU_X64_XS")!, card: nil, asOf: o.asOf ?? o.from,
            warnings: &warnings)
        let list = CreditPriceSchedule.ListPrice(price: choice.prices[0], effectiveFrom: choice.table?.effectiveFrom)

        var contract: CreditPriceSchedule.Contract?
        if let p = o.contractPrice {
            guard p > 0 else {
                throw EstimateError.invalidOption(flag: "--contract-price", value: ExactDecimal.text(p),
                                                  fix: "must be a positive price per credit")
            }
            contract = .init(pricePerCredit: Money(p, o.contractCurrency), reference: "contract price (--contract-price)",
                             effectiveFrom: o.contractStart)
        } else if o.contractStart != nil || o.contractCurrency != .usd {
            throw ExportError.contractDetailsWithoutPrice
        }

        var sheet: RateSheet?
        if let file = o.rateSheetFile {
            sheet = try RateSheetFile.parse(try InputFileError.read(file, env: env), file: file)
        }
        let schedule = try CreditPriceSchedule(rateSheet: sheet, account: o.account, contract: contract, list: list)
        let utc = TimeZone(identifier: "UTC")!
        let first = CivilDate.of(o.from.startInstant(in: o.timeZone), in: utc)
        let last = CivilDate.of(o.to.adding(days: 1).startInstant(in: o.timeZone).addingTimeInterval(-1), in: utc)
        warnings += schedule.contractDisagreements(over: first...max(first, last))
        return schedule
    }

    /// Converts a price currency into `o.currency` for a UTC day.
    func fxConverter(_ o: ExportOptions) throws -> @Sendable (Currency, CivilDate) throws -> ExchangeRate {
        let target = o.currency
        if let file = o.fxFile {
            guard o.fxRate == nil else { throw ExportError.twoFXSources }
            let table = try FXFile.parse(try InputFileError.read(file, env: env), file: file)
            let lookup = o.fxLookup ?? .daily
            return { currency, day in try table.rate(from: currency, to: target, for: day, lookup: lookup) }
        }
        guard o.fxLookup == nil else { throw ExportError.fxLookupWithoutFile }
        if let fx = o.fxRate {
            guard fx > 0 else {
                throw EstimateError.invalidOption(flag: "--fx", value: ExactDecimal.text(fx), fix: "must be positive")
            }
            guard target != .usd else {
                throw EstimateError.invalidOption(
                    flag: "--fx", value: ExactDecimal.text(fx),
                    fix: "converts USD into another currency; add --currency CODE or drop --fx")
            }
        }
        let fxRate = o.fxRate
        return { currency, _ in
            if currency == target { return .identity(currency) }
            guard currency == .usd else { throw ExportError.needsFXFile(priceCurrency: currency, currency: target) }
            guard let fx = fxRate else { throw EstimateError.missingFX(currency: target, priceCurrency: .usd) }
            return ExchangeRate(base: .usd, quote: target, rate: fx, source: "--fx")
        }
    }
}

/// Prices and FX of each UTC day, looked up once per day.
struct DayPricer {
    let schedule: CreditPriceSchedule
    let fx: (Currency, CivilDate) throws -> ExchangeRate
    private var byDay: [CivilDate: Prices] = [:]

    typealias Prices = (CreditPriceSchedule.DayPrice, ExchangeRate, CreditPriceSchedule.DayPrice, ExchangeRate)
    static let utc = TimeZone(identifier: "UTC")!

    init(schedule: CreditPriceSchedule, fx: @escaping (Currency, CivilDate) throws -> ExchangeRate) {
        self.schedule = schedule
        self.fx = fx
    }

    /// The billed price, its FX, the list price and its FX for the UTC day of `instant`.
    mutating func prices(for instant: Date) throws -> Prices {
        let day = CivilDate.of(instant, in: Self.utc)
        if let p = byDay[day] { return p }
        let price = schedule.price(on: day)
        let list = schedule.listPrice(on: day)
        let p = (price, try fx(price.price.price.currency, day), list, try fx(list.price.price.currency, day))
        byDay[day] = p
        return p
    }
}
