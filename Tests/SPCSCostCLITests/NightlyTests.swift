import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostTestSupport
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
        #expect(files.count == 6)
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

    @Test func aPoolsFilePricesTheReportAndOnlyMeteredPoolsAreIn() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("c.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        let out = try await run(["report", "--from", "2024-04-01", "--to", "2024-04-30", "--timezone", "Asia/Tokyo",
                                 "--pools", "Fixtures/pools/jupyterlab.toml", "--cache", cache, "--out", dir.path("r"),
                                 "--format", "json"])
        // The pools file's [defaults]: Tokyo prices, JPY at 150: 22.828666667 × 2.85 × 150 = 9,759 JPY.
        #expect(out.stdout.contains("Metered             22.828666667 credits   9,759 JPY"))
        // API_POOL is planned but has no metered row: it is not in the report, and the warning says so.
        #expect(!out.stdout.contains("API_POOL:"))
        #expect(out.stderr.contains("in the pools file but not metered in the period: API_POOL"))
    }
}
