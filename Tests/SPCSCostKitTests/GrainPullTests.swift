import Foundation
import SnowflakeSQLAPI
import SnowflakeTestServer
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

/// `pull --grain day` over real HTTP against the project's loopback SQL API server: the statement sums in
/// Snowflake by pool and UTC day, the window is whole UTC days, the cache holds day rows that a UTC report reads,
/// and the commands that need hours refuse them (exit 64) until an hourly pull replaces them.
@Suite struct GrainPullTests {
    let server: SnowflakeTestServer
    let home: TemporaryDirectory
    let env: Environment
    let sent = Sent()

    /// The history statements received, in order.
    final class Sent: @unchecked Sendable {
        private let lock = NSLock()
        private var statements: [ReceivedStatement] = []
        func append(_ s: ReceivedStatement) { lock.lock(); statements.append(s); lock.unlock() }
        var all: [ReceivedStatement] { lock.lock(); defer { lock.unlock() }; return statements }
    }

    init() throws {
        (server, home, env) = try LoopbackAccount.make(now: "2024-04-03T00:00:00Z")
        let columns: [TestColumn] = [
            .timestampLTZ("START_TIME"), .timestampLTZ("END_TIME"), .text("COMPUTE_POOL_NAME"), .fixed("COMPUTE_POOL_ID"),
            .boolean("IS_EXCLUSIVE"), .text("APPLICATION_NAME"), .fixed("APPLICATION_ID"),
            .fixed("CREDITS_USED", precision: 38, scale: 9)]
        // The day statement: pool A used 2.64 credits on 1 April and 1.1 on 2 April (to 22:00), B 150,000 on 1 April
        // (above the hourly bound, within the day's). 1 April 00:00 UTC = 1711929600 s.
        let sent = self.sent
        server.register("SUM\\(CREDITS_USED\\)") { statement in
            sent.append(statement)
            return .rows(TestResult(columns: columns, rows: [
                ["1711929600.000000000", "1712016000.000000000", "A", "7", "false", nil, nil, "2.640000000"],
                ["1712016000.000000000", "1712095200.000000000", "A", "7", "false", nil, nil, "1.100000000"],
                ["1711929600.000000000", "1712016000.000000000", "B", "8", "false", nil, nil, "150000.000000000"]]))
        }
        // The hourly statement: A's hours of 2 April, 0.11 credits each, to 22:00.
        server.register("SNOWPARK_CONTAINER_SERVICES_HISTORY") { statement in
            sent.append(statement)
            return .rows(TestResult(columns: columns, rows: (0..<22).map { h in
                let s = 1_712_016_000 + h * 3600
                return ["\(s).000000000", "\(s + 3600).000000000", "A", "7", "false", nil, nil, "0.110000000"]
            }))
        }
        server.register("COMPUTE_POOLS", result: TestResult(columns: [.text("NAME"), .fixed("ID")], rows: [["A", "7"]]))
        server.register("METERING_DAILY_HISTORY", result: .meteringDailyHistory())
    }

    func pull(_ grain: LedgerGrain, into cache: UsageCache, since: CivilDate? = nil) async throws -> PullSummary {
        var options = PullOptions()
        options.connectionName = "test"
        options.grain = grain
        options.since = since
        return try await PullService(env: env, transport: CurlTransport(), clientOptions: SQLAPIClientOptions())
            .pull(options, into: cache)
    }

    func report(_ cache: UsageCache, zone: String) throws -> SavingsReport {
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!,
                              timeZone: TimeZone(identifier: zone)!)
        o.creditPrice = dec("3")
        return try ReportService(env: env).build(o, cache: cache)
    }

    @Test func aDayPullSumsInSnowflakeAndOnlyUTCDaysReadIt() async throws {
        let cache = try UsageCache(.memory)
        let first = try await pull(.day, into: cache)
        #expect(first.grain == .day && first.historyRows == 3 && first.inserted == 3)
        let day = try #require(sent.all.first)
        #expect(day.text == PullService.historyStatement(grain: .day))
        #expect(day.text.contains("DATE_TRUNC('DAY', START_TIME)") && day.text.contains("GROUP BY"))
        #expect(day.parameters["TIMEZONE"] == "UTC")
        // The second pull starts at the watermark (2 April 22:00) less 24 hours, down to 00:00 UTC of 1 April.
        _ = try await pull(.day, into: cache)
        let again = try #require(sent.all.last)
        #expect(again.bindings["1"]?.value?.hasPrefix("1711929600") == true)
        let keyed = try cache.keyedRecords()
        #expect(keyed.allSatisfy { $0.grain == .day } && keyed.count == 3)
        // A UTC report reads the day rows: 2.64 + 150,000 on 1 April, 1.1 on 2 April.
        let utc = try report(cache, zone: "UTC")
        #expect(utc.days.filter { $0.meteredCredits != 0 }.map { "\($0.date) \($0.pool) \($0.meteredCredits)" }
                == ["2024-04-01 A 2.64", "2024-04-01 B 150000", "2024-04-02 A 1.1"])
        // Days of another zone, reconcile by cause and a business-hours what-if need hours: exit 64, --grain hour.
        let tokyo = #expect(throws: GrainError.self) { try report(cache, zone: "Asia/Tokyo") }
        #expect(tokyo?.description.contains("--grain hour --since 2024-03-31") == true
                || tokyo?.description.contains("--grain hour --since 2024-04-01") == true)
        let pools = try PoolsFile.parse("[[pools]]\nname = \"A\"\nfamily = \"CPU_X64_XS\"\n", file: "p.toml")
        #expect(throws: GrainError.self) {
            try ReconcileService(env: env).reconcile(
                ReconcileOptions(pools: pools, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!), cache: cache)
        }
        let whatif = WhatIfService(env: env)
        let policy = try whatif.parsePolicy("business-hours=09:00-18:00,MON-FRI,UTC", card: env.catalog.rateCard(id: "2026-04"))
        #expect(throws: GrainError.self) {
            try whatif.repriceCache(cache, from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!,
                                    zone: TimeZone(identifier: "UTC")!, policies: [policy], shape: { _ in nil },
                                    rate: { _ in 1 })
        }
        // FOCUS 1.0 rows are hours: refused; FOCUS 1.2's UTC days read the day rows.
        var export = ExportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-02")!, timeZone: TimeZone(identifier: "UTC")!)
        export.region = "aws-ap-northeast-1"
        export.billingAccount = "MYORG"
        export.focusVersion = .v1_0
        #expect(throws: GrainError.self) { try ExportService(env: env).build(export, cache: cache) }
        export.focusVersion = .v1_2
        _ = try ExportService(env: env).build(export, cache: cache)
        #expect(try GrainCheck.requireHours(cache, from: Date(timeIntervalSince1970: 1_712_102_400),
                                            to: Date(timeIntervalSince1970: 1_712_188_800), for: "t") == ())

        // An hourly pull from 2 April replaces that day's day row with its hours; 1 April stays a day row.
        let hourly = try await pull(.hour, into: cache, since: CivilDate("2024-04-02"))
        #expect(hourly.grain == .hour && hourly.inserted == 22)
        #expect(try cache.dayRowDays() == [CivilDate("2024-04-01")!])
        #expect(try report(cache, zone: "UTC").days.filter { $0.meteredCredits != 0 }.map { "\($0.date) \($0.pool) \($0.meteredCredits)" }
                == ["2024-04-01 A 2.64", "2024-04-01 B 150000", "2024-04-02 A 2.42"])
    }
}
