import Foundation
import SPCSCostCore
import Testing

@testable import SPCSCostReports

/// Rounded lines, a total rounded once from the exact total, and the difference between them (half-even to the
/// currency's ISO 4217 minor units).
@Suite struct FocusRoundingTests {
    static func money(_ text: String, _ code: String) -> Money {
        Money(ExactDecimal.parse(text)!, Currency(code: code)!)
    }

    @Test func yen() {
        // JPY, 0 minor units: 100.5 → 100, 200.5 → 200 (half-even), 300.4 → 300: sum 600.
        // Exact total 601.4 → 601. Difference 601 − 600 = 1 JPY.
        let b = RoundedBreakdown(lines: ["100.5", "200.5", "300.4"].map { Self.money($0, "JPY") })
        #expect(b.lines == ["100", "200", "300"].map { Self.money($0, "JPY") })
        #expect(b.total == Self.money("601", "JPY") && b.exactTotal == Self.money("601.4", "JPY"))
        #expect(b.difference == Self.money("1", "JPY"))
        #expect(b.differenceText == "Rounding difference: 1 JPY")
    }

    @Test func dollars() {
        // USD, 2 minor units: 0.3135 (0.11 credits × 2.85) → 0.31 on each of three hours: sum 0.93.
        // Exact total 0.9405 → 0.94. Difference 0.94 − 0.93 = 0.01 USD.
        let b = RoundedBreakdown(lines: Array(repeating: Self.money("0.3135", "USD"), count: 3))
        #expect(b.sumOfRoundedLines == Self.money("0.93", "USD") && b.total == Self.money("0.94", "USD"))
        #expect(b.differenceText == "Rounding difference: 0.01 USD")
        // Half-even the other way: 0.125 → 0.12 three times (0.36), total 0.375 → 0.38: +0.02 USD.
        let up = RoundedBreakdown(lines: Array(repeating: Self.money("0.125", "USD"), count: 3))
        #expect(up.difference == Self.money("0.02", "USD"))
    }

    @Test func theRoundedSumReadAsTheLinesComeIsTheBreakdownsSum() {
        // A report's per-day lines are summed as they are read (RoundedBreakdown.sumOfRounded) instead of kept: the
        // sum must be the breakdown's own, in whole minor units through 64 bits and, from a line or a sum that leaves
        // them, through Decimal.
        let cases: [(code: String, lines: [String])] = [
            ("JPY", ["100.5", "200.5", "300.4", "-0.5", "1.5"]),
            ("USD", ["0.3135", "0.3135", "0.125", "-697.005", "0"]),
            ("KWD", ["0.0005", "1.2345", "-0.0015"]),
            // Lines of more units than 64 bits hold (9.2 × 10^18): the Decimal path from the first such line.
            ("USD", ["1.005", "92233720368547758.075", "92233720368547758.085", "-0.015"]),
            ("JPY", ["9223372036854775807", "1", "0.5"]),
        ]
        for c in cases {
            let currency = Currency(code: c.code)!
            let lines = c.lines.map { Self.money($0, c.code) }
            let breakdown = RoundedBreakdown(lines: lines, exactTotal: lines.dropFirst().reduce(lines[0], +))
            #expect(RoundedBreakdown.sumOfRounded(lines, currency: currency) == breakdown.sumOfRoundedLines, "\(c.lines)")
            #expect(RoundedBreakdown.sumOfRounded(lines.lazy.map { $0 }, currency: currency) == breakdown.sumOfRoundedLines)
        }
        #expect(RoundedBreakdown.sumOfRounded([Money](), currency: .usd) == nil)
    }

    @Test func linesThatEachRoundUpWhileTheirTotalRoundsDown() {
        // 0.006 USD → 0.01 on each of four lines (0.04); the exact total 0.024 → 0.02: a rounding line of -0.02 USD.
        let b = RoundedBreakdown(lines: Array(repeating: Self.money("0.006", "USD"), count: 4))
        #expect(b.lines.allSatisfy { $0 == Self.money("0.01", "USD") })
        #expect(b.total == Self.money("0.02", "USD") && b.difference == Self.money("-0.02", "USD"))
    }

    @Test func threeDigitCurrencies() {
        // KWD, 3 minor units: 1.0006 → 1.001, 2.0006 → 2.001, 3.0006 → 3.001: sum 6.003.
        // Exact total 6.0018 → 6.002. Difference 6.002 − 6.003 = −0.001 KWD.
        let kwd = RoundedBreakdown(lines: ["1.0006", "2.0006", "3.0006"].map { Self.money($0, "KWD") })
        #expect(kwd.difference == Self.money("-0.001", "KWD"))
        #expect(kwd.differenceText == "Rounding difference: -0.001 KWD")
        // BHD, 3 minor units: 12.0004 → 12.000 four times (48.000); total 48.0016 → 48.002: +0.002 BHD.
        let bhd = RoundedBreakdown(lines: Array(repeating: Self.money("12.0004", "BHD"), count: 4))
        #expect(bhd.total == Self.money("48.002", "BHD") && bhd.difference == Self.money("0.002", "BHD"))
    }

    @Test func anExactTotalThatIsNotTheSumOfTheLines() {
        // The total priced once: 22.828666667 credits × 2.85 USD = 65.06170000095 → 65.06 USD, against one line
        // per day rounded separately (here two lines, 32.530850000 + 32.53085000095 → 32.53 + 32.53 = 65.06).
        let b = RoundedBreakdown(lines: [Self.money("32.530850000", "USD"), Self.money("32.53085000095", "USD")],
                                 exactTotal: Self.money("65.06170000095", "USD"))
        #expect(b.total == Self.money("65.06", "USD") && b.difference == Money.zero(.usd))
        #expect(b.differenceText == "Rounding difference: 0.00 USD")
        #expect(RoundedBreakdown(lines: [], exactTotal: Money.zero(.jpy)).difference == Money.zero(.jpy))
    }
}
