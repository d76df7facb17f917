import Foundation
import Testing

@testable import SPCSCostCore

private func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

/// Which tasks act on pools, the apportioning of warehouse hours, and the estimate's range, as worked examples.
@Suite struct TaskWarehouseTests {
    @Test(arguments: [
        ("ALTER COMPUTE POOL API_POOL SUSPEND", "pool API_POOL"),
        ("alter compute pool if exists \"Api Pool\" resume;", "pool \"Api Pool\""),
        ("ALTER SERVICE ops.public.api SUSPEND", "service ops.public.api"),
        ("EXECUTE IMMEDIATE 'ALTER COMPUTE POOL ' || :p || ' SUSPEND'", "none"),
        ("EXECUTE IMMEDIATE 'ALTER COMPUTE POOL GPU_POOL RESUME'", "pool GPU_POOL"),
        ("CALL ops.suspend_pools()", "procedure ops.suspend_pools"),
        ("CALL ops.set_state('API', 'resume');", "procedure ops.set_state"),
        ("CALL ops.nightly()", "none"),
        ("ALTER COMPUTE POOL API_POOL SET MIN_NODES = 2", "none"),
        ("INSERT INTO t SELECT 1", "none"),
    ])
    func theRuleReadsQueryText(_ text: String, _ expected: String) {
        let found = PoolTaskRule.targets(of: text).map { t -> String in
            switch t {
            case let .computePool(n): "pool \(n)"
            case let .service(n): "service \(n)"
            case let .procedure(n): "procedure \(n)"
            }
        }
        #expect((found.first ?? "none") == expected)
        #expect(PoolTaskRule.actsOnPools(text) == (expected != "none"))
    }

    /// Two runs in one hour of WH (1.2 credits): the pool task from 10:00:00 to 10:00:30 (+600 s tail → 630 s in the
    /// hour), an ETL task from 10:50:00 to 11:20:00 (+600 s → 600 s in this hour, 1,800 s in the next).
    /// Hour 10: 1.2 × 630 ÷ 1,230 to the pool task. Hour 11 (0.5 credits): only the ETL run, nothing attributed.
    @Test func aSharedHourIsSplitBySecondsOfEachRunsSpan() {
        let runs = [
            TaskRunRecord(name: "RESUME", queryID: "a", queryText: "ALTER COMPUTE POOL P RESUME", state: "SUCCEEDED",
                          scheduledTime: at("2024-04-01T10:00:00Z"), queryStartTime: at("2024-04-01T10:00:00Z"),
                          completedTime: at("2024-04-01T10:00:30Z"), warehouseName: "WH"),
            TaskRunRecord(name: "ETL", queryID: "b", queryText: "MERGE INTO t USING s ON ...", state: "SUCCEEDED",
                          scheduledTime: at("2024-04-01T10:50:00Z"), queryStartTime: at("2024-04-01T10:50:00Z"),
                          completedTime: at("2024-04-01T11:20:00Z"), warehouseName: "wh"),
        ]
        let hours = [("2024-04-01T10:00:00Z", "1.2"), ("2024-04-01T11:00:00Z", "0.5")].map { s, c in
            WarehouseMeteringRecord(startTime: at(s), endTime: at(s).addingTimeInterval(3600), warehouseID: 1,
                                    warehouseName: "WH", creditsUsed: NanoCredits(parsing: c)!,
                                    creditsUsedCompute: NanoCredits(parsing: c)!, creditsUsedCloudServices: .zero)
        }
        let shares = TaskWarehouseAttribution.shares(metering: hours, runs: runs, serverless: [],
                                                     from: at("2024-04-01T00:00:00Z"), to: at("2024-04-02T00:00:00Z"))
        #expect(shares.count == 1)
        #expect(shares[0].task == "RESUME" && shares[0].warehouse == "WH" && shares[0].kind == .warehouse)
        #expect(shares[0].credits == Decimal(string: "1.2")! * 630 / 1230)
        #expect(shares[0].fraction == Decimal(630) / 1230)
        // A 0-second tail: the pool task's 30 s against the ETL run's 600 s in hour 10.
        let short = TaskWarehouseAttribution.shares(metering: hours, runs: runs, serverless: [],
                                                    from: at("2024-04-01T00:00:00Z"), to: at("2024-04-02T00:00:00Z"),
                                                    tailSeconds: 0)
        #expect(short.map(\.fraction) == [Decimal(30) / 630])
        // WH's own AUTO_SUSPEND pulled as 60 s (SHOW WAREHOUSES): the pool task's 30 + 60 s against the ETL run's
        // 600 s in hour 10, so 90 ÷ 690 of 1.2 credits; a warehouse the lookup does not know keeps the 600 s default.
        let pulled = TaskWarehouseAttribution.shares(metering: hours, runs: runs, serverless: [],
                                                     from: at("2024-04-01T00:00:00Z"), to: at("2024-04-02T00:00:00Z"),
                                                     tailSecondsOf: { _, _, wh in wh == "WH" ? 60 : nil })
        #expect(pulled.map(\.fraction) == [Decimal(90) / 690])
        #expect(pulled.map(\.credits) == [Decimal(string: "1.2")! * 90 / 690])
        let unknown = TaskWarehouseAttribution.shares(metering: hours, runs: runs, serverless: [],
                                                      from: at("2024-04-01T00:00:00Z"), to: at("2024-04-02T00:00:00Z"),
                                                      tailSecondsOf: { _, _, wh in wh == "OTHER_WH" ? 60 : nil })
        #expect(unknown.map(\.fraction) == [Decimal(630) / 1230])
    }

