import Foundation
import SPCSCostCore

extension SetupScript {
    /// A task as the reader keeps it until the end of the script, when its body is followed.
    struct TaskDefinition {
        var name: Name
        var line: Int
        var schedule: String?
        var warehouse: Name?
        var serverlessSize: WarehouseSize?
        var predecessors: [Name]
        var bodyText: String
        var body: [CodeNode]
        var isResumed: Bool
    }

    /// Reads a script statement by statement, in order, keeping what each statement creates or changes; at the end
    /// follows task bodies and procedures to their actions.
    struct Reader {
        private enum Outcome {
            case used
            case skipped(SkippedStatement.Reason)
        }

        private let lexed: Lexed
        private var warnings: [Warning] = []
        private var skipped: [SkippedStatement] = []
        private var session: [String: String?] = [:]
        private var variables: [Variable] = []
        private var pools: [Pool] = []
        private var services: [Service] = []
        private var warehouses: [Warehouse] = []
        private var procedures: [ProcedureDefinition] = []
        private var tasks: [TaskDefinition] = []
        private var manualActions: [Action] = []
        private let servicePools: [ServicePool]
        /// Services that DESC or SHOW looked up, so that a pool given for one of them is not reported as unused.
        private var servicesDescribed: [Name] = []
        /// Loop turns the rest of the script may take (``Interpreter/maximumScriptLoopTurns``).
        private var loopTurnsLeft = Interpreter.maximumScriptLoopTurns

        init(text: String, servicePools: [ServicePool] = []) {
            lexed = Lexer.lex(text)
            self.servicePools = servicePools
        }

        /// What DESC and SHOW see while the script is read: the objects created so far.
        private var objects: ObjectCatalog {
            ObjectCatalog(services: services, pools: pools, assigned: servicePools)
        }

        /// Statement kinds that never change pools, services, warehouses, procedures or tasks.
        private static let notAboutCost: Set<String> = [
            "COMMENT", "COMMIT", "COPY", "DELETE", "DESC", "DESCRIBE", "EXPLAIN", "GET", "GRANT", "INSERT", "LIST",
            "LS", "MERGE", "PUT", "REMOVE", "REVOKE", "RM", "ROLLBACK", "SHOW", "TRUNCATE", "UNDROP", "UPDATE", "USE",
        ]

        mutating func run() -> Analysis {
            warnings = lexed.warnings
            let split = Splitter.split(lexed.tokens)
            warnings += split.warnings
            for range in split.statements {
                let tokens = lexed.tokens[range]
                if case .skipped(let reason) = read(tokens) {
                    skipped.append(SkippedStatement(line: tokens[range.lowerBound].line,
                                                    firstWords: firstWords(tokens), reason: reason))
                }
            }
            return finish(statementCount: split.statements.count)
        }

        // MARK: Dispatch

        private mutating func read(_ tokens: ArraySlice<Token>) -> Outcome {
            let first = tokens[tokens.startIndex]
            guard first.kind == .word else { return .skipped(first.isSymbol("!") ? .notAboutCost : .notUnderstood) }
            var cursor = Cursor(tokens)
            _ = cursor.next()
            switch first.upper {
            case "CREATE": return create(&cursor)
            case "ALTER": return alter(&cursor)
            case "DROP": return drop(&cursor)
            case "SET": return set(&cursor)
            case "UNSET": return unset(&cursor)
            case "CALL": return callAtTopLevel(tokens)
            case "SELECT": return select(tokens)
            case "BEGIN", "START":
                let next = tokens.dropFirst().first
                let transaction = next == nil || next?.isWord("TRANSACTION") == true || next?.isWord("WORK") == true
                    || next?.isWord("NAME") == true
                return .skipped(transaction ? .notAboutCost : .notUnderstood)
            case "EXECUTE":
                return .skipped(cursor.accept("TASK") ? .notAboutCost : .notUnderstood)
            default:
                return .skipped(Self.notAboutCost.contains(first.upper) ? .notAboutCost : .notUnderstood)
            }
        }

        private var topScope: Scope { Scope(session: session, isStoredCode: false, owner: "the script") }

        /// Reads the object name at `cursor`; on failure adds a warning naming `statement` and returns nil.
        private mutating func name(_ cursor: inout Cursor, _ statement: String) -> Name? {
            let line = cursor.line
            switch ExpressionReader.readName(&cursor, in: topScope, warnings: &warnings) {
            case .name(let name):
                return name
            case .unknown(let reason):
                warnings.append(Warning(
                    line: line, code: .unreadableStatement,
                    message: "the name in \(statement) depends on \(reason); the statement is not used."))
            case .missing:
                warnings.append(Warning(
                    line: line, code: .unreadableStatement,
                    message: "\(statement) has no object name the reader can read; the statement is not used."))
            }
            return nil
        }

        // MARK: CREATE

        private enum CreateMode { case plain, orReplace, orAlter, ifNotExists }

        private enum CreatedKind: String {
            case computePool = "CREATE COMPUTE POOL"
            case service = "CREATE SERVICE"
            case warehouse = "CREATE WAREHOUSE"
            case task = "CREATE TASK"
            case procedure = "CREATE PROCEDURE"
        }

