import Foundation
import SPCSCostCore
import Testing

@testable import SPCSCostKit

/// The figures a team computed by hand: CPU_X64_XS, AWS Tokyo ($2.85 Standard to $5.70 Business Critical per
/// credit), 150 JPY per USD.
@Suite struct ReferenceEstimateTests {
    let service: EstimateService
    init() throws { service = EstimateService(catalog: try testEnvironment().catalog) }

    func options(hours: String, days: String) -> EstimateOptions {
        var o = EstimateOptions(family: "CPU_X64_XS", hoursPerDay: dec(hours), days: dec(days))
        o.region = "aws-ap-northeast-1"
        o.currency = .jpy
        o.fxRate = 150
        return o
    }

    func jpy(_ r: EstimateResult) -> [Decimal] { r.pools[0].costs.map(\.converted.amount) }

    @Test func alwaysOn24HoursFor30DaysAtThe2024Rate() throws {
        var o = options(hours: "24", days: "30")
        o.rateCardID = "2024"
        let r = try service.estimate(o, today: CivilDate("2026-11-29")!)
        // 0.11 × 1 × 24 × 30 = 79.2 credits; × 2.85 × 150 = 33,858; × 4.30 × 150 = 51,084; × 5.70 × 150 = 67,716.
        #expect(r.pools[0].credits == dec("79.2"))
        #expect(jpy(r) == [33858, 51084, 67716])
        #expect(r.rateCard?.id == "2024")
        #expect(r.warnings.isEmpty)
    }

    @Test func businessHours10HoursFor20DaysAtThe2024Rate() throws {
        var o = options(hours: "10", days: "20")
        o.rateCardID = "2024"
        let r = try service.estimate(o, today: CivilDate("2026-11-29")!)
        // 0.11 × 10 × 20 = 22 credits; 22 × 2.85 × 150 = 9,405; 22 × 5.70 × 150 = 18,810.
        #expect(r.pools[0].credits == 22)
        #expect(r.pools[0].nodeHours == 200)
        #expect(jpy(r) == [9405, 14190, 18810])
        #expect(r.pools[0].costs.map(\.amount.amount) == [dec("62.7"), dec("94.6"), dec("125.4")])
    }

    @Test func todaysRateCardSays006() throws {
        var o = options(hours: "10", days: "20")
        o.asOf = CivilDate("2026-11-29")
        let r = try service.estimate(o, today: CivilDate("2020-01-01")!)
        // 0.06 × 10 × 20 = 12 credits; 12 × 2.85 × 150 = 5,130; 12 × 5.70 × 150 = 10,260.
        #expect(r.rateCard?.id == "2026-04")
        #expect(r.pools[0].credits == 12)
        #expect(jpy(r) == [5130, 7740, 10260])
    }

    @Test func savingsAgainstAlwaysOn() throws {
        var o = options(hours: "10", days: "20")
        o.rateCardID = "2024"
        o.compareAlwaysOn = true
        o.periodDays = 30
        let r = try service.estimate(o, today: CivilDate("2026-11-29")!)
        let s = try #require(r.savings.first)
        // 79.2 − 22 = 57.2 credits; 57.2 × 2.85 × 150 = 24,453; 57.2 × 5.70 × 150 = 48,906.
        #expect(s.savedCredits == dec("57.2"))
        #expect(s.savedCosts.map(\.converted.amount) == [24453, 36894, 48906])
    }

    @Test func periodDaysDefaultToTheAsOfMonth() throws {
        var o = options(hours: "10", days: "20")
        o.rateCardID = "2024"
        o.compareAlwaysOn = true
        // November has 30 days; February 2024 has 29.
        #expect(try service.estimate(o, today: CivilDate("2026-11-29")!).savings[0].periodDays == 30)
        o.asOf = CivilDate("2024-02-10")
        o.creditsPerNodeHour = dec("0.11")
        #expect(try service.estimate(o, today: CivilDate("2026-11-29")!).savings[0].periodDays == 29)
    }

    @Test func theRateCardIsChosenByDateWithAWarningInTheGap() throws {
        var o = options(hours: "10", days: "20")
        o.asOf = CivilDate("2025-06-01")
        let r = try service.estimate(o, today: CivilDate("2026-11-29")!)
        #expect(r.rateCard?.id == "2024")
        #expect(r.warnings.contains { $0.contains("no rate card is documented for 2025-06-01") })
        o.asOf = CivilDate("2024-04-09")
        #expect(try service.estimate(o, today: CivilDate("2026-11-29")!).rateCard?.id == "2024")
    }

    @Test func unknownFamilyNamesTheCardsThatHaveIt() {
        var o = options(hours: "1", days: "1")
        o.family = "CPU_X64_M"
        o.rateCardID = "2024"
        #expect(throws: PricingError.familyNotOnCard(InstanceFamily("CPU_X64_M")!, card: "2024", cardsWithFamily: ["2026-04"])) {
            try service.estimate(o, today: CivilDate("2026-11-29")!)
        }
    }

    @Test func overridesAreShownAsOverrides() throws {
        var o = options(hours: "10", days: "20")
        o.creditsPerNodeHour = dec("0.2")
        o.creditPrice = dec("3.10")
        let r = try service.estimate(o, today: CivilDate("2026-11-29")!)
        // 0.2 × 200 = 40 credits × 3.10 × 150 = 18,600 JPY.
        #expect(r.rateCard == nil && r.priceTable == nil)
        #expect(r.pools[0].costs.map(\.converted.amount) == [18600])
        #expect(r.pools[0].costs[0].creditPrice.isOverride)
        #expect(r.warnings.count == 2)
    }

    @Test func aForeignCurrencyNeedsFX() {
        var o = options(hours: "1", days: "1")
        o.fxRate = nil
        #expect(throws: EstimateError.missingFX(currency: .jpy, priceCurrency: .usd)) {
            try service.estimate(o, today: CivilDate("2026-11-29")!)
        }
    }

    @Test func vpsOnlyWhenNamed() throws {
        var o = options(hours: "1", days: "1")
        #expect(try service.estimate(o, today: CivilDate("2026-11-29")!).pools[0].costs.map(\.creditPrice.edition)
                == [.standard, .enterprise, .businessCritical])
        o.editions = [.vps]
        #expect(try service.estimate(o, today: CivilDate("2026-11-29")!).pools[0].costs[0].creditPrice.price.amount == dec("8.55"))
    }

    @Test func unknownRegion() {
        var o = options(hours: "1", days: "1")
        o.region = "aws-mars-1"
        #expect(throws: PricingError.self) { try service.estimate(o, today: CivilDate("2026-11-29")!) }
    }
}
