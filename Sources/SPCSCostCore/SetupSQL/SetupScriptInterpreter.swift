import Foundation

extension SetupScript {
    /// A procedure as the reader keeps it: what the analysis reports, plus the parsed body and the default
    /// expressions of its parameters.
    struct ProcedureDefinition {
        var summary: Procedure
        var body: [CodeNode]
        var defaults: [String: ArraySlice<Token>]

        /// True when a call with `count` arguments fits the parameters (those with DEFAULT may be left out).
        func accepts(_ count: Int) -> Bool {
            let required = summary.parameters.filter { $0.defaultValue == nil }.count
            return (required...summary.parameters.count).contains(count)
        }
    }

    /// Follows stored code to the suspends and resumes it performs: evaluates assignments and conditions, runs the
    /// text given to `EXECUTE IMMEDIATE`, and follows `CALL`s into the script's procedures with their arguments bound.
    struct Interpreter {
        /// Calls nested deeper than this are not followed (a procedure that calls itself would never end).
        static let maximumCallDepth = 8

        let procedures: [ProcedureDefinition]
        let session: [String: String?]
        private(set) var warnings: [Warning] = []
        /// The calls the code makes itself (not those made inside the procedures it calls), in order.
        private(set) var calls: [ProcedureCall] = []

        init(procedures: [ProcedureDefinition], session: [String: String?]) {
            self.procedures = procedures
            self.session = session
        }

        /// Runs `nodes` in `scope` and returns the actions in the order they happen.
        /// - Parameter callDepth: 0 for a task body or the script itself; 1 inside a procedure it calls, and so on.
        mutating func run(_ nodes: [CodeNode], scope: inout Scope, callDepth: Int) -> [Action] {
            var actions: [Action] = []
            _ = run(nodes, &scope, callDepth, &actions)
            return actions
        }

        /// Returns true when a RETURN ends the code.
        private mutating func run(_ nodes: [CodeNode], _ scope: inout Scope, _ depth: Int,
                                  _ actions: inout [Action]) -> Bool {
            for node in nodes where execute(node, &scope, depth, &actions) { return true }
            return false
        }

        private mutating func execute(_ node: CodeNode, _ scope: inout Scope, _ depth: Int,
                                      _ actions: inout [Action]) -> Bool {
            switch node {
            case .block(let declarations, let body):
                _ = run(declarations, &scope, depth, &actions)
                return run(body, &scope, depth, &actions)
            case .choice(let subject, let arms):
                return choose(subject, arms, &scope, depth, &actions)
            case .loop(let body):
                _ = run(body, &scope, depth, &actions)
                return false
            case .assignment(let name, let value):
                scope.locals[name] = value.map { evaluate($0, scope) } ?? .null
                return false
            case .executeImmediate(let text, let line):
                executeImmediate(text, line, &scope, depth, &actions)
                return false
            case .returnStatement:
                return true
            case .statement(let tokens):
                actions += perform(tokens, scope, depth)
                return false
            case .tooDeep(let line):
                warnings.append(Warning(
                    line: line, code: .nestingTooDeep,
                    message: "\(scope.owner) nests blocks deeper than \(SetupScript.maximumNesting) levels; spcs-cost "
                        + "does not follow the deeper ones."))
                return false
            }
        }

        private mutating func choose(_ subject: ArraySlice<Token>?, _ arms: [CodeNode.Arm], _ scope: inout Scope,
                                     _ depth: Int, _ actions: inout [Action]) -> Bool {
            let subjectValue = subject.map { evaluate($0, scope) }
            var undecided = false
            for arm in arms {
                var decision = Value.bool(true)
                if let test = arm.test {
                    let testValue = evaluate(test, scope)
                    decision = subjectValue.map { ExpressionReader.equal($0, testValue) } ?? testValue
                }
                switch decision {
                case .bool(true):
                    return run(arm.body, &scope, depth, &actions) && !undecided
                case .bool(false), .null:
                    continue
                case .text, .unknown:
                    undecided = true
                    let reason = decision.unknownReason ?? "a text value used as a condition"
                    warnings.append(Warning(
                        line: arm.test?.first?.line, code: .conditionNotEvaluated,
                        message: "\(scope.owner): this condition depends on \(reason), which is only known when the "
                            + "code runs; the suspends and resumes of every branch are counted."))
                    _ = run(arm.body, &scope, depth, &actions)
                }
            }
            return false
        }

