import CSV
import Foundation

/// The fields of an RFC 4180 text (quoted fields may hold commas, doubled quotes and line breaks), every row
/// including the header, read with CSV.swift as the tests' independent reader of spcs-cost's CSV files.
/// - Returns: nil when the text is not valid CSV.
public func csvRows(_ text: String) -> [[String]]? {
    guard let reader = try? CSVReader(string: text, hasHeaderRow: false, trimFields: false) else { return nil }
    var rows: [[String]] = []
    while let row = reader.next() { rows.append(row) }
    return reader.error == nil ? rows : nil
}
