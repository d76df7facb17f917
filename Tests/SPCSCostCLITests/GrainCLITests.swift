import Foundation
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `--grain`: parsed on pull and nightly; a cache of daily totals refused with exit 64 naming `--grain hour` by a
/// report whose days are not UTC days, and by nightly before it pulls.
@Suite struct GrainCLITests {
    @Test func grainIsHourOrDay() throws {
        #expect(throws: (any Error).self) { try SpcsCost.parseAsRoot(["pull", "--grain", "week"]) }
        _ = try SpcsCost.parseAsRoot(["pull", "--grain", "day"])
        _ = try SpcsCost.parseAsRoot(["nightly", "--grain", "hour"])
    }

    @Test func aReportInAnotherZoneOfDailyTotalsExits64NamingGrainHour() async throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("c.sqlite")))
        let day = ISO8601DateFormatter().date(from: "2024-04-02T00:00:00Z")!
        _ = try cache.load([UsageRecord(startTime: day, endTime: day.addingTimeInterval(86_400), computePoolName: "A",
                                        creditsUsed: NanoCredits(parsing: "2.64")!, account: "EU", grain: .day)],
                           as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: day))
        let args = ["report", "--period", "2024-04", "--family", "CPU_X64_XS", "--cache", dir.path("c.sqlite"),
                    "--format", "json", "--out", "-"]
        // UTC days: the day rows are read.
        let utc = try await run(args + ["--timezone", "UTC", "--by", "account"])
        #expect(utc.stdout.contains("2.64"))
        // --by account: the ledger grouped by account, a table of the document (here JSON).
        #expect(utc.stdout.contains("\"by_account\"") && utc.stdout.contains("\"EU\""))
        #expect(throws: (any Error).self) { try SpcsCost.parseAsRoot(["report", "--by", "region"]) }
        do {
            _ = try await run(args + ["--timezone", "Asia/Tokyo"])
            Issue.record("expected exit 64")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
            #expect("\(error)".contains("--timezone Asia/Tokyo needs hourly usage") && "\(error)".contains("--grain hour"))
        }
        do {
            _ = try await run(["nightly", "--grain", "day", "--timezone", "Asia/Tokyo", "--pools",
                               Repository.fixture("pools/jupyterlab.toml").path, "--cache", dir.path("c.sqlite"),
                               "--out", dir.path("r"), "--today", "2024-04-20"])
            Issue.record("expected exit 64")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
            #expect("\(error)".contains("--grain hour"))
        }
    }
}
