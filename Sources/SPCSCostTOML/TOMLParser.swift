/// The TOML 1.0 grammar (toml.io/en/v1.0.0, and its ABNF `toml.abnf`) over the document's UTF-8 bytes.
///
/// Tables are built as reference nodes while parsing, so that `[a.b]`, `[[a]]` and dotted keys can reach into
/// tables made earlier; the rules on redefinition are TOML 1.0's:
/// - a `[table]` is defined once; a table made only as the parent of a header (`[a]` made by `[a.b]`) may be defined
///   later, once;
/// - a table made by dotted keys cannot be defined again by a header, and dotted keys cannot reach into a table that
///   a header defined (they may reach into tables that dotted keys made in the same table);
/// - inline tables and arrays are closed: nothing is added to them later;
/// - `[[a]]` appends to an array of tables; `[a.b]` after `[[a]]` goes into the last element.
struct TOMLParser {
    private let bytes: [UInt8]
    private var index = 0

    private init(_ text: String) {
        var b = Array(text.utf8)
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b.removeFirst(3) }
        bytes = b
    }

    static func parse(_ text: String) throws(TOMLParseError) -> TOMLTable {
        var parser = TOMLParser(text)
        let root = Node(kind: .explicit, depth: 0)
        try parser.document(root)
        return root.value()
    }

    // MARK: - Table nodes

    final class Node {
        enum Kind { case implicit, explicit, dotted, inline }
        enum Entry {
            case value(TOMLValue)
            case table(Node)
            case tables([Node])
        }

        var kind: Kind
        let depth: Int
        var keys: [String] = []
        var entries: [String: Entry] = [:]

        init(kind: Kind, depth: Int) {
            self.kind = kind
            self.depth = depth
        }

        func set(_ key: String, _ entry: Entry) {
            if entries.updateValue(entry, forKey: key) == nil { keys.append(key) }
        }

        /// The table as a value (recursion bounded by ``TOMLTable/maximumDepth``).
        func value() -> TOMLTable {
            var t = TOMLTable()
            for k in keys {
                switch entries[k]! {
                case let .value(v): t.set(k, v)
                case let .table(n): t.set(k, .table(n.value()))
                case let .tables(ns): t.set(k, .array(ns.map { .table($0.value()) }))
                }
            }
            return t
        }
    }

    // MARK: - Document

    private mutating func document(_ root: Node) throws(TOMLParseError) {
        var current = root
        while true {
            skipSpaces()
            guard let c = peek() else { return }
            switch c {
            case UInt8(ascii: "#"):
                try comment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                break
            case UInt8(ascii: "["):
                current = try header(root)
            default:
                try keyValue(into: current, depth: current.depth)
            }
            try endOfLine()
        }
    }

    /// After an expression: spaces, an optional comment, then a newline or the end.
    private mutating func endOfLine() throws(TOMLParseError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") { try comment() }
        guard let c = peek() else { return }
        if c == UInt8(ascii: "\n") {
            index += 1
        } else if c == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            index += 2
        } else if c == UInt8(ascii: "\r") {
            throw fail("a carriage return must be followed by a line feed")
        } else {
            throw fail("expected the end of the line, found \(shown(c)); put each key = value or [table] on its own line")
        }
    }

    private mutating func comment() throws(TOMLParseError) {
        index += 1  // '#'
        while let c = peek(), c != UInt8(ascii: "\n") {
            if c == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") { return }
            if isControl(c) && c != UInt8(ascii: "\t") { throw fail("a comment holds the control character \(shown(c))") }
            index += 1
        }
    }

    // MARK: - Headers

    private mutating func header(_ root: Node) throws(TOMLParseError) -> Node {
        let start = index
        let isArray = peek(1) == UInt8(ascii: "[")
        index += isArray ? 2 : 1
        skipSpaces()
        let path = try key()
        skipSpaces()
        guard peek() == UInt8(ascii: "]"), !isArray || peek(1) == UInt8(ascii: "]") else {
            throw fail(isArray ? "expected ']]' to close the array-of-tables header" : "expected ']' to close the table header")
        }
        index += isArray ? 2 : 1
        let name = path.map(\.text).joined(separator: ".")
        var node = root
        for part in path.dropLast() {
            switch node.entries[part.text] {
            case nil:
                let child = try newNode(.implicit, under: node, at: part.offset)
                node.set(part.text, .table(child))
                node = child
            case let .table(child)?:
                node = child
            case let .tables(list)?:
                node = list[list.count - 1]
            case let .value(v)?:
                throw fail("[\(name)]: \(Self.notExtensible(part.text, v))", at: part.offset)
            }
        }
        let last = path[path.count - 1]
        switch (node.entries[last.text], isArray) {
        case (nil, false):
            let child = try newNode(.explicit, under: node, at: last.offset)
            node.set(last.text, .table(child))
            return child
        case (nil, true):
            let child = try newNode(.explicit, under: node, at: last.offset)
            node.set(last.text, .tables([child]))
            return child
        case let (.table(child)?, false):
            switch child.kind {
            case .implicit:
                child.kind = .explicit
                return child
            case .dotted:
                throw fail("[\(name)] was already defined with dotted keys; add its keys there or use a sub-table",
                           at: start)
            case .explicit, .inline:
                throw fail("the table [\(name)] is defined twice; merge the two", at: start)
            }
        case (.tables(var list)?, true):
            let child = try newNode(.explicit, under: node, at: last.offset)
            list.append(child)
            node.set(last.text, .tables(list))
            return child
        case (.tables?, false):
            throw fail("[\(name)] is already an array of tables ([[\(name)]]); write [[\(name)]] here too", at: start)
        case (.table?, true):
            throw fail("[[\(name)]] is already a table ([\(name)]); an array of tables needs [[\(name)]] everywhere",
                       at: start)
        case let (.value(v)?, _):
            throw fail("[\(name)]: \(Self.notExtensible(last.text, v))", at: start)
        }
    }

    /// Why `key`, which holds `value`, cannot take more keys.
    private static func notExtensible(_ key: String, _ value: TOMLValue) -> String {
        if case .table = value { return "'\(key)' is an inline table, which is closed; write all its keys inside { ... }" }
        if case .array = value { return "'\(key)' is an array value, which is closed; write all its elements inside [ ... ]" }
        let type = value.type.description
        let article = type.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        return "the key '\(key)' already holds \(article) \(type) value, not a table"
    }

    private func newNode(_ kind: Node.Kind, under parent: Node, at offset: Int) throws(TOMLParseError) -> Node {
        guard parent.depth < TOMLTable.maximumDepth else {
            throw fail("tables nest deeper than \(TOMLTable.maximumDepth) levels", at: offset)
        }
        return Node(kind: kind, depth: parent.depth + 1)
    }

    // MARK: - Keys and key/value pairs

    struct KeyPart {
        var text: String
        var offset: Int
    }

    /// A simple or dotted key.
    private mutating func key() throws(TOMLParseError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            let offset = index
            parts.append(KeyPart(text: try simpleKey(), offset: offset))
            guard parts.count <= TOMLTable.maximumDepth else {
                throw fail("a dotted key has more than \(TOMLTable.maximumDepth) parts", at: offset)
            }
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            index += 1
            skipSpaces()
        }
    }

    private mutating func simpleKey() throws(TOMLParseError) -> String {
        guard let c = peek() else { throw fail("expected a key, found the end of the file") }
        if c == UInt8(ascii: "\"") {
            if peek(1) == c, peek(2) == c { throw fail("a key cannot be a multi-line string") }
            return try basicString()
        }
        if c == UInt8(ascii: "'") {
            if peek(1) == c, peek(2) == c { throw fail("a key cannot be a multi-line string") }
            return try literalString()
        }
        let start = index
        while let b = peek(), isBareKeyByte(b) { index += 1 }
        guard index > start else {
            throw fail("expected a key (letters, digits, '_' or '-', or a quoted string), found \(shown(c))")
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func keyValue(into table: Node, depth: Int) throws(TOMLParseError) {
        let start = index
        let path = try key()
        skipSpaces()
        guard peek() == UInt8(ascii: "=") else {
            let name = path.map(\.text).joined(separator: ".")
            if let c = peek(), c != UInt8(ascii: "\n"), c != UInt8(ascii: "\r") {
                throw fail("expected '=' after the key '\(name)', found \(shown(c))")
            }
            throw fail("expected '=' and a value after the key '\(name)'")
        }
        index += 1
        skipSpaces()
        let v = try value(depth: depth + path.count)
        var node = table
        for part in path.dropLast() {
            switch node.entries[part.text] {
            case nil:
                let child = try newNode(table.kind == .inline ? .inline : .dotted, under: node, at: part.offset)
                node.set(part.text, .table(child))
                node = child
            case let .table(child)? where child.kind == .dotted || (child.kind == .inline && table.kind == .inline):
                node = child
            case .table?, .tables?:
                throw fail("the dotted key '\(path.map(\.text).joined(separator: "."))' reaches into the table "
                           + "'\(part.text)', which is defined elsewhere; set the key under that table's header",
                           at: start)
            case let .value(existing)?:
                throw fail(Self.notExtensible(part.text, existing), at: part.offset)
            }
        }
        let last = path[path.count - 1]
        guard node.entries[last.text] == nil else {
            throw fail("the key '\(path.map(\.text).joined(separator: "."))' is defined twice; keep one", at: start)
        }
        node.set(last.text, .value(v))
    }

    // MARK: - Values

    private mutating func value(depth: Int) throws(TOMLParseError) -> TOMLValue {
        guard depth <= TOMLTable.maximumDepth else {
            throw fail("values nest deeper than \(TOMLTable.maximumDepth) levels")
        }
        guard let c = peek() else { throw fail("expected a value, found the end of the file") }
        switch c {
        case UInt8(ascii: "\""):
            if peek(1) == c, peek(2) == c { return .string(try multilineBasicString()) }
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if peek(1) == c, peek(2) == c { return .string(try multilineLiteralString()) }
            return .string(try literalString())
        case UInt8(ascii: "["):
            return try array(depth: depth)
        case UInt8(ascii: "{"):
            return try inlineTable(depth: depth)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            if matches("true") { index += 4; return .boolean(true) }
            if matches("false") { index += 5; return .boolean(false) }
            throw fail("expected a value, found \(shown(c)); quote text as \"...\"")
        default:
            return try scalar()
        }
    }

    private mutating func array(depth: Int) throws(TOMLParseError) -> TOMLValue {
        index += 1  // '['
        var elements: [TOMLValue] = []
        while true {
            try skipBlankLinesAndComments()
            guard let c = peek() else { throw fail("the array is not closed with ']'") }
            if c == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            elements.append(try value(depth: depth + 1))
            try skipBlankLinesAndComments()
            guard let d = peek() else { throw fail("the array is not closed with ']'") }
            if d == UInt8(ascii: ",") {
                index += 1
            } else if d != UInt8(ascii: "]") {
                throw fail("expected ',' or ']' in the array, found \(shown(d))")
            }
        }
    }

    private mutating func inlineTable(depth: Int) throws(TOMLParseError) -> TOMLValue {
        index += 1  // '{'
        guard depth < TOMLTable.maximumDepth else { throw fail("values nest deeper than \(TOMLTable.maximumDepth) levels") }
        let node = Node(kind: .inline, depth: depth + 1)
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .table(node.value())
        }
        while true {
            skipSpaces()
            guard let c = peek(), c != UInt8(ascii: "\n"), c != UInt8(ascii: "\r") else {
                throw fail("an inline table must be closed with '}' on the same line")
            }
            try keyValue(into: node, depth: depth + 1)
            skipSpaces()
            guard let d = peek(), d != UInt8(ascii: "\n"), d != UInt8(ascii: "\r") else {
                throw fail("an inline table must be closed with '}' on the same line")
            }
            if d == UInt8(ascii: "}") {
                index += 1
                return .table(node.value())
            }
            guard d == UInt8(ascii: ",") else {
                throw fail("expected ',' or '}' in the inline table, found \(shown(d))")
            }
            index += 1
            skipSpaces()
            if peek() == UInt8(ascii: "}") { throw fail("an inline table cannot end with ','; remove it") }
        }
    }

    // MARK: - Strings

    private mutating func basicString() throws(TOMLParseError) -> String {
        index += 1  // '"'
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail("the string is not closed with '\"'") }
            switch c {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw fail("the string is not closed on its line; close it with '\"' or use \"\"\" for several lines")
            default:
                if isControl(c) && c != UInt8(ascii: "\t") {
                    throw fail("a string holds the control character \(shown(c)); write it as an escape such as \\u0000")
                }
                out.append(c)
                index += 1
            }
        }
    }

    private mutating func multilineBasicString() throws(TOMLParseError) -> String {
        index += 3
        skipFirstNewline()
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail("the multi-line string is not closed with '\"\"\"'") }
            switch c {
            case UInt8(ascii: "\""):
                var quotes = 0
                while peek() == UInt8(ascii: "\"") { quotes += 1; index += 1 }
                if quotes < 3 {
                    out += [UInt8](repeating: c, count: quotes)
                } else if quotes <= 5 {
                    out += [UInt8](repeating: c, count: quotes - 3)
                    return String(decoding: out, as: UTF8.self)
                } else {
                    throw fail("a multi-line string ends with more than five '\"'; escape the extra quotes", at: index - quotes)
                }
            case UInt8(ascii: "\\"):
                // A backslash at the end of a line trims the newline and the whitespace after it.
                var j = index + 1
                while j < bytes.count, bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t") { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "\n") || bytes[j] == UInt8(ascii: "\r") {
                    index = j
                    while let w = peek() {
                        if w == UInt8(ascii: " ") || w == UInt8(ascii: "\t") || w == UInt8(ascii: "\n") {
                            index += 1
                        } else if w == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
                            index += 2
                        } else {
                            break
                        }
                    }
                } else {
                    try escape(into: &out)
                }
            case UInt8(ascii: "\r"):
                guard peek(1) == UInt8(ascii: "\n") else { throw fail("a carriage return must be followed by a line feed") }
                out.append(UInt8(ascii: "\n"))
                index += 2
            default:
                if isControl(c) && c != UInt8(ascii: "\t") && c != UInt8(ascii: "\n") {
                    throw fail("a string holds the control character \(shown(c)); write it as an escape such as \\u0000")
                }
                out.append(c)
                index += 1
            }
        }
    }

    private mutating func literalString() throws(TOMLParseError) -> String {
        index += 1  // "'"
        let start = index
        while true {
            guard let c = peek() else { throw fail("the literal string is not closed with \"'\"") }
            if c == UInt8(ascii: "'") {
                index += 1
                return String(decoding: bytes[start..<(index - 1)], as: UTF8.self)
            }
            if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                throw fail("the literal string is not closed on its line; close it with \"'\" or use ''' for several lines")
            }
            if isControl(c) && c != UInt8(ascii: "\t") {
                throw fail("a literal string holds the control character \(shown(c)); use a \"...\" string with an escape")
            }
            index += 1
        }
    }

    private mutating func multilineLiteralString() throws(TOMLParseError) -> String {
        index += 3
        skipFirstNewline()
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail("the multi-line literal string is not closed with \"'''\"") }
            if c == UInt8(ascii: "'") {
                var quotes = 0
                while peek() == UInt8(ascii: "'") { quotes += 1; index += 1 }
                if quotes < 3 {
                    out += [UInt8](repeating: c, count: quotes)
                } else if quotes <= 5 {
                    out += [UInt8](repeating: c, count: quotes - 3)
                    return String(decoding: out, as: UTF8.self)
                } else {
                    throw fail("a multi-line literal string ends with more than five \"'\"", at: index - quotes)
                }
            } else if c == UInt8(ascii: "\r") {
                guard peek(1) == UInt8(ascii: "\n") else { throw fail("a carriage return must be followed by a line feed") }
                out.append(UInt8(ascii: "\n"))
                index += 2
            } else {
                if isControl(c) && c != UInt8(ascii: "\t") && c != UInt8(ascii: "\n") {
                    throw fail("a literal string holds the control character \(shown(c))")
                }
                out.append(c)
                index += 1
            }
        }
    }

    private mutating func skipFirstNewline() {
        if peek() == UInt8(ascii: "\n") {
            index += 1
        } else if peek() == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
            index += 2
        }
    }

    /// An escape of a basic string, at the backslash.
    private mutating func escape(into out: inout [UInt8]) throws(TOMLParseError) {
        let start = index
        index += 1
        guard let c = peek() else { throw fail("the string ends inside an escape") }
        index += 1
        let simple: UInt8?
        switch c {
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "u"), UInt8(ascii: "U"): simple = nil
        default:
            throw fail("'\\\(String(decoding: [c], as: UTF8.self))' is not an escape; write a backslash as \\\\", at: start)
        }
        if let simple {
            out.append(simple)
            return
        }
        let digits = c == UInt8(ascii: "u") ? 4 : 8
        var scalar: UInt32 = 0
        for _ in 0..<digits {
            guard let h = peek(), let v = hexValue(h) else {
                throw fail("\\\(c == UInt8(ascii: "u") ? "u" : "U") needs \(digits) hexadecimal digits", at: start)
            }
            scalar = scalar << 4 | UInt32(v)
            index += 1
        }
        guard let u = Unicode.Scalar(scalar) else {
            throw fail("the escape does not name a Unicode scalar value (surrogates and values above 10FFFF are not)",
                       at: start)
        }
        out += Array(String(Character(u)).utf8)
    }

    // MARK: - Numbers, dates and times

    private mutating func scalar() throws(TOMLParseError) -> TOMLValue {
        let start = index
        while let c = peek(), isScalarByte(c) { index += 1 }
        // A date and a time may be separated by a space: "1979-05-27 07:32:00".
        if index - start == 10, isDate(bytes[start..<index]), peek() == UInt8(ascii: " "),
           let h1 = peek(1), isDigit(h1), let h2 = peek(2), isDigit(h2), peek(3) == UInt8(ascii: ":") {
            index += 1
            while let c = peek(), isScalarByte(c) { index += 1 }
        }
        guard index > start else {
            throw fail("expected a value, found \(shown(bytes[start])); quote text as \"...\"")
        }
        let token = bytes[start..<index]
        if token.count >= 8, isDigit(token[start]), token.dropFirst().prefix(3).allSatisfy(isDigit),
           token[start + 4] == UInt8(ascii: "-") {
            return .dateTime(try dateTime(token, at: start))
        }
        if token.count >= 8, isDigit(token[start]), isDigit(token[start + 1]), token[start + 2] == UInt8(ascii: ":") {
            return .dateTime(try dateTime(token, at: start))
        }
        return try number(token, at: start)
    }

    private func number(_ token: ArraySlice<UInt8>, at start: Int) throws(TOMLParseError) -> TOMLValue {
        let text = String(decoding: token, as: UTF8.self)
        var body = token
        var negative = false
        if let s = body.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") {
            negative = s == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        let bodyText = String(decoding: body, as: UTF8.self)
        if bodyText == "inf" { return .float(negative ? -.infinity : .infinity) }
        if bodyText == "nan" { return .float(.nan) }
        guard let first = body.first, isDigit(first) else {
            throw fail("'\(text)' is not a value; quote text as \"...\" (booleans are true and false)", at: start)
        }
        // Prefixed integers: no sign.
        if body.count >= 2, body.first == UInt8(ascii: "0"),
           let radix = [UInt8(ascii: "x"): 16, UInt8(ascii: "o"): 8, UInt8(ascii: "b"): 2][body[body.startIndex + 1]] {
            guard body.startIndex == token.startIndex else {
                throw fail("'\(text)': a hexadecimal, octal or binary integer cannot have a sign", at: start)
            }
            let digits = body.dropFirst(2)
            guard let magnitude = digitsValue(digits, radix: radix), magnitude <= UInt64(Int64.max) else {
                throw fail("'\(text)' is not an integer that fits in 64 bits", at: start)
            }
            return .integer(Int64(magnitude))
        }
        let isFloat = body.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if !isFloat {
            guard let magnitude = digitsValue(body, radix: 10), body.first != UInt8(ascii: "0") || body.count == 1 else {
                throw fail(body.first == UInt8(ascii: "0") && body.count > 1 && body.allSatisfy(isDigit)
                           ? "'\(text)': an integer cannot have leading zeros"
                           : "'\(text)' is not a value; quote text as \"...\"", at: start)
            }
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { throw fail("'\(text)' does not fit in 64 bits", at: start) }
                return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
            }
            guard magnitude <= UInt64(Int64.max) else { throw fail("'\(text)' does not fit in 64 bits", at: start) }
            return .integer(Int64(magnitude))
        }
        // Float: integer part [fraction] [exponent].
        var i = body.startIndex
        func run(_ from: Int) -> Int {
            var j = from
            while j < body.endIndex, isDigit(body[j]) || body[j] == UInt8(ascii: "_") { j += 1 }
            return j
        }
        let intEnd = run(i)
        let intPart = body[i..<intEnd]
        guard validDigitRun(intPart), intPart.first != UInt8(ascii: "0") || intPart.count == 1 else {
            throw fail("'\(text)' is not a number: the part before '.' or 'e' must be digits without leading zeros",
                       at: start)
        }
        i = intEnd
        if i < body.endIndex, body[i] == UInt8(ascii: ".") {
            let fracEnd = run(i + 1)
            guard validDigitRun(body[(i + 1)..<fracEnd]) else {
                throw fail("'\(text)' is not a number: a '.' needs digits on both sides", at: start)
            }
            i = fracEnd
        }
        if i < body.endIndex, body[i] == UInt8(ascii: "e") || body[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < body.endIndex, body[j] == UInt8(ascii: "+") || body[j] == UInt8(ascii: "-") { j += 1 }
            let expEnd = run(j)
            guard validDigitRun(body[j..<expEnd]) else {
                throw fail("'\(text)' is not a number: the exponent needs digits", at: start)
            }
            i = expEnd
        }
        guard i == body.endIndex else { throw fail("'\(text)' is not a value; quote text as \"...\"", at: start) }
        let plain = String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        guard let d = Double(plain) else { throw fail("'\(text)' is not a number", at: start) }
        return .float(d)
    }

    /// Digits with single underscores between them; nil when empty, badly underscored or over 64 bits.
    private func digitsValue(_ digits: ArraySlice<UInt8>, radix: Int) -> UInt64? {
        guard validDigitRun(digits, radix: radix) else { return nil }
        var value: UInt64 = 0
        for c in digits where c != UInt8(ascii: "_") {
            let (m, o1) = value.multipliedReportingOverflow(by: UInt64(radix))
            let (a, o2) = m.addingReportingOverflow(UInt64(hexValue(c)!))
            guard !o1, !o2 else { return nil }
            value = a
        }
        return value
    }

    /// Non-empty, each `_` between two digits of `radix`.
    private func validDigitRun(_ digits: ArraySlice<UInt8>, radix: Int = 10) -> Bool {
        guard !digits.isEmpty else { return false }
        var previousWasDigit = false
        for c in digits {
            if c == UInt8(ascii: "_") {
                guard previousWasDigit else { return false }
                previousWasDigit = false
            } else {
                guard let v = hexValue(c), v < radix else { return false }
                previousWasDigit = true
            }
        }
        return previousWasDigit
    }

    private func dateTime(_ token: ArraySlice<UInt8>, at start: Int) throws(TOMLParseError) -> TOMLDateTime {
        let text = String(decoding: token, as: UTF8.self)
        func bad(_ why: String) -> TOMLParseError {
            fail("'\(text)' is not a TOML date or time: \(why)", at: start)
        }
        var i = token.startIndex
        func digits(_ n: Int) -> Int? {
            guard i + n <= token.endIndex else { return nil }
            var v = 0
            for j in i..<(i + n) {
                guard isDigit(token[j]) else { return nil }
                v = v * 10 + Int(token[j] - UInt8(ascii: "0"))
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < token.endIndex, token[i] == c else { return false }
            i += 1
            return true
        }
        var result = TOMLDateTime(date: nil, time: nil, offsetMinutes: nil, text: text)
        if token.count >= 5, token[token.startIndex + 4] == UInt8(ascii: "-") {
            guard let y = digits(4), expect(UInt8(ascii: "-")), let m = digits(2), expect(UInt8(ascii: "-")),
                  let d = digits(2) else { throw bad("write a date as YYYY-MM-DD") }
            guard (1...12).contains(m) else { throw bad("month \(m) is not 01 to 12") }
            let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard d >= 1, d <= days[m - 1] else { throw bad("day \(d) does not exist in that month") }
            result.date = (y, m, d)
            guard i < token.endIndex else { return result }
            guard token[i] == UInt8(ascii: "T") || token[i] == UInt8(ascii: "t") || token[i] == UInt8(ascii: " ") else {
                throw bad("a time after the date is separated by 'T' or a space")
            }
            i += 1
        }
        guard let h = digits(2), expect(UInt8(ascii: ":")), let mi = digits(2), expect(UInt8(ascii: ":")),
              let s = digits(2) else { throw bad("write a time as HH:MM:SS") }
        guard h < 24, mi < 60, s <= 60 else { throw bad("the time is out of range") }
        var nanos = 0
        if expect(UInt8(ascii: ".")) {
            var count = 0
            while i < token.endIndex, isDigit(token[i]) {
                if count < 9 { nanos = nanos * 10 + Int(token[i] - UInt8(ascii: "0")) }
                count += 1
                i += 1
            }
            guard count > 0 else { throw bad("a '.' in the seconds needs digits") }
            for _ in min(count, 9)..<9 { nanos *= 10 }
        }
        result.time = (h, mi, s, nanos)
        guard i < token.endIndex else { return result }
        guard result.date != nil else { throw bad("a local time has no offset") }
        if token[i] == UInt8(ascii: "Z") || token[i] == UInt8(ascii: "z") {
            i += 1
            result.offsetMinutes = 0
        } else if token[i] == UInt8(ascii: "+") || token[i] == UInt8(ascii: "-") {
            let sign = token[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2), expect(UInt8(ascii: ":")), let om = digits(2), oh < 24, om < 60 else {
                throw bad("write an offset as Z or +HH:MM")
            }
            result.offsetMinutes = sign * (oh * 60 + om)
        }
        guard i == token.endIndex else { throw bad("unexpected text after the time") }
        return result
    }

    // MARK: - Bytes

    private func peek(_ ahead: Int = 0) -> UInt8? {
        let j = index + ahead
        return j < bytes.count ? bytes[j] : nil
    }

    private func matches(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<(index + w.count)]) == w else { return false }
        // "trueish" is not a boolean.
        if let next = peek(w.count), isBareKeyByte(next) { return false }
        return true
    }

    private mutating func skipSpaces() {
        while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { index += 1 }
    }

    /// Inside an array: spaces, newlines and comments.
    private mutating func skipBlankLinesAndComments() throws(TOMLParseError) {
        while let c = peek() {
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") {
                index += 1
            } else if c == UInt8(ascii: "\r") {
                guard peek(1) == UInt8(ascii: "\n") else { throw fail("a carriage return must be followed by a line feed") }
                index += 2
            } else if c == UInt8(ascii: "#") {
                try comment()
            } else {
                return
            }
        }
    }

    private func isControl(_ c: UInt8) -> Bool { c < 0x20 || c == 0x7F }
    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private func isDate(_ s: ArraySlice<UInt8>) -> Bool {
        s.count == 10 && s.enumerated().allSatisfy { n, c in n == 4 || n == 7 ? c == UInt8(ascii: "-") : isDigit(c) }
    }

    private func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
            || isDigit(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    /// Bytes of numbers, dates and times.
    private func isScalarByte(_ c: UInt8) -> Bool {
        isBareKeyByte(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
    }

    private func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(c - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// A byte as a message shows it: `'='`, `U+0000` for a control character, or the whole character that starts at
    /// the current position.
    private func shown(_ c: UInt8) -> String {
        if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { return "the end of the line" }
        if isControl(c) {
            let hex = String(c, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        if c < 0x80 { return "'\(String(decoding: [c], as: UTF8.self))'" }
        guard index < bytes.count, bytes[index] == c else { return "a non-ASCII character" }
        var end = index + 1
        while end < bytes.count, end < index + 4, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'\(String(decoding: bytes[index..<end], as: UTF8.self))'"
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> TOMLParseError {
        let at = min(offset ?? index, bytes.count)
        var line = 1
        var lineStart = 0
        for j in 0..<at where bytes[j] == UInt8(ascii: "\n") {
            line += 1
            lineStart = j + 1
        }
        let column = bytes[lineStart..<at].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return TOMLParseError(line: line, column: column, reason: reason)
    }
}
