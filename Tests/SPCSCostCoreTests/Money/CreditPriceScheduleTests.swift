import Foundation
import Testing

@testable import SPCSCostCore

/// The credit price of each day: rate sheet (carried forward over gaps), else contract, else list price.
/// Fixtures/rate-sheet/rate-sheet-daily-april-2024.csv is read through the file parser in SPCSCostKitTests; here
/// the rows are built in code to pin each rule on its own.
@Suite struct CreditPriceScheduleTests {
    static func d(_ text: String) -> CivilDate { CivilDate(text)! }
    static func dec(_ text: String) -> Decimal { ExactDecimal.parse(text)! }

    /// Enterprise, AWS Tokyo, on-demand: 4.30 USD per credit, table effective 2026-04-01.
    static let list = CreditPriceSchedule.ListPrice(
        price: CreditPrice(edition: .enterprise, price: Money(dec("4.30"), .usd),
                           source: "credit price table 2026-04, AWS AP Northeast 1 (Tokyo), Enterprise"),
        effectiveFrom: d("2026-04-01"))

    static func row(_ date: String, _ rate: String, service: String = RateSheet.spcsServiceType,
                    usage: String? = "compute", account: String? = "SPCS_DEV", adjustment: Bool = false,
                    line: Int) -> RateSheetRow {
        RateSheetRow(date: d(date), currency: .usd, effectiveRate: dec(rate), serviceType: service, usageType: usage,
                     isAdjustment: adjustment, accountName: account, region: "AWS_AP_NORTHEAST_1",
                     serviceLevel: "Enterprise", contractNumber: "1234567", origin: "rates.csv line \(line)")
    }

    /// Rows on 2 and 5 April (3.87) and 15 April (3.66), with noise the SPCS rule must skip.
    static let sheet = RateSheet(rows: [
        row("2024-04-02", "3.87", service: "WAREHOUSE_METERING", line: 2),
        row("2024-04-02", "3.87", line: 3),
        row("2024-04-05", "3.87", line: 4),
        row("2024-04-05", "0.00", adjustment: true, line: 5),
        row("2024-04-05", "3.87", usage: "cloud services", line: 6),
        row("2024-04-15", "3.66", line: 7),
        row("2024-04-15", "2.55", account: "ANALYTICS_PROD", line: 8),
    ])

    @Test func rateSheetRowsWinAndAreCarriedForwardOverGaps() throws {
        let s = try CreditPriceSchedule(rateSheet: Self.sheet, account: "SPCS_DEV", contract: nil, list: Self.list)
        #expect(s.rateSheetRows.map(\.date) == [Self.d("2024-04-02"), Self.d("2024-04-05"), Self.d("2024-04-15")])

        let onDay = s.price(on: Self.d("2024-04-05"))
        #expect(onDay.price.price == Money(Self.dec("3.87"), .usd))
        #expect(onDay.basis == .rateSheet && onDay.effectiveDate == Self.d("2024-04-05"))
        #expect(onDay.price.source == "RATE_SHEET_DAILY SNOWPARK_CONTAINER_SERVICES, compute, Enterprise, "
                + "AWS_AP_NORTHEAST_1, contract 1234567 (rates.csv line 4)")

        // 6-14 April have no row: 5 April's rate is carried forward and says so.
        let gap = s.price(on: Self.d("2024-04-13"))
        #expect(gap.price.price == Money(Self.dec("3.87"), .usd))
        #expect(gap.basis == .rateSheetCarriedForward(from: Self.d("2024-04-05")))
        #expect(gap.effectiveDate == Self.d("2024-04-05"))
        #expect(gap.price.source.hasSuffix("(rates.csv line 4), carried forward from 2024-04-05"))

