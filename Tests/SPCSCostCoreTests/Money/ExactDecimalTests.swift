import Foundation
import Testing

@testable import SPCSCostCore

/// The integer paths behind amounts and sums (``ExactDecimal/parts(_:)`` read from a Decimal's stored fields,
/// ``DecimalSum`` with products, the what-if's ledger charges) give exactly what Foundation's own `NSDecimalNumber`
/// and Decimal arithmetic give, which they replaced for speed.
@Suite struct ExactDecimalTests {
    /// Values of the shapes the ledger meets: nano-credits, their products with prices and FX rates, 38-digit
    /// quotients, negatives, zero, NaN, significands of one to eight 16-bit words and around 64 bits.
    static var values: [Decimal] {
        var rng = SystemRandomNumberGenerator()
        var out: [Decimal] = ["0", "-0.004", "0.005", "33858", "1062.7", "-2.675", "123456789012.345",
                              "0.000000000499", "184467440737.09551615", "18446744073709551615", "18446744073709551616",
                              "17999999999999999999", "18000000000000000001", "-98765432109876543210.123456789",
                              "99999999999999999999999999999999999999"].map { Decimal(string: $0)! }
        out += [Decimal.nan, Decimal(22) / Decimal(30), Decimal(-1) / Decimal(3), Decimal(sign: .plus, exponent: 12, significand: 42),
                Decimal(UInt64.max), -Decimal(UInt64(1) << 63), Decimal(UInt64(65_536)), Decimal(UInt64(1) << 48)]
        for _ in 0..<5000 {
            let bits = UInt64.random(in: 0...63, using: &rng)
            let significand = UInt64.random(in: 0...UInt64.max, using: &rng) >> bits
            let d = Decimal(sign: Bool.random(using: &rng) ? .minus : .plus, exponent: Int.random(in: -20...6, using: &rng),
                            significand: Decimal(significand))
            out += [d, d / 3600, d * 7 + 1, d - d]
        }
        return out
    }

    @Test func partsFromTheStoredFieldsAreThoseOfNSDecimalNumber() {
        // On this platform the layout is Foundation's NSDecimal one, so the fast read is the one in use.
        #expect(ExactDecimal.storageLayoutChecked)
        for v in Self.values {
            let fast = ExactDecimal.parts(v), reference = ExactDecimal.foundationParts(v)
            #expect(fast?.negative == reference?.negative && fast?.significand == reference?.significand
                        && fast?.exponent == reference?.exponent && (fast == nil) == (reference == nil),
                    "\(v): \(String(describing: fast)) against \(String(describing: reference))")
        }
    }

    @Test func sumOfProductsIsDecimalsOwn() {
        var rng = SystemRandomNumberGenerator()
        let prices: [Decimal] = ["2.85", "4.30", "0.0275", "3", "1", "5.7"].map { Decimal(string: $0)! }
        let fx: [Decimal] = ["150", "0.92", "151.237", "1", "0.0066666666666666666666666666666666667"].map { Decimal(string: $0)! }
        for _ in 0..<2000 {
            var sum = DecimalSum(), reference = Decimal(0)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                // Nano-credits, now and then a 38-digit quotient or a quantity too large for 64-bit products.
                var q = Decimal(Int64.random(in: -5_000_000_000...900_000_000_000, using: &rng)) / 1_000_000_000
                if Int.random(in: 0..<10, using: &rng) == 0 { q = q / 7 }
                if Int.random(in: 0..<10, using: &rng) == 0 { q = q * 1_000_000_000_000 }
                let p = prices.randomElement(using: &rng)!, f = fx.randomElement(using: &rng)!
                sum.add(product: q, p, f)
                reference = reference + (q * p) * f
            }
            #expect(sum.value == reference, "\(sum.value) against \(reference)")
        }
        #expect(DecimalSum.of([Decimal(1) / 3, Decimal(string: "0.5")!, 2]) == (Decimal(0) + Decimal(1) / 3) + Decimal(string: "0.5")! + 2)
    }

    /// A pool's days priced by ``WhatIfResult/price(rates:meteredFrom:account:)`` are the sums of the ledger's own
    /// charges (``DayRates/charge(_:onUTCDay:account:)``) of each UTC day's credits, in day order, at a price in USD
    /// converted to JPY.
    @Test func whatIfDaysPriceAsTheLedgerCharges() throws {
        let list = CreditPriceSchedule.ListPrice(
            price: CreditPrice(edition: .enterprise, price: Money(Decimal(string: "4.30")!, .usd), source: "list"),
            effectiveFrom: nil)
        let schedule = try CreditPriceSchedule(rateSheet: nil, account: nil, contract: nil, list: list)
        let jpy = Currency(code: "JPY")!
        let fx = FXBook(fixed: [.init(pair: .init(base: .usd, quote: jpy), rate: Decimal(string: "151.237")!, source: "test")])
        let pricing = Pricing(currency: jpy, schedule: schedule, fx: fx)
        let first = CivilDate("2024-04-01")!
        var rates = try pricing.rates(for: first...first.adding(days: 3))
        var reference = try pricing.rates(for: first...first.adding(days: 3))
        let u = first.daysSinceEpoch
        let parts: [[Int: Decimal]] = [[u: Decimal(string: "1.44")!, u + 1: Decimal(string: "0.06")!],
                                       [u + 1: Decimal(1) / 3], [:], [u + 2: Decimal(string: "123456.789012345")!]]
        let days = parts.enumerated().map { i, p in
            WhatIfResult.Day(date: first.adding(days: i), meteredParts: p, policyParts: p.mapValues { $0 * 2 })
        }
        var result = WhatIfResult(pool: "P", policy: .alwaysOn, days: days)
        try result.price(rates: &rates)
        for (i, p) in parts.enumerated() {
            var m = ChargeSum.zero(jpy), q = ChargeSum.zero(jpy)
            for (day, credits) in p.sorted(by: { $0.key < $1.key }) {
                m += try reference.charge(credits, onUTCDay: day)
                q += try reference.charge(credits * 2, onUTCDay: day)
            }
            #expect(result.days[i].metered == m)
            #expect(result.days[i].policy == q)
        }
        // 1.44 + 0.06 credits at 4.30 USD and 151.237 JPY per USD: 1.5 × 650.3191 JPY.
        #expect(result.days[0].metered == ChargeSum(quantity: Decimal(string: "1.5")!,
                                                    amount: Money(Decimal(string: "975.47865")!, jpy)))
    }
}
