import Foundation
import SPCSCostCore

extension SetupScript {
    /// A statement of stored code (a procedure or task body), parsed just enough to follow which statements run.
    indirect enum CodeNode {
        /// One arm of an IF or CASE: `test` nil for ELSE.
        struct Arm {
            var test: ArraySlice<Token>?
            var body: [CodeNode]
        }

        /// `[DECLARE ...] BEGIN ... [EXCEPTION ...] END`; declarations become assignments. Exception handlers are
        /// not followed: they run only when a statement fails.
        case block(declarations: [CodeNode], body: [CodeNode])
        /// `IF`/`ELSEIF`/`ELSE` (subject nil, each test a condition) or a `CASE` statement (each test compared with
        /// the subject when there is one).
        case choice(subject: ArraySlice<Token>?, arms: [Arm])
        /// `FOR`, `WHILE`, `LOOP` or `REPEAT`. `FOR record IN cursor DO` (`record` and `source` set) is followed once
        /// per row of the cursor or RESULTSET when its rows are known; any other loop once.
        case loop(body: [CodeNode], record: String?, source: ArraySlice<Token>?)
        /// `x := e`, `LET x [type] := e`, or a declaration `x type [DEFAULT e]` (value nil: NULL).
        case assignment(name: String, value: ArraySlice<Token>?)
        /// `LET c CURSOR FOR <query>` or the declaration `c CURSOR FOR <query>`: the query runs when `c` is opened.
        case cursor(name: String, query: ArraySlice<Token>)
        /// `EXECUTE IMMEDIATE <text> [USING (...)]`.
        case executeImmediate(text: ArraySlice<Token>, line: Int)
        /// `RETURN ...`: nothing after it runs.
        case returnStatement
        /// Any other statement (`ALTER SERVICE ...`, `CALL ...`, `SELECT ...`).
        case statement(ArraySlice<Token>)
        /// A block nested deeper than ``SetupScript/maximumNesting``, at `line`: not parsed or followed.
        case tooDeep(line: Int)

        /// The statements of a body, in order.
        /// - Parameter depth: blocks open around the body (0 for a procedure or task body).
        static func parseBody(_ tokens: ArraySlice<Token>, depth: Int = 0) -> [CodeNode] {
            if depth == 0 {
                // One pass first: a body that nests too deep is not parsed at all, so parsing stays linear.
                var scanner = BlockScanner()
                for i in tokens.indices {
                    _ = scanner.step(tokens, i)
                    if scanner.depth > SetupScript.maximumNesting {
                        return [.tooDeep(line: tokens[scanner.openers[SetupScript.maximumNesting]].line)]
                    }
                }
            }
            return Splitter.splitBody(tokens).map { parse($0, depth: depth) }
        }

        /// One statement (without its `;`).
        static func parse(_ body: ArraySlice<Token>, depth: Int = 0) -> CodeNode {
            let first = body[body.startIndex]
            let second = body.count > 1 ? body[body.startIndex + 1] : nil
            guard first.kind == .word else { return .statement(body) }
            let opensBlock = ["DECLARE", "BEGIN", "IF", "CASE", "FOR", "WHILE", "LOOP", "REPEAT"].contains(first.upper)
            if opensBlock, depth >= SetupScript.maximumNesting { return .tooDeep(line: first.line) }
            let inner = depth + 1
            switch first.upper {
            case "DECLARE":
                return block(body, inner)
            case "BEGIN":
                guard let second, !(second.kind == .word && ["TRANSACTION", "WORK", "NAME"].contains(second.upper))
                else { return .statement(body) }
                return block(body, inner)
            case "IF":
                return ifStatement(body, inner)
            case "CASE":
                return caseStatement(body, inner)
            case "FOR", "WHILE", "LOOP", "REPEAT":
                return loop(body, inner)
            case "LET":
                return assignment(body.dropFirst()) ?? .statement(body)
            case "EXECUTE" where second?.isWord("IMMEDIATE") == true:
                let text = body.dropFirst(2)
                let using = text.firstIndex { $0.isWord("USING") } ?? text.endIndex
                return .executeImmediate(text: text[..<using], line: first.line)
            case "RETURN":
                return .returnStatement
            default:
                if second?.isSymbol(":=") == true { return assignment(body) ?? .statement(body) }
                return .statement(body)
            }
        }

        /// `name [CONSTANT] [type] { := | DEFAULT } value` or `name type` (NULL).
        private static func assignment(_ tokens: ArraySlice<Token>) -> CodeNode? {
            guard let name = tokens.first, name.kind == .word || name.kind == .quotedIdentifier else { return nil }
            let key = name.kind == .word ? name.upper : name.text
            if tokens.count >= 3, tokens[tokens.startIndex + 1].isWord("CURSOR"),
               tokens[tokens.startIndex + 2].isWord("FOR") {
                return .cursor(name: key, query: tokens.dropFirst(3))
            }
            var level = 0
            for i in tokens.indices.dropFirst() {
                let token = tokens[i]
                if token.isSymbol("(") { level += 1 }
                if token.isSymbol(")") { level -= 1 }
                if level == 0, token.isSymbol(":=") || token.isWord("DEFAULT") {
                    return .assignment(name: key, value: tokens[(i + 1)...])
                }
            }
            return .assignment(name: key, value: nil)
        }

        private static func lastEnd(_ tokens: ArraySlice<Token>, _ depths: [Int]) -> Int {
            tokens.indices.last { tokens[$0].isWord("END") && depths[$0 - tokens.startIndex] == 0 } ?? tokens.endIndex
        }

        private static func block(_ tokens: ArraySlice<Token>, _ depth: Int) -> CodeNode {
            let depths = BlockScanner.depths(tokens)
            let base = tokens.startIndex
            var declarations: [CodeNode] = []
            var begin = base
            if tokens[base].isWord("DECLARE") {
                begin = tokens.indices.dropFirst().first { tokens[$0].isWord("BEGIN") && depths[$0 - base] == 1 }
                    ?? tokens.endIndex
                declarations = Splitter.splitBody(tokens[(base + 1)..<begin]).compactMap(assignment)
            }
            let end = max(lastEnd(tokens, depths), min(begin + 1, tokens.endIndex))
            var region = tokens[min(begin + 1, end)..<end]
            let regionDepths = BlockScanner.depths(region)
            if let handlers = region.indices.first(where: {
                region[$0].isWord("EXCEPTION") && regionDepths[$0 - region.startIndex] == 0
            }) {
                region = region[..<handlers]
            }
            return .block(declarations: declarations, body: parseBody(region, depth: depth))
        }

        /// Splits `region` (the inside of an IF or CASE, read on its own) at `separators` words at depth 0.
        private static func arms(_ region: ArraySlice<Token>, separators: Set<String>) -> [ArraySlice<Token>] {
            let depths = BlockScanner.depths(region)
            var pieces: [ArraySlice<Token>] = []
            var start = region.startIndex
            for i in region.indices where i > start && region[i].kind == .word && separators.contains(region[i].upper)
                && depths[i - region.startIndex] == 0 {
                pieces.append(region[start..<i])
                start = i
            }
            pieces.append(region[start...])
            return pieces
        }

        /// Splits `tokens` (starting after WHEN/ELSEIF) at the first THEN at depth 0 into test and body.
        private static func testAndBody(_ tokens: ArraySlice<Token>, _ depth: Int) -> Arm {
            let depths = BlockScanner.depths(tokens)
            guard let then = tokens.indices.first(where: {
                tokens[$0].isWord("THEN") && depths[$0 - tokens.startIndex] == 0
            }) else { return Arm(test: tokens, body: []) }
            return Arm(test: tokens[..<then], body: parseBody(tokens[(then + 1)...], depth: depth))
        }

        private static func ifStatement(_ tokens: ArraySlice<Token>, _ depth: Int) -> CodeNode {
            let depths = BlockScanner.depths(tokens)
            let end = lastEnd(tokens, depths)
            let pieces = arms(tokens[(tokens.startIndex + 1)..<max(end, tokens.startIndex + 1)],
                              separators: ["ELSEIF", "ELSE"])
            let parsed = pieces.map { piece -> Arm in
                if piece.first?.isWord("ELSE") == true { return Arm(test: nil, body: parseBody(piece.dropFirst(), depth: depth)) }
                return testAndBody(piece.first?.isWord("ELSEIF") == true ? piece.dropFirst() : piece, depth)
            }
            return .choice(subject: nil, arms: parsed)
        }

        private static func caseStatement(_ tokens: ArraySlice<Token>, _ depth: Int) -> CodeNode {
            let depths = BlockScanner.depths(tokens)
            let end = lastEnd(tokens, depths)
            let pieces = arms(tokens[(tokens.startIndex + 1)..<max(end, tokens.startIndex + 1)],
                              separators: ["WHEN", "ELSE"])
            var subject: ArraySlice<Token>?
            var parsed: [Arm] = []
            for piece in pieces {
                if piece.first?.isWord("WHEN") == true {
                    parsed.append(testAndBody(piece.dropFirst(), depth))
                } else if piece.first?.isWord("ELSE") == true {
                    parsed.append(Arm(test: nil, body: parseBody(piece.dropFirst(), depth: depth)))
                } else if !piece.isEmpty {
                    subject = piece
                }
            }
            return .choice(subject: subject, arms: parsed)
        }

        private static func loop(_ tokens: ArraySlice<Token>, _ depth: Int) -> CodeNode {
            let depths = BlockScanner.depths(tokens)
            let base = tokens.startIndex
            let end = lastEnd(tokens, depths)
            var start = base + 1
            var record: String?
            var source: ArraySlice<Token>?
            if tokens[base].isWord("FOR") || tokens[base].isWord("WHILE") {
                start = (tokens.indices.first {
                    (tokens[$0].isWord("DO") || tokens[$0].isWord("LOOP")) && depths[$0 - base] == 1
                } ?? end - 1) + 1
                // FOR <record> IN <cursor or RESULTSET> DO (not FOR i IN [REVERSE] a TO b)
                if tokens[base].isWord("FOR"), base + 3 < start, tokens[base + 2].isWord("IN") {
                    let name = tokens[base + 1]
                    let iterable = tokens[(base + 3)..<(start - 1)]
                    if name.kind == .word || name.kind == .quotedIdentifier,
                       !iterable.contains(where: { $0.isWord("TO") || $0.isWord("REVERSE") }) {
                        record = name.kind == .word ? name.upper : name.text
                        source = iterable
                    }
                }
            }
            var stop = end
            if tokens[base].isWord("REPEAT") {
                stop = tokens.indices.first { tokens[$0].isWord("UNTIL") && depths[$0 - base] == 1 } ?? end
            }
            return .loop(body: parseBody(tokens[min(start, stop)..<stop], depth: depth), record: record, source: source)
        }
    }
}
