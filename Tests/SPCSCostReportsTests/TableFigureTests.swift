import Foundation
import SPCSCostCore
import Testing

@testable import SPCSCostCore
@testable import SPCSCostReports

/// The terminal table measures and writes money, credits and dates from their integers (``TableWriter/Figure``,
/// ``TableWriter/dateWidth(_:)``): the same widths and bytes as their text (``CellText/human(_:_:)``), which it no
/// longer makes for them.
@Suite struct TableFigureTests {
    @Test func tableFiguresAreTheirText() throws {
        let credits = Table.Column(key: "c", label: "Credits", kind: .credits)
        let kwd = try #require(Currency(code: "KWD"))
        var viaFigure = 0
        // Sums with a task's 1/60 of a credit (38 digits, beyond 64 bits), and their products with prices and FX.
        var wide: [Decimal] = []
        var rng = SystemRandomNumberGenerator()
        let sixtieth = Decimal(60) * 1 / 3600
        for _ in 0..<3000 {
            let nano = Decimal(Int64.random(in: -5_000_000_000...90_000_000_000, using: &rng)) / 1_000_000_000
            let x = nano + sixtieth * Decimal(Int.random(in: 1...3, using: &rng))
            wide += [x, x * Decimal(string: "3.3")! * Decimal(string: "151.237")!, -x / 7]
        }
        wide += [Decimal(string: "0.125")! + sixtieth - sixtieth, Decimal(string: "2.675")!, Decimal(string: "-0.005")!]
        for v in FastDecimalTextTests.values + wide + [0, -1, 999, 1000, -1000, 999_999, 1_000_000].map({ Decimal($0) }) {
            var cells: [(Cell, Table.Column)] = [(.number(v), credits)]
            for c in [Currency.jpy, .usd, kwd] { cells.append((.money(Money(v, c)), .init(key: "m", label: "M", kind: .money(c)))) }
            for (cell, column) in cells {
                let text = CellText.human(cell, column)
                guard let f = TableWriter.Figure(cell, column) else {
                    // Only a value outside 64 bits takes the text.
                    let scale = if case .money(let m) = cell { m.currency.minorUnits } else { CellText.peopleCreditDigits }
                    #expect(MoneyFormat.scaled(v, scale: scale) == nil, "\(v)")
                    #expect(TableWriter.Figure.wideScaled(v, scale: scale) == nil, "\(v)")
                    continue
                }
                viaFigure += 1
                #expect(f.width == text.utf8.count, "\(v) \(column.kind)")
                var line: [UInt8] = [32]
                f.append(to: &line, width: f.width)
                #expect(String(decoding: line.dropFirst(), as: UTF8.self) == text, "\(v) \(column.kind)")
            }
        }
        #expect(viaFigure > 45_000)
        // The 38-digit amounts take the 128-bit reading, not the text.
        #expect(ExactDecimal.wideLayoutChecked)
        #expect(wide.allSatisfy { TableWriter.Figure.wideScaled($0, scale: 2) != nil })
        // Other cells have no figure.
        #expect(TableWriter.Figure(.number(1), .init(key: "h", label: "Hours", kind: .nodeHours)) == nil)
        #expect(TableWriter.Figure(.text("1"), credits) == nil)
    }

    @Test func dateWidthsAreTheirText() throws {
        for text in ["2024-04-01", "0999-12-31", "9999-01-09", "2025-03-31"] {
            let d = try #require(CivilDate(text))
            #expect(TableWriter.dateWidth(.date(d)) == d.description.count)
        }
        #expect(TableWriter.dateWidth(.text("2024-04-01")) == nil)
    }

    /// A streamed table with money, credits and dates of every width, negative and zero amounts and a year before
    /// 1000, written as the terminal shows it from the same rows kept in memory (``TextTable``).
    @Test func aStreamedTableOfFiguresIsTheTextTable() {
        let columns: [Table.Column] = [.init(key: "date", label: "Date", kind: .date),
                                       .init(key: "credits", label: "Credits", kind: .credits),
                                       .init(key: "cost", label: "Cost (USD)", kind: .money(.usd)),
                                       .init(key: "name", label: "Name", kind: .text)]
        let values = FastDecimalTextTests.values.prefix(300)
        let rows: [Table.Row] = values.enumerated().map { i, v in
            .init([.date(CivilDate(daysSinceEpoch: -400_000 + i * 997)), .number(v), .money(Money(v * 3, .usd)),
                   .text(i % 7 == 0 ? "pool \u{1B}[31m" : "pool")])
        }
        let streamed = Table(id: "t", title: "T", columns: columns, source: RowSource { body in rows.forEach(body) })
        let kept = Table(id: "t", title: "T", columns: columns, rows: rows)
        let sink = ByteSink()
        TableWriter().table(streamed, into: sink)
        let text = String(decoding: try! sink.finish(), as: UTF8.self)
        #expect(text == TableWriter().table(kept))
    }
}

/// The exact text of amounts beyond 64 bits (``ExactDecimal/wideText(_:)``, what JSON writes of a sum with a schedule
/// task's 1/60 of a credit) is `NSDecimalString`'s.
@Suite struct WideDecimalTextTests {
    @Test func wideTextIsFoundationsText() {
        var rng = SystemRandomNumberGenerator()
        let sixtieth = Decimal(60) * 1 / 3600
        var values: [Decimal] = [sixtieth, -sixtieth, Decimal(1) / 3, Decimal(-22) / 30, Decimal(10) / 4,
                                 Decimal(UInt64.max) * 1000 + sixtieth]
        for _ in 0..<4000 {
            let nano = Decimal(Int64.random(in: -5_000_000_000...90_000_000_000, using: &rng)) / 1_000_000_000
            let x = nano + sixtieth * Decimal(Int.random(in: 1...3, using: &rng))
            values += [x, x * Decimal(string: "3.3")! * Decimal(string: "151.237")!, -x / 7, x * 1_000_000_000_000]
        }
        var wide = 0
        for v in values {
            var copy = v
            #expect(ExactDecimal.text(v) == NSDecimalString(&copy, Locale(identifier: "en_US_POSIX")), "\(v)")
            if ExactDecimal.wideText(v) != nil { wide += 1 }
        }
        #expect(wide > 8_000)
    }
}
