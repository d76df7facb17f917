import Foundation
import SPCSCostCore

/// Reads a team's Snowpark Container Services setup script (the SQL that creates the compute pool, the service, a
/// suspend/resume procedure and the scheduled tasks that call it) and reports what it sets up, so that a cost
/// estimate can start from the script instead of from hand-typed settings.
///
/// The reader is tolerant: it never throws. Statements it does not use are listed in
/// ``Analysis/skipped`` with their line, and anything it could not work out is a ``Warning`` with a line number.
///
/// What it understands, with the Snowflake documents the rules come from:
/// - Statement splitting: `;` ends a statement except inside `'...'` strings (`''` and backslash escapes),
///   `"..."` identifiers, `$$...$$` text, comments (`--`, `//`, `/* */`) and Snowflake Scripting blocks written
///   without `$$` (`DECLARE ... BEGIN ... END`, `IF ... END IF`, `CASE ... END CASE`, `FOR`/`WHILE`/`LOOP`/`REPEAT`
///   loops) ("Snowflake Scripting blocks" and "Working with loops",
///   docs.snowflake.com/en/developer-guide/snowflake-scripting).
/// - `CREATE [OR REPLACE] COMPUTE POOL`, `ALTER COMPUTE POOL ... SET | UNSET | SUSPEND | RESUME`
///   (CREATE COMPUTE POOL: AUTO_SUSPEND_SECS default 3600, 0 = never; AUTO_RESUME default TRUE;
///   INITIALLY_SUSPENDED default FALSE [S3]; ALTER COMPUTE POOL).
/// - `CREATE SERVICE ... IN COMPUTE POOL` (CREATE SERVICE: service AUTO_SUSPEND_SECS default 0 = never [S10]). When
///   the pool is a session variable that is never set and the script creates exactly one pool, that pool is
///   assumed, with a warning; a caller can name the pool of any service (``ServicePool``).
/// - Queries stored code runs to find what to suspend: `DESC|DESCRIBE SERVICE <name>` (one row: `name`,
///   `compute_pool` from the script, `status` unknown), `DESC COMPUTE POOL <name>` (`state` unknown), `SHOW SERVICES |
///   COMPUTE POOLS [LIKE ...] [IN COMPUTE POOL ...]`, `SELECT ... FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))` with
///   WHERE, aliases, `INTO` and scalar subqueries, `RESULTSET`s, cursors (`CURSOR FOR`, `OPEN ... USING`, `FETCH
///   ... INTO`) and `FOR r IN c DO` (once per known row; columns read as `r."compute_pool"` or `r.compute_pool`).
///   A condition on a state or status only known at run time follows every branch, with a warning.
/// - `CREATE WAREHOUSE` (CREATE WAREHOUSE: WAREHOUSE_SIZE default XSMALL, AUTO_SUSPEND default 600).
/// - `CREATE PROCEDURE ... LANGUAGE SQL` with the body quoted (`$$`, `'...'`) or not; the body is followed for each
///   status value to the ALTER SERVICE / ALTER COMPUTE POOL statements it runs, including text built with `||` and run
///   with `EXECUTE IMMEDIATE`.
/// - `CREATE TASK` (CREATE TASK [S14b]: WAREHOUSE or serverless with USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE,
///   first serverless runs are MEDIUM when it is absent; tasks are created suspended), `ALTER TASK ... RESUME |
///   SUSPEND | SET | UNSET | MODIFY AS`, `SELECT SYSTEM$TASK_DEPENDENTS_ENABLE('<task>')`.
/// - `ALTER SERVICE ... SUSPEND | RESUME | SET`, `ALTER WAREHOUSE ... SET`.
/// - `DROP COMPUTE POOL | SERVICE | WAREHOUSE | TASK | PROCEDURE` removes the object from the analysis.
/// - Session variables: `SET v = ...`, `SET (a, b) = (...)`, `UNSET`, used as `$v` and `IDENTIFIER($v)`
///   (SET; IDENTIFIER(), "Literals and variables as identifiers"). Stored code (procedure and task bodies) runs
///   later in its own session, so a session variable used there is read with the script's value and a warning.
/// - Identifiers: unquoted parts are upper-cased, double-quoted parts kept exactly ("Identifier requirements").
public enum SetupScript {
    /// How deep the reader follows nesting in one statement: parentheses and function calls in an expression, and
    /// Snowflake Scripting blocks (`BEGIN`, `IF`, `CASE`, loops) in stored code. Deeper parts are not followed and
    /// give a ``Warning/Code/nestingTooDeep`` warning, so no script can exhaust the stack or take minutes; real
    /// setup scripts nest a few levels.
    public static let maximumNesting = 100

    /// Reads `text`, a whole setup script, and reports the pools, services, warehouses, procedures and tasks it
    /// creates, with every statement it skipped and every problem it found.
    /// - Parameters:
    ///   - text: the script as written; any line endings; comments and blank lines are fine.
    ///   - servicePools: pools the caller names for services (`estimate --service-pool`), winning over the
    ///     script's `IN COMPUTE POOL`; empty by default.
    /// - Returns: the analysis; never fails. Empty or unreadable input gives an analysis with no objects, its
    ///   statements in ``Analysis/skipped`` and the reasons in ``Analysis/warnings``.
    public static func analyze(_ text: String, servicePools: [ServicePool] = []) -> Analysis {
        var reader = Reader(text: text, servicePools: servicePools)
        return reader.run()
    }

    /// Splits `text` into statements the way ``analyze(_:)`` does, keeping each statement's line numbers.
    /// - Returns: the statements in script order, without the `;` that ends them; comments between statements are
    ///   dropped, comments inside a statement stay in its ``Statement/text``. Empty input gives `[]`.
    public static func statements(in text: String) -> [Statement] {
        let lexed = Lexer.lex(text)
        return Splitter.split(lexed.tokens).statements.map { range in
            Statement(tokens: lexed.tokens[range], source: lexed.source)
        }
    }
}