        private mutating func executeImmediate(_ text: ArraySlice<Token>, _ line: Int, _ scope: inout Scope,
                                               _ depth: Int, _ actions: inout [Action]) {
            let value = evaluate(text, scope)
            guard let sql = value.text else {
                warnings.append(Warning(
                    line: line, code: .unresolvedStatementText,
                    message: "\(scope.owner) runs EXECUTE IMMEDIATE with text that depends on "
                        + "\(value.unknownReason ?? "a NULL value"), which is only known when the code runs; "
                        + "any suspend or resume it performs is not counted."))
                return
            }
            // The text runs as its own block: the caller's variables are not visible in it.
            let lexed = Lexer.lex(sql, firstLine: text.first?.line ?? line)
            warnings += lexed.warnings
            var inner = Scope(session: scope.session, isStoredCode: scope.isStoredCode, owner: scope.owner)
            let nodes = Splitter.split(lexed.tokens).statements.map { CodeNode.parse(lexed.tokens[$0]) }
            actions += run(nodes, scope: &inner, callDepth: depth)
        }

        private mutating func evaluate(_ tokens: ArraySlice<Token>, _ scope: Scope) -> Value {
            ExpressionReader.evaluate(tokens, in: scope, warnings: &warnings)
        }

        /// Words that start a SQL statement: a statement starting with one of them is never a procedure call
        /// written without CALL.
        private static let statementWords: Set<String> = [
            "ALTER", "ASYNC", "AWAIT", "BEGIN", "BREAK", "CALL", "CANCEL", "CLOSE", "COMMENT", "COMMIT", "CONTINUE",
            "COPY", "CREATE", "DELETE", "DESC", "DESCRIBE", "DROP", "EXECUTE", "EXPLAIN", "FETCH", "GET", "GRANT",
            "INSERT", "LET", "LIST", "MERGE", "NULL", "OPEN", "PUT", "RAISE", "REMOVE", "RETURN", "REVOKE",
            "ROLLBACK", "SELECT", "SET", "SHOW", "START", "TRUNCATE", "UNDROP", "UNSET", "UPDATE", "USE", "VALUES",
            "WITH",
        ]

        /// The actions of one plain statement: ALTER SERVICE / ALTER COMPUTE POOL ... SUSPEND | RESUME, or a call.
        private mutating func perform(_ tokens: ArraySlice<Token>, _ scope: Scope, _ depth: Int) -> [Action] {
            guard let first = tokens.first else { return [] }
            var cursor = Cursor(tokens)
            if cursor.accept("ALTER") {
                let target: Action.Target
                if cursor.accept("SERVICE") {
                    target = .service
                } else if cursor.accept("COMPUTE", "POOL") {
                    target = .computePool
                } else {
                    return []
                }
                _ = cursor.accept("IF", "EXISTS")
                let read = ExpressionReader.readName(&cursor, in: scope, warnings: &warnings)
                let verb: Action.Verb
                if cursor.accept("SUSPEND") {
                    verb = .suspend
                } else if cursor.accept("RESUME") {
                    verb = .resume
                } else {
                    return []
                }
                switch read {
                case .name(let name):
                    return [Action(verb: verb, target: target, name: name, computePool: nil, line: first.line)]
                case .unknown(let reason):
                    warnings.append(Warning(
                        line: first.line, code: .unresolvedStatementText,
                        message: "\(scope.owner) runs ALTER \(target.rawValue) ... \(verb.rawValue) on an object named "
                            + "by \(reason), which is only known when the code runs; it is not counted."))
                    return []
                case .missing:
                    return []
                }
            }
            let usesCall = cursor.accept("CALL")
            if !usesCall, first.kind == .word, Self.statementWords.contains(first.upper) { return [] }
            guard case .name(let name) = ExpressionReader.readName(&cursor, in: scope, warnings: &warnings),
                  let arguments = cursor.group()
            else { return [] }
            return call(name, arguments, usesCall: usesCall, line: first.line, scope: scope, depth: depth)
        }

