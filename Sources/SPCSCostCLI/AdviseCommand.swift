import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports
import SPCSCostStore

/// `spcs-cost advise`: recommendations from the cached history, each with what it would have saved and its SQL.
struct AdviseCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "advise",
        abstract: "Recommend changes from the cached history (AUTO_SUSPEND_SECS, a suspend/resume schedule, unused pools, notebook warehouses that stay awake), each with its saving and SQL.",
        discussion: """
            Example: spcs-cost advise --period 2026-04 --family CPU_X64_XS --business-hours 09:00-18:00 --schedule-timezone UTC --task-warehouse TASK_WH

            Every saving is what the change would have saved over the period, by the billing model of whatif, priced \
            through the ledger as report prices; every recommendation states its assumptions and the SQL that applies it.

            Exit codes: 0 done (with or without recommendations); 64 a flag or its value; 65 a bad pools file or \
            cache row; 66 the cache or pools file is missing; 74 the cache cannot be read.
            """)

    @OptionGroup var days: DayRangeOptions

    @Option(help: "IANA zone of the days.")
    var timezone: String = "UTC"

    @Option(help: "A pools file (TOML): pools' families, nodes and AUTO_SUSPEND_SECS, and pools that exist but never ran.", completion: .file(extensions: ["toml"]))
    var pools: String?

    @OptionGroup var plan: PlanOptions

    @Option(help: "The AUTO_SUSPEND_SECS to propose, in seconds.")
    var suspendAfter: Int = 300

    @Option(help: "Run the proposed scheduling tasks on this warehouse (taken as X-Small). Default: serverless tasks.")
    var taskWarehouse: String?

    @Option(help: "AUTO_SUSPEND of --task-warehouse in seconds: the most a task run keeps it billed. Default: the warehouse's AUTO_SUSPEND in SHOW WAREHOUSES as last pulled, else 600.")
    var taskWarehouseAutoSuspend: Int?

    @Option(help: "The AUTO_SUSPEND to propose for a notebook's query warehouse, in seconds (at least 60, the warehouse's billing minimum).")
    var warehouseSuspendAfter: Int = AdviseOptions.defaultWarehouseSuspendAfterSeconds

    @OptionGroup var output: DocumentOutputOptions

    @OptionGroup var price: PriceOptions
    @OptionGroup var cacheOptions: CacheOptions

    /// The default window of a proposed schedule when `--business-hours` is not given.
    static let defaultWindow = "08:00-19:00"

    func validate() throws {
        guard suspendAfter >= 0 else { throw ValidationError("--suspend-after \(suspendAfter) must be 0 or more seconds, for example 300.") }
        if let s = taskWarehouseAutoSuspend, s < 0 {
            throw ValidationError("--task-warehouse-auto-suspend \(s) must be 0 or more seconds, for example 600.")
        }
        guard warehouseSuspendAfter >= TaskCompute.warehouseMinimumSeconds else {
            throw ValidationError("--warehouse-suspend-after \(warehouseSuspendAfter) must be at least "
                + "\(TaskCompute.warehouseMinimumSeconds) seconds (a warehouse bills 60 s per resume), for example 60.")
        }
        if let w = taskWarehouse, w.isEmpty || !w.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" || $0 == "." }) {
            throw ValidationError("--task-warehouse '\(w)' must be a warehouse name (letters, digits, _ and $), for example TASK_WH.")
        }
    }

    func execute(in env: Environment) async throws -> CommandOutput {
        let zone = try parseTimeZone(timezone, flag: "--timezone")
        var windowPlan = plan
        if windowPlan.businessHours == nil { windowPlan.businessHours = Self.defaultWindow }
        guard let window = try windowPlan.plan(defaultZone: zone) else { throw ValidationError("--business-hours is missing.") }
        guard window.endSecondOfDay < 86_400 else {
            throw ValidationError("--business-hours '\(windowPlan.businessHours!)' must end before 24:00: the suspend task needs a time of day, for example 08:00-23:59.")
        }
        var options = AdviseOptions(from: days.first, to: days.last, timeZone: zone, window: window)
        if plan.scheduleTimezone != nil { options.windowZoneSource = "--schedule-timezone" }
        options.defaultShape = try plan.defaultShape()
        options.poolShapes = try plan.shapes()
        options.suspendAfterSeconds = suspendAfter
        options.taskCompute = taskWarehouse.map {
            .warehouse(name: $0, autoSuspendSeconds: taskWarehouseAutoSuspend ?? TaskWarehouseAttribution.defaultTailSeconds,
                       autoSuspendSource: taskWarehouseAutoSuspend == nil ? .assumed : .flag)
        } ?? .serverless
        options.warehouseSuspendAfterSeconds = warehouseSuspendAfter
        if let pools {
            let text = String(decoding: try InputFileError.read(pools, env: env), as: UTF8.self)
            options.poolsFile = try PoolsFile.parse(text, file: pools)
        }
        var priced = ReportOptions(from: days.first, to: days.last, timeZone: zone)
        priced.poolsFile = options.poolsFile
        try price.apply(to: &priced, defaults: options.poolsFile?.defaults, env: env)
        options.rateCardID = priced.rateCardID
        options.price = priced.priceSettings
        let cache = try cacheOptions.openExisting(env)
        let run = try AdviseService(env: env).advise(options, cache: cache)
        let input = AdviseInput(advice: run.advice, from: days.first, to: days.last, timeZone: zone, rateCardID: run.rateCardID,
                                meteredCredits: run.meteredCredits.valuesInKeyOrder.reduce(0, +), metered: run.metered,
                                warnings: run.warnings, currency: run.currency, priceRuns: run.priceRuns)
        return try output.output(Document.advise(input, stamp: ReportStamp(toolVersion: SpcsCost.version,
                                                                           commandLine: env.commandLine)), env: env)
    }

    /// `nightly --advise`: the advice over the nightly period (``NightlyJob/period(today:)``) with advise's defaults
    /// (window 08:00-19:00 MON-FRI in the report's zone, AUTO_SUSPEND_SECS 300, serverless tasks), the pools file for
    /// the pools' shapes, priced as the nightly report, written as csv, markdown, json and html into the dated folder.
    /// - Returns: the paths written.
    /// - Throws: what ``AdviseService/advise(_:cache:)`` and the writers throw.
    static func nightly(env: Environment, pools: PoolsFile, report: ReportOptions, today: CivilDate, cache: UsageCache,
                        outDirectory: String) throws -> [String] {
        let (from, to) = NightlyJob.period(today: today)
        let window = BusinessHours(startSecondOfDay: 8 * 3600, endSecondOfDay: 19 * 3600,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: report.timeZone)
        var options = AdviseOptions(from: from, to: to, timeZone: report.timeZone, window: window)
        options.windowZoneSource = "the report's zone"
        options.poolsFile = pools
        options.rateCardID = report.rateCardID
        var priced = report
        priced.poolsFile = pools
        options.price = priced.priceSettings
        let run = try AdviseService(env: env).advise(options, cache: cache)
        let input = AdviseInput(advice: run.advice, from: from, to: to, timeZone: report.timeZone, rateCardID: run.rateCardID,
                                meteredCredits: run.meteredCredits.valuesInKeyOrder.reduce(0, +), metered: run.metered,
                                warnings: run.warnings, currency: run.currency, priceRuns: run.priceRuns)
        let document = Document.advise(input, stamp: ReportStamp(toolVersion: SpcsCost.version, commandLine: env.commandLine))
        let folder = (outDirectory as NSString).appendingPathComponent(today.description)
        return try ReportService(env: env).write(document, formats: ReportOptions.defaultFormats, to: folder)
    }
}