        // After the last row the rate stays in force (the view's latency).
        let late = s.price(on: Self.d("2024-04-30"))
        #expect(late.price.price == Money(Self.dec("3.66"), .usd))
        #expect(late.basis == .rateSheetCarriedForward(from: Self.d("2024-04-15")))
    }

    @Test func aDayBeforeTheFirstRowIsCarriedBackAndTheSheetWinsOverAContract() throws {
        let s = try CreditPriceSchedule(rateSheet: Self.sheet, account: "SPCS_DEV", contract: nil, list: Self.list)
        let before = s.price(on: Self.d("2024-04-01"))
        #expect(before.price.price == Money(Self.dec("3.87"), .usd))
        #expect(before.basis == .rateSheetCarriedBack(from: Self.d("2024-04-02")))
        #expect(before.price.source.hasSuffix(", carried back from 2024-04-02, the rate sheet's first SPCS row"))

        let contract = CreditPriceSchedule.Contract(pricePerCredit: Money(Self.dec("3.80"), .usd),
                                                    reference: "contract price (--contract-price)")
        let withContract = try CreditPriceSchedule(rateSheet: Self.sheet, account: "SPCS_DEV", contract: contract,
                                                   list: Self.list)
        // The rate sheet is what Snowflake bills: it wins over the contract price, which is reported as disagreeing.
        #expect(withContract.price(on: Self.d("2024-04-01")).price.price == Money(Self.dec("3.87"), .usd))
        #expect(withContract.price(on: Self.d("2024-04-02")).price.price == Money(Self.dec("3.87"), .usd))
        let warnings = withContract.contractDisagreements(over: Self.d("2024-04-01")...Self.d("2024-04-02"))
        #expect(warnings == ["contract price (--contract-price) is 3.8 USD per credit, but RATE_SHEET_DAILY says 3.87 USD "
                             + "from 2024-04-01 to 2024-04-02; the rate sheet is used (it is what Snowflake bills). "
                             + "Check the contract price."])
    }

    @Test func contractPriceOverTheListPrice() throws {
        // A JPY contract from 2024-04-10: list price (USD) before, contract price (JPY) from that day on.
        let contract = CreditPriceSchedule.Contract(pricePerCredit: Money(580, .jpy), reference: "contract price",
                                                    effectiveFrom: Self.d("2024-04-10"))
        let s = try CreditPriceSchedule(rateSheet: nil, account: nil, contract: contract, list: Self.list)
        let before = s.price(on: Self.d("2024-04-09"))
        #expect(before.basis == .onDemand && before.price.price == Money(Self.dec("4.30"), .usd))
        #expect(before.effectiveDate == Self.d("2026-04-01"))
        let from = s.price(on: Self.d("2024-04-10"))
        #expect(from.basis == .contract && from.price.price == Money(580, .jpy))
        #expect(from.effectiveDate == Self.d("2024-04-10") && from.price.source == "contract price from 2024-04-10")
        // The list price stays available for FOCUS ListUnitPrice whatever priced the day.
        #expect(s.listPrice(on: Self.d("2024-04-10")).price.price == Money(Self.dec("4.30"), .usd))

        let onDemand = try CreditPriceSchedule(rateSheet: nil, account: nil, contract: nil, list: Self.list)
        #expect(onDemand.price(on: Self.d("2024-04-10")) == onDemand.listPrice(on: Self.d("2024-04-10")))
    }

    @Test func accountsThatDisagreeNeedAnAccount() throws {
        let error = CreditPriceError.ambiguousRateSheetDay(
            date: Self.d("2024-04-15"), rows: [Self.sheet.rows[5], Self.sheet.rows[6]])
        #expect(throws: error) {
            try CreditPriceSchedule(rateSheet: Self.sheet, account: nil, contract: nil, list: Self.list)
        }
        #expect(error.description == "the rate sheet has two SPCS compute rates on 2024-04-15: 3.66 USD for account "
                + "SPCS_DEV at rates.csv line 7 and 2.55 USD for account ANALYTICS_PROD at rates.csv line 8; name the "
                + "account with --account.")
        let other = try CreditPriceSchedule(rateSheet: Self.sheet, account: "analytics_prod", contract: nil,
                                            list: Self.list)
        #expect(other.price(on: Self.d("2024-04-20")).price.price == Money(Self.dec("2.55"), .usd))
        #expect(other.price(on: Self.d("2024-04-14")).basis == .rateSheetCarriedBack(from: Self.d("2024-04-15")))
    }

    @Test func aSheetWithoutSPCSRows() {
        let warehouses = RateSheet(rows: [Self.row("2024-04-02", "3.87", service: "WAREHOUSE_METERING", line: 2)])
        let error = CreditPriceError.noSPCSRows(serviceTypes: ["WAREHOUSE_METERING"], account: "SPCS_DEV")
        #expect(throws: error) {
            try CreditPriceSchedule(rateSheet: warehouses, account: "SPCS_DEV", contract: nil, list: Self.list)
        }
        #expect(error.description == "the rate sheet has no SNOWPARK_CONTAINER_SERVICES compute row for account "
                + "SPCS_DEV (SERVICE_TYPE values found: WAREHOUSE_METERING); export RATE_SHEET_DAILY with its SPCS "
                + "rows, check --account, or leave out --rate-sheet.")
    }
}