        private mutating func create(_ cursor: inout Cursor) -> Outcome {
            var mode = CreateMode.plain
            if cursor.accept("OR", "REPLACE") { mode = .orReplace }
            if cursor.accept("OR", "ALTER") { mode = .orAlter }
            while cursor.accept("SECURE") || cursor.accept("TEMPORARY") || cursor.accept("TEMP")
                || cursor.accept("TRANSIENT") {}
            let kind: CreatedKind
            if cursor.accept("COMPUTE", "POOL") {
                kind = .computePool
            } else if cursor.accept("SERVICE") {
                kind = .service
            } else if cursor.accept("WAREHOUSE") {
                kind = .warehouse
            } else if cursor.accept("TASK") {
                kind = .task
            } else if cursor.accept("PROCEDURE") {
                kind = .procedure
            } else {
                return .skipped(.notAboutCost)
            }
            if cursor.accept("IF", "NOT", "EXISTS") { mode = .ifNotExists }
            let line = cursor.tokens[cursor.tokens.startIndex].line
            guard let name = name(&cursor, kind.rawValue) else { return .skipped(.notUnderstood) }
            switch kind {
            case .computePool: createPool(name, line, mode, &cursor)
            case .service: createService(name, line, mode, &cursor)
            case .warehouse: createWarehouse(name, line, mode, &cursor)
            case .task: createTask(name, line, mode, &cursor)
            case .procedure: createProcedure(name, line, mode, &cursor)
            }
            return .used
        }

        /// Adds `item` to `list` as CREATE with `mode` does when an object of the same name exists: OR REPLACE
        /// replaces it (moving it to the end), OR ALTER merges with `alter`, IF NOT EXISTS keeps the old one, and a
        /// plain CREATE keeps the old one with a warning.
        private static func register<T>(_ item: T, _ list: inout [T], _ key: KeyPath<T, Name>, _ mode: CreateMode,
                                        _ kind: String, _ line: Int, alter: (inout T, T) -> Void = { $0 = $1 })
            -> Warning? {
            guard let existing = list.firstIndex(where: { $0[keyPath: key] == item[keyPath: key] }) else {
                list.append(item)
                return nil
            }
            switch mode {
            case .orReplace:
                list.remove(at: existing)
                list.append(item)
            case .orAlter:
                alter(&list[existing], item)
            case .ifNotExists:
                break
            case .plain:
                return Warning(
                    line: line, code: .duplicateObject,
                    message: "\(kind) \(item[keyPath: key]) is already created on an earlier line; without OR REPLACE "
                        + "Snowflake rejects this statement, so it is not applied.")
            }
            return nil
        }

        /// One `KEY = value` property.
        private struct Property {
            let key: String
            let value: ArraySlice<Token>
            let line: Int
        }

        /// Reads `KEY = value` properties in any order, skipping anything else (`WITH`, `TAG (...)`, words it does
        /// not know), up to the end or a token that is not a `KEY =` and for which `stop` is true (not consumed).
        private func properties(_ cursor: inout Cursor, stop: (Cursor) -> Bool = { _ in false }) -> [Property] {
            var found: [Property] = []
            while let token = cursor.peek {
                if token.kind == .word, cursor.peek(1)?.isSymbol("=") == true {
                    _ = cursor.next()
                    _ = cursor.next()
                    found.append(Property(key: token.upper, value: cursor.propertyValue(), line: token.line))
                } else if stop(cursor) {
                    break
                } else if token.isSymbol("(") {
                    _ = cursor.group()
                } else {
                    _ = cursor.next()
                }
            }
            return found
        }

        /// A property value as text: a bare word is itself (upper-cased, as in `INSTANCE_FAMILY = cpu_x64_xs`),
        /// anything else is evaluated (strings, `$var`, `||`). Nil with a warning when it cannot be evaluated.
        private mutating func text(_ property: Property, in statement: String) -> String? {
            let value = property.value
            if value.count == 1, let only = value.first, only.kind == .word || only.kind == .quotedIdentifier {
                return only.kind == .word ? only.upper : only.text
            }
            let result = ExpressionReader.evaluate(value, in: topScope, warnings: &warnings)
            guard let text = result.text else {
                warnings.append(Warning(
                    line: property.line, code: .unreadableStatement,
                    message: "\(statement): \(property.key) depends on "
                        + "\(result.unknownReason ?? "a value that is not text"); it is not applied."))
                return nil
            }
            return text
        }

        private mutating func integer(_ property: Property, in statement: String) -> Int? {
            guard let text = text(property, in: statement) else { return nil }
            guard let number = Int(text) else {
                warnings.append(Warning(
                    line: property.line, code: .unreadableStatement,
                    message: "\(statement): \(property.key) = '\(text)' is not a whole number; it is not applied."))
                return nil
            }
            return number
        }

        private mutating func boolean(_ property: Property, in statement: String) -> Bool? {
            guard let text = text(property, in: statement) else { return nil }
            switch text.uppercased() {
            case "TRUE": return true
            case "FALSE": return false
            default:
                warnings.append(Warning(
                    line: property.line, code: .unreadableStatement,
                    message: "\(statement): \(property.key) = '\(text)' is not TRUE or FALSE; it is not applied."))
                return nil
            }
        }

