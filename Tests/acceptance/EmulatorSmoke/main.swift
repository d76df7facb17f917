// Drives the SnowflakeSQLAPI client against a running SQL API v2 server (the Python emulator in
// shared/snowflake-emulator) through a real connections.toml. Run by Tests/acceptance/emulator_smoke.sh.
//
// Arguments: <home directory holding .snowflake/connections.toml> <connection name> <expected credits as text>
// Exit status 0 when every check passes; 1 with a message otherwise.
import Foundation
import SnowflakeSQLAPI

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("emulator smoke: FAILED: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 4 else { fail("usage: EmulatorSmoke <home> <connection> <expected-credits>") }
let (home, connectionName) = (arguments[1], arguments[2])
let expectedCredits = try FixedDecimal(text: arguments[3])
// This executable is the edge of the program: it reads the real environment and clock and injects them.
let environment = ProcessInfo.processInfo.environment
let now: @Sendable () -> Date = { Date() }
let transport = CurlTransport()
let log: @Sendable (String) -> Void = { print("  http: \($0)") }

let diagnosis = await ConnectionDiagnosis.run(
    connectionName: connectionName, environment: environment, homeDirectory: home, transport: transport, now: now,
    options: SQLAPIClientOptions(log: log))
guard diagnosis.succeeded else { fail(diagnosis.explanation.joined(separator: " ")) }
print("connection test: account \(diagnosis.account ?? "?"), region \(diagnosis.region ?? "?"), key \(diagnosis.keyFingerprint ?? "?")")

let (client, _) = try SQLAPIClient.connect(
    connectionName: connectionName, environment: environment, homeDirectory: home, transport: transport, now: now,
    options: SQLAPIClientOptions(log: log))

let view = "SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY"
let totals = try await client.query(SQLStatement("SELECT COUNT(*) AS N, SUM(CREDITS_USED) AS CREDITS FROM \(view)"))
guard let totalsRow = totals.partitions.first?.first,
    let count = try totalsRow.int64(0), let sum = try totalsRow.scaledInteger(1, scale: 9)
else { fail("the totals query returned no row") }
print("totals: \(count) rows, \(totalsRow.text(1) ?? "?") credits")

// 2024-03-01T00:00:00Z = 1,709,251,200 s: before every sample row.
var rows: Int64 = 0
var nanoCredits: Int64 = 0
var order: [Int] = []
let summary = try await client.execute(SQLStatement(
    "SELECT START_TIME, END_TIME, COMPUTE_POOL_NAME, CREDITS_USED FROM \(view) WHERE START_TIME >= ? ORDER BY START_TIME, COMPUTE_POOL_NAME",
    bindings: [.timestampLTZ(EpochTimestamp(seconds: 1_709_251_200))], timeoutSeconds: 120)
) { partition in
    order.append(partition.index)
    for row in partition {
        guard let start = try row.timestamp(0), let end = try row.timestamp(1), end > start else {
            fail("row \(row.row) of partition \(partition.index) has no valid START_TIME/END_TIME")
        }
        nanoCredits += try row.scaledInteger(3, scale: 9) ?? 0
        rows += 1
    }
}
print("pull: \(rows) rows in \(summary.partitionCount) partitions, statement \(summary.statementHandle)")

guard order == Array(0..<summary.partitionCount) else { fail("partitions arrived out of order: \(order)") }
guard summary.partitionCount > 1 else { fail("expected several partitions, got \(summary.partitionCount)") }
guard rows == count, Int64(summary.rowCount) == count else { fail("pulled \(rows) rows, COUNT(*) says \(count)") }
let expectedNano = try expectedCredits.scaledInteger(scale: 9)
guard nanoCredits == sum, sum == expectedNano else {
    fail("credits: pulled \(nanoCredits), SUM \(sum), ground truth \(expectedNano) (nano-credits)")
}
print("emulator smoke: OK (\(rows) rows, \(expectedCredits) credits exactly)")
