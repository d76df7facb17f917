import ArgumentParser
import Foundation
import SnowflakeSQLAPI
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports

/// `spcs-cost nightly`: pull (when a connection is configured), reconcile, report into a dated folder, and check
/// the budget, the variance and the data's age; distinct exit codes for each failed check.
struct NightlyCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "Pull, reconcile and report the month to date into a dated folder; check budget, variance and staleness.",
        discussion: """
            Exit codes: 0 all well; 10 budget exceeded; 11 variance over --max-variance; 12 stale data (no metered
            hour newer than --stale-hours); 13 some accounts of several (-c a -c b, --group) failed to pull (the
            others' data is written and reported on); 75 another nightly run holds the lock (on the cache or on the
            --out folder); others as for every command. When several apply: 75, then 13, then stale data, then
            budget, then variance; all are printed. The pull ends within --deadline (default 45m); the locks are
            released on every exit.
            """)

    @Option(help: "The pools file (TOML). Default: $SPCS_COST_POOLS, else config.toml's pools.", completion: .file(extensions: ["toml"]))
    var pools: String?

    @Option(name: .customLong("from-sql"), help: "As for report: the setup SQL that tells which pool each scheduling task's run acts on.", completion: .file(extensions: ["sql"]))
    var fromSQL: String?

    @Option(name: .customLong("service-pool"), help: ArgumentHelp("With --from-sql, repeatable: the compute pool a service runs in, when the script does not say.", valueName: "service=pool"))
    var servicePools: [String] = []

    @OptionGroup var accounts: AccountsOptions

    @Flag(help: "Do not pull, even when a connection is configured.")
    var noPull = false

    @Option(help: "Folder under which the dated report folder is written.")
    var out: String = "Reports"

    @Option(help: "IANA zone of the report's days.")
    var timezone: String = "UTC"

    @Option(help: ArgumentHelp(ReportCommand.detailHelp, valueName: "level"))
    var detail: ReportDetail = .day

    @Option(help: "Monthly budget: AMOUNT CURRENCY, for example '1500 USD' (the currency must be the report's).")
    var budget: String?

    @Flag(help: "Check the budget against the month-end forecast instead of the month to date.")
    var budgetOnForecast = false

    @Option(help: "Maximum |metered − estimated| ÷ estimated, in percent, for the month to date.")
    var maxVariance: Decimal?

    @Option(help: "Data is stale when no metered hour ended within this many hours. Default: 27, 51 with --org (the organization view lags up to 24 h more).")
    var staleHours: Int?

    @Option(help: "The day the run stands for (YYYY-MM-DD): it reports the month up to the day before. Default: today (UTC).")
    var today: CivilDate?

    @Flag(help: "Also write advise's recommendations for the same period into the dated folder (spcs-cost-advise_… files, csv, markdown, json, html; window 08:00-19:00 MON-FRI in --timezone, serverless tasks).")
    var advise = false

    @OptionGroup var limits: PullLimitOptions
    @OptionGroup var price: PriceOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var createOption: CreateCacheOption
    @OptionGroup var logging: LoggingOptions

    func execute(in env: Environment) async throws -> CommandOutput {
        guard let poolsValue = setting("pools", flag: pools, flagName: "--pools", env) else {
            throw ValidationError("give --pools FILE (or set SPCS_COST_POOLS, or pools in spcs-cost's config.toml).")
        }
        let pools = poolsValue.source == "--pools" ? poolsValue.text : settingPath(poolsValue, env)
        let text = String(decoding: try InputFileError.read(pools, env: env), as: UTF8.self)
        let file = try PoolsFile.parse(text, file: pools)
        let zone = try parseTimeZone(timezone, flag: "--timezone")
        let today = self.today ?? env.todayUTC
        var report = ReportOptions(from: today, to: today, timeZone: zone)
        report.detail = detail
        try price.apply(to: &report, defaults: file.defaults, env: env)
        if let resolver = try ReportCommand.taskPools(fromSQL: fromSQL, servicePools: servicePools, env: env) {
            report.taskPools = resolver
        }
        var options = NightlyOptions(pools: file, report: report, outDirectory: env.resolve(out))
        options.budget = try budget.map(Self.parseBudget)
        options.budgetOnForecast = budgetOnForecast
        options.maxVariancePercent = maxVariance
        options.staleHours = staleHours ?? (limits.org ? 51 : 27)
        options.staleReference = self.today.map { $0.startInstant(in: zone) }

        let connections = try accounts.connections(env)
        guard !limits.org || connections.count <= 1 else {
            throw ValidationError("--org reads every account through one connection to the organization account; give one -c.")
        }
        var pull = PullOptions()
        pull.connectionName = connections.first
        var client = try limits.apply(
            to: &pull, defaultDeadlineSeconds: try configuredDeadlineSeconds(env) ?? PullOptions.nightlyDeadlineSeconds)
        // Day rows are UTC days: a report in another zone needs hours, so refuse before pulling.
        let month = today.adding(days: -1).firstOfMonth
        if !noPull, pull.grain == .day,
           !GrainCheck.daysAreUTCDays(zone, from: month.startInstant(in: zone), to: today.adding(days: 1).startInstant(in: zone)) {
            throw ValidationError("--timezone \(zone.identifier) needs hourly usage, which --grain day does not pull "
                                  + "(its rows are UTC days); use --grain hour, or --timezone UTC.")
        }

        var cachePath: String?
        if case let .path(p) = cacheOptions.location(env) { cachePath = p }
        let locks = try RunLock.nightlyLockPaths(cachePath: cachePath, outDirectory: env.resolve(out)).map {
            try RunLock(path: $0, processID: ProcessInfo.processInfo.processIdentifier)
        }
        defer { locks.forEach { $0.release() } }
        let cache = try cacheOptions.open(env, createFolder: createOption.create)

        var pullSummary: String?
        let log = logging.logger()
        log.info("pools \(pools); cache \(cache.path); out \(env.resolve(out))")
        var accountsFailed = 0
        if !noPull, connections.count > 1 {
            for other in connections.dropFirst() { logConnection(log, env: env, name: other) }
            let watch = ConnectionWatch.start(log, env: env, name: pull.connectionName, client: &client,
                                              deadlineSeconds: pull.deadlineSeconds)
            defer { watch.stop() }
            let started = env.now()
            let results = await AccountsPull(service: PullService(env: env, transport: CurlTransport(), clientOptions: client))
                .pull(connections: connections, options: pull, maxAccounts: accounts.maxAccounts, into: cache,
                      warn: PullCommand.showWarning)
            let report = AccountsPullReport(results: results, cachePath: cache.path, maxAccounts: accounts.maxAccounts,
                                            durationMilliseconds: Int(env.now().timeIntervalSince(started) * 1000))
            FileHandle.standardError.write(Data((report.viewWarnings + report.failureLines).utf8))
            accountsFailed = report.failed
            pullSummary = results.map { r in
                let name = r.account ?? "account not known"
                if let s = r.summary {
                    return "pulled \(s.historyRows) \(s.grain == .day ? "daily" : "hourly") rows of \(name) from \(s.connection) (\(s.inserted) new, \(s.updated) restated)."
                }
                return "FAILED to pull \(name) from \(r.connection) (exit \(r.failure.map(ExitStatus.code(for:)) ?? 0)): "
                    + "\(r.failure.map { "\($0)" } ?? "-"); the report lacks its newest data."
            }.joined(separator: "\n")
        } else if !noPull, Self.connectionConfigured(env, name: pull.connectionName) {
            let watch = ConnectionWatch.start(log, env: env, name: pull.connectionName, client: &client,
                                              deadlineSeconds: pull.deadlineSeconds)
            defer { watch.stop() }
            let s = try await PullService(env: env, transport: CurlTransport(), clientOptions: client)
                .pull(pull, into: cache, warn: PullCommand.showWarning)
            s.viewWarnings.forEach(PullCommand.showWarning)
            pullSummary = "pulled \(s.historyRows) \(s.grain == .day ? "daily" : "hourly") rows from \(s.connection) (\(s.inserted) new, \(s.updated) restated)."
        } else if noPull {
            pullSummary = "no pull (--no-pull): the cache is used as it is."
        }
        let outcome = try NightlyJob(env: env).run(
            options, cache: cache, today: today,
            stamp: ReportStamp(toolVersion: SpcsCost.version, commandLine: env.commandLine), pullSummary: pullSummary)
        var files = outcome.files
        if advise {
            files += try AdviseCommand.nightly(env: env, pools: file, report: report, today: today, cache: cache,
                                               outDirectory: env.resolve(out))
        }
        let text2 = outcome.lines.map { $0 + "\n" }.joined() + files.map { "wrote \(shortPath($0, env))\n" }.joined()
        // Precedence: 75 (thrown above, before anything ran) > 13 some accounts failed > 12 > 10 > 11 (the job's).
        let exitCode = accountsFailed > 0 ? ExitStatus.someAccountsFailed : outcome.exitCode
        guard exitCode == 0 else {
            FileHandle.standardOutput.write(Data(text2.utf8))
            throw ExitCode(exitCode)
        }
        return CommandOutput(stdout: text2)
    }

    /// `1500 USD` → 1500 USD.
    static func parseBudget(_ text: String) throws -> Money {
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 2, let amount = ExactDecimal.parse(parts[0]), amount > 0, let cur = Currency(code: parts[1]) else {
            throw ValidationError("--budget '\(text)' must be an amount and an ISO 4217 currency, for example '1500 USD'.")
        }
        return Money(amount, cur)
    }

    /// True when a connection is named, or a Snowflake configuration (connections.toml or config.toml) exists; a
    /// broken configuration then fails the run instead of being skipped silently.
    static func connectionConfigured(_ env: Environment, name: String?) -> Bool {
        if name != nil { return true }
        let dir = ConnectionLoader(environment: env.variables, homeDirectory: env.homeDirectory).configurationDirectory
        return ["connections.toml", "config.toml"].contains {
            FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent($0))
        }
    }
}