        private mutating func size(_ property: Property, in statement: String) -> WarehouseSize? {
            guard let text = text(property, in: statement) else { return nil }
            guard let size = WarehouseSize(name: text) else {
                warnings.append(Warning(
                    line: property.line, code: .unreadableStatement,
                    message: "\(statement): \(property.key) = '\(text)' is not a warehouse size (XSMALL ... X6LARGE); "
                        + "it is not applied."))
                return nil
            }
            return size
        }

        // MARK: Compute pools

        private static let poolDefaults: [(key: String, apply: @Sendable (inout Pool) -> Void)] = [
            ("AUTO_SUSPEND_SECS", { $0.autoSuspendSeconds = 3600 }),
            ("AUTO_RESUME", { $0.autoResume = true }),
            ("INITIALLY_SUSPENDED", { $0.initiallySuspended = false }),
        ]

        private mutating func createPool(_ name: Name, _ line: Int, _ mode: CreateMode, _ cursor: inout Cursor) {
            var pool = Pool(
                name: name, line: line, instanceFamily: nil, minNodes: nil, maxNodes: nil, autoSuspendSeconds: 3600,
                autoResume: true, initiallySuspended: false, comment: nil, backupInstanceFamilies: [],
                defaultedProperties: Self.poolDefaults.map(\.key), alteredAtLines: [])
            apply(properties(&cursor), to: &pool, in: "CREATE COMPUTE POOL \(name)")
            if let duplicate = Self.register(pool, &pools, \.name, mode, "compute pool", line) {
                warnings.append(duplicate)
            }
        }

        private mutating func apply(_ properties: [Property], to pool: inout Pool, in statement: String) {
            for property in properties {
                switch property.key {
                case "INSTANCE_FAMILY": pool.instanceFamily = text(property, in: statement)?.uppercased()
                case "MIN_NODES": pool.minNodes = integer(property, in: statement) ?? pool.minNodes
                case "MAX_NODES": pool.maxNodes = integer(property, in: statement) ?? pool.maxNodes
                case "AUTO_SUSPEND_SECS":
                    pool.autoSuspendSeconds = integer(property, in: statement) ?? pool.autoSuspendSeconds
                case "AUTO_RESUME": pool.autoResume = boolean(property, in: statement) ?? pool.autoResume
                case "INITIALLY_SUSPENDED":
                    pool.initiallySuspended = boolean(property, in: statement) ?? pool.initiallySuspended
                case "COMMENT": pool.comment = text(property, in: statement)
                case "BACKUP_INSTANCE_FAMILIES":
                    pool.backupInstanceFamilies = Splitter.commaSeparated(property.value.dropFirst().dropLast())
                        .compactMap { item in
                            ExpressionReader.evaluate(item, in: topScope, warnings: &warnings).text?.uppercased()
                        }
                default: continue
                }
                pool.defaultedProperties.removeAll { $0 == property.key }
            }
        }

        // MARK: Services and warehouses

        private mutating func createService(_ name: Name, _ line: Int, _ mode: CreateMode, _ cursor: inout Cursor) {
            var service = Service(name: name, line: line, computePool: nil, autoSuspendSeconds: 0,
                                  minInstances: nil, maxInstances: nil)
            let statement = "CREATE SERVICE \(name)"
            while !cursor.isAtEnd {
                if cursor.accept("IN", "COMPUTE", "POOL") {
                    if let variable = unsetVariable(at: cursor) {
                        // Read past the name; the unset variable gets its own warning there. The pool is resolved
                        // at the end of the script (a caller's ServicePool, or the script's only pool).
                        _ = ExpressionReader.readName(&cursor, in: topScope, warnings: &warnings)
                        service.unsetPoolVariable = variable
                    } else {
                        service.computePool = self.name(&cursor, statement)
                        service.computePoolOrigin = service.computePool == nil ? nil : .script
                    }
                } else if cursor.peek?.kind == .word, cursor.peek(1)?.isSymbol("=") == true {
                    let found = properties(&cursor) { next in
                        next.peek?.isWord("IN") == true && next.peek(1)?.isWord("COMPUTE") == true
                    }
                    apply(found, to: &service, in: statement)
                } else {
                    _ = cursor.next()
                }
            }
            if let duplicate = Self.register(service, &services, \.name, mode, "service", line) {
                warnings.append(duplicate)
            }
        }

        /// The session variable at `cursor` (`$v` or `IDENTIFIER($v)`) when no SET so far gives it a value.
        private func unsetVariable(at cursor: Cursor) -> String? {
            var token = cursor.peek
            if token?.isWord("IDENTIFIER") == true, cursor.peek(1)?.isSymbol("(") == true,
               cursor.peek(3)?.isSymbol(")") == true {
                token = cursor.peek(2)
            }
            guard let token, token.kind == .variable else { return nil }
            let key = token.text.uppercased()
            return session.keys.contains(key) ? nil : key
        }

        private mutating func apply(_ properties: [Property], to service: inout Service, in statement: String) {
            for property in properties {
                switch property.key {
                case "AUTO_SUSPEND_SECS":
                    service.autoSuspendSeconds = integer(property, in: statement) ?? service.autoSuspendSeconds
                case "MIN_INSTANCES": service.minInstances = integer(property, in: statement) ?? service.minInstances
                case "MAX_INSTANCES": service.maxInstances = integer(property, in: statement) ?? service.maxInstances
                default: continue
                }
            }
        }

