import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `spcs-cost export --focus` in-process on the bundled fixtures (the stdout golden is under Snapshots/).
@Suite struct ExportCommandTests {
    static let fixture = "Fixtures/snowsight/jupyterlab-april-2024.csv"

    @Test func contractPricesInYenWithAnEstimate() async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", Self.fixture, "--cache", cache])
        let out = try await run([
            "export", "--focus", "--from", "2024-04-01", "--to", "2024-04-30", "--out", dir.path("focus"),
            "--cache", cache, "--rate-sheet", "Fixtures/rate-sheet/rate-sheet-daily-april-2024.csv",
            "--account", "SPCS_DEV", "--contract-price", "3.80", "--region", "aws-ap-northeast-1",
            "--edition", "enterprise", "--currency", "JPY", "--fx-file", "Fixtures/fx/usdjpy-april-2024.csv",
            "--family", "CPU_X64_XS", "--rate-card", "2024", "--focus-version", "1.0",
        ])
        let shown = out.stdout.replacingOccurrences(of: dir.path("focus"), with: "<out>")
        assertSnapshot(shown, named: "export-contract-jpy.txt")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path("focus")).sorted()
        #expect(files == ["spcs-cost-focus_2024-04-01_2024-04-30_estimate.csv",
                          "spcs-cost-focus_2024-04-01_2024-04-30_metered.csv"])
        let metered = try String(contentsOfFile: dir.path("focus/\(files[1])"), encoding: .utf8)
        let header = try #require(metered.components(separatedBy: "\r\n").first?.components(separatedBy: ","))
        #expect(header.contains("ResourceId") && !header.contains("ResourceID") && header.contains("x_CostKind"))
    }

    @Test func withoutFocusTheCommandRefuses() {
        #expect(throws: (any Error).self) {
            try SpcsCost.parseAsRoot(["export", "--from", "2024-04-01", "--to", "2024-04-30", "--billing-account", "X"])
        }
    }

    @Test("exit codes", arguments: [
        // No BillingAccountId: a usage error.
        (["--to", "2024-04-30", "--region", "aws-ap-northeast-1"], 64),
        // The April FX file has no rate within 4 days of 5 May, which the always-on estimate needs: bad input data.
        (["--to", "2024-05-05", "--billing-account", "MYORG", "--family", "CPU_X64_XS", "--currency", "JPY",
          "--fx-file", "Fixtures/fx/usdjpy-april-2024.csv"], 65),
        // A conflicting FX file: bad input data, naming its line.
        (["--to", "2024-04-30", "--billing-account", "MYORG", "--currency", "JPY",
          "--fx-file", "Fixtures/fx/conflicting-rates.csv"], 65),
        // A rate sheet without an SPCS compute row for the account: bad input data.
        (["--to", "2024-04-30", "--billing-account", "MYORG",
          "--rate-sheet", "Fixtures/rate-sheet/rate-sheet-daily-april-2024.csv", "--account", "NO_SUCH_ACCOUNT"], 65),
        (["--to", "2024-04-30", "--billing-account", "MYORG", "--currency", "JPY", "--fx-file", "missing.csv"], 66),
    ] as [([String], Int32)])
    func exitCodes(extra: [String], code: Int32) async throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", Self.fixture, "--cache", cache])
        do {
            _ = try await run(["export", "--focus", "--from", "2024-04-01", "--out", dir.path("focus"),
                               "--cache", cache] + extra)
            Issue.record("expected an error for \(extra)")
        } catch {
            #expect(ExitStatus.code(for: error) == code, "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("focus")))
    }
}
