import Foundation
import SPCSCostCore

/// `table`: the document as plain text for a terminal, `….txt` when written to a folder. Tables are padded columns
/// (detail columns left out); money grouped and rounded once; charts are left out (their figures are in the
/// per-day table). Terminal control characters in any text are shown as `?` so a name cannot move the cursor.
public struct TableWriter: DocumentWriter {
    /// Creates the writer.
    public init() {}
    /// `table`.
    public var format: String { "table" }
    /// What the format makes, for `--help`.
    public var summary: String { "the document as plain-text tables (standard output; ….txt in a folder)" }
    /// Whether `--out -` may print it.
    public var isText: Bool { true }

    /// Writes `<base>.txt` (see ``DocumentWriter/write(_:to:)``), tables row by row.
    public func write(_ d: Document, to output: any DocumentOutput) throws {
        try output.file("\(d.fileBase).txt") { write(d, into: $0) }
    }

    /// The whole document as text.
    public func render(_ d: Document) -> String {
        let sink = ByteSink()
        write(d, into: sink)
        return String(decoding: try! sink.finish(), as: UTF8.self)
    }

    /// Writes the whole document as text into `out`.
    func write(_ d: Document, into out: ByteSink) {
        out += heading(d.title, "=")
        for w in d.warnings { out += "\nWarning: \(clean(w))\n" }
        for n in d.notes { out += "\n\(clean(n))\n" }
        out += figuresChecksAndRounding(d)
        for s in d.sections {
            // A section of charts only has nothing to show here.
            guard s.blocks.contains(where: { if case .chart = $0 { false } else { true } }) else { continue }
            out += "\n" + heading(s.title, s.level == 1 ? "-" : "~")
            for b in s.blocks {
                switch b {
                case .paragraph(let p): out += "\n\(clean(p))\n"
                case .list(let items): out += "\n" + items.map { "- \(clean($0))\n" }.joined()
                case .table(let t): out += "\n"; table(t, into: out)
                case .chart: break
                }
            }
        }
        out += "\n" + heading("Stamp", "-") + "\n"
        for l in d.stamp.lines { out += "\(clean(l.label)): \(clean(l.text))\n" }
    }

    /// The head of the document for a command's confirmation: the title, the headline figures, the checks and the
    /// rounding lines (warnings go to standard error; `--format table` prints the rest).
    public func summary(_ d: Document) -> String {
        heading(d.title, "=") + figuresChecksAndRounding(d)
    }

    /// The headline figures, checks and rounding lines, each under its heading (nothing for an empty part).
    func figuresChecksAndRounding(_ d: Document) -> String {
        var out = ""
        if !d.figures.isEmpty { out += "\n" + heading(d.figuresTitle, "-") + "\n" + table(d.figuresTable) }
        if !d.checks.isEmpty {
            out += "\n" + heading("Checks", "-") + "\n"
            for c in d.checks { out += "\(c.result): \(c.key): \(clean(c.message))\n" }
        }
        if !d.roundingLines.isEmpty {
            out += "\n" + heading("Rounding lines", "-") + "\n"
            for l in d.roundingLines { out += "- \(clean(l.sentence)).\n" }
        }
        return out
    }

    /// `title` underlined with `mark`.
    func heading(_ title: String, _ mark: Character) -> String {
        let t = clean(title)
        return t + "\n" + String(repeating: mark, count: t.count) + "\n"
    }

