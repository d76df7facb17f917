import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore

/// An exclusive lock on a file, so two nightly runs never overlap. Released when the value is released or the
/// process ends (an advisory `flock`, which the kernel drops with the process: a crashed run leaves no stale lock).
public final class RunLock: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32
    /// The lock file.
    public let path: String

    /// Why the lock could not be taken.
    public struct Held: Error, Equatable, Sendable, CustomStringConvertible {
        /// The lock file.
        public let path: String
        /// The process id written by the run that holds it, when readable.
        public let holder: String?
        public var description: String {
            "another spcs-cost nightly is running (it holds \(path)\(holder.map { ", process \($0)" } ?? "")); "
                + "this run stops without changing anything. Run it again when the other one is done."
        }
    }

    /// Takes the lock at `path` without waiting, writing `processID` into the file.
    /// - Throws: ``Held`` when another process holds it; ``OutputError`` when the file cannot be created.
    public init(path: String, processID: Int32) throws {
        self.path = path
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw Held(path: path, holder: holder?.isEmpty == false ? holder : nil)
        }
        self.fd = fd
        _ = ftruncate(fd, 0)
        let text = "\(processID)\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
    }

    /// Releases the lock now; releasing twice does nothing. (Releasing the value or ending the process does it too.)
    public func release() {
        lock.withLock {
            guard fd >= 0 else { return }
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    deinit { release() }

    /// The lock files of a nightly run, in the order to take them: `<cache>.nightly.lock` beside the cache's
    /// resolved file (symbolic links, `.` and `..` resolved, so one cache reached through two paths is one lock;
    /// none for a cache in memory), and `.nightly.lock` in the resolved output folder, so two runs writing one report
    /// folder cannot collide even with different caches. The output folder is created when missing.
    /// - Parameters:
    ///   - cachePath: the cache file's path (absolute); nil for a cache in memory.
    ///   - outDirectory: the folder the dated report folders go into (absolute).
    /// - Throws: ``OutputError`` when the output folder cannot be created.
    public static func nightlyLockPaths(cachePath: String?, outDirectory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: outDirectory, reason: (error as NSError).localizedDescription)
        }
        var paths = cachePath.map { [resolved($0) + ".nightly.lock"] } ?? []
        let folderLock = (resolved(outDirectory) as NSString).appendingPathComponent(".nightly.lock")
        if !paths.contains(folderLock) { paths.append(folderLock) }
        return paths
    }

    /// `path` with every symbolic link resolved (`realpath`); for a file that does not exist yet, its folder
    /// resolved and its name appended.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty, folder != path, let real = realpath(folder, nil) else {
            return (path as NSString).standardizingPath
        }
        defer { free(real) }
        return (String(cString: real) as NSString).appendingPathComponent((path as NSString).lastPathComponent)
    }
}

/// What `spcs-cost nightly` checks, with the exit code of each failed check.
public enum NightlyCheck: String, Sendable, CaseIterable {
    /// No metered row newer than the staleness limit: the data is stale (exit 12).
    case staleData = "stale-data"
    /// Metered (or forecast) cost of the month over the budget (exit 10).
    case budgetExceeded = "budget-exceeded"
    /// |metered − estimated| over the variance threshold (exit 11).
    case varianceExceeded = "variance-exceeded"

    /// The exit code, documented in README "Exit codes". When several checks fail, the first in this order wins:
    /// stale data, budget, variance.
    public var exitCode: Int32 {
        switch self {
        case .staleData: 12
        case .budgetExceeded: 10
        case .varianceExceeded: 11
        }
    }
}

/// Options of a nightly run.
public struct NightlyOptions: Sendable {
    /// The pools file.
    public var pools: PoolsFile
    /// Report options (period, zone, prices); the period is set by the job.
    public var report: ReportOptions
    /// Folder under which a dated folder is written.
    public var outDirectory: String
    /// Monthly budget; nil = no budget check.
    public var budget: Money?
    /// Compare the budget with the forecast (true) or the month-to-date metered cost (false).
    public var budgetOnForecast = false
    /// Maximum |metered − estimated| ÷ estimated, in percent; nil = no variance check.
    public var maxVariancePercent: Decimal?
    /// Data is stale when the newest metered hour ended more than this many hours before ``staleReference``.
    public var staleHours: Int = 27
    /// The instant staleness is measured from; nil = now (a replay with `--today` passes that day's start).
    public var staleReference: Date?

    /// Creates options.
    public init(pools: PoolsFile, report: ReportOptions, outDirectory: String) {
        self.pools = pools
        self.report = report
        self.outDirectory = outDirectory
    }
}

/// What a nightly run did and found.
public struct NightlyOutcome: Sendable {
    /// Lines for the log.
    public var lines: [String]
    /// Files written.
    public var files: [String]
    /// Failed checks, in exit-code precedence order.
    public var failed: [NightlyCheck]
    /// 0 when every check passed, else the first failed check's code.
    public var exitCode: Int32 { failed.first?.exitCode ?? 0 }
}

