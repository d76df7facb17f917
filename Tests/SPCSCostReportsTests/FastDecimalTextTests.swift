import Foundation
import SPCSCostCore
import Testing

@testable import SPCSCostCore
@testable import SPCSCostReports

/// The fast decimal text (a 64-bit scaled integer read through Decimal's public `significand` and `exponent`) gives
/// exactly the text of Foundation's rounding and `NSDecimalString`, which it replaced for speed.
@Suite struct FastDecimalTextTests {
    /// The text as it was made before: `NSDecimalRound`, then `NSDecimalString`, then padding and grouping.
    static func reference(_ value: Decimal, scale: Int, grouped: Bool) -> String {
        var v = value
        var r = Decimal()
        NSDecimalRound(&r, &v, scale, .bankers)
        var text = NSDecimalString(&r, Locale(identifier: "en_US_POSIX"))
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var whole = parts[0]
        var frac = parts.count > 1 ? parts[1] : ""
        if frac.count < scale { frac += String(repeating: "0", count: scale - frac.count) }
        if grouped && whole.count > 3 {
            var out = ""
            for (i, ch) in whole.enumerated() {
                if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
                out.append(ch)
            }
            whole = out
        }
        return (negative && r != 0 ? "-" : "") + (scale > 0 ? "\(whole).\(frac)" : whole)
    }

    /// `NSDecimalString` of the value rounded (trailing zeros trimmed).
    static func referenceRounded(_ value: Decimal, scale: Int) -> String {
        var v = value
        var r = Decimal()
        NSDecimalRound(&r, &v, scale, .bankers)
        return NSDecimalString(&r, Locale(identifier: "en_US_POSIX"))
    }

    /// Values of every shape the reports meet: nano-credits times prices and FX rates, exact quotients with 38
    /// digits, ties at every scale, negative amounts, zeros, large amounts and whole numbers with a positive exponent.
    static var values: [Decimal] {
        var rng = SystemRandomNumberGenerator()
        var out: [Decimal] = ["0", "-0.004", "0.005", "0.015", "0.025", "-2.675", "2.675", "33858", "1062.7", "0.5",
                              "1.5", "2.5", "-1.5", "123456789012.345", "1000000", "0.000000000499", "0.0000000005",
                              "0.0000000015", "184467440737.09551615", "99999999999999999.995"].map { Decimal(string: $0)! }
        out.append(Decimal(sign: .plus, exponent: 12, significand: 42))
        out.append(Decimal(22) / Decimal(30))
        out.append(Decimal(-1) / Decimal(3))
        for _ in 0..<4000 {
            let nano = Decimal(Int64.random(in: -5_000_000_000...500_000_000_000, using: &rng)) / 1_000_000_000
            let price = [Decimal(string: "2.85")!, Decimal(string: "4.3")!, Decimal(string: "0.0275")!, 3, 1][Int.random(in: 0..<5, using: &rng)]
            let fx = [Decimal(150), Decimal(string: "0.92")!, Decimal(string: "151.237")!, 1][Int.random(in: 0..<4, using: &rng)]
            out.append(nano * price * fx)
            if Int.random(in: 0..<8, using: &rng) == 0 { out.append(nano * price / 7) }
        }
        return out
    }

