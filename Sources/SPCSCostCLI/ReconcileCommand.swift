import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports

/// `spcs-cost reconcile`: the pools file's estimate against metered usage, per pool and day, explained by cause.
struct ReconcileCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Set the estimate of a pools file against metered usage, per pool and day, explained by cause.",
        discussion: "Example: spcs-cost reconcile --pools Fixtures/pools/jupyterlab.toml --from 2024-04-01 --to 2024-04-30")

    @Option(help: "The pools file (TOML).", completion: .file(extensions: ["toml"]))
    var pools: String

    @OptionGroup var days: DayRangeOptions

    @Option(help: "IANA zone of the days. Default: each pool's own zone.")
    var timezone: String?

    @Option(help: "Days ending within this many hours of now are marked provisional.")
    var provisionalHours: Int = 24

    @OptionGroup var output: DocumentOutputOptions

    @OptionGroup var price: PriceOptions
    @OptionGroup var cacheOptions: CacheOptions

    func execute(in env: Environment) async throws -> CommandOutput {
        let text = String(decoding: try InputFileError.read(pools, env: env), as: UTF8.self)
        let file = try PoolsFile.parse(text, file: pools)
        var options = ReconcileOptions(pools: file, from: days.first, to: days.last)
        options.timeZone = try timezone.map { try parseTimeZone($0, flag: "--timezone") }
        options.provisionalHours = provisionalHours
        // Prices: the flags and the pools file's [defaults], as report reads them.
        var priced = ReportOptions(from: days.first, to: days.last, timeZone: options.timeZone ?? TimeZone(identifier: "UTC")!)
        priced.poolsFile = file
        try price.apply(to: &priced, defaults: file.defaults, env: env)
        options.rateCardID = priced.rateCardID
        options.price = priced.priceSettings
        let result = try ReconcileService(env: env).reconcile(options, cache: try cacheOptions.openExisting(env))
        let input = ReconcileReport.Input(pools: result.pools, from: result.from, to: result.to,
                                          rateCardID: result.rateCardID, warnings: result.warnings,
                                          currency: result.currency, priceRuns: result.priceRuns,
                                          storage: result.storage.values.sorted { $0.pool < $1.pool })
        let document = Document.reconcile(input, stamp: ReportStamp(toolVersion: SpcsCost.version,
                                                                    commandLine: env.commandLine))
        return try output.output(document, env: env)
    }
}
