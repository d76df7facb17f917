import Foundation
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore

/// What `spcs-cost report` was asked.
public struct ReportOptions: Sendable {
    /// First day (inclusive) in `timeZone`.
    public var from: CivilDate
    /// Last day (inclusive) in `timeZone`.
    public var to: CivilDate
    /// Zone of the report's calendar days.
    public var timeZone: TimeZone
    /// Family and nodes for every pool without its own shape; nil = every pool needs `--pool`.
    public var defaultShape: PoolShape?
    /// Shapes of single pools (`--pool NAME=FAMILY[:NODES]`).
    public var poolShapes: [String: PoolShape] = [:]
    /// The business-hours plan; nil = no plan columns.
    public var plan: BusinessHours?
    /// `--rate-card`; nil = the card in force on `from`.
    public var rateCardID: String?
    /// Region of the credit price; nil = `aws-us-east-1`.
    public var region: String?
    /// Edition of the credit price.
    public var edition: Edition = .standard
    /// `--credit-price` override, in USD: a what-if that replaces every price source.
    public var creditPrice: Decimal?
    /// Presentation currency.
    public var currency: Currency = .usd
    /// `--fx` values: a bare rate (units of `currency` per unit of the price currency) and named pairs.
    public var fx: [FXArgument] = []
    /// A dated FX file's rows, if any (`--fx-file`); each day uses its own rate.
    public var fxTable: FXTable?
    /// How a day finds its rate in `fxTable` (`--fx-lookup`).
    public var fxLookup: FXTable.Lookup = .daily
    /// Date that chooses the credit price table; nil = `from`.
    public var asOf: CivilDate?
    /// The tables the document carries (`--detail`); default ``ReportDetail/day``.
    public var detail: ReportDetail = .day
    /// Formats to write, by ``DocumentWriters`` name; default ``ReportOptions/defaultFormats``.
    public var formats: [String] = ReportOptions.defaultFormats

    /// The formats `report` and `nightly` write when none is given: csv, markdown, json, html (xlsx and table only
    /// when asked for).
    public static let defaultFormats = ["csv", "markdown", "json", "html"]
    /// A pools file: gives each pool's family and nodes, and its schedule's estimate to set against the metered
    /// usage; nil = shapes from `defaultShape`/`poolShapes` and no estimate.
    public var poolsFile: PoolsFile?
    /// Days ending within this many hours of now are provisional.
    public var provisionalHours: Int = 24
    /// `--by`: group the ledger's metered lines by account, pool, family or application (a table of its own, with
    /// the bill check per account); nil = no grouping.
    public var groupBy: ReportGrouping?
    /// Reads which pools the scheduling tasks act on (``TaskPoolResolver``: the setup SQL of `--from-sql` and
    /// `--service-pool`); default: no script, so only `ALTER COMPUTE POOL` texts and the pools file's task names.
    public var taskPools = TaskPoolResolver()

    /// Creates options for a period; set the others as needed.
    public init(from: CivilDate, to: CivilDate, timeZone: TimeZone) {
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }
}

extension ReportOptions {
    /// The price settings of the run: the flags with the pools file's `[defaults]` (``PriceSettings/run(region:edition:creditPrice:currency:fx:fxTable:fxLookup:defaults:)``).
    public var priceSettings: PriceSettings {
        .run(region: region, edition: edition, creditPrice: creditPrice, currency: currency, fx: fx, fxTable: fxTable,
             fxLookup: fxLookup, defaults: poolsFile?.defaults)
    }
}

/// Builds and writes the savings report (`spcs-cost report`).
public struct ReportService: Sendable {
    /// The environment (catalog, clock, paths).
    public let env: Environment

    /// Creates the service.
    public init(env: Environment) { self.env = env }

    /// Builds the report of `options` from the rows in `cache`.
    /// - Throws: ``EstimateError``, ``PricingError``, ``ReportError`` or ``StoreError``.
    public func build(_ options: ReportOptions, cache: UsageCache) throws -> SavingsReport {
        try build(options, cache: cache, reconciled: options.poolsFile.map { try reconcile(options, pools: $0, cache: cache) })
    }

    /// The reconciliation of `pools` over the report's period and zone: what the report's estimate columns show.
    /// - Throws: ``PricingError``, ``StoreError``.
    public func reconcile(_ options: ReportOptions, pools: PoolsFile, cache: UsageCache) throws -> ReconcileResult {
        var r = ReconcileOptions(pools: pools, from: options.from, to: options.to)
        r.timeZone = options.timeZone
        r.rateCardID = options.rateCardID
        r.provisionalHours = options.provisionalHours
        return try ReconcileService(env: env).reconcile(r, cache: cache)
    }

