import CSV
import Foundation
import SPCSCostCore

/// Reads a CSV file of dated exchange rates into an ``FXTable``.
///
/// Shape: UTF-8 with or without a byte-order mark; a header row naming the columns `date`, `base`, `quote`,
/// `rate` and `source` in any order and any case (other columns are ignored); one rate per row:
/// `2024-04-15,USD,JPY,153.20,MUFG TTM` = on 2024-04-15 one USD is 153.20 JPY. Dates are `YYYY-MM-DD`,
/// currencies ISO 4217 codes, rates plain decimals with `.` (no grouping, no exponent). Blank lines are skipped.
/// A (date, base, quote) repeated with the same rate is kept once; with another rate it is an error.
public enum FXFile {
    /// The columns a file must have.
    public static let columns = ["date", "base", "quote", "rate", "source"]

    /// Parses `data`, the bytes of the file named `file` (the name is used in messages and rate sources).
    /// - Throws: ``StoreError/unreadableFile(file:reason:)`` for a file that is not UTF-8 CSV or lacks a column,
    ///   ``StoreError/badCell(file:line:column:value:fix:)`` naming the line (the header is line 1) and the column
    ///   of the first bad cell, including a rate that is not positive, converts a currency into itself, or
    ///   conflicts with an earlier row's rate for the same date, base and quote.
    public static func parse(_ data: Data, file: String) throws(StoreError) -> FXTable {
        let table = try CSVTable(data, file: file, columns: columns, normalise: { $0.lowercased() })
        var rows: [FXTable.Row] = []
        var lines: [String: Int] = [:]
        for (line, cells) in table.rows {
            func text(_ column: String) throws(StoreError) -> String {
                guard let v = cells[column] else {
                    throw .badCell(file: file, line: line, column: column, value: "",
                                   fix: "is empty; every row needs date, base, quote, rate and source")
                }
                return v
            }
            let dateText = try text("date")
            guard let date = CivilDate(dateText) else {
                throw .badCell(file: file, line: line, column: "date", value: dateText, fix: "is not a date; use YYYY-MM-DD")
            }
            func currency(_ column: String) throws(StoreError) -> Currency {
                let v = try text(column)
                guard let c = Currency(code: v) else {
                    throw .badCell(file: file, line: line, column: column, value: v,
                                   fix: "is not an ISO 4217 currency code; use a code such as USD, EUR or JPY")
                }
                return c
            }
            let base = try currency("base")
            let quote = try currency("quote")
            let rateText = try text("rate")
            guard let rate = ExactDecimal.parse(rateText) else {
                throw .badCell(file: file, line: line, column: "rate", value: rateText,
                               fix: "is not a decimal; write it with '.' and no thousands separator, for example 153.20")
            }
            let origin = "\(file) line \(line)"
            rows.append(FXTable.Row(date: date, base: base, quote: quote, rate: rate, source: try text("source"),
                                    origin: origin))
            lines[origin] = line
        }
        do {
            return try FXTable(rows: rows)
        } catch {
            // Every row's origin was recorded with its line above.
            throw .badCell(file: file, line: lines[error.row.origin]!, column: "rate",
                           value: ExactDecimal.text(error.row.rate), fix: error.fix)
        }
    }
}

/// Reads a CSV export of `SNOWFLAKE.ORGANIZATION_USAGE.RATE_SHEET_DAILY` (Snowsight or the SQL API) into a
/// ``RateSheet``.
///
/// Shape: UTF-8 with or without a byte-order mark; a header row with the view's column names in any order and any
/// case (spcs-facts §3 [S9b]). DATE, CURRENCY, EFFECTIVE_RATE and SERVICE_TYPE are required; USAGE_TYPE,
/// BILLING_TYPE, RATING_TYPE, IS_ADJUSTMENT, ACCOUNT_NAME, REGION, SERVICE_LEVEL and CONTRACT_NUMBER are read when
/// present; other columns (ORGANIZATION_NAME, ACCOUNT_LOCATOR, ...) are ignored. An empty cell is NULL. DATE is
/// `YYYY-MM-DD`; EFFECTIVE_RATE a plain decimal (NUMBER(38,2)); IS_ADJUSTMENT `true`/`false` (empty = false).
public enum RateSheetFile {
    /// The columns a file must have.
    public static let requiredColumns = ["DATE", "CURRENCY", "EFFECTIVE_RATE", "SERVICE_TYPE"]

