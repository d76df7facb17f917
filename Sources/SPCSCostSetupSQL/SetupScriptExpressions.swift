import Foundation
import SPCSCostCore

extension SetupScript {
    /// The value of an expression as far as the script alone tells it.
    enum Value: Equatable, Sendable {
        case text(String)
        case bool(Bool)
        case null
        /// Not known before the code runs; the payload names what it depends on, for messages (`REC.NAME`, `a query`).
        case unknown(String)

        var text: String? {
            if case .text(let value) = self { return value }
            return nil
        }

        var unknownReason: String? {
            if case .unknown(let reason) = self { return reason }
            return nil
        }
    }

    /// What names mean where an expression is evaluated.
    struct Scope: Sendable {
        /// Snowflake Scripting variables and procedure arguments, by normalised name.
        var locals: [String: Value] = [:]
        /// Session variables as the script sets them (nil: set by something the reader cannot evaluate).
        var session: [String: String?]
        /// True inside stored code (a procedure or task body), which runs later in a session of its own, where the
        /// script's session variables do not exist.
        var isStoredCode: Bool
        /// Says whose code this is in warnings, for example `task JUPYTER_SUSPEND_TASK`.
        var owner: String
        /// The result of the last query the code ran (DESC, SHOW, a SELECT over RESULT_SCAN), which
        /// `RESULT_SCAN(LAST_QUERY_ID())` reads; nil before any query, or after one the reader does not know.
        var lastResult: QueryResult?
        /// Cursors declared with `CURSOR FOR`, by normalised name.
        var cursors: [String: CursorDefinition] = [:]
        /// RESULTSET variables, by normalised name.
        var resultSets: [String: QueryResult] = [:]
        /// FOR-loop records (`FOR r IN c DO`), by normalised name: the row of the current turn.
        var records: [String: Row] = [:]
    }

    /// The result of reading an object name.
    enum NameRead {
        case name(Name)
        /// Written with a variable or expression whose value is not known; the payload says on what.
        case unknown(String)
        /// No name at the cursor.
        case missing
    }

    /// Evaluates Snowflake expressions as far as the script tells: literals, `||`, `:var` and bare scripting
    /// variables, `$session` variables, `IDENTIFIER()`, UPPER/LOWER/TRIM/CONCAT/SPLIT_PART/COALESCE/NVL/IFNULL/IFF, `::` casts,
    /// `=`, `<>`, `!=`, `IN`, `[I]LIKE`, `IS [NOT] NULL`, `NOT`/`AND`/`OR`, and `CASE` expressions. Text compares
    /// case-sensitively, as Snowflake's default collation does ("Collation support"). Anything else is unknown.
    struct ExpressionReader {
        var cursor: Cursor
        let scope: Scope
        private(set) var warnings: [Warning] = []
        /// Expressions open around the cursor (parentheses, function arguments, CASE parts), up to
        /// ``SetupScript/maximumNesting``.
        private var depth: Int

        init(_ tokens: ArraySlice<Token>, scope: Scope, depth: Int = 0) {
            self.cursor = Cursor(tokens)
            self.scope = scope
            self.depth = depth
        }

        /// The value of all of `tokens`; unknown when they are not one expression the reader can follow.
        /// - Parameter depth: expressions already open around `tokens` (the arguments of a function call are one
        ///   deeper than the call).
        static func evaluate(_ tokens: ArraySlice<Token>, in scope: Scope, warnings: inout [Warning],
                             depth: Int = 0) -> Value {
            var reader = ExpressionReader(tokens, scope: scope, depth: depth)
            let value = reader.expression()
            warnings += reader.warnings
            guard reader.cursor.isAtEnd else { return .unknown("an expression it cannot read") }
            return value
        }

