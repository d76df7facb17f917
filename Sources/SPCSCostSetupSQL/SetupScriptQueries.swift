import Foundation
import SPCSCostCore

extension SetupScript {
    /// One row a query returns, as far as the script tells: the columns it knows in order, and what any other
    /// column depends on.
    struct Row: Equatable, Sendable {
        struct Column: Equatable, Sendable {
            /// The column name as Snowflake returns it (`compute_pool` for DESC/SHOW, an alias or `"x"` as written).
            var name: String
            var value: Value
        }

        var columns: [Column]
        /// What the row comes from, for messages (`DESC SERVICE JUPYTER_SERVICE`).
        var source: String

        /// The value of `column`: the exact name first, then one that differs only in case (SHOW and DESC return
        /// lower-case names, which scripts write quoted, `"compute_pool"`, or unquoted, `compute_pool`); unknown when
        /// the row does not have it.
        func value(of column: String) -> Value {
            if let exact = columns.first(where: { $0.name == column }) { return exact.value }
            if let folded = columns.first(where: { $0.name.uppercased() == column.uppercased() }) { return folded.value }
            return .unknown("column \"\(column)\" of \(source), which the script does not tell")
        }

        /// `scope` with the row's columns as locals: quoted names exactly, unquoted names upper-cased, so that a
        /// WHERE or a select list over RESULT_SCAN reads them.
        func bind(into scope: Scope) -> Scope {
            var inner = scope
            for column in columns {
                inner.locals[column.name] = column.value
                if inner.locals[column.name.uppercased()] == nil { inner.locals[column.name.uppercased()] = column.value }
            }
            return inner
        }
    }

    /// The rows of a query: DESC/DESCRIBE SERVICE or COMPUTE POOL, SHOW SERVICES or COMPUTE POOLS, a SELECT over
    /// `TABLE(RESULT_SCAN(LAST_QUERY_ID()))`, or a RESULTSET or cursor over one of those.
    struct QueryResult: Equatable, Sendable {
        /// The rows in order; nil when which rows come back is only known when the code runs (a loop over them is then
        /// followed once, with every column unknown).
        var rows: [Row]?
        /// The query, for messages.
        var source: String

        /// The one row standing for rows that are not known.
        var unknownRow: Row { Row(columns: [], source: source) }
    }

    /// A cursor declared with `CURSOR FOR <query>`: the query runs when the cursor is opened (`FOR ... IN`, `OPEN`).
    struct CursorDefinition: Sendable {
        var query: ArraySlice<Token>
        /// The values of `OPEN c USING (...)`, for the `?` in the query, in order; empty until opened with USING.
        var binds: [Value] = []
    }

    /// Reads the query forms above. DESC and SHOW need what the script creates (``ObjectCatalog``); SELECT over
    /// RESULT_SCAN needs only the scope's last result.
    enum QueryReader {
        /// Loops over more rows than this follow only the first ones (a SHOW over a script with hundreds of
        /// services would otherwise multiply the work of nested loops).
        static let maximumRows = 50

        /// True when `tokens` start a query this reader knows, after any opening parentheses.
        static func isQuery(_ tokens: ArraySlice<Token>) -> Bool {
            let inner = unwrapped(tokens)
            guard let first = inner.first, first.kind == .word else { return false }
            switch first.upper {
            case "DESC", "DESCRIBE", "SHOW", "SELECT": return true
            case "EXECUTE": return inner.dropFirst().first?.isWord("IMMEDIATE") == true
            default: return false
            }
        }

        /// `tokens` without the parentheses that enclose all of them.
        static func unwrapped(_ tokens: ArraySlice<Token>) -> ArraySlice<Token> {
            var inner = tokens
            while inner.count >= 2, inner.first?.isSymbol("(") == true, inner.last?.isSymbol(")") == true {
                var cursor = Cursor(inner)
                guard let group = cursor.group(), cursor.isAtEnd else { break }
                inner = group
            }
            return inner
        }

        /// `tokens` with each `?` replaced by the bound value, in order (a known text becomes a string literal; an
        /// unknown value a word no local has, so it reads as unknown).
        static func substitute(_ binds: [Value], in tokens: ArraySlice<Token>) -> ArraySlice<Token> {
            guard !binds.isEmpty else { return tokens }
            var next = 0
            let replaced = tokens.map { token -> Token in
                guard token.isSymbol("?") else { return token }
                defer { next += 1 }
                if next < binds.count, let text = binds[next].text {
                    return Token(.string, text, line: token.line, start: token.start, end: token.end)
                }
                return Token(.word, "?", line: token.line, start: token.start, end: token.end)
            }
            return replaced[...]
        }

