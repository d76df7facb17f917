import Foundation
import SPCSCostCore
import SPCSCostTestSupport
import Testing
import ZIPFoundation

@testable import SPCSCostReports

/// The xlsx writer: unzips the golden report's workbook and checks money cells (value and number format), dates,
/// the frozen header row and the Notes sheet.
@Suite struct XLSXWriterTests {
    /// Every part of the workbook `data`, by path.
    static func parts(_ data: Data) throws -> [String: String] {
        let archive = try Archive(data: data, accessMode: .read)
        var out: [String: String] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            out[entry.path] = String(decoding: bytes, as: UTF8.self)
        }
        return out
    }

    /// Every part's text joined, in path order.
    static func allText(_ data: Data) throws -> String {
        try parts(data).sorted { $0.key < $1.key }.map(\.value).joined(separator: "\n")
    }

    static func workbook() throws -> [String: String] {
        let file = try GoldenTests.file(".xlsx")
        #expect(file.name == "spcs-cost-report_2024-04-01_2024-04-03.xlsx")
        return try parts(file.data)
    }

    @Test func oneSheetPerTableAndNotes() throws {
        let wb = try #require(try Self.workbook()["xl/workbook.xml"])
        let names = wb.components(separatedBy: "<sheet name=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(names == ["Summary", "Difference from the estimate by", "Top pools by metered cost",
                          "Month to date and forecast", "Scheduling tasks", "The whole bill", "Per pool",
                          "Pool credits and node-hours", "Per day", "The whole bill per UTC day", "Notes"])
    }

    /// Summary!D2 is the metered cost: 658.35 JPY rounded once to 658, shown with JPY's 0 decimals (`#,##0`).
    @Test func moneyCellsAreNumbersWithTheCurrencysDecimals() throws {
        let parts = try Self.workbook()
        let summary = try #require(parts["xl/worksheets/sheet1.xml"])
        #expect(summary.contains("<c r=\"D2\" s=\"6\"><v>658</v></c>"))
        #expect(summary.contains("<c r=\"D4\" s=\"6\"><v>-697</v></c>"))   // the difference stays a negative number
        let styles = try #require(parts["xl/styles.xml"])
        #expect(styles.contains("<numFmt numFmtId=\"167\" formatCode=\"#,##0\"/>"))
        #expect(styles.contains("<numFmt numFmtId=\"169\" formatCode=\"#,##0.00\"/>"))
        let xfs = styles.components(separatedBy: "<cellXfs")[1].components(separatedBy: "<xf ").dropFirst()
        #expect(Array(xfs)[6].hasPrefix("numFmtId=\"167\""))   // style 6 = JPY
        #expect(Array(xfs)[8].hasPrefix("numFmtId=\"169\""))   // style 8 = USD
    }

    /// Per day!A2 is 2024-04-01: serial 45383 (days since 1899-12-30) with the date style.
    @Test func datesAreDateSerials() throws {
        let days = try #require(try Self.workbook()["xl/worksheets/sheet9.xml"])
        #expect(days.contains("<c r=\"A2\" s=\"2\"><v>45383</v></c>"))
        #expect(try #require(try Self.workbook()["xl/styles.xml"]).contains("<numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/>"))
    }

    @Test func everySheetFreezesItsHeaderRow() throws {
        let sheets = try Self.workbook().filter { $0.key.hasPrefix("xl/worksheets/") }
        #expect(sheets.count == 11)
        for (_, xml) in sheets {
            #expect(xml.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"))
            #expect(xml.contains("<row r=\"1\"><c r=\"A1\" s=\"1\" t=\"inlineStr\">"))
        }
    }

    @Test func theNotesSheetHoldsTheWarningsAndTheStamp() throws {
        let notes = try #require(try Self.workbook()["xl/worksheets/sheet11.xml"])
        #expect(notes.contains("a test warning with &lt;b&gt;markup&lt;/b&gt; &amp; &quot;quotes&quot;."))
        #expect(notes.contains("Command: spcs-cost report --test"))
    }

    @Test func sameDocumentSameBytes() throws {
        let d = try GoldenTests.document()
        #expect(XLSXWriter().workbook(d) == XLSXWriter().workbook(d))
    }
}
