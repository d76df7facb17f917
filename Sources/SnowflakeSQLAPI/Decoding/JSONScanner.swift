import Foundation

/// A JSON value of a response envelope (everything but the row data, which goes straight into
/// ``PartitionStorage``). Numbers keep their text so nothing is rounded.
enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    var string: String? { if case let .string(s) = self { return s } else { return nil } }
    var object: [String: JSONValue]? { if case let .object(o) = self { return o } else { return nil } }
    var array: [JSONValue]? { if case let .array(a) = self { return a } else { return nil } }
    var bool: Bool? { if case let .bool(b) = self { return b } else { return nil } }
    var int: Int? {
        switch self {
        case let .number(text), let .string(text): return Int(text)
        default: return nil
        }
    }
}

/// Why a body is not the JSON the SQL API sends.
struct JSONSyntaxError: Error {
    var offset: Int
    var reason: String
}

/// Cells of decoded rows, stored flat: the unescaped bytes of every cell back to back, with one offset per
/// cell boundary and a null flag per cell. Reading a cell never allocates unless a `String` is asked for.
final class PartitionStorage: Sendable {
    let bytes: [UInt8]
    /// `offsets[i] ..< offsets[i + 1]` are the bytes of cell `i`; `offsets.count == cellCount + 1`.
    let offsets: [Int]
    let nulls: [Bool]
    let rowCount: Int
    let columns: [Column]
    /// The column types, looked up once so per-cell type checks are a comparison.
    let types: [ColumnType]
    let partitionIndex: Int

    init(rows: RowCollector, columns: [Column], partitionIndex: Int) {
        bytes = rows.bytes
        offsets = rows.offsets
        nulls = rows.nulls
        rowCount = rows.rowCount
        self.columns = columns
        types = columns.map(\.type)
        self.partitionIndex = partitionIndex
    }
}

/// Collects rows while the scanner reads a `data` array.
struct RowCollector {
    var bytes: [UInt8] = []
    var offsets: [Int] = [0]
    var nulls: [Bool] = []
    var rowCount = 0
    /// Cells per row, fixed by the caller or by the first row, and checked for every later row.
    var columnCount: Int?

    init(expectedColumns: Int?, capacity: Int) {
        columnCount = expectedColumns
        bytes.reserveCapacity(capacity)
    }
}

/// A single-pass JSON reader over a response body. The envelope is read into ``JSONValue``s; a `data` member
/// is read into a ``RowCollector`` without building per-cell objects.
struct JSONScanner {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private(set) var position = 0
    /// Set once an envelope's `data` member has been read as rows.
    private(set) var sawDataMember = false

