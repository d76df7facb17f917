import Foundation
import SPCSCostCore

extension SetupScript {
    /// Follows Snowflake Scripting block nesting over tokens, so that the `;` inside a block written without `$$`
    /// does not end the statement ("Snowflake Scripting blocks", "Working with branching constructs", "Working with
    /// loops", docs.snowflake.com/en/developer-guide/snowflake-scripting).
    ///
    /// Openers: `DECLARE` (its `BEGIN` continues the same block), `BEGIN` (not `BEGIN;` / `BEGIN TRANSACTION | WORK |
    /// NAME`, which start a transaction), `IF` (not `IF [NOT] EXISTS`), `CASE`, `FOR <var> IN`, `WHILE`, `REPEAT` (not
    /// the `REPEAT(` function) and `LOOP` (not the `LOOP`/`DO` that starts a FOR or WHILE body). Closer: `END`,
    /// with its `IF`/`CASE`/`FOR`/`WHILE`/`LOOP`/`REPEAT` word.
    struct BlockScanner {
        private enum Frame { case declare, block, construct }
        private var frames: [Frame] = []
        /// Token index of the opener of each open frame, outermost first.
        private(set) var openers: [Int] = []
        private var awaitingLoopBody = false
        private var skipNext = false

        /// The number of open blocks.
        var depth: Int { frames.count }

        /// Reads `tokens[i]`, the token after the last one read, and returns its depth: an opener and its closer
        /// are at the depth outside the block, the tokens between them one deeper.
        mutating func step(_ tokens: ArraySlice<Token>, _ i: Int) -> Int {
            let token = tokens[i]
            guard !skipNext else {
                skipNext = false
                return depth
            }
            guard token.kind == .word else { return depth }
            let next = i + 1 < tokens.endIndex ? tokens[i + 1] : nil
            switch token.upper {
            case "DECLARE":
                return push(.declare, i)
            case "BEGIN":
                if frames.last == .declare {
                    frames[frames.count - 1] = .block
                    return depth
                }
                guard let next, !next.isSymbol(";"),
                      !(next.kind == .word && ["TRANSACTION", "WORK", "NAME"].contains(next.upper))
                else { return depth }
                return push(.block, i)
            case "IF":
                if let next, next.isWord("NOT") || next.isWord("EXISTS") { return depth }
                return push(.construct, i)
            case "CASE":
                return push(.construct, i)
            case "FOR":
                guard i + 2 < tokens.endIndex, tokens[i + 2].isWord("IN") else { return depth }
                awaitingLoopBody = true
                return push(.construct, i)
            case "WHILE":
                awaitingLoopBody = true
                return push(.construct, i)
            case "REPEAT":
                if let next, next.isSymbol("(") { return depth }
                return push(.construct, i)
            case "LOOP":
                if awaitingLoopBody {
                    awaitingLoopBody = false
                    return depth
                }
                return push(.construct, i)
            case "DO":
                awaitingLoopBody = false
                return depth
            case "END":
                if !frames.isEmpty {
                    frames.removeLast()
                    openers.removeLast()
                }
                if let next, next.kind == .word,
                   ["IF", "CASE", "FOR", "WHILE", "LOOP", "REPEAT"].contains(next.upper) {
                    skipNext = true
                }
                return depth
            default:
                return depth
            }
        }

        private mutating func push(_ frame: Frame, _ index: Int) -> Int {
            frames.append(frame)
            openers.append(index)
            return depth - 1
        }

        /// The depth of every token of `tokens`, read from the first with no block open.
        static func depths(_ tokens: ArraySlice<Token>) -> [Int] {
            var scanner = BlockScanner()
            return tokens.indices.map { scanner.step(tokens, $0) }
        }
    }

    /// Splits tokens into statements at each `;` outside every block.
    enum Splitter {
        struct Result {
            /// Token index ranges, each non-empty, without the `;`.
            var statements: [Range<Int>]
            var warnings: [Warning]
        }

        /// Splits a whole script. A SnowSQL client command (`!set ...`) at the start of a statement runs to the end
        /// of its line. When the script ends inside a block, the statement holding that block and everything after
        /// it are split at every `;` instead, with an ``Warning/Code/unclosedBlock`` warning.
        static func split(_ tokens: [Token]) -> Result {
            var statements: [Range<Int>] = []
            var warnings: [Warning] = []
            var scanner = BlockScanner()
            var start = 0
            var i = 0
            while i < tokens.count {
                let token = tokens[i]
                if i == start, token.isSymbol("!") {
                    var end = i + 1
                    while end < tokens.count, tokens[end].line == token.line, !tokens[end].isSymbol(";") { end += 1 }
                    statements.append(start..<end)
                    i = end < tokens.count && tokens[end].isSymbol(";") ? end + 1 : end
                    start = i
                    continue
                }
                if token.isSymbol(";"), scanner.depth == 0 {
                    if start < i { statements.append(start..<i) }
                    start = i + 1
                } else {
                    _ = scanner.step(tokens[...], i)
                }
                i += 1
            }
            guard start < tokens.count else { return Result(statements: statements, warnings: warnings) }
            if let opener = scanner.openers.first {
                warnings.append(Warning(
                    line: tokens[opener].line, code: .unclosedBlock,
                    message: "\(tokens[opener].upper) opens a block that is never closed with END; "
                        + "from the statement holding it to the end of the script, every ';' ends a statement."))
                var pieceStart = start
                for k in start..<tokens.count where tokens[k].isSymbol(";") {
                    if pieceStart < k { statements.append(pieceStart..<k) }
                    pieceStart = k + 1
                }
                if pieceStart < tokens.count { statements.append(pieceStart..<tokens.count) }
            } else {
                statements.append(start..<tokens.count)
            }
            return Result(statements: statements, warnings: warnings)
        }

        /// Splits the inside of a block (or any token run) at each `;` outside nested blocks; an unclosed nested
        /// block runs to the end. Returns non-empty slices of `tokens`.
        static func splitBody(_ tokens: ArraySlice<Token>) -> [ArraySlice<Token>] {
            var scanner = BlockScanner()
            var pieces: [ArraySlice<Token>] = []
            var start = tokens.startIndex
            for i in tokens.indices {
                if tokens[i].isSymbol(";"), scanner.depth == 0 {
                    if start < i { pieces.append(tokens[start..<i]) }
                    start = i + 1
                } else {
                    _ = scanner.step(tokens, i)
                }
            }
            if start < tokens.endIndex { pieces.append(tokens[start..<tokens.endIndex]) }
            return pieces
        }

        /// Splits tokens at each `,` outside parentheses; empty input gives `[]`.
        static func commaSeparated(_ tokens: ArraySlice<Token>) -> [ArraySlice<Token>] {
            guard !tokens.isEmpty else { return [] }
            var pieces: [ArraySlice<Token>] = []
            var level = 0
            var start = tokens.startIndex
            for i in tokens.indices {
                let token = tokens[i]
                if token.isSymbol("(") { level += 1 }
                if token.isSymbol(")") { level -= 1 }
                if token.isSymbol(","), level == 0 {
                    pieces.append(tokens[start..<i])
                    start = i + 1
                }
            }
            pieces.append(tokens[start..<tokens.endIndex])
            return pieces
        }
    }
}
