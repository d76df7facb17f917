import CSV
import Foundation

/// A table of text cells with a header row, rendered for a terminal, as Markdown or as CSV.
public struct TextTable: Sendable, Equatable {
    /// Column alignment in terminal and Markdown renderings.
    public enum Alignment: Sendable { case left, right }

    /// Column titles.
    public var header: [String]
    /// Alignment per column (defaults to left).
    public var alignments: [Alignment]
    /// Rows; each has as many cells as `header`.
    public var rows: [[String]]

    /// Creates a table; `alignments` shorter than `header` are padded with `.left`.
    public init(header: [String], alignments: [Alignment] = [], rows: [[String]] = []) {
        self.header = header
        self.alignments = alignments + Array(repeating: .left, count: max(0, header.count - alignments.count))
        self.rows = rows
    }

    /// Columns padded with spaces, two spaces apart, header underlined with `-`; every line ends in `\n`.
    public func terminal() -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let text = cells.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - cells[c].count)
                return alignments[c] == .right ? pad + cells[c] : cells[c] + pad
            }.joined(separator: "  ")
            // Trailing white space dropped (what the pattern \s+$ dropped), without a regular expression per line.
            var end = text.endIndex
            while end > text.startIndex, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
            return String(text[..<end])
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }

    /// A GitHub-flavoured Markdown table; `|` in cells is escaped.
    public func markdown() -> String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "| " + header.map(esc).joined(separator: " | ") + " |\n"
        out += "|" + alignments.map { $0 == .right ? "---:|" : "---|" }.joined() + "\n"
        for r in rows { out += "| " + r.map(esc).joined(separator: " | ") + " |\n" }
        return out
    }

    /// RFC 4180 CSV: header row first, CRLF line ends, fields quoted when they hold `,`, `"` or a line break.
    public func csv() -> String {
        let stream = OutputStream(toMemory: ())
        stream.open()
        // CSVWriter only fails when the stream refuses bytes; an in-memory stream never does.
        let writer = try! CSVWriter(stream: stream, newline: .crlf)
        try! writer.write(row: header)
        for r in rows { try! writer.write(row: r) }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }
}
