import Foundation
import Testing

@testable import SPCSCostCore

/// Block storage, snapshots, data transfer and the daily transfer adjustment priced through the ledger: worked
/// examples, each with its arithmetic. Prices are AWS Tokyo's and GCP US Central 1's of the Service Consumption Table
/// effective 2026-04-01 (Table 3(c), Tables 4(a)-(c)); April has 30 days, a TB is 2^40 bytes.
@Suite struct CurrencyBilledPartsTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let tb: Decimal = 1_099_511_627_776
    static let gib: Decimal = 1_073_741_824

    static func d(_ s: String) -> CivilDate { CivilDate(s)! }
    static func dec(_ s: String) -> Decimal { Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))! }
    static func instant(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    static let units = UnitPriceTable.Units(bytesPerTB: tb, monthDays: "calendar",
                                            throughputMiBPerSecondPerGBPerSecond: 1024, about: "test")
    static func table(region: String, cloudRegion: String, billed: Bool, prices: [UnitPriceItem: String]) -> UnitPriceTable {
        UnitPriceTable(id: "2026-04", title: "t", effectiveFrom: d("2026-04-01"), currency: .usd, source: "test",
                       units: units, regions: [.init(region: RegionID(region)!, name: region, cloudRegion: cloudRegion,
                                                     transferBilled: billed, prices: prices.mapValues { dec($0) })])
    }
    static let tokyo = table(region: "aws-ap-northeast-1", cloudRegion: "ap-northeast-1", billed: true, prices: [
        .blockStorageVolume: "98.31", .blockStorageIOPS: "6.00", .blockStorageThroughput: "49.16", .snapshot: "51.20",
        .transferSPCSSameRegion: "3.07", .transferDifferentRegion: "90.00", .transferInternet: "114.00"])
    static let gcp = table(region: "gcp-us-central1", cloudRegion: "us-central1", billed: false, prices: [
        .blockStorageVolume: "81.92", .snapshot: "51.20", .transferSPCSSameRegion: "6.22",
        .transferDifferentRegion: "0.00", .transferInternet: "0.00"])

    /// A USD pricing at 4.30 USD per credit with `table`'s unit prices.
    static func pricing(_ table: UnitPriceTable) throws -> Pricing {
        let schedule = try CreditPriceSchedule(
            rateSheet: nil, account: nil, contract: nil,
            list: .init(price: CreditPrice(edition: .enterprise, price: Money(dec("4.30"), .usd), source: "test"),
                        effectiveFrom: nil))
        return Pricing(currency: .usd, schedule: schedule, fx: .none,
                       unitPrices: UnitPriceBook(region: table.regions[0].region, tables: [table]))
    }

    static func sum(_ rows: [LedgerRow], _ kind: ChargeKind) -> Decimal {
        rows.filter { $0.kind == kind }.reduce(0) { $0 + $1.charge.amount.amount }
    }

    /// Equal to 30 decimal places: a price per month ÷ 30 does not end, and Decimal keeps 38 digits.
    static func close(_ a: Decimal, _ b: Decimal) -> Bool { abs(a - b) < dec("0.000000000000000000000000000001") }

    @Test func aPoolsVolumeIOPSAndThroughputOfOneDay() throws {
        // 100 GiB all day, 1,000 IOPS and 100 MiB/s above the defaults, on 2026-04-02 in Tokyo:
        // volume 100/1024 TB-days × 98.31/30 = 0.09765625 × 3.277 = 0.32001953125;
        // IOPS 1,000/1,000 × 6.00/30 = 0.20; throughput 100/1024 GB/s-days × 49.16/30 = 4.80078125/30.
        let input = CurrencyBilledParts.Input(storage: [
            BlockStorageRecord(usageDate: Self.d("2026-04-02"), storageType: "BLOCK_STORAGE", poolName: "P", poolID: 7,
                               bytes: 100 * Self.gib, additionalIOPS: 1000, additionalThroughputMiBPerSecond: 100)])
        let r = try CurrencyBilledParts.price(input, computeByUTCDay: [:], pricing: Self.pricing(Self.tokyo),
                                              days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        #expect(r.rows.map(\.kind) == [.blockStorage, .blockStorageIOPS, .blockStorageThroughput])
        #expect(r.rows.allSatisfy { $0.poolName == "P" && $0.poolID == 7 && $0.grain == .day })
        #expect(r.rows[0].charge.quantity == Self.dec("0.09765625"))
        #expect(r.rows[0].charge.unit == .terabyteDays)
        #expect(Self.close(r.rows[0].charge.amount.amount, Self.dec("0.32001953125")))
        #expect(Self.close(r.rows[1].charge.amount.amount, Self.dec("0.2")))
        #expect(Self.close(r.rows[2].charge.amount.amount, Self.dec("4.80078125") / 30))
        #expect(r.rows[0].charge.rate.unitPrice.price.source.contains("98.31 USD per TB-month over 30 days"))
        // In May the month has 31 days: 0.09765625 × 98.31 / 31.
        let may = try CurrencyBilledParts.price(
            .init(storage: [BlockStorageRecord(usageDate: Self.d("2026-05-02"), storageType: "BLOCK_STORAGE",
                                               poolName: "P", poolID: 7, bytes: 100 * Self.gib)]),
            computeByUTCDay: [:], pricing: Self.pricing(Self.tokyo), days: Self.d("2026-05-01")...Self.d("2026-05-31"))
        #expect(Self.close(may.rows[0].charge.amount.amount, Self.dec("9.6005859375") / 31))
    }

    /// 2 TB of internal transfer a day (2 × 3.07 = 6.14 USD). On 04-03 the pools ran 10 credits (43.00 USD, a tenth
    /// 4.30): the adjustment is -4.30, 10 % of compute being the lower. On 04-04 they ran 100 credits (430.00 USD, a
    /// tenth 43.00): the adjustment is -6.14, the transfer being the lower.
    @Test func theDailyAdjustmentIsTheLowerOfTransferAndATenthOfCompute() throws {
        let pricing = try Self.pricing(Self.tokyo)
        let input = CurrencyBilledParts.Input(internalTransfer: [
            InternalTransferRecord(startTime: Self.instant("2026-04-03T05:00:00Z"), endTime: Self.instant("2026-04-03T06:00:00Z"),
                                   transferType: "SERVICE_FUNCTION", poolName: "P", bytes: 2 * Self.tb),
            InternalTransferRecord(startTime: Self.instant("2026-04-04T23:00:00Z"), endTime: Self.instant("2026-04-05T00:00:00Z"),
                                   transferType: "COMPUTE_POOL", poolName: "P", bytes: 2 * Self.tb)])
        let compute: [CivilDate: Money] = [Self.d("2026-04-03"): Money(10 * Self.dec("4.30"), .usd),
                                           Self.d("2026-04-04"): Money(100 * Self.dec("4.30"), .usd)]
        let r = try CurrencyBilledParts.price(input, computeByUTCDay: compute, pricing: pricing,
                                              days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        let transfer = r.rows.filter { $0.kind == .dataTransfer }
        #expect(transfer.map(\.charge.quantity) == [2, 2])
        #expect(transfer.map(\.charge.amount.amount) == [Self.dec("6.14"), Self.dec("6.14")])
        let adjustments = r.rows.filter { $0.kind == .dataTransferAdjustment }
        #expect(adjustments.map { CivilDate.of($0.periodStart, in: Self.utc) } == [Self.d("2026-04-03"), Self.d("2026-04-04")])
        #expect(adjustments.map(\.charge.amount.amount) == [Self.dec("-4.3"), Self.dec("-6.14")])
        #expect(adjustments.allSatisfy { $0.poolName.isEmpty && $0.charge.unit == .currency })
        #expect(r.notes.isEmpty)
    }

    /// SPCS egress names no pool: an account line per day, priced by target. From Tokyo: 1 TB to ap-northeast-1 at
    /// 3.07, 1 TB to us-east-1 (another AWS region) at 90.00, 1 TB to Azure at 114.00 (another cloud); the INTERNAL
    /// row repeats the internal view's bytes and is not priced again.
    @Test func egressIsPricedByTargetCloudAndRegion() throws {
        func row(_ cloud: String, _ region: String, _ type: String = DataTransferRecord.spcsEgressType) -> DataTransferRecord {
            DataTransferRecord(startTime: Self.instant("2026-04-03T05:00:00Z"), endTime: Self.instant("2026-04-03T06:00:00Z"),
                               sourceCloud: "AWS", sourceRegion: "ap-northeast-1", targetCloud: cloud, targetRegion: region,
                               bytes: Self.tb, transferType: type)
        }
        let r = try CurrencyBilledParts.price(
            .init(dataTransfer: [row("AWS", "ap-northeast-1"), row("AWS", "us-east-1"), row("AZURE", "eastus2"),
                                 row("AWS", "ap-northeast-1", "INTERNAL")]),
            computeByUTCDay: [:], pricing: Self.pricing(Self.tokyo), days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        #expect(r.rows.map(\.kind) == [.dataTransfer, .dataTransfer, .dataTransfer])
        #expect(Set(r.rows.map(\.charge.amount.amount)) == [Self.dec("3.07"), Self.dec("90"), Self.dec("114")])
        #expect(r.rows.allSatisfy { $0.poolName.isEmpty })
        // No compute that day: a tenth of nothing is 0, so no adjustment line.
        #expect(Self.sum(r.rows, .dataTransferAdjustment) == 0)
    }

    /// A Google Cloud account: the same 2 TB and compute are priced at 0 and have no adjustment, and the run says
    /// why; block storage is still billed (100/1024 TB-days × 81.92/30 = 8/30 = 0.2666…).
    @Test func googleCloudTransferIsNotBilled() throws {
        let input = CurrencyBilledParts.Input(
            storage: [BlockStorageRecord(usageDate: Self.d("2026-04-03"), storageType: "BLOCK_STORAGE", poolName: "P",
                                         poolID: 1, bytes: 100 * Self.gib)],
            internalTransfer: [InternalTransferRecord(startTime: Self.instant("2026-04-03T05:00:00Z"),
                                                      endTime: Self.instant("2026-04-03T06:00:00Z"),
                                                      transferType: "SERVICE_FUNCTION", poolName: "P", bytes: 2 * Self.tb)])
        let r = try CurrencyBilledParts.price(input, computeByUTCDay: [Self.d("2026-04-03"): Money(100, .usd)],
                                              pricing: Self.pricing(Self.gcp), days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        let transfer = r.rows.filter { $0.kind == .dataTransfer }
        #expect(transfer.map(\.charge.quantity) == [2])
        #expect(transfer.map(\.charge.amount.amount) == [0])
        #expect(transfer[0].charge.rate.unitPrice.price.source.contains("not billed in this cloud"))
        #expect(Self.sum(r.rows, .dataTransferAdjustment) == 0)
        #expect(r.rows.filter { $0.kind == .dataTransferAdjustment }.isEmpty)
        #expect(Self.close(Self.sum(r.rows, .blockStorage), Self.dec("8") / 30))
        #expect(r.notes.count == 1 && r.notes[0].contains("not billed for Snowflake accounts on Google Cloud"))
    }

    /// DROP SERVICE WEB_SVC at 2026-04-10T00:00Z takes a 20 GB snapshot (snapshotOnDelete), kept seven days and
    /// dropped at 04-17T00:00Z; its 1-day retention bills it through 04-17. BLOCK_STORAGE_HISTORY shows 20 GiB on
    /// each of the 8 days 04-10..04-17; BLOCK_STORAGE_SNAPSHOTS explains them all, so all 8 days are WEB_SVC's:
    /// 20/1024 TB-days × 51.20/30 = 1/30 USD a day, 8/30 in all. On 04-18 a 10 GiB snapshot row that no snapshot
    /// explains is an account line: 10/1024 × 51.20/30 = 1/60.
    @Test func aSnapshotKeptSevenDaysAfterADrop() throws {
        var storage: [BlockStorageRecord] = (10...17).map {
            BlockStorageRecord(usageDate: Self.d(String(format: "2026-04-%02d", $0)), storageType: "SNAPSHOT", poolName: nil,
                               poolID: nil, bytes: 20 * Self.gib)
        }
        storage.append(BlockStorageRecord(usageDate: Self.d("2026-04-18"), storageType: "SNAPSHOT", poolName: nil, poolID: nil,
                                          bytes: 10 * Self.gib))
        let snapshot = BlockStorageSnapshotRecord(snapshotID: "6001", name: "SNAP_1", serviceName: "WEB_SVC", volumeName: "data",
                                                  sizeGB: 20, createdOn: Self.instant("2026-04-10T00:00:00Z"),
                                                  deletedOn: Self.instant("2026-04-17T00:00:00Z"))
        let r = try CurrencyBilledParts.price(.init(storage: storage, snapshots: [snapshot]), computeByUTCDay: [:],
                                              pricing: Self.pricing(Self.tokyo), days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        let web = r.rows.filter { $0.service == "WEB_SVC" }
        #expect(web.count == 8)
        #expect(web.map { CivilDate.of($0.periodStart, in: Self.utc) }.last == Self.d("2026-04-17"))
        #expect(web.allSatisfy { $0.kind == .snapshot && $0.charge.quantity == Self.dec("0.01953125") })
        #expect(Self.close(web.reduce(0) { $0 + $1.charge.amount.amount }, Self.dec("8") / 30))
        let account = r.rows.filter { $0.kind == .snapshot && $0.service == nil }
        #expect(account.map { CivilDate.of($0.periodStart, in: Self.utc) } == [Self.d("2026-04-18")])
        #expect(Self.close(account[0].charge.amount.amount, Self.dec("1") / 60))
        // Half a day: a 20 GB snapshot made at 12:00 counts 10 GiB that day.
        #expect(CurrencyBilledParts.snapshotShares([BlockStorageSnapshotRecord(
            snapshotID: "1", name: "S", serviceName: "X", volumeName: nil, sizeGB: 20,
            createdOn: Self.instant("2026-04-20T12:00:00Z"), deletedOn: nil)], day: Self.d("2026-04-20")) == ["X": 10 * Self.gib])
    }

    @Test func withoutUnitPricesNothingIsPricedAndTheRunSaysSo() throws {
        let schedule = try CreditPriceSchedule(
            rateSheet: nil, account: nil, contract: nil,
            list: .init(price: CreditPrice(edition: .standard, price: Money(2, .usd), source: "test"), effectiveFrom: nil))
        let r = try CurrencyBilledParts.price(
            .init(storage: [BlockStorageRecord(usageDate: Self.d("2026-04-03"), storageType: "BLOCK_STORAGE", poolName: "P",
                                               poolID: 1, bytes: Self.gib)]),
            computeByUTCDay: [:], pricing: Pricing(currency: .usd, schedule: schedule, fx: .none),
            days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        #expect(r.rows.isEmpty)
        #expect(r.notes.count == 1 && r.notes[0].contains("--region"))
    }

    /// Two accounts in one run: TOKYO (AWS Tokyo prices) and GCP (GCP US Central 1 prices), each with 100 GiB of
    /// volume and 1 TB of internal transfer on 2026-04-03. Each account's rows are at its own region's prices and
    /// booked to it; TOKYO's adjustment is min(3.07, 10 % × its own compute 20) = 2 (its compute, not the sum 120);
    /// GCP's transfer is 0 (not billed on Google Cloud), with no adjustment, and the note names the account.
    @Test func eachAccountAtItsOwnRegionsUnitPricesWithItsOwnAdjustment() throws {
        let day = Self.d("2026-04-03")
        func storage(_ account: String) -> BlockStorageRecord {
            BlockStorageRecord(usageDate: day, storageType: "BLOCK_STORAGE", poolName: "P_" + account, poolID: 1,
                               bytes: 100 * Self.gib, organization: "ORG", account: account)
        }
        func transfer(_ account: String) -> InternalTransferRecord {
            InternalTransferRecord(startTime: Self.instant("2026-04-03T05:00:00Z"), endTime: Self.instant("2026-04-03T06:00:00Z"),
                                   transferType: "SERVICE_FUNCTION", poolName: "P_" + account, bytes: Self.tb,
                                   organization: "ORG", account: account)
        }
        let run = try Self.pricing(Self.tokyo)
        let books = ["TOKYO": UnitPriceBook(region: Self.tokyo.regions[0].region, tables: [Self.tokyo])!,
                     "GCP": UnitPriceBook(region: Self.gcp.regions[0].region, tables: [Self.gcp])!]
        let pricing = Pricing(currency: .usd, schedule: run.schedule, fx: .none, accountSchedules: ["TOKYO": run.schedule, "GCP": run.schedule],
                              unitPrices: run.unitPrices, accountUnitPrices: books)
        let input = CurrencyBilledParts.Input(storage: [storage("TOKYO"), storage("GCP")],
                                              internalTransfer: [transfer("TOKYO"), transfer("GCP")])
        let r = try CurrencyBilledParts.priceByAccount(
            input, computeByAccountAndUTCDay: ["TOKYO": [day: Money(20, .usd)], "GCP": [day: Money(100, .usd)]],
            pricing: pricing, days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        func of(_ account: String, _ kind: ChargeKind) -> Decimal { Self.sum(r.rows.filter { $0.account == account }, kind) }
        #expect(Set(r.rows.map(\.account)) == ["TOKYO", "GCP"] && r.rows.allSatisfy { $0.organization == "ORG" })
        // Volumes: 100/1024 TB-days × 98.31/30 = 0.32001953125 in Tokyo; × 81.92/30 = 8/30 on GCP.
        #expect(Self.close(of("TOKYO", .blockStorage), Self.dec("0.32001953125")))
        #expect(Self.close(of("GCP", .blockStorage), Self.dec("8") / 30))
        #expect(of("TOKYO", .dataTransfer) == Self.dec("3.07") && of("GCP", .dataTransfer) == 0)
        #expect(of("TOKYO", .dataTransferAdjustment) == -2)
        #expect(r.rows.filter { $0.account == "GCP" && $0.kind == .dataTransferAdjustment }.isEmpty)
        #expect(r.notes.count == 1 && r.notes[0].hasPrefix("account GCP: data transfer is not billed"))

        // One price for the run (no account books): every row at the run's prices against the summed compute,
        // booked to no account, exactly as before.
        let single = try CurrencyBilledParts.priceByAccount(
            input, computeByAccountAndUTCDay: ["TOKYO": [day: Money(20, .usd)], "GCP": [day: Money(100, .usd)]],
            pricing: run, days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        let whole = try CurrencyBilledParts.price(input, computeByUTCDay: [day: Money(120, .usd)], pricing: run,
                                                  days: Self.d("2026-04-01")...Self.d("2026-04-30"))
        #expect(single.rows == whole.rows && single.rows.allSatisfy { $0.account.isEmpty })
        #expect(Self.sum(single.rows, .dataTransferAdjustment) == Self.dec("-6.14"))
    }
}
