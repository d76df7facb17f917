import Foundation
import SPCSCostCore
import Testing

@testable import SPCSCostReports

@Suite struct MoneyFormatTests {
    func money(_ s: String, _ code: String) -> Money {
        Money(Decimal(string: s, locale: Locale(identifier: "en_US_POSIX"))!, Currency(code: code)!)
    }

    @Test("half-even to ISO 4217 minor units", arguments: [
        ("33858", "JPY", "33858", "33,858"),
        ("9759.255000142500", "JPY", "9759", "9,759"),
        ("0.5", "JPY", "0", "0"),          // half-even: 0.5 goes to the even neighbour 0
        ("1.5", "JPY", "2", "2"),
        ("2.5", "JPY", "2", "2"),
        ("62.7", "USD", "62.70", "62.70"),
        ("2.675", "USD", "2.68", "2.68"),   // exact decimal, so 2.675 really is a tie: to even 2.68
        ("2.665", "USD", "2.66", "2.66"),
        ("1234567.891", "USD", "1234567.89", "1,234,567.89"),
        ("1.2345", "KWD", "1.234", "1.234"), // three minor units; tie to even 4
        ("-24453.5", "JPY", "-24454", "-24,454"),
        ("-0.001", "USD", "0.00", "0.00"),  // rounds to zero: no minus sign
    ])
    func rounding(amount: String, code: String, plain: String, grouped: String) {
        let m = money(amount, code)
        #expect(MoneyFormat.plain(m) == plain)
        #expect(MoneyFormat.grouped(m) == grouped)
    }

    @Test func pricesKeepTheirDigits() {
        #expect(MoneyFormat.price(money("4.3", "USD")) == "4.30")
        #expect(MoneyFormat.price(money("0.0275", "USD")) == "0.0275")
        #expect(MoneyFormat.price(money("150", "JPY")) == "150")
    }

    @Test func quantities() {
        #expect(QuantityFormat.quantity(Decimal(44) * 60 / 3600) == "0.733333333")
        #expect(QuantityFormat.quantity(Decimal(string: "79.2")!) == "79.2")
    }

    @Test func csvQuotesAndCRLF() {
        let t = TextTable(header: ["a", "b"], rows: [["x,y", "say \"hi\""], ["line\nbreak", "ok"]])
        #expect(t.csv() == "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",ok\r\n")
    }
}