        /// Reads an object name at `cursor`: `IDENTIFIER(<expr>)`, `$var`, `:var`, or dot-separated identifiers.
        static func readName(_ cursor: inout Cursor, in scope: Scope, warnings: inout [Warning]) -> NameRead {
            guard let token = cursor.peek else { return .missing }
            if token.isWord("IDENTIFIER"), cursor.peek(1)?.isSymbol("(") == true {
                _ = cursor.next()
                return nameRead(evaluate(cursor.group() ?? [], in: scope, warnings: &warnings))
            }
            if token.kind == .variable || token.isSymbol(":") {
                var reader = ExpressionReader(cursor.rest, scope: scope)
                let value = reader.primary()
                warnings += reader.warnings
                cursor.move(to: reader.cursor.index)
                return nameRead(value)
            }
            var parts: [String] = []
            while let part = cursor.peek, part.kind == .word || part.kind == .quotedIdentifier {
                _ = cursor.next()
                parts.append(part.kind == .word ? part.upper : part.text)
                guard cursor.peek?.isSymbol(".") == true, let after = cursor.peek(1),
                      after.kind == .word || after.kind == .quotedIdentifier else { break }
                _ = cursor.next()
            }
            return Name(parts: parts).map(NameRead.name) ?? .missing
        }

        private static func nameRead(_ value: Value) -> NameRead {
            switch value {
            case .text(let text): Name(text).map(NameRead.name) ?? .unknown("'\(text)', which is not an object name")
            case .unknown(let reason): .unknown(reason)
            case .bool, .null: .unknown("a value that is not an object name")
            }
        }

        // MARK: Grammar

        mutating func expression() -> Value {
            depth += 1
            defer { depth -= 1 }
            guard depth <= SetupScript.maximumNesting else { return tooDeep() }
            return or()
        }

        /// Gives up on the rest of the expression: nesting deeper than ``SetupScript/maximumNesting``.
        private mutating func tooDeep() -> Value {
            let line = cursor.peek?.line
            while cursor.next() != nil {}
            warnings.append(Warning(
                line: line, code: .nestingTooDeep,
                message: "an expression nests parentheses or calls deeper than \(SetupScript.maximumNesting) levels; "
                    + "spcs-cost does not follow it."))
            return .unknown("an expression nested too deep")
        }

        private mutating func or() -> Value {
            var value = and()
            while cursor.accept("OR") { value = Self.logical(value, and(), isAnd: false) }
            return value
        }

        private mutating func and() -> Value {
            var value = not()
            while cursor.accept("AND") { value = Self.logical(value, not(), isAnd: true) }
            return value
        }

        private mutating func not() -> Value {
            var negations = 0
            while cursor.accept("NOT") { negations += 1 }
            let value = comparison()
            return negations % 2 == 1 ? Self.negate(value) : value
        }

        private mutating func comparison() -> Value {
            let left = concat()
            if let op = cursor.peek, op.kind == .symbol, ["=", "<>", "!=", "<", ">", "<=", ">="].contains(op.text) {
                _ = cursor.next()
                let right = concat()
                switch op.text {
                case "=": return Self.equal(left, right)
                case "<>", "!=": return Self.negate(Self.equal(left, right))
                default: return Self.firstUnknown(left, right) ?? .unknown("an ordering comparison")
                }
            }
            if cursor.accept("IS") {
                let negated = cursor.accept("NOT")
                guard cursor.accept("NULL") else { return .unknown("an IS test it cannot read") }
                let result: Value = switch left {
                case .null: .bool(true)
                case .unknown: left
                default: .bool(false)
                }
                return negated ? Self.negate(result) : result
            }
            let negated = cursor.accept("NOT")
            if cursor.accept("IN") {
                guard let list = cursor.group() else { return .unknown("an IN list it cannot read") }
                var result: Value = .bool(false)
                for item in Splitter.commaSeparated(list) {
                    var itemWarnings: [Warning] = []
                    let value = Self.evaluate(item, in: scope, warnings: &itemWarnings, depth: depth)
                    warnings += itemWarnings
                    result = Self.logical(result, Self.equal(left, value), isAnd: false)
                }
                return negated ? Self.negate(result) : result
            }
            if let op = cursor.peek, op.isWord("LIKE") || op.isWord("ILIKE") {
                _ = cursor.next()
                let pattern = concat()
                guard let text = left.text, let patternText = pattern.text else {
                    return Self.firstUnknown(left, pattern) ?? .null
                }
                let matched = op.isWord("ILIKE")
                    ? Self.like(Array(text.uppercased()), Array(patternText.uppercased()))
                    : Self.like(Array(text), Array(patternText))
                return .bool(matched != negated)
            }
            return negated ? .unknown("an expression it cannot read") : left
        }