    /// A scanner over `count` bytes at `base`; the caller keeps the bytes alive while scanning.
    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        end = count
    }

    /// Runs `body` with a scanner over `data`.
    /// - Throws: ``JSONSyntaxError`` for an empty body, or whatever `body` throws.
    static func scan<Result>(_ data: Data, _ body: (inout JSONScanner) throws -> Result) throws -> Result {
        try data.withUnsafeBytes { raw in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress, raw.count > 0 else {
                throw JSONSyntaxError(offset: 0, reason: "the body is empty")
            }
            var scanner = JSONScanner(base: base, count: raw.count)
            return try body(&scanner)
        }
    }

    var atEnd: Bool { position >= end }

    func fail(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(offset: position, reason: reason) }

    mutating func skipWhitespace() {
        while position < end {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func peek() -> UInt8? { position < end ? base[position] : nil }

    mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard position < end, base[position] == byte else {
            throw fail("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    /// Reads an object whose `data` member (if any) is collected into `rows`; other members are returned.
    mutating func parseEnvelope(rows: inout RowCollector) throws -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return members
        }
        while true {
            skipWhitespace()
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            if key == "data", peek() == UInt8(ascii: "[") {
                try parseRows(into: &rows)
                sawDataMember = true
            } else {
                members[key] = try parseValue()
            }
            skipWhitespace()
            guard let next = peek() else { throw fail("unterminated object") }
            position += 1
            if next == UInt8(ascii: "}") { return members }
            guard next == UInt8(ascii: ",") else { throw fail("expected ',' or '}' in object") }
        }
    }

    mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard let byte = peek() else { throw fail("unexpected end of body") }
        switch byte {
        case UInt8(ascii: "{"):
            position += 1
            var object: [String: JSONValue] = [:]
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                position += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                object[key] = try parseValue()
                skipWhitespace()
                guard let next = peek() else { throw fail("unterminated object") }
                position += 1
                if next == UInt8(ascii: "}") { return .object(object) }
                guard next == UInt8(ascii: ",") else { throw fail("expected ',' or '}' in object") }
            }
        case UInt8(ascii: "["):
            position += 1
            var array: [JSONValue] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                position += 1
                return .array(array)
            }
            while true {
                array.append(try parseValue())
                skipWhitespace()
                guard let next = peek() else { throw fail("unterminated array") }
                position += 1
                if next == UInt8(ascii: "]") { return .array(array) }
                guard next == UInt8(ascii: ",") else { throw fail("expected ',' or ']' in array") }
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        default:
            var literal: [UInt8] = []
            try parseLiteral(into: &literal)
            switch literal {
            case Array("null".utf8): return .null
            case Array("true".utf8): return .bool(true)
            case Array("false".utf8): return .bool(false)
            default: return .number(String(decoding: literal, as: UTF8.self))
            }
        }
    }

    /// Appends a bare literal (number, true, false, null) to `output`.
    private mutating func parseLiteral(into output: inout [UInt8]) throws {
        let start = position
        while position < end {
            let byte = base[position]
            let isLiteralByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "E")
            guard isLiteralByte else { break }
            position += 1
        }
        guard position > start else { throw fail("unexpected character") }
        output.append(contentsOf: UnsafeBufferPointer(start: base + start, count: position - start))
    }

    mutating func parseString() throws -> String {
        var bytes: [UInt8] = []
        try parseStringBytes(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a JSON string literal at the current position and appends its unescaped UTF-8 bytes to `output`.
    mutating func parseStringBytes(into output: inout [UInt8]) throws {
        guard position < end, base[position] == UInt8(ascii: "\"") else { throw fail("expected a string") }
        position += 1
        while true {
            let runStart = position
            while position < end {
                let byte = base[position]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                position += 1
            }
            if position > runStart {
                output.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: position - runStart))
            }
            guard position < end else { throw fail("unterminated string") }
            if base[position] == UInt8(ascii: "\"") {
                position += 1
                return
            }
            position += 1  // the backslash
            guard position < end else { throw fail("unterminated escape") }
            let escape = base[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by \u and a low surrogate.
                    guard position + 1 < end, base[position] == UInt8(ascii: "\\"), base[position + 1] == UInt8(ascii: "u")
                    else { throw fail("unpaired surrogate in \\u escape") }
                    position += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate in \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                output.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw fail("invalid escape")
            }
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard position + 4 <= end else { throw fail("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Reads `[[cell, ...], ...]` where each cell is a string or null (SPEC: `items: string, nullable`).
    /// Numbers and booleans are kept as their literal text, for servers that send them bare.
    mutating func parseRows(into rows: inout RowCollector) throws {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            let rowStart = position
            try expect(UInt8(ascii: "["))
            var cells = 0
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                position += 1
            } else {
                while true {
                    skipWhitespace()
                    guard let byte = peek() else { throw fail("unterminated row") }
                    if byte == UInt8(ascii: "\"") {
                        try parseStringBytes(into: &rows.bytes)
                        rows.nulls.append(false)
                    } else if byte == UInt8(ascii: "n") {
                        guard position + 4 <= end, base[position + 1] == UInt8(ascii: "u"),
                            base[position + 2] == UInt8(ascii: "l"), base[position + 3] == UInt8(ascii: "l")
                        else { throw fail("invalid literal in row") }
                        position += 4
                        rows.nulls.append(true)
                    } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                        throw fail("a cell is an array or object, not a string or null")
                    } else {
                        try parseLiteral(into: &rows.bytes)
                        rows.nulls.append(false)
                    }
                    rows.offsets.append(rows.bytes.count)
                    cells += 1
                    skipWhitespace()
                    guard let next = peek() else { throw fail("unterminated row") }
                    position += 1
                    if next == UInt8(ascii: "]") { break }
                    guard next == UInt8(ascii: ",") else { throw fail("expected ',' or ']' in row") }
                }
            }
            if let expected = rows.columnCount {
                guard cells == expected else {
                    throw fail("row \(rows.rowCount) has \(cells) cells, expected \(expected)")
                }
            } else {
                rows.columnCount = cells
            }
            if rows.rowCount == 0 {
                // Size the cell arrays once from the first row's length, instead of growing them row by row.
                let estimatedRows = (end - position) / max(1, position - rowStart) + 1
                rows.offsets.reserveCapacity(rows.offsets.count + estimatedRows * cells)
                rows.nulls.reserveCapacity(rows.nulls.count + estimatedRows * cells)
            }
            rows.rowCount += 1
            skipWhitespace()
            guard let next = peek() else { throw fail("unterminated data array") }
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw fail("expected ',' or ']' between rows") }
        }
    }
}
