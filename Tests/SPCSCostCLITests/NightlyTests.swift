import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostTestSupport
import SnowflakeSQLAPI
import SnowflakeTestServer
import Testing

@testable import SPCSCostCLI

/// The nightly job's exit codes and lock, on the emulator's April 2024 sample (three pools, 51.09 credits).
@Suite struct NightlyTests {
    let dir: TemporaryDirectory
    let cache: String

    init() async throws {
        dir = try TemporaryDirectory()
        cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/emulator-sample/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv", "--cache", cache])
    }

    func nightly(_ extra: [String]) async -> (code: Int32, error: (any Error)?) {
        do {
            _ = try await run(["nightly", "--pools", "Fixtures/pools/emulator-sample-april-2024.toml", "--cache", cache,
                               "--out", dir.path("reports"), "--today", "2024-04-21", "--no-pull"] + extra)
            return (0, nil)
        } catch let e as ExitCode {
            return (e.rawValue, e)
        } catch {
            return (ExitStatus.code(for: error), error)
        }
    }

    @Test func allWellWritesADatedFolder() async throws {
        // Month to date 1-20 April: TOKYO 15 weekdays × 1.1 + DROPPED; budget far above, variance check off.
        let r = await nightly(["--budget", "1000 USD"])
        #expect(r.code == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("reports/2024-04-21"))
        #expect(files.contains("spcs-cost-report_2024-04-01_2024-04-20.md"))
        #expect(files.count == 11)   // csv (summary, difference_by_cause, top_pools, month, pools, pools_detail, days, notes), md, json, html
    }

    @Test func theChecksAreInTheReportFilesAndVarianceIsTheReportsOwn() async throws {
        let r = await nightly(["--budget", "50 USD", "--max-variance", "10"])
        #expect(r.code == 10)
        let folder = dir.path("reports/2024-04-21")
        let md = try String(contentsOfFile: folder + "/spcs-cost-report_2024-04-01_2024-04-20.md", encoding: .utf8)
        #expect(md.contains("### Checks") && md.contains("| budget-exceeded | ALERT |"))
        #expect(md.contains("| variance-exceeded | ALERT |"))
        let csv = try String(contentsOfFile: folder + "/spcs-cost-report_2024-04-01_2024-04-20_notes.csv", encoding: .utf8)
        #expect(csv.contains("check,budget-exceeded,ALERT: "))
        // The percentage the check names is the report's own difference from the estimate.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            folder + "/spcs-cost-report_2024-04-01_2024-04-20.json"))) as! [String: Any]
        let figures = json["figures"] as! [String: Any]
        let percent = (figures["difference"] as! [String: Any])["percent"] as! String
        let checks = json["checks"] as! [[String: Any]]
        let variance = checks.first { $0["check"] as? String == "variance-exceeded" }!["message"] as! String
        #expect(variance.hasPrefix("metered is \(percent) % off the estimate"))
    }

    @Test func aBudgetInAnotherCurrencyIsAUsageError() async {
        let r = await nightly(["--budget", "5000 JPY"])
        #expect(r.code == 64)
        #expect("\(r.error!)".contains("is in JPY but the report is in USD"))
    }

    @Test func budgetExceededExits10() async {
        #expect(await nightly(["--budget", "50 USD"]).code == 10)
    }

    @Test func varianceOverTheThresholdExits11() async {
        // The pools file plans ALWAYS_ON_POOL for the whole month but it only starts on 25 April: far off.
        #expect(await nightly(["--max-variance", "10"]).code == 11)
    }

    @Test func staleDataExits12AndWinsOverTheOthers() async {
        // The newest metered hour ends 2024-05-01; a run on 2024-06-01 finds nothing in the last 27 hours.
        let r = await run2(["--today", "2024-06-01", "--budget", "1 USD", "--max-variance", "1"])
        #expect(r == 12)
    }

