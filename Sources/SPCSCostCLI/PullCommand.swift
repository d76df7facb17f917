import ArgumentParser
import Foundation
import Logging
import SnowflakeSQLAPI
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports

/// Options naming a Snowflake connection.
struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("connection")],
            help: "Connection name in connections.toml ($SNOWFLAKE_HOME, else ~/.snowflake when it exists, else ~/.config/snowflake). Default: the default connection (see connection list).")
    var connection: String?
}

/// The accounts a `pull` or `nightly` reads: connections (`-c`, repeatable), connection groups of spcs-cost's
/// config.toml (`-g`, repeatable), and how many are pulled at once.
struct AccountsOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .customLong("connection")],
            help: "Connection name in connections.toml ($SNOWFLAKE_HOME, else ~/.snowflake when it exists, else ~/.config/snowflake); repeat for several accounts. Default: the default connection (see connection list).")
    var connection: [String] = []

    @Option(name: [.customShort("g"), .customLong("group")],
            help: "A connection group: NAME = [\"conn\", ...] under [groups] in spcs-cost's config.toml; repeatable, and may be combined with -c.")
    var group: [String] = []

    @Option(help: "Accounts pulled at once when several connections are given, 1 to 64.")
    var maxAccounts: Int = AccountsPull.defaultMaxAccounts

    /// The connection names: `-c` values in order, then each group's members, duplicates (ignoring case) dropped;
    /// empty when neither is given (the default connection).
    /// - Throws: `ValidationError` (exit 64) for an unknown or empty group, or `--max-accounts` out of range.
    func connections(_ env: Environment) throws -> [String] {
        guard (1...AccountsPull.maxAccountsLimit).contains(maxAccounts) else {
            throw ValidationError("--max-accounts must be from 1 to \(AccountsPull.maxAccountsLimit) accounts, for example 4.")
        }
        var names = connection
        for name in group {
            let file = env.settings.file ?? env.settings.path
            guard let members = env.settings.groups[name] else {
                let known = env.settings.groups.keys.sorted()
                throw ValidationError("--group '\(name)' is not under [groups] in \(file) (\(known.isEmpty ? "it has no groups" : "groups: " + known.joined(separator: ", "))); add \(name) = [\"connection\", ...] there, or name the connections with -c.")
            }
            guard !members.isEmpty else {
                throw ValidationError("--group '\(name)' in \(file) lists no connection; add its connection names.")
            }
            names += members
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0.lowercased()).inserted }
    }
}

/// The client settings spcs-cost uses: its own user agent, the library's retry and concurrency defaults.
func clientOptions() -> SQLAPIClientOptions {
    var o = SQLAPIClientOptions()
    o.userAgent = "spcs-cost/\(SpcsCost.version)"
    return o
}

/// A duration flag: a number with `s`, `m` or `h` (`90s`, `30m`, `1.5h`); a bare number is minutes.
struct DurationArgument: ExpressibleByArgument, Equatable {
    /// The duration in seconds (> 0).
    var seconds: Double

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("min", 60), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { text.hasSuffix($0.suffix) } ?? ("", 60)
        guard let value = Double(text.dropLast(unit.suffix.count)), value > 0, (value * unit.seconds).isFinite else {
            return nil
        }
        seconds = value * unit.seconds
    }
}

/// How long a pull may take and how much it may hold: `pull` and `nightly` share these flags.
struct PullLimitOptions: ParsableArguments {
    @Option(help: "The whole pull (every statement, retry and status poll) ends within this time: 90s, 30m, 1h (a bare number is minutes). Default: $SPCS_COST_PULL_DEADLINE, config.toml's [pull] deadline, else 30m for pull, 45m for nightly.")
    var deadline: DurationArgument?

    @Option(help: "Seconds one HTTP request may take before it counts as hung and is retried.")
    var requestTimeout: Double = 120

    @Option(help: "Attempts per HTTP request, the first included.")
    var maxAttempts: Int = 6

    @Option(help: "Largest response body held in memory, in MiB.")
    var maxResponseMib: Int = 256

    @Option(help: "Result partitions fetched at once (in flight or waiting to be stored in order), 1 to 64.")
    var partitionWindow: Int = SQLAPIClientOptions.defaultPartitionWindow