    @Test func moneyTextIsFoundationsTextAtEveryScale() {
        for v in Self.values {
            for scale in [0, 1, 2, 3, 4] {
                #expect(MoneyFormat.roundedFixed(v, scale: scale, grouped: false) == Self.reference(v, scale: scale, grouped: false),
                        "\(v) at \(scale)")
                #expect(MoneyFormat.roundedFixed(v, scale: scale, grouped: true) == Self.reference(v, scale: scale, grouped: true),
                        "\(v) at \(scale), grouped")
            }
            for scale in [2, 6, 9] {
                #expect(MoneyFormat.roundedText(v, scale: scale) == Self.referenceRounded(v, scale: scale), "\(v) at \(scale)")
            }
            // Credits for people (terminal, Markdown, HTML): rounded to 2 places and grouped, as NSDecimalRound does.
            #expect(CellText.credits(v) == Self.reference(v, scale: CellText.peopleCreditDigits, grouped: true), "\(v) as credits")
            var copy = v
            #expect(ExactDecimal.text(v) == NSDecimalString(&copy, Locale(identifier: "en_US_POSIX")), "\(v)")
        }
    }

    /// Worked examples, half-even: 2.675 → 2.68 (7 is odd, so the tie goes up to 8); 0.125 → 0.12 (2 is even);
    /// -0.004 → 0.00 without a sign; 1234567.5 JPY → 1,234,568 (7 is odd); a 38-digit quotient 22 ÷ 30.
    @Test func workedExamples() {
        let usd = Currency(code: "USD")!, jpy = Currency(code: "JPY")!
        #expect(MoneyFormat.plain(Money(Decimal(string: "2.675")!, usd)) == "2.68")
        #expect(MoneyFormat.plain(Money(Decimal(string: "0.125")!, usd)) == "0.12")
        #expect(MoneyFormat.plain(Money(Decimal(string: "-0.004")!, usd)) == "0.00")
        #expect(MoneyFormat.grouped(Money(Decimal(string: "1234567.5")!, jpy)) == "1,234,568")
        #expect(MoneyFormat.grouped(Money(Decimal(string: "-1234566.5")!, jpy)) == "-1,234,566")
        #expect(QuantityFormat.quantity(Decimal(22) / Decimal(30)) == "0.733333333")
        #expect(MoneyFormat.exact(Money(Decimal(22) / Decimal(30), usd)) == "0.73333333333333333333333333333333333333")
        #expect(ExactDecimal.text(Decimal(sign: .plus, exponent: 3, significand: 12)) == "12000")
    }

    /// The same text from many threads at once (the writers and tests run concurrently).
    @Test func theSameTextFromManyThreads() async {
        let values = Self.values
        let expected = values.map { Self.reference($0, scale: 2, grouped: false) }
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for _ in 0..<5 {
                        for (v, e) in zip(values, expected) where MoneyFormat.roundedFixed(v, scale: 2, grouped: false) != e {
                            wrong += 1
                        }
                    }
                    return wrong
                }
            }
            for await wrong in group { #expect(wrong == 0) }
        }
    }

    /// A ``DecimalSum`` has the value, and the text, of adding the same values one by one with Decimal's `+`: on
    /// amounts of every shape above, on sums that leave 64 bits (38-digit quotients, 10^20), and on zeros.
    @Test func decimalSumIsDecimalsSum() {
        let values = Self.values
        var runs: [[Decimal]] = [values, values.filter { ExactDecimal.parts($0) != nil }, [0, 0], [],
                                 [Decimal(string: "9223372036854775807")!, 1, -1, Decimal(string: "0.000000001")!],
                                 [Decimal(string: "100000000000000000000")!, Decimal(string: "0.5")!],
                                 [Decimal(22) / 30, Decimal(string: "1.5")!, Decimal(-22) / 30]]
        runs += stride(from: 0, to: values.count - 50, by: 97).map { Array(values[$0..<($0 + 50)]) }
        for run in runs {
            var sum = DecimalSum()
            for v in run { sum.add(v) }
            let expected = run.reduce(Decimal(0), +)
            #expect(sum.value == expected, "\(run.prefix(3))")
            #expect(ExactDecimal.text(sum.value) == ExactDecimal.text(expected))
            #expect(MoneyFormat.roundedFixed(sum.value, scale: 2, grouped: false)
                == MoneyFormat.roundedFixed(expected, scale: 2, grouped: false))
        }
    }

    /// The parts read from a Decimal's bytes are the parts Foundation's `NSDecimalNumber` gives, on every value
    /// above, on values of each length of significand (1 to 8 words), on non-terminating quotients, zero and NaN; and
    /// this build's Foundation has the layout the fast reading expects (else every report would take the slow path).
    @Test func storagePartsAreFoundationsParts() {
        #expect(ExactDecimal.storageLayoutChecked)
        var values = Self.values + [.nan, 0, Decimal(UInt64.max), Decimal(Int64.min), Decimal(1) / Decimal(7)]
        var p: UInt64 = 1
        for _ in 0..<19 { p *= 10; values += [Decimal(p - 1), Decimal(p), Decimal(p + 1), -Decimal(p) / 1000] }
        values += [Decimal(sign: .plus, exponent: -30, significand: Decimal(UInt64.max) * Decimal(UInt64.max)),
                   Decimal(sign: .minus, exponent: 20, significand: 17), Decimal(string: "18000000000000000000")!,
                   Decimal(string: "17999999999999999999")!]
        for v in values {
            let a = ExactDecimal.foundationParts(v), b = ExactDecimal.storageParts(v)
            #expect(a?.negative == b?.negative && a?.significand == b?.significand && a?.exponent == b?.exponent, "\(v)")
        }
    }

    /// A chart bar's y and height texts from integers are the texts of the Decimal geometry (max(0, credits) ÷
    /// scale top × plot height, subtracted from the baseline, each rounded to 2 digits), on daily credits of every
    /// shape (9-digit sums, always-on hours × rates, zero, negative) and on scale tops of 1, 2 or 5 × a power of ten
    /// times 1 to 6 ticks. Worked example: 33 credits on a scale of 40 → height 33 ÷ 40 × 120 = 99, y = 130 − 99 = 31.
    @Test func chartBarsFromIntegersAreTheDecimalBars() {
        let baseline = SVGChart.top + SVGChart.plotHeight
        func decimal(_ c: Decimal, _ top: Decimal) -> (y: String, height: String) {
            let y = baseline - max(0, c) / top * SVGChart.plotHeight
            return (MoneyFormat.roundedText(y, scale: 2), MoneyFormat.roundedText(baseline - y, scale: 2))
        }
        let scale40 = SVGChart.integerScale(scaleTop: 40, baseline: baseline)!
        let worked = SVGChart.barText(ExactDecimal.parts(33)!, scale: scale40)
        #expect(worked?.y == "31" && worked?.height == "99")
        // An exact tie: 5.49175 ÷ 6 × 120 = 109.835; Decimal's quotient falls under it (height 109.83, y 20.17), so
        // the integers give way to Decimal.
        let scale6 = SVGChart.integerScale(scaleTop: 6, baseline: baseline)!
        #expect(SVGChart.barText(ExactDecimal.parts(Decimal(string: "5.49175")!)!, scale: scale6) == nil)
        let tie = decimal(Decimal(string: "5.49175")!, 6)
        #expect(tie.y == "20.17" && tie.height == "109.83")
        var rng = SystemRandomNumberGenerator()
        var checked = 0
        for step in ["0.01", "0.2", "0.5", "1", "2", "5", "10", "20", "50", "100", "2000"].map({ Decimal(string: $0)! }) {
            for ticks in 1...6 {
                let top = step * Decimal(ticks)
                guard let scale = SVGChart.integerScale(scaleTop: top, baseline: baseline) else {
                    Issue.record("no integer scale for \(top)"); continue
                }
                var credits: [Decimal] = [0, -1, top, top / 2, top / 3, top / 8, Decimal(string: "0.000000001")!]
                for _ in 0..<300 {
                    let nano = Decimal(Int64.random(in: 0...1_000_000_000_000, using: &rng)) / 1_000_000_000
                    credits.append(min(nano, top))
                    credits.append(min(Decimal(Int.random(in: 0...24, using: &rng)) * Decimal(string: "0.11")!, top))
                }
                for c in credits {
                    guard let p = ExactDecimal.parts(c), let fast = SVGChart.barText(p, scale: scale) else { continue }
                    let slow = decimal(c, top)
                    #expect(fast.y == slow.y && fast.height == slow.height, "\(c) on \(top)")
                    checked += 1
                }
            }
        }
        #expect(checked > 10_000)
    }
}