        private mutating func call(_ name: Name, _ argumentTokens: ArraySlice<Token>, usesCall: Bool, line: Int,
                                   scope: Scope, depth: Int) -> [Action] {
            var arguments: [(name: String?, value: Value)] = []
            for piece in Splitter.commaSeparated(argumentTokens) {
                var label: String?
                var valueTokens = piece
                if piece.count >= 2, piece[piece.startIndex + 1].isSymbol("=>") {
                    let key = piece[piece.startIndex]
                    label = key.kind == .word ? key.upper : key.text
                    valueTokens = piece.dropFirst(2)
                }
                arguments.append((label, evaluate(valueTokens, scope)))
            }
            let rendered = "\(name)(" + arguments.map { argument in
                (argument.name.map { "\($0) => " } ?? "") + (argument.value.text.map { "'\($0)'" } ?? "?")
            }.joined(separator: ", ") + ")"
            if depth == 0 {
                calls.append(ProcedureCall(
                    procedure: name,
                    arguments: arguments.map { ProcedureCall.Argument(name: $0.name, value: $0.value.text) },
                    usesCallKeyword: usesCall, line: line))
            }
            if !usesCall {
                warnings.append(Warning(
                    line: line, code: .callWithoutCallKeyword,
                    message: "\(scope.owner) calls \(rendered) without CALL; Snowflake runs a procedure only with "
                        + "CALL, so check that this code runs at all. It is read as CALL \(rendered)."))
            }
            guard depth < Self.maximumCallDepth else {
                warnings.append(Warning(
                    line: line, code: .callDepthExceeded,
                    message: "\(scope.owner) calls \(name) more than \(Self.maximumCallDepth) calls deep (does a "
                        + "procedure call itself?); the deeper calls are not followed."))
                return []
            }
            guard let procedure = resolve(name, argumentCount: arguments.count, line: line, owner: scope.owner)
            else { return [] }
            var inner = Scope(session: session, isStoredCode: true, owner: "procedure \(procedure.summary.name)")
            for parameter in procedure.summary.parameters {
                inner.locals[parameter.name] = procedure.defaults[parameter.name].map {
                    evaluate($0, Scope(session: session, isStoredCode: true, owner: inner.owner))
                } ?? .unknown("argument \(parameter.name), which the call does not pass")
            }
            var position = 0
            for argument in arguments {
                if let label = argument.name {
                    guard procedure.summary.parameters.contains(where: { $0.name == label }) else {
                        warnings.append(Warning(
                            line: line, code: .argumentMismatch,
                            message: "\(scope.owner) passes \(label) => ... to \(name), but the procedure created on "
                                + "line \(procedure.summary.line) has no parameter \(label)."))
                        continue
                    }
                    inner.locals[label] = argument.value
                } else {
                    if position < procedure.summary.parameters.count {
                        inner.locals[procedure.summary.parameters[position].name] = argument.value
                    }
                    position += 1
                }
            }
            return run(procedure.body, scope: &inner, callDepth: depth + 1)
        }

