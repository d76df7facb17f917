import Foundation
import SPCSCostCore

extension SetupScript {
    /// A Snowflake object name, normalised the way Snowflake resolves identifiers ("Identifier requirements",
    /// docs.snowflake.com/en/sql-reference/identifiers-syntax): unquoted parts upper-cased, double-quoted parts kept
    /// exactly as written.
    ///
    /// Shape: 1 to 3 non-empty ``parts``: `[object]`, `[schema, object]` or `[database, schema, object]`.
    /// Encodes as its ``description`` (for example `"JUPYTER_DB.APP.\"my svc\""`).
    public struct Name: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The normalised parts, outermost first.
        public let parts: [String]

        /// Creates a name from normalised parts; nil when `parts` is empty, longer than 3, or has an empty part.
        public init?(parts: [String]) {
            guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else { return nil }
            self.parts = parts
        }

        /// Parses a name written as SQL, such as `jupyter_db.app."My Service"` or the text of
        /// `IDENTIFIER('db.schema.obj')`; nil when the text is not 1 to 3 dot-separated identifiers.
        public init?(_ text: String) {
            let chars = Array(text)
            var parts: [String] = []
            var i = 0
            func skipSpaces() { while i < chars.count, chars[i].isWhitespace { i += 1 } }
            while true {
                skipSpaces()
                guard i < chars.count else { return nil }
                var part = ""
                if chars[i] == "\"" {
                    i += 1
                    while true {
                        guard i < chars.count else { return nil }
                        if chars[i] == "\"" {
                            guard i + 1 < chars.count, chars[i + 1] == "\"" else { break }
                            i += 1
                        }
                        part.append(chars[i])
                        i += 1
                    }
                    i += 1
                } else {
                    while i < chars.count, chars[i] != ".", chars[i] != "\"", !chars[i].isWhitespace {
                        part.append(chars[i])
                        i += 1
                    }
                    part = part.uppercased()
                }
                parts.append(part)
                skipSpaces()
                guard i < chars.count else { break }
                guard chars[i] == "." else { return nil }
                i += 1
            }
            self.init(parts: parts)
        }

        /// The last part: the object's own name without database and schema.
        public var object: String { parts[parts.count - 1] }

        /// The name as SQL: parts joined by `.`, a part in double quotes when it is not a plain upper-case identifier.
        public var description: String {
            parts.map { part in
                let plain = part.first.map { $0 == "_" || ($0.isASCII && $0.isUppercase) } ?? false
                    && part.allSatisfy { $0 == "_" || $0 == "$" || ($0.isASCII && ($0.isUppercase || $0.isNumber)) }
                return plain ? part : "\"" + part.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: ".")
        }

        /// True when both names can mean the same object: the shorter name's parts equal the longer name's last parts
        /// (`JUPYTER_POOL` matches `DB.SCH.JUPYTER_POOL`; `A.X` does not match `B.X`).
        public func matches(_ other: Name) -> Bool {
            let (short, long) = parts.count <= other.parts.count ? (parts, other.parts) : (other.parts, parts)
            return Array(long.suffix(short.count)) == short
        }

