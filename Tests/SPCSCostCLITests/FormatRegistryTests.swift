import ArgumentParser
import Foundation
import SPCSCostReports
import Testing

@testable import SPCSCostCLI

/// The writers' registry (``DocumentWriters``) is the one list of formats: every command that prints data offers
/// each registered name in its `--format` help and accepts it, and refuses a name the registry lacks. A writer
/// registered in that one place is therefore offered everywhere (this test needs no change when one is added).
@Suite struct FormatRegistryTests {
    /// Each command that prints data, with the arguments it needs to parse besides `--format`.
    static let commands: [(name: String, type: any ParsableCommand.Type, arguments: [String])] = [
        ("estimate", EstimateCommand.self, ["--family", "CPU_X64_XS", "--hours", "10", "--days", "20"]),
        ("report", ReportCommand.self, ["--period", "2024-04"]),
        ("reconcile", ReconcileCommand.self, ["--pools", "p.toml", "--period", "2024-04"]),
        ("whatif", WhatIfCommand.self, ["--pools", "p.toml", "--period", "2024-04"]),
        ("export", ExportCommand.self, ["--focus", "--period", "2024-04"]),
        ("pull", PullCommand.self, []),
    ]

    @Test func everyCommandOffersEveryRegisteredFormat() throws {
        #expect(DocumentWriters.names == ["table", "csv", "markdown", "json", "html", "xlsx"])
        for c in Self.commands {
            let help = c.type.helpMessage(columns: 10_000)
            let formatLine = try #require(help.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--format") }, "\(c.name)")
            for name in DocumentWriters.names {
                #expect(formatLine.contains(name), "\(c.name) --format help does not offer \(name)")
                #expect(throws: Never.self, "\(c.name) refuses --format \(name)") {
                    _ = try c.type.parseAsRoot(c.arguments + ["--format", name])
                }
            }
            // report reads its comma-separated list when it builds its options (ReportFilesTests checks the refusal).
            guard c.name != "report" else { continue }
            #expect(throws: (any Error).self, "\(c.name) accepts an unregistered format") {
                _ = try c.type.parseAsRoot(c.arguments + ["--format", "pdf"])
            }
        }
    }
}