    @Option(help: "Statements of one account's pull (history, pools, metering, money views) submitted at once, 1 to 8; the rows are written only once all have arrived.")
    var maxStatements: Int = PullOptions.defaultMaxConcurrentStatements

    @Option(help: "Grain of the usage pulled: hour (the view's rows) or day (summed by account, pool and UTC day in Snowflake, so only daily totals cross the wire; reports by UTC day only). Default: hour, day with --org.")
    var grain: LedgerGrain?

    @Flag(help: "Read SNOWPARK_CONTAINER_SERVICES_HISTORY and METERING_DAILY_HISTORY from ORGANIZATION_USAGE: every account of the organization through one connection to the organization account (it lags up to 24 h; lookback at least 48 h).")
    var org = false

    /// Sets `options.deadlineSeconds` (to `defaultDeadlineSeconds` without `--deadline`) and returns the client
    /// settings with the request timeout, attempts and response limit.
    /// - Throws: `ValidationError` (exit 64) for a value out of range.
    func apply(to options: inout PullOptions, defaultDeadlineSeconds: Double) throws -> SQLAPIClientOptions {
        guard requestTimeout > 0, requestTimeout.isFinite else {
            throw ValidationError("--request-timeout must be a number of seconds above 0, for example 120.")
        }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be 1 or more.") }
        guard (1...65_536).contains(maxResponseMib) else {
            throw ValidationError("--max-response-mib must be from 1 to 65536 (MiB), for example 256.")
        }
        guard (1...64).contains(partitionWindow) else {
            throw ValidationError("--partition-window must be from 1 to 64 partitions, for example 8.")
        }
        guard (1...8).contains(maxStatements) else {
            throw ValidationError("--max-statements must be from 1 to 8 statements, for example 4.")
        }
        options.deadlineSeconds = deadline?.seconds ?? defaultDeadlineSeconds
        options.maxConcurrentStatements = maxStatements
        options.grain = grain ?? (org ? .day : .hour)
        options.organizationWide = org
        var client = clientOptions()
        client.maxConcurrentPartitions = partitionWindow
        client.requestTimeoutSeconds = requestTimeout
        client.retry.maxAttempts = maxAttempts
        client.maxResponseBytes = maxResponseMib * 1_048_576
        return client
    }
}

extension LedgerGrain: ExpressibleByArgument {
    /// `hour` or `day`; nil for anything else.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    /// The names `--help` and completion offer.
    public static var allValueStrings: [String] { ["hour", "day"] }
}

/// The `--format` of `pull`'s summary: the names of ``DocumentWriters`` (`table` by default), and `text`, the former
/// name of `table`, accepted as an alias for one release.
enum PullFormat {
    /// The registry's format name of `argument` (`text` gives `table`).
    /// - Throws: `ValidationError` (exit 64) naming the registry's formats for an unknown name.
    static func name(_ argument: String) throws -> String {
        let given = argument.trimmingCharacters(in: .whitespaces).lowercased()
        guard let w = DocumentWriters.writer(given == "text" ? "table" : given) else {
            throw ValidationError("--format '\(argument)' must be one of \(DocumentWriters.names.joined(separator: ", ")).")
        }
        return w.format
    }
}

