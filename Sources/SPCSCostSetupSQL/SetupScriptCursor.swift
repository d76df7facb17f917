import Foundation
import SPCSCostCore

extension SetupScript {
    /// Reads tokens in order for the statement readers.
    struct Cursor {
        let tokens: ArraySlice<Token>
        private(set) var index: Int

        init(_ tokens: ArraySlice<Token>) {
            self.tokens = tokens
            self.index = tokens.startIndex
        }

        var isAtEnd: Bool { index >= tokens.endIndex }
        var peek: Token? { peek(0) }
        /// The rest of the tokens, from the current one.
        var rest: ArraySlice<Token> { tokens[min(index, tokens.endIndex)...] }
        /// Line of the current token, or of the last one at the end.
        var line: Int { peek?.line ?? tokens.last?.line ?? 1 }

        func peek(_ offset: Int) -> Token? {
            let k = index + offset
            return k < tokens.endIndex ? tokens[k] : nil
        }

        mutating func next() -> Token? {
            guard let token = peek else { return nil }
            index += 1
            return token
        }

        /// Consumes `words` (upper-case keywords) when the next tokens are exactly those words.
        mutating func accept(_ words: String...) -> Bool {
            for (offset, word) in words.enumerated() where peek(offset)?.isWord(word) != true { return false }
            index += words.count
            return true
        }

        /// Continues reading at `index`, an index of `tokens`.
        mutating func move(to index: Int) {
            self.index = index
        }

        mutating func acceptSymbol(_ symbol: String) -> Bool {
            guard peek?.isSymbol(symbol) == true else { return false }
            index += 1
            return true
        }

        /// At `(`: consumes the balanced group and returns the tokens inside it (to the end when it never closes).
        mutating func group() -> ArraySlice<Token>? {
            guard peek?.isSymbol("(") == true else { return nil }
            let open = index + 1
            var level = 0
            while let token = next() {
                if token.isSymbol("(") { level += 1 }
                if token.isSymbol(")") {
                    level -= 1
                    if level == 0 { return tokens[open..<(index - 1)] }
                }
            }
            return tokens[open..<tokens.endIndex]
        }

        /// Consumes one property value: a group, a word with a group (`IDENTIFIER(...)`), or one token.
        mutating func propertyValue() -> ArraySlice<Token> {
            let start = index
            if peek?.isSymbol("(") == true {
                _ = group()
            } else {
                _ = next()
                if peek?.isSymbol("(") == true, tokens[start].kind == .word { _ = group() }
            }
            return tokens[start..<index]
        }
    }
}
