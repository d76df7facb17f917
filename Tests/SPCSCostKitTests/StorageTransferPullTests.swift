import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Block storage, snapshots and SPCS data transfer pulled over real HTTP from the project's loopback SQL API server
/// into a real SQLite file, then priced by `report` with the bundled unit price table (AWS Tokyo, Service Consumption
/// Table 2026-04-01, carried back to April 2024; April has 30 days, a TB is 2^40 bytes).
extension PullServiceTests {
    /// 2024-04-01 = 19814 days = 1711929600 s.
    func serveStorageAndTransfer() {
        server.register("ACCOUNT_USAGE.BLOCK_STORAGE_HISTORY", result: TestResult(
            columns: TestResult.blockStorageHistoryColumns,
            rows: [["1711929600.000000000", "BLOCK_STORAGE", "A", "7", "107374182400", "1000.000000000", "100.000000000"],
                   ["1711929600.000000000", "SNAPSHOT", nil, nil, "21474836480", "0.000000000", "0.000000000"]]))
        server.register("ACCOUNT_USAGE.BLOCK_STORAGE_SNAPSHOTS", result: TestResult(
            columns: TestResult.blockStorageSnapshotsColumns,
            rows: [["6001", "SNAP_1", "WEB_SVC", "data", "20", "1711324800.000000000", nil]]))
        server.register("ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY", result: TestResult(
            columns: TestResult.internalDataTransferHistoryColumns,
            rows: [["1711933200.000000000", "1711936800.000000000", "SERVICE_FUNCTION", "A", "1099511627776"]]))
        server.register("ACCOUNT_USAGE.DATA_TRANSFER_HISTORY", result: TestResult(
            columns: TestResult.dataTransferHistoryColumns,
            rows: [["1711933200.000000000", "1711936800.000000000", "AWS", "ap-northeast-1", "AWS", "ap-northeast-1",
                    "1099511627776", "INTERNAL"],
                   ["1711933200.000000000", "1711936800.000000000", "AWS", "ap-northeast-1", "AWS", "us-east-1",
                    "549755813888", "SNOWPARK_CONTAINER_SERVICES"]]))
    }

