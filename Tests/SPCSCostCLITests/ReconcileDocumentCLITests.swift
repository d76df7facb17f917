import Foundation
import SPCSCostReports
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `reconcile` renders its document through the writers' registry, checked against one set of goldens made from
/// the bundled fixture (Fixtures/snowsight/jupyterlab-april-2024.csv against Fixtures/pools/jupyterlab-april-2024.toml,
/// priced at 2.85 USD per Standard credit × 150 JPY per USD).
@Suite struct ReconcileDocumentCLITests {
    static let arguments = ["reconcile", "--pools", "Fixtures/pools/jupyterlab-april-2024.toml", "--from", "2024-04-01",
                            "--to", "2024-04-30"]
    static let base = "spcs-cost-reconcile_2024-04-01_2024-04-30"

    /// Every file of every format, by name (xlsx left out: binary), read from a real run on an imported cache.
    static func files() async throws -> (files: [String: String], stderr: String) {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        var files: [String: String] = [:]
        var stderr = ""
        for name in DocumentWriters.names where name != "xlsx" {
            let out = try await run(arguments + ["--cache", cache, "--format", name, "--out", dir.path(name)])
            stderr = out.stderr
            if name == "table" { files["\(base).txt"] = out.stdout; continue }
            for f in try FileManager.default.contentsOfDirectory(atPath: dir.path(name)) {
                files[f] = try String(contentsOfFile: dir.path(name) + "/" + f, encoding: .utf8)
            }
        }
        _ = try await run(arguments + ["--cache", cache, "--format", "xlsx", "--out", dir.path("xlsx")])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("xlsx")) == ["\(base).xlsx"])
        // The workbook's Notes sheet carries the warning and the prices; its pools sheet the metered 9,759 JPY.
        let xlsx = try xlsxText(dir.path("xlsx") + "/\(base).xlsx")
        #expect(xlsx.contains("no credit price table is documented before 2026-04-01"))
        #expect(xlsx.contains("2.85 USD per credit") && xlsx.contains("<v>9759</v>"))
        return (files, stderr)
    }

    @Test func goldensAndFigures() async throws {
        let (files, stderr) = try await Self.files()
        #expect(files.keys.sorted() == ["\(Self.base).html", "\(Self.base).json", "\(Self.base).md", "\(Self.base).txt",
                                        "\(Self.base)_causes.csv", "\(Self.base)_days.csv", "\(Self.base)_notes.csv",
                                        "\(Self.base)_pools.csv", "\(Self.base)_summary.csv"])
        for (name, text) in files.sorted(by: { $0.key < $1.key }) { assertSnapshot(text, named: name) }
        // Metered 22.828666667 credits = 9,759 JPY, estimated 9,613 JPY: difference 146 JPY, which the causes
        // (auto-suspend tail 179, off-hours use −33, each rounded once) add up to.
        let pools = GoldenTestsCSV.rows(try #require(files["\(Self.base)_pools.csv"]))
        #expect(pools[0] == ["pool", "credits_per_node_hour", "estimated_credits", "metered_credits", "difference_credits",
                             "estimated_cost_JPY", "metered_cost_JPY", "difference_cost_JPY", "provisional_days"])
        #expect(pools[1] == ["JUPYTER_POOL", "0.11", "22.487142857", "22.828666667", "0.34152381", "9613", "9759", "146", "0"])
        let causes = GoldenTestsCSV.rows(try #require(files["\(Self.base)_causes.csv"]))
        #expect(causes.dropFirst().map { $0[4] } == ["0", "179", "-33"])
        // The warning (2026 prices on 2024 usage) reaches every format and standard error.
        let warning = "no credit price table is documented before 2026-04-01"
        #expect(stderr.contains(warning))
        for (name, text) in files where !name.hasSuffix(".csv") || name.hasSuffix("_notes.csv") {
            #expect(text.contains(warning), "\(name) does not carry the warning")
            #expect(text.contains("2.85 USD per credit") && text.contains("150 JPY per USD"), "\(name) lacks the prices")
        }
    }

    @Test func everyRegisteredWriterIsOfferedByFormat() throws {
        let help = ReconcileCommand.helpMessage().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("Output format: " + DocumentWriters.names.joined(separator: ", ") + "."))
        for name in DocumentWriters.names {
            #expect(try ReconcileCommand.parse(Array(Self.arguments.dropFirst()) + ["--format", name]).output.writer().format == name)
        }
        #expect(throws: (any Error).self) { try ReconcileCommand.parse(Array(Self.arguments.dropFirst()) + ["--format", "text"]) }
    }
}

/// RFC 4180 rows (the test support's independent reader).
enum GoldenTestsCSV {
    static func rows(_ text: String) -> [[String]] { csvRows(text) ?? [] }
}