/// `spcs-cost pull`: metered usage from Snowflake into the cache.
struct PullCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull SPCS usage from Snowflake (SQL API v2) into the cache, incrementally.",
        discussion: """
            Loads SNOWPARK_CONTAINER_SERVICES_HISTORY, COMPUTE_POOLS, the SNOWPARK_CONTAINER_SERVICES rows of
            METERING_DAILY_HISTORY, and RATE_SHEET_DAILY and USAGE_IN_CURRENCY_DAILY when the role can read them. From
            the cache's newest hour minus --lookback hours (the views lag up to 3 hours and restate recent rows), or
            365 days back on the first pull, upserting; one transaction. The money views are read again from the
            first day of the previous month (UTC) on every pull, since Snowflake restates them until the month
            closes; a view that returns no rows is a warning that says why.
            The whole pull ends within --deadline (default 30m); a statement still running then is cancelled.
            """)

    @OptionGroup var accounts: AccountsOptions

    @Option(help: "Pull from this day (YYYY-MM-DD, 00:00 UTC) instead of the cache's newest hour.")
    var since: CivilDate?

    @Option(help: "Hours before the cache's newest hour to pull again.")
    var lookback: Int = 24

    @Option(help: ArgumentHelp("Output format of the pull summary: \(DocumentWriters.names.joined(separator: ", ")) (text, the former name of table, is accepted until the next release). json is the summary object scripts read; csv and xlsx write files into --out DIR.", valueName: "format"))
    var format: String = "table"

    @Option(help: "Folder to write the summary's files into (- prints a text format to standard output). Default: standard output.")
    var out: String?

    /// Rejects an unknown `--format` at parse time (exit 64).
    func validate() throws { _ = try PullFormat.name(format) }

    @OptionGroup var limits: PullLimitOptions

    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var createOption: CreateCacheOption
    @OptionGroup var logging: LoggingOptions

    /// Rewrites the terminal's last line with `line`.
    @Sendable static func showProgress(_ line: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// Writes a warning about the connection's files to standard error at once, so it shows even if the pull fails.
    @Sendable static func showWarning(_ line: String) {
        FileHandle.standardError.write(Data("warning: \(line)\n".utf8))
    }

    func execute(in env: Environment) async throws -> CommandOutput {
        guard lookback >= 0 else { throw ValidationError("--lookback must be 0 or more hours.") }
        let formatName = try PullFormat.name(format)
        let documentOutput = try DocumentOutputOptions.parse(["--format", formatName] + (out.map { ["--out", $0] } ?? []))
        let stamp = ReportStamp(toolVersion: SpcsCost.version, commandLine: env.commandLine)
        let connections = try accounts.connections(env)
        guard !limits.org || connections.count <= 1 else {
            throw ValidationError("--org reads every account through one connection to the organization account; give one -c.")
        }
        var options = PullOptions()
        options.connectionName = connections.first
        options.since = since
        options.lookbackHours = lookback
        var client = try limits.apply(
            to: &options, defaultDeadlineSeconds: try configuredDeadlineSeconds(env) ?? PullOptions.defaultDeadlineSeconds)
        let cache = try cacheOptions.open(env, createFolder: createOption.create)
        let log = logging.logger()
        for other in connections.dropFirst() { logConnection(log, env: env, name: other) }
        let watch = ConnectionWatch.start(log, env: env, name: options.connectionName, client: &client,
                                          deadlineSeconds: options.deadlineSeconds)
        defer { watch.stop() }
        log.info("cache \(cache.path); deadline \(Int(options.deadlineSeconds)) s, request timeout \(Int(client.requestTimeoutSeconds)) s, at most \(client.retry.maxAttempts) attempts a request")
        let terminal = isatty(STDERR_FILENO) == 1
        let progress: (@Sendable (String) -> Void)? = terminal ? Self.showProgress : nil
        let service = PullService(env: env, transport: CurlTransport(), clientOptions: client)
        if connections.count > 1 {
            let started = env.now()
            let results = await AccountsPull(service: service).pull(
                connections: connections, options: options, maxAccounts: accounts.maxAccounts, into: cache,
                progress: progress, warn: Self.showWarning)
            if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            let report = AccountsPullReport(results: results, cachePath: cache.path, maxAccounts: accounts.maxAccounts,
                                            durationMilliseconds: Int(env.now().timeIntervalSince(started) * 1000))
            for r in results { if let s = r.summary { Self.log(s, log) } }
            let stdout = formatName == "json" ? JSONTextEncoding.encode(report.json) : formatName == "table" ? report.text
                : try documentOutput.output(report.document(stamp: stamp), env: env).stdout
            let stderr = report.viewWarnings + report.failureLines
            guard report.failed == 0 else {
                FileHandle.standardError.write(Data(stderr.utf8))
                FileHandle.standardOutput.write(Data(stdout.utf8))
                throw ExitCode(ExitStatus.someAccountsFailed)
            }
            return CommandOutput(stdout: stdout, stderr: stderr)
        }
        let summary = try await service.pull(options, into: cache, progress: progress, warn: Self.showWarning)
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let viewWarnings = summary.viewWarnings.map { "warning: \($0)\n" }.joined()
        Self.log(summary, log)
        if formatName == "json" { return CommandOutput(stdout: JSONTextEncoding.encode(summary), stderr: viewWarnings) }
        let document = Document.pullSummary(summary, cachePath: cache.path, stamp: stamp)
        // The view warnings go to standard error in every format (cron logs read them there); the document has them too.
        return CommandOutput(stdout: try documentOutput.output(document, env: env).stdout, stderr: viewWarnings)
    }

    /// Logs each statement of `summary` at info (its handle at debug) and the window.
    static func log(_ summary: PullSummary, _ log: Logger) {
        for s in summary.statements {
            log.info("\(summary.connection): \(s.view): \(s.skipped.map { "skipped, " + $0 } ?? "\(s.rows) rows in \(s.partitions) partitions")")
            log.debug("\(summary.connection): \(s.view): statement \(s.statementHandle ?? "-")")
        }
        log.info("\(summary.connection): pulled \(summary.windowStart) to \(summary.windowEnd) in \(summary.durationMilliseconds) ms")
    }

    /// The text summary of one account's pull: the window, the connection, each statement, and the hourly rows.
    static func text(_ summary: PullSummary, cachePath: String) -> String {
        var out = "Pulled \(summary.windowStart) to \(summary.windowEnd) from connection \(summary.connection) "
            + "into \(cachePath) in \(summary.durationMilliseconds) ms:\n"
        for s in summary.statements {
            let what: String
            if let skipped = s.skipped {
                what = "skipped, " + skipped
            } else {
                let plural = s.partitions == 1 ? "" : "s"
                what = "\(s.rows) rows in \(s.partitions) partition\(plural) (statement \(s.statementHandle ?? "-"))"
            }
            out += "  \(s.view): \(what)\n"
        }
        out += "  \(summary.grain == .day ? "daily" : "hourly") rows: \(summary.inserted) new, \(summary.updated) restated, "
            + "\(summary.unchanged) unchanged\n"
        return out
    }
}

