import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports

/// Options that describe how pools are priced when the cache has no family for them, and the business-hours plan.
struct PlanOptions: ParsableArguments {
    @Option(help: "Instance family of every pool (the usage view has no family column).", completion: .list(SpcsCost.instanceFamilies))
    var family: String?

    @Option(help: "Nodes (MIN_NODES) of every pool given by --family.")
    var nodes: Int = 1

    @Option(name: .customLong("pool"), help: "Shape of one pool: NAME=FAMILY[:NODES] (repeatable).")
    var pools: [String] = []

    @Option(help: "Business-hours plan window, HH:MM-HH:MM, for example 10:00-19:00.")
    var businessHours: String?

    @Option(help: "Weekdays of the plan: MON-FRI, or a list such as MON,WED,FRI.")
    var weekdays: String = "MON-FRI"

    @Option(help: "IANA zone of the plan's wall times, for example Asia/Tokyo. Default: --timezone.")
    var scheduleTimezone: String?

    func defaultShape() throws -> PoolShape? {
        guard let family else { return nil }
        return try shape(family: family, nodes: nodes, flag: "--family")
    }

    func shapes() throws -> [String: PoolShape] {
        var result: [String: PoolShape] = [:]
        for spec in pools {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--pool '\(spec)' must be NAME=FAMILY[:NODES], for example JUPYTER_POOL=CPU_X64_XS:1.")
            }
            let fn = parts[1].split(separator: ":").map(String.init)
            guard fn.count <= 2, let n = fn.count == 2 ? Int(fn[1]) : 1 else {
                throw ValidationError("--pool '\(spec)': the node count after ':' must be a whole number.")
            }
            result[parts[0]] = try shape(family: fn[0], nodes: n, flag: "--pool")
        }
        return result
    }

    func shape(family: String, nodes: Int, flag: String) throws -> PoolShape {
        guard let f = InstanceFamily(family) else {
            throw ValidationError("\(flag) '\(family)' is not an instance family name; use a name such as CPU_X64_XS.")
        }
        // The pool rules of pools files and setup SQL (ComputePool.violation), for a node count given by a flag.
        if let v = ComputePool.violation(minNodes: nodes, maxNodes: nodes, autoSuspendSeconds: 0) {
            throw ValidationError("the node count \(nodes) (\(flag) \(family)) \(v.reason(naming: { _ in "--nodes" })).")
        }
        return PoolShape(family: f, nodes: nodes)
    }

    func plan(defaultZone: TimeZone) throws -> BusinessHours? {
        guard let businessHours else { return nil }
        func hm(_ s: Substring) -> Int? {
            let p = s.split(separator: ":")
            guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0..<60).contains(m),
                  h * 60 + m <= 1440 else { return nil }
            return h * 3600 + m * 60
        }
        let ends = businessHours.split(separator: "-")
        guard ends.count == 2, let start = hm(ends[0]), let end = hm(ends[1]), start < end else {
            throw ValidationError("--business-hours '\(businessHours)' must be HH:MM-HH:MM with the start before the end, for example 10:00-19:00.")
        }
        let zone = try scheduleTimezone.map { try parseTimeZone($0, flag: "--schedule-timezone") } ?? defaultZone
        return BusinessHours(startSecondOfDay: start, endSecondOfDay: end, weekdays: try parseWeekdays(weekdays),
                             zone: zone)
    }
}

/// Parses `MON-FRI`, `SAT,SUN`, `MON,WED-FRI` (names or 0-6 with 0 = Sunday; ranges do not wrap).
func parseWeekdays(_ text: String) throws -> Set<Weekday> {
    var days = Set<Weekday>()
    for part in text.split(separator: ",") {
        let ends = part.split(separator: "-").map(String.init)
        guard (1...2).contains(ends.count), let a = Weekday(name: ends[0]), let b = Weekday(name: ends.last!),
              a <= b else {
            throw ValidationError("--weekdays '\(text)' must be names such as MON-FRI or MON,WED,FRI (ranges run SUN to SAT and do not wrap).")
        }
        for r in a.rawValue...b.rawValue { days.insert(Weekday(rawValue: r)!) }
    }
    return days
}

/// Options that choose the credit price and the presentation currency of a report.
struct PriceOptions: ParsableArguments {
    @Option(help: "Rate card id (2026-04, 2024). Default: the card in force on the period's first day (nightly: the month's).")
    var rateCard: String?

    @Option(help: "Region of the credit price: aws-ap-northeast-1 or AWS_AP_NORTHEAST_1. Default: the pools file's, $SPCS_COST_REGION, config.toml's region, else aws-us-east-1.")
    var region: String?

    @Option(help: "Edition of the credit price: standard, enterprise, business-critical, vps. Default: the pools file's first, else standard.")
    var edition: Edition?

    @Option(help: "Price per credit in USD: a what-if that replaces the rate sheet, contract and price table.")
    var creditPrice: Decimal?

    @Option(help: "Presentation currency (ISO 4217). Default: the pools file's, else $SPCS_COST_CURRENCY, else config.toml's currency, else USD.")
    var currency: String?

