import Foundation
import Testing

@testable import SPCSCostCore

/// Dated exchange rates. The table mirrors Fixtures/fx/usdjpy-april-2024.csv (illustrative figures): USD→JPY
/// 151.35 from 1 to 14 April 2024, 153.20 from 15 to 30 April.
@Suite struct FXTableTests {
    static func d(_ text: String) -> CivilDate { CivilDate(text)! }
    static func dec(_ text: String) -> Decimal { ExactDecimal.parse(text)! }

    static func april() throws -> FXTable {
        try FXTable(rows: (1...30).map { day in
            FXTable.Row(date: CivilDate(year: 2024, month: 4, day: day)!, base: .usd, quote: .jpy,
                        rate: day < 15 ? dec("151.35") : dec("153.20"), source: "treasury rate (illustrative)",
                        origin: "usdjpy-april-2024.csv line \(day + 1)")
        })
    }

    @Test func dailyConversionAcrossTheMidMonthChange() throws {
        let table = try Self.april()
        // 1.1 credits a day × 2.85 USD = 3.135 USD a day, converted with each day's rate:
        // 14 days × 3.135 × 151.35 = 14 × 474.48225 = 6642.7515 JPY
        // 16 days × 3.135 × 153.20 = 16 × 480.282   = 7684.512  JPY; total 14327.2635 JPY, exact.
        var total = Money.zero(.jpy)
        for day in 1...30 {
            total = total + (try table.convert(Money(Self.dec("3.135"), .usd), to: .jpy,
                                               for: CivilDate(year: 2024, month: 4, day: day)!, lookup: .daily))
        }
        #expect(total == Money(Self.dec("14327.2635"), .jpy))

        let before = try table.rate(from: .usd, to: .jpy, for: Self.d("2024-04-14"), lookup: .daily)
        let after = try table.rate(from: .usd, to: .jpy, for: Self.d("2024-04-15"), lookup: .daily)
        #expect(before.rate == Self.dec("151.35") && before.date == Self.d("2024-04-14"))
        #expect(after.rate == Self.dec("153.20") && after.date == Self.d("2024-04-15"))
        #expect(after.source == "treasury rate (illustrative) (usdjpy-april-2024.csv line 16)")
    }

    @Test func aMissingDayIsCarriedUpTo4DaysThenNamed() throws {
        let table = try Self.april()
        // 1 May: the 30 April rate, carried (a weekend or holiday has no row), and the source says so.
        let carried = try table.rate(from: .usd, to: .jpy, for: Self.d("2024-05-01"), lookup: .daily)
        #expect(carried.rate == Self.dec("153.2") && carried.date == Self.d("2024-04-30"))
        #expect(carried.source.hasSuffix("the rate of 2024-04-30 carried to 2024-05-01, which has no row)"))
        #expect(try table.rate(from: .usd, to: .jpy, for: Self.d("2024-05-04"), lookup: .daily).date == Self.d("2024-04-30"))
        // 5 May is 5 days after the last row: an error naming the pair and the day.
        let error = FXError.missingRate(base: .usd, quote: .jpy, day: Self.d("2024-05-05"), lookup: .daily,
                                        needed: Self.d("2024-05-05"),
                                        known: Self.d("2024-04-01")...Self.d("2024-04-30"))
        #expect(throws: error) {
            try table.rate(from: .usd, to: .jpy, for: Self.d("2024-05-05"), lookup: .daily)
        }
        #expect(error.description == "no USD→JPY rate for 2024-05-05 or the 4 days before it (the table has USD→JPY "
                + "rates from 2024-04-01 to 2024-04-30); add a row dated 2024-05-05, or use monthly rates (--fx-lookup monthly).")
    }

    @Test func monthlyLookupUsesTheFirstDayOfTheMonth() throws {
        let table = try Self.april()
        // Every April day takes the 2024-04-01 rate: 3.135 USD × 30 days × 151.35 = 94.05 × 151.35 = 14234.4675 JPY.
        var total = Money.zero(.jpy)
        for day in 1...30 {
            let date = CivilDate(year: 2024, month: 4, day: day)!
            let rate = try table.rate(from: .usd, to: .jpy, for: date, lookup: .monthly)
            #expect(rate.rate == Self.dec("151.35") && rate.date == Self.d("2024-04-01"))
            total = total + Money(Self.dec("3.135"), .usd).converted(with: rate)
        }
        #expect(total == Money(Self.dec("14234.4675"), .jpy))
        let rate = try table.rate(from: .usd, to: .jpy, for: Self.d("2024-04-20"), lookup: .monthly)
        #expect(rate.source == "treasury rate (illustrative) (usdjpy-april-2024.csv line 2, the rate of 2024-04-01 "
                + "used for all of April 2024)")

        // May has no row dated 2024-05-01, so every May day is an error naming that date.
        do {
            _ = try table.rate(from: .usd, to: .jpy, for: Self.d("2024-05-20"), lookup: .monthly)
            Issue.record("expected a missing rate")
        } catch {
            #expect(error.description == "no USD→JPY rate for 2024-05-01, the first day of May 2024, which monthly "
                    + "lookup uses for 2024-05-20 (the table has USD→JPY rates from 2024-04-01 to 2024-04-30); add a "
                    + "row dated 2024-05-01.")
        }
    }

    @Test func sameCurrencyIsTheIdentityAndNothingIsInverted() throws {
        let table = try Self.april()
        let identity = try table.rate(from: .jpy, to: .jpy, for: Self.d("2031-01-01"), lookup: .daily)
        #expect(identity.rate == 1 && identity.date == Self.d("2031-01-01"))
        // JPY→USD would need 1 ÷ 151.35, which has no exact decimal form: the table does not invert.
        #expect(throws: FXError.missingRate(base: .jpy, quote: .usd, day: Self.d("2024-04-02"), lookup: .daily,
                                            needed: Self.d("2024-04-02"), known: nil)) {
            try table.rate(from: .jpy, to: .usd, for: Self.d("2024-04-02"), lookup: .daily)
        }
    }

    @Test func badRows() throws {
        func row(_ rate: String, quote: Currency = .jpy, line: Int) -> FXTable.Row {
            FXTable.Row(date: Self.d("2024-04-15"), base: .usd, quote: quote, rate: Self.dec(rate), source: "test",
                        origin: "fx.csv line \(line)")
        }
        // The same row twice with the same rate is kept once.
        #expect(try FXTable(rows: [row("153.20", line: 2), row("153.20", line: 3)]).rows.count == 1)
        do {
            _ = try FXTable(rows: [row("153.20", line: 2), row("153.25", line: 4)])
            Issue.record("expected a conflict")
        } catch {
            #expect(error.row.origin == "fx.csv line 4")
            #expect(error.description == "fx.csv line 4: rate '153.25' conflicts with rate '153.2' for USD→JPY on "
                    + "2024-04-15 at fx.csv line 2; keep one of the two rows.")
        }
        #expect(throws: FXTable.RowError(row: row("0", line: 2), problem: .nonPositiveRate)) {
            try FXTable(rows: [row("0", line: 2)])
        }
        #expect(throws: FXTable.RowError(row: row("1", quote: .usd, line: 2), problem: .sameCurrency)) {
            try FXTable(rows: [row("1", quote: .usd, line: 2)])
        }
    }
}