        private mutating func createWarehouse(_ name: Name, _ line: Int, _ mode: CreateMode, _ cursor: inout Cursor) {
            var warehouse = Warehouse(name: name, line: line, size: .xSmall, autoSuspendSeconds: 600,
                                      defaultedProperties: ["WAREHOUSE_SIZE", "AUTO_SUSPEND"])
            apply(properties(&cursor), to: &warehouse, in: "CREATE WAREHOUSE \(name)")
            if let duplicate = Self.register(warehouse, &warehouses, \.name, mode, "warehouse", line) {
                warnings.append(duplicate)
            }
        }

        private mutating func apply(_ properties: [Property], to warehouse: inout Warehouse, in statement: String) {
            for property in properties {
                switch property.key {
                case "WAREHOUSE_SIZE":
                    warehouse.size = size(property, in: statement) ?? warehouse.size
                case "AUTO_SUSPEND":
                    if property.value.count == 1, property.value.first?.isWord("NULL") == true {
                        warehouse.autoSuspendSeconds = 0
                    } else {
                        warehouse.autoSuspendSeconds = integer(property, in: statement) ?? warehouse.autoSuspendSeconds
                    }
                default: continue
                }
                warehouse.defaultedProperties.removeAll { $0 == property.key }
            }
        }

        // MARK: Procedures

        private mutating func createProcedure(_ name: Name, _ line: Int, _ mode: CreateMode, _ cursor: inout Cursor) {
            var parameters: [Procedure.Parameter] = []
            var defaults: [String: ArraySlice<Token>] = [:]
            for piece in Splitter.commaSeparated(cursor.group() ?? []) {
                guard let first = piece.first, first.kind == .word || first.kind == .quotedIdentifier else { continue }
                let parameterName = first.kind == .word ? first.upper : first.text
                let rest = piece.dropFirst()
                let defaultIndex = rest.firstIndex { $0.isWord("DEFAULT") } ?? rest.endIndex
                let defaultTokens = rest[defaultIndex...].dropFirst()
                parameters.append(Procedure.Parameter(
                    name: parameterName, type: sourceText(rest[..<defaultIndex]).uppercased(),
                    defaultValue: defaultIndex < rest.endIndex ? sourceText(defaultTokens) : nil))
                if defaultIndex < rest.endIndex { defaults[parameterName] = defaultTokens }
            }
            var language = "SQL"
            var bodyTokens: ArraySlice<Token> = []
            while let token = cursor.next() {
                if token.isWord("LANGUAGE"), let value = cursor.next() {
                    language = value.upper
                } else if token.isWord("EXECUTE"), cursor.peek?.isWord("AS") == true {
                    _ = cursor.next()
                } else if token.isWord("AS") {
                    bodyTokens = cursor.rest
                    break
                } else if token.isSymbol("(") {
                    cursor.move(to: cursor.index - 1)
                    _ = cursor.group()
                }
            }
            if bodyTokens.isEmpty {
                warnings.append(Warning(
                    line: line, code: .unreadableStatement,
                    message: "CREATE PROCEDURE \(name) has no AS <body>; what it does is unknown."))
            }
            var body: [CodeNode] = []
            if language == "SQL" {
                if bodyTokens.count == 1, let quoted = bodyTokens.first, quoted.kind == .string {
                    let inner = Lexer.lex(quoted.text, firstLine: quoted.line)
                    warnings += inner.warnings
                    body = CodeNode.parseBody(inner.tokens[...])
                } else {
                    body = CodeNode.parseBody(bodyTokens)
                }
            }
            let summary = Procedure(name: name, line: line, parameters: parameters, language: language,
                                    statusParameter: nil, actionsByStatus: [])
            let definition = ProcedureDefinition(summary: summary, body: body, defaults: defaults)
            if let duplicate = Self.register(definition, &procedures, \.summary.name, mode, "procedure", line) {
                warnings.append(duplicate)
            }
        }

        /// The source text of `tokens` exactly as written, from the first token's start to the last one's end.
        private func rawText(_ tokens: ArraySlice<Token>) -> String {
            guard let first = tokens.first, let last = tokens.last else { return "" }
            return String(String.UnicodeScalarView(lexed.source[first.start..<last.end]))
        }

        /// The source text of `tokens`, whitespace runs collapsed to one space.
        private func sourceText(_ tokens: ArraySlice<Token>) -> String {
            rawText(tokens).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }

        // MARK: Tasks

