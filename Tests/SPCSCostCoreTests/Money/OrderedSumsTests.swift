import Foundation
import Testing

@testable import SPCSCostCore

/// Sums of amounts that Decimal rounds to 38 digits depend on the order they are added in; a Dictionary's order
/// changes from process to process (and with its capacity), so figures summed from one were not the same in every run
/// (a `report --by pool` whole bill once differed in its 38th digit between two runs of the same test).
@Suite struct OrderedSumsTests {
    /// Non-terminating amounts (a month's price over 30 days, sevenths, thirds) of different magnitudes.
    static let amounts: [ChargeKind: Decimal] = [
        .compute: Decimal(string: "4.80078125")! / 30, .taskWarehouse: Decimal(1) / 3 * 1000,
        .serverlessTask: Decimal(2) / 7 / 1000, .blockStorage: Decimal(string: "98.31")! / 30 * 12345,
        .dataTransfer: Decimal(5) / 9 / 100_000, .dataTransferAdjustment: -Decimal(1) / 11 * 77,
    ]

    /// The values in `ChargeKind.allCases` order, whatever the dictionary's own order: built with every capacity from
    /// 1 to 64 (each a different iteration order), a group line's whole bill and its sum of kinds are one figure.
    @Test func aGroupLinesWholeBillIsTheSameWhateverTheDictionarysOrder() {
        let metered = ChargeSum(quantity: 1, amount: Money(Decimal(1) / 30, .usd))
        var expected = metered.amount.amount, expectedParts = Decimal(0)
        for kind in ChargeKind.allCases {
            if let a = Self.amounts[kind] { expected += a; expectedParts += a }
        }
        var dictionaryOrderSums = Set<Decimal>()
        for capacity in 1...64 {
            var parts = [ChargeKind: ChargeSum](minimumCapacity: capacity)
            for (kind, a) in Self.amounts { parts[kind] = ChargeSum(quantity: 0, amount: Money(a, .usd)) }
            var line = GroupLine(key: "P", metered: metered)
            line.parts = parts
            #expect(line.wholeBill.amount == expected)
            #expect(line.sum(of: Set(ChargeKind.allCases), currency: .usd).amount.amount == expectedParts)
            dictionaryOrderSums.insert(parts.values.reduce(metered.amount.amount) { $0 + $1.amount.amount })
        }
        // The amounts are order-sensitive, which is why the order is fixed.
        #expect(dictionaryOrderSums.count > 1)
    }

    @Test func valuesInKeyOrderAreSortedByKey() {
        let d: [Int: String] = [3: "c", 1: "a", 2: "b"]
        #expect(d.valuesInKeyOrder == ["a", "b", "c"])
        #expect([ChargeKind.dataTransfer: 1, .compute: 2].valuesInCaseOrder == [2, 1])
    }
}
