import Foundation
import SPCSCostReports
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `estimate` renders its document through the writers' registry: `--format` takes exactly the registry's names,
/// `table` prints by default, single-file text formats print, csv and xlsx need `--out DIR`.
@Suite struct EstimateDocumentCLITests {
    /// The hand-computed plan (`demo`'s step 2): 0.11 credits/h × 10 h × 20 days = 22 credits at 2.85 to 5.70 USD
    /// × 150 JPY = 9,405 to 18,810 JPY; always on 79.2 credits = 33,858 to 67,716 JPY.
    static let plan = DemoCommand.estimateArguments

    @Test func everyRegisteredWriterIsOfferedByFormat() throws {
        let help = EstimateCommand.helpMessage()
        for name in DocumentWriters.names {
            #expect(help.contains(name), "estimate --help does not offer \(name)")
            let command = try EstimateCommand.parse(Array(Self.plan.dropFirst()) + ["--format", name])
            #expect(try command.output.writer().format == name)
        }
        // The help lists the registry's names, in its order, and nothing else.
        let flat = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Output format: " + DocumentWriters.names.joined(separator: ", ") + "."))
        #expect(throws: (any Error).self) { try EstimateCommand.parse(Array(Self.plan.dropFirst()) + ["--format", "pdf"]) }
    }

    @Test func theTableShowsTheHandComputedFiguresAndTheRateCard() async throws {
        let out = try await run(Self.plan)
        #expect(out.stdout.hasPrefix("SPCS cost estimate\n=================="))
        #expect(out.stdout.contains("Range: 9,405 to 18,810 JPY (Standard to Business Critical)"))
        #expect(out.stdout.contains("33,858 to 67,716 JPY (Standard to Business Critical)"))
        #expect(out.stdout.contains("Rates: rate card 2024"))
        #expect(out.stdout.contains("FX: 150 JPY per USD"))
    }

    @Test func textFormatsPrintAndFileFormatsNeedOut() async throws {
        let json = try await run(Self.plan + ["--format", "json"])
        #expect(json.stdout.hasPrefix("{\n  \"schema\" : \"spcs-cost.estimate/2\","))
        let md = try await run(Self.plan + ["--format", "markdown"])
        #expect(md.stdout.hasPrefix("# SPCS cost estimate\n"))
        for format in ["csv", "xlsx"] {
            do {
                _ = try await run(Self.plan + ["--format", format])
                Issue.record("expected a usage error: \(format) needs --out")
            } catch {
                #expect(ExitStatus.code(for: error) == 64)
                #expect("\(error)".contains("add --out DIR"))
            }
        }
        let dir = try TemporaryDirectory()
        let csv = try await run(Self.plan + ["--format", "csv", "--out", dir.path("csv")])
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path("csv")).sorted()
        #expect(names.contains { $0.hasSuffix("_costs.csv") } && names.contains { $0.hasSuffix("_notes.csv") })
        #expect(csv.stdout.split(separator: "\n").count == names.count && csv.stdout.hasPrefix("wrote "))
        let costs = try String(contentsOfFile: dir.path("csv") + "/" + names.first { $0.hasSuffix("_costs.csv") }!, encoding: .utf8)
        #expect(costs.contains(",Standard,200,22,2.85,") && costs.contains("62.70,9405,150"))
        _ = try await run(Self.plan + ["--format", "xlsx", "--out", dir.path("x")])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("x")).map { $0.hasSuffix(".xlsx") } == [true])
    }
}

/// `pull --format`: the registry's names; `text` stays an alias of `table` for one release.
@Suite struct PullFormatTests {
    @Test func textIsAnAliasOfTable() throws {
        #expect(try PullFormat.name(PullCommand.parse(["--format", "table"]).format) == "table")
        #expect(try PullFormat.name(PullCommand.parse(["--format", "text"]).format) == "table")
        #expect(try PullFormat.name(PullCommand.parse([]).format) == "table")
        #expect(try PullFormat.name(PullCommand.parse(["--format", "json"]).format) == "json")
        #expect(throws: (any Error).self) { try PullCommand.parse(["--format", "pdf"]) }
    }
}