        private mutating func createTask(_ name: Name, _ line: Int, _ mode: CreateMode, _ cursor: inout Cursor) {
            var task = TaskDefinition(name: name, line: line, schedule: nil, warehouse: nil, serverlessSize: nil,
                                      predecessors: [], bodyText: "", body: [], isResumed: false)
            let statement = "CREATE TASK \(name)"
            var foundBody = false
            while let token = cursor.peek {
                if token.isWord("AS") {
                    _ = cursor.next()
                    task.bodyText = rawText(cursor.rest)
                    task.body = CodeNode.parseBody(cursor.rest)
                    foundBody = true
                    break
                } else if cursor.accept("EXECUTE", "AS", "USER") {
                    _ = cursor.next()
                } else if cursor.accept("AFTER") {
                    repeat {
                        if let predecessor = self.name(&cursor, statement) { task.predecessors.append(predecessor) }
                    } while cursor.acceptSymbol(",")
                } else if cursor.accept("WHEN") {
                    while let next = cursor.peek, !next.isWord("AS") {
                        if next.isSymbol("(") { _ = cursor.group() } else { _ = cursor.next() }
                    }
                } else if token.kind == .word, cursor.peek(1)?.isSymbol("=") == true {
                    let found = properties(&cursor) { next in
                        next.peek.map { $0.isWord("AS") || $0.isWord("AFTER") || $0.isWord("WHEN")
                            || $0.isWord("EXECUTE") } ?? true
                    }
                    apply(found, to: &task, in: statement)
                } else {
                    _ = cursor.next()
                }
            }
            if !foundBody {
                warnings.append(Warning(
                    line: line, code: .unreadableStatement,
                    message: "\(statement) has no AS <sql> body; the task does nothing the reader can see."))
            }
            let duplicate = Self.register(task, &tasks, \.name, mode, "task", line) { existing, new in
                let resumed = existing.isResumed
                existing = new
                existing.isResumed = resumed
            }
            if let duplicate { warnings.append(duplicate) }
        }

        private mutating func apply(_ properties: [Property], to task: inout TaskDefinition, in statement: String) {
            for property in properties {
                switch property.key {
                case "SCHEDULE":
                    task.schedule = text(property, in: statement)
                case "WAREHOUSE":
                    var valueCursor = Cursor(property.value)
                    if case .name(let warehouse) = ExpressionReader.readName(
                        &valueCursor, in: topScope, warnings: &warnings) {
                        task.warehouse = warehouse
                    } else if let text = text(property, in: statement) {
                        task.warehouse = Name(text)
                    }
                case "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE":
                    task.serverlessSize = size(property, in: statement)
                default: continue
                }
            }
        }

        // MARK: ALTER and DROP

        private mutating func alter(_ cursor: inout Cursor) -> Outcome {
            if cursor.accept("COMPUTE", "POOL") { return alterPool(&cursor) }
            if cursor.accept("SERVICE") { return alterService(&cursor) }
            if cursor.accept("TASK") { return alterTask(&cursor) }
            if cursor.accept("WAREHOUSE") { return alterWarehouse(&cursor) }
            return .skipped(.notAboutCost)
        }

        /// The index in `list` of the object `name` refers to (exact name first, else the one unambiguous match);
        /// nil with a warning when there is none or more than one.
        private mutating func find<T>(_ name: Name, in list: [T], _ key: KeyPath<T, Name>, kind: String,
                                      line: Int, statement: String) -> Int? {
            if let exact = list.firstIndex(where: { $0[keyPath: key] == name }) { return exact }
            let matching = list.indices.filter { list[$0][keyPath: key].matches(name) }
            if matching.count == 1 { return matching[0] }
            warnings.append(Warning(
                line: line, code: matching.isEmpty ? .unknownObject : .ambiguousName,
                message: matching.isEmpty
                    ? "\(statement): this script does not create \(kind) \(name); the statement is not applied."
                    : "\(statement): \(name) matches the \(kind)s "
                        + matching.map { "\(list[$0][keyPath: key])" }.joined(separator: ", ")
                        + "; qualify the name. The statement is not applied."))
            return nil
        }

        private mutating func alterPool(_ cursor: inout Cursor) -> Outcome {
            _ = cursor.accept("IF", "EXISTS")
            let line = cursor.tokens[cursor.tokens.startIndex].line
            guard let name = name(&cursor, "ALTER COMPUTE POOL") else { return .skipped(.notUnderstood) }
            let statement = "ALTER COMPUTE POOL \(name)"
            if let verb = verb(&cursor) {
                manualActions.append(Action(verb: verb, target: .computePool, name: name, computePool: nil, line: line))
                return .used
            }
            let isSet = cursor.accept("SET")
            guard isSet || cursor.accept("UNSET") else { return .skipped(.notUnderstood) }
            guard let index = find(name, in: pools, \.name, kind: "compute pool", line: line, statement: statement)
            else { return .skipped(.notUnderstood) }
            if isSet {
                var pool = pools[index]
                apply(properties(&cursor), to: &pool, in: statement)
                pools[index] = pool
            } else {
                for piece in Splitter.commaSeparated(cursor.rest) {
                    guard let key = piece.first?.upper else { continue }
                    if let reset = Self.poolDefaults.first(where: { $0.key == key }) {
                        reset.apply(&pools[index])
                        pools[index].defaultedProperties = Self.poolDefaults.map(\.key).filter {
                            $0 == key || pools[index].defaultedProperties.contains($0)
                        }
                    } else if key == "COMMENT" {
                        pools[index].comment = nil
                    } else if key == "BACKUP_INSTANCE_FAMILIES" {
                        pools[index].backupInstanceFamilies = []
                    }
                }
            }
            pools[index].alteredAtLines.append(line)
            return .used
        }

        private mutating func verb(_ cursor: inout Cursor) -> Action.Verb? {
            if cursor.accept("SUSPEND") { return .suspend }
            if cursor.accept("RESUME") { return .resume }
            return nil
        }

