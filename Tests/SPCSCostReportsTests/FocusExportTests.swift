import Foundation
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostReports

/// The FOCUS 1.0 writer, on a small dataset: golden files under Snapshots/ (RECORD_SNAPSHOTS=1 re-records).
@Suite struct FocusExportTests {
    static func d(_ text: String) -> CivilDate { CivilDate(text)! }
    static func dec(_ text: String) -> Decimal { ExactDecimal.parse(text)! }
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// The 41 columns focus-validator 1.0.0 requires, with the specification's spelling ResourceId.
    static let required = [
        "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
        "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
        "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName",
        "CommitmentDiscountStatus", "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
        "ContractedUnitPrice", "EffectiveCost", "InvoiceIssuer", "ListCost", "ListUnitPrice", "PricingCategory",
        "PricingQuantity", "PricingUnit", "Provider", "Publisher", "RegionId", "RegionName", "ResourceId",
        "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId", "SubAccountId",
        "SubAccountName", "Tags",
    ]

    /// Contract rates of Fixtures/rate-sheet (3.87 USD to 14 April, 3.66 USD from 15 April; 13 and 14 April are a
    /// gap), list price Enterprise Tokyo 4.30 USD, FX as Fixtures/fx/usdjpy-april-2024.csv (151.35, then 153.20).
    static func schedule() throws -> CreditPriceSchedule {
        func row(_ date: String, _ rate: String, line: Int) -> RateSheetRow {
            RateSheetRow(date: d(date), currency: .usd, effectiveRate: dec(rate), serviceType: "SNOWPARK_CONTAINER_SERVICES",
                         usageType: "compute", accountName: "SPCS_DEV", region: "AWS_AP_NORTHEAST_1",
                         serviceLevel: "Enterprise", contractNumber: "1234567", origin: "rates.csv line \(line)")
        }
        return try CreditPriceSchedule(
            rateSheet: RateSheet(rows: [row("2024-04-12", "3.87", line: 36), row("2024-04-15", "3.66", line: 40)]),
            account: "SPCS_DEV", contract: nil,
            list: .init(price: CreditPrice(edition: .enterprise, price: Money(dec("4.30"), .usd),
                                           source: "credit price table 2026-04, AWS AP Northeast 1 (Tokyo), Enterprise"),
                        effectiveFrom: d("2026-04-01")))
    }

    static func fx(_ day: String) -> ExchangeRate {
        let rate = day < "2024-04-15" ? dec("151.35") : dec("153.20")
        return ExchangeRate(base: .usd, quote: .jpy, rate: rate, source: "treasury rate (illustrative) (fx.csv)",
                            date: d(day))
    }

    static func charge(_ start: String, pool: String, poolID: Int64?, credits: String, family: String?,
                       nodes: Int? = nil, nodeHours: String? = nil, schedule plan: String? = nil) throws -> FocusCharge {
        let s = instant(start)
        let day = CivilDate.of(s, in: TimeZone(identifier: "UTC")!)
        let sched = try schedule()
        return FocusCharge(
            chargePeriod: DateInterval(start: s, duration: 3600), pool: pool, poolID: poolID, credits: dec(credits),
            rate: DayRate(day: day, unitPrice: sched.price(on: day), fx: fx(day.description)),
            listRate: DayRate(day: day, unitPrice: sched.listPrice(on: day), fx: fx(day.description)),
            family: family.flatMap(InstanceFamily.init),
            creditsPerNodeHour: family == nil ? nil : dec("0.11"), rateCard: family == nil ? nil : "2024",
            nodes: nodes, nodeHours: nodeHours.map(dec), schedule: plan)
    }

    static func metered() throws -> FocusDataset {
        FocusDataset(
            kind: .metered, version: .v1_0, from: d("2024-04-14"), through: d("2024-04-15"), zone: TimeZone(identifier: "UTC")!,
            billingCurrency: .jpy, billingAccountID: "1234567", account: "SPCS_DEV", regionID: "AWS_AP_NORTHEAST_1",
            regionName: "AWS AP Northeast 1 (Tokyo)", edition: .enterprise, plan: nil,
            charges: [
                try charge("2024-04-15T00:00:00Z", pool: "JUPYTER_POOL", poolID: 1201, credits: "0.11", family: "CPU_X64_XS"),
                try charge("2024-04-14T23:00:00Z", pool: "JUPYTER_POOL", poolID: 1201, credits: "0.11", family: "CPU_X64_XS"),
                try charge("2024-04-14T23:00:00Z", pool: "API_POOL", poolID: nil, credits: "0.009166667", family: nil),
            ])
    }

    @Test func theColumnsAreFOCUS10sAndEveryRowIsComplete() throws {
        #expect(Set(Self.required).isSubset(of: Set(FocusExport.focusColumns)))
        #expect(FocusExport.focusColumns == (Self.required + ["ChargeFrequency"]).sorted())
        #expect(FocusExport.extensionColumns.allSatisfy { $0.hasPrefix("x_") })
        let d = try Self.metered()
        for c in d.charges {
            #expect(FocusExport.row(c, in: d).count == FocusExport.focusColumns.count + FocusExport.extensionColumns.count)
        }
    }

