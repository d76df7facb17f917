import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostReports
import SPCSCostStore

/// `spcs-cost demo`: the main job end to end on the bundled fixture, with no Snowflake account: import the
/// April 2024 JupyterLab export into a temporary cache, estimate the team's plan, write the savings report.
struct DemoCommand: EnvironmentCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job on the bundled April 2024 fixture (no Snowflake account needed).",
        discussion: """
            Runs from any folder: its inputs are bundled with spcs-cost. The report is written in every file format
            (CSV, Markdown, JSON, HTML, xlsx) under --out; `spcs-cost demo --out Reports/samples` regenerates the
            committed samples.
            """)

    @Option(help: "The Snowsight CSV export to use. Default: the bundled April 2024 JupyterLab export.", completion: .file(extensions: ["csv"]))
    var fixture: String?

    /// The bundled export, as the demo names it.
    static let bundledFixture = "Fixtures/snowsight/jupyterlab-april-2024.csv"

    /// The folder holding the bundled inputs under their repository paths (`Fixtures/...`).
    /// - Throws: ``InputFileError`` (exit 66) when the resource folder is missing (a damaged installation).
    static func bundledInputs() throws -> String {
        guard let url = Bundle.module.url(forResource: "demo", withExtension: nil) else {
            throw InputFileError(path: "demo", reason: "the bundled demo inputs are missing; reinstall spcs-cost with its spcs-cost_*.resources folders")
        }
        return url.path
    }

    @Option(help: "Folder for the report files.")
    var out: String = "Reports"

    @Option(help: ArgumentHelp(ReportCommand.detailHelp, valueName: "level"))
    var detail: ReportDetail?

    /// The report command the demo runs, as a user would type it after importing the fixture.
    static let reportArguments = [
        "report", "--from", "2024-04-01", "--to", "2024-04-30", "--timezone", "Asia/Tokyo",
        "--family", "CPU_X64_XS", "--business-hours", "10:00-19:00", "--weekdays", "MON-FRI",
        "--schedule-timezone", "Asia/Tokyo", "--region", "aws-ap-northeast-1", "--currency", "JPY", "--fx", "150",
        "--pools", "Fixtures/pools/jupyterlab-april-2024.toml",
    ]

    /// The formats the demo writes: every file format of the registry (all but `table`, which prints).
    static var formats: String { DocumentWriters.names.filter { $0 != "table" }.joined(separator: ",") }

    /// The estimate the demo shows: the team's hand-computed plan.
    static let estimateArguments = [
        "estimate", "--family", "CPU_X64_XS", "--hours", "10", "--days", "20", "--rate-card", "2024",
        "--region", "aws-ap-northeast-1", "--currency", "JPY", "--fx", "150", "--compare-always-on",
        "--period-days", "30",
    ]

    func execute(in env: Environment) async throws -> CommandOutput {
        // A folder of its own per run: two demos in one process (the test suite runs them in parallel) must not
        // share, and migrate, one cache.
        let tmp = FileManager.default.temporaryDirectory
            .appendingPathComponent("spcs-cost-demo-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let cachePath = tmp.appendingPathComponent("cache.sqlite").path
        let cache = try UsageCache(.path(cachePath))
        // The bundled inputs are read with the bundle as the working folder, so they keep their repository names
        // (Fixtures/...) in every message and report; --out and --fixture stay relative to the user's folder.
        var bundleEnv = env
        bundleEnv.currentDirectory = try Self.bundledInputs()
        let fixture = self.fixture ?? Self.bundledFixture
        let imported = try ImportService(env: self.fixture == nil ? bundleEnv : env)
            .importCSV(path: fixture, timeZone: nil, into: cache)

        var out = "1. spcs-cost import \(fixture) (into a temporary cache)\n"
        out += "   \(imported.rows) hourly rows of SNOWPARK_CONTAINER_SERVICES_HISTORY imported.\n\n"

        out += "2. spcs-cost \(Self.estimateArguments.joined(separator: " "))\n\n"
        let estimate = try EstimateCommand.parse(Array(Self.estimateArguments.dropFirst()))
        var estimateEnv = env
        estimateEnv.arguments = ["spcs-cost"] + Self.estimateArguments
        out += try await estimate.execute(in: estimateEnv).stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "   " + $0 }.joined(separator: "\n")

        // `--detail`, when given, is passed to the report as typed.
        let detailArgs = detail.map { ["--detail", $0.rawValue] } ?? []
        let reportArgs = Self.reportArguments + detailArgs + ["--format", Self.formats, "--out", self.out]
        out += "\n3. spcs-cost \(reportArgs.joined(separator: " "))\n\n"
        let report = try ReportCommand.parse(
            Array(Self.reportArguments.dropFirst()) + detailArgs
                + ["--format", Self.formats, "--out", env.resolve(self.out), "--cache", cachePath])
        var reportEnv = bundleEnv
        reportEnv.arguments = ["spcs-cost"] + Self.reportArguments + detailArgs + ["--format", Self.formats]
        let result = try await report.execute(in: reportEnv)
        out += result.stdout
        return CommandOutput(stdout: out, stderr: result.stderr)
    }
}
