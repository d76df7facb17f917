import Foundation
import SPCSCostCore
import SPCSCostReports
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// The FOCUS export of the bundled fixture (Fixtures/snowsight/jupyterlab-april-2024.csv, 210 hourly rows,
/// 22.828666667 credits, all inside April 2024 in UTC), priced every way the export can price it.
@Suite struct ExportServiceTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    static func cache() throws -> UsageCache {
        let cache = try UsageCache(.memory)
        _ = try ImportService(env: try testEnvironment())
            .importCSV(path: "Fixtures/snowsight/jupyterlab-april-2024.csv", timeZone: nil, into: cache)
        return cache
    }

    /// April 2024 in `zone`, priced in Tokyo, as FOCUS 1.0 hourly rows (these tests pin the hourly file;
    /// FocusDailyExportTests pins the daily FOCUS 1.2 file).
    static func april(_ zone: TimeZone = utc) -> ExportOptions {
        var o = ExportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!, timeZone: zone)
        o.region = "aws-ap-northeast-1"
        o.billingAccount = "MYORG"
        o.focusVersion = .v1_0
        return o
    }

    /// Fixtures/fx/usdjpy-april-2024.csv: 151.35 JPY per USD to 14 April, 153.20 from 15 April.
    static func aprilFX() throws -> FXTable {
        try LedgerPricing.fxTable(file: "Fixtures/fx/usdjpy-april-2024.csv", env: try testEnvironment())
    }

    @Test func meteredAtTheOnDemandPriceInUSD() throws {
        let e = try ExportService(env: try testEnvironment()).build(Self.april(), cache: try Self.cache())
        #expect(e.estimate == nil)
        #expect(e.metered.charges.count == 210 && e.metered.credits == dec("22.828666667"))
        // 22.828666667 credits × 2.85 USD (Standard, Tokyo) = 65.06170000095 USD, rounded once: 65.06 USD.
        // Each 0.11-credit hour is 0.3135 USD and rounds to 0.31, so the 210 rounded rows sum to 64.36 USD.
        let b = e.metered.billedCostBreakdown
        #expect(b.exactTotal == Money(dec("65.06170000095"), .usd))
        #expect(b.total == Money(dec("65.06"), .usd) && b.sumOfRoundedLines == Money(dec("64.36"), .usd))
        #expect(b.differenceText == "Rounding difference: 0.70 USD")
        let first = try #require(e.metered.charges.first)
        #expect(first.chargePeriod.start == ISO8601DateFormatter().date(from: "2024-04-01T01:00:00Z"))
        #expect(first.price.basis == .onDemand && first.family == nil && first.poolID == 1201)
        #expect(e.metered.regionID == "AWS_AP_NORTHEAST_1" && e.metered.regionName == "AWS AP Northeast 1 (Tokyo)")
        #expect(e.warnings.contains { $0.contains("no credit price table is documented") })
    }

    /// Rate sheet (SPCS_DEV), a contract price for 1 April (before the sheet's first row) and daily JPY rates.
    @Test func contractPricesFromTheRateSheetInYen() throws {
        var o = Self.april()
        o.billingAccount = nil
        o.edition = .enterprise
        o.rateSheetFile = "Fixtures/rate-sheet/rate-sheet-daily-april-2024.csv"
        o.account = "SPCS_DEV"
        o.contractPrice = dec("3.80")
        o.currency = .jpy
        o.fxTable = try Self.aprilFX()
        let e = try ExportService(env: try testEnvironment()).build(o, cache: try Self.cache())
        #expect(e.metered.billingAccountID == "1234567")  // the rate sheet's CONTRACT_NUMBER
        // Σ credits × price of the UTC day × USD→JPY of the day, exact:
        //   1 April, before the sheet's first row: the first row (3.87) carried back, which wins over the contract
        //   price 3.80 (the rate sheet is what Snowflake bills; a warning says they disagree): 1.1 × 3.87 × 151.35;
        //   2-14 April 9.7075 × 3.87 × 151.35; 15-30 April 12.021166667 × 3.66 × 153.20
        //   = 644.29695 + 5685.92058375 + 6740.412404186904 = 13070.629937936904 JPY → 13071 JPY.
        let b = e.metered.billedCostBreakdown
        #expect(b.exactTotal == Money(dec("13070.629937936904"), .jpy))
        #expect(b.total == Money(13071, .jpy))
        #expect(e.warnings.contains { $0.contains("contract price (--contract-price) is 3.8 USD per credit, but RATE_SHEET_DAILY says 3.87 USD") })
        // List: 22.828666667 credits at Enterprise Tokyo 4.30 USD with the same daily rates = 14952.63879105292 JPY.
        let list = e.metered.charges.reduce(Money.zero(.jpy)) { $0 + $1.listCost }
        #expect(list == Money(dec("14952.63879105292"), .jpy))
        let bases = Set(e.metered.charges.map(\.price.basis))
        #expect(bases.contains(.rateSheetCarriedBack(from: CivilDate("2024-04-02")!)) && bases.contains(.rateSheet)
                && bases.contains(.rateSheetCarriedForward(from: CivilDate("2024-04-12")!)) && !bases.contains(.contract))
    }

    @Test func estimatesAlwaysOnAndUnderBusinessHours() throws {
        var o = Self.april(Self.tokyo)
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        let always = try ExportService(env: try testEnvironment()).build(o, cache: try Self.cache())
        let a = try #require(always.estimate)
        // 30 days × 24 h × 0.11 credits (rate card 2024) = 79.2 credits, one row per hour; 79.2 × 2.85 = 225.72 USD.
        #expect(a.charges.count == 720 && a.credits == dec("79.2") && a.plan == "always on")
        #expect(a.billedCostBreakdown.total == Money(dec("225.72"), .usd))
        #expect(always.metered.charges.allSatisfy { $0.family?.name == "CPU_X64_XS" && $0.rateCard == "2024" })

        o.plan = BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                               weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: Self.tokyo)
        let plan = try #require(try ExportService(env: try testEnvironment()).build(o, cache: try Self.cache()).estimate)
        // 22 weekdays × 9 h = 198 node-hours × 0.11 = 21.78 credits, from 01:00 to 10:00 UTC each weekday.
        #expect(plan.charges.count == 198 && plan.credits == dec("21.78"))
        #expect(plan.charges.first?.chargePeriod.start == ISO8601DateFormatter().date(from: "2024-04-01T01:00:00Z"))
        #expect(plan.charges.allSatisfy { $0.nodeHours == 1 && $0.schedule == "10:00-19:00 MON-FRI Asia/Tokyo" })
    }

    /// FOCUS 1.2 daily rows of a period in Asia/Tokyo (2024-03-31T15:00Z to 2024-04-30T15:00Z): rows are UTC days,
    /// the last one clipped to the period's end (FOCUS 1.2 "ChargePeriodEnd: the exclusive end bound of the
    /// effective period of the charge"); the daily rows hold exactly the hourly rows' credits and amounts.
    @Test func dailyRowsOfAZoneEastOfUTCAreClippedToThePeriod() throws {
        var o = Self.april(Self.tokyo)
        let hourly = try ExportService(env: try testEnvironment()).build(o, cache: try Self.cache())
        o.focusVersion = .v1_2
        let daily = try ExportService(env: try testEnvironment()).build(o, cache: try Self.cache())
        let iso = ISO8601DateFormatter()
        let last = try #require(daily.metered.charges.last)
        #expect(last.chargePeriod.start == iso.date(from: "2024-04-30T00:00:00Z"))
        #expect(last.chargePeriod.end == iso.date(from: "2024-04-30T15:00:00Z"))
        #expect(daily.metered.charges.dropLast().allSatisfy { $0.chargePeriod.duration == 86400 })
        #expect(daily.metered.credits == hourly.metered.credits)
        #expect(daily.metered.billedCost == hourly.metered.billedCostBreakdown.exactTotal)
        // 22.828666667 credits × 2.85 USD, every hour of the fixture inside the Tokyo April.
        #expect(daily.metered.billedCost == Money(dec("65.06170000095"), .usd))
    }

    @Test func aPlanWithoutPoolShapesOnlyWarns() throws {
        var o = Self.april(Self.tokyo)
        o.plan = BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400, weekdays: [.monday], zone: Self.tokyo)
        let e = try ExportService(env: try testEnvironment()).build(o, cache: try Self.cache())
        #expect(e.estimate == nil)
        #expect(e.warnings.contains { $0.hasPrefix("--business-hours shapes the estimate file") })
    }

    @Test func writesBothFilesAtomically() throws {
        let dir = try TemporaryDirectory()
        var o = Self.april()
        o.poolShapes = ["JUPYTER_POOL": PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)]
        let service = ExportService(env: try testEnvironment())
        let paths = try service.write(try service.build(o, cache: try Self.cache()), to: dir.path("focus"))
        #expect(paths.map { ($0 as NSString).lastPathComponent }
                == ["spcs-cost-focus_2024-04-01_2024-04-30_metered.csv", "spcs-cost-focus_2024-04-01_2024-04-30_estimate.csv"])
        let metered = try String(contentsOfFile: paths[0], encoding: .utf8)
        #expect(metered.components(separatedBy: "\r\n").count == 1 + 210 + 1)  // header, rows, the final empty line
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("focus")).count == 2)
    }

    @Test func problemsNameTheFlagOrTheDay() throws {
        let env = try testEnvironment()
        let cache = try Self.cache()
        func error(_ change: (inout ExportOptions) -> Void) -> (any Error)? {
            var o = Self.april()
            change(&o)
            do { _ = try ExportService(env: env).build(o, cache: cache); return nil } catch { return error }
        }
        #expect(error { $0.billingAccount = nil } as? ExportError == .missingBillingAccount)
        #expect(error { $0.contractStart = CivilDate("2024-04-01") } as? ExportError == .contractDetailsWithoutPrice)
        // The ledger's FX book: a JPY export without a JPY per USD rate names the pair and the first day.
        let noRate = error { $0.currency = .jpy } as? FXBookError
        #expect(noRate == .missingPair(base: .usd, quote: .jpy, day: CivilDate("2024-04-01")!, known: []))
        // A JPY contract price in a USD export needs a USD per JPY rate.
        let jpyContract = error { $0.contractPrice = 580; $0.contractCurrency = .jpy } as? FXBookError
        #expect(jpyContract == .missingPair(base: .jpy, quote: .usd, day: CivilDate("2024-04-01")!, known: []))
        // The estimate runs into May, which the April FX file does not cover: the error names the day.
        let fx = try Self.aprilFX()
        let may = error {
            $0.to = CivilDate("2024-05-05")!
            $0.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
            $0.currency = .jpy
            $0.fxTable = fx
        }
        #expect((may as? FXBookError)?.description.hasPrefix("no USD→JPY rate for 2024-05-05") == true, "\(String(describing: may))")
    }
}