    @Test func storageAndTransferArePulledIntoTheCacheAndPricedInTheReport() async throws {
        serveStorageAndTransfer()
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("cache.sqlite")))
        let summary = try await service().pull(options(since: "2024-04-01"), into: cache)
        #expect(summary.statements.contains { $0.view.hasSuffix("DATA_TRANSFER_HISTORY") && $0.rows == 2 })
        #expect(!summary.viewWarnings.contains { $0.contains("BLOCK_STORAGE") || $0.contains("TRANSFER") })
        let sent = server.requests.map(\.body).joined()
        #expect(sent.contains("BYTES_TRANSFERRED::NUMBER"))
        // A second, incremental pull reads the same rows again: upserted by key, nothing counted twice.
        _ = try await service().pull(options(since: nil), into: cache)
        // Read back from the file.
        let reopened = try UsageCache(.path(dir.path("cache.sqlite")))
        let input = try reopened.storageAndTransfer(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!)
        #expect(input.storage.count == 2 && input.snapshots.count == 1)
        #expect(input.storage.first { $0.poolName == "A" }?.bytes == dec("107374182400"))
        #expect(input.storage.allSatisfy { $0.account == "MYACCOUNT" && $0.organization == "MYORG" })
        #expect(input.internalTransfer.map(\.bytes) == [dec("1099511627776")])
        #expect(input.dataTransfer.count == 2)

        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-01")!,
                              timeZone: TimeZone(identifier: "UTC")!)
        o.region = "aws-ap-northeast-1"
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        let report = try ReportService(env: env).build(o, cache: reopened)
        let bill = try #require(report.wholeBill)
        let lines = Dictionary(uniqueKeysWithValues: bill.lines.map { ($0.key, $0) })
        // Compute on 2024-04-01 (hours 01:00-23:00 UTC): 12 × 0.11 + 11 × 0.055 = 1.925 credits × 2.85 = 5.48625.
        #expect(lines["compute"]?.amount.amount == dec("5.48625"))
        // Volume: 100 GiB = 100/1024 TB-days × 98.31/30 = 0.32001953125; 100 GiB-days.
        #expect(lines["block_storage"]?.gibDays == 100)
        #expect(abs(lines["block_storage"]!.amount.amount - dec("0.32001953125")) < dec("1e-30"))
        // IOPS 1,000 × 6.00/30 = 0.2; throughput 100/1024 GB/s-days × 49.16/30.
        #expect(abs(lines["block_storage_iops"]!.amount.amount - dec("0.2")) < dec("1e-30"))
        #expect(abs(lines["block_storage_throughput"]!.amount.amount - dec("4.80078125") / 30) < dec("1e-30"))
        // Snapshot 20 GiB of WEB_SVC (BLOCK_STORAGE_SNAPSHOTS): 20/1024 × 51.20/30 = 1/30.
        #expect(bill.rows.first { $0.kind == .snapshot }?.service == "WEB_SVC")
        #expect(abs(lines["snapshot"]!.amount.amount - dec("1") / 30) < dec("1e-30"))
        // Transfer: 1 TB internal × 3.07 + 0.5 TB egress to another AWS region × 90.00 = 48.07; the INTERNAL row of
        // DATA_TRANSFER_HISTORY is the internal view's TB again, not priced twice.
        #expect(lines["data_transfer"]?.quantity == dec("1.5"))
        #expect(lines["data_transfer"]?.amount.amount == dec("48.07"))
        // Adjustment: min(48.07, 10 % × 5.48625) = 0.548625.
        #expect(lines["data_transfer_adjustment"]?.amount.amount == dec("-0.548625"))
        let parts = ["compute", "block_storage", "block_storage_iops", "block_storage_throughput", "snapshot",
                     "data_transfer", "data_transfer_adjustment"].reduce(Decimal(0)) { $0 + lines[$1]!.amount.amount }
        #expect(lines["total"]?.amount.amount == parts)
    }

    @Test func aTransferViewTheRoleCannotReadIsAWarningNotAFailedPull() async throws {
        // Registered first, so it answers before the rows serveStorageAndTransfer registers.
        server.register("ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY") { _ in
            .failure(status: 422, code: "002003", sqlState: "02000",
                     message: "SQL compilation error:\nObject 'SNOWFLAKE.ACCOUNT_USAGE.INTERNAL_DATA_TRANSFER_HISTORY' does not exist or not authorized.")
        }
        serveStorageAndTransfer()
        let cache = try UsageCache(.memory)
        let summary = try await service().pull(options(since: "2024-04-01"), into: cache)
        #expect(summary.statements.first { $0.view.hasSuffix(".INTERNAL_DATA_TRANSFER_HISTORY") }?.skipped?.contains("002003") == true)
        #expect(summary.viewWarnings.contains { $0.contains("INTERNAL_DATA_TRANSFER_HISTORY is not readable") })
        let input = try cache.storageAndTransfer(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!)
        #expect(input.internalTransfer.isEmpty && input.storage.count == 2)
    }

    @Test func withoutRegisteredRowsTheViewsAreEmptyAndTheReportHasNoWholeBill() async throws {
        let cache = try UsageCache(.memory)
        let summary = try await service().pull(options(since: "2024-04-01"), into: cache)
        #expect(summary.statements.filter { $0.view.contains("TRANSFER") || $0.view.contains("BLOCK_STORAGE") }.count == 4)
        #expect(try cache.storageAndTransfer(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!).isEmpty)
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-01")!, timeZone: TimeZone(identifier: "UTC")!)
        o.region = "aws-ap-northeast-1"
        #expect(try ReportService(env: env).build(o, cache: cache).wholeBill == nil)
    }
}