/// What a many-accounts `pull` (or the pull of `nightly`) prints: each account's summary or failure, in the order
/// the connections were given.
struct AccountsPullReport {
    /// One result per connection.
    var results: [AccountPullResult]
    /// The cache written.
    var cachePath: String
    /// `--max-accounts`.
    var maxAccounts: Int
    /// Wall-clock duration of the whole run in milliseconds.
    var durationMilliseconds: Int

    /// Accounts that failed.
    var failed: Int { results.filter { $0.summary == nil }.count }

    /// The JSON document: `accounts` (one object per connection: `connection`, `account`, `status` `pulled` or
    /// `failed`, and `summary` or `error` with its `exitCode`), `pulled`, `failed`, `maxAccounts`,
    /// `durationMilliseconds`.
    struct JSON: Encodable {
        struct Account: Encodable {
            var connection: String
            var account: String?
            var status: String
            var summary: PullSummary?
            var error: String?
            var exitCode: Int32?
        }
        var accounts: [Account]
        var pulled: Int
        var failed: Int
        var maxAccounts: Int
        var durationMilliseconds: Int
    }

    var json: JSON {
        JSON(accounts: results.map { r in
            JSON.Account(connection: r.connection, account: r.account, status: r.summary == nil ? "failed" : "pulled",
                         summary: r.summary, error: r.failure.map { "\($0)" },
                         exitCode: r.failure.map { ExitStatus.code(for: $0) })
        }, pulled: results.count - failed, failed: failed, maxAccounts: maxAccounts,
             durationMilliseconds: durationMilliseconds)
    }

    /// One heading line, then per account its text summary (``PullCommand/text(_:cachePath:)``) or a FAILED line.
    var text: String {
        var out = "Pulled \(results.count) accounts into \(cachePath) in \(durationMilliseconds) ms (at most "
            + "\(maxAccounts) at once): \(results.count - failed) pulled, \(failed) failed.\n"
        for r in results {
            let name = r.account ?? "account not known"
            if let s = r.summary {
                out += "\(name): " + PullCommand.text(s, cachePath: cachePath)
            } else if let e = r.failure {
                out += "\(name): FAILED from connection \(r.connection) (exit \(ExitStatus.code(for: e))): \(e); "
                    + "nothing of this account was written.\n"
            }
        }
        return out
    }