        private mutating func concat() -> Value {
            var value = unary()
            while let op = cursor.peek, op.kind == .symbol, ["||", "+", "-", "*", "/", "%"].contains(op.text) {
                _ = cursor.next()
                let right = unary()
                if op.text == "||" {
                    if let a = value.text, let b = right.text {
                        value = .text(a + b)
                    } else {
                        value = Self.firstUnknown(value, right) ?? .null
                    }
                } else {
                    value = Self.firstUnknown(value, right) ?? .unknown("arithmetic")
                }
            }
            return value
        }

        private mutating func unary() -> Value {
            // A signed number literal (SPLIT_PART(x, '.', -1)).
            if let sign = cursor.peek, sign.isSymbol("-") || sign.isSymbol("+"), let number = cursor.peek(1),
               number.kind == .number {
                _ = cursor.next()
                _ = cursor.next()
                return .text(sign.text == "-" ? "-" + number.text : number.text)
            }
            if cursor.acceptSymbol("-") || cursor.acceptSymbol("+") {
                while cursor.acceptSymbol("-") || cursor.acceptSymbol("+") {}
                _ = unary()
                return .unknown("arithmetic")
            }
            var value = primary()
            while cursor.acceptSymbol("::") {
                guard let type = cursor.next(), type.kind == .word else { return .unknown("a cast it cannot read") }
                _ = cursor.group()
                if case .text = value, !["VARCHAR", "STRING", "TEXT", "CHAR", "CHARACTER"].contains(type.upper) {
                    value = .unknown("a cast to \(type.upper)")
                }
            }
            return value
        }

        private mutating func primary() -> Value {
            guard let token = cursor.next() else { return .unknown("a missing value") }
            switch token.kind {
            case .string, .number:
                return .text(token.text)
            case .variable:
                return sessionVariable(token)
            case .quotedIdentifier:
                if let field = recordField(token) { return field }
                return scope.locals[token.text] ?? .unknown("\"\(token.text)\"")
            case .symbol:
                if token.text == ":", let name = cursor.peek, name.kind == .word || name.kind == .quotedIdentifier {
                    _ = cursor.next()
                    if let field = recordField(name) { return field }
                    return local(name)
                }
                if token.text == "(" {
                    if cursor.peek?.isWord("SELECT") == true || cursor.peek?.isWord("WITH") == true
                        || cursor.peek?.isWord("SHOW") == true {
                        cursor.move(to: cursor.index - 1)
                        let query = cursor.group() ?? []
                        return scalar(query)
                    }
                    let value = expression()
                    return cursor.acceptSymbol(")") ? value : .unknown("an expression it cannot read")
                }
                return .unknown("an expression it cannot read")
            case .word:
                switch token.upper {
                case "TRUE": return .bool(true)
                case "FALSE": return .bool(false)
                case "NULL": return .null
                case "CASE": return caseExpression()
                default: break
                }
                if cursor.peek?.isSymbol("(") == true {
                    return function(token)
                }
                if let field = recordField(token) { return field }
                if cursor.peek?.isSymbol(".") == true {
                    var path = token.upper
                    while cursor.acceptSymbol("."), let part = cursor.next() { path += "." + part.upper }
                    return .unknown(path)
                }
                return local(token)
            }
        }