    @Option(help: ArgumentHelp("Exchange rate, repeatable: RATE (units of --currency per unit of the price currency, undated) or QUOTE/BASE=RATE (EUR/USD=0.92: EUR per USD). Default: the pools file's fx pairs.", valueName: "rate"))
    var fx: [String] = []

    @Option(help: "Date (YYYY-MM-DD) that chooses the credit price table. Default: the period's first day (nightly: the month's).")
    var asOf: CivilDate?

    @Option(help: "CSV of dated exchange rates (date,base,quote,rate,source): each UTC day of usage converts at its own rate; a missing day takes the latest earlier rate within 4 days.", completion: .file(extensions: ["csv"]))
    var fxFile: String?

    @Option(help: "How a day finds its rate in --fx-file: daily (the day's row) or monthly (the row of the month's first day).")
    var fxLookup: FXTable.Lookup?

    /// The dated rates of `--fx-file` (nil without it) and their lookup (`--fx-lookup`, default daily).
    /// - Throws: `ValidationError` for `--fx-lookup` without `--fx-file`; ``InputFileError`` or ``StoreError`` for
    ///   an unreadable or bad file (naming the line and column).
    func fxTable(_ env: Environment) throws -> (table: FXTable, lookup: FXTable.Lookup)? {
        guard let fxFile else {
            guard fxLookup == nil else {
                throw ValidationError("--fx-lookup chooses rows of --fx-file; add --fx-file FILE or drop --fx-lookup.")
            }
            return nil
        }
        return (try LedgerPricing.fxTable(file: fxFile, env: env), fxLookup ?? .daily)
    }

    /// Sets the price fields of `o`: each flag, else the pools file's `[defaults]`, else the built-in default.
    func apply(to o: inout ReportOptions, defaults: PoolsFile.Defaults?, env: Environment) throws {
        o.rateCardID = rateCard ?? defaults?.rateCardID
        o.region = try configuredRegion(region ?? defaults?.region, env)
        o.edition = edition ?? defaults?.editions.first ?? .standard
        o.creditPrice = creditPrice
        o.currency = try configuredCurrency(currency, fallback: defaults?.currency, env)
        o.fx = try fx.map { try FXArgument.parse($0) }
        o.asOf = asOf
        if let dated = try fxTable(env) { (o.fxTable, o.fxLookup) = (dated.table, dated.lookup) }
    }
}

