import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostReports
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `spcs-cost advise` end to end: the generator's April 2026 history (Fixtures/advise) imported into a real cache,
/// the document in every format against committed goldens, the exit codes, and `nightly --advise`.
@Suite struct AdviseCLITests {
    static let arguments = ["advise", "--period", "2026-04", "--family", "CPU_X64_XS", "--business-hours", "09:00-18:00",
                            "--task-warehouse", "TASK_WH"]
    static let base = "spcs-cost-advise_2026-04-01_2026-04-30"

    static func importedCache(_ dir: TemporaryDirectory) async throws -> String {
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/advise/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv", "--cache", cache])
        return cache
    }

    /// Every text file of every format, by name (xlsx as its text).
    static func files() async throws -> [String: String] {
        let dir = try TemporaryDirectory()
        let cache = try await importedCache(dir)
        var files: [String: String] = [:]
        for name in DocumentWriters.names {
            let out = try await run(arguments + ["--cache", cache, "--format", name, "--out", dir.path(name)])
            if name == "table" { files["\(base).txt"] = out.stdout; continue }
            for f in try FileManager.default.contentsOfDirectory(atPath: dir.path(name)) {
                let path = dir.path(name) + "/" + f
                files[f] = f.hasSuffix(".xlsx") ? try xlsxText(path) : try String(contentsOfFile: path, encoding: .utf8)
            }
        }
        return files
    }

    /// The goldens. Without COMPUTE_POOLS (a CSV import) the run assumes each pool's lifetime from its metered hours
    /// and AUTO_SUSPEND_SECS 3600, and says so. Figures (0.06 credits per node-hour, 2.00 USD per credit):
    /// TAIL_POOL's 22 tails of 3600 s cut to 300 s save 22 × 3300/3600 × 0.06 = 1.21 credits, 2.42 USD;
    /// ALWAYS_ON_POOL's schedule saves (720 − 22 × 9) × 0.06 = 31.32 credits, 62.64 USD, its 44 task runs on TASK_WH
    /// cost 44 × 60 s to 44 × 600 s at 1 credit/h = 0.733333333 to 7.333333333 credits (14.67 USD at most), net
    /// 47.97 USD; best net per pool summed: 2.42 + 47.97 = 50.39 USD (50.393333333 exact).
    @Test func adviseGoldens() async throws {
        let files = try await Self.files()
        let b = Self.base
        #expect(files.keys.sorted() == ["\(b).html", "\(b).json", "\(b).md", "\(b).txt", "\(b).xlsx", "\(b)_notes.csv",
                                        "\(b)_recommendations.csv", "\(b)_summary.csv"])
        for (name, text) in files.sorted(by: { $0.key < $1.key }) where !name.hasSuffix(".xlsx") {
            assertSnapshot(text, named: name)
        }
        let jsonText = try #require(files["\(b).json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(jsonText.utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "spcs-cost.advise/2")
        let best = try #require((json["figures"] as? [String: Any])?["bestNetSaving"] as? [String: Any])
        #expect(best["rounded"] as? String == "50.39")
        for (name, text) in files where !name.hasSuffix(".csv") || name.hasSuffix("_notes.csv") {
            #expect(text.contains("the default 3600 s is assumed"), "\(name) lacks an assumption")
            #expect(text.contains("2.00 USD per credit"), "\(name) lacks the price")
        }
    }

    /// Usage errors exit 64, a missing cache 66.
    @Test func exitCodes() async throws {
        for extra in [["--suspend-after", "-1"], ["--task-warehouse", "A;DROP"], ["--business-hours", "08:00-24:00"],
                      ["--format", "pdf"], ["--timezone", "JST"], ["--warehouse-suspend-after", "30"],
                      ["--task-warehouse-auto-suspend", "-1"]] {
            do {
                let dir = try TemporaryDirectory()
                _ = try await run(Self.arguments + ["--cache", try await Self.importedCache(dir)] + extra)
                Issue.record("\(extra) did not fail")
            } catch {
                #expect(ExitStatus.code(for: error) == 64 || SpcsCost.exitCode(for: error).rawValue == 64, "\(extra): \(error)")
            }
        }
        do {
            _ = try await run(Self.arguments + ["--cache", "/nonexistent/cache.sqlite"])
            Issue.record("a missing cache did not fail")
        } catch {
            #expect(ExitStatus.code(for: error) == 66)
        }
    }

    /// `nightly --advise` writes the advice for the nightly period beside the report: on the emulator sample on
    /// 2024-04-21 (1 to 20 April), TOKYO_XS_POOL's 15 weekday tails of 3600 s (0.11 credits per node-hour, rate
    /// card 2024) cut to 300 s save 15 × 3300/3600 × 0.11 = 1.5125 credits.
    @Test func nightlyIncludesTheAdvice() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/emulator-sample/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv", "--cache", cache])
        let out = try await run(["nightly", "--pools", "Fixtures/pools/emulator-sample-april-2024.toml", "--cache", cache,
                                 "--out", dir.path("reports"), "--today", "2024-04-21", "--no-pull", "--advise"])
        #expect(out.stdout.contains("spcs-cost-advise_2024-04-01_2024-04-20.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            dir.path("reports/2024-04-21/spcs-cost-advise_2024-04-01_2024-04-20.json")))) as? [String: Any])
        let rows = try #require(((json["tables"] as? [String: Any])?["recommendations"] as? [String: Any])?["rows"] as? [[String: Any]])
        let tail = try #require(rows.first { $0["pool"] as? String == "TOKYO_XS_POOL" && $0["kind"] as? String == "auto_suspend" })
        #expect(tail["saved_credits"] as? String == "1.5125")
    }
}
