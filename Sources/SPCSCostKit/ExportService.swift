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
    /// `--fx` values: a bare rate (units of `currency` per unit of the price currency) and named pairs.
    public var fx: [FXArgument] = []
    /// `--fx-file`: dated rates (see ``FXFile``); each UTC day converts at its own rate.
    public var fxTable: FXTable?
    /// `--fx-lookup`: how a day finds its rate in `fxTable`.
    public var fxLookup: FXTable.Lookup = .daily
    /// `--rate-sheet`: a CSV export of RATE_SHEET_DAILY (see ``RateSheetFile``) that replaces the cache's pulled
    /// rate sheet; nil = the cache's.
    public var rateSheetFile: String?
    /// `--focus-version`: the FOCUS version and grain of the files.
    public var focusVersion: FocusVersion = .v1_2
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
    /// `--contract-start` or a non-USD `--contract-currency` without `--contract-price`.
    case contractDetailsWithoutPrice

    public var description: String {
        switch self {
        case .missingBillingAccount:
            return "FOCUS needs a BillingAccountId; pass --billing-account with your Snowflake organization name or "
                + "contract number (for example --billing-account MYORG), or a --rate-sheet whose rows carry CONTRACT_NUMBER."
        case .contractDetailsWithoutPrice:
            return "--contract-start and --contract-currency describe --contract-price; add --contract-price PRICE."
        }
    }
}