/// `spcs-cost report`: metered usage per pool and day against always-on and a business-hours plan.
struct ReportCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the savings report (CSV, Markdown, JSON, HTML) for a period from the cache.",
        discussion: """
            Example: spcs-cost report --from 2024-04-01 --to 2024-04-30 --timezone Asia/Tokyo --family CPU_X64_XS --business-hours 10:00-19:00 --weekdays MON-FRI --region aws-ap-northeast-1 --currency JPY --fx 150 --pools Fixtures/pools/jupyterlab-april-2024.toml

            Files (dated by the period, in --out): …_summary.csv, …_pools.csv, …_days.csv and the other tables' \
            CSV files plus …_notes.csv (csv), ….md (markdown), ….json (json), ….html (html, one self-contained page \
            with a chart per pool), ….xlsx (xlsx, a sheet per table and a Notes sheet). table prints the whole \
            report to standard output instead of the short summary. Every format carries every warning, rounding \
            line and check and the stamp: rate card, credit prices and the days each applied, FX, data checksum and \
            row count, the rounding rule and this command line. The same cache and flags give byte-identical files.
            """)

    @OptionGroup var days: DayRangeOptions

    @Option(help: "IANA zone of the report's calendar days.")
    var timezone: String = "UTC"

    @Option(help: "Folder for the report files; - writes the one file of a single text --format (\(ReportCommand.textFormats.joined(separator: ", "))) to standard output.")
    var out: String = "Reports"

    @Option(help: ArgumentHelp("Comma-separated formats: \(DocumentWriters.names.joined(separator: ", ")). table prints to standard output; the others write files into --out.", valueName: "formats"))
    var format: String = ReportOptions.defaultFormats.joined(separator: ",")

    @Option(help: ArgumentHelp(ReportCommand.detailHelp, valueName: "level"))
    var detail: ReportDetail = .day

    /// `--detail`'s help, shared with `nightly`.
    static let detailHelp = "Tables to write: summary (the summary for finance only), pool (and the per-pool table), "
        + "day (and a chart per pool and the per-day table: the default), hour (and a per-pool, per-hour table of "
        + "every metered hour)."

    /// The formats `--out -` can print: the registry's text formats.
    static var textFormats: [String] { DocumentWriters.all.filter(\.isText).map(\.format) }

    @Option(help: "A pools file (TOML): each pool's family and nodes, and its schedule's estimate to set against the metered credits, with the difference by cause.", completion: .file(extensions: ["toml"]))
    var pools: String?

    @Option(name: .customLong("from-sql"), help: "The setup SQL that creates the pools, services and the procedures the scheduling tasks call: tells which pool each task's run acts on, so its credits are set against that pool's saving (README \"Task warehouses\").", completion: .file(extensions: ["sql"]))
    var fromSQL: String?

    @Option(name: .customLong("service-pool"), help: ArgumentHelp("With --from-sql, repeatable: the compute pool a service runs in, when the script does not say; wins over the script.", valueName: "service=pool"))
    var servicePools: [String] = []

    @Option(help: "Group the priced ledger's metered cost by account, pool, family or application (a table of its own in every format; with the bill check per account for account).")
    var by: ReportGrouping?

    @OptionGroup var plan: PlanOptions
    @OptionGroup var price: PriceOptions
    @OptionGroup var cacheOptions: CacheOptions

    /// The resolver of `--from-sql FILE` and `--service-pool` (``TaskPoolResolver``), shared with `nightly`; nil
    /// without `--from-sql`.
    /// - Throws: `ValidationError` (exit 64) for `--service-pool` without `--from-sql`, ``EstimateError`` (64) for a
    ///   value that is not SERVICE=POOL, ``InputFileError`` when the file cannot be read.
    static func taskPools(fromSQL: String?, servicePools: [String], env: Environment) throws -> TaskPoolResolver? {
        guard let fromSQL else {
            guard servicePools.isEmpty else {
                throw ValidationError("--service-pool only applies with --from-sql: it names the pool of a service in the setup SQL.")
            }
            return nil
        }
        let text = String(decoding: try InputFileError.read(fromSQL, env: env), as: UTF8.self)
        return TaskPoolResolver(setupSQL: text, servicePools: try SetupPlans.servicePools(servicePools))
    }

    func reportOptions(_ env: Environment) throws -> ReportOptions {
        let zone = try parseTimeZone(timezone, flag: "--timezone")
        var o = ReportOptions(from: days.first, to: days.last, timeZone: zone)
        o.defaultShape = try plan.defaultShape()
        o.poolShapes = try plan.shapes()
        o.plan = try plan.plan(defaultZone: zone)
        o.groupBy = by
        o.detail = detail
        o.formats = try format.split(separator: ",").map {
            guard let w = DocumentWriters.writer(String($0)) else {
                throw ValidationError("--format '\(format)' must list \(DocumentWriters.names.joined(separator: ", ")), comma-separated.")
            }
            return w.format
        }
        return o
    }

    func execute(in env: Environment) async throws -> CommandOutput {
        var options = try reportOptions(env)
        if let pools {
            let text = String(decoding: try InputFileError.read(pools, env: env), as: UTF8.self)
            options.poolsFile = try PoolsFile.parse(text, file: pools)
        }
        try price.apply(to: &options, defaults: options.poolsFile?.defaults, env: env)
        if let resolver = try Self.taskPools(fromSQL: fromSQL, servicePools: servicePools, env: env) {
            options.taskPools = resolver
        }
        let toStandardOutput = out == "-"
        if toStandardOutput, options.formats.count != 1 || !Self.textFormats.contains(options.formats[0]) {
            throw ValidationError("--out - writes one file to standard output; give one --format of \(Self.textFormats.joined(separator: ", ")).")
        }
        let cache = try cacheOptions.openExisting(env)
        let service = ReportService(env: env)
        Progress.show("reading and pricing \(options.from) to \(options.to) from \(cache.path)...")
        defer { Progress.clear() }
        let report = try service.build(options, cache: cache)
        let document = Document.savingsReport(report, stamp: ReportStamp(toolVersion: SpcsCost.version,
                                                                          commandLine: env.commandLine),
                                              detail: options.detail,
                                              hours: options.detail >= .hour ? try service.hourlyTable(options, cache: cache) : nil)
        let warnings = report.warnings.map { "warning: \($0)\n" }.joined()
        if toStandardOutput, let writer = DocumentWriters.writer(options.formats[0]) {
            return .printing(document, with: writer, stderr: warnings)
        }
        let paths = try service.write(document, formats: options.formats, to: out,
                                      progressDetail: ReportService.progressDetail(report), progress: Progress.show)
        let files = paths.map { shortPath($0, env) }
        if options.formats.contains("table") {
            return .printing(document, with: TableWriter(), stderr: warnings,
                             trailer: files.map { "\nwrote \($0)" }.joined() + (files.isEmpty ? "" : "\n"))
        }
        return CommandOutput(stdout: ReportSummary.text(document, files: files), stderr: warnings)
    }
}

/// `--detail summary|pool|day|hour`.
extension ReportDetail: ExpressibleByArgument {}

/// Shows `path` relative to the working directory when it lies inside it.
func shortPath(_ path: String, _ env: Environment) -> String {
    let cwd = env.currentDirectory.hasSuffix("/") ? env.currentDirectory : env.currentDirectory + "/"
    return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
}

/// What `report` and `demo` print after writing the files: the head of the report's document (title, headline
/// figures, checks, rounding lines), rendered by the `table` writer, then the files written.
enum ReportSummary {
    static func text(_ document: Document, files: [String]) -> String {
        TableWriter().summary(document) + (files.isEmpty ? "" : "\n" + files.map { "wrote \($0)\n" }.joined())
    }
}

extension ReportGrouping: ExpressibleByArgument {
    /// `account`, `pool`, `family` or `application`; nil for anything else.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