    /// Per pool, in one hour of WH (0.9 credits) that runs only pool tasks, each statement 0 s + the 600 s tail:
    /// - RESUME_A (ALTER COMPUTE POOL A RESUME) at 10:00 and RESUME_BOTH (pools B and C) at 10:10: 600 s each;
    /// - SUSPEND_BY_CALL (`CALL ops.set_state('X', 'suspend')`, no pool can be told) at 10:40: 600 s.
    /// 1,800 s in all, so each task gets 0.3 credits; RESUME_BOTH's splits evenly, 0.15 to B and 0.15 to C; the call's
    /// stays on the account line (pool ""). A serverless task that acted on A in 3 runs and on B in 1 gets its 0.2
    /// credits split 0.15 to A and 0.05 to B (by runs). Every pool share adds up to the task's share.
    @Test func eachRunsSecondsGoToThePoolsItActedOn() {
        func run(_ name: String, _ text: String, _ time: String, warehouse: String? = "WH") -> TaskRunRecord {
            TaskRunRecord(name: name, queryID: name + time, queryText: text, state: "SUCCEEDED", scheduledTime: at(time),
                          queryStartTime: at(time), completedTime: at(time), warehouseName: warehouse)
        }
        let runs = [
            run("RESUME_A", "ALTER COMPUTE POOL A RESUME", "2024-04-01T10:00:00Z"),
            run("RESUME_BOTH", "ALTER COMPUTE POOL B RESUME; ALTER COMPUTE POOL c RESUME", "2024-04-01T10:10:00Z"),
            run("SUSPEND_BY_CALL", "CALL ops.set_state('X', 'suspend')", "2024-04-01T10:40:00Z"),
        ] + ["01", "02", "03"].map { run("SERVERLESS", "ALTER COMPUTE POOL A SUSPEND", "2024-04-\($0)T20:00:00Z", warehouse: nil) }
            + [run("SERVERLESS", "ALTER COMPUTE POOL B SUSPEND", "2024-04-04T20:00:00Z", warehouse: nil)]
        let hour = WarehouseMeteringRecord(startTime: at("2024-04-01T10:00:00Z"), endTime: at("2024-04-01T11:00:00Z"),
                                           warehouseID: 1, warehouseName: "WH", creditsUsed: NanoCredits(parsing: "0.9")!,
                                           creditsUsedCompute: NanoCredits(parsing: "0.9")!, creditsUsedCloudServices: .zero)
        let serverless = ServerlessTaskRecord(startTime: at("2024-04-01T20:00:00Z"), endTime: at("2024-04-01T21:00:00Z"),
                                              taskID: 9, taskName: "SERVERLESS", creditsUsed: NanoCredits(parsing: "0.2")!)
        let shares = TaskWarehouseAttribution.shares(metering: [hour], runs: runs, serverless: [serverless],
                                                     from: at("2024-04-01T00:00:00Z"), to: at("2024-04-05T00:00:00Z"))
        #expect(shares.map { "\($0.task) \($0.pool) \($0.credits) \($0.fraction)" } == [
            "RESUME_A A 0.3 \(Decimal(600) / 1800)",
            "RESUME_BOTH B 0.15 \(Decimal(600) / 1800 / 2)",
            "RESUME_BOTH C 0.15 \(Decimal(600) / 1800 / 2)",
            "SUSPEND_BY_CALL  0.3 \(Decimal(600) / 1800)",
            "SERVERLESS A 0.15 0.75",
            "SERVERLESS B 0.05 0.25",
        ])
        #expect(shares.reduce(Decimal(0)) { $0 + $1.credits } == Decimal(string: "1.1")!)
        // A resolver that tells the call's pool moves its share to that pool; the totals stay.
        let resolved = TaskWarehouseAttribution.shares(
            metering: [hour], runs: runs, serverless: [serverless], from: at("2024-04-01T00:00:00Z"),
            to: at("2024-04-05T00:00:00Z"),
            poolsOf: { $0.name == "SUSPEND_BY_CALL" ? ["X_POOL"] : PoolTaskRule.poolNames(in: $0.queryText) })
        #expect(resolved.first { $0.task == "SUSPEND_BY_CALL" }?.pool == "X_POOL")
        #expect(resolved.reduce(Decimal(0)) { $0 + $1.credits } == Decimal(string: "1.1")!)
    }

    /// Issue 11's worked example: two task runs each weekday of a 22-weekday month on an otherwise idle X-Small
    /// warehouse (1 credit/h) with AUTO_SUSPEND 600: 44 runs × 60 s = 2,640 s = 0.733… credits at least, 44 × 600 s
    /// = 26,400 s = 7.333… credits at most; against 198 business hours (22 × 9 h) of a CPU_X64_XS pool at 0.06 or
    /// 0.11 credits per node-hour: 11.88 or 21.78 credits.
    @Test func twoRunsAWeekdayOnAnXSmallWarehouse() {
        let range = TaskWarehouseRange(runs: 2 * 22, creditsPerHour: WarehouseSize.xSmall.creditsPerHour, autoSuspendSeconds: 600)
        #expect(range.lowCredits == Decimal(2640) / 3600)
        #expect(range.highCredits == Decimal(26_400) / 3600)
        #expect(MoneyRound.two(range.lowCredits) == Decimal(string: "0.73")!)
        #expect(MoneyRound.one(range.highCredits) == Decimal(string: "7.3")!)
        #expect(198 * Decimal(string: "0.06")! == Decimal(string: "11.88")!)
        #expect(198 * Decimal(string: "0.11")! == Decimal(string: "21.78")!)
        // AUTO_SUSPEND under the minimum still bills the minimum.
        #expect(TaskWarehouseRange(runs: 1, creditsPerHour: 1, autoSuspendSeconds: 30).highCredits == Decimal(60) / 3600)
    }
}

/// Half-even rounding for the worked example's words only.
private enum MoneyRound {
    static func round(_ d: Decimal, _ scale: Int) -> Decimal {
        var v = d
        var r = Decimal()
        NSDecimalRound(&r, &v, scale, .bankers)
        return r
    }
    static func one(_ d: Decimal) -> Decimal { round(d, 1) }
    static func two(_ d: Decimal) -> Decimal { round(d, 2) }
}
