import Foundation
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

private func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

/// The scheduling tasks' warehouse share takes the warehouse's own AUTO_SUSPEND as the tail after each run when SHOW
/// WAREHOUSES was pulled into the cache (README "Task warehouses"), else the 600 s default; in a real SQLite file.
@Suite struct TaskWarehouseTailTests {
    /// One hour of WH (1.2 credits) shared by a pool task (10:00:00-10:00:30) and an ETL task (10:50-11:20). Without
    /// SHOW WAREHOUSES: 600 s tails, the pool task's share 1.2 × 630 ÷ 1,230. With WH's AUTO_SUSPEND pulled as 60 s:
    /// 1.2 × 90 ÷ 690, and the figure says which tail it used.
    @Test func thePulledAutoSuspendIsEachRunsTail() throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("c.sqlite")))
        _ = try cache.load(.init(kind: "pull", source: "t", checksum: "a", loadedAt: Date(timeIntervalSince1970: 0))) { w in
            try w.upsert(TaskRunRecord(name: "RESUME", queryID: "a", queryText: "ALTER COMPUTE POOL P RESUME",
                                       state: "SUCCEEDED", scheduledTime: at("2024-04-01T10:00:00Z"),
                                       queryStartTime: at("2024-04-01T10:00:00Z"),
                                       completedTime: at("2024-04-01T10:00:30Z"), warehouseName: "WH"))
            try w.upsert(TaskRunRecord(name: "ETL", queryID: "b", queryText: "MERGE INTO t USING s ON ...",
                                       state: "SUCCEEDED", scheduledTime: at("2024-04-01T10:50:00Z"),
                                       queryStartTime: at("2024-04-01T10:50:00Z"),
                                       completedTime: at("2024-04-01T11:20:00Z"), warehouseName: "WH"))
            try w.upsert(WarehouseMeteringRecord(startTime: at("2024-04-01T10:00:00Z"), endTime: at("2024-04-01T11:00:00Z"),
                                                 warehouseID: 1, warehouseName: "WH",
                                                 creditsUsed: NanoCredits(parsing: "1.2")!,
                                                 creditsUsedCompute: NanoCredits(parsing: "1.2")!,
                                                 creditsUsedCloudServices: .zero))
        }
        let list = CreditPriceSchedule.ListPrice(
            price: CreditPrice(edition: .standard, price: Money(3, .usd), source: "test"), effectiveFrom: nil)
        let pricing = Pricing(currency: .usd, schedule: try CreditPriceSchedule(rateSheet: nil, account: nil, contract: nil, list: list),
                              fx: FXBook(fixed: []))
        let day = CivilDate("2024-04-01")!
        func costs() throws -> TaskCosts {
            var rates = try pricing.rates(for: day...day)
            return try #require(try ReportService.taskCosts(cache: cache, start: at("2024-04-01T00:00:00Z"),
                                                             end: at("2024-04-02T00:00:00Z"), rates: &rates).costs)
        }
        let assumed = try costs()
        #expect(assumed.warehouse.quantity == Decimal(string: "1.2")! * 630 / 1230)
        #expect(assumed.pulledTails.isEmpty && assumed.tailSeconds == 600)

        _ = try cache.load(.init(kind: "pull", source: "t", checksum: "b", loadedAt: Date(timeIntervalSince1970: 1))) { w in
            try w.replaceWarehouses([WarehouseRecord(name: "WH", size: "X-Small", type: "STANDARD", autoSuspendSeconds: 60,
                                                     autoResume: true)], organization: "", account: "")
        }
        let pulled = try costs()
        #expect(pulled.warehouse.quantity == Decimal(string: "1.2")! * 90 / 690)
        #expect(pulled.warehouse.amount.amount == Decimal(string: "1.2")! * 90 / 690 * 3)
        #expect(pulled.pulledTails == ["WH": 60])
    }
}
