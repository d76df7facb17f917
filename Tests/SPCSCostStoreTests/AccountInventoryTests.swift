import Foundation
import GRDB
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// Schema `v12-account-inventory`: COMPUTE_POOLS rows keyed by organization, account, NAME and ID, so two accounts'
/// pools of one name (and one ID) are both kept, as their METERING_DAILY_HISTORY days of one date are.
@Suite struct AccountInventoryTests {
    static func pool(_ account: String, family: String) -> ComputePoolRecord {
        ComputePoolRecord(name: "POOL", id: 7, instanceFamily: family, organization: "MYORG", account: account)
    }

    static func day(_ account: String, _ nano: Int64) -> MeteringDailyRecord {
        MeteringDailyRecord(usageDate: CivilDate(year: 2024, month: 4, day: 1)!, creditsUsedCompute: NanoCredits(nano),
                            creditsUsedCloudServices: NanoCredits(0), creditsUsed: NanoCredits(nano),
                            creditsAdjustmentCloudServices: NanoCredits(0), creditsBilled: NanoCredits(nano),
                            organization: "MYORG", account: account)
    }

    func inventory(_ cache: UsageCache) throws -> [String] {
        try cache.computePools().map { "\($0.organization).\($0.account) \($0.name) \($0.id) \($0.instanceFamily ?? "-")" }
    }

    @Test func twoAccountsPoolsOfOneNameAndIDAndTheirDaysAreAllKept() throws {
        let cache = try UsageCache(.memory)
        for (account, family, nano) in [("TOKYO", "CPU_X64_XS", Int64(2_640_000_000)), ("OREGON", "CPU_X64_M", 1_100_000_000)] {
            _ = try cache.load(.init(kind: "pull", source: account.lowercased(), checksum: account,
                                     loadedAt: Date(timeIntervalSince1970: 0))) { writer in
                try writer.upsert(Self.pool(account, family: family))
                try writer.upsert(Self.day(account, nano))
            }
        }
        #expect(try inventory(cache) == ["MYORG.OREGON POOL 7 CPU_X64_M", "MYORG.TOKYO POOL 7 CPU_X64_XS"])
        #expect(try cache.meteringDaily().map { "\($0.usageDate) \($0.account) \($0.creditsBilled)" }
                == ["2024-04-01 OREGON 1.100000000", "2024-04-01 TOKYO 2.640000000"])
    }

    /// A cache from before the migration (COMPUTE_POOLS keyed by NAME and ID): each row takes the organization and
    /// account of the metering rows its pull wrote; a row whose pull left none keeps '' (not known).
    @Test func anOlderCacheTakesEachRowsAccountFromItsPull() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.sqlite")
        do {
            let cache = try UsageCache(.path(path))
            _ = try cache.load(.init(kind: "pull", source: "tokyo", checksum: "a", loadedAt: Date(timeIntervalSince1970: 0))) { writer in
                try writer.upsert(Self.pool("TOKYO", family: "CPU_X64_XS"))
                try writer.upsert(Self.day("TOKYO", 2_640_000_000))
            }
            _ = try cache.load(.init(kind: "pull", source: "old", checksum: "b", loadedAt: Date(timeIntervalSince1970: 0))) { writer in
                try writer.upsert(ComputePoolRecord(name: "OTHER", id: 9, instanceFamily: "CPU_X64_S"))
            }
        }
        // Back to the earlier layout, as the earlier release wrote it.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE compute_pools_old (
                    name TEXT NOT NULL, id INTEGER NOT NULL, is_suspended INTEGER, min_nodes INTEGER, max_nodes INTEGER,
                    instance_family TEXT, auto_suspend_secs INTEGER, auto_resume INTEGER, created INTEGER,
                    last_resumed INTEGER, last_altered INTEGER, deleted INTEGER, owner TEXT, comment TEXT,
                    load_id INTEGER NOT NULL REFERENCES loads(id), PRIMARY KEY (name, id)) WITHOUT ROWID;
                INSERT INTO compute_pools_old (name, id, instance_family, load_id)
                    SELECT name, id, instance_family, load_id FROM compute_pools;
                DROP TABLE compute_pools;
                ALTER TABLE compute_pools_old RENAME TO compute_pools;
                DELETE FROM grdb_migrations WHERE identifier = 'v12-account-inventory';
                """)
        }
        let cache = try UsageCache(.path(path))
        #expect(try inventory(cache) == [". OTHER 9 CPU_X64_S", "MYORG.TOKYO POOL 7 CPU_X64_XS"])
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.count
                == UsageCache.schemaVersion)
    }
}