    /// The ledger's pricing of a run over `period` (UTC days): `--credit-price` > the cache's RATE_SHEET_DAILY >
    /// the pools file's contract > the on-demand table (README "Prices, FX and the ledger"), through
    /// ``LedgerPricing/make(_:catalog:cache:rateSheet:account:period:overageDays:warnings:)``.
    /// - Parameter overageDays: days paid as overage; nil = those the cache's USAGE_IN_CURRENCY_DAILY marks.
    /// - Throws: see ``LedgerPricing/make(_:catalog:rateSheet:account:overageDays:period:warnings:)``,
    ///   ``StoreError``.
    public func pricing(_ options: ReportOptions, cache: UsageCache?, period: ClosedRange<CivilDate>,
                        overageDays: Set<CivilDate>? = nil, warnings: inout [String]) throws -> Pricing {
        try LedgerPricing.make(options.priceSettings, catalog: env.catalog, cache: cache, account: nil, period: period,
                               overageDays: overageDays, warnings: &warnings).pricing
    }

    /// Builds the report with a reconciliation already made by ``reconcile(_:pools:cache:)`` (nil without a pools
    /// file), so a caller that needs it too reconciles once.
    ///
    /// Pools: every pool metered in the period and every pool the pools file plans (one that never ran is in the
    /// estimate at its planned cost). Shapes, first found: `--pool NAME=FAMILY[:NODES]` > the pools file >
    /// `--family` > the cached COMPUTE_POOLS inventory; a pool without one is still priced as metered, its
    /// always-on and plan baselines are unknown (a warning names the fix). Lifetimes: COMPUTE_POOLS CREATED/DELETED
    /// > the pools file's `created`/`dropped` > the first and last metered hour (an assumption, said so).
    /// Scheduling tasks: when the cache has runs of tasks that act on pools (``PoolTaskRule``) scheduled in the
    /// period, their warehouse shares and serverless credits (``TaskWarehouseAttribution``) are priced through the
    /// same day rates into ``SavingsReport/tasks``.
    /// - Throws: ``EstimateError``, ``PricingError``, ``FXBookError``, ``CreditPriceError`` or ``StoreError``.
    public func build(_ options: ReportOptions, cache: UsageCache, reconciled: ReconcileResult?) throws -> SavingsReport {
        try EstimateError.requireOrdered(from: options.from, to: options.to)
        var warnings: [String] = []
        let catalog = env.catalog
        let card = try catalog.rateCard(id: options.rateCardID ?? options.poolsFile?.defaults.rateCardID, asOf: options.from, warnings: &warnings)
        let start = options.from.startInstant(in: options.timeZone)
        let end = options.to.adding(days: 1).startInstant(in: options.timeZone)
        let utc = TimeZone(identifier: "UTC")!
        let utcPeriod = CivilDate.of(start, in: utc)...CivilDate.of(end.addingTimeInterval(-1), in: utc)
        // What Snowflake bills (USAGE_IN_CURRENCY_DAILY, when pulled): the days paid as overage choose the overage
        // price, and the bill check compares each day with the ledger.
        let (pricing, cached) = try LedgerPricing.make(options.priceSettings, catalog: env.catalog, cache: cache,
                                                       account: nil, period: utcPeriod, warnings: &warnings)
        let billed = cached.billed, restatedDays = cached.restatedDays
        var rates = try pricing.rates(for: utcPeriod)

        // Summed per pool, local day and UTC day from the cache's per-month series: a year of a thousand pools
        // never comes into memory row by row.
        try GrainCheck.requireUTCDaysOrHours(cache, zone: options.timeZone, from: start, to: end)
        let read = try cache.meteredParts(from: start, to: end,
                                          segments: OffsetSegment.segments(of: options.timeZone, from: start, to: end))
        let meteredPools = Set(read.parts.map(\.pool))
        let planned = Dictionary((options.poolsFile?.pools ?? []).map { ($0.plan.pool.name, $0) }, uniquingKeysWith: { a, _ in a })
        // Whose pool each entry plans: its `account`, else the one account metering its name (several: exit 64).
        var plannedAccounts: [String: String] = [:]
        if let file = options.poolsFile {
            plannedAccounts = try file.plannedAccounts(meteredAccounts: try cache.poolAccountSets(from: start, to: end),
                                                       locators: try cache.accountLocators())
        }
        var lifetimes = try PoolLifetimes(cache: cache)
        let inventoryByName = lifetimes.inventory
        var setups: [ReportPoolSetup] = []
        var withoutShape: [String] = []
        for name in meteredPools.union(planned.keys).sorted() {
            var shape: PoolShape?
            var shapeSource: String?
            var poolCard = card
            if let s = options.poolShapes[name] {
                (shape, shapeSource) = (s, "--pool")
            } else if let e = planned[name] {
                (shape, shapeSource) = (PoolShape(family: e.plan.pool.family, nodes: e.plan.pool.minNodes), "pools file")
                if let id = e.rateCardID { poolCard = try catalog.rateCard(id: id) }
            } else if let s = options.defaultShape {
                (shape, shapeSource) = (s, "--family")
            } else if let rec = inventoryByName[name]?.max(by: { ($0.created ?? .distantPast) < ($1.created ?? .distantPast) }),
                      let familyText = rec.instanceFamily, let family = InstanceFamily(familyText) {
                (shape, shapeSource) = (PoolShape(family: family, nodes: max(rec.minNodes ?? 1, 1)), "COMPUTE_POOLS")
            }
            var rate: Decimal?
            var rateSource: String?
            if let shape {
                let r = try catalog.rate(of: shape.family, on: poolCard)
                rate = r.creditsPerNodeHour
                rateSource = "rate card \(poolCard.id), \(shape.family): \(r.source)"
            } else if meteredPools.contains(name) {
                withoutShape.append(name)
            }
            // Planned, never metered, not in the inventory: nothing says it existed, so it has no always-on or
            // plan baseline (its estimate stays, as its own line).
            let lifetime = try lifetimes.lifetime(of: name, planned: planned[name], metered: meteredPools.contains(name))
            var setup = ReportPoolSetup(pool: name, shape: shape, shapeSource: shapeSource, creditsPerNodeHour: rate,
                                        rateSource: rateSource, lifetime: lifetime, planned: planned[name] != nil)
            setup.account = plannedAccounts[name]
            setups.append(setup)
        }
        if !withoutShape.isEmpty {
            warnings.append("no instance family for \(withoutShape.joined(separator: ", ")) (not in the pools file, no "
                + "--family, no COMPUTE_POOLS row in the cache): metered cost is priced; the always-on and plan "
                + "baselines are unknown and left out of the savings. Fix: "
                + withoutShape.map { "--pool \($0)=FAMILY[:NODES]" }.joined(separator: " ") + ", or pull COMPUTE_POOLS.")
        }
        if let w = lifetimes.assumedWarning { warnings.append(w) }
        if read.rows == 0 {
            warnings.append("the cache \(cache.path) has no metered hour from \(options.from) to \(options.to); every metered "
                            + "figure is zero. Import or pull the period first, or check --cache.")
        }
        if options.poolsFile?.pools.contains(where: { !$0.plan.tasks.isEmpty }) == true {
            warnings.append("the estimate leaves out the tasks' warehouse credits, which SNOWPARK_CONTAINER_SERVICES_HISTORY "
                            + "does not meter (spcs-cost estimate --pools shows them).")
        }
        var estimates: [String: [CivilDate: (credits: Decimal, causes: [VarianceCause: Decimal])]] = [:]
        if let reconciled {
            warnings += reconciled.warnings.filter { !warnings.contains($0) }
            for rec in reconciled.pools where rec.plan != nil {
                var days: [CivilDate: (credits: Decimal, causes: [VarianceCause: Decimal])] = [:]
                // Each day's causes, priced at that day's price (as `reconcile` prices them); what the prices of
                // a second UTC day in a local day add is in the unexplained line, so the causes add up.
                for d in rec.days { days[d.date] = (d.estimatedCredits, d.explained) }
                estimates[rec.pool] = days
            }
        }
        var report = try SavingsReport.build(
            metered: read.parts, from: options.from, through: options.to, zone: options.timeZone,
            currency: options.currency, pools: setups, estimates: estimates, plan: options.plan, rateCardID: card.id,
            rates: &rates, warnings: warnings)
        // The tasks that suspend and resume the pools: their warehouse share and serverless credits, priced by the
        // ledger like compute (README "Task warehouses").
        let taskCosts = try Self.taskCosts(cache: cache, start: start, end: end, rates: &rates,
                                           poolsOf: Self.taskPools(options.taskPools, poolsFile: options.poolsFile))
        report.setTasks(taskCosts.costs)
        report.warnings += taskCosts.warnings
        report.dataChecksum = read.checksum
        report.rowCount = read.rows
        // Days that may still change: they end within the views' latency and restatement window of now.
        let provisionalAfter = env.now().addingTimeInterval(-Double(options.provisionalHours) * 3600)
        var provisionalDates = Set<CivilDate>()
        var day = options.to
        while day >= options.from, day.adding(days: 1).startInstant(in: options.timeZone) > provisionalAfter {
            provisionalDates.insert(day)
            day = day.adding(days: -1)
        }
        for i in report.days.indices where provisionalDates.contains(report.days[i].date) { report.days[i].provisional = true }
        // A local day is restated when any UTC day it overlaps is (the money views count UTC days); decided once
        // per date, not per pool and date.
        if !restatedDays.isEmpty {
            var restatedDates = Set<CivilDate>()
            var d = options.from
            while d <= options.to {
                let first = CivilDate.of(d.startInstant(in: options.timeZone), in: utc)
                let last = CivilDate.of(d.adding(days: 1).startInstant(in: options.timeZone).addingTimeInterval(-1), in: utc)
                if restatedDays.contains(where: { $0 >= first && $0 <= last }) { restatedDates.insert(d) }
                d = d.adding(days: 1)
            }
            for i in report.days.indices where restatedDates.contains(report.days[i].date) { report.days[i].restated = true }
        }
        // The bill check, over the UTC days wholly inside the period (a zone east or west of UTC cuts the first and
        // last UTC day, which the report's usage covers only in part).
        if !billed.isEmpty {
            let whole = { (d: CivilDate) -> Bool in
                d.startInstant(in: utc) >= start && d.adding(days: 1).startInstant(in: utc) <= end
            }
            var ledger: [BillCheck.AccountDay: BillCheck.LedgerDay] = [:]
            let firstWhole = start <= utcPeriod.lowerBound.startInstant(in: utc) ? utcPeriod.lowerBound : utcPeriod.lowerBound.adding(days: 1)
            let afterWhole = end >= utcPeriod.upperBound.adding(days: 1).startInstant(in: utc) ? utcPeriod.upperBound.adding(days: 1) : utcPeriod.upperBound
            if firstWhole < afterWhole {
                for r in try cache.meteredByAccountAndUTCDay(from: firstWhole.startInstant(in: utc),
                                                              to: afterWhole.startInstant(in: utc)) {
                    let charge = try rates.charge(NanoCredits(r.nanoCredits).credits, onUTCDay: r.utcDay.daysSinceEpoch,
                                                  account: r.account)
                    ledger[BillCheck.AccountDay(account: r.account, day: r.utcDay)] = BillCheck.LedgerDay(
                        credits: charge.quantity, amount: charge.priceAmount, unitPrice: charge.rate.unitPrice.price.price)
                }
            }
            report.billCheck = BillCheck.build(ledger: ledger, billed: billed.filter { whole($0.day) })
        }
        // Who used it: notebooks and users, applications, the idle share of notebook pools.
        if try cache.hasAttributionInputs(from: start, to: end) {
            let inputs = try cache.attributionRows(from: start, to: end)
            let usage = try UsageAttribution.attribute(metered: inputs.metered, notebooks: inputs.notebooks,
                                                       applicationNames: try cache.applicationNameByID(), rates: &rates)
            report.usage = usage
            report.warnings += usage.warnings
        }
        // Planned block storage and snapshots against the metered (README "Planned storage against metered").
        if let pools = options.poolsFile {
            var storageWarnings: [String] = []
            report.storageAgainstPlan = try StorageAgainstPlan.forPools(
                pools, cache: cache, pricing: pricing, from: options.from, through: options.to,
                zone: { _ in options.timeZone }, warnings: &storageWarnings).values.sorted { $0.pool < $1.pool }
            report.warnings += storageWarnings.filter { !report.warnings.contains($0) }
        }
        report.wholeBill = try wholeBill(cache: cache, pricing: pricing, rates: &rates, compute: report.metered,
                                         tasks: report.tasks, start: start, end: end)
        if let w = report.wholeBill { report.warnings += w.notes.filter { !report.warnings.contains($0) } }
        if let by = options.groupBy {
            report.groupedBy = by
            let family = Dictionary(setups.map { ($0.pool, $0.shape.map { $0.family.description } ?? "unknown") },
                                    uniquingKeysWith: { a, _ in a })
            var sums: [String: ChargeSum] = [:]
            var accounts = Set<String>()
            var applicationsOfPool: [String: Set<String>] = [:]
            for g in try cache.meteredByAccountPoolApplicationAndUTCDay(from: start, to: end) {
                let key: String
                switch by {
                case .account: key = g.account
                case .pool: key = g.pool
                case .family: key = family[g.pool] ?? "unknown"
                case .application: key = Self.applicationLabel(id: g.applicationID, name: g.application)
                }
                accounts.insert(g.account)
                applicationsOfPool[g.pool, default: []].insert(Self.applicationLabel(id: g.applicationID, name: g.application))
                sums[key, default: .zero(options.currency)] += try rates.charge(NanoCredits(g.nanoCredits).credits,
                                                                                onUTCDay: g.utcDay.daysSinceEpoch,
                                                                                account: g.account)
            }
            // The rest of the whole bill, row by row, to the line its pool belongs to, else an account line.
            var parts: [String: [ChargeKind: ChargeSum]] = [:]
            for row in report.wholeBill?.rows ?? [] {
                let key = Self.groupKey(of: row, by: by, family: family, applicationsOfPool: applicationsOfPool,
                                        accounts: accounts)
                parts[key, default: [:]][row.kind, default: .zero(options.currency)] += row.charge
            }
            report.groups = Set(sums.keys).union(parts.keys).sorted().map { key in
                var line = GroupLine(key: key, metered: sums[key] ?? .zero(options.currency))
                if report.wholeBill != nil { line.parts = parts[key] ?? [:] }
                if by == .pool, report.tasks != nil {
                    line.netSavedVsAlwaysOn = report.pools.first { $0.pool == key }?.netSavedVsAlwaysOn
                }
                if by == .account, let b = report.billCheck {
                    let days = b.days.filter { $0.account == key }
                    line.ledgerBeforeFX = days.reduce(.zero(b.currency)) { $0 + $1.ledgerAmount }
                    line.billed = days.reduce(.zero(b.currency)) { $0 + $1.billedAmount }
                }
                return line
            }
        }
        return report
    }