        /// At `record.column` (the cursor after `record`): consumes `.column` and returns the column's value when
        /// `record` is a FOR-loop record of the scope; nil otherwise (nothing consumed).
        private mutating func recordField(_ record: Token) -> Value? {
            let key = record.kind == .word ? record.upper : record.text
            guard let row = scope.records[key], cursor.peek?.isSymbol(".") == true, let column = cursor.peek(1),
                  column.kind == .word || column.kind == .quotedIdentifier else { return nil }
            _ = cursor.next()
            _ = cursor.next()
            return row.value(of: column.kind == .word ? column.upper : column.text)
        }

        /// A scalar subquery, `(SELECT ...)`: the first column of its one row when it is a SELECT over
        /// `RESULT_SCAN(LAST_QUERY_ID())` whose rows are known; unknown otherwise.
        private mutating func scalar(_ query: ArraySlice<Token>) -> Value {
            guard let result = QueryReader.select(query, in: scope, warnings: &warnings) else { return .unknown("a query") }
            guard let rows = result.rows else { return .unknown(result.source) }
            guard let first = rows.first else { return .null }
            return first.columns.first?.value ?? .unknown(result.source)
        }

        private func local(_ token: Token) -> Value {
            let key = token.kind == .word ? token.upper : token.text
            return scope.locals[key] ?? .unknown(key)
        }

        private mutating func sessionVariable(_ token: Token) -> Value {
            let key = token.text.uppercased()
            guard let entry = scope.session[key] else {
                warnings.append(Warning(
                    line: token.line, code: .unsetVariable,
                    message: "session variable $\(key) is used but no SET before this line gives it a value."))
                return .unknown("$\(key), which is not set")
            }
            if scope.isStoredCode {
                warnings.append(Warning(
                    line: token.line, code: .sessionVariableInBody,
                    message: "\(scope.owner) uses session variable $\(key), which does not exist when the code runs "
                        + "later in its own session; read as the script's value, "
                        + (entry.map { "'\($0)'" } ?? "which is unknown") + "."))
            }
            return entry.map(Value.text) ?? .unknown("$\(key), which is set by a query")
        }