    func run2(_ extra: [String]) async -> Int32 {
        do {
            _ = try await run(["nightly", "--pools", "Fixtures/pools/emulator-sample-april-2024.toml", "--cache", cache,
                               "--out", dir.path("reports"), "--no-pull"] + extra)
            return 0
        } catch let e as ExitCode {
            return e.rawValue
        } catch {
            return ExitStatus.code(for: error)
        }
    }

    @Test func aSecondRunWhileTheFirstHoldsTheLockStops() async throws {
        do {
            let held = try RunLock(path: cache + ".nightly.lock", processID: 4242)
            let r = await nightly([])
            #expect(r.code == 75)
            #expect("\(r.error!)".contains("another spcs-cost nightly is running"))
            #expect("\(r.error!)".contains("process 4242"))
            withExtendedLifetime(held) {}
        }
        // Released: the next run goes ahead.
        #expect(await nightly([]).code == 0)
    }

    /// The same cache through a symbolic link is the same lock (it used to be keyed on the path text, so two
    /// nightlies ran on one cache at once).
    @Test func aSymlinkToTheCacheTakesTheSameLock() async throws {
        let link = dir.path("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: cache)
        let paths = try RunLock.nightlyLockPaths(cachePath: link, outDirectory: dir.path("reports"))
        #expect(paths == [
            try RunLock.nightlyLockPaths(cachePath: cache, outDirectory: dir.path("reports"))[0],
            try RunLock.nightlyLockPaths(cachePath: nil, outDirectory: dir.path("reports"))[0],
        ])
        let held = try RunLock(path: try RunLock.nightlyLockPaths(cachePath: cache, outDirectory: dir.path("elsewhere"))[0],
                               processID: 4242)
        let r = await run2(["--cache", link, "--out", dir.path("other-reports"), "--today", "2024-04-21"])
        #expect(r == 75)
        held.release()
        #expect(await run2(["--cache", link, "--out", dir.path("other-reports"), "--today", "2024-04-21"]) == 0)
    }

    /// Two caches writing one report folder collide on the folder's lock.
    @Test func twoCachesWritingOneReportFolderCannotCollide() async throws {
        let other = dir.path("other.sqlite")
        let held = try RunLock.nightlyLockPaths(cachePath: other, outDirectory: dir.path("reports")).map {
            try RunLock(path: $0, processID: 4343)
        }
        let r = await nightly([])
        #expect(r.code == 75)
        #expect("\(r.error!)".contains(dir.path("reports") + "/.nightly.lock"))
        withExtendedLifetime(held) {}
    }

    /// A pull that never ends stops at --deadline, the run fails (69), and both locks are free again at once.
    @Test(.timeLimit(.minutes(1)))
    func aPullThatNeverEndsStopsAtTheDeadlineAndReleasesTheLocks() async throws {
        let server = try SnowflakeTestServer(identity: .init(programmaticAccessTokens: ["pat-nightly-000"]), now: { Date() })
        server.inject(.acceptedForever, on: .statement("SNOWPARK_CONTAINER_SERVICES_HISTORY", on: .submit))
        try FileManager.default.createDirectory(atPath: dir.path("sf"), withIntermediateDirectories: true)
        try Data("""
            [test]
            account = "myorg-myaccount"
            authenticator = "PROGRAMMATIC_ACCESS_TOKEN"
            token = "pat-nightly-000"
            host = "127.0.0.1"
            port = \(server.port)
            protocol = "http"
            """.utf8).write(to: URL(fileURLWithPath: dir.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.path("sf/connections.toml"))
        // The real clock, so the 2 s deadline passes (the other tests use a fixed one).
        let live = Environment(now: { Date() }, variables: ["SNOWFLAKE_HOME": dir.path("sf")], homeDirectory: "/nonexistent-home",
                               currentDirectory: Repository.root.path, catalog: try BundledCatalog.load())
        let command = try SpcsCost.parseAsRoot([
            "nightly", "--pools", "Fixtures/pools/emulator-sample-april-2024.toml", "--cache", cache, "--out",
            dir.path("reports"), "--today", "2024-04-21", "-c", "test", "--deadline", "2s",
        ])
        do {
            _ = try await (command as! any EnvironmentCommand).execute(in: live)
            Issue.record("expected the pull to fail at its deadline")
        } catch {
            #expect(ExitStatus.code(for: error) == 69)
            #expect("\(error)".contains("at the deadline of 2 s (--deadline)"))
        }
        // The held statement was cancelled (the pull's other statements may still land after it on a loaded machine).
        #expect(server.requests.filter { $0.path.hasSuffix("/cancel") }.count == 1)
        let again = try RunLock.nightlyLockPaths(cachePath: cache, outDirectory: dir.path("reports")).map {
            try RunLock(path: $0, processID: 1)
        }
        #expect(again.count == 2)
    }

    /// Two accounts, one refused (a wrong token, 77 alone), and a budget far below the month's cost (10 alone): the
    /// run reports the account that arrived, names the failed one, and exits 13, which ranks above the checks.
    @Test func someAccountsFailingExits13AboveTheBudgetCheck() async throws {
        let server = try SnowflakeTestServer(
            identity: .init(accounts: ["MYORG-EU", "MYORG-US"], programmaticAccessTokens: ["pat-eu-000"]), now: { Date() })
        let empty = TestResult(columns: [.timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"),
                                         .fixed("CREDITS_USED", precision: 38, scale: 9)], rows: [])
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY", result: empty)
        server.register("COMPUTE_POOLS", result: TestResult(columns: [.text("NAME"), .fixed("ID")], rows: []))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
        try FileManager.default.createDirectory(atPath: dir.path("sf"), withIntermediateDirectories: true)
        let toml = [("eu", "pat-eu-000"), ("us", "pat-wrong-000")].map { name, token in
            """
            [\(name)]
            account = "myorg-\(name)"
            authenticator = "PROGRAMMATIC_ACCESS_TOKEN"
            token = "\(token)"
            host = "127.0.0.1"
            port = \(server.port)
            protocol = "http"

            """
        }.joined()
        try Data(toml.utf8).write(to: URL(fileURLWithPath: dir.path("sf/connections.toml")))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.path("sf/connections.toml"))
        let live = Environment(now: { Date() }, variables: ["SNOWFLAKE_HOME": dir.path("sf")], homeDirectory: "/nonexistent-home",
                               currentDirectory: Repository.root.path, catalog: try BundledCatalog.load())
        // Alone, the budget check fails (exit 10): the month to date is far above 1 USD.
        let budgetOnly = await nightly(["--budget", "1 USD"])
        #expect(budgetOnly.code == 10)
        let command = try SpcsCost.parseAsRoot([
            "nightly", "--pools", "Fixtures/pools/emulator-sample-april-2024.toml", "--cache", cache, "--out",
            dir.path("reports"), "--today", "2024-04-21", "-c", "eu", "-c", "us", "--budget", "1 USD",
        ])
        do {
            _ = try await (command as! any EnvironmentCommand).execute(in: live)
            Issue.record("expected exit 13")
        } catch let e as ExitCode {
            #expect(e.rawValue == 13)
        }
        #expect(server.requests.contains { $0.tokenType == "PROGRAMMATIC_ACCESS_TOKEN" && $0.status == 200 })
    }
}