    /// The credits of the tasks that suspend and resume pools in `[start, end)` (README "Task warehouses"): their
    /// warehouse share (``TaskWarehouseAttribution``: each warehouse's pulled AUTO_SUSPEND as its tail, else 600 s assumed) and serverless credits, priced by
    /// ``TaskCosts/priced(_:runs:tailSeconds:rates:)``; nil costs when no run of such a task started in the period.
    /// The warnings say when warehouse runs have no metered hour.
    /// - Throws: ``StoreError``, ``FXBookError``.
    static func taskCosts(cache: UsageCache, start: Date, end: Date, rates: inout DayRates,
                          poolsOf: (TaskRunRecord) -> [String] = { PoolTaskRule.poolNames(in: $0.queryText) })
        throws -> (costs: TaskCosts?, warnings: [String]) {
        let taskRows = try cache.taskWarehouseRows(from: start, to: end)
        let poolRuns = taskRows.runs.filter {
            $0.state.uppercased() != "SKIPPED" && $0.scheduledTime >= start && PoolTaskRule.actsOnPools($0.queryText)
        }
        guard !poolRuns.isEmpty else { return (nil, []) }
        // Each warehouse's own AUTO_SUSPEND where SHOW WAREHOUSES was pulled (one that never suspends keeps the
        // assumed tail: its hours are not the tasks' alone).
        var pulled: [String: Int] = [:]
        for w in try cache.warehouseInventory() {
            if let seconds = w.autoSuspendSeconds, seconds > 0 {
                pulled["\(w.organization.uppercased())\u{1}\(w.account.uppercased())\u{1}\(w.name.uppercased())"] = seconds
            }
        }
        let tailOf: (String, String, String) -> Int? = { organization, account, warehouse in
            pulled["\(organization.uppercased())\u{1}\(account.uppercased())\u{1}\(warehouse)"]
        }
        let shares = TaskWarehouseAttribution.shares(metering: taskRows.metering, runs: taskRows.runs,
                                                     serverless: taskRows.serverless, from: start, to: end,
                                                     tailSecondsOf: tailOf, poolsOf: poolsOf)
        var costs = try TaskCosts.priced(shares, runs: poolRuns.count,
                                         tailSeconds: TaskWarehouseAttribution.defaultTailSeconds, rates: &rates)
        for r in poolRuns {
            if let wh = r.warehouseName?.uppercased(), let seconds = tailOf(r.organization, r.account, wh) {
                costs.pulledTails[wh] = seconds
            }
        }
        var warnings: [String] = []
        if poolRuns.contains(where: { $0.warehouseName != nil }) && taskRows.metering.isEmpty {
            warnings.append("the cache has runs of tasks that suspend or resume pools on a warehouse, but no "
                + "WAREHOUSE_METERING_HISTORY hour in the period: their warehouse credits are zero here. Pull with a "
                + "role that can read SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY.")
        }
        return (costs, warnings)
    }