/// The nightly job: (pull,) reconcile, report into a dated folder, check budget, variance and staleness.
public struct NightlyJob: Sendable {
    /// The environment.
    public let env: Environment

    /// Creates the job.
    public init(env: Environment) { self.env = env }

    /// The period a run on `today` reports: the month to date up to yesterday; on the 1st, the whole previous month.
    public static func period(today: CivilDate) -> (from: CivilDate, to: CivilDate) {
        let yesterday = today.adding(days: -1)
        return (yesterday.firstOfMonth, yesterday)
    }

    /// Runs the job. `pullSummary` is what the pull step printed (nil when no pull ran).
    /// - Throws: errors of the report and the cache; check failures are in the outcome, not thrown.
    public func run(_ options: NightlyOptions, cache: UsageCache, today: CivilDate, stamp: ReportStamp,
                    pullSummary: String?) throws -> NightlyOutcome {
        var lines: [String] = [pullSummary ?? "no Snowflake connection configured: the cache is used as it is."]
        let (from, to) = Self.period(today: today)
        var report = options.report
        report.from = from
        report.to = to
        report.poolsFile = options.pools
        report.formats = ReportOptions.defaultFormats
        let service = ReportService(env: env)
        // One reconciliation serves the report's estimate columns and the variance check.
        let reconciled = try service.reconcile(report, pools: options.pools, cache: cache)
        var built = try service.build(report, cache: cache, reconciled: reconciled)
        let folder = (options.outDirectory as NSString).appendingPathComponent(today.description)

        // The checks read the report's own figures, and go into its files.
        var failed: [NightlyCheck] = []
        var checks: [CheckResult] = []
        let reference = options.staleReference ?? env.now()
        let newest = try cache.latestEndTime()
        if newest.map({ reference.timeIntervalSince($0) > Double(options.staleHours) * 3600 }) ?? true {
            failed.append(.staleData)
            let text = "no metered hour ended in the last \(options.staleHours) hours"
                + (newest.map { " (the newest ended \($0.ISO8601Format()))" } ?? " (the cache has none)") + "; check the pull."
            lines.append("STALE: " + text)
            checks.append(CheckResult(check: .staleData, failed: true, message: text))
        } else {
            checks.append(CheckResult(check: .staleData, failed: false,
                                      message: "a metered hour ended within the last \(options.staleHours) hours"))
        }
        if let budget = options.budget {
            guard budget.currency == built.currency else {
                throw EstimateError.invalidOption(
                    flag: "--budget", value: MoneyFormat.withCode(budget),
                    fix: "is in \(budget.currency.code) but the report is in \(built.currency.code); pass --currency "
                        + "\(budget.currency.code) or give the budget in \(built.currency.code)")
            }
            let basis = options.budgetOnForecast ? "forecast" : "month to date"
            let cost = (options.budgetOnForecast ? built.forecast?.forecast : built.forecast?.monthToDate)?.amount
                ?? built.metered.amount
            if cost.amount > budget.amount {
                failed.append(.budgetExceeded)
                let text = "\(basis) \(MoneyFormat.withCode(cost)) is over the budget of \(MoneyFormat.withCode(budget))"
                lines.append("BUDGET: \(text).")
                checks.append(CheckResult(check: .budgetExceeded, failed: true, message: text))
            } else {
                let text = "\(basis) \(MoneyFormat.withCode(cost)) within \(MoneyFormat.withCode(budget))"
                lines.append("budget: \(text).")
                checks.append(CheckResult(check: .budgetExceeded, failed: false, message: text))
            }
        }
        if let limit = options.maxVariancePercent {
            // The report's variance: metered against the estimate over every pool of the pools file (a planned pool
            // that never ran is in the estimate) and every metered pool, in money.
            if let pct = built.variancePercent {
                let shown = MoneyFormat.round(pct, scale: 1)
                if abs(pct) > limit {
                    failed.append(.varianceExceeded)
                    let text = "metered is \(shown) % off the estimate (limit \(ExactDecimal.text(limit)) %)"
                    lines.append("VARIANCE: \(text).")
                    checks.append(CheckResult(check: .varianceExceeded, failed: true, message: text))
                } else {
                    let text = "\(shown) % (limit \(ExactDecimal.text(limit)) %)"
                    lines.append("variance: \(text).")
                    checks.append(CheckResult(check: .varianceExceeded, failed: false, message: text))
                }
            }
        }
        built.checks = checks
        let files = try service.write(built, formats: report.formats, to: folder, stamp: stamp, detail: report.detail,
                                      hours: report.detail >= .hour ? try service.hourlyTable(report, cache: cache) : nil)
        lines.insert("report \(from) to \(to) written to \(folder)", at: 1)
        failed.sort { NightlyCheck.allCases.firstIndex(of: $0)! < NightlyCheck.allCases.firstIndex(of: $1)! }
        return NightlyOutcome(lines: lines, files: files, failed: failed)
    }
}
