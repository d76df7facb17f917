import Foundation
import SPCSCostKit
import SPCSCostReports
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `spcs-cost report` end to end: every format, the same bytes on a rerun, and the pools file's estimate.
@Suite struct ReportFilesTests {
    /// The default formats' files (csv, markdown, json, html), in the order they are written.
    static let names = ["spcs-cost-report_2024-04-01_2024-04-30_summary.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_difference_by_cause.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_top_pools.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_month.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_pools.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_pools_detail.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_days.csv",
                        "spcs-cost-report_2024-04-01_2024-04-30_notes.csv",
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
        let md = try String(contentsOfFile: dir.path("first/\(Self.names[8])"), encoding: .utf8)
        #expect(md.contains("### Difference from the estimate by cause"))
        #expect(md.contains("- Data: 210 hourly rows of SNOWPARK_CONTAINER_SERVICES_HISTORY, SHA-256 "))
    }

    @Test func formatFlagChoosesTheFiles() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        _ = try await run(DemoCommand.reportArguments + ["--out", dir.path("out"), "--cache", cache, "--format", "json,html"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out")).sorted()
            == [Self.names[10], Self.names[9]])
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

    /// `--format` is derived from the writers' registry: every registered format is offered by the help and
    /// accepted, and each writes what its writer makes.
    @Test func everyRegisteredWriterIsOfferedByFormat() async throws {
        let help = ReportCommand.helpMessage()
        for name in DocumentWriters.names {
            #expect(help.contains(name), "report --help does not offer \(name)")
            let command = try ReportCommand.parse(Array(DemoCommand.reportArguments.dropFirst()) + ["--format", name])
            #expect(try command.reportOptions(env()).formats == [name])
        }
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        let out = try await run(DemoCommand.reportArguments + ["--out", dir.path("out"), "--cache", cache,
                                                               "--format", "xlsx,table"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("out"))
            == ["spcs-cost-report_2024-04-01_2024-04-30.xlsx"])
        // table prints the whole document, the Estimate and the plan's saving included.
        #expect(out.stdout.contains("Summary for finance\n-------------------"))
        // Metered 9,759 JPY against the plan's 9,311 JPY: an overspend of 448 JPY (1.048666667 credits, 4.8 % of
        // the plan), called one, not a negative saving.
        #expect(out.stdout.range(of: #"Over the plan \(metered minus plan\) +1\.05 +448 +4\.8 +the plan"#,
                                 options: .regularExpression) != nil)
        #expect(out.stdout.contains("Estimate:") && out.stdout.contains("Plan:") && out.stdout.contains("Always on:"))
        let md = try await run(DemoCommand.reportArguments + ["--out", "-", "--cache", cache, "--format", "markdown"])
        #expect(md.stdout.hasPrefix("# SPCS usage and savings: 2024-04-01 to 2024-04-30\n"))
        do {
            _ = try await run(DemoCommand.reportArguments + ["--out", "-", "--cache", cache, "--format", "xlsx"])
            Issue.record("expected a usage error: xlsx is not text")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
        }
    }
}
