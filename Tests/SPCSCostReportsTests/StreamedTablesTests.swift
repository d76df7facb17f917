import Foundation
import SPCSCostCore
import Testing

@testable import SPCSCostReports

/// A table whose rows come from a row source (``RowSource``) renders to the same bytes, in every format, as the
/// same rows kept in memory; and the what-if's streamed per-day rows are the rows it built in memory before.
@Suite struct StreamedTablesTests {
    /// The document with every table's source rows moved into memory (``Table/rows``, no source).
    static func inMemory(_ d: Document) -> Document {
        var m = d
        m.sections = d.sections.map { s in
            var s = s
            s.blocks = s.blocks.map { b in
                guard case .table(let t) = b, t.source != nil else { return b }
                return .table(Table(id: t.id, title: t.title, columns: t.columns, rows: t.allRows))
            }
            return s
        }
        return m
    }

    /// A priced what-if of two policies over three pools (one with no days), with savings and overspends,
    /// amounts of more digits than the currency shows, and a day of zero credits.
    static func whatIf(currency: Currency?) -> WhatIfInput {
        let from = CivilDate("2024-04-01")!
        var results: [WhatIfResult] = []
        for (k, policy) in [WhatIfPolicy.alwaysOn, .autoSuspend(seconds: 600)].enumerated() {
            for (p, pool) in ["A_POOL", "B_POOL", "EMPTY_POOL"].enumerated() {
                let days = pool == "EMPTY_POOL" ? [] : (0..<5).map { i -> WhatIfResult.Day in
                    let metered = Decimal(i * 7 + p) / 9 + Decimal(string: "0.000000001")! * Decimal(k)
                    let policyCredits = i == 2 ? 0 : metered * Decimal(k + 1) - Decimal(i) / 3
                    var d = WhatIfResult.Day(date: from.adding(days: i), meteredCredits: metered, policyCredits: policyCredits)
                    if let c = currency {
                        d.metered = ChargeSum(quantity: metered, amount: Money(metered * Decimal(string: "3.142857")!, c))
                        d.policy = ChargeSum(quantity: policyCredits, amount: Money(policyCredits * Decimal(string: "3.142857")!, c))
                    }
                    return d
                }
                results.append(WhatIfResult(pool: pool, policy: policy, days: days))
            }
        }
        return WhatIfInput(results: results, from: from, to: from.adding(days: 4), rateCardID: "2026-04",
                           warnings: ["a warning"], currency: currency)
    }

    static let stamp = ReportStamp(toolVersion: "0.0.0-test", commandLine: "spcs-cost whatif --pools pools.toml")

    @Test(arguments: [Currency.jpy, .usd, nil] as [Currency?])
    func whatIfDaysAreTheRowsItBuiltInMemory(currency: Currency?) throws {
        let w = Self.whatIf(currency: currency)
        let days = try #require(Document.whatIf(w, stamp: Self.stamp).tables.first { $0.id == "days" })
        #expect(days.rows.isEmpty)
        #expect(days.source != nil)
        // The rows as the document built them in memory before they were streamed.
        var expected: [[Cell]] = []
        for r in w.results {
            for d in r.days {
                var cells: [Cell] = [.text(r.policy.label), .text(r.pool), .date(d.date), .number(d.meteredCredits),
                                     .number(d.policyCredits)]
                if let c = currency {
                    let m = d.metered?.amount ?? .zero(c), p = d.policy?.amount ?? .zero(c)
                    cells += [.money(m), .money(p), .money(p - m)]
                }
                expected.append(cells)
            }
        }
        let rows = days.allRows
        #expect(rows.map(\.cells) == expected)
        #expect(rows.allSatisfy { $0.role == .data })
        // A source makes its rows again for every reader.
        #expect(days.allRows.map(\.cells) == expected)
    }