/// Builds and writes the FOCUS export (`spcs-cost export --focus`).
///
/// Rules:
/// - **Metered file**: the cache's hourly rows whose START_TIME falls in the period's days (in `timeZone`), with the
///   credits as metered. FOCUS 1.2 (the default): one row per pool (COMPUTE_POOL_ID where known), UTC day and charge
///   kind, the day's credits summed exactly, then one row per ledger row of the rest of `report`'s whole bill
///   (``ReportService`` `wholeBill`: the scheduling tasks' credits over the period, and block storage, snapshots,
///   data transfer and its adjustment over the UTC days wholly inside it), so the file adds up to the whole bill;
///   FOCUS 1.0: one row per pool and hour, compute only.
/// - **Estimate file** (only when `--family` or `--pool` gives pool shapes): the same pools (those metered plus
///   those named by `--pool`) priced always on, or under `--business-hours` when given, in hourly slices starting
///   at the period's first instant: node-hours = nodes × the slice's hours the plan covers; credits = node-hours ×
///   the rate card's credits per node-hour. Slices with no planned hours have no row; FOCUS 1.2 sums them per UTC day.
///   With accounts at their own prices, a pool is estimated once in each account whose rows meter its name, at that
///   account's price, with its SubAccountId and RegionId; a pool only `--pool` names at the run's price.
/// - **Prices**: the ledger's (``Pricing``, built by ``LedgerPricing``), per UTC day of the charge's start:
///   `--credit-price` (a what-if) > RATE_SHEET_DAILY (the cache's, or `--rate-sheet FILE` in its place; carried
///   forward and back; the overage row on days USAGE_IN_CURRENCY_DAILY marks as overage) > `--contract-price`
///   (its overage price on overage days) > the on-demand table in force that day. FX from the same FX book as
///   `report`: `--fx` pairs or one bare rate, the dated `--fx-file` (a missing day carried ≤ 4 days).
/// - **Amounts**: each row's BilledCost is ``Pricing/charge(_:_:at:)`` of its credits: exact, so the rows add up to
///   the total exactly. FOCUS 1.2 writes them unrounded; FOCUS 1.0 rounds each cell once (its README promise).
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
    ///   the estimate), ``InputFileError``, ``StoreError`` (a bad rate-sheet file, the cache),
    ///   ``CreditPriceError`` or ``FXBookError`` (a day without a price or a rate).
    public func build(_ o: ExportOptions, cache: UsageCache) throws -> Export {
        try EstimateError.requireOrdered(from: o.from, to: o.to)
        var warnings: [String] = []
        let utc = Self.utc
        let start = o.from.startInstant(in: o.timeZone)
        let end = o.to.adding(days: 1).startInstant(in: o.timeZone)
        let utcPeriod = CivilDate.of(start, in: utc)...CivilDate.of(end.addingTimeInterval(-1), in: utc)
        let pricing = try pricing(o, cache: cache, period: utcPeriod, warnings: &warnings)
        guard let billingAccount = o.billingAccount ?? pricing.schedule.rateSheetRows.lazy.compactMap(\.contractNumber).first
        else { throw ExportError.missingBillingAccount }
        let region = RegionID(o.region ?? defaultRegion)!  // validated by LedgerPricing
        let regionName = try env.catalog.priceTable(asOf: o.asOf ?? o.from).item.prices(for: region)?.name

        // FOCUS 1.0 rows are hours, and 1.2's days are days of --timezone: both need hours where day rows are not.
        if o.focusVersion == .v1_0 {
            try GrainCheck.requireHours(cache, from: start, to: end, for: "export --focus-version 1.0 (hourly rows)")
        } else {
            try GrainCheck.requireUTCDaysOrHours(cache, zone: o.timeZone, from: start, to: end)
        }
        var dayRates = try pricing.rates(for: utcPeriod)
        // Accounts at their own prices: one row per account, pool and hour, each at its account's price and with its
        // account and region (SubAccountId, RegionId).
        let byAccount = dayRates.pricesByAccount
        let records = try cache.records(from: start, to: end, byAccount: byAccount)
            .filter { $0.startTime >= start && $0.startTime < end }
        var regionOf: [String: (id: String, name: String?)] = [:]
        if byAccount {
            let table = try env.catalog.priceTable(asOf: o.asOf ?? o.from).item
            for r in try cache.accountRegions() where regionOf[r.account] == nil {
                guard let id = RegionID(r.region) else { continue }
                regionOf[r.account] = (id.snowflakeRegionID, table.prices(for: id)?.name)
            }
        }

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
        var listRates: [String: [Int: DayRate]] = [:]
        func prices(_ instant: Date, account: String = "") throws -> (price: DayRate, list: DayRate) {
            let day = CivilDate.of(instant, in: utc)
            let price = try dayRates.rate(day.daysSinceEpoch, account: account)
            if let list = listRates[account]?[day.daysSinceEpoch] { return (price, list) }
            let list = try dayRates.listRate(day.daysSinceEpoch, account: account)
            listRates[account, default: [:]][day.daysSinceEpoch] = list
            return (price, list)
        }
        let period = DateInterval(start: start, end: end)
        func grained(_ charges: [FocusCharge]) -> [FocusCharge] {
            o.focusVersion == .v1_0 ? charges : FocusCharge.daily(charges, within: period)
        }

        // FOCUS 1.2: each pool's row split by who used it (x_UsedBy): an application's rows; on a pool that ran
        // notebooks, each notebook and user's credits of the hour (or UTC day of a day row) and the idle rest; the
        // other pools' rows as `other`. An hour whose notebooks' credits exceed the pool's stays whole (x_UsedBy
        // empty), so the file still adds up to what was metered.
        let split = o.focusVersion == .v1_2
        let notebooks = split ? try cache.notebookUsage(from: start, to: end) : []
        let notebookPools = Set(notebooks.map(\.computePoolName))
        struct PoolPeriod: Hashable { var pool: String; var start: Int64; var day: Bool }
        struct Who: Hashable, Comparable {
            var notebook: String; var user: String
            static func < (a: Who, b: Who) -> Bool { (a.notebook, a.user) < (b.notebook, b.user) }
        }
        var used: [PoolPeriod: [Who: NanoCredits]] = [:]
        for n in notebooks {
            let s = Int64(n.startTime.timeIntervalSince1970.rounded(.down))
            let who = Who(notebook: n.notebookName, user: n.userName)
            used[PoolPeriod(pool: n.computePoolName, start: s - ((s % 3600) + 3600) % 3600, day: false), default: [:]][who, default: .zero] += n.credits
            used[PoolPeriod(pool: n.computePoolName, start: s - ((s % 86_400) + 86_400) % 86_400, day: true), default: [:]][who, default: .zero] += n.credits
        }
        let applicationNames = split ? try cache.applicationNameByID() : [:]
        var unsplitHours = 0
        var metered: [FocusCharge] = []
        for r in records {
            let shape = o.poolShapes[r.computePoolName] ?? o.defaultShape
            var perNodeHour: Decimal?
            if let shape, let card { perNodeHour = try rate(shape.family, on: card) }
            let (price, list) = try prices(r.startTime, account: byAccount ? r.account : "")
            var base = FocusCharge(
                chargePeriod: DateInterval(start: r.startTime, end: r.endTime), pool: r.computePoolName,
                poolID: r.computePoolID, credits: r.creditsUsed.credits, rate: price, listRate: list,
                family: shape?.family, creditsPerNodeHour: perNodeHour,
                rateCard: perNodeHour == nil ? nil : card?.id)
            if byAccount && !r.account.isEmpty {
                base.account = r.account
                base.region = regionOf[r.account]
            }
            guard split else {
                metered.append(base)
                continue
            }
            var c = base
            if let id = r.applicationID {
                c.usedBy = .application
                c.applicationID = id
                c.applicationName = applicationNames[id] ?? r.applicationName
                metered.append(c)
            } else if notebookPools.contains(r.computePoolName) {
                let s = Int64(r.startTime.timeIntervalSince1970.rounded(.down))
                let parts = used[PoolPeriod(pool: r.computePoolName, start: s, day: r.grain == .day)] ?? [:]
                let total = parts.values.reduce(NanoCredits.zero, +)
                if total > r.creditsUsed {
                    unsplitHours += 1
                    metered.append(c)
                    continue
                }
                for (who, credits) in parts.sorted(by: { $0.key < $1.key }) {
                    var n = base
                    n.usedBy = .notebook
                    n.notebook = who.notebook
                    n.user = who.user
                    n.credits = credits.credits
                    metered.append(n)
                }
                if r.creditsUsed - total > .zero || parts.isEmpty {
                    c.usedBy = .idle
                    c.credits = (r.creditsUsed - total).credits
                    metered.append(c)
                }
            } else {
                c.usedBy = .other
                metered.append(c)
            }
        }
        if unsplitHours > 0 {
            warnings.append("\(unsplitHours) pool hour\(unsplitHours == 1 ? "" : "s") of notebook pools have more notebook "
                + "credits (NOTEBOOKS_CONTAINER_RUNTIME_HISTORY) than the pool metered; those rows are not split by who "
                + "used them (x_UsedBy empty), so the file still adds up to what was metered.")
        }
        // FOCUS 1.2: the rest of the whole bill, as `report` prices it (README "The whole bill"): the scheduling
        // tasks' credits and the parts billed in currency, one row per ledger row (UTC day), each at its own rate.
        var wholeBill: [FocusCharge] = []
        if o.focusVersion == .v1_2 {
            let report = ReportService(env: env)
            // Task rows stay account lines here (no pool): the per-pool split is `report`'s (README "Known limits").
            let tasks = try ReportService.taskCosts(cache: cache, start: start, end: end, rates: &dayRates,
                                                    poolsOf: { _ in [] })
            warnings += tasks.warnings
            if let bill = try report.wholeBill(cache: cache, pricing: pricing, rates: &dayRates,
                                               compute: .zero(o.currency), tasks: tasks.costs, start: start, end: end) {
                warnings += bill.notes
                for row in bill.rows {
                    let list = row.kind.isPricedInCurrency
                        ? row.charge.rate
                        : try dayRates.listRate(CivilDate.of(row.periodStart, in: utc).daysSinceEpoch,
                                                account: byAccount ? row.account : "")
                    var c = FocusCharge(ledgerRow: row, listRate: list, within: period, bytesPerTB: bill.bytesPerTB)
                    if byAccount && !row.account.isEmpty {
                        c.account = row.account
                        c.region = regionOf[row.account]
                    }
                    wholeBill.append(c)
                }
            }
        }
        func dataset(_ kind: FocusCostKind, _ charges: [FocusCharge], adding rows: [FocusCharge] = []) -> FocusDataset {
            FocusDataset(kind: kind, version: o.focusVersion, from: o.from, through: o.to, zone: o.timeZone,
                         billingCurrency: o.currency, billingAccountID: billingAccount, account: o.account,
                         regionID: region.snowflakeRegionID, regionName: regionName, edition: o.edition,
                         plan: kind == .estimate ? (o.plan?.summary ?? "always on") : nil,
                         charges: grained(charges) + rows)
        }

        var estimate: FocusDataset?
        if let card {
            let pools = Set(records.map(\.computePoolName)).union(o.poolShapes.keys).sorted()
            let planIntervals = o.plan?.intervals(from: o.from.adding(days: -1), through: o.to.adding(days: 1))
            let scheduleText = o.plan?.summary ?? "always on"
            // Accounts at their own prices: a pool is estimated in each account whose rows meter its name (a name
            // metered in two accounts is two pools), each at that account's price and with its account and region,
            // as the metered file's rows are; a pool no account meters (named by --pool only) at the run's price.
            let poolAccounts = byAccount ? try cache.poolAccountSets(from: start, to: end) : [:]
            var charges: [FocusCharge] = []
            for pool in pools {
                guard let shape = o.poolShapes[pool] ?? o.defaultShape else { throw ReportError.noShape(pool: pool) }
                let perNodeHour = try rate(shape.family, on: card)
                let accounts = (poolAccounts[pool] ?? []).filter { !$0.isEmpty }.sorted()
                for account in accounts.isEmpty ? [""] : accounts {
                    var sliceStart = start
                    while sliceStart < end {
                        let slice = DateInterval(start: sliceStart, end: min(sliceStart.addingTimeInterval(3600), end))
                        sliceStart = slice.end
                        let seconds = planIntervals.map { intervals in intervals.reduce(0) { $0 + Int($1.overlapSeconds(with: slice)) } }
                            ?? Int(slice.duration)
                        guard seconds > 0 else { continue }
                        let nodeHours = Decimal(shape.nodes) * Decimal(seconds) / 3600
                        let (price, list) = try prices(slice.start, account: account)
                        var c = FocusCharge(
                            chargePeriod: slice, pool: pool, poolID: nil, credits: nodeHours * perNodeHour, rate: price,
                            listRate: list, family: shape.family, creditsPerNodeHour: perNodeHour, rateCard: card.id,
                            nodes: shape.nodes, nodeHours: nodeHours, schedule: scheduleText)
                        if !account.isEmpty {
                            c.account = account
                            c.region = regionOf[account]
                        }
                        charges.append(c)
                    }
                }
            }
            estimate = dataset(.estimate, charges)
        }
        return Export(metered: dataset(.metered, metered, adding: wholeBill), estimate: estimate, warnings: warnings)
    }

    /// The ledger's pricing of an export over the UTC days `period`: the flags mapped onto ``PriceSettings``, the
    /// cache's RATE_SHEET_DAILY (or `--rate-sheet FILE` in its place) and overage days, through
    /// ``LedgerPricing/make(_:catalog:cache:rateSheet:account:period:overageDays:warnings:)``, the function
    /// `report` and `nightly` price through.
    /// - Throws: ``ExportError/contractDetailsWithoutPrice``, ``EstimateError`` for a bad price, ``InputFileError``
    ///   or ``StoreError`` for a bad rate-sheet file, and what ``LedgerPricing`` throws.
    public func pricing(_ o: ExportOptions, cache: UsageCache?, period: ClosedRange<CivilDate>,
                        warnings: inout [String]) throws -> Pricing {
        var s = PriceSettings()
        s.region = o.region
        s.edition = o.edition
        s.creditPrice = o.creditPrice
        s.currency = o.currency
        s.fx = o.fx
        s.fxTable = o.fxTable
        s.fxLookup = o.fxLookup
        if let p = o.contractPrice {
            guard p > 0 else {
                throw EstimateError.invalidOption(flag: "--contract-price", value: ExactDecimal.text(p),
                                                  fix: "must be a positive price per credit")
            }
            s.contract = .init(pricePerCredit: Money(p, o.contractCurrency), reference: "contract price (--contract-price)",
                               effectiveFrom: o.contractStart)
        } else if o.contractStart != nil || o.contractCurrency != .usd {
            throw ExportError.contractDetailsWithoutPrice
        }
        var sheet: [RateSheetRow]?
        if let file = o.rateSheetFile {
            let parsed = try RateSheetFile.parse(try InputFileError.read(file, env: env), file: file)
            // A file given on purpose must price something: one without an SPCS compute row for the account is an
            // error (a pulled sheet may hold only other services).
            if try parsed.spcsComputeRows(account: o.account).isEmpty {
                throw CreditPriceError.noSPCSRows(serviceTypes: parsed.serviceTypes, account: o.account)
            }
            sheet = parsed.rows
        }
        return try LedgerPricing.make(s, catalog: env.catalog, cache: cache, rateSheet: sheet, account: o.account,
                                      period: period, warnings: &warnings).pricing
    }

    static let utc = TimeZone(identifier: "UTC")!

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
        try env.catalog.rateCard(id: o.rateCardID, asOf: o.from, warnings: &warnings)
    }
}
