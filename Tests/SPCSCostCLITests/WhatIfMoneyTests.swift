import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `whatif` with money: the bundled fixture (Fixtures/snowsight/jupyterlab-april-2024.csv) re-priced under the
/// pools file's policies, every amount from the priced ledger in JPY (the pools file's AWS Tokyo Standard,
/// 2.85 USD per credit, 150 JPY per USD), its document checked against one set of committed goldens.
@Suite struct WhatIfMoneyTests {
    static let arguments = ["whatif", "--pools", "Fixtures/pools/jupyterlab.toml", "--from", "2024-04-01",
                            "--to", "2024-04-30", "--policy", "always-on",
                            "--policy", "business-hours=10:00-19:00,MON-FRI,Asia/Tokyo"]
    static let base = "spcs-cost-whatif_2024-04-01_2024-04-30"

    /// Every text file of every format, by name, from a real run on an imported cache (xlsx: its name only).
    static func files() async throws -> [String: String] {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
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

    @Test func whatIfMoneyGoldens() async throws {
        let files = try await Self.files()
        let b = Self.base
        #expect(files.keys.sorted() == ["\(b).html", "\(b).json", "\(b).md", "\(b).txt", "\(b).xlsx", "\(b)_days.csv",
                                        "\(b)_notes.csv", "\(b)_pools.csv", "\(b)_summary.csv"])
        for (name, text) in files.sorted(by: { $0.key < $1.key }) where !name.hasSuffix(".xlsx") {
            assertSnapshot(text, named: name)
        }
        // Every format carries both warnings and the prices (CSV in its notes file, xlsx in its Notes sheet).
        for (name, text) in files where !name.hasSuffix(".csv") || name.hasSuffix("_notes.csv") {
            #expect(text.contains("2.85 USD per credit") && text.contains("150 JPY per USD"), "\(name) lacks the prices")
            #expect(text.contains("in the pools file but not metered in the period: API_POOL"), "\(name) lacks a warning")
            #expect(text.contains("no credit price table is documented before 2026-04-01"), "\(name) lacks a warning")
        }
    }

    /// Printed to standard output (no `--out`), each text format is streamed as it is made, with the bytes of the
    /// file `--out DIR` writes; and the text a test reads (``CommandOutput/stdout``) is the same.
    @Test func standardOutputIsStreamedWithTheFilesBytes() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        for (format, suffix) in [("table", "txt"), ("markdown", "md"), ("json", "json"), ("html", "html")] {
            let out = try await run(Self.arguments + ["--cache", cache, "--format", format])
            var streamed: [UInt8] = []
            let sink = ByteSink { streamed += $0 }
            try out.writeStdout(to: sink)
            _ = try sink.finish()
            #expect(String(decoding: streamed, as: UTF8.self) == out.stdout, "\(format)")
            if format == "table" {
                #expect(out.stdout.contains("Per day") && out.stdout.contains("JUPYTER_POOL"))
                continue
            }
            _ = try await run(Self.arguments + ["--cache", cache, "--format", format, "--out", dir.path(format)])
            let file = try Data(contentsOf: URL(fileURLWithPath: dir.path("\(format)/\(Self.base).\(suffix)")))
            #expect(Data(streamed) == file, "\(format)")
        }
        // csv and xlsx still need a folder.
        await #expect(throws: (any Error).self) { try await run(Self.arguments + ["--cache", cache, "--format", "csv"]) }
    }

    /// JUPYTER_POOL existed all of April (pools file `created = 2024-03-01`): always on is 30 × 24 h × 0.11 =
    /// 79.2 credits × 2.85 USD × 150 = 33,858 JPY, the team's hand figure.
    @Test func alwaysOnIsTheHandFigure() async throws {
        let text = try #require(try await Self.files()["\(Self.base).json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(doc["schema"] as? String == "spcs-cost.whatif/2" && doc["currency"] as? String == "JPY")
        let rows = try #require(((doc["tables"] as? [String: Any])?["pools"] as? [String: Any])?["rows"] as? [[String: Any]])
        let jupyter = try #require(rows.first { $0["pool"] as? String == "JUPYTER_POOL" && $0["policy"] as? String == "Always on" })
        #expect(jupyter["policy_credits"] as? String == "79.2")
        #expect((jupyter["policy_cost_JPY"] as? [String: Any])?["amount"] as? String == "33858")
        #expect((jupyter["policy_cost_JPY"] as? [String: Any])?["rounded"] as? String == "33858")
    }

    @Test func everyRegisteredWriterIsOfferedByFormat() throws {
        let help = WhatIfCommand.helpMessage().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("Output format: " + DocumentWriters.names.joined(separator: ", ") + "."))
        for name in DocumentWriters.names {
            #expect(try WhatIfCommand.parse(Array(Self.arguments.dropFirst()) + ["--format", name]).output.writer().format == name)
        }
        #expect(throws: (any Error).self) { try WhatIfCommand.parse(Array(Self.arguments.dropFirst()) + ["--format", "pdf"]) }
    }
}