    /// The pools a scheduling task's run acted on (README "Task warehouses"): what `resolver` reads from its
    /// QUERY_TEXT (``TaskPoolResolver``), else the pool of the pools file whose `[[pools.tasks]]` `name` is the task's
    /// NAME (any case), else none.
    static func taskPools(_ resolver: TaskPoolResolver, poolsFile: PoolsFile?) -> (TaskRunRecord) -> [String] {
        var byTaskName: [String: [String]] = [:]
        for e in poolsFile?.pools ?? [] {
            for t in e.plan.tasks where !(byTaskName[t.name.uppercased()]?.contains(e.plan.pool.name) ?? false) {
                byTaskName[t.name.uppercased(), default: []].append(e.plan.pool.name)
            }
        }
        return { run in
            let found = resolver.pools(of: run.queryText)
            return found.isEmpty ? byTaskName[run.name.uppercased()] ?? [] : found
        }
    }

    /// The `report --by` line a whole-bill row belongs to (README "report --by"): the row's pool's line where it
    /// names a pool (its family; its application when all of the pool's metered credits in the period are one
    /// application's); else an account line: `--by account` the row's account (a row booked to no account, as a run
    /// at one price books storage and transfer, goes to the only account metered when there is one), otherwise
    /// `(account)` or `(account NAME)`.
    static func groupKey(of row: LedgerRow, by: ReportGrouping, family: [String: String],
                         applicationsOfPool: [String: Set<String>], accounts: Set<String>) -> String {
        let account = row.account.isEmpty && accounts.count == 1 ? accounts.first! : row.account
        let accountLine = account.isEmpty ? "(account)" : "(account \(account))"
        switch by {
        case .account:
            return account
        case .pool:
            return row.poolName.isEmpty ? accountLine : row.poolName
        case .family:
            return row.poolName.isEmpty ? accountLine : family[row.poolName] ?? "unknown"
        case .application:
            guard !row.poolName.isEmpty, let apps = applicationsOfPool[row.poolName], apps.count == 1 else { return accountLine }
            return apps.first!
        }
    }

