import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostSetupSQL
import SPCSCostKit
import SPCSCostReports

/// `spcs-cost estimate`: credits and cost of a plan given by flags.
struct EstimateCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Estimate credits and cost: credits/h × nodes × hours × days × price per credit × FX.",
        discussion: """
            Example: spcs-cost estimate --family CPU_X64_XS --hours 10 --days 20 --rate-card 2024 --region aws-ap-northeast-1 --currency JPY --fx 150
            The rate card is --rate-card, else the newest card in force on --as-of (default: today, UTC);
            with --pools or --from-sql, the card in force on the period's first day.
            Each planned day is priced at the price of its own day, in the order every command shares:
            --credit-price > the pools file's contract > the on-demand table in force that day. A flat plan's
            days run from --as-of; a schedule's days are those of --period or --from/--to.
            From schedules: spcs-cost estimate --pools Fixtures/pools/jupyterlab.toml --period 2024-04
                            spcs-cost estimate --from-sql Fixtures/setup-sql/jupyterlab-setup.sql --period 2024-04
            """)

    @Option(help: "Instance family, for example CPU_X64_XS.", completion: .list(SpcsCost.instanceFamilies))
    var family: String?

    @Option(help: "Billed hours per day (0-24).")
    var hours: Decimal?

    @Option(help: "Number of days.")
    var days: Decimal?

    @Option(help: "A pools file (TOML) with pools, schedules and expected activity.", completion: .file(extensions: ["toml"]))
    var pools: String?

    @Option(name: .customLong("from-sql"), help: "The setup SQL that creates the pool and its tasks.", completion: .file(extensions: ["sql"]))
    var fromSQL: String?

    @Option(name: .customLong("service-pool"), help: ArgumentHelp("With --from-sql, repeatable: the compute pool a service runs in, when the script does not say (IN COMPUTE POOL of an unset variable, or a service it does not create); wins over the script.", valueName: "service=pool"))
    var servicePools: [String] = []

    @Option(help: "With --pools or --from-sql: a calendar month, YYYY-MM, in each pool's time zone.")
    var period: String?

    @Option(help: "With --pools or --from-sql: first day (YYYY-MM-DD), inclusive.")
    var from: CivilDate?

    @Option(help: "With --pools or --from-sql: last day (YYYY-MM-DD), inclusive.")
    var to: CivilDate?

    @Option(help: "Holidays on which no task fires: a CSV of dates or an iCalendar file.", completion: .file(extensions: ["csv", "ics"]))
    var holidays: String?

    @Option(help: "Nodes running (MIN_NODES).")
    var nodes: Int = 1

    @Option(help: "Region: aws-ap-northeast-1 or Snowflake's AWS_AP_NORTHEAST_1. Default: aws-us-east-1.")
    var region: String?

    @Option(name: .customLong("edition"), help: "Edition to price (repeatable): standard, enterprise, business-critical, vps. Default: Standard to Business Critical.")
    var editions: [Edition] = []

    @Option(help: "Price per credit in USD, replacing the price table.")
    var creditPrice: Decimal?

    @Option(help: "Presentation currency (ISO 4217), for example JPY. Default: USD (or the pools file's).")
    var currency: String?

    @Option(help: ArgumentHelp("Exchange rate, repeatable: RATE (units of --currency per USD, undated) or QUOTE/BASE=RATE (EUR/USD=0.92: EUR per USD). Default: the pools file's fx pairs.", valueName: "rate"))
    var fx: [String] = []

    @Option(help: "CSV of dated exchange rates (date,base,quote,rate,source): each planned day converts at its own rate; a missing day takes the latest earlier rate within 4 days.", completion: .file(extensions: ["csv"]))
    var fxFile: String?

    @Option(help: "How a day finds its rate in --fx-file: daily (the day's row) or monthly (the row of the month's first day).")
    var fxLookup: FXTable.Lookup?

    /// `--fx` split into its one bare rate (nil = none) and its named pairs; `--fx-file` with its lookup.
    /// - Throws: ``EstimateError`` for a bad value or a second bare rate; `ValidationError` for `--fx-lookup`
    ///   without `--fx-file`; ``InputFileError``/``StoreError`` for an unreadable or bad FX file.
    func fxSettings(_ env: Environment) throws -> (bare: Decimal?, pairs: [FXBook.FixedRate], table: FXTable?, lookup: FXTable.Lookup) {
        var bare: Decimal?
        var pairs: [FXBook.FixedRate] = []
        for text in fx {
            switch try FXArgument.parse(text) {
            case let .bare(rate):
                guard bare == nil else {
                    throw EstimateError.invalidOption(flag: "--fx", value: text, fix: "is a second bare rate; name each pair (--fx EUR/USD=0.92)")
                }
                bare = rate
            case let .pair(p): pairs.append(p)
            }
        }
        guard let fxFile else {
            guard fxLookup == nil else {
                throw ValidationError("--fx-lookup chooses rows of --fx-file; add --fx-file FILE or drop --fx-lookup.")
            }
            return (bare, pairs, nil, .daily)
        }
        return (bare, pairs, try LedgerPricing.fxTable(file: fxFile, env: env), fxLookup ?? .daily)
    }

    @Option(help: "Rate card id (2026-04, 2024), replacing the choice by date.")
    var rateCard: String?

    @Option(help: "Date (YYYY-MM-DD) that chooses the rate card and starts a flat plan's days (each day priced at its own date's price). Default: today (UTC).")
    var asOf: CivilDate?

    @Option(name: .customLong("credits-per-hour"), help: "Credits per node-hour, replacing the rate card.")
    var creditsPerHour: Decimal?

    @Flag(help: "Compare with the same pool always on (24 h a day).")
    var compareAlwaysOn = false

    @Option(help: "Days of the always-on comparison. Default: the days of the --as-of month.")
    var periodDays: Int?

    @OptionGroup var output: DocumentOutputOptions

    func execute(in env: Environment) async throws -> CommandOutput {
        let result: EstimateResult
        if pools != nil || fromSQL != nil {
            result = try estimateSchedules(env)
        } else {
            result = try estimateFlags(env)
        }
        let document = Document.estimate(result, stamp: ReportStamp(toolVersion: SpcsCost.version,
                                                                   commandLine: env.commandLine))
        return try output.output(document, env: env)
    }

    func estimateFlags(_ env: Environment) throws -> EstimateResult {
        guard let family, let hours, let days else {
            throw ValidationError("give --family, --hours and --days, or --pools FILE, or --from-sql FILE.")
        }
        for (flag, given) in [("--period", period != nil), ("--from", from != nil), ("--to", to != nil),
                              ("--holidays", holidays != nil)] where given {
            throw ValidationError("\(flag) only applies with --pools or --from-sql; for a flat plan use --hours and --days.")
        }
        guard servicePools.isEmpty else {
            throw ValidationError("--service-pool only applies with --from-sql: it names the pool of a service in the setup SQL.")
        }
        var options = EstimateOptions(family: family, hoursPerDay: hours, days: days)
        options.nodes = nodes
        options.region = try configuredRegion(region, env)
        options.editions = editions
        options.creditPrice = creditPrice
        options.currency = try configuredCurrency(currency, env)
        let rates = try fxSettings(env)
        (options.fxRate, options.fxPairs, options.fxTable, options.fxLookup) = (rates.bare, rates.pairs, rates.table, rates.lookup)
        options.rateCardID = rateCard
        options.asOf = asOf
        options.creditsPerNodeHour = creditsPerHour
        options.compareAlwaysOn = compareAlwaysOn
        options.periodDays = periodDays
        return try EstimateService(catalog: env.catalog).estimate(options, today: env.todayUTC)
    }

    func estimateSchedules(_ env: Environment) throws -> EstimateResult {
        guard (pools == nil) != (fromSQL == nil) else {
            throw ValidationError("give either --pools or --from-sql, not both.")
        }
        for (flag, given) in [("--family", family != nil), ("--hours", hours != nil), ("--days", days != nil),
                              ("--credits-per-hour", creditsPerHour != nil), ("--period-days", periodDays != nil)] where given {
            throw ValidationError("\(flag) does not apply with --pools or --from-sql: the schedules give the hours.")
        }
        if pools != nil, !servicePools.isEmpty {
            throw ValidationError("--service-pool only applies with --from-sql; a pools file names each pool itself.")
        }
        let periodSpec: PeriodSpec
        switch (period, from, to) {
        case let (p?, nil, nil):
            guard let spec = PeriodSpec(month: p) else {
                throw ValidationError("--period '\(p)' must be a month, YYYY-MM, for example 2024-04.")
            }
            periodSpec = spec
        case let (nil, f?, t?):
            periodSpec = .days(from: f, through: t)
        default:
            throw ValidationError("give --period YYYY-MM, or both --from and --to.")
        }
        var options = PlanEstimateOptions(period: periodSpec)
        options.rateCardID = rateCard
        options.asOf = asOf
        options.region = try configuredRegion(region, env)
        options.editions = editions
        options.compareAlwaysOn = compareAlwaysOn
        var currencyCode: String? = currency
        var entries: [PlanEntry] = []
        var notes: [String] = []
        var preamble: [String] = []
        var holidayFile = holidays.map { env.resolve($0) }
        var fileDefaults: PoolsFile.Defaults?
        if let pools {
            let text = String(decoding: try InputFileError.read(pools, env: env), as: UTF8.self)
            let file = try PoolsFile.parse(text, file: pools)
            options.rateCardID = options.rateCardID ?? file.defaults.rateCardID
            options.region = options.region ?? file.defaults.region
            if options.editions.isEmpty { options.editions = file.defaults.editions }
            currencyCode = currencyCode ?? file.defaults.currency?.code
            fileDefaults = file.defaults
            options.contract = file.defaults.contract
            if holidayFile == nil, let h = file.defaults.holidaysFile {
                let dir = (env.resolve(pools) as NSString).deletingLastPathComponent
                holidayFile = h.hasPrefix("/") ? h : (dir as NSString).appendingPathComponent(h)
            }
            entries = file.pools.map {
                PlanEntry(plan: $0.plan, region: $0.region, editions: $0.editions, creditPrice: $0.creditPrice,
                          rateCardID: $0.rateCardID, storage: $0.storage)
            }
        } else if let fromSQL {
            let text = String(decoding: try InputFileError.read(fromSQL, env: env), as: UTF8.self)
            let given = try SetupPlans.servicePools(servicePools)
            let analysis = SetupScript.analyze(text, servicePools: given)
            try SetupPlans.check(given, against: analysis)
            let derived = try SetupPlans.plans(from: analysis, file: fromSQL)
            preamble = SetupPlans.describe(analysis, plans: derived.plans, file: fromSQL)
            notes += derived.notes
            entries = derived.plans.map { PlanEntry(plan: $0) }
        }
        options.currency = try configuredCurrency(currencyCode, env)
        let rates = try fxSettings(env)
        if let bare = rates.bare {
            options.fx[.usd] = bare
            options.fxSource = "--fx \(ExactDecimal.text(bare)), undated"
        }
        options.fxPairs = rates.pairs + (fileDefaults?.fixedRates(runCurrency: options.currency) ?? [])
        (options.fxTable, options.fxLookup) = (rates.table, rates.lookup)
        if let holidayFile {
            let text = String(decoding: try InputFileError.read(holidayFile, env: env), as: UTF8.self)
            let parsed = try Holidays.parse(text, file: holidays ?? holidayFile)
            notes += parsed.notes
            entries = entries.map { var e = $0; e.plan.holidays = parsed.dates; return e }
        }
        guard !entries.isEmpty else { throw ValidationError("no pool to estimate; check the input file.") }
        var result = try EstimateService(catalog: env.catalog).estimate(plans: entries, options: options,
                                                                         today: env.todayUTC, notes: notes)
        result.preamble = preamble
        return result
    }
}
