import Foundation
import SnowflakeSQLAPI
import SPCSCostStore

/// One account's part of a many-accounts pull: its summary, or why it failed.
public struct AccountPullResult: Sendable {
    /// The connection name as given (`-c NAME` or a member of a `[groups]` entry).
    public var connection: String
    /// The account's organization and name as `ORG.ACCOUNT` (upper case; just `ACCOUNT` when the connection names
    /// a locator), from the connection's `account`; nil when the connection could not be read.
    public var account: String?
    /// What the pull did; nil when it failed.
    public var summary: PullSummary?
    /// Why the pull failed (the error ``PullService/pull(_:into:progress:warn:)`` threw); nil when it succeeded.
    /// Nothing of this account was written then: its statements are written in one transaction or not at all.
    public var failure: (any Error)?

    /// A result.
    public init(connection: String, account: String?, summary: PullSummary?, failure: (any Error)?) {
        self.connection = connection
        self.account = account
        self.summary = summary
        self.failure = failure
    }
}

/// Several accounts pulled in one run (`spcs-cost pull -c a -c b`, `--group NAME`).
public struct AccountsPull: Sendable {
    /// Accounts pulled at once by default (`--max-accounts`).
    public static let defaultMaxAccounts = 4
    /// The largest `--max-accounts`.
    public static let maxAccountsLimit = 64

    /// The single-account pull each account goes through.
    public let service: PullService

    /// Creates the runner over `service` (its environment, transport and client settings serve every account).
    public init(service: PullService) {
        self.service = service
    }

    /// Pulls every connection of `connections` into `cache`, at most `maxAccounts` at once, each through
    /// ``PullService/pull(_:into:progress:warn:)``: each account's statements are fetched in full, then written in
    /// that account's own transaction, so a kill at any moment leaves the cache as it was or with whole accounts.
    /// One account failing does not stop the others.
    /// - Parameters:
    ///   - connections: connection names, in the order given (duplicates already removed by the caller); not empty.
    ///   - options: the pull's options; `connectionName` is replaced by each connection. `deadlineSeconds` bounds
    ///     the whole run: an account started `t` seconds after the run gets `deadlineSeconds − t` (by the
    ///     environment's clock), and one started after the deadline fails without a request.
    ///   - maxAccounts: accounts in flight at once, 1 to ``maxAccountsLimit``.
    ///   - progress: short lines for a terminal, each prefixed with the connection name.
    ///   - warn: warnings about a connection's files, prefixed with the connection name.
    /// - Returns: one result per connection, in the order of `connections`.
    public func pull(connections: [String], options: PullOptions, maxAccounts: Int, into cache: UsageCache,
                     progress: (@Sendable (String) -> Void)? = nil,
                     warn: (@Sendable (String) -> Void)? = nil) async -> [AccountPullResult] {
        let started = service.env.now()
        let service = self.service
        let inFlight = max(1, min(maxAccounts, Self.maxAccountsLimit))
        return await withTaskGroup(of: (Int, AccountPullResult).self) { group in
            func start(_ i: Int) {
                let name = connections[i]
                var own = options
                own.connectionName = name
                let elapsed = service.env.now().timeIntervalSince(started)
                own.deadlineSeconds = options.deadlineSeconds - max(0, elapsed)
                let account = Self.account(of: name, env: service.env)
                group.addTask {
                    (i, await Self.pullOne(name, account: account, options: own, runDeadlineSeconds: options.deadlineSeconds,
                                           service: service, cache: cache, progress: progress, warn: warn))
                }
            }
            var next = 0
            while next < min(inFlight, connections.count) {
                start(next)
                next += 1
            }
            var results = [AccountPullResult?](repeating: nil, count: connections.count)
            while let (i, result) = await group.next() {
                results[i] = result
                if next < connections.count {
                    start(next)
                    next += 1
                }
            }
            return results.map { $0! }
        }
    }

    /// One account's pull, its error caught: `options.deadlineSeconds` is what is left of the run's deadline.
    static func pullOne(_ name: String, account: String?, options: PullOptions, runDeadlineSeconds: Double,
                        service: PullService, cache: UsageCache, progress: (@Sendable (String) -> Void)?,
                        warn: (@Sendable (String) -> Void)?) async -> AccountPullResult {
        guard options.deadlineSeconds > 0 else {
            let late = AccountsPullError.notStartedBeforeDeadline(connection: name, deadlineSeconds: runDeadlineSeconds)
            return AccountPullResult(connection: name, account: account, summary: nil, failure: late)
        }
        let prefixedProgress: (@Sendable (String) -> Void)? = progress.map { p in { @Sendable line in p("\(name): \(line)") } }
        let prefixedWarn: (@Sendable (String) -> Void)? = warn.map { w in { @Sendable line in w("\(name): \(line)") } }
        do {
            let summary = try await service.pull(options, into: cache, progress: prefixedProgress, warn: prefixedWarn)
            let id = summary.organization.isEmpty ? summary.account : "\(summary.organization).\(summary.account)"
            return AccountPullResult(connection: name, account: id, summary: summary, failure: nil)
        } catch {
            return AccountPullResult(connection: name, account: account, summary: nil, failure: error)
        }
    }

    /// `ORG.ACCOUNT` of connection `name`, resolved offline; nil when the connection cannot be read.
    static func account(of name: String, env: Environment) -> String? {
        let loader = ConnectionLoader(environment: env.variables, homeDirectory: env.homeDirectory)
        guard let loaded = try? loader.load(connectionName: name),
              let identifier = try? loaded.configuration.accountIdentifier() else { return nil }
        let id = AccountIdentifier.organizationAndAccount(identifier)
        return id.organization.isEmpty ? id.account : "\(id.organization).\(id.account)"
    }
}

/// Why an account of a many-accounts pull was not pulled, besides the errors of a single pull.
public enum AccountsPullError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The run's deadline had passed before the account's turn came (`--max-accounts` accounts were in flight).
    case notStartedBeforeDeadline(connection: String, deadlineSeconds: Double)

    public var description: String {
        switch self {
        case let .notStartedBeforeDeadline(connection, deadline):
            return "connection \(connection) was not pulled: the run's --deadline of \(Int(deadline)) s had passed "
                + "before its turn; raise --deadline or --max-accounts"
        }
    }
}