    /// The line of `report --by application` for an APPLICATION_ID and its last known name: `NAME (ID 9101)`;
    /// `ID 9101 (name not known)` when no row ever named it; the bare name for rows without an ID (a CSV export
    /// without the column); `""` (shown as "(none)") for pools of no application.
    public static func applicationLabel(id: String, name: String) -> String {
        if id.isEmpty { return name }
        return name.isEmpty ? "ID \(id) (name not known)" : "\(name) (ID \(id))"
    }

    /// The whole bill of the period `[start, end)`: its metered compute, the credits of the tasks that suspend and
    /// resume the pools (`tasks`, ``TaskCosts/rows``: each account's credits of each UTC day at its own credit price),
    /// and block storage, snapshots and SPCS data transfer priced by
    /// ``CurrencyBilledParts/priceByAccount(_:computeByAccountAndUTCDay:pricing:days:)`` over the UTC days wholly
    /// inside the period (those views count UTC days): each account's rows at its own region's prices, with the
    /// transfer adjustment against that account's compute of each UTC day at its own price; nil when the cache holds
    /// no row of those views for those days and no task credits.
    /// - Throws: ``StoreError``, ``FXBookError``.
    func wholeBill(cache: UsageCache, pricing: Pricing, rates: inout DayRates, compute: ChargeSum, tasks: TaskCosts?,
                   start: Date, end: Date) throws -> WholeBill? {
        let utc = TimeZone(identifier: "UTC")!
        var first = CivilDate.of(start, in: utc)
        if first.startInstant(in: utc) < start { first = first.adding(days: 1) }
        let last = CivilDate.of(end, in: utc).adding(days: -1)
        let days = first <= last ? first...last : nil
        let taskRows = tasks?.rows ?? []
        let input = try days.map { try cache.storageAndTransfer(from: $0.lowerBound, to: $0.upperBound) }
            ?? CurrencyBilledParts.Input()
        guard !input.isEmpty || !taskRows.isEmpty else { return nil }
        let bytesPerTB = pricing.unitPrices?.table(on: first).table.units.bytesPerTB ?? 1_099_511_627_776
        guard let days, !input.isEmpty else {
            return WholeBill(compute: compute, rows: [], tasks: taskRows, days: days, bytesPerTB: bytesPerTB, notes: [])
        }
        // Each account's compute of each UTC day at its own price: what its transfer adjustment is 10 % of.
        var computeByAccount: [String: [CivilDate: Money]] = [:]
        for r in try cache.meteredByAccountAndUTCDay(from: first.startInstant(in: utc),
                                                      to: last.adding(days: 1).startInstant(in: utc)) {
            let c = try rates.charge(NanoCredits(r.nanoCredits).credits, onUTCDay: r.utcDay.daysSinceEpoch,
                                     account: r.account)
            computeByAccount[r.account, default: [:]][r.utcDay] =
                (computeByAccount[r.account]?[r.utcDay] ?? .zero(pricing.currency)) + c.amount
        }
        let priced = try CurrencyBilledParts.priceByAccount(input, computeByAccountAndUTCDay: computeByAccount,
                                                            pricing: pricing, days: days)
        return WholeBill(compute: compute, rows: priced.rows, tasks: taskRows, days: days, bytesPerTB: bytesPerTB,
                         notes: priced.notes)
    }