    @Test(arguments: DocumentWriters.names)
    func aStreamedTableWritesTheBytesOfTheSameRowsInMemory(format: String) throws {
        let writer = try #require(DocumentWriters.writer(format))
        for currency in [Currency.jpy, nil] {
            let d = Document.whatIf(Self.whatIf(currency: currency), stamp: Self.stamp)
            let memory = Self.inMemory(d)
            #expect(memory.tables.allSatisfy { $0.source == nil })
            let streamed = writer.files(d), kept = writer.files(memory)
            #expect(streamed.map(\.name) == kept.map(\.name))
            #expect(streamed.count == kept.count)
            for (a, b) in zip(streamed, kept) { #expect(a.data == b.data, "\(a.name)") }
            #expect(streamed.allSatisfy { !$0.data.isEmpty })
        }
    }

    /// A source made in partitions is written, by every writer, as the same rows in memory: many windows of
    /// partitions (some empty), rows kept in memory before them, a cell widest in the last partition, text that is not
    /// ASCII or holds control characters, money of more digits than the currency shows, and dates.
    @Test(arguments: DocumentWriters.names)
    func aTableMadeInPartitionsWritesTheBytesOfItsRowsInMemory(format: String) throws {
        let writer = try #require(DocumentWriters.writer(format))
        let columns: [Table.Column] = [
            .init(key: "pool", label: "Pool", kind: .text), .init(key: "date", label: "Date", kind: .date),
            .init(key: "credits", label: "Credits", kind: .credits), .init(key: "cost_JPY", label: "Cost (JPY)", kind: .money(.jpy)),
            .init(key: "note", label: "Note", kind: .text, detail: true),
        ]
        let partitions = 53
        let from = CivilDate("2024-04-01")!
        @Sendable func rows(_ p: Int) -> [Table.Row] {
            guard p % 7 != 3 else { return [] }
            return (0..<(p % 5 + 1)).map { i in
                let credits = Decimal(p * 31 + i) / 7 * (p == partitions - 1 ? 1_000_000 : 1)
                let name = p % 4 == 0 ? "ÉTÉ_プール_\(p)" : p % 4 == 1 ? "POOL_\(p)\u{1B}[2J" : "POOL_\(p)"
                return Table.Row([.text(name), .date(from.adding(days: i)), .number(credits),
                                  .money(Money(credits * Decimal(string: "471.4285")!, .jpy)), .text(i == 0 ? "=SUM(A1)" : "")])
            }
        }
        let kept = [Table.Row([.text("KEPT"), .date(from), .number(1), .money(Money(1, .jpy)), .text("")])]
        func document(_ table: Table) -> Document {
            Document(kind: "test", fileBase: "partitions", title: "Partitions",
                     stamp: DocumentStamp(currency: .jpy, toolVersion: "0.0.0-test", commandLine: "spcs-cost test", lines: []),
                     currency: .jpy, sections: [.init(id: "days", title: "Per day", blocks: [.table(table)])])
        }
        let parted = document(Table(id: "days", title: "Per day", columns: columns, rows: kept,
                                    source: RowSource(partitions: partitions) { p, body in rows(p).forEach(body) }))
        let memory = document(Table(id: "days", title: "Per day", columns: columns,
                                    rows: kept + (0..<partitions).flatMap(rows)))
        #expect(parted.tables[0].source?.part != nil)
        let a = writer.files(parted), b = writer.files(memory)
        #expect(a.map(\.name) == b.map(\.name))
        for (x, y) in zip(a, b) { #expect(x.data == y.data, "\(x.name)") }
        #expect(a.allSatisfy { !$0.data.isEmpty })
    }

    /// The JSON writer writes the charts point by point with the bytes of the same charts as one JSON value tree (how
    /// it wrote them before): hostile subjects, empty charts, provisional days and exact credits included.
    @Test func jsonChartsAreTheirValueTree() {
        let from = CivilDate("2024-03-30")!
        let charts = [
            Chart(subject: "A_POOL \"x\"\n", unit: "credits per day", comparisonLabel: "Estimate", comparisonNoun: "estimated",
                  points: (0..<4).map { Chart.Point(date: from.adding(days: $0), metered: Decimal($0) / 3,
                                                     comparison: Decimal(string: "1.5")!, provisional: $0 == 3) }),
            Chart(subject: "EMPTY", unit: "credits per day", comparisonLabel: "Always on", comparisonNoun: "always on",
                  points: []),
        ]
        func tree(_ charts: [Chart]) -> String {
            let out = ByteSink()
            out += "[\n"
            for (i, c) in charts.enumerated() {
                out += "    "
                JSONValue.object([("subject", .string(c.subject)), ("unit", .string(c.unit)),
                                  ("comparisonLabel", .string(c.comparisonLabel)),
                                  ("points", .array(c.points.map { p in
                                      .object([("date", .string(p.date.description)),
                                               ("metered", .string(QuantityFormat.quantity(p.metered))),
                                               ("comparison", .string(QuantityFormat.quantity(p.comparison))),
                                               ("provisional", .bool(p.provisional))])
                                  }))]).write(to: out, indent: 4)
                out += i + 1 < charts.count ? ",\n" : "\n"
            }
            out += "  ]"
            return String(decoding: try! out.finish(), as: UTF8.self)
        }
        for set in [charts, [charts[0]], [charts[1]]] {
            let out = ByteSink()
            JSONDocumentWriter().charts(set, into: out)
            let text = String(decoding: try! out.finish(), as: UTF8.self)
            #expect(text == tree(set))
            #expect(text.contains("\"provisional\" : true") == set.contains { $0.points.contains(where: \.provisional) })
        }
    }
}