    @Test func costsAreExactUntilTheyAreWritten() throws {
        let d = try Self.metered()
        // Sorted by start, then pool: API_POOL 23:00, JUPYTER_POOL 23:00, JUPYTER_POOL 00:00.
        #expect(d.charges.map(\.pool) == ["API_POOL", "JUPYTER_POOL", "JUPYTER_POOL"])
        let (api, late, early) = (d.charges[0], d.charges[1], d.charges[2])
        // 14 April (a gap: 12 April's 3.87 carried forward) at 151.35 JPY/USD:
        // 0.11 × 3.87 × 151.35 = 0.11 × 585.7245 = 64.429695 JPY; list 0.11 × 4.30 × 151.35 = 71.58855 JPY.
        #expect(late.billedCost == Money(Self.dec("64.429695"), .jpy))
        #expect(late.listCost == Money(Self.dec("71.58855"), .jpy))
        #expect(late.price.basis == .rateSheetCarriedForward(from: Self.d("2024-04-12")))
        // 15 April at 153.20: 0.11 × 3.66 × 153.20 = 0.11 × 560.712 = 61.67832 JPY; list 0.11 × 658.76 = 72.4636.
        #expect(early.billedCost == Money(Self.dec("61.67832"), .jpy))
        #expect(early.listCost == Money(Self.dec("72.4636"), .jpy))
        // 0.009166667 × 585.7245 = 5.3691414452415 JPY.
        #expect(api.billedCost == Money(Self.dec("5.3691414452415"), .jpy))
        // Rows round to 5 + 64 + 62 = 131; the exact total 131.4771564452415 rounds to 131: no difference.
        let b = d.billedCostBreakdown
        #expect(b.total == Money(131, .jpy) && b.difference == Money.zero(.jpy))
    }

    @Test func meteredGolden() throws {
        let d = try Self.metered()
        #expect(FocusExport.fileName(d) == "spcs-cost-focus_2024-04-14_2024-04-15_metered.csv")
        assertSnapshot(FocusExport.csv(d), named: FocusExport.fileName(d))
    }

    @Test func estimateGolden() throws {
        let dataset = FocusDataset(
            kind: .estimate, version: .v1_0, from: Self.d("2024-04-15"), through: Self.d("2024-04-15"), zone: TimeZone(identifier: "Asia/Tokyo")!,
            billingCurrency: .jpy, billingAccountID: "1234567", account: nil, regionID: "AWS_AP_NORTHEAST_1",
            regionName: nil, edition: .enterprise, plan: "10:00-19:00 MON-FRI Asia/Tokyo",
            charges: [try Self.charge("2024-04-15T01:00:00Z", pool: "JUPYTER_POOL", poolID: nil, credits: "0.22",
                                      family: "CPU_X64_XS", nodes: 2, nodeHours: "2",
                                      schedule: "10:00-19:00 MON-FRI Asia/Tokyo")])
        #expect(FocusExport.fileName(dataset) == "spcs-cost-focus_2024-04-15_2024-04-15_estimate.csv")
        assertSnapshot(FocusExport.csv(dataset), named: FocusExport.fileName(dataset))
    }

    /// FOCUS 1.2: the three hourly charges summed per pool and UTC day (API_POOL 14 April; JUPYTER_POOL 14 and 15
    /// April), exact amounts, JPY billing of USD prices (PricingCurrency USD), golden under Snapshots/.
    @Test func dailyFOCUS12Golden() throws {
        let hourly = try Self.metered()
        let period = DateInterval(start: Self.instant("2024-04-14T00:00:00Z"), end: Self.instant("2024-04-16T00:00:00Z"))
        // Two hours of JUPYTER_POOL on 14 April sum to one row: 0.11 + 0.11 = 0.22 credits at 585.7245 JPY.
        let extra = try Self.charge("2024-04-14T22:00:00Z", pool: "JUPYTER_POOL", poolID: 1201, credits: "0.11",
                                    family: "CPU_X64_XS")
        let daily = FocusDataset(
            kind: .metered, version: .v1_2, from: hourly.from, through: hourly.through, zone: hourly.zone,
            billingCurrency: .jpy, billingAccountID: "1234567", account: "SPCS_DEV", regionID: hourly.regionID,
            regionName: hourly.regionName, edition: .enterprise, plan: nil,
            charges: FocusCharge.daily(hourly.charges + [extra], within: period))
        #expect(daily.charges.map { "\($0.pool) \($0.chargePeriod.start)" } == [
            "API_POOL 2024-04-14 00:00:00 +0000", "JUPYTER_POOL 2024-04-14 00:00:00 +0000",
            "JUPYTER_POOL 2024-04-15 00:00:00 +0000",
        ])
        // 0.22 × 3.87 × 151.35 = 128.85939 JPY; the rows add up to the hourly charges' exact total.
        #expect(daily.charges[1].credits == Self.dec("0.22") && daily.charges[1].billedCost == Money(Self.dec("128.85939"), .jpy))
        let hourlyTotal = (hourly.charges + [extra]).reduce(Money.zero(.jpy)) { $0 + $1.billedCost }
        #expect(daily.billedCost == hourlyTotal && hourlyTotal == Money(Self.dec("195.9068514452415"), .jpy))
        let text = FocusExport.csv(daily)
        #expect(text.hasPrefix(FocusExport.focus12Columns.joined(separator: ",") + ","))
        #expect(!text.contains("\u{00D7}"))  // ASCII descriptions
        assertSnapshot(text, named: "spcs-cost-focus-1.2_2024-04-14_2024-04-15_metered.csv")
    }
}
