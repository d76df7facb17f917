import Foundation
import SPCSCostCore

extension SetupScript {
    /// One lexical token of Snowflake SQL. Comments and whitespace are not tokens.
    struct Token: Hashable, Sendable {
        enum Kind: Hashable, Sendable {
            /// An unquoted identifier or keyword (letters, digits, `_`, `$`).
            case word
            /// A `"..."` identifier; `text` is its value with `""` unescaped.
            case quotedIdentifier
            /// A `'...'` or `$$...$$` literal; `text` is its value with escapes decoded.
            case string
            /// A number as written.
            case number
            /// A session variable `$name`; `text` is the name without `$`.
            case variable
            /// Punctuation or an operator: `::`, `:=`, `=>`, `||`, `<=`, `>=`, `<>`, `!=` or one character.
            case symbol
        }

        let kind: Kind
        let text: String
        /// `text` upper-cased for words, `text` otherwise; keywords are compared on this.
        let upper: String
        /// 1-based line of the token's first character.
        let line: Int
        /// Half-open range of the token in the source, in Unicode scalar offsets.
        let start: Int
        let end: Int

        init(_ kind: Kind, _ text: String, line: Int, start: Int, end: Int) {
            self.kind = kind
            self.text = text
            self.upper = kind == .word ? text.uppercased() : text
            self.line = line
            self.start = start
            self.end = end
        }

        /// True for the unquoted word `keyword` in any case (`keyword` is upper-case).
        func isWord(_ keyword: String) -> Bool { kind == .word && upper == keyword }

        /// True for the symbol `symbol`.
        func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
    }

    /// The tokens of a text, the text itself (to slice statement text from), and problems found while reading it.
    struct Lexed: Sendable {
        let tokens: [Token]
        let source: [Unicode.Scalar]
        let warnings: [Warning]
    }

