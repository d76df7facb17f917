import Foundation
import SPCSCostReports
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI
@testable import SPCSCostKit

/// Goldens of the two summaries that are documents besides the reports (export's and pull's), one set per document
/// in every format, and the rule that every warning reaches every format of every command.
@Suite struct DocumentGoldenTests {
    static let fixture = "Fixtures/snowsight/jupyterlab-april-2024.csv"
    static let exportArguments = ["export", "--focus", "--from", "2024-04-01", "--to", "2024-04-30",
                                  "--billing-account", "MYORG", "--family", "CPU_X64_XS", "--rate-card", "2024",
                                  "--region", "aws-ap-northeast-1", "--currency", "JPY", "--fx", "150"]

    /// export's summary in every format of the registry, from a real run on the imported fixture: table, markdown,
    /// json and html print it; csv and xlsx write it beside the FOCUS files.
    @Test func exportSummaryInEveryFormat() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", Self.fixture, "--cache", cache])
        let base = "spcs-cost-export_2024-04-01_2024-04-30"
        func clean(_ s: String) -> String { s.replacingOccurrences(of: dir.url.path, with: "<dir>") }
        for w in DocumentWriters.all {
            let out = dir.path(w.format)
            let result = try await run(Self.exportArguments + ["--out", out, "--cache", cache, "--format", w.format])
            switch w.format {
            case "table": assertSnapshot(clean(result.stdout), named: "\(base).txt")
            case "markdown": assertSnapshot(clean(result.stdout), named: "\(base).md")
            case "json", "html": assertSnapshot(clean(result.stdout), named: "\(base).\(w.format)")
            case "csv":
                let names = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(base) }.sorted()
                #expect(names == ["\(base)_files.csv", "\(base)_notes.csv", "\(base)_summary.csv"])
                for n in names { assertSnapshot(clean(try String(contentsOfFile: "\(out)/\(n)", encoding: .utf8)), named: n) }
            case "xlsx":
                let text = try xlsxText("\(out)/\(base).xlsx")
                #expect(text.contains("spcs-cost-focus_2024-04-01_2024-04-30_metered.csv"))
            default: Issue.record("a format without a golden: \(w.format)")
            }
            // The FOCUS files are written whatever the summary's format.
            #expect(FileManager.default.fileExists(atPath: "\(out)/spcs-cost-focus_2024-04-01_2024-04-30_metered.csv"))
        }
    }

    /// A pull of one account: three views read, one skipped for want of a grant, and two warnings about what the
    /// views returned.
    static let pull = PullSummary(
        connection: "prod", windowStart: "2024-04-01T00:00:00Z", windowEnd: "2024-05-01T00:00:00Z",
        statements: [
            .init(view: "SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY", statementHandle: "01b2-0001",
                  rows: 210, partitions: 1, skipped: nil),
            .init(view: "SNOWFLAKE.ACCOUNT_USAGE.COMPUTE_POOLS", statementHandle: "01b2-0002", rows: 1, partitions: 1,
                  skipped: nil),
            .init(view: "SNOWFLAKE.ORGANIZATION_USAGE.USAGE_IN_CURRENCY_DAILY", statementHandle: nil, rows: 0,
                  partitions: 0, skipped: "the role cannot read it (002003)"),
        ],
        historyRows: 210, inserted: 200, updated: 4, unchanged: 6, durationMilliseconds: 1234,
        viewWarnings: ["SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY returned no rows; grant <ORGANIZATION_BILLING_VIEWER> & retry.",
                       "a second warning naming --since."])

    /// pull's summary document in every format (xlsx: unzipped text).
    @Test func pullSummaryInEveryFormat() throws {
        let d = Document.pullSummary(Self.pull, cachePath: "/var/cache/spcs.sqlite",
                                     stamp: ReportStamp(toolVersion: "0.0.0-golden", commandLine: "spcs-cost pull -c prod"))
        let files = DocumentWriters.all.flatMap { $0.files(d) }
        let base = "spcs-cost-pull_2024-04-01_2024-05-01"
        #expect(files.map(\.name) == ["\(base).txt", "\(base)_views.csv", "\(base)_hourly_rows.csv", "\(base)_notes.csv",
                                      "\(base).md", "\(base).json", "\(base).html", "\(base).xlsx"])
        for f in files where !f.name.hasSuffix(".xlsx") { assertSnapshot(f.text, named: f.name) }
        let dir = try TemporaryDirectory()
        try files.last!.data.write(to: URL(fileURLWithPath: dir.path("p.xlsx")))
        #expect(try xlsxText(dir.path("p.xlsx")).contains("01b2-0001"))
    }

    /// A file's text with each writer's escaping undone, so a warning can be looked for in it: HTML and XML
    /// character references, Markdown backslash escapes and code-span backticks, CSV's doubled quotes.
    static func plain(_ text: String) -> String {
        var t = text
        for (from, to) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'"), ("&amp;", "&")] {
            t = t.replacingOccurrences(of: from, with: to)
        }
        return t.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "\\", with: "")
            .replacingOccurrences(of: "\"\"", with: "\"")
    }

    /// Every warning of every command that prints a document reaches every format: the command's JSON lists the
    /// warnings; each other format's files (the CSV notes file, the xlsx Notes sheet, the page, the text) state
    /// each of them. The runs are priced in April 2024, before the earliest credit price table, so each has at
    /// least that warning; the pools-file runs also warn that task warehouse credits are left out.
    @Test func everyWarningReachesEveryFormat() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", Self.fixture, "--cache", cache])
        let commands: [[String]] = [
            DemoCommand.reportArguments,
            ["estimate", "--pools", "Fixtures/pools/jupyterlab.toml", "--period", "2024-04", "--compare-always-on"],
            ReconcileDocumentCLITests.arguments,
            WhatIfMoneyTests.arguments,
            Self.exportArguments,
        ]
        for (i, given) in commands.enumerated() {
            // estimate reads no cache; the others read the imported one.
            let command = given[0] == "estimate" ? given : given + ["--cache", cache]
            let json = try await run(command + ["--format", "json", "--out", dir.path("\(i)-json")])
            // estimate, report, reconcile and whatif write the JSON into --out; export prints its summary.
            let written = (try? FileManager.default.contentsOfDirectory(atPath: dir.path("\(i)-json"))) ?? []
            let jsonText = try written.first { $0.hasSuffix(".json") }
                .map { try String(contentsOfFile: dir.path("\(i)-json/\($0)"), encoding: .utf8) } ?? json.stdout
            let object = try #require(try JSONSerialization.jsonObject(with: Data(jsonText.utf8)) as? [String: Any])
            let warnings = try #require(object["warnings"] as? [String])
            #expect(!warnings.isEmpty, "\(command[0]) has no warning to follow")
            for w in DocumentWriters.all where w.format != "json" {
                let out = dir.path("\(i)-\(w.format)")
                let result = try await run(command + ["--format", w.format, "--out", out])
                var text = Self.plain(result.stdout)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
                where name.hasPrefix("spcs-cost-") && !name.hasPrefix("spcs-cost-focus") {
                    let path = "\(out)/\(name)"
                    text += Self.plain(name.hasSuffix(".xlsx") ? try xlsxText(path) : try String(contentsOfFile: path, encoding: .utf8))
                }
                for warning in warnings {
                    #expect(text.contains(Self.plain(warning)), "\(command[0]) --format \(w.format) lacks: \(warning)")
                }
            }
        }
    }
}