        private mutating func alterService(_ cursor: inout Cursor) -> Outcome {
            _ = cursor.accept("IF", "EXISTS")
            let line = cursor.tokens[cursor.tokens.startIndex].line
            guard let name = name(&cursor, "ALTER SERVICE") else { return .skipped(.notUnderstood) }
            if let verb = verb(&cursor) {
                manualActions.append(Action(verb: verb, target: .service, name: name, computePool: nil, line: line))
                return .used
            }
            guard cursor.accept("SET") else { return .skipped(.notAboutCost) }
            let statement = "ALTER SERVICE \(name)"
            guard let index = find(name, in: services, \.name, kind: "service", line: line, statement: statement)
            else { return .skipped(.notUnderstood) }
            var service = services[index]
            apply(properties(&cursor), to: &service, in: statement)
            services[index] = service
            return .used
        }

        private mutating func alterWarehouse(_ cursor: inout Cursor) -> Outcome {
            _ = cursor.accept("IF", "EXISTS")
            let line = cursor.tokens[cursor.tokens.startIndex].line
            guard let name = name(&cursor, "ALTER WAREHOUSE") else { return .skipped(.notUnderstood) }
            guard cursor.accept("SET") else { return .skipped(.notAboutCost) }
            let statement = "ALTER WAREHOUSE \(name)"
            guard let index = find(name, in: warehouses, \.name, kind: "warehouse", line: line, statement: statement)
            else { return .skipped(.notUnderstood) }
            var warehouse = warehouses[index]
            apply(properties(&cursor), to: &warehouse, in: statement)
            warehouses[index] = warehouse
            return .used
        }

        private mutating func alterTask(_ cursor: inout Cursor) -> Outcome {
            _ = cursor.accept("IF", "EXISTS")
            let line = cursor.tokens[cursor.tokens.startIndex].line
            guard let name = name(&cursor, "ALTER TASK") else { return .skipped(.notUnderstood) }
            let statement = "ALTER TASK \(name)"
            let action: (inout TaskDefinition) -> Void
            if let verb = verb(&cursor) {
                action = { $0.isResumed = verb == .resume }
            } else if cursor.accept("SET") {
                let found = properties(&cursor)
                var scratch = TaskDefinition(name: name, line: line, schedule: nil, warehouse: nil,
                                             serverlessSize: nil, predecessors: [], bodyText: "", body: [],
                                             isResumed: false)
                apply(found, to: &scratch, in: statement)
                let keys = Set(found.map(\.key))
                action = { task in
                    if keys.contains("SCHEDULE") { task.schedule = scratch.schedule }
                    if keys.contains("WAREHOUSE") { task.warehouse = scratch.warehouse }
                    if keys.contains("USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE") {
                        task.serverlessSize = scratch.serverlessSize
                    }
                }
            } else if cursor.accept("UNSET") {
                let keys = Set(Splitter.commaSeparated(cursor.rest).compactMap { $0.first?.upper })
                action = { task in
                    if keys.contains("SCHEDULE") { task.schedule = nil }
                    if keys.contains("WAREHOUSE") { task.warehouse = nil }
                    if keys.contains("USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE") { task.serverlessSize = nil }
                }
            } else if cursor.accept("MODIFY", "AS") {
                let text = rawText(cursor.rest)
                let body = CodeNode.parseBody(cursor.rest)
                action = { task in
                    task.bodyText = text
                    task.body = body
                }
            } else {
                return .skipped(.notUnderstood)
            }
            guard let index = find(name, in: tasks, \.name, kind: "task", line: line, statement: statement)
            else { return .skipped(.notUnderstood) }
            action(&tasks[index])
            return .used
        }

        private mutating func drop(_ cursor: inout Cursor) -> Outcome {
            func remove<T>(_ list: inout [T], _ key: KeyPath<T, Name>, _ name: Name) {
                list.removeAll { $0[keyPath: key] == name }
            }
            let kind: String
            if cursor.accept("COMPUTE", "POOL") {
                kind = "COMPUTE POOL"
            } else if cursor.accept("SERVICE") {
                kind = "SERVICE"
            } else if cursor.accept("WAREHOUSE") {
                kind = "WAREHOUSE"
            } else if cursor.accept("TASK") {
                kind = "TASK"
            } else if cursor.accept("PROCEDURE") {
                kind = "PROCEDURE"
            } else {
                return .skipped(.notAboutCost)
            }
            _ = cursor.accept("IF", "EXISTS")
            guard let name = name(&cursor, "DROP \(kind)") else { return .skipped(.notUnderstood) }
            switch kind {
            case "COMPUTE POOL": remove(&pools, \.name, name)
            case "SERVICE": remove(&services, \.name, name)
            case "WAREHOUSE": remove(&warehouses, \.name, name)
            case "TASK": remove(&tasks, \.name, name)
            default: remove(&procedures, \.summary.name, name)
            }
            return .used
        }

        // MARK: Session variables

        private static func variableName(_ token: Token) -> String? {
            switch token.kind {
            case .word: token.upper
            case .quotedIdentifier: token.text
            default: nil
            }
        }