    /// Writes `report`'s document in each of `formats` (``DocumentWriters`` names; unknown names and `table`, which
    /// goes to standard output, are skipped) into `directory` (created when missing), each file atomically (a
    /// temporary file, then a rename), in the registry's order, and returns the paths written.
    /// - Parameter progress: told, before each format is rendered, what is being written; nil = nothing.
    /// - Throws: ``OutputError`` when a file cannot be written.
    /// `hours` is the per-hour table of ``ReportDetail/hour`` (``hourlyTable(_:cache:)``), nil otherwise.
    public func write(_ report: SavingsReport, formats: [String], to directory: String,
                      stamp: ReportStamp, detail: ReportDetail = .day, hours: Table? = nil,
                      progress: ((String) -> Void)? = nil) throws -> [String] {
        try write(Document.savingsReport(report, stamp: stamp, detail: detail, hours: hours), formats: formats,
                  to: directory, progressDetail: Self.progressDetail(report), progress: progress)
    }

    /// The per-pool, per-hour table of `--detail hour` (``Document/hourlyTable(currency:source:)``): every metered
    /// hour of the report's period in the cache, read from its hourly series one pool at a time whenever a writer
    /// reads the table (never kept in memory), each hour's credits priced at the price and FX of its UTC day as the
    /// report prices them.
    /// - Throws: ``PricingError``, ``FXBookError`` or ``StoreError`` when the period cannot be priced; a read
    ///   error while writing is the table source's ``RowSource/failure``, thrown by ``write(_:formats:to:progressDetail:progress:)``.
    public func hourlyTable(_ options: ReportOptions, cache: UsageCache) throws -> Table {
        let zone = options.timeZone
        let start = options.from.startInstant(in: zone)
        let end = options.to.adding(days: 1).startInstant(in: zone)
        let utc = TimeZone(identifier: "UTC")!
        let utcPeriod = CivilDate.of(start, in: utc)...CivilDate.of(end.addingTimeInterval(-1), in: utc)
        var warnings: [String] = []
        let rates = try pricing(options, cache: cache, period: utcPeriod, warnings: &warnings).rates(for: utcPeriod)
        let segments = OffsetSegment.segments(of: zone, from: start, to: end)
        let a = Int64(start.timeIntervalSince1970.rounded(.down)), b = Int64(end.timeIntervalSince1970.rounded(.up))
        let failure = FailureBox()
        let source = RowSource(failure: { failure.error }) { body in
            var rates = rates
            do {
                // Each account's hours at its own price; a pool's hour is one row, its accounts' charges summed.
                try cache.forEachPoolAccountSeries(from: start, to: end) { pool, firstHour, accounts in
                    var segment = 0
                    for i in accounts[0].values.indices {
                        let hourStart = firstHour + Int64(i) * 3600
                        guard hourStart >= a, hourStart < b else { continue }
                        var sum: ChargeSum?
                        let utcDay = hourStart >= 0 ? hourStart / 86_400 : (hourStart - 86_399) / 86_400
                        for (owner, values) in accounts where values[i] != .min {
                            let charge = try rates.charge(NanoCredits(values[i]).credits, onUTCDay: Int(utcDay),
                                                          account: owner.account)
                            sum = (sum ?? .zero(rates.currency)) + ChargeSum(quantity: charge.quantity, amount: charge.amount)
                        }
                        guard let sum else { continue }
                        while segment < segments.count - 1, hourStart >= segments[segment].until { segment += 1 }
                        let local = hourStart + Int64(segments.isEmpty ? 0 : segments[segment].offsetSeconds)
                        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
                        body(Table.Row([.date(CivilDate(daysSinceEpoch: Int(day))),
                                        .text(FireTime.utcText(Date(timeIntervalSince1970: TimeInterval(hourStart)))),
                                        .text(pool), .number(sum.quantity), .money(sum.amount)]))
                    }
                }
            } catch {
                failure.error = error
            }
        }
        return Document.hourlyTable(currency: options.currency, source: source)
    }