        /// Decodes the SQL text form written by ``encode(to:)``.
        /// - Throws: `DecodingError.dataCorrupted` when the text is not 1 to 3 dot-separated identifiers.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let name = Name(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not a Snowflake object name")
            }
            self = name
        }

        /// Encodes the name as its ``description``, a single string.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }

    /// One suspend or resume that a statement performs.
    public struct Action: Hashable, Sendable, Codable, CustomStringConvertible {
        /// What happens to the object.
        public enum Verb: String, Hashable, Sendable, Codable {
            /// `... SUSPEND`: stops the object; a suspended pool has no nodes and bills no credits [S2, S5].
            case suspend = "SUSPEND"
            /// `... RESUME`: starts the object; each compute node started or resumed bills at least five minutes [S5].
            case resume = "RESUME"
        }

        /// The kind of object acted on.
        public enum Target: String, Hashable, Sendable, Codable {
            /// `ALTER SERVICE`.
            case service = "SERVICE"
            /// `ALTER COMPUTE POOL`.
            case computePool = "COMPUTE POOL"
        }

        /// Suspend or resume.
        public var verb: Verb
        /// A service or a compute pool.
        public var target: Target
        /// The object as the statement names it (not widened to a qualified name).
        public var name: Name
        /// The compute pool this action affects: the pool itself, or the pool the service was created in
        /// (`CREATE SERVICE ... IN COMPUTE POOL`); nil when the script does not create that service.
        /// Suspending a pool suspends its services; a pool cannot auto-suspend while a service runs [S2, S3].
        public var computePool: Name?
        /// 1-based line of the statement that performs it; for text run by `EXECUTE IMMEDIATE`, the line of the text
        /// (a literal) or of the `EXECUTE IMMEDIATE` (a variable).
        public var line: Int

        /// Creates an action.
        public init(verb: Verb, target: Target, name: Name, computePool: Name?, line: Int) {
            self.verb = verb
            self.target = target
            self.name = name
            self.computePool = computePool
            self.line = line
        }

        /// For example `SUSPEND SERVICE JUPYTER_SERVICE` or `RESUME COMPUTE POOL JUPYTER_POOL`.
        public var description: String { "\(verb.rawValue) \(target.rawValue) \(name)" }
    }

    /// A compute pool as the script leaves it: CREATE COMPUTE POOL with every later ALTER COMPUTE POOL ... SET/UNSET
    /// applied in script order.
    public struct Pool: Hashable, Sendable, Codable {
        /// The pool's name (pools are account-level objects; Snowflake does not support quoted pool names [S3]).
        public var name: Name
        /// 1-based line of the CREATE COMPUTE POOL statement.
        public var line: Int
        /// INSTANCE_FAMILY as written, upper-cased (for example `CPU_X64_XS`); nil when the script does not give it.
        public var instanceFamily: String?
        /// MIN_NODES; nil when absent (Snowflake requires it) or not a whole number.
        public var minNodes: Int?
        /// MAX_NODES; nil when absent (Snowflake requires it) or not a whole number.
        public var maxNodes: Int?
        /// AUTO_SUSPEND_SECS in seconds of inactivity; 3600 when absent, 0 = never auto-suspends [S3].
        public var autoSuspendSeconds: Int
        /// AUTO_RESUME; TRUE when absent [S3].
        public var autoResume: Bool
        /// INITIALLY_SUSPENDED; FALSE when absent [S3].
        public var initiallySuspended: Bool
        /// COMMENT; nil when absent.
        public var comment: String?
        /// BACKUP_INSTANCE_FAMILIES in order; empty when absent. Nodes on a backup family bill at that family's
        /// rate [S2].
        public var backupInstanceFamilies: [String]
        /// The optional properties that hold their Snowflake default because the script never sets them, of
        /// `AUTO_SUSPEND_SECS`, `AUTO_RESUME`, `INITIALLY_SUSPENDED`, in that order.
        public var defaultedProperties: [String]
        /// 1-based lines of the ALTER COMPUTE POOL ... SET/UNSET statements applied, in script order.
        public var alteredAtLines: [Int]
    }

    /// A long-running service and the pool it runs in.
    public struct Service: Hashable, Sendable, Codable {
        /// The service's name as the CREATE SERVICE statement writes it.
        public var name: Name
        /// 1-based line of the CREATE SERVICE statement.
        public var line: Int
        /// Where ``Service/computePool`` comes from.
        public enum PoolOrigin: String, Hashable, Sendable, Codable {
            /// `IN COMPUTE POOL <pool>` in the script.
            case script
            /// `IN COMPUTE POOL` names an unset session variable and the script creates exactly one pool, which is
            /// assumed (with an ``Warning/Code/assumedComputePool`` warning).
            case assumedOnlyPool
            /// Given by the caller (``ServicePool``, `estimate --service-pool`).
            case given
        }

        /// The pool the service runs in: from `IN COMPUTE POOL <pool>`, the caller's ``ServicePool``, or the one pool
        /// of the script when `IN COMPUTE POOL` names an unset session variable; nil when none of those tells.
        public var computePool: Name?
        /// Where ``computePool`` comes from; nil when it is nil.
        public var computePoolOrigin: PoolOrigin?
        /// The session variable `IN COMPUTE POOL IDENTIFIER($v)` or `$v` names when no SET before the statement
        /// gives it a value (normalised, without `$`); nil otherwise.
        public var unsetPoolVariable: String?
        /// Service AUTO_SUSPEND_SECS; 0 (never) when absent [S10].
        public var autoSuspendSeconds: Int
        /// MIN_INSTANCES; nil when absent.
        public var minInstances: Int?
        /// MAX_INSTANCES; nil when absent.
        public var maxInstances: Int?
    }

    /// The compute pool a caller names for a service the script does not place (`estimate --service-pool
    /// SERVICE=POOL`). It wins over the script's `IN COMPUTE POOL`, with a warning when they differ.
    public struct ServicePool: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The service, matched as ``Name/matches(_:)`` does (`JUPYTER_SERVICE` matches `DB.APP.JUPYTER_SERVICE`).
        public var service: Name
        /// The compute pool it runs in.
        public var pool: Name

        /// Creates an assignment.
        public init(service: Name, pool: Name) {
            self.service = service
            self.pool = pool
        }

        /// Parses `SERVICE=POOL` (each an object name as SQL writes it; the service may be qualified, the pool may
        /// not: pools are account objects). Nil when there is no `=`, a side is empty or not a name, or the pool
        /// is qualified.
        public init?(parsing text: String) {
            guard let equals = text.firstIndex(of: "="),
                  let service = Name(String(text[..<equals])),
                  case let poolText = String(text[text.index(after: equals)...]), !poolText.contains("="),
                  let pool = Name(poolText), pool.parts.count == 1
            else { return nil }
            self.init(service: service, pool: pool)
        }

        /// `SERVICE=POOL`.
        public var description: String { "\(service)=\(pool)" }
    }

    /// A warehouse the script creates; a task that runs on it is billed at its size.
    public struct Warehouse: Hashable, Sendable, Codable {
        /// The warehouse's name.
        public var name: Name
        /// 1-based line of the CREATE WAREHOUSE statement.
        public var line: Int
        /// WAREHOUSE_SIZE; XSMALL when absent (CREATE WAREHOUSE).
        public var size: WarehouseSize
        /// AUTO_SUSPEND in seconds; 600 when absent, 0 when `0` or `NULL` (never suspends) (CREATE WAREHOUSE).
        public var autoSuspendSeconds: Int
        /// The properties that hold their default, of `WAREHOUSE_SIZE`, `AUTO_SUSPEND`, in that order.
        public var defaultedProperties: [String]
    }

    /// A stored procedure and what it does for each status value it is called with.
    public struct Procedure: Hashable, Sendable, Codable {
        /// One declared argument.
        public struct Parameter: Hashable, Sendable, Codable {
            /// Normalised name (unquoted names upper-cased), as `CALL p(NAME => ...)` matches it.
            public var name: String
            /// The type's source text, upper-cased, whitespace collapsed (for example `VARCHAR`, `NUMBER(38,0)`).
            public var type: String
            /// The `DEFAULT` expression's source text; nil when the argument is required.
            public var defaultValue: String?
        }

        /// The actions for one value of ``Procedure/statusParameter``.
        public struct StatusActions: Hashable, Sendable, Codable {
            /// The value passed, as written in the procedure (for example `SUSPEND`); nil for a procedure without a
            /// status parameter, called with its defaults.
            public var status: String?
            /// The suspends and resumes it performs, in order.
            public var actions: [Action]
        }

        /// The procedure's name as the CREATE PROCEDURE statement writes it.
        public var name: Name
        /// 1-based line of the CREATE PROCEDURE statement.
        public var line: Int
        /// The declared arguments in order.
        public var parameters: [Parameter]
        /// LANGUAGE, upper-cased; `SQL` when absent. Only SQL bodies are followed.
        public var language: String
        /// The argument that chooses what the procedure does: the first one for which the values tried give
        /// different actions (the other arguments take their defaults). The values tried are `SUSPEND`, `RESUME` and
        /// the one-word string literals in the body's IF and CASE tests. Nil when no argument changes the actions.
        public var statusParameter: String?
        /// For each value tried that gives at least one action, in the order tried; one entry with a nil status
        /// when there is no status parameter and the defaults give actions; empty when nothing resolves.
        public var actionsByStatus: [StatusActions]
    }

    /// One call to a procedure, as a task body (or the script) makes it.
    public struct ProcedureCall: Hashable, Sendable, Codable {
        /// One argument.
        public struct Argument: Hashable, Sendable, Codable {
            /// The parameter name for `NAME => value`, normalised; nil for a positional argument.
            public var name: String?
            /// The value; nil when it is not known before the call runs.
            public var value: String?
        }

        /// The procedure as the call names it.
        public var procedure: Name
        /// The arguments in order.
        public var arguments: [Argument]
        /// False for `p('X')` written without `CALL`; Snowflake documents CALL as the way to run a procedure (CALL),
        /// so such a task may fail on every run.
        public var usesCallKeyword: Bool
        /// 1-based line of the call.
        public var line: Int
    }

    /// What runs a task: a named warehouse or serverless compute (CREATE TASK [S14b]).
    public enum TaskCompute: Hashable, Sendable, Codable {
        /// `WAREHOUSE = <name>`; `size` from the script's CREATE/ALTER WAREHOUSE, nil when the script does not
        /// create that warehouse.
        case warehouse(name: Name, size: WarehouseSize?)
        /// No WAREHOUSE; `initialSize` from USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE, nil when absent (the first runs
        /// then use MEDIUM [S14b]).
        case serverless(initialSize: WarehouseSize?)
    }

    /// A task and what each run of it does.
    public struct ScheduledTask: Hashable, Sendable, Codable {
        /// The task's name as the CREATE TASK statement writes it.
        public var name: Name
        /// 1-based line of the CREATE TASK statement.
        public var line: Int
        /// The SCHEDULE text exactly as quoted, for example `USING CRON 0 19 * * MON-FRI Asia/Tokyo` or `60 MINUTES`;
        /// nil when the task has none (a child task runs after its ``predecessors``).
        public var schedule: String?
        /// The warehouse or serverless compute that runs it.
        public var compute: TaskCompute
        /// The tasks named in `AFTER`, in order; empty for a standalone or root task.
        public var predecessors: [Name]
        /// The SQL after `AS`, as written.
        public var body: String
        /// The procedure calls the body makes, in order.
        public var calls: [ProcedureCall]
        /// The suspends and resumes one run performs, in order, resolved through the procedures it calls.
        public var actions: [Action]
        /// True when a later `ALTER TASK ... RESUME` (or `SYSTEM$TASK_DEPENDENTS_ENABLE`) starts it; tasks are created
        /// suspended and never run until resumed [S14b].
        public var isResumed: Bool
    }

    /// A session variable as the script leaves it.
    public struct Variable: Hashable, Sendable, Codable {
        /// Normalised name without `$` (unquoted names upper-cased).
        public var name: String
        /// The value; nil when it is computed by a query or expression the reader cannot evaluate.
        public var value: String?
        /// 1-based line of the SET statement.
        public var line: Int
    }

    /// Something the reader could not work out, or that will not behave as the script seems to intend.
    public struct Warning: Hashable, Sendable, Codable, CustomStringConvertible {
        /// The kind of problem, for callers that filter or count them.
        public enum Code: String, Hashable, Sendable, Codable {
            /// A string, quoted identifier, `$$` text or comment is never closed.
            case unclosedText
            /// A scripting block (`BEGIN`, `IF`, loop ...) is never closed.
            case unclosedBlock
            /// A statement of a kind the reader uses, with parts it cannot read.
            case unreadableStatement
            /// `$name` is used but no earlier `SET` gives it a value.
            case unsetVariable
            /// A procedure or task body uses a session variable, which does not exist when the task runs.
            case sessionVariableInBody
            /// A call to a procedure the script does not create, or whose body cannot be followed.
            case unknownProcedure
            /// A call whose arguments do not fit the procedure's parameters.
            case argumentMismatch
            /// A procedure called without the `CALL` keyword.
            case callWithoutCallKeyword
            /// `EXECUTE IMMEDIATE` text that depends on values not known before the run.
            case unresolvedStatementText
            /// A condition that depends on values not known before the run; every branch was followed.
            case conditionNotEvaluated
            /// A task that suspends and resumes nothing.
            case taskWithoutActions
            /// A service, pool, task or warehouse used but not created in the script.
            case unknownObject
            /// A short name that matches more than one object.
            case ambiguousName
            /// An object created twice without `OR REPLACE` or `IF NOT EXISTS`.
            case duplicateObject
            /// Procedure calls nested too deep to follow (likely recursion).
            case callDepthExceeded
            /// Parentheses or scripting blocks nested deeper than ``SetupScript/maximumNesting``; the deeper part is
            /// not followed.
            case nestingTooDeep
            /// Loops over query rows turn more than the reader follows in one run (nested loops over SHOW results);
            /// the further turns are not followed.
            case tooManyLoopTurns
            /// `CREATE SERVICE ... IN COMPUTE POOL` names a session variable that is never set, and the script creates
            /// exactly one compute pool, which is taken as the service's pool.
            case assumedComputePool
            /// `CREATE SERVICE ... IN COMPUTE POOL` names a session variable that is never set, and the script creates
            /// no pool or several: the service's pool is unknown until the caller names it.
            case computePoolUnknown
            /// A pool the caller named for a service (``ServicePool``) replaces the one the script names.
            case servicePoolGiven
            /// A pool the caller named for a service the script neither creates nor acts on; it is not used.
            case servicePoolUnused
        }

        /// 1-based line the problem is on; nil for a problem with the script as a whole.
        public var line: Int?
        /// The kind of problem.
        public var code: Code
        /// A finished sentence naming the statement or object and, where there is one, the fix.
        public var message: String

        /// Creates a warning.
        public init(line: Int?, code: Code, message: String) {
            self.line = line
            self.code = code
            self.message = message
        }

        /// `line N: message`, or the message alone when there is no line.
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    /// A statement the analysis did not use.
    public struct SkippedStatement: Hashable, Sendable, Codable, CustomStringConvertible {
        /// Why it was not used.
        public enum Reason: String, Hashable, Sendable, Codable {
            /// A statement that does not create or change pools, services, warehouses, procedures or tasks
            /// (`USE`, `GRANT`, `CREATE ROLE`, `SHOW` ...).
            case notAboutCost
            /// A statement the reader does not know or could not read; a warning says more when there is more to say.
            case notUnderstood
        }

        /// 1-based line where the statement starts.
        public var line: Int
        /// Its first five whitespace-separated words as written, at most 60 characters (longer ends in `...`).
        public var firstWords: String
        /// Why it was skipped.
        public var reason: Reason

        /// `line N: first words`.
        public var description: String { "line \(line): \(firstWords)" }
    }

    /// One statement of the script.
    public struct Statement: Hashable, Sendable, Codable {
        /// 1-based line of its first word.
        public var line: Int
        /// 1-based line of its last character.
        public var endLine: Int
        /// Its source text from the first word to the last character before the `;`.
        public var text: String
    }

    /// Everything the reader derived from one script. Lists are in script order.
    public struct Analysis: Hashable, Sendable, Codable {
        /// The compute pools the script creates, with later ALTER ... SET/UNSET applied.
        public var pools: [Pool]
        /// The services the script creates.
        public var services: [Service]
        /// The warehouses the script creates.
        public var warehouses: [Warehouse]
        /// The procedures the script creates.
        public var procedures: [Procedure]
        /// The tasks the script creates.
        public var tasks: [ScheduledTask]
        /// The session variables as the script leaves them, in order of their last SET.
        public var variables: [Variable]
        /// Suspends and resumes the script performs itself when it runs (top-level `ALTER ... SUSPEND | RESUME`
        /// and `CALL`s); these happen once, they are not a schedule.
        public var manualActions: [Action]
        /// Every statement the analysis did not use.
        public var skipped: [SkippedStatement]
        /// Every problem found, ordered by line (script-wide ones first).
        public var warnings: [Warning]
        /// The number of statements in the script.
        public var statementCount: Int

        /// The pool `name` (SQL, for example `jupyter_pool`) refers to; nil when none or more than one matches
        /// (see ``Name/matches(_:)``).
        public func pool(named name: String) -> Pool? { Self.unique(pools, name, \.name) }
        /// The service `name` refers to; nil when none or more than one matches.
        public func service(named name: String) -> Service? { Self.unique(services, name, \.name) }
        /// The warehouse `name` refers to; nil when none or more than one matches.
        public func warehouse(named name: String) -> Warehouse? { Self.unique(warehouses, name, \.name) }
        /// The procedure `name` refers to; nil when none or more than one matches.
        public func procedure(named name: String) -> Procedure? { Self.unique(procedures, name, \.name) }
        /// The task `name` refers to; nil when none or more than one matches.
        public func task(named name: String) -> ScheduledTask? { Self.unique(tasks, name, \.name) }

        private static func unique<T>(_ items: [T], _ text: String, _ key: KeyPath<T, Name>) -> T? {
            guard let name = Name(text) else { return nil }
            let found = items.filter { $0[keyPath: key].matches(name) }
            return found.count == 1 ? found[0] : found.first { $0[keyPath: key] == name }
        }
    }
}
