import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `whatif` with money: the bundled fixture (Fixtures/snowsight/jupyterlab-april-2024.csv) re-priced under the
/// pools file's policies, every amount from the priced ledger in JPY (the pools file's AWS Tokyo Standard,
/// 2.85 USD per credit, 150 JPY per USD), checked against committed goldens.
@Suite struct WhatIfMoneyTests {
    static func output(format: String) async throws -> CommandOutput {
        let dir = try TemporaryDirectory()
        let cache = dir.path("cache.sqlite")
        _ = try await run(["import", "Fixtures/snowsight/jupyterlab-april-2024.csv", "--cache", cache])
        return try await run(["whatif", "--pools", "Fixtures/pools/jupyterlab.toml", "--from", "2024-04-01",
                              "--to", "2024-04-30", "--policy", "always-on",
                              "--policy", "business-hours=10:00-19:00,MON-FRI,Asia/Tokyo", "--format", format,
                              "--cache", cache])
    }

    @Test(arguments: ["table", "json", "csv"])
    func whatIfMoneyGolden(format: String) async throws {
        let out = try await Self.output(format: format)
        assertSnapshot(out.stdout, named: "whatif.\(["table": "txt", "json": "json", "csv": "csv"][format]!)")
    }

    /// JUPYTER_POOL existed all of April (pools file `created = 2024-03-01`): always on is 30 × 24 h × 0.11 =
    /// 79.2 credits × 2.85 USD × 150 = 33,858 JPY, the team's hand figure.
    @Test func alwaysOnIsTheHandFigure() async throws {
        let out = try await Self.output(format: "json")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
        let policies = try #require(doc["policies"] as? [[String: Any]])
        let pools = try #require(policies.first?["pools"] as? [[String: Any]])
        let jupyter = try #require(pools.first { $0["pool"] as? String == "JUPYTER_POOL" })
        #expect(jupyter["policyCredits"] as? String == "79.2")
        #expect(jupyter["policyAmount"] as? String == "33858")
        #expect(doc["currency"] as? String == "JPY")
    }
}