        private mutating func set(_ cursor: inout Cursor) -> Outcome {
            let line = cursor.tokens[cursor.tokens.startIndex].line
            var names: [String] = []
            var values: [ArraySlice<Token>] = []
            if let list = cursor.group() {
                names = Splitter.commaSeparated(list).compactMap { item in
                    item.count == 1 ? Self.variableName(item[item.startIndex]) : nil
                }
                guard cursor.acceptSymbol("="), let valueList = cursor.group() else { return .skipped(.notUnderstood) }
                values = Splitter.commaSeparated(valueList)
            } else {
                guard let token = cursor.next(), let name = Self.variableName(token), cursor.acceptSymbol("=")
                else { return .skipped(.notUnderstood) }
                names = [name]
                values = [cursor.rest]
            }
            guard names.count == values.count, !names.isEmpty else {
                warnings.append(Warning(
                    line: line, code: .unreadableStatement,
                    message: "SET gives \(values.count) value(s) to \(names.count) variable(s); the statement is not "
                        + "used."))
                return .skipped(.notUnderstood)
            }
            let evaluated = values.map { ExpressionReader.evaluate($0, in: topScope, warnings: &warnings).text }
            for (name, value) in zip(names, evaluated) {
                session[name] = .some(value)
                variables.removeAll { $0.name == name }
                variables.append(Variable(name: name, value: value, line: line))
            }
            return .used
        }

        private mutating func unset(_ cursor: inout Cursor) -> Outcome {
            let list = cursor.group() ?? cursor.rest
            for piece in Splitter.commaSeparated(list) {
                guard piece.count == 1, let name = Self.variableName(piece[piece.startIndex]) else { continue }
                session[name] = nil
                variables.removeAll { $0.name == name }
            }
            return .used
        }

        // MARK: Calls and task graph

        private mutating func callAtTopLevel(_ tokens: ArraySlice<Token>) -> Outcome {
            var interpreter = Interpreter(procedures: procedures, session: session, objects: objects,
                                          loopTurns: loopTurnsLeft)
            var scope = topScope
            manualActions += interpreter.run([.statement(tokens)], scope: &scope, callDepth: 0)
            loopTurnsLeft -= min(loopTurnsLeft, Interpreter.maximumLoopTurns) - interpreter.loopTurnsLeft
            warnings += interpreter.warnings
            servicesDescribed += interpreter.servicesDescribed
            return interpreter.calls.isEmpty ? .skipped(.notUnderstood) : .used
        }

        /// `SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('<root task>')` resumes a root task and all its dependents.
        private mutating func select(_ tokens: ArraySlice<Token>) -> Outcome {
            guard let function = tokens.firstIndex(where: { $0.isWord("SYSTEM$TASK_DEPENDENTS_ENABLE") })
            else { return .skipped(.notAboutCost) }
            var cursor = Cursor(tokens[(function + 1)...])
            let line = tokens[function].line
            let argument = ExpressionReader.evaluate(cursor.group() ?? [], in: topScope, warnings: &warnings)
            guard let text = argument.text, let root = Name(text),
                  let index = find(root, in: tasks, \.name, kind: "task", line: line,
                                   statement: "SYSTEM$TASK_DEPENDENTS_ENABLE")
            else { return .skipped(.notUnderstood) }
            var enabled = [tasks[index].name]
            var changed = true
            while changed {
                changed = false
                for k in tasks.indices where !enabled.contains(tasks[k].name)
                    && tasks[k].predecessors.contains(where: { before in enabled.contains { $0.matches(before) } }) {
                    enabled.append(tasks[k].name)
                    changed = true
                }
            }
            for k in tasks.indices where enabled.contains(tasks[k].name) { tasks[k].isResumed = true }
            return .used
        }

        // MARK: Finishing

        /// The first five whitespace-separated words of the statement's text, at most 60 characters.
        private func firstWords(_ tokens: ArraySlice<Token>) -> String {
            let text = sourceText(tokens).split(separator: " ").prefix(5).joined(separator: " ")
            return text.count > 60 ? String(text.prefix(57)) + "..." : text
        }

        /// Gives each service its pool where the script leaves it open: the caller's ``ServicePool`` first (it also
        /// replaces the script's), else the script's only pool for a pool named by an unset session variable.
        private mutating func resolveServicePools() {
            for k in services.indices {
                let service = services[k]
                if let given = servicePools.first(where: { $0.service.matches(service.name) }) {
                    if let script = service.computePool, !script.matches(given.pool) {
                        warnings.append(Warning(
                            line: service.line, code: .servicePoolGiven,
                            message: "service \(service.name) is created in compute pool \(script), but the pool given "
                                + "for it (--service-pool \(given)) is \(given.pool); \(given.pool) is used."))
                    }
                    services[k].computePool = given.pool
                    services[k].computePoolOrigin = .given
                } else if service.computePool == nil, let variable = service.unsetPoolVariable {
                    if pools.count == 1 {
                        services[k].computePool = pools[0].name
                        services[k].computePoolOrigin = .assumedOnlyPool
                        warnings.append(Warning(
                            line: service.line, code: .assumedComputePool,
                            message: "service \(service.name) runs IN COMPUTE POOL $\(variable), a session variable no "
                                + "SET before it gives a value; the script creates one compute pool, \(pools[0].name), "
                                + "so the service is taken to run in it. If it runs elsewhere, give "
                                + "--service-pool \(service.name.object)=POOL."))
                    } else {
                        let created = pools.isEmpty ? "no compute pool"
                            : "\(pools.count) compute pools (\(pools.map(\.name.description).joined(separator: ", ")))"
                        warnings.append(Warning(
                            line: service.line, code: .computePoolUnknown,
                            message: "service \(service.name) runs IN COMPUTE POOL $\(variable), a session variable no "
                                + "SET before it gives a value, and the script creates \(created), so its pool is "
                                + "unknown; give --service-pool \(service.name.object)=POOL."))
                    }
                }
            }
        }