    /// ` (1 pool, 30 days)`: what a report's progress line says it writes.
    public static func progressDetail(_ report: SavingsReport) -> String {
        " (\(report.pools.count) pool\(report.pools.count == 1 ? "" : "s"), \(report.days.count) days)"
    }

    /// Writes `document` in each of `formats` (as ``write(_:formats:to:stamp:progress:)``) and returns the paths.
    /// `progressDetail` ends each progress line (` (1 pool, 30 days)`).
    /// - Throws: ``OutputError`` when a file cannot be written.
    public func write(_ document: Document, formats: [String], to directory: String, progressDetail: String = "",
                      progress: ((String) -> Void)? = nil) throws -> [String] {
        let folder = env.resolve(directory)
        let writers = DocumentWriters.all.filter { $0.format != "table" && formats.contains($0.format) }
        let sources = document.tables.compactMap(\.source)
        // The formats are written side by side (each reads the same document and makes its own files), one output
        // each; the paths are listed in the registry's order whatever finished first.
        let results = ResultsBox(count: writers.count)
        for w in writers { progress?("writing the \(w.format) report into \(directory)\(progressDetail)...") }
        DispatchQueue.concurrentPerform(iterations: writers.count) { i in
            let output = FolderOutput(folder: folder, shownAs: directory)
            do {
                try writers[i].write(document, to: output)
                results.set(i, .success(output.written))
            } catch {
                results.set(i, .failure(error))
            }
        }
        var written: [String] = []
        for result in results.all {
            switch result {
            case .success(let paths): written += paths
            case .failure(let e as OutputError): throw e
            case .failure(let e): throw OutputError(path: directory, reason: "\(e.localizedDescription)")
            case nil: break
            }
        }
        // A table read from the cache while it was written may have stopped early.
        for s in sources { if let e = s.failure() { throw e } }
        return written
    }
}

