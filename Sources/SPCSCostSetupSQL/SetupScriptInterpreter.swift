import Foundation
import SPCSCostCore

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

        /// Loop turns followed in all, over every loop and call of one run: a bound on nested loops over rows.
        static let maximumLoopTurns = 5_000
        /// Loop turns followed over a whole script (every task, top-level call and procedure summary), so that a
        /// script of many tasks over nested loops stays fast.
        static let maximumScriptLoopTurns = 20_000

        let procedures: [ProcedureDefinition]
        let session: [String: String?]
        /// The services and pools DESC and SHOW describe.
        let objects: ObjectCatalog
        private(set) var warnings: [Warning] = []
        /// The calls the code makes itself (not those made inside the procedures it calls), in order.
        private(set) var calls: [ProcedureCall] = []
        /// The services DESC SERVICE or SHOW SERVICES looked up, in order.
        private(set) var servicesDescribed: [Name] = []
        /// Loop turns this run may still take: at most ``maximumLoopTurns``, less when the script's budget is lower.
        private(set) var loopTurnsLeft: Int

        init(procedures: [ProcedureDefinition], session: [String: String?], objects: ObjectCatalog = ObjectCatalog(),
             loopTurns: Int = Interpreter.maximumLoopTurns) {
            self.procedures = procedures
            self.session = session
            self.objects = objects
            self.loopTurnsLeft = min(max(loopTurns, 0), Self.maximumLoopTurns)
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
            case .loop(let body, let record, let source):
                guard let record, let source else {
                    _ = run(body, &scope, depth, &actions)
                    return false
                }
                return loop(over: source, as: record, body, &scope, depth, &actions)
            case .assignment(let name, let value):
                if let value, QueryReader.isQuery(value), let result = runQuery(value, &scope) {
                    // `rs := (DESC SERVICE ...)` (a RESULTSET) or `x := (SELECT ... RESULT_SCAN ...)` (a scalar):
                    // kept as both, each read the way the code uses it.
                    scope.lastResult = result
                    scope.resultSets[name] = result
                    scope.locals[name] = Self.scalar(result)
                    return false
                }
                scope.locals[name] = value.map { evaluate($0, scope) } ?? .null
                return false
            case .cursor(let name, let query):
                scope.cursors[name] = CursorDefinition(query: query)
                return false
            case .executeImmediate(let text, let line):
                executeImmediate(text, line, &scope, depth, &actions)
                return false
            case .returnStatement:
                return true
            case .statement(let tokens):
                if queryStatement(tokens, &scope) { return false }
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
            // The text runs as its own block: the caller's variables are not visible in it, but a query it runs is
            // the caller's last query (RESULT_SCAN(LAST_QUERY_ID()) after it reads its rows).
            let lexed = Lexer.lex(sql, firstLine: text.first?.line ?? line)
            warnings += lexed.warnings
            var inner = Scope(session: scope.session, isStoredCode: scope.isStoredCode, owner: scope.owner,
                              lastResult: scope.lastResult)
            let nodes = Splitter.split(lexed.tokens).statements.map { CodeNode.parse(lexed.tokens[$0]) }
            actions += run(nodes, scope: &inner, callDepth: depth)
            scope.lastResult = inner.lastResult
        }

        // MARK: Queries

        /// The first column of the first row (a scalar subquery's value); NULL for no rows.
        private static func scalar(_ result: QueryResult) -> Value {
            guard let rows = result.rows else { return .unknown(result.source) }
            guard let first = rows.first else { return .null }
            return first.columns.first?.value ?? .unknown(result.source)
        }

        /// Runs `DESC`, `SHOW`, `SELECT [... INTO ...]`, `OPEN c [USING (...)]` and `FETCH c INTO ...`: keeps their
        /// result as the last query and assigns INTO targets (FETCH reads the first row each time: the reader keeps no
        /// cursor position). False when `tokens` are none of those.
        private mutating func queryStatement(_ tokens: ArraySlice<Token>, _ scope: inout Scope) -> Bool {
            guard let first = tokens.first, first.kind == .word else { return false }
            switch first.upper {
            case "DESC", "DESCRIBE", "SHOW", "SELECT":
                let result = runQuery(tokens, &scope) ?? QueryResult(rows: nil, source: "a query the reader does not know")
                scope.lastResult = result
                if first.upper == "SELECT", let targets = QueryReader.intoTargets(tokens) {
                    assign(result, to: targets, &scope)
                }
                return true
            case "OPEN":
                guard let name = tokens.dropFirst().first, name.kind == .word || name.kind == .quotedIdentifier
                else { return true }
                let key = name.kind == .word ? name.upper : name.text
                var rest = Cursor(tokens.dropFirst(2))
                if rest.accept("USING"), let list = rest.group() {
                    let binds = Splitter.commaSeparated(list).map { evaluate($0, scope) }
                    scope.cursors[key]?.binds = binds
                }
                return true
            case "FETCH":
                guard let name = tokens.dropFirst().first, name.kind == .word || name.kind == .quotedIdentifier,
                      let into = tokens.firstIndex(where: { $0.isWord("INTO") }) else { return true }
                let key = name.kind == .word ? name.upper : name.text
                let targets = Splitter.commaSeparated(tokens[(into + 1)...]).compactMap { target -> String? in
                    guard let last = target.last, last.kind == .word || last.kind == .quotedIdentifier else { return nil }
                    return last.kind == .word ? last.upper : last.text
                }
                assign(open(key, &scope), to: targets, &scope)
                return true
            default:
                return false
            }
        }

        /// Assigns the first row's columns, in order, to `targets`; unknown when the rows are not known.
        private func assign(_ result: QueryResult, to targets: [String], _ scope: inout Scope) {
            let row = result.rows?.first
            for (k, target) in targets.enumerated() {
                if let rows = result.rows, rows.isEmpty {
                    scope.locals[target] = .null
                } else if let row, k < row.columns.count {
                    scope.locals[target] = row.columns[k].value
                } else {
                    scope.locals[target] = .unknown(result.source)
                }
            }
        }

        /// The rows of cursor or RESULTSET `name` (a cursor runs its query now, with its `OPEN ... USING` values).
        private mutating func open(_ name: String, _ scope: inout Scope) -> QueryResult {
            if let cursor = scope.cursors[name] {
                let query = cursor.query
                if query.count == 1, let only = query.first, only.kind == .word || only.kind == .quotedIdentifier,
                   let set = scope.resultSets[only.kind == .word ? only.upper : only.text] {
                    return set
                }
                let result = runQuery(QueryReader.substitute(cursor.binds, in: query), &scope)
                    ?? QueryResult(rows: nil, source: "the query of cursor \(name)")
                scope.lastResult = result
                return result
            }
            if let set = scope.resultSets[name] { return set }
            return QueryResult(rows: nil, source: "\(name), which is not a cursor or RESULTSET the reader knows")
        }

        /// `FOR record IN source DO body END FOR`: the body once per known row (at most
        /// ``QueryReader/maximumRows``), or once with every column unknown when the rows are not known.
        private mutating func loop(over source: ArraySlice<Token>, as record: String, _ body: [CodeNode],
                                   _ scope: inout Scope, _ depth: Int, _ actions: inout [Action]) -> Bool {
            var result = QueryResult(rows: nil, source: "a loop source the reader does not know")
            var inner = source
            if inner.count == 4, inner.first?.isWord("TABLE") == true { inner = inner.dropFirst(2).dropLast() }
            if inner.count == 1, let only = inner.first, only.kind == .word || only.kind == .quotedIdentifier {
                result = open(only.kind == .word ? only.upper : only.text, &scope)
            }
            guard let rows = result.rows else {
                // Rows not known: the body once, the record's fields unknown (`REC.NAME`).
                scope.records[record] = nil
                _ = run(body, &scope, depth, &actions)
                return false
            }
            for row in rows.prefix(QueryReader.maximumRows) {
                guard loopTurnsLeft > 0 else {
                    warnings.append(Warning(
                        line: source.first?.line, code: .tooManyLoopTurns,
                        message: "\(scope.owner) loops over query rows more often than spcs-cost follows (at most "
                            + "\(Self.maximumLoopTurns) turns a run, \(Self.maximumScriptLoopTurns) a script); the "
                            + "further turns are not followed."))
                    return false
                }
                loopTurnsLeft -= 1
                scope.records[record] = row
                if run(body, &scope, depth, &actions) { return true }
            }
            return false
        }

        /// The rows of a query the reader knows (see ``QueryReader``), or nil when `tokens` are not one.
        mutating func runQuery(_ tokens: ArraySlice<Token>, _ scope: inout Scope) -> QueryResult? {
            let inner = QueryReader.unwrapped(tokens)
            guard let first = inner.first, first.kind == .word else { return nil }
            var cursor = Cursor(inner)
            _ = cursor.next()
            switch first.upper {
            case "DESC", "DESCRIBE":
                let isService = cursor.accept("SERVICE")
                guard isService || cursor.accept("COMPUTE", "POOL") else {
                    return QueryResult(rows: nil, source: "a \(first.upper) the reader does not know")
                }
                let kind = isService ? "SERVICE" : "COMPUTE POOL"
                switch ExpressionReader.readName(&cursor, in: scope, warnings: &warnings) {
                case .name(let name):
                    if isService { servicesDescribed.append(name) }
                    return QueryResult(rows: [isService ? objects.serviceRow(name) : objects.poolRow(name)],
                                       source: "DESC \(kind) \(name)")
                case .unknown(let reason):
                    let source = "DESC \(kind) of \(reason)"
                    return QueryResult(rows: [Row(columns: [], source: source)], source: source)
                case .missing:
                    return QueryResult(rows: nil, source: "DESC \(kind) without a name")
                }
            case "SHOW":
                return show(&cursor, scope)
            case "SELECT":
                return QueryReader.select(inner, in: scope, warnings: &warnings)
            case "EXECUTE":
                guard cursor.accept("IMMEDIATE") else { return nil }
                let rest = cursor.rest
                let using = rest.firstIndex { $0.isWord("USING") } ?? rest.endIndex
                let value = evaluate(rest[..<using], scope)
                guard let sql = value.text else {
                    return QueryResult(rows: nil, source: "EXECUTE IMMEDIATE of \(value.unknownReason ?? "NULL")")
                }
                let lexed = Lexer.lex(sql, firstLine: first.line)
                let statements = Splitter.split(lexed.tokens).statements
                guard statements.count == 1 else {
                    return QueryResult(rows: nil, source: "EXECUTE IMMEDIATE of several statements")
                }
                return runQuery(lexed.tokens[statements[0]], &scope)
                    ?? QueryResult(rows: nil, source: "EXECUTE IMMEDIATE of a statement that is not a query")
            default:
                return nil
            }
        }

        /// `SHOW SERVICES | COMPUTE POOLS [LIKE '<pattern>'] [IN COMPUTE POOL <pool> | IN ...]` over what the
        /// script creates. SHOW's LIKE is case-insensitive. A LIKE without wildcards that matches nothing the script
        /// creates still returns that object (it may exist in the account), with what the script does not tell
        /// unknown; SHOW ... IN a database or schema is not filtered.
        private mutating func show(_ cursor: inout Cursor, _ scope: Scope) -> QueryResult {
            _ = cursor.accept("TERSE")
            let isService: Bool
            if cursor.accept("SERVICES") || cursor.accept("JOB", "SERVICES") {
                isService = true
            } else if cursor.accept("COMPUTE", "POOLS") {
                isService = false
            } else {
                return QueryResult(rows: nil, source: "a SHOW the reader does not know")
            }
            let kind = isService ? "SERVICES" : "COMPUTE POOLS"
            var pattern: String?
            var inPool: Name?
            while !cursor.isAtEnd {
                if cursor.accept("LIKE") {
                    let rest = cursor.rest
                    let end = rest.firstIndex { $0.isWord("IN") || $0.isWord("STARTS") || $0.isWord("LIMIT") }
                        ?? rest.endIndex
                    cursor.move(to: end)
                    guard let text = evaluate(rest[..<end], scope).text else {
                        return QueryResult(rows: nil, source: "SHOW \(kind) LIKE a pattern only known when the code runs")
                    }
                    pattern = text
                } else if cursor.accept("IN", "COMPUTE", "POOL") {
                    guard case .name(let pool) = ExpressionReader.readName(&cursor, in: scope, warnings: &warnings)
                    else { return QueryResult(rows: nil, source: "SHOW \(kind) IN a pool only known when the code runs") }
                    inPool = pool
                } else {
                    _ = cursor.next()
                }
            }
            let source = "SHOW \(kind)" + (pattern.map { " LIKE '\($0)'" } ?? "") + (inPool.map { " IN COMPUTE POOL \($0)" } ?? "")
            func matches(_ name: Name) -> Bool {
                guard let pattern else { return true }
                return ExpressionReader.like(Array(name.object.uppercased()), Array(pattern.uppercased()))
            }
            var rows: [Row]
            if isService {
                rows = objects.services.filter { service in
                    matches(service.name) && (inPool.map { pool in
                        objects.computePool(ofService: service.name).map { $0.matches(pool) } ?? false
                    } ?? true)
                }.map { objects.serviceRow($0.name) }
            } else {
                rows = objects.pools.filter { matches($0.name) }.map { objects.poolRow($0.name) }
            }
            // `_` matches any one character, but in a pattern without `%` it is almost always part of the name.
            if rows.isEmpty, let pattern, !pattern.contains("%"), let name = Name(pattern) {
                rows = [isService ? objects.serviceRow(name) : objects.poolRow(name)]
            }
            if isService { servicesDescribed += rows.compactMap { row in row.columns.first?.value.text.flatMap(Name.init) } }
            return QueryResult(rows: rows.isEmpty ? nil : rows, source: source)
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
            _ procedure: ProcedureDefinition, among procedures: [ProcedureDefinition], session: [String: String?],
            objects: ObjectCatalog = ObjectCatalog(), loopTurns: inout Int
        ) -> (statusParameter: String?, actions: [Procedure.StatusActions]) {
            func actions(binding parameter: String?, to value: String) -> [Action] {
                var interpreter = Interpreter(procedures: procedures, session: session, objects: objects,
                                              loopTurns: loopTurns)
                defer { loopTurns -= min(loopTurns, Self.maximumLoopTurns) - interpreter.loopTurnsLeft }
                var scope = Scope(session: session, isStoredCode: true, owner: "procedure \(procedure.summary.name)")
                for candidate in procedure.summary.parameters {
                    scope.locals[candidate.name] = procedure.defaults[candidate.name].map {
                        interpreter.evaluate($0, Scope(session: session, isStoredCode: true, owner: scope.owner))
                    } ?? .unknown(candidate.name)
                }
                if let parameter { scope.locals[parameter] = .text(value) }
                // A value that only becomes an object's name (the service argument bound to 'SUSPEND') says nothing
                // about what the procedure does for a status.
                return interpreter.run(procedure.body, scope: &scope, callDepth: 1).filter { action in
                    parameter == nil || action.name.object.uppercased() != value.uppercased()
                }
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
                    case .loop(let body, _, _):
                        visit(body)
                    case .assignment, .cursor, .executeImmediate, .returnStatement, .statement, .tooDeep:
                        break
                    }
                }
            }
            visit(nodes)
            return found
        }
    }
}