        /// The procedure a call to `name` with `argumentCount` arguments runs, or nil (with a warning).
        private mutating func resolve(_ name: Name, argumentCount: Int, line: Int, owner: String)
            -> ProcedureDefinition? {
            let named = procedures.filter { $0.summary.name.matches(name) }
            guard !named.isEmpty else {
                warnings.append(Warning(
                    line: line, code: .unknownProcedure,
                    message: "\(owner) calls procedure \(name), which this script does not create; what it does is "
                        + "unknown."))
                return nil
            }
            let fitting = named.filter { $0.accepts(argumentCount) }
            guard !fitting.isEmpty else {
                let takes = named.map { String($0.summary.parameters.count) }.joined(separator: " or ")
                warnings.append(Warning(
                    line: line, code: .argumentMismatch,
                    message: "\(owner) calls \(name) with \(argumentCount) argument(s), but the procedure takes "
                        + "\(takes); Snowflake would reject the call."))
                return nil
            }
            let exact = fitting.filter { $0.summary.name == name }
            let chosen = exact.isEmpty ? fitting : exact
            if chosen.count > 1 {
                warnings.append(Warning(
                    line: line, code: .ambiguousName,
                    message: "\(owner) calls \(name), which matches the procedures created on lines "
                        + chosen.map { String($0.summary.line) }.joined(separator: ", ")
                        + "; the first is followed. Qualify the name to choose."))
            }
            let procedure = chosen[0]
            guard procedure.summary.language == "SQL" else {
                warnings.append(Warning(
                    line: line, code: .unknownProcedure,
                    message: "\(owner) calls \(name), which is written in \(procedure.summary.language); only SQL "
                        + "procedures are followed, so what it does is unknown."))
                return nil
            }
            return procedure
        }

        /// Works out what `procedure` does for each status value (see ``Procedure/statusParameter``). Warnings are
        /// not kept: the calls that really happen report their own.
        static func summarize(
            _ procedure: ProcedureDefinition, among procedures: [ProcedureDefinition], session: [String: String?]
        ) -> (statusParameter: String?, actions: [Procedure.StatusActions]) {
            func actions(binding parameter: String?, to value: String) -> [Action] {
                var interpreter = Interpreter(procedures: procedures, session: session)
                var scope = Scope(session: session, isStoredCode: true, owner: "procedure \(procedure.summary.name)")
                for candidate in procedure.summary.parameters {
                    scope.locals[candidate.name] = procedure.defaults[candidate.name].map {
                        interpreter.evaluate($0, Scope(session: session, isStoredCode: true, owner: scope.owner))
                    } ?? .unknown(candidate.name)
                }
                if let parameter { scope.locals[parameter] = .text(value) }
                return interpreter.run(procedure.body, scope: &scope, callDepth: 1)
            }
            guard procedure.summary.language == "SQL" else { return (nil, []) }
            var values = ["SUSPEND", "RESUME"]
            for literal in testedLiterals(procedure.body) where !values.contains(literal) { values.append(literal) }
            for parameter in procedure.summary.parameters {
                let results = values.map { (status: $0, actions: actions(binding: parameter.name, to: $0)) }
                if Set(results.map(\.actions)).count > 1 {
                    return (parameter.name, results.filter { !$0.actions.isEmpty }
                        .map { Procedure.StatusActions(status: $0.status, actions: $0.actions) })
                }
            }
            let plain = actions(binding: nil, to: "")
            return (nil, plain.isEmpty ? [] : [Procedure.StatusActions(status: nil, actions: plain)])
        }

        /// The one-word string literals the code's IF and CASE tests compare with, in order of appearance.
        private static func testedLiterals(_ nodes: [CodeNode]) -> [String] {
            var found: [String] = []
            func visit(_ nodes: [CodeNode]) {
                for node in nodes {
                    switch node {
                    case .block(let declarations, let body):
                        visit(declarations)
                        visit(body)
                    case .choice(_, let arms):
                        for arm in arms {
                            for token in arm.test ?? [] where token.kind == .string && !token.text.isEmpty
                                && token.text.allSatisfy({ $0 == "_" || ($0.isASCII && $0.isLetter) })
                                && !found.contains(token.text) {
                                found.append(token.text)
                            }
                            visit(arm.body)
                        }
                    case .loop(let body):
                        visit(body)
                    case .assignment, .executeImmediate, .returnStatement, .statement, .tooDeep:
                        break
                    }
                }
            }
            visit(nodes)
            return found
        }
    }
}