    /// The many-accounts summary as a document (every `--format` but `table` and `json`): one row per account with
    /// its status, hourly rows and exit code, the view warnings (each prefixed with its connection) and failures as
    /// warnings, and the stamp.
    func document(stamp: ReportStamp) -> Document {
        var t = Table(id: "accounts", title: "Accounts", columns: [
            .init(key: "connection", label: "Connection", kind: .text), .init(key: "account", label: "Account", kind: .text),
            .init(key: "status", label: "Status", kind: .text), .init(key: "window_start", label: "From", kind: .text),
            .init(key: "window_end", label: "To", kind: .text), .init(key: "new", label: "New", kind: .integer),
            .init(key: "restated", label: "Restated", kind: .integer), .init(key: "unchanged", label: "Unchanged", kind: .integer),
            .init(key: "exit_code", label: "Exit code", kind: .integer), .init(key: "error", label: "Error", kind: .text)])
        for r in results {
            let s = r.summary
            t.rows.append(.init([.text(r.connection), r.account.map(Cell.text) ?? .empty, .text(s == nil ? "failed" : "pulled"),
                                 s.map { .text($0.windowStart) } ?? .empty, s.map { .text($0.windowEnd) } ?? .empty,
                                 s.map { .integer($0.inserted) } ?? .empty, s.map { .integer($0.updated) } ?? .empty,
                                 s.map { .integer($0.unchanged) } ?? .empty,
                                 r.failure.map { .integer(Int(ExitStatus.code(for: $0))) } ?? .empty,
                                 r.failure.map { .text("\($0)") } ?? .empty]))
        }
        let warnings = results.flatMap { r in (r.summary?.viewWarnings ?? []).map { "\(r.connection): \($0)" } }
            + results.compactMap { r in r.failure.map { "connection \(r.connection) failed: \($0); nothing of this account was written." } }
        return Document(
            kind: "pull", fileBase: "spcs-cost-pull_accounts", title: "Pull of \(results.count) accounts",
            stamp: DocumentStamp(currency: .usd, toolVersion: stamp.toolVersion, commandLine: stamp.commandLine, lines: [
                .init(key: "cache", label: "Cache", text: cachePath),
                .init(key: "tool", label: "Tool", text: "spcs-cost \(stamp.toolVersion)"),
                .init(key: "command", label: "Command", text: stamp.commandLine, code: true)]),
            warnings: warnings,
            notes: ["Pulled \(results.count) accounts into \(cachePath) in \(durationMilliseconds) ms (at most "
                + "\(maxAccounts) at once): \(results.count - failed) pulled, \(failed) failed."],
            currency: .usd, sections: [.init(id: "accounts", title: "Accounts", blocks: [.table(t)])])
    }

    /// The view warnings of every account, prefixed with its connection.
    var viewWarnings: String {
        results.flatMap { r in (r.summary?.viewWarnings ?? []).map { "warning: \(r.connection): \($0)\n" } }.joined()
    }

    /// One `error:` line per failed account, for standard error.
    var failureLines: String {
        results.compactMap { r in
            r.failure.map { "error: connection \(r.connection) (\(r.account ?? "account not known")): \($0)\n" }
        }.joined()
    }
}

/// `spcs-cost connection`: check a Snowflake connection.
struct ConnectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connection", abstract: "List, show and check Snowflake connections.",
        subcommands: [ConnectionListCommand.self, ConnectionShowCommand.self, ConnectionTestCommand.self])
}

/// `spcs-cost connection test`: checks the config and key, runs SELECT CURRENT_ACCOUNT(), CURRENT_REGION(), and
/// explains the known failures.
struct ConnectionTestCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check the connection's config and key, run SELECT CURRENT_ACCOUNT(), CURRENT_REGION(), and explain failures.")

    @OptionGroup var connectionOptions: ConnectionOptions
    @OptionGroup var logging: LoggingOptions

    func execute(in env: Environment) async throws -> CommandOutput {
        var client = clientOptions()
        let watch = ConnectionWatch.start(logging.logger(), env: env, name: connectionOptions.connection,
                                          client: &client, deadlineSeconds: nil)
        defer { watch.stop() }
        let d = await ConnectionDiagnosis.run(
            connectionName: connectionOptions.connection, environment: env.variables, homeDirectory: env.homeDirectory,
            transport: CurlTransport(), now: env.now, options: client)
        var out = ""
        if let name = d.connectionName { out += "Connection: \(name)\n" }
        if let url = d.baseURL { out += "URL: \(url)\n" }
        if let t = d.tokenType { out += "Token type: \(t)\n" }
        if let fp = d.keyFingerprint { out += "Key fingerprint: \(fp) (compare with RSA_PUBLIC_KEY_FP in DESCRIBE USER)\n" }
        if let a = d.claimsAccount, let u = d.claimsUser { out += "JWT claims: account \(a), user \(u)\n" }
        for w in d.warnings { out += "warning: \(w)\n" }
        if d.succeeded {
            out += "OK: CURRENT_ACCOUNT() = \(d.account ?? "?"), CURRENT_REGION() = \(d.region ?? "?")\n"
            return CommandOutput(stdout: out)
        }
        out += "FAILED (\(d.problem!.rawValue)):\n" + d.explanation.map { "  \($0)\n" }.joined()
        FileHandle.standardOutput.write(Data(out.utf8))
        throw ExitCode(ExitStatus.code(for: d.problem!))
    }
}