/// Exit codes of the network and credential errors.
@Test func networkAndCredentialErrorsHaveTheirExitCodes() {
    #expect(ExitStatus.code(for: TransportError.plainHTTPRefused(url: "http://127.1/", reason: "r")) == 78)
    #expect(ExitStatus.code(for: TransportError.responseTooLarge(url: "u", limitBytes: 1)) == 69)
    #expect(ExitStatus.code(for: SQLAPIError.deadlineExceeded(
        statement: "s", purpose: "p", deadlineSeconds: 1800, elapsedSeconds: 1800, detail: "d")) == 69)
    #expect(ExitStatus.code(for: SQLAPIError.freshTokenRefused(error: SnowflakeErrorBody(code: "390144"), localClock: Date())) == 77)
    #expect(ExitStatus.code(for: SQLAPIError.retriesExhausted(
        statement: "s", purpose: "p", attempts: 6, elapsedSeconds: 1, last: .notJSON(status: 200, contentType: nil, excerpt: ""))) == 69)
}

/// The pull limit flags: durations with units, defaults, and values out of range (exit 64).
@Suite struct PullLimitFlagTests {
    @Test(arguments: [("30m", 1800.0), ("45", 2700), ("90s", 90), ("1.5h", 5400), ("2min", 120)])
    func deadlineDurations(text: String, seconds: Double) {
        #expect(DurationArgument(argument: text)?.seconds == seconds)
    }