        /// `SELECT <list> [INTO ...] FROM TABLE(RESULT_SCAN(LAST_QUERY_ID(...))) [WHERE ...] [LIMIT n]` over
        /// `scope.lastResult`; nil when `tokens` are not such a SELECT.
        static func select(_ tokens: ArraySlice<Token>, in scope: Scope, warnings: inout [Warning]) -> QueryResult? {
            let inner = unwrapped(tokens)
            guard inner.first?.isWord("SELECT") == true else { return nil }
            let depths = parenthesisDepths(inner)
            func index(of word: String, after start: Int) -> Int? {
                inner.indices.first { $0 >= start && inner[$0].isWord(word) && depths[$0 - inner.startIndex] == 0 }
            }
            guard let from = index(of: "FROM", after: inner.startIndex) else { return nil }
            // FROM TABLE(RESULT_SCAN(LAST_QUERY_ID(...)))
            let source = inner[(from + 1)...]
            guard source.contains(where: { $0.isWord("RESULT_SCAN") }),
                  source.contains(where: { $0.isWord("LAST_QUERY_ID") }) else { return nil }
            let intoIndex = index(of: "INTO", after: inner.startIndex).flatMap { $0 < from ? $0 : nil }
            let list = inner[(inner.startIndex + 1)..<(intoIndex ?? from)]
            guard let base = scope.lastResult else {
                return QueryResult(rows: nil, source: "RESULT_SCAN(LAST_QUERY_ID()) before any query the reader knows")
            }
            let label = "a SELECT over the result of \(base.source)"
            guard var rows = base.rows else { return QueryResult(rows: nil, source: label) }
            let whereIndex = index(of: "WHERE", after: from)
            let limitIndex = index(of: "LIMIT", after: from)
            let stops = [index(of: "ORDER", after: from), index(of: "GROUP", after: from), limitIndex].compactMap { $0 }
            if let whereIndex {
                let condition = inner[(whereIndex + 1)..<(stops.filter { $0 > whereIndex }.min() ?? inner.endIndex)]
                rows = rows.filter { row in
                    switch ExpressionReader.evaluate(condition, in: row.bind(into: scope), warnings: &warnings) {
                    case .bool(false), .null: false
                    default: true
                    }
                }
            }
            if let limitIndex, limitIndex + 1 < inner.endIndex, let n = Int(inner[limitIndex + 1].text), n >= 0 {
                rows = Array(rows.prefix(n))
            }
            let items = Splitter.commaSeparated(list)
            let projected = rows.map { row -> Row in
                var columns: [Row.Column] = []
                let bound = row.bind(into: scope)
                for item in items {
                    if item.count == 1, item.first?.isSymbol("*") == true {
                        columns += row.columns
                        continue
                    }
                    var expression = item
                    var name: String?
                    if item.count >= 2, let last = item.last, last.kind == .word || last.kind == .quotedIdentifier {
                        let before = item[item.endIndex - 2]
                        if before.isWord("AS") {
                            expression = item[..<(item.endIndex - 2)]
                            name = last.kind == .word ? last.upper : last.text
                        } else if !before.isSymbol(".") && !before.isSymbol("::") && item.count == 2 {
                            expression = item.prefix(1)
                            name = last.kind == .word ? last.upper : last.text
                        }
                    }
                    if name == nil, expression.count == 1, let only = expression.first {
                        name = only.kind == .word ? only.upper : only.text
                    }
                    let value = ExpressionReader.evaluate(expression, in: bound, warnings: &warnings)
                    columns.append(Row.Column(name: name ?? "EXPR\(columns.count + 1)", value: value))
                }
                return Row(columns: columns, source: label)
            }
            return QueryResult(rows: projected, source: label)
        }

        /// The targets of `SELECT ... INTO :a, :b FROM ...`, normalised; nil when there is no INTO.
        static func intoTargets(_ tokens: ArraySlice<Token>) -> [String]? {
            let depths = parenthesisDepths(tokens)
            guard let into = tokens.indices.first(where: {
                tokens[$0].isWord("INTO") && depths[$0 - tokens.startIndex] == 0
            }) else { return nil }
            let end = tokens.indices.first { $0 > into && tokens[$0].isWord("FROM") && depths[$0 - tokens.startIndex] == 0 }
                ?? tokens.endIndex
            return Splitter.commaSeparated(tokens[(into + 1)..<end]).compactMap { target in
                guard let name = target.last, name.kind == .word || name.kind == .quotedIdentifier else { return nil }
                return name.kind == .word ? name.upper : name.text
            }
        }

