import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports

/// `spcs-cost whatif`: metered history re-priced under other policies.
struct WhatIfCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "Re-price metered history: what each pool would have cost always on, in business hours, with another AUTO_SUSPEND_SECS or family.",
        discussion: """
            Example: spcs-cost whatif --pools Fixtures/pools/jupyterlab.toml --from 2024-04-01 --to 2024-04-30 --policy always-on --policy business-hours=10:00-19:00,MON-FRI,Asia/Tokyo --policy auto-suspend=600
            """)

    @Option(help: "The pools file (TOML).", completion: .file(extensions: ["toml"]))
    var pools: String

    @OptionGroup var days: DayRangeOptions

    @Option(name: .customLong("policy"), help: "always-on | business-hours=HH:MM-HH:MM,WEEKDAYS,ZONE | auto-suspend=SECONDS | family=FAMILY (repeatable).")
    var policies: [String] = ["always-on"]

    @Option(help: "IANA zone of the days. Default: each pool's own zone.")
    var timezone: String?

    @OptionGroup var output: DocumentOutputOptions

    @OptionGroup var price: PriceOptions
    @OptionGroup var cacheOptions: CacheOptions

    func execute(in env: Environment) async throws -> CommandOutput {
        let text = String(decoding: try InputFileError.read(pools, env: env), as: UTF8.self)
        let file = try PoolsFile.parse(text, file: pools)
        var options = ReconcileOptions(pools: file, from: days.first, to: days.last)
        options.timeZone = try timezone.map { try parseTimeZone($0, flag: "--timezone") }
        // Prices: the flags and the pools file's [defaults], as report reads them.
        var priced = ReportOptions(from: days.first, to: days.last, timeZone: options.timeZone ?? TimeZone(identifier: "UTC")!)
        priced.poolsFile = file
        try price.apply(to: &priced, defaults: file.defaults, env: env)
        options.rateCardID = priced.rateCardID
        options.price = priced.priceSettings
        let cache = try cacheOptions.openExisting(env)
        // One pool at a time from the cache's series, priced through the ledger as it goes.
        let run = try WhatIfService(env: env).run(options, policies: policies, cache: cache)
        let input = WhatIfInput(results: run.results, from: days.first, to: days.last, rateCardID: run.rateCardID,
                                warnings: run.warnings, currency: run.currency, priceRuns: run.priceRuns)
        return try output.output(Document.whatIf(input, stamp: ReportStamp(toolVersion: SpcsCost.version,
                                                                           commandLine: env.commandLine)), env: env)
    }
}