    /// Parses `data`, the bytes of the file named `file` (the name is used in messages and price sources).
    /// - Throws: ``StoreError/unreadableFile(file:reason:)`` for a file that is not UTF-8 CSV or lacks a required
    ///   column, ``StoreError/badCell(file:line:column:value:fix:)`` naming the line (the header is line 1) and the
    ///   column of the first bad cell.
    public static func parse(_ data: Data, file: String) throws(StoreError) -> RateSheet {
        let table = try CSVTable(data, file: file, columns: requiredColumns, normalise: { $0.uppercased() })
        var rows: [RateSheetRow] = []
        for (line, cells) in table.rows {
            func required(_ column: String) throws(StoreError) -> String {
                guard let v = cells[column] else {
                    throw .badCell(file: file, line: line, column: column, value: "",
                                   fix: "is empty; every row needs DATE, CURRENCY, EFFECTIVE_RATE and SERVICE_TYPE")
                }
                return v
            }
            let dateText = try required("DATE")
            guard let date = CivilDate(dateText) else {
                throw .badCell(file: file, line: line, column: "DATE", value: dateText, fix: "is not a date; use YYYY-MM-DD")
            }
            let currencyText = try required("CURRENCY")
            guard let currency = Currency(code: currencyText) else {
                throw .badCell(file: file, line: line, column: "CURRENCY", value: currencyText,
                               fix: "is not an ISO 4217 currency code")
            }
            let rateText = try required("EFFECTIVE_RATE")
            guard let rate = ExactDecimal.parse(rateText), rate >= 0 else {
                throw .badCell(file: file, line: line, column: "EFFECTIVE_RATE", value: rateText,
                               fix: "is not a non-negative decimal; export with '.' as the decimal separator")
            }
            var adjustment = false
            if let v = cells["IS_ADJUSTMENT"] {
                switch v.lowercased() {
                case "true", "1": adjustment = true
                case "false", "0": adjustment = false
                default:
                    throw .badCell(file: file, line: line, column: "IS_ADJUSTMENT", value: v, fix: "is not true or false")
                }
            }
            rows.append(RateSheetRow(
                date: date, currency: currency, effectiveRate: rate, serviceType: try required("SERVICE_TYPE"),
                usageType: cells["USAGE_TYPE"], billingType: cells["BILLING_TYPE"], ratingType: cells["RATING_TYPE"],
                isAdjustment: adjustment, accountName: cells["ACCOUNT_NAME"], region: cells["REGION"],
                serviceLevel: cells["SERVICE_LEVEL"], contractNumber: cells["CONTRACT_NUMBER"],
                origin: "\(file) line \(line)"))
        }
        return RateSheet(rows: rows)
    }
}

/// The rows of a small CSV file as dictionaries keyed by normalised column name, with their line numbers.
struct CSVTable {
    /// (line, cells) per data row; the header is line 1; an empty or blank cell is absent from `cells`.
    let rows: [(line: Int, cells: [String: String])]

    /// Reads `data`; `columns` (already normalised) must all be in the header.
    /// - Throws: ``StoreError/unreadableFile(file:reason:)``.
    init(_ data: Data, file: String, columns: [String], normalise: (String) -> String) throws(StoreError) {
        guard var text = String(data: data, encoding: .utf8) else {
            throw .unreadableFile(file: file, reason: "the file is not UTF-8 text; save it as CSV (UTF-8)")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: false)
        } catch {
            throw .unreadableFile(file: file, reason: "it is not CSV (\(error))")
        }
        guard let header = reader.headerRow, header.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        else {
            throw .unreadableFile(file: file, reason: "the file is empty; it needs the header row "
                                  + columns.joined(separator: ",") + " and data rows")
        }
        let names = header.map { normalise($0.trimmingCharacters(in: .whitespaces)) }
        let missing = columns.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw .unreadableFile(file: file, reason: "the header row lacks \(missing.joined(separator: ", ")) "
                                  + "(found: \(header.joined(separator: ", "))); the first row must name the "
                                  + "columns " + columns.joined(separator: ", "))
        }
        var rows: [(line: Int, cells: [String: String])] = []
        var line = 1
        while let row = reader.next() {
            line += 1
            var cells: [String: String] = [:]
            for (i, name) in names.enumerated() where i < row.count {
                let v = row[i].trimmingCharacters(in: .whitespaces)
                if !v.isEmpty, cells[name] == nil { cells[name] = v }
            }
            if cells.isEmpty { continue }
            rows.append((line, cells))
        }
        if let error = reader.error {
            throw .unreadableFile(file: file, reason: "CSV error after line \(line): \(error)")
        }
        self.rows = rows
    }
}
