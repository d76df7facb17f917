import Foundation
import Testing

@testable import SPCSCostCore

/// What the re-pricing memoises across pools (``WhatIfMemo``) is the value it stands for, in zones with and without
/// daylight saving time and with half-hour shifts.
@Suite struct WhatIfMemoTests {
    @Test(arguments: ["Asia/Tokyo", "America/New_York", "Australia/Lord_Howe", "UTC"])
    func memoisedValuesAreTheDirectOnes(zoneID: String) throws {
        let zone = try #require(TimeZone(identifier: zoneID))
        let from = try #require(CivilDate("2024-03-01")), through = try #require(CivilDate("2024-11-30"))
        let window = BusinessHours(startSecondOfDay: 1 * 3600 + 1800, endSecondOfDay: 86_400,
                                   weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday, .sunday], zone: zone)
        let memo = WhatIfMemo()
        for _ in 0..<2 {
            let intervals = memo.intervals(window, from: from, through: through)
            #expect(intervals == window.intervals(from: from, through: through))
            let starts = memo.dayStarts(zone, from: from, through: through)
            #expect(starts.count == from.days(to: through) + 1)
            for (i, s) in starts.enumerated() {
                #expect(s == Int64(from.adding(days: i).startInstant(in: zone).timeIntervalSince1970))
            }
            for other in [TimeZone(identifier: "Asia/Kolkata")!, zone] {
                let dates = memo.localDates(of: intervals, window: window, from: from, through: through, zone: other)
                for i in intervals {
                    #expect(dates[i.start] == CivilDate.of(i.start, in: other))
                    #expect(dates[i.end] == CivilDate.of(i.end, in: other))
                }
            }
        }
    }

    /// The memoised sums are Decimal's own `+`, for sums of 38 digits (a task's 1/60 of a credit) and equal values of
    /// different representations (1.0 and 1) alike, asked once and again.
    @Test func memoisedSumsAreDecimalsOwn() {
        let memo = WhatIfMemo()
        let low = Decimal(60) * 1 / 3600, high = Decimal(600) * 1 / 3600
        var values: [Decimal] = [0, 1, Decimal(sign: .plus, exponent: -1, significand: 10), low, high, -low]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let nano = Decimal(Int64.random(in: 0...90_000_000_000, using: &rng)) / 1_000_000_000
            values.append(nano)
            values.append(nano + low)
            values.append(nano / 7 + high)
        }
        for _ in 0..<2 {
            for a in values {
                for b in [low, high, values[3], values[7]] {
                    let expected = a + b
                    let got = memo.sum(a, b)
                    #expect(got == expected)
                    #expect(withUnsafeBytes(of: got) { Array($0) } == withUnsafeBytes(of: expected) { Array($0) })
                }
            }
        }
    }

    /// The repeated sums of a schedule's runs (0 + x + … + x) are Decimal's own additions in order, to the byte,
    /// asked for a longer run after a shorter one and again, for the 60 s minimum and an AUTO_SUSPEND tail of a run.
    @Test func repeatedSumsAreDecimalsOwnAdditionsInOrder() {
        let memo = WhatIfMemo()
        for x in [Decimal(60) * 1 / 3600, Decimal(600) * 1 / 3600, Decimal(string: "0.0125")!, Decimal(1) / 3] {
            for count in [3, 700, 10, 701] {
                let got = memo.repeatedSums(of: x, upTo: count)
                var sum: Decimal = 0
                #expect(got.count > count)
                for k in 0...count {
                    #expect(withUnsafeBytes(of: got[k]) { Array($0) } == withUnsafeBytes(of: sum) { Array($0) }, "\(x) × \(k)")
                    sum += x
                }
            }
        }
    }

    /// A day's charge of 38-digit credits, memoised, is the ledger's Decimal arithmetic: quantity 0 + credits, amount
    /// 0 + (credits × price) × FX, to the byte, asked once and again.
    @Test func memoisedChargesAreDecimalsOwn() {
        let memo = WhatIfMemo()
        let low = Decimal(60) * 1 / 3600
        var rng = SystemRandomNumberGenerator()
        var credits: [Decimal] = [low, low + low]
        for _ in 0..<300 { credits.append(Decimal(Int64.random(in: 0...90_000_000_000, using: &rng)) / 1_000_000_000 + low + low) }
        func bytes(_ d: Decimal) -> [UInt8] { withUnsafeBytes(of: d) { Array($0) } }
        for _ in 0..<2 {
            for c in credits {
                for (price, fx) in [(Decimal(string: "3")!, Decimal(1)), (Decimal(string: "4.3")!, Decimal(string: "151.237")!)] {
                    let got = memo.charge(c, price, fx) {
                        var q = DecimalSum(), a = DecimalSum()
                        q.add(c)
                        a.add(product: c, price, fx)
                        return (q.value, a.value)
                    }
                    let zero: Decimal = 0
                    #expect(bytes(got.quantity) == bytes(zero + c))
                    #expect(bytes(got.amount) == bytes(zero + (c * price) * fx))
                }
            }
        }
    }

    /// A day over two UTC days whose credits have 38 digits (a schedule's suspend run on the second) is charged, memo
    /// or not, as the ledger sums it: quantity 0 + each part, amount 0 + each part × price × FX, in day order; parts
    /// swapped between the days are another charge.
    @Test func chargesOfDaysOverTwoUTCDaysAreTheLedgersSums() throws {
        let low = Decimal(60) * 1 / 3600
        let first = CivilDate(year: 2025, month: 1, day: 6)!, next = first.adding(days: 1)
        var rates = try SavingsReportTests.rates("2.85", days: first...next)
        let memo = WhatIfMemo()
        func bytes(_ d: Decimal) -> [UInt8] { withUnsafeBytes(of: d) { Array($0) } }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let x = Decimal(Int64.random(in: 0...9_000_000_000, using: &rng)) / 1_000_000_000 + low
            for parts in [[first.daysSinceEpoch: x, next.daysSinceEpoch: low], [first.daysSinceEpoch: low, next.daysSinceEpoch: x]] {
                var quantity = DecimalSum(), amount = DecimalSum()
                for (day, credits) in parts.sorted(by: { $0.key < $1.key }) {
                    quantity.add(credits)
                    amount.add(product: credits, try rates.rate(day).unitPrice.price.price.amount, try rates.rate(day).fx.rate)
                }
                for _ in 0..<2 {
                    let got = try WhatIfResult.charge(parts, rates: &rates, account: "", memo: memo)
                    #expect(bytes(got.quantity) == bytes(quantity.value))
                    #expect(bytes(got.amount.amount) == bytes(amount.value))
                }
            }
        }
    }
}
