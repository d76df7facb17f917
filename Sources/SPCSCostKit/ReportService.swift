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
    /// `--credit-price` override, in USD.
    public var creditPrice: Decimal?
    /// Presentation currency.
    public var currency: Currency = .usd
    /// Units of `currency` per USD; required when `currency` is not USD.
    public var fxRate: Decimal?
    /// Date that chooses the credit price table; nil = `from`.
    public var asOf: CivilDate?
    /// Formats to write.
    public var formats: [ReportFileFormat] = ReportFileFormat.allCases
    /// A pools file: gives each pool's family and nodes, and its schedule's estimate to set against the metered
    /// usage; nil = shapes from `defaultShape`/`poolShapes` and no estimate.
    public var poolsFile: PoolsFile?
    /// Days ending within this many hours of now are provisional.
    public var provisionalHours: Int = 24

    /// Creates options for a period; set the others as needed.
    public init(from: CivilDate, to: CivilDate, timeZone: TimeZone) {
        self.from = from
        self.to = to
        self.timeZone = timeZone
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

    /// Builds the report with a reconciliation already made by ``reconcile(_:pools:cache:)`` (nil without a pools
    /// file), so a caller that needs it too reconciles once.
    /// - Throws: ``EstimateError``, ``PricingError``, ``ReportError`` or ``StoreError``.
    public func build(_ options: ReportOptions, cache: UsageCache, reconciled: ReconcileResult?) throws -> SavingsReport {
        guard options.from <= options.to else {
            throw EstimateError.invalidOption(flag: "--to", value: options.to.description,
                                              fix: "is before --from \(options.from); swap them")
        }
        var warnings: [String] = []
        let catalog = env.catalog
        let card: RateCard
        if let id = options.rateCardID ?? options.poolsFile?.defaults.rateCardID {
            card = try catalog.rateCard(id: id)
        } else {
            let choice = try catalog.rateCard(asOf: options.from)
            if let w = choice.warning { warnings.append(w) }
            card = choice.item
        }
        // Prices come from the same rules as the estimate, for one edition.
        var priceOptions = EstimateOptions(family: "CPU_X64_XS", hoursPerDay: 0, days: 0)
        priceOptions.region = options.region
        priceOptions.editions = [options.edition]
        priceOptions.creditPrice = options.creditPrice
        priceOptions.currency = options.currency
        priceOptions.fxRate = options.fxRate
        let estimator = EstimateService(catalog: catalog)
        let prices = try estimator.choosePrices(options: priceOptions, family: InstanceFamily("CPU_X64_XS")!,
                                                card: nil, asOf: options.asOf ?? options.from, warnings: &warnings)
        let fx = try estimator.exchangeRate(options: priceOptions, priceCurrency: prices.prices[0].price.currency)

        let start = options.from.startInstant(in: options.timeZone)
        let end = options.to.adding(days: 1).startInstant(in: options.timeZone)
        // Summed per pool and local day from the cache's per-month series: a year of a thousand pools never comes
        // into memory row by row.
        let read = try cache.meteredByDay(from: start, to: end,
                                          segments: OffsetSegment.segments(of: options.timeZone, from: start, to: end))
        var metered: SavingsReport.Metered = [:]
        for t in read.totals { metered[t.pool, default: [:]][CivilDate(daysSinceEpoch: t.day)] = (t.credits, t.hours) }
        var shapes = options.poolShapes
        var pinnedCards: [String: String] = [:]
        // A pool of the pools file is in the report when it was metered in the period: a planned pool that never ran
        // has no savings to show (reconcile lists it as planned but not metered).
        for entry in options.poolsFile?.pools ?? [] where shapes[entry.plan.pool.name] == nil && metered[entry.plan.pool.name] != nil {
            shapes[entry.plan.pool.name] = PoolShape(family: entry.plan.pool.family, nodes: entry.plan.pool.minNodes)
            pinnedCards[entry.plan.pool.name] = entry.rateCardID
        }
        if read.rows == 0 {
            warnings.append("the cache \(cache.path) has no metered hour from \(options.from) to \(options.to); every metered "
                            + "figure is zero. Import or pull the period first, or check --cache.")
        }
        if options.poolsFile?.pools.contains(where: { !$0.plan.tasks.isEmpty }) == true {
            warnings.append("the estimate leaves out the tasks' warehouse credits, which SNOWPARK_CONTAINER_SERVICES_HISTORY "
                            + "does not meter (spcs-cost estimate --pools shows them).")
        }
        var report = try SavingsReport.build(
            metered: metered, from: options.from, through: options.to, zone: options.timeZone,
            shapes: shapes, defaultShape: options.defaultShape, plan: options.plan,
            rateCardID: card.id,
            rate: { pool, family in
                let poolCard = try pinnedCards[pool].map { try catalog.rateCard(id: $0) } ?? card
                let r = try catalog.rate(of: family, on: poolCard)
                return (r.creditsPerNodeHour, "rate card \(poolCard.id), \(family): \(r.source)")
            },
            creditPrice: prices.prices[0], fx: fx, warnings: warnings)
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
        if let reconciled {
            report.warnings += reconciled.warnings.filter { !report.warnings.contains($0) }
            let byPool = Dictionary(uniqueKeysWithValues: reconciled.pools.map { ($0.pool, $0) })
            for i in report.pools.indices {
                guard let rec = byPool[report.pools[i].pool], rec.plan != nil else { continue }
                report.pools[i].estimatedCredits = rec.estimatedCredits
                report.pools[i].varianceByCause = rec.explained
            }
            let estimates = Dictionary(uniqueKeysWithValues: reconciled.pools.filter { $0.plan != nil }.map { rec in
                (rec.pool, Dictionary(uniqueKeysWithValues: rec.days.map { ($0.date, $0.estimatedCredits) }))
            })
            for i in report.days.indices {
                if let credits = estimates[report.days[i].pool]?[report.days[i].date] {
                    report.days[i].estimatedCredits = credits
                }
            }
        }
        return report
    }

    /// Writes `report` in each of `formats` into `directory` (created when missing), each file atomically
    /// (a temporary file, then a rename), and returns the paths written.
    /// - Throws: ``OutputError`` when a file cannot be written.
    public func write(_ report: SavingsReport, formats: [ReportFileFormat], to directory: String,
                      stamp: ReportStamp) throws -> [String] {
        let dir = env.resolve(directory)
        var written: [String] = []
        for file in SavingsReportWriter.files(report, formats: formats, stamp: stamp) {
            let path = (dir as NSString).appendingPathComponent(file.name)
            try OutputError.writeAtomically(file.contents, to: path, shownAs: (directory as NSString).appendingPathComponent(file.name))
            written.append(path)
        }
        return written
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
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw OutputError(path: shownAs, reason: "\(error.localizedDescription)")
        }
    }
}