/// What a command that talks to Snowflake shows while it does: its connection, resolved offline, at info (each
/// key's source at debug, secrets never); each request at info; and, when the first request is still unanswered
/// after 2 s, one line on standard error saying what it is waiting for.
struct ConnectionWatch {
    /// The task that prints the waiting line; cancelled by ``stop()``.
    let notice: Task<Void, Never>

    /// Starts watching: logs the connection, routes `client`'s request log to `log`, and arms the 2-second notice.
    /// - Parameter deadlineSeconds: the whole run's deadline, named in the notice; nil = none.
    static func start(_ log: Logger, env: Environment, name: String?, client: inout SQLAPIClientOptions,
                      deadlineSeconds: Double?) -> ConnectionWatch {
        let host = logConnection(log, env: env, name: name)
        let answered = AnswerFlag()
        client.log = { line in
            answered.set()
            log.info("\(line)")
        }
        let deadline = deadlineSeconds.map { "; the run after --deadline \(Int($0)) s" } ?? ""
        let line = "spcs-cost: still waiting for \(host ?? "Snowflake") to answer the first request (each try "
            + "ends after --request-timeout \(Int(client.requestTimeoutSeconds)) s\(deadline))\n"
        let notice = Task { [answered, line] in
            try? await Task.sleep(nanoseconds: 2_000_000_000)
            guard !Task.isCancelled, !answered.isSet else { return }
            FileHandle.standardError.write(Data(line.utf8))
        }
        return ConnectionWatch(notice: notice)
    }

    /// Stops the notice (the run is over, or answered).
    func stop() { notice.cancel() }
}

/// Set once the first HTTP answer (or failure) of a pull is logged.
final class AnswerFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    /// Marks the flag.
    func set() { lock.withLock { value = true } }
    /// True once ``set()`` was called.
    var isSet: Bool { lock.withLock { value } }
}

/// Logs the connection a pull will use, resolved offline: name, account, URL and where it is defined at info, each
/// key's source at debug. Values of secret keys are never logged.
/// - Returns: the connection's URL, or nil when it cannot be resolved (the pull then reports why).
@discardableResult
func logConnection(_ log: Logger, env: Environment, name: String?) -> String? {
    let loader = ConnectionLoader(environment: env.variables, homeDirectory: env.homeDirectory)
    guard let found = try? loader.search(connectionName: name),
        let connection = found.connections.first(where: { $0.name.lowercased() == found.defaultName.value.lowercased() })
    else { return nil }
    let url = (try? loader.configuration(of: connection).baseURL().absoluteString) ?? "-"
    log.info("connection \(connection.name) (\(found.defaultName.source)): account \(connection.values["account"]?.value ?? "-"), \(url), defined in \(connection.definedIn)")
    for key in connection.values.keys.sorted() {
        let value = connection.values[key]!
        let shown = ConnectionLoader.secretKeys.contains(key) ? "(secret, not shown)" : value.value
        log.debug("connection \(connection.name): \(key) = \(shown) from \(value.source)")
    }
    return url
}

/// JSON text of any Encodable, deterministic (sorted keys).
enum JSONTextEncoding {
    static func encode(_ value: some Encodable) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Plain value types of strings and numbers: encoding cannot fail.
        return String(decoding: try! e.encode(value), as: UTF8.self) + "\n"
    }
}
