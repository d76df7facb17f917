import Foundation
import SPCSCostKit
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `spcs-cost report` end to end: every format, the same bytes on a rerun, and the pools file's estimate.
@Suite struct ReportFilesTests {
    static let names = ["spcs-cost-report_2024-04-01_2024-04-30_summary.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_pools.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_days.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30.md",
                        "spcs-cost-report_2024-04-01_2024-04-30.json",
                        "spcs-cost-report_2024-04-01_2024-04-30.html"]

    @Test func runningTwiceOnTheSameCacheGivesTheSameBytes() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        let first = try await run(DemoCommand.reportArguments + ["--out", dir.path("first"), "--cache", cache])
        _ = try await run(DemoCommand.reportArguments + ["--out", dir.path("second"), "--cache", cache])
        for name in Self.names { #expect(first.stdout.contains("wrote \(dir.path("first/\(name)"))")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("first")).sorted() == Self.names.sorted())
        for name in Self.names {
            let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("first/\(name)")))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir.path("second/\(name)")))
            #expect(a == b, "\(name) differs between two runs on the same cache")
        }
        // The pools file gives JUPYTER_POOL an estimate, so the summary shows the difference by cause.
        let md = try String(contentsOfFile: dir.path("first/\(Self.names[3])"), encoding: .utf8)
        #expect(md.contains("### Difference from the estimate by cause"))
        #expect(md.contains("- Data: 210 hourly rows of SNOWPARK_CONTAINER_SERVICES_HISTORY, SHA-256 "))
    }

    @Test func formatFlagChoosesTheFiles() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        _ = try await run(DemoCommand.reportArguments + ["--out", dir.path("out"), "--cache", cache, "--format", "json,html"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted()
            == [Self.names[5], Self.names[4]])
        do {
            _ = try await run(DemoCommand.reportArguments + ["--cache", cache, "--format", "pdf"])
            Issue.record("expected a usage error")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
        }
    }

    @Test func aMissingPoolsFileExits66() async throws {
        let dir = try TemporaryDirectory()
        do {
            _ = try await run(["report", "--from", "2024-04-01", "--to", "2024-04-30", "--family", "CPU_X64_XS",
                               "--pools", "missing.toml", "--cache", dir.path("cache.sqlite"), "--out", dir.path("out")])
            Issue.record("expected an error")
        } catch {
            #expect(ExitStatus.code(for: error) == 66)
        }
    }
}