    @Test(arguments: ["0", "-5m", "soon", "10d", ""])
    func badDeadlines(text: String) {
        #expect(DurationArgument(argument: text) == nil)
    }

    @Test func defaultsAndSettings() throws {
        var options = PullOptions()
        let pull = try PullLimitOptions.parse([])
        let client = try pull.apply(to: &options, defaultDeadlineSeconds: PullOptions.defaultDeadlineSeconds)
        #expect(options.deadlineSeconds == 1800)
        #expect(client.requestTimeoutSeconds == 120 && client.retry.maxAttempts == 6 && client.maxResponseBytes == 268_435_456)
        let set = try PullLimitOptions.parse(["--deadline", "10m", "--request-timeout", "30", "--max-attempts", "3",
                                              "--max-response-mib", "64"])
        let custom = try set.apply(to: &options, defaultDeadlineSeconds: PullOptions.nightlyDeadlineSeconds)
        #expect(options.deadlineSeconds == 600)
        #expect(custom.requestTimeoutSeconds == 30 && custom.retry.maxAttempts == 3 && custom.maxResponseBytes == 67_108_864)
        var nightly = PullOptions()
        _ = try PullLimitOptions.parse([]).apply(to: &nightly, defaultDeadlineSeconds: PullOptions.nightlyDeadlineSeconds)
        #expect(nightly.deadlineSeconds == 2700)
        #expect(throws: ValidationError.self) { try PullLimitOptions.parse(["--max-attempts", "0"]).apply(to: &options, defaultDeadlineSeconds: 1) }
        #expect(throws: ValidationError.self) { try PullLimitOptions.parse(["--max-response-mib", "0"]).apply(to: &options, defaultDeadlineSeconds: 1) }
        #expect(throws: ValidationError.self) { try PullLimitOptions.parse(["--request-timeout", "0"]).apply(to: &options, defaultDeadlineSeconds: 1) }
        // --max-statements: 4 by default, 1 to 8.
        #expect(nightly.maxConcurrentStatements == 4)
        _ = try PullLimitOptions.parse(["--max-statements", "1"]).apply(to: &options, defaultDeadlineSeconds: 1)
        #expect(options.maxConcurrentStatements == 1)
        #expect(throws: ValidationError.self) { try PullLimitOptions.parse(["--max-statements", "0"]).apply(to: &options, defaultDeadlineSeconds: 1) }
        #expect(throws: ValidationError.self) { try PullLimitOptions.parse(["--max-statements", "9"]).apply(to: &options, defaultDeadlineSeconds: 1) }
    }
}

