import Foundation
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

/// The finance input files of `spcs-cost export`: dated FX (Fixtures/fx) and RATE_SHEET_DAILY exports
/// (Fixtures/rate-sheet), read by SPCSCostStore's FXFile and RateSheetFile.
@Suite struct ExportInputFilesTests {
    static func read(_ relative: String) throws -> Data { try Data(contentsOf: Repository.fixture(relative)) }
    static func d(_ text: String) -> CivilDate { CivilDate(text)! }

    @Test func theAprilRatesFile() throws {
        let table = try FXFile.parse(try Self.read("fx/usdjpy-april-2024.csv"), file: "usdjpy-april-2024.csv")
        #expect(table.rows.count == 30)
        let r14 = try table.rate(from: .usd, to: .jpy, for: Self.d("2024-04-14"), lookup: .daily)
        let r15 = try table.rate(from: .usd, to: .jpy, for: Self.d("2024-04-15"), lookup: .daily)
        #expect(r14.rate == dec("151.35") && r15.rate == dec("153.20"))
        #expect(r15.source == "treasury rate (illustrative) (usdjpy-april-2024.csv line 16)")
        #expect(try table.rate(from: .usd, to: .jpy, for: Self.d("2024-04-30"), lookup: .monthly).rate == dec("151.35"))
    }

    @Test func anyColumnOrderAByteOrderMarkAndARepeatedRow() throws {
        let table = try FXFile.parse(try Self.read("fx/reordered-bom.csv"), file: "reordered-bom.csv")
        // Lines 2 and 6 are the same 2024-04-02 rate; line 3 is blank.
        #expect(table.rows.map(\.date) == [Self.d("2024-04-02"), Self.d("2024-04-03")])
        #expect(table.rows.map(\.rate) == [dec("0.9312"), dec("0.9325")])
        #expect(table.rows.map(\.origin) == ["reordered-bom.csv line 2", "reordered-bom.csv line 4"])
        #expect(try table.convert(Money(100, .usd), to: .eur, for: Self.d("2024-04-03"), lookup: .daily)
                == Money(dec("93.25"), .eur))
    }

    @Test func badFXFilesNameTheLineAndField() throws {
        let conflicting = try Self.read("fx/conflicting-rates.csv")
        do {
            _ = try FXFile.parse(conflicting, file: "conflicting-rates.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "conflicting-rates.csv line 4: rate '153.25' conflicts with rate '153.2' "
                    + "for USD→JPY on 2024-04-15 at conflicting-rates.csv line 2; keep one of the two rows")
        }
        let badRate = try Self.read("fx/bad-rate.csv")
        do {
            _ = try FXFile.parse(badRate, file: "bad-rate.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "bad-rate.csv line 3: rate '151,35' is not a decimal; write it with '.' and "
                    + "no thousands separator, for example 153.20")
        }
        do {
            _ = try FXFile.parse(Data("date,base,rate\n2024-04-01,USD,1\n".utf8), file: "short.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "short.csv: the header row lacks quote, source (found: date, base, "
                    + "rate); the first row must name the columns date, base, quote, rate, source.")
        }
    }

    @Test func theRateSheetFixture() throws {
        let sheet = try RateSheetFile.parse(try Self.read("rate-sheet/rate-sheet-daily-april-2024.csv"),
                                            file: "rate-sheet-daily-april-2024.csv")
        #expect(sheet.rows.count == 77)
        #expect(sheet.serviceTypes == ["CLOUD_SERVICES", "SNOWPARK_CONTAINER_SERVICES", "WAREHOUSE_METERING"])
        let rows = try sheet.spcsComputeRows(account: "SPCS_DEV")
        // 19 days with rows: 2-5, 8-12, 15-19, 22-26 April; the 10 April adjustment row is not a price.
        #expect(rows.count == 19)
        #expect(rows.first?.origin == "rate-sheet-daily-april-2024.csv line 3")
        #expect(rows.last?.origin == "rate-sheet-daily-april-2024.csv line 76")
        #expect(rows.first?.contractNumber == "1234567" && rows.first?.serviceLevel == "Enterprise")
        // The two accounts disagree on every day; the first day names both rows.
        do {
            _ = try sheet.spcsComputeRows(account: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "the rate sheet has two SPCS compute rates on 2024-04-02: 3.87 USD for "
                    + "account SPCS_DEV at rate-sheet-daily-april-2024.csv line 3 and 2.7 USD for account "
                    + "ANALYTICS_PROD at rate-sheet-daily-april-2024.csv line 5; name the account with --account.")
        }
    }

    /// The precedence on the fixture: rows, gaps carried forward, the day before the first row, contract vs list.
    @Test func pricesOfAprilFromTheFixture() throws {
        let sheet = try RateSheetFile.parse(try Self.read("rate-sheet/rate-sheet-daily-april-2024.csv"),
                                            file: "rates.csv")
        let list = CreditPriceSchedule.ListPrice(
            price: CreditPrice(edition: .enterprise, price: Money(dec("4.30"), .usd), source: "on-demand"),
            effectiveFrom: Self.d("2026-04-01"))
        let s = try CreditPriceSchedule(rateSheet: sheet, account: "SPCS_DEV", contract: nil, list: list)
        func price(_ day: String) throws -> (Decimal, CreditPriceSchedule.Basis, CivilDate?) {
            let p = s.price(on: Self.d(day))
            return (p.price.price.amount, p.basis, p.effectiveDate)
        }
        #expect(try price("2024-04-02") == (dec("3.87"), .rateSheet, Self.d("2024-04-02")))
        #expect(try price("2024-04-07") == (dec("3.87"), .rateSheetCarriedForward(from: Self.d("2024-04-05")), Self.d("2024-04-05")))
        #expect(try price("2024-04-14") == (dec("3.87"), .rateSheetCarriedForward(from: Self.d("2024-04-12")), Self.d("2024-04-12")))
        #expect(try price("2024-04-15") == (dec("3.66"), .rateSheet, Self.d("2024-04-15")))
        #expect(try price("2024-04-30") == (dec("3.66"), .rateSheetCarriedForward(from: Self.d("2024-04-26")), Self.d("2024-04-26")))
        #expect(s.price(on: Self.d("2024-04-30")).price.source
                == "RATE_SHEET_DAILY SNOWPARK_CONTAINER_SERVICES, compute, Enterprise, AWS_AP_NORTHEAST_1, contract "
                + "1234567 (rates.csv line 76), carried forward from 2024-04-26")
        // Before the first row, the first row is carried back, and says so.
        #expect(s.price(on: Self.d("2024-04-01")).basis == .rateSheetCarriedBack(from: Self.d("2024-04-02")))
    }

    @Test func aBadRateSheetNamesTheLineAndColumn() throws {
        let data = try Self.read("rate-sheet/bad-effective-rate.csv")
        do {
            _ = try RateSheetFile.parse(data, file: "bad-effective-rate.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "bad-effective-rate.csv line 3: EFFECTIVE_RATE '3,87' is not a non-negative "
                    + "decimal; export with '.' as the decimal separator")
        }
    }
}
