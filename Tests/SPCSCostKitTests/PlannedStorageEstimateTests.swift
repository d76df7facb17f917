import Foundation
import SPCSCostCore
import SPCSCostReports
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// Block storage volumes and snapshots planned in a pools file, priced by `estimate --pools` through the ledger's
/// unit prices (catalog/dollar-prices-2026-04.json: Tokyo volumes 98.31 USD, snapshots 51.20 USD per TB-month; 2^40
/// bytes a TB, a month's price over its calendar days).
@Suite struct PlannedStorageEstimateTests {
    static func estimate(_ toml: String, period: String = "2026-04", currency: Currency = .usd,
                         fx: [Currency: Decimal] = [:]) throws -> EstimateResult {
        let env = try testEnvironment()
        let file = try PoolsFile.parse(toml, file: "f.toml")
        var options = PlanEstimateOptions(period: PeriodSpec(month: period)!)
        options.region = file.defaults.region
        options.editions = [.standard]
        options.currency = currency
        options.fx = fx
        return try EstimateService(catalog: env.catalog).estimate(
            plans: file.pools.map { PlanEntry(plan: $0.plan, region: $0.region, storage: $0.storage) },
            options: options, today: env.todayUTC)
    }

    static let tokyo = """
        [defaults]
        region = "aws-ap-northeast-1"
        [[pools]]
        name = "API_POOL"
        family = "CPU_X64_XS"
        block_storage = { gib = 100 }
        """