/// What a newcomer runs into first: a mistyped cache, and a pools file's prices in a report.
@Suite struct ReportInputsTests {
    @Test func aMissingCacheIsAnErrorAndAMissingImportCreatesNone() async throws {
        let dir = try TemporaryDirectory()
        do {
            _ = try await run(["report", "--from", "2024-04-01", "--to", "2024-04-30", "--family", "CPU_X64_XS",
                               "--cache", dir.path("typo.sqlite"), "--out", dir.path("r")])
            Issue.record("expected an error")
        } catch {
            #expect(ExitStatus.code(for: error) == 66)
            #expect("\(error)".contains("run spcs-cost import FILE.csv or spcs-cost pull first"))
        }
        do {
            _ = try await run(["import", "missing.csv", "--cache", dir.path("c.sqlite")])
            Issue.record("expected an error")
        } catch {
            #expect(ExitStatus.code(for: error) == 66)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("c.sqlite")))
    }

    @Test func aPoolsFileRateInJPYIsNeverUsedForEURAndUSDNeedsNone() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("c.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        let args = ["report", "--from", "2024-04-01", "--to", "2024-04-30", "--timezone", "Asia/Tokyo",
                    "--pools", "Fixtures/pools/jupyterlab.toml", "--cache", cache, "--out", dir.path("r"), "--format", "json"]
        // The pools file says 150 JPY per USD; a EUR report has no EUR per USD rate: an error naming the pair.
        do {
            _ = try await run(args + ["--currency", "EUR"])
            Issue.record("expected a missing pair")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
            #expect("\(error)".contains("no EUR per USD rate for 2024-03-31"))
            #expect("\(error)".contains("--fx EUR/USD=RATE"))
        }
        // With the pair named, the EUR report is priced at it: 22.828666667 × 2.85 × 0.92 = 59.86 EUR.
        let eur = try await run(args + ["--currency", "EUR", "--fx", "EUR/USD=0.92"])
        #expect(Self.figure("Metered", in: eur.stdout) == ["22.83", "59.86"] && eur.stdout.contains("Cost (EUR)"))
        // In USD the file's JPY rate is simply not needed.
        let usd = try await run(args + ["--currency", "USD"])
        #expect(Self.figure("Metered", in: usd.stdout) == ["22.83", "65.06"] && usd.stdout.contains("Cost (USD)"))
    }

    @Test func aPoolsFilePricesTheReportAndAPlannedPoolThatNeverRanIsInTheEstimate() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("c.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        let out = try await run(["report", "--from", "2024-04-01", "--to", "2024-04-30", "--timezone", "Asia/Tokyo",
                                 "--pools", "Fixtures/pools/jupyterlab.toml", "--cache", cache, "--out", dir.path("r"),
                                 "--format", "json"])
        // The pools file's [defaults]: Tokyo prices, JPY at 150: 22.828666667 × 2.85 × 150 = 9,759 JPY.
        #expect(Self.figure("Metered", in: out.stdout) == ["22.83", "9,759"])
        // API_POOL is planned but has no metered row: it is in the estimate as its own line (2 nodes × 720 h ×
        // 0.11 = 158.4 credits, 67,716 JPY), with no always-on baseline (nothing says it existed), and a warning.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            dir.path("r/spcs-cost-report_2024-04-01_2024-04-30.json")))) as! [String: Any]
        let pools = ((json["tables"] as! [String: Any])["pools"] as! [String: Any])["rows"] as! [[String: Any]]
        let api = try #require(pools.first { $0["pool"] as? String == "API_POOL" })
        #expect(api["family"] as? String == "CPU_X64_XS" && api["nodes"] as? Int == 2)
        #expect(api["estimated_credits"] as? String == "158.4"
            && (api["estimated_cost_JPY"] as? [String: Any])?["rounded"] as? String == "67716")
        #expect(api["always_on_node_hours"] as? String == "0" && api["always_on_credits"] as? String == "0")
        #expect(out.stderr.contains("in the pools file but not metered in the period: API_POOL"))
    }

    /// The credits and cost of the headline figure `label` in `report`'s standard output (its figures table).
    static func figure(_ label: String, in stdout: String) -> [String] {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix(label + "  ") }) else { return [] }
        return Array(line.dropFirst(label.count).split(separator: " ").prefix(2).map(String.init))
    }
}
