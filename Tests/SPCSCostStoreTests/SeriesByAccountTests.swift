import Foundation
import GRDB
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// Schema `v10-series-by-account`: the hourly series keyed by pool name, organization and account, rebuilt from the
/// cached rows of an older cache in one transaction.
@Suite struct SeriesByAccountTests {
    static let april: Int64 = 1_775_001_600  // 2026-04-01T00:00Z

    /// Two accounts with a pool of one name (SHARED) in the same hours, one pool each of their own, and a day row.
    static func rows() -> [UsageRecord] {
        func hour(_ account: String, _ pool: String, _ h: Int64, _ nano: Int64) -> UsageRecord {
            let s = Date(timeIntervalSince1970: TimeInterval(april + h * 3600))
            return UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: pool,
                               creditsUsed: NanoCredits(nano), organization: "MYORG", account: account)
        }
        let day = Date(timeIntervalSince1970: TimeInterval(april + 86_400))
        return [hour("TOKYO", "SHARED", 0, 1_000_000_000), hour("TOKYO", "SHARED", 1, 2_000_000_000),
                hour("OREGON", "SHARED", 1, 3_000_000_000), hour("OREGON", "POOL_O", 5, 500_000_000),
                UsageRecord(startTime: day, endTime: day.addingTimeInterval(86_400), computePoolName: "POOL_T",
                            creditsUsed: NanoCredits(7_000_000_000), organization: "MYORG", account: "TOKYO", grain: .day)]
    }

    func series(_ cache: UsageCache) throws -> [String] {
        var out: [String] = []
        try cache.forEachPoolAccountSeries(from: Date(timeIntervalSince1970: TimeInterval(Self.april)),
                                           to: Date(timeIntervalSince1970: TimeInterval(Self.april + 2 * 86_400))) { pool, first, accounts in
            for (owner, values) in accounts {
                let hours = values.enumerated().filter { $0.element != .min }
                    .map { "\((first + Int64($0.offset) * 3600 - Self.april) / 3600)h=\($0.element)" }
                out.append("\(pool) \(owner.account) \(hours.joined(separator: ","))")
            }
        }
        return out
    }

    func summed(_ cache: UsageCache) throws -> [String] {
        var out: [String] = []
        try cache.forEachPoolSeries(from: Date(timeIntervalSince1970: TimeInterval(Self.april)),
                                    to: Date(timeIntervalSince1970: TimeInterval(Self.april + 2 * 86_400))) { pool, _, values in
            out.append("\(pool) \(values.filter { $0 != .min })")
        }
        return out
    }

    @Test func theSeriesKeepEachAccountAndStillSumByPool() throws {
        let cache = try UsageCache(.memory)
        _ = try cache.load(Self.rows(), as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: Date(timeIntervalSince1970: 0)))
        #expect(try series(cache) == ["POOL_O OREGON 5h=500000000", "POOL_T TOKYO 24h=7000000000",
                                      "SHARED OREGON 1h=3000000000", "SHARED TOKYO 0h=1000000000,1h=2000000000"])
        #expect(try summed(cache) == ["POOL_O [500000000]", "POOL_T [7000000000]", "SHARED [1000000000, 5000000000]"])
        #expect(try cache.meteredAccounts(from: Date(timeIntervalSince1970: TimeInterval(Self.april)),
                                          to: Date(timeIntervalSince1970: TimeInterval(Self.april + 86_400))).map(\.account)
                == ["OREGON", "TOKYO"])
        #expect(try cache.poolAccounts(from: Date(timeIntervalSince1970: TimeInterval(Self.april)),
                                       to: Date(timeIntervalSince1970: TimeInterval(Self.april + 2 * 86_400)))
                == ["POOL_O": "OREGON", "POOL_T": "TOKYO", "SHARED": ""])
        // A row replaced by a later load rebuilds its pool-month's blobs for every account.
        var again = Self.rows()[2]
        again.creditsUsed = NanoCredits(4_000_000_000)
        _ = try cache.load([again], as: .init(kind: "pull", source: "t", checksum: "y", loadedAt: Date(timeIntervalSince1970: 0)))
        #expect(try series(cache).filter { $0.hasPrefix("SHARED") }
                == ["SHARED OREGON 1h=4000000000", "SHARED TOKYO 0h=1000000000,1h=2000000000"])
        // The report's parts: per account; the checksum and rows over the pool's summed hours.
        let from = Date(timeIntervalSince1970: TimeInterval(Self.april)), to = from.addingTimeInterval(2 * 86_400)
        let parts = try cache.meteredParts(from: from, to: to, segments: [])
        #expect(parts.parts.map { "\($0.pool) \($0.account) \($0.nanoCredits)" }
                == ["POOL_O OREGON 500000000", "POOL_T TOKYO 7000000000", "SHARED OREGON 4000000000", "SHARED TOKYO 3000000000"])
        #expect(parts.rows == 4)
        // Records by account keep the accounts apart; without, the pool's hour is one row.
        #expect(try cache.records(pools: ["SHARED"]).count == 2)
        #expect(try cache.records(pools: ["SHARED"], byAccount: true).count == 3)
        #expect(try cache.meteredSpans()["SHARED"]?.duration == 7200)
    }

    /// The accounts of each pool name, read from the series blobs when the window's ends are on the hour, are those
    /// the rows give (the window read off the hour, which takes the rows): a row that starts off the hour, a day row,
    /// rows just before, at and after each end, and windows inside, across and outside a month.
    @Test func poolAccountSetsFromTheSeriesAreThoseOfTheRows() throws {
        let cache = try UsageCache(.memory)
        func row(_ account: String, _ pool: String, _ second: Int64, grain: LedgerGrain = .hour) -> UsageRecord {
            let s = Date(timeIntervalSince1970: TimeInterval(Self.april + second))
            return UsageRecord(startTime: s, endTime: s.addingTimeInterval(grain == .day ? 86_400 : 3600),
                               computePoolName: pool, creditsUsed: NanoCredits(1_000_000_000), organization: "MYORG",
                               account: account, grain: grain)
        }
        let rows = Self.rows() + [
            row("OREGON", "LATE", 30 * 86_400 + 1800),           // 2026-05-01T00:30Z, off the hour
            row("TOKYO", "LATE", 29 * 86_400 + 23 * 3600),        // 2026-04-30T23:00Z
            row("", "IMPORTED", -3600),                           // 2026-03-31T23:00Z
            row("TOKYO", "DAILY", 40 * 86_400, grain: .day),
        ]
        _ = try cache.load(rows, as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: Date(timeIntervalSince1970: 0)))
        func at(_ second: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(Self.april + second)) }
        let ends: [Int64] = [-7200, -3600, 0, 3600, 7200, 86_400, 30 * 86_400, 30 * 86_400 + 3600, 40 * 86_400,
                             41 * 86_400, 60 * 86_400]
        for a in ends {
            for b in ends where b > a {
                // A start half a second before the hour takes the rows over [a − 1 s, b): no row starts at a − 1 s.
                let fromSeries = try cache.poolAccountSets(from: at(a), to: at(b))
                let fromRows = try cache.poolAccountSets(from: at(a).addingTimeInterval(-0.5), to: at(b))
                let expected = Dictionary(grouping: rows.filter { $0.startTime >= at(a) && $0.startTime < at(b) },
                                          by: \.computePoolName).mapValues { Set($0.map(\.account)) }
                #expect(fromSeries == expected, "[\(a), \(b))")
                #expect(fromRows == expected, "[\(a), \(b)) by rows")
                #expect(try cache.poolAccounts(from: at(a), to: at(b)) == expected.mapValues { $0.count == 1 ? $0.first! : "" })
            }
        }
    }

    /// A cache from before `v10-series-by-account` (one blob per pool-month, every account summed): a migration that
    /// fails leaves it as it was and usable by the release that wrote it; the next open rebuilds the series per
    /// account from the cached rows, nothing lost.
    @Test func anOlderCacheIsRebuiltPerAccountInOneTransaction() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("old.sqlite")
        do {
            let cache = try UsageCache(.path(path))
            _ = try cache.load(Self.rows(), as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: Date(timeIntervalSince1970: 0)))
        }
        // Back to the earlier layout: the summed blobs as the earlier release wrote them.
        let queue = try DatabaseQueue(path: path)
        let oldBlobs: [[String: DatabaseValue]] = try queue.write { db in
            let blobs = try Row.fetchAll(db, sql: "SELECT compute_pool_name, month_start, hours FROM spcs_series ORDER BY 1, 2")
            var byKey: [String: [Data]] = [:]
            for b in blobs { byKey["\(b[0] as String)|\(b[1] as Int64)", default: []].append(b[2]) }
            try db.execute(sql: """
                DROP TABLE spcs_series;
                CREATE TABLE spcs_series (compute_pool_name TEXT NOT NULL, month_start INTEGER NOT NULL, hours BLOB NOT NULL,
                    PRIMARY KEY (compute_pool_name, month_start)) WITHOUT ROWID;
                DELETE FROM grdb_migrations WHERE identifier = 'v10-series-by-account';
                """)
            for (key, datas) in byKey {
                let parts = key.split(separator: "|")
                try db.execute(sql: "INSERT INTO spcs_series VALUES (?, ?, ?)",
                               arguments: [String(parts[0]), Int64(parts[1])!, SeriesBlob.sum(datas)])
            }
            // A table in the way of the migration's first step: the migration fails.
            try db.execute(sql: "CREATE TABLE spcs_series_v10 (x INTEGER)")
            return try Row.fetchAll(db, sql: "SELECT * FROM spcs_series ORDER BY 1, 2").map { row in
                Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
            }
        }
        #expect(oldBlobs.count == 3)
        #expect(throws: StoreError.self) { _ = try UsageCache(.path(path)) }
        try queue.write { db in
            let after = try Row.fetchAll(db, sql: "SELECT * FROM spcs_series ORDER BY 1, 2").map { row in
                Dictionary(uniqueKeysWithValues: row.columnNames.map { ($0, row[$0] as DatabaseValue) })
            }
            #expect(after == oldBlobs)
            #expect(try !String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").contains("v10-series-by-account"))
            try db.execute(sql: "DROP TABLE spcs_series_v10")
        }
        let cache = try UsageCache(.path(path))
        #expect(try series(cache) == ["POOL_O OREGON 5h=500000000", "POOL_T TOKYO 24h=7000000000",
                                      "SHARED OREGON 1h=3000000000", "SHARED TOKYO 0h=1000000000,1h=2000000000"])
        #expect(try summed(cache) == ["POOL_O [500000000]", "POOL_T [7000000000]", "SHARED [1000000000, 5000000000]"])
        #expect(try cache.keyedRecords().count == 5)
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.count
                == UsageCache.schemaVersion)
    }
}
