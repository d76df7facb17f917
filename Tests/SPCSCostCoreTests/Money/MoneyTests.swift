import Foundation
import Testing

@testable import SPCSCostCore

@Suite struct MoneyTests {
    @Test("strict decimals", arguments: [
        ("0.11", "0.11"), ("150", "150"), ("-2.5", "-2.5"), ("+3", "3"), (".5", "0.5"), ("5.", "5"),
    ])
    func parses(text: String, expected: String) throws {
        let d = try #require(ExactDecimal.parse(text))
        #expect(ExactDecimal.text(d) == expected)
    }

    @Test("not decimals", arguments: ["0,110", "1e3", "NaN", "", "-", "1.2.3", " 1", "1 ", "1.2abc", "--1"])
    func rejects(text: String) { #expect(ExactDecimal.parse(text) == nil) }

    @Test func currencyMinorUnits() {
        // ISO 4217: JPY has no minor unit, USD two, KWD three.
        #expect(Currency(code: "jpy")?.minorUnits == 0)
        #expect(Currency(code: "USD")?.minorUnits == 2)
        #expect(Currency(code: "KWD")?.minorUnits == 3)
        #expect(Currency(code: "XYZ") == nil)
    }

    @Test func conversionIsExact() {
        // 79.2 credits × 2.85 USD = 225.72 USD; × 150 JPY/USD = 33,858 JPY (the team's hand figure).
        let usd = Money(Decimal(string: "79.2")! * Decimal(string: "2.85")!, .usd)
        #expect(usd.amount == Decimal(string: "225.72")!)
        let jpy = usd.converted(with: ExchangeRate(base: .usd, quote: .jpy, rate: 150, source: "test"))
        #expect(jpy == Money(33858, .jpy))
    }

    @Test("nano-credits", arguments: [
        ("0.110000000", Int64(110_000_000)), ("22.828666667", 22_828_666_667), ("1", 1_000_000_000),
        ("-0.000000001", -1), ("0.5", 500_000_000),
    ])
    func nanoCredits(text: String, nanos: Int64) throws {
        let n = try #require(NanoCredits(parsing: text))
        #expect(n.value == nanos)
    }

    @Test func nanoCreditsRefuseMoreThanNineDigitsAndCommas() {
        #expect(NanoCredits(parsing: "0.1234567891") == nil)
        #expect(NanoCredits(parsing: "0,110") == nil)
        #expect(NanoCredits(parsing: "") == nil)
        #expect(NanoCredits(parsing: "99999999999999") == nil)  // overflows Int64 nano-credits
    }

    @Test func nanoCreditsText() {
        #expect(NanoCredits(110_000_000).description == "0.110000000")
        #expect(NanoCredits(-5).description == "-0.000000005")
        // 0.11 × 300 s / 3600 = 0.0091666… rounds half-up to 0.009166667 (CREDITS_USED is NUMBER(38,9)).
        #expect(NanoCredits.rounded(Decimal(string: "0.11")! * 300 / 3600).value == 9_166_667)
    }
}