    @Test func theKeysParse() throws {
        let file = try PoolsFile.parse("""
            [[pools]]
            name = "P"
            family = "CPU_X64_XS"
            block_storage = { volumes = 2, gib = "50.5" }
            snapshots = { count = 7, gib = 10, days = 7 }
            [[pools]]
            name = "Q"
            family = "CPU_X64_XS"
            """, file: "f.toml")
        let s = try #require(file.pools[0].storage)
        #expect(s == PlannedStorage(volumes: 2, volumeGiB: Decimal(string: "50.5")!, snapshots: 7, snapshotGiB: 10,
                                    snapshotDays: 7))
        #expect(s.totalVolumeGiB == 101)
        #expect(file.pools[1].storage == nil)
    }

    @Test("bad storage keys name the place and the fix", arguments: [
        ("block_storage = { volumes = 2 }", "pool P, block_storage, key gib: is required"),
        ("block_storage = { gib = 0 }", "pool P, block_storage, key gib: is required, the size of each volume in GiB (> 0)"),
        ("block_storage = { gib = 10, size = 3 }", "pool P, block_storage, key size: is not a known key here"),
        ("snapshots = { count = -1, gib = 10 }", "pool P, snapshots, key count: must be a whole number ≥ 0"),
        ("snapshots = { gib = 10, days = 0 }", "pool P, snapshots, key days: must be at least 1"),
        ("block_storage = 100", "pool P, key block_storage: must be a table"),
    ])
    func errors(line: String, expected: String) {
        #expect {
            try PoolsFile.parse("[[pools]]\nname = \"P\"\nfamily = \"CPU_X64_XS\"\n\(line)\n", file: "f.toml")
        } throws: { "\($0)".contains(expected) }
    }

    /// The worked example: 100 GiB for all of April 2026 in AWS Tokyo = 100/1024 × 98.31 USD = 9.60 USD.
    @Test func aHundredGiBForAprilInTokyo() throws {
        let r = try Self.estimate(Self.tokyo)
        let part = try #require(r.storage.first)
        #expect(r.storage.count == 1)
        #expect(part.pool == "API_POOL" && part.kind == .blockStorage)
        #expect(part.gib == 100 && part.gibDays == 3_000)
        #expect(part.rows.count == 30)
        #expect(part.rows.allSatisfy { $0.scenario == .plan && $0.grain == .day && $0.charge.unit == .terabyteDays })
        let expected = Decimal(100) / 1024 * Decimal(string: "98.31")!
        #expect(part.amount == Money(expected, .usd))
        #expect(MoneyFormat.plain(part.amount) == "9.60")
        #expect(part.priceSource.contains("98.31 USD per TB-month over 30 days"))
        // The plan's credits do not change: storage is its own part.
        let none = try Self.estimate(Self.tokyo.replacingOccurrences(of: "block_storage = { gib = 100 }", with: ""))
        #expect(none.storage.isEmpty)
        #expect(none.pools[0].costs.map(\.converted) == r.pools[0].costs.map(\.converted))
    }

    /// Block storage bills also while the pool is suspended: a pool that runs 9 h on weekdays pays the same 9.60.
    @Test func billedAlsoWhileSuspended() throws {
        let scheduled = Self.tokyo + """

            [[pools.tasks]]
            action = "resume"
            schedule = "USING CRON 0 0 * * MON-FRI UTC"
            [[pools.tasks]]
            action = "suspend"
            schedule = "USING CRON 0 9 * * MON-FRI UTC"
            """
        let r = try Self.estimate(scheduled)
        #expect(r.storage[0].amount == Money(Decimal(100) / 1024 * Decimal(string: "98.31")!, .usd))
        let doc = Document.estimate(r, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
        #expect(doc.figures.contains { $0.key == "block_storage_and_snapshots" && $0.amount == r.storage[0].amount })
        let text = TableWriter().render(doc)
        #expect(text.contains("Block storage and snapshots"))
        #expect(text.contains("also while the pool is suspended"))
    }

    /// Seven snapshots of 10 GiB kept the first 7 days of April: 490 GiB-days at 51.20 USD per TB-month over 30
    /// days; in JPY at 150 per USD.
    @Test func aSnapshotPolicyInYen() throws {
        let r = try Self.estimate("""
            [defaults]
            region = "aws-ap-northeast-1"
            [[pools]]
            name = "P"
            family = "CPU_X64_XS"
            snapshots = { count = 7, gib = 10, days = 7 }
            """, currency: .jpy, fx: [.usd: 150])
        let part = try #require(r.storage.first)
        #expect(r.storage.count == 1 && part.kind == .snapshot)
        #expect(part.gib == 70 && part.gibDays == 490 && part.rows.count == 7)
        let usd = Decimal(490) / 1024 * Decimal(string: "51.20")! / 30
        #expect(part.amount.currency == .jpy)
        #expect(abs(part.amount.amount - usd * 150) < Decimal(string: "1e-20")!)  // day by day: 38-digit Decimal
        #expect(MoneyFormat.plain(part.amount) == "122")
    }

    /// A day cut by the period: a pool in Asia/Tokyo prices April's local days, from 15:00 UTC on 31 March (9 h at
    /// March's 31 days) to 15:00 UTC on 30 April.
    @Test func aZonedPeriodSplitsItsUTCDays() throws {
        let r = try Self.estimate(Self.tokyo + "\ntimezone = \"Asia/Tokyo\"\n")
        let part = r.storage[0]
        #expect(part.gibDays == 3_000)
        #expect(part.rows.count == 31)
        let price = Decimal(string: "98.31")!, tb = Decimal(100) / 1024
        let march = tb * price / 31 * 9 / 24, april = tb * price / 30 * (29 + Decimal(15) / 24)
        #expect(abs(part.amount.amount - (march + april)) < Decimal(string: "1e-20")!)
        #expect(MoneyFormat.plain(part.amount) == "9.60")
    }

    /// Osaka has a credit price but no dollar price: the estimate says so and prices the credits alone.
    @Test func aRegionWithoutADollarPriceSaysSo() throws {
        let r = try Self.estimate(Self.tokyo.replacingOccurrences(of: "aws-ap-northeast-1", with: "aws-ap-northeast-3"))
        #expect(r.storage.isEmpty)
        #expect(r.warnings.contains { $0.contains("pool API_POOL: no unit price table lists region aws-ap-northeast-3") })
        #expect(!r.pools[0].costs.isEmpty)
    }

    /// Planned IOPS and throughput above the defaults, priced from the bundled Consumption Table data (Table 3(c),
    /// catalog/dollar-prices-2026-04.json, AWS US East 1: 5.00 USD per 1,000 IOPS-month, 40.96 USD per GB/s-month,
    /// 1,024 MiB/s a GB/s): one volume of 100 GiB with 2,000 extra IOPS and 128 MiB/s extra throughput all of April
    /// 2026 = 8.00 (volume) + 2 × 5.00 = 10.00 (IOPS) + 0.125 × 40.96 = 5.12 (throughput) USD.
    @Test func extraIOPSAndThroughputArePriced() throws {
        let r = try Self.estimate("""
            [[pools]]
            name = "P"
            family = "CPU_X64_XS"
            block_storage = { gib = 100, extra_iops = 2000, extra_throughput_mibps = 128 }
            """)
        #expect(r.storage.map(\.kind) == [.blockStorage, .blockStorageIOPS, .blockStorageThroughput])
        let iops = r.storage[1], throughput = r.storage[2]
        #expect(iops.gib == 2000 && iops.gibDays == 60_000 && throughput.gib == 128)
        #expect(iops.rows.allSatisfy { $0.charge.unit == .thousandIOPSDays })
        #expect(throughput.rows.allSatisfy { $0.charge.unit == .gigabytePerSecondDays })
        #expect(abs(r.storage[0].amount.amount - 8) < Decimal(string: "1e-25")!)
        #expect(abs(iops.amount.amount - 10) < Decimal(string: "1e-25")!)
        #expect(abs(throughput.amount.amount - Decimal(string: "5.12")!) < Decimal(string: "1e-25")!)
        #expect(iops.priceSource.contains("IOPS above the default, 5 USD per 1,000 IOPS-month over 30 days"))
        #expect(throughput.priceSource.contains("40.96 USD per GB/s-month over 30 days"))
        // Two volumes: each volume's extra IOPS and throughput twice.
        let two = try Self.estimate("""
            [[pools]]
            name = "P"
            family = "CPU_X64_XS"
            block_storage = { volumes = 2, gib = 100, extra_iops = 2000 }
            """)
        #expect(two.storage.map(\.kind) == [.blockStorage, .blockStorageIOPS])
        #expect(abs(two.storage[1].amount.amount - 20) < Decimal(string: "1e-25")!)
        // In the document: a unit column and the assumption.
        let doc = Document.estimate(r, stamp: ReportStamp(toolVersion: "0", commandLine: "c"))
        let table = try #require(doc.tables.first { $0.id == "storage" })
        #expect(table.columns.map(\.key).contains("unit"))
        let text = TableWriter().render(doc)
        #expect(text.contains("IOPS and throughput above the defaults") && text.contains("MiB/s"))
        let total = try #require(doc.figures.first { $0.key == "block_storage_and_snapshots" })
        #expect(MoneyFormat.plain(total.amount) == "23.12")
    }

    @Test("bad IOPS and throughput keys name the place and the fix", arguments: [
        ("block_storage = { gib = 10, extra_iops = -1 }", "pool P, block_storage, key extra_iops: must be ≥ 0"),
        ("block_storage = { gib = 10, extra_throughput_mibps = \"x\" }",
         "pool P, block_storage, key extra_throughput_mibps: 'x' is not a decimal"),
    ])
    func iopsErrors(line: String, expected: String) {
        #expect {
            try PoolsFile.parse("[[pools]]\nname = \"P\"\nfamily = \"CPU_X64_XS\"\n\(line)\n", file: "f.toml")
        } throws: { "\($0)".contains(expected) }
    }
}