        private static func parenthesisDepths(_ tokens: ArraySlice<Token>) -> [Int] {
            var level = 0
            return tokens.map { token in
                if token.isSymbol("(") { level += 1; return level }
                if token.isSymbol(")") { level -= 1; return level + 1 }
                return level
            }
        }
    }

    /// What the script creates, for DESC and SHOW: services with their pools (the script's, a
    /// `--service-pool`-style assignment, or the one pool assumed for an unset session variable) and pools.
    struct ObjectCatalog: Sendable {
        var services: [Service] = []
        var pools: [Pool] = []
        /// Pools named for services by the caller (``SetupScript/ServicePool``), which win over the script.
        var assigned: [ServicePool] = []

        /// The service `name` refers to: the exact name, else the one service it matches; nil otherwise.
        func service(_ name: Name) -> Service? {
            if let exact = services.first(where: { $0.name == name }) { return exact }
            let matching = services.filter { $0.name.matches(name) }
            return matching.count == 1 ? matching[0] : nil
        }

        /// The pool `name` refers to, as ``service(_:)`` does.
        func pool(_ name: Name) -> Pool? {
            if let exact = pools.first(where: { $0.name == name }) { return exact }
            let matching = pools.filter { $0.name.matches(name) }
            return matching.count == 1 ? matching[0] : nil
        }

        /// The compute pool of service `name`: assigned by the caller, else the script's (created IN COMPUTE POOL, or
        /// the only pool assumed); nil when neither tells.
        func computePool(ofService name: Name) -> Name? {
            if let given = assigned.first(where: { $0.service.matches(name) }) { return given.pool }
            return service(name)?.computePool
        }

        /// The row DESC SERVICE returns for `name` (columns from SHOW SERVICES / DESCRIBE SERVICE).
        func serviceRow(_ name: Name) -> Row {
            let service = service(name)
            let shown = service?.name ?? name
            let source = "DESC SERVICE \(shown)"
            var columns = [Row.Column(name: "name", value: .text(shown.object))]
            if shown.parts.count == 3 { columns.append(.init(name: "database_name", value: .text(shown.parts[0]))) }
            if shown.parts.count >= 2 {
                columns.append(.init(name: "schema_name", value: .text(shown.parts[shown.parts.count - 2])))
            }
            columns.append(.init(name: "status", value: .unknown("the status of service \(shown) (\"status\")")))
            columns.append(.init(name: "compute_pool", value: computePool(ofService: name).map { .text($0.description) }
                ?? .unknown("the compute pool of service \(shown) (the script does not name it: give "
                    + "--service-pool \(shown.object)=POOL)")))
            if let service {
                columns.append(.init(name: "auto_suspend_secs", value: .text(String(service.autoSuspendSeconds))))
                if let n = service.minInstances { columns.append(.init(name: "min_instances", value: .text(String(n)))) }
                if let n = service.maxInstances { columns.append(.init(name: "max_instances", value: .text(String(n)))) }
            }
            return Row(columns: columns, source: source)
        }

        /// The row DESC COMPUTE POOL returns for `name`.
        func poolRow(_ name: Name) -> Row {
            let pool = pool(name)
            let shown = pool?.name ?? name
            var columns = [
                Row.Column(name: "name", value: .text(shown.object)),
                Row.Column(name: "state", value: .unknown("the state of compute pool \(shown) (\"state\")")),
            ]
            if let pool {
                if let family = pool.instanceFamily { columns.append(.init(name: "instance_family", value: .text(family))) }
                if let n = pool.minNodes { columns.append(.init(name: "min_nodes", value: .text(String(n)))) }
                if let n = pool.maxNodes { columns.append(.init(name: "max_nodes", value: .text(String(n)))) }
                columns.append(.init(name: "auto_suspend_secs", value: .text(String(pool.autoSuspendSeconds))))
                columns.append(.init(name: "auto_resume", value: .text(pool.autoResume ? "true" : "false")))
            }
            return Row(columns: columns, source: "DESC COMPUTE POOL \(shown)")
        }
    }
}