/// Each writer's result, set from the writers' threads.
final class ResultsBox: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<[String], any Error>?]
    init(count: Int) { results = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<[String], any Error>) { lock.lock(); results[i] = r; lock.unlock() }
    var all: [Result<[String], any Error>?] { lock.lock(); defer { lock.unlock() }; return results }
}

/// The error a row source met, kept for whoever writes its table (sources run on the writer's thread).
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    /// The first error met (kept: the formats may read the table side by side), nil when none.
    var error: (any Error)? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); if stored == nil { stored = newValue }; lock.unlock() }
    }
}

/// A ``DocumentOutput`` into a folder (created when missing): each file is streamed into a temporary file beside
/// it, then renamed into place, so a reader never sees a half-written file; the writers' scratch files go into the
/// same folder.
public final class FolderOutput: DocumentOutput {
    /// The folder, absolute.
    public let folder: String
    /// The folder as the user named it, for messages.
    public let shownAs: String
    /// The paths written, in order.
    public private(set) var written: [String] = []

    /// An output into `folder` (absolute), shown in messages as `shownAs`.
    public init(folder: String, shownAs: String) {
        self.folder = folder
        self.shownAs = shownAs
    }

    /// The folder itself.
    public var scratchFolder: String? { folder }

    /// Streams the file through a 256 KiB buffer into `.<name>.tmp` and renames it to `name`.
    /// - Throws: ``OutputError`` naming the file.
    public func file(_ name: String, _ body: (ByteSink) throws -> Void) throws {
        let path = (folder as NSString).appendingPathComponent(name)
        let shown = (shownAs as NSString).appendingPathComponent(name)
        let temporary = (folder as NSString).appendingPathComponent(".\(name).tmp")
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw OutputError(path: shown, reason: "the file cannot be created")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            do {
                // Each piece straight from the sink's buffer to the file (no copy into a Data first).
                let fd = handle.fileDescriptor
                let sink = ByteSink { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                        if n < 0 {
                            if errno == EINTR { continue }
                            throw OutputError(path: shown, reason: String(cString: strerror(errno)))
                        }
                        offset += n
                    }
                }
                try body(sink)
                _ = try sink.finish()
                try handle.close()
            } catch {
                try? handle.close()
                throw error
            }
            guard rename(temporary, path) == 0 else {
                throw OutputError(path: shown, reason: String(cString: strerror(errno)))
            }
        } catch let e as OutputError {
            try? FileManager.default.removeItem(atPath: temporary)
            throw e
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw OutputError(path: shown, reason: "\(error.localizedDescription)")
        }
        written.append(path)
    }
}

/// Why an output file could not be written.
public struct OutputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path as shown to the user.
    public let path: String
    /// What went wrong.
    public let reason: String

    public var description: String { "cannot write \(path): \(reason); check the folder exists and is writable, or pass --out DIR." }

    /// Writes `text` to `path` through a temporary file in the same folder and a rename, so a reader never sees
    /// a half-written file; creates the folder when missing.
    /// - Throws: ``OutputError``.
    public static func writeAtomically(_ text: String, to path: String, shownAs: String) throws(OutputError) {
        try writeAtomically(Data(text.utf8), to: path, shownAs: shownAs)
    }

    /// Writes `data` to `path` as ``writeAtomically(_:to:shownAs:)`` does for text.
    /// - Throws: ``OutputError``.
    public static func writeAtomically(_ data: Data, to path: String, shownAs: String) throws(OutputError) {
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw OutputError(path: shownAs, reason: "\(error.localizedDescription)")
        }
    }
}
