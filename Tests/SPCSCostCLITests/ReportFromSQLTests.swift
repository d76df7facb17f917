import Foundation
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `report --from-sql`: the setup SQL tells which pool a scheduling task's `CALL` acts on, so the CLI's `--by pool`
/// file sets the task's credits against that pool (README "Task warehouses"). A real SQLite file holds what a pull
/// would have stored.
@Suite struct ReportFromSQLTests {
    /// DASH_POOL metered 0.06 credits in each of 2024-04-01's 24 UTC hours (1.44); its suspend task, a CALL of the
    /// fixture's MANAGE_SERVICE procedure, ran at 19:00 on OPS_WH, which billed 0.2 credits that hour. At 3 USD a
    /// credit: 0.6 USD of task credits, DASH_POOL's with the script, the account line's without.
    @Test func theProcedureCallsPoolTakesItsTaskCredits() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("cache.sqlite")
        let cache = try UsageCache(.path(path))
        let day = CivilDate("2024-04-01")!.startInstant(in: TimeZone(identifier: "UTC")!)
        let hours = (0..<24).map { h in
            UsageRecord(startTime: day.addingTimeInterval(TimeInterval(h * 3600)),
                        endTime: day.addingTimeInterval(TimeInterval((h + 1) * 3600)), computePoolName: "DASH_POOL",
                        creditsUsed: NanoCredits(60_000_000))
        }
        let at19 = day.addingTimeInterval(19 * 3600)
        try cache.load(.init(kind: "pull", source: "test", checksum: "", loadedAt: day.addingTimeInterval(86_400))) { w in
            for r in hours { try w.upsert(r) }
            try w.upsert(WarehouseMeteringRecord(startTime: at19, endTime: at19.addingTimeInterval(3600), warehouseID: 1,
                                                 warehouseName: "OPS_WH", creditsUsed: NanoCredits(200_000_000),
                                                 creditsUsedCompute: NanoCredits(200_000_000), creditsUsedCloudServices: .zero))
            try w.upsert(TaskRunRecord(name: "DASH_SUSPEND", databaseName: "DASH_DB", schemaName: "APP", queryID: "q1",
                                       queryText: "CALL DASH_DB.APP.MANAGE_SERVICE(svc_name => 'DASH_DB.APP.DASH_SVC', action => 'suspend')",
                                       state: "SUCCEEDED", scheduledTime: at19, queryStartTime: at19,
                                       completedTime: at19.addingTimeInterval(2), warehouseName: "OPS_WH"))
        }
        let base = ["report", "--from", "2024-04-01", "--to", "2024-04-01", "--timezone", "UTC", "--family", "CPU_X64_XS",
                    "--credit-price", "3", "--by", "pool", "--format", "csv", "--cache", path]
        _ = try await run(base + ["--out", dir.path("plain")])
        _ = try await run(base + ["--out", dir.path("sql"), "--from-sql", "Fixtures/setup-sql/dashboards-desc-service.sql"])
        func byPool(_ folder: String) throws -> [String] {
            try String(contentsOfFile: dir.path("\(folder)/spcs-cost-report_2024-04-01_2024-04-01_by_pool.csv"), encoding: .utf8)
                .components(separatedBy: "\r\n")
        }
        // Without the script the call's pool cannot be told: an account line. With it: DASH_POOL's.
        #expect(try byPool("plain").contains("(account),0,0.00,0.2,0.60,0.00,0.00,0.00,0.00,0.60,,"))
        let resolved = try byPool("sql")
        #expect(!resolved.contains { $0.hasPrefix("(account)") })
        // Always on 24 node-hours × 0.11 (2024 card) = 2.64 credits; net 2.64 − 1.44 − 0.2 = 1 credit, 3.00 USD.
        #expect(resolved.contains("DASH_POOL,1.44,4.32,0.2,0.60,0.00,0.00,0.00,0.00,4.92,1,3.00"))
    }
}