    /// `t` as padded columns, detail columns left out, written row by row: a first pass over the rows finds each
    /// column's width, a second writes them (the same text as ``TextTable/terminal()``). Each line is assembled in
    /// bytes; a text cell equal to the one above it (a pool's name, a policy) is cleaned and measured once; money,
    /// credits and dates are measured from their integers, and money and credits written from them (``Figure``).
    /// A source made in partitions (``RowSource/init(partitions:_:)``) is measured and written on every
    /// core, a few partitions at a time, and its lines written in order: the same bytes.
    func table(_ t: Table, into out: ByteSink) {
        guard let source = t.source else { out += table(t); return }
        let columns = CellText.humanColumns(t)
        let header = columns.map { clean($0.column.label) }
        var widths = header.map(\.count)
        let credits = columns.map { $0.column.kind == .credits }
        let threads = min(source.partitions, max(1, ProcessInfo.processInfo.activeProcessorCount))
        if let part = source.part, threads > 1 {
            var texts = CellTexts(count: columns.count)
            for row in t.rows { Self.measure(row, columns, credits: credits, &widths, texts: &texts, writer: self) }
            // Each thread measures its partitions (p ≡ i mod threads); the widths are the largest of any.
            let found = PartitionResults<[Int]>(count: threads)
            let least = widths
            DispatchQueue.concurrentPerform(iterations: threads) { i in
                var mine = least
                var texts = CellTexts(count: columns.count)
                for p in stride(from: i, to: source.partitions, by: threads) {
                    part(p) { Self.measure($0, columns, credits: credits, &mine, texts: &texts, writer: self) }
                }
                found.set(i, mine)
            }
            for w in found.values { widths = zip(widths, w!).map { max($0, $1) } }
            let widths = widths
            var lines = LineMaker(columns: columns, widths: widths)
            var bytes: [UInt8] = []
            lines.header(header, into: &bytes)
            for row in t.rows { lines.row(row, into: &bytes, writer: self) }
            bytes.withUnsafeBufferPointer { out.write(bytes: $0) }
            // A window of partitions at a time, each made into its own bytes, then written in order: memory holds a
            // window, not the table.
            let window = threads * 8
            for first in stride(from: 0, to: source.partitions, by: window) {
                let count = min(window, source.partitions - first)
                let made = PartitionResults<[UInt8]>(count: count)
                DispatchQueue.concurrentPerform(iterations: threads) { i in
                    var lines = LineMaker(columns: columns, widths: widths)
                    for k in stride(from: i, to: count, by: threads) {
                        var bytes: [UInt8] = []
                        bytes.reserveCapacity(1 << 16)
                        part(first + k) { lines.row($0, into: &bytes, writer: self) }
                        made.set(k, bytes)
                    }
                }
                for bytes in made.values { bytes!.withUnsafeBufferPointer { out.write(bytes: $0) } }
            }
            return
        }
        var texts = CellTexts(count: columns.count)
        t.forEachRow { Self.measure($0, columns, credits: credits, &widths, texts: &texts, writer: self) }
        var lines = LineMaker(columns: columns, widths: widths)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 16)
        lines.header(header, into: &bytes)
        t.forEachRow { row in
            lines.row(row, into: &bytes, writer: self)
            if bytes.count >= 1 << 16 {
                bytes.withUnsafeBufferPointer { out.write(bytes: $0) }
                bytes.removeAll(keepingCapacity: true)
            }
        }
        bytes.withUnsafeBufferPointer { out.write(bytes: $0) }
    }

    /// Widens `widths` to `row`'s cells: money, credits and dates measured from their integers, without their text;
    /// `credits[n]` tells whether column `n` holds credits, `texts` keeps each column's last text cell.
    static func measure(_ row: Table.Row, _ columns: [(index: Int, column: Table.Column)], credits: [Bool],
                        _ widths: inout [Int], texts: inout CellTexts, writer: TableWriter) {
        // By index: a copy of a column (its key and label) for each cell would retain its strings, shared by the
        // threads that measure partitions at once.
        for n in columns.indices {
            let cell = row.cells[columns[n].index]
            let width = Figure(cell, credits: credits[n])?.width ?? Self.dateWidth(cell)
                ?? texts.text(n, cell, columns[n].column, writer: writer).width
            widths[n] = max(widths[n], width)
        }
    }

    /// Makes the lines of a table whose column widths are known, in bytes: the header, the rule under it, and each
    /// row's cells padded (numbers right-aligned, text left), trailing whitespace removed.
    struct LineMaker {
        let columns: [(index: Int, column: Table.Column)]
        let widths: [Int]
        let numeric: [Bool]
        /// Each column's cell index, and whether it holds credits.
        let indices: [Int], credits: [Bool]
        private var texts: CellTexts
        private var line: [UInt8] = []
        private var ascii = true

        init(columns: [(index: Int, column: Table.Column)], widths: [Int]) {
            self.columns = columns
            self.widths = widths
            numeric = columns.map { $0.column.kind.isNumeric }
            indices = columns.map(\.index)
            credits = columns.map { $0.column.kind == .credits }
            texts = CellTexts(count: columns.count)
            line.reserveCapacity(256)
        }

        private mutating func write(_ n: Int, _ text: String, _ width: Int, _ isASCII: Bool) {
            ascii = ascii && isASCII
            if n > 0 { line.append(32); line.append(32) }
            let pad = widths[n] - width
            if numeric[n], pad > 0 { line.append(contentsOf: repeatElement(32, count: pad)) }
            line.append(contentsOf: text.utf8)
            if !numeric[n], pad > 0 { line.append(contentsOf: repeatElement(32, count: pad)) }
        }

        /// A money or credits cell (printable ASCII), its digits written straight into the line.
        private mutating func write(_ n: Int, _ figure: Figure) {
            if n > 0 { line.append(32); line.append(32) }
            let width = figure.width, pad = widths[n] - width
            if numeric[n], pad > 0 { line.append(contentsOf: repeatElement(32, count: pad)) }
            figure.append(to: &line, width: width)
            if !numeric[n], pad > 0 { line.append(contentsOf: repeatElement(32, count: pad)) }
        }

        private mutating func end(into bytes: inout [UInt8]) {
            // Trailing whitespace removed, as Character.isWhitespace sees it: in printable ASCII only spaces; a line
            // with other characters goes through String.
            if ascii {
                while line.last == 32 { line.removeLast() }
                line.append(10)
                bytes.append(contentsOf: line)
            } else {
                var text = String(decoding: line, as: UTF8.self)
                while let c = text.last, c.isWhitespace { text.removeLast() }
                bytes.append(contentsOf: text.utf8)
                bytes.append(10)
            }
            line.removeAll(keepingCapacity: true)
            ascii = true
        }

        /// The header line and the rule under it.
        mutating func header(_ header: [String], into bytes: inout [UInt8]) {
            for (n, h) in header.enumerated() { write(n, h, h.count, false) }
            end(into: &bytes)
            bytes.append(contentsOf: widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ").utf8)
            bytes.append(10)
        }

        /// One row's line.
        mutating func row(_ row: Table.Row, into bytes: inout [UInt8], writer: TableWriter) {
            // By index, as ``measure(_:_:credits:_:texts:writer:)`` reads them.
            for n in indices.indices {
                let cell = row.cells[indices[n]]
                if let f = Figure(cell, credits: credits[n]) {
                    write(n, f)
                } else if case .date(let d) = cell, TableWriter.dateWidth(cell) != nil {
                    // `YYYY-MM-DD` from its fields, as CivilDate.description writes it (a date column is left-aligned).
                    if n > 0 { line.append(32); line.append(32) }
                    let y = d.year, m = d.month, day = d.day
                    line.append(UInt8(48 + y / 1000)); line.append(UInt8(48 + y / 100 % 10))
                    line.append(UInt8(48 + y / 10 % 10)); line.append(UInt8(48 + y % 10)); line.append(45)
                    line.append(UInt8(48 + m / 10)); line.append(UInt8(48 + m % 10)); line.append(45)
                    line.append(UInt8(48 + day / 10)); line.append(UInt8(48 + day % 10))
                    let pad = widths[n] - 10
                    if numeric[n], pad > 0 { line.insert(contentsOf: repeatElement(32, count: pad), at: line.count - 10) }
                    if !numeric[n], pad > 0 { line.append(contentsOf: repeatElement(32, count: pad)) }
                } else {
                    let t = texts.text(n, cell, columns[n].column, writer: writer)
                    write(n, t.text, t.width, t.ascii)
                }
            }
            end(into: &bytes)
        }
    }

    /// The width of a date cell's text (`YYYY-MM-DD`, 10 characters, for the years ``CivilDate/description`` writes
    /// so); nil for other cells.
    static func dateWidth(_ cell: Cell) -> Int? {
        guard case .date(let d) = cell, (0...9999).contains(d.year), (1...12).contains(d.month),
              (1...31).contains(d.day) else { return nil }
        return 10
    }

    /// A money cell, or a credits cell, as people see it (``CellText/human(_:_:)``: rounded once, half-even, to the
    /// currency's minor units or to ``CellText/peopleCreditDigits`` places, thousands grouped by `,`), kept as the
    /// rounded integer ±`n` × 10^-`scale` (``MoneyFormat/scaled(_:scale:)``): its width and its bytes come from the
    /// integer, the same as the text's (`tableFiguresAreTheirText` pins them), without making the text.
    struct Figure {
        /// True for a negative value (no sign is written for zero).
        var negative: Bool
        /// The rounded value in units of 10^-`scale`.
        var n: UInt64
        /// Fraction digits shown.
        var scale: Int

        /// The figure of `cell` in `column`; nil for other cells, and where the value does not fit 64 bits (the
        /// cell's text is then made as ``CellText/human(_:_:)`` makes it).
        init?(_ cell: Cell, _ column: Table.Column) { self.init(cell, credits: column.kind == .credits) }

        /// The figure of `cell` in a column of credits (`credits`) or not.
        init?(_ cell: Cell, credits: Bool) {
            let value: Decimal
            switch cell {
            case .money(let m): value = m.amount; scale = m.currency.minorUnits
            case .number(let d) where credits: value = d; scale = CellText.peopleCreditDigits
            default: return nil
            }
            guard (0...18).contains(scale),
                  let s = MoneyFormat.scaled(value, scale: scale) ?? Self.wideScaled(value, scale: scale) else { return nil }
            negative = s.negative
            n = s.n
        }

        /// ``MoneyFormat/scaled(_:scale:)`` of a value whose significand needs more than 64 bits (up to Decimal's 38
        /// digits, as a sum with 1/60 of a credit has): read in 128 bits (``ExactDecimal/wideParts(_:)``) and rounded once,
        /// half-even, as `NSDecimalRound` rounds it (the dropped digits' first decides, a 5 alone is a tie); nil when
        /// the rounded value does not fit 64 bits.
        static func wideScaled(_ value: Decimal, scale: Int) -> (negative: Bool, n: UInt64)? {
            guard let (negative, m, e) = ExactDecimal.wideParts(value) else { return nil }
            return MoneyFormat.rounded(negative: negative, significand: m, exponent: e, scale: scale)
        }

        /// Characters of the text: sign, whole digits (at least one) with a `,` every three, point and fraction.
        var width: Int {
            var digits = 1, k = n
            while k >= 10 { k /= 10; digits += 1 }
            let whole = max(digits, scale + 1) - scale
            return (negative && n != 0 ? 1 : 0) + whole + (whole - 1) / 3 + (scale > 0 ? scale + 1 : 0)
        }

        /// Appends the text (`width` bytes, ``width``) to `line`, filled from its last digit.
        func append(to line: inout [UInt8], width: Int) {
            let start = line.count
            line.append(contentsOf: repeatElement(48, count: width))
            line.withUnsafeMutableBufferPointer { b in
                var p = start + width - 1, k = n
                for _ in 0..<scale { b[p] = UInt8(48 + k % 10); k /= 10; p -= 1 }
                if scale > 0 { b[p] = UInt8(ascii: "."); p -= 1 }
                var written = 0
                repeat {
                    if written > 0, written % 3 == 0 { b[p] = UInt8(ascii: ","); p -= 1 }
                    b[p] = UInt8(48 + k % 10); k /= 10; p -= 1
                    written += 1
                } while k > 0
                if negative && n != 0 { b[p] = UInt8(ascii: "-") }
            }
        }
    }

    /// The cleaned text of cells and its width in characters, keeping the last text cell of each column (a column of
    /// repeated names is cleaned and measured once per run of equal names).
    struct CellTexts {
        private var last: [(text: String, cleaned: String, width: Int, ascii: Bool)?]

        init(count: Int) { last = Array(repeating: nil, count: count) }

        /// Column `n`'s cell as the terminal shows it, its width, and whether it is printable ASCII.
        mutating func text(_ n: Int, _ cell: Cell, _ column: Table.Column,
                           writer: TableWriter) -> (text: String, width: Int, ascii: Bool) {
            if case .text(let s) = cell {
                if let l = last[n], l.text == s { return (l.cleaned, l.width, l.ascii) }
                let c = writer.cleanWithWidth(s)
                last[n] = (s, c.text, c.width, c.ascii)
                return c
            }
            return writer.cleanWithWidth(CellText.human(cell, column))
        }
    }

    /// `s` cleaned (``clean(_:)``), its width in characters (its byte count when printable ASCII), and whether it
    /// is printable ASCII.
    func cleanWithWidth(_ s: String) -> (text: String, width: Int, ascii: Bool) {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return (s, s.utf8.count, true) }
        let c = clean(s)
        return (c, c.count, false)
    }

    /// `t` as padded columns, detail columns left out.
    func table(_ t: Table) -> String {
        let columns = CellText.humanColumns(t)
        var text = TextTable(header: columns.map { clean($0.column.label) },
                             alignments: columns.map { $0.column.kind.isNumeric ? .right : .left })
        t.forEachRow { row in text.rows.append(columns.map { clean(CellText.human(row.cells[$0.index], $0.column)) }) }
        return text.terminal()
    }

    /// `s` with control characters (escape sequences, line breaks inside a cell) shown as `?`.
    func clean(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map {
            $0.properties.generalCategory == .control ? "?" : $0
        }))
    }
}