    /// Turns SQL text into tokens: strings with `''` and backslash escapes, `$$` text, `"..."` identifiers, comments
    /// `--`, `//` and `/* */` (Snowflake SQL "Literals" and "Comments"). Never fails: text left open at the end becomes
    /// a token that runs to the end, with an ``Warning/Code/unclosedText`` warning.
    enum Lexer {
        static func lex(_ text: String, firstLine: Int = 1) -> Lexed {
            let s = Array(text.unicodeScalars)
            var tokens: [Token] = []
            var warnings: [Warning] = []
            var i = 0
            var line = firstLine

            func at(_ k: Int) -> Unicode.Scalar? { k < s.count ? s[k] : nil }
            func advance() {
                if s[i] == "\n" { line += 1 }
                i += 1
            }
            func unclosed(_ what: String, _ startLine: Int) {
                warnings.append(Warning(
                    line: startLine, code: .unclosedText,
                    message: "\(what) opened here is never closed; the rest of the script is read as part of it."))
            }

            while i < s.count {
                let c = s[i]
                let start = i
                let startLine = line
                if c.properties.isWhitespace {
                    advance()
                } else if (c == "-" && at(i + 1) == "-") || (c == "/" && at(i + 1) == "/") {
                    while i < s.count, s[i] != "\n" { i += 1 }
                } else if c == "/" && at(i + 1) == "*" {
                    i += 2
                    while i < s.count, !(s[i] == "*" && at(i + 1) == "/") { advance() }
                    if i < s.count { i += 2 } else { unclosed("A /* comment", startLine) }
                } else if c == "'" {
                    var value = String.UnicodeScalarView()
                    i += 1
                    var closed = false
                    while i < s.count {
                        let d = s[i]
                        if d == "\\", let next = at(i + 1) {
                            value.append(Self.unescape(next))
                            advance()
                            advance()
                        } else if d == "'" {
                            if at(i + 1) == "'" {
                                value.append("'")
                                i += 2
                            } else {
                                i += 1
                                closed = true
                                break
                            }
                        } else {
                            value.append(d)
                            advance()
                        }
                    }
                    if !closed { unclosed("A string", startLine) }
                    tokens.append(Token(.string, String(value), line: startLine, start: start, end: i))
                } else if c == "$" && at(i + 1) == "$" {
                    i += 2
                    let valueStart = i
                    while i < s.count, !(s[i] == "$" && at(i + 1) == "$") { advance() }
                    let value = String(String.UnicodeScalarView(s[valueStart..<i]))
                    if i < s.count { i += 2 } else { unclosed("A $$ text", startLine) }
                    tokens.append(Token(.string, value, line: startLine, start: start, end: i))
                } else if c == "$", let next = at(i + 1), Self.isIdentifierPart(next) {
                    i += 1
                    while let d = at(i), Self.isIdentifierPart(d), d != "$" { i += 1 }
                    let name = String(String.UnicodeScalarView(s[(start + 1)..<i]))
                    tokens.append(Token(.variable, name, line: startLine, start: start, end: i))
                } else if c == "\"" {
                    var value = String.UnicodeScalarView()
                    i += 1
                    var closed = false
                    while i < s.count {
                        if s[i] == "\"" {
                            if at(i + 1) == "\"" {
                                value.append("\"")
                                i += 2
                            } else {
                                i += 1
                                closed = true
                                break
                            }
                        } else {
                            value.append(s[i])
                            advance()
                        }
                    }
                    if !closed { unclosed("A quoted identifier", startLine) }
                    tokens.append(Token(.quotedIdentifier, String(value), line: startLine, start: start, end: i))
                } else if Self.isIdentifierStart(c) {
                    while let d = at(i), Self.isIdentifierPart(d) { i += 1 }
                    tokens.append(Token(.word, String(String.UnicodeScalarView(s[start..<i])),
                                        line: startLine, start: start, end: i))
                } else if Self.isDigit(c) || (c == "." && at(i + 1).map(Self.isDigit) == true) {
                    while let d = at(i), Self.isDigit(d) || d == "." { i += 1 }
                    if let e = at(i), e == "e" || e == "E",
                       let after = at(i + 1), Self.isDigit(after) || ((after == "+" || after == "-")
                           && at(i + 2).map(Self.isDigit) == true) {
                        i += 2
                        while let d = at(i), Self.isDigit(d) { i += 1 }
                    }
                    tokens.append(Token(.number, String(String.UnicodeScalarView(s[start..<i])),
                                        line: startLine, start: start, end: i))
                } else {
                    let pair = at(i + 1).map { String(c) + String($0) } ?? ""
                    let length = ["::", ":=", "=>", "||", "<=", ">=", "<>", "!="].contains(pair) ? 2 : 1
                    i += length
                    tokens.append(Token(.symbol, String(String.UnicodeScalarView(s[start..<i])),
                                        line: startLine, start: start, end: i))
                }
            }
            return Lexed(tokens: tokens, source: s, warnings: warnings)
        }

        /// The character a backslash escape stands for in a single-quoted string (Snowflake "String & binary
        /// constants": `\n`, `\t`, `\r`, `\b`, `\f`, `\0`; any other character stands for itself).
        private static func unescape(_ c: Unicode.Scalar) -> Unicode.Scalar {
            switch c {
            case "n": "\n"
            case "t": "\t"
            case "r": "\r"
            case "b": "\u{08}"
            case "f": "\u{0C}"
            case "0": "\u{00}"
            default: c
            }
        }

        private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }

        private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
            c == "_" || c.properties.isAlphabetic
        }

        private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
            isIdentifierStart(c) || isDigit(c) || c == "$"
        }
    }
}

extension SetupScript.Statement {
    /// The statement made of `tokens` (non-empty), with its text sliced from `source`.
    init(tokens: ArraySlice<SetupScript.Token>, source: [Unicode.Scalar]) {
        let first = tokens[tokens.startIndex]
        let last = tokens[tokens.index(before: tokens.endIndex)]
        let newlinesInLast = source[last.start..<last.end].filter { $0 == "\n" }.count
        self.init(line: first.line, endLine: last.line + newlinesInLast,
                  text: String(String.UnicodeScalarView(source[first.start..<last.end])))
    }
}