        private mutating func function(_ name: Token) -> Value {
            let inside = cursor.group() ?? []
            let arguments = Splitter.commaSeparated(inside).map { argument in
                var argumentWarnings: [Warning] = []
                let value = Self.evaluate(argument, in: scope, warnings: &argumentWarnings, depth: depth)
                warnings += argumentWarnings
                return value
            }
            func single(_ transform: (String) -> String) -> Value {
                guard arguments.count == 1 else { return .unknown("\(name.upper)()") }
                if let text = arguments[0].text { return .text(transform(text)) }
                return arguments[0]
            }
            switch name.upper {
            case "IDENTIFIER", "TO_VARCHAR", "TO_CHAR", "TO_STRING":
                return single { $0 }
            case "UPPER":
                return single { $0.uppercased() }
            case "LOWER":
                return single { $0.lowercased() }
            case "TRIM":
                return single { $0.trimmingCharacters(in: .whitespaces) }
            case "LTRIM":
                return single { String($0.drop(while: { $0 == " " })) }
            case "RTRIM":
                return single { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
            case "CONCAT":
                if let unknown = arguments.first(where: { $0.unknownReason != nil }) { return unknown }
                if arguments.contains(.null) { return .null }
                return .text(arguments.compactMap(\.text).joined())
            case "SPLIT_PART":
                // SPLIT_PART(text, delimiter, part): 1-based from the start, negative from the end, 0 as 1; '' when out
                // of range (SPLIT_PART).
                guard arguments.count == 3 else { return .unknown("SPLIT_PART()") }
                if let unknown = arguments.first(where: { $0.unknownReason != nil }) { return unknown }
                guard let text = arguments[0].text, let delimiter = arguments[1].text,
                      let part = arguments[2].text.flatMap({ Int($0) }) else { return .null }
                let pieces = delimiter.isEmpty ? [text] : text.components(separatedBy: delimiter)
                let index = part < 0 ? pieces.count + part : max(part, 1) - 1
                return .text(pieces.indices.contains(index) ? pieces[index] : "")
            case "COALESCE", "NVL", "IFNULL":
                for argument in arguments {
                    if case .null = argument { continue }
                    return argument
                }
                return .null
            case "IFF":
                guard arguments.count == 3 else { return .unknown("IFF()") }
                switch arguments[0] {
                case .bool(true): return arguments[1]
                case .bool(false), .null: return arguments[2]
                default: return arguments[0].unknownReason.map(Value.unknown) ?? .unknown("IFF()")
                }
            default:
                return .unknown("\(name.upper)()")
            }
        }

        /// `CASE [subject] WHEN a THEN x ... [ELSE y] END`, after `CASE`.
        private mutating func caseExpression() -> Value {
            let subject: Value? = cursor.peek?.isWord("WHEN") == true ? nil : expression()
            var result: Value?
            var undecided: Value?
            while cursor.accept("WHEN") {
                let test = expression()
                guard cursor.accept("THEN") else { return .unknown("a CASE it cannot read") }
                let value = expression()
                guard result == nil, undecided == nil else { continue }
                switch subject.map({ Self.equal($0, test) }) ?? test {
                case .bool(true): result = value
                case .bool(false), .null: break
                case let other: undecided = other
                }
            }
            let elseValue = cursor.accept("ELSE") ? expression() : .null
            guard cursor.accept("END") else { return .unknown("a CASE it cannot read") }
            if let result { return result }
            if let undecided { return undecided.unknownReason.map(Value.unknown) ?? .unknown("a CASE condition") }
            return elseValue
        }

        // MARK: Three-valued logic

        private static func firstUnknown(_ a: Value, _ b: Value) -> Value? {
            if case .unknown = a { return a }
            if case .unknown = b { return b }
            return nil
        }

        static func equal(_ a: Value, _ b: Value) -> Value {
            if let unknown = firstUnknown(a, b) { return unknown }
            switch (a, b) {
            case (.null, _), (_, .null): return .null
            case (.text(let x), .text(let y)): return .bool(x == y)
            case (.bool(let x), .bool(let y)): return .bool(x == y)
            case (.bool(let x), .text(let y)), (.text(let y), .bool(let x)):
                return .bool(String(x).uppercased() == y.uppercased())
            default: return .unknown("a comparison it cannot read")
            }
        }

        static func negate(_ value: Value) -> Value {
            if case .bool(let b) = value { return .bool(!b) }
            return value
        }

        private static func logical(_ a: Value, _ b: Value, isAnd: Bool) -> Value {
            let decisive = !isAnd
            if case .bool(decisive) = a { return a }
            if case .bool(decisive) = b { return b }
            if let unknown = firstUnknown(a, b) { return unknown }
            if case .null = a { return .null }
            if case .null = b { return .null }
            return .bool(!decisive)
        }

        /// SQL LIKE: `%` any run, `_` one character; no escape character. Iterative, with no memory beyond two
        /// positions: after a `%`, a mismatch retries one character further (at most text × pattern steps).
        static func like(_ text: [Character], _ pattern: [Character]) -> Bool {
            var t = 0, p = 0
            var star: Int?     // position in `pattern` after the last '%'
            var resume = 0     // position in `text` that '%' has covered up to
            while t < text.count {
                if p < pattern.count, pattern[p] == "%" {
                    star = p + 1
                    resume = t
                    p += 1
                } else if p < pattern.count, pattern[p] == "_" || pattern[p] == text[t] {
                    t += 1
                    p += 1
                } else if let s = star {
                    resume += 1
                    t = resume
                    p = s
                } else {
                    return false
                }
            }
            while p < pattern.count, pattern[p] == "%" { p += 1 }
            return p == pattern.count
        }
    }
}