        private mutating func finish(statementCount: Int) -> Analysis {
            resolveServicePools()
            let objects = self.objects
            var resolvedTasks: [ScheduledTask] = []
            for task in tasks {
                var interpreter = Interpreter(procedures: procedures, session: session, objects: objects,
                                              loopTurns: loopTurnsLeft)
                var scope = Scope(session: session, isStoredCode: true, owner: "task \(task.name)")
                let actions = interpreter.run(task.body, scope: &scope, callDepth: 0)
                loopTurnsLeft -= min(loopTurnsLeft, Interpreter.maximumLoopTurns) - interpreter.loopTurnsLeft
                warnings += interpreter.warnings
                servicesDescribed += interpreter.servicesDescribed
                let compute: TaskCompute
                if let warehouseName = task.warehouse {
                    let matching = warehouses.filter { $0.name.matches(warehouseName) }
                    if matching.isEmpty {
                        warnings.append(Warning(
                            line: task.line, code: .unknownObject,
                            message: "task \(task.name) runs on warehouse \(warehouseName), which this script does not "
                                + "create; its size is unknown."))
                    }
                    compute = .warehouse(name: warehouseName, size: matching.count == 1 ? matching[0].size : nil)
                } else {
                    compute = .serverless(initialSize: task.serverlessSize)
                }
                if actions.isEmpty {
                    warnings.append(Warning(
                        line: task.line, code: .taskWithoutActions,
                        message: "task \(task.name) suspends or resumes no service or compute pool the reader can "
                            + "see; it does not change what the pools cost."))
                }
                resolvedTasks.append(ScheduledTask(
                    name: task.name, line: task.line, schedule: task.schedule, compute: compute,
                    predecessors: task.predecessors, body: task.bodyText, calls: interpreter.calls,
                    actions: actions, isResumed: task.isResumed))
            }
            let summaries = procedures.map { definition in
                let summary = Interpreter.summarize(definition, among: procedures, session: session, objects: objects,
                                                    loopTurns: &loopTurnsLeft)
                var procedure = definition.summary
                procedure.statusParameter = summary.statusParameter
                procedure.actionsByStatus = summary.actions
                return procedure
            }
            var analysis = Analysis(
                pools: pools, services: services, warehouses: warehouses, procedures: summaries, tasks: resolvedTasks,
                variables: variables, manualActions: manualActions, skipped: skipped, warnings: [],
                statementCount: statementCount)
            attachPools(&analysis)
            for given in servicePools {
                let used = services.contains { $0.name.matches(given.service) }
                    || servicesDescribed.contains { $0.matches(given.service) }
                    || (analysis.tasks.flatMap(\.actions) + analysis.manualActions).contains {
                        $0.target == .service && $0.name.matches(given.service)
                    }
                if !used {
                    warnings.append(Warning(
                        line: nil, code: .servicePoolUnused,
                        message: "a pool is given for service \(given.service) (--service-pool \(given)), but the "
                            + "script neither creates that service nor suspends, resumes or describes it; it is not "
                            + "used. Check the service's name."))
                }
            }
            var seen = Set<Warning>()
            analysis.warnings = warnings.enumerated()
                .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
                .map(\.element)
                .filter { seen.insert($0).inserted }
            return analysis
        }

        /// Sets ``Action/computePool`` on every action, warning once about each object the script does not create.
        private mutating func attachPools(_ analysis: inout Analysis) {
            var reported = Set<String>()
            func pool(for action: Action) -> Name? {
                switch action.target {
                case .computePool:
                    if !pools.contains(where: { $0.name.matches(action.name) }),
                       reported.insert("pool \(action.name)").inserted {
                        warnings.append(Warning(
                            line: action.line, code: .unknownObject,
                            message: "compute pool \(action.name) is suspended or resumed here but this script does "
                                + "not create it."))
                    }
                    return action.name
                case .service:
                    if let given = servicePools.first(where: { $0.service.matches(action.name) }) { return given.pool }
                    let matching = services.filter { $0.name.matches(action.name) }
                    if matching.count == 1 { return matching[0].computePool }
                    if reported.insert("service \(action.name)").inserted {
                        warnings.append(Warning(
                            line: action.line, code: matching.isEmpty ? .unknownObject : .ambiguousName,
                            message: matching.isEmpty
                                ? "service \(action.name) is suspended or resumed here but this script does not "
                                    + "create it, so its compute pool is unknown."
                                : "service \(action.name) matches the services "
                                    + matching.map(\.name.description).joined(separator: ", ")
                                    + "; qualify the name. Its compute pool is unknown."))
                    }
                    return nil
                }
            }
            func attach(_ actions: inout [Action]) {
                for k in actions.indices { actions[k].computePool = pool(for: actions[k]) }
            }
            for k in analysis.tasks.indices { attach(&analysis.tasks[k].actions) }
            for k in analysis.procedures.indices {
                for s in analysis.procedures[k].actionsByStatus.indices {
                    attach(&analysis.procedures[k].actionsByStatus[s].actions)
                }
            }
            attach(&analysis.manualActions)
        }
    }
}
