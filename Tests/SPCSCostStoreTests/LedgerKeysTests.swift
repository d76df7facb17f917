import Foundation
import GRDB
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// Schema v4 (`v4-ledger-keys`): hourly rows keyed by organization, account, pool name, pool ID and hour; a v3 cache
/// migrated in place; the money views and their restatements.
@Suite struct LedgerKeysTests {
    static let utc = TimeZone(identifier: "UTC")!
    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static func nano(_ text: String) -> NanoCredits { NanoCredits(parsing: text)! }

    func row(_ pool: String, _ start: String, _ credits: String, id: Int64? = nil, organization: String = "",
             account: String = "") -> UsageRecord {
        let s = Self.instant(start)
        return UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: pool, computePoolID: id,
                           creditsUsed: Self.nano(credits), organization: organization, account: account)
    }

    func load(_ cache: UsageCache, _ rows: [UsageRecord], at: String = "2024-04-03T00:00:00Z") throws -> UsageCache.LoadOutcome {
        try cache.load(rows, as: .init(kind: "import", source: "t.csv", checksum: "x", loadedAt: Self.instant(at)))
    }

    /// Report data for April 2024 in UTC: credits per pool and day.
    func perDay(_ cache: UsageCache) throws -> [String: Int64] {
        let from = Self.instant("2024-04-01T00:00:00Z"), to = Self.instant("2024-05-01T00:00:00Z")
        let read = try cache.meteredByDay(from: from, to: to, segments: OffsetSegment.segments(of: Self.utc, from: from, to: to))
        return Dictionary(uniqueKeysWithValues: read.totals.map { ("\($0.pool) \(CivilDate(daysSinceEpoch: $0.day))", $0.credits.value) })
    }

    // MARK: - Identity

    /// Each account's pull watermark is its own newest END_TIME; rows of unknown account (a CSV import) count for
    /// every account, as the upsert lets them stand for any account's rows.
    @Test func eachAccountHasItsOwnWatermark() throws {
        let cache = try UsageCache(.memory)
        _ = try load(cache, [row("A", "2024-04-02T05:00:00Z", "0.11", id: 7, organization: "MYORG", account: "EU"),
                             row("A", "2024-04-01T09:00:00Z", "0.11", id: 8, organization: "MYORG", account: "US")])
        #expect(try cache.latestEndTime() == Self.instant("2024-04-02T06:00:00Z"))
        #expect(try cache.latestEndTime(organization: "MYORG", account: "EU") == Self.instant("2024-04-02T06:00:00Z"))
        #expect(try cache.latestEndTime(organization: "MYORG", account: "US") == Self.instant("2024-04-01T10:00:00Z"))
        #expect(try cache.latestEndTime(organization: "MYORG", account: "AP") == nil)
        // An imported row without organization or account, newer than US's: US's watermark moves to it; EU's does not.
        _ = try load(cache, [row("B", "2024-04-01T20:00:00Z", "0.055")])
        #expect(try cache.latestEndTime(organization: "MYORG", account: "US") == Self.instant("2024-04-01T21:00:00Z"))
        #expect(try cache.latestEndTime(organization: "MYORG", account: "AP") == Self.instant("2024-04-01T21:00:00Z"))
        #expect(try cache.latestEndTime(organization: "MYORG", account: "EU") == Self.instant("2024-04-02T06:00:00Z"))
    }

    @Test func aPoolReCreatedWithinOneHourCountsBothRows() throws {
        let cache = try UsageCache(.memory)
        // Pool P dropped and re-created at 10:xx: COMPUTE_POOL_ID 101 used 0.05 credits, 102 used 0.06.
        let rows = [row("P", "2024-04-09T10:00:00Z", "0.05", id: 101), row("P", "2024-04-09T10:00:00Z", "0.06", id: 102),
                    row("P", "2024-04-09T11:00:00Z", "0.06", id: 102)]
        let first = try load(cache, rows)
        #expect(first.inserted == 3 && first.updated == 0)
        // 0.05 + 0.06 = 0.11 credits at 10:00, then 0.06: 0.17 on the day.
        let merged = try cache.records()
        #expect(merged.map(\.creditsUsed) == [Self.nano("0.11"), Self.nano("0.06")])
        #expect(merged[0].computePoolID == nil && merged[1].computePoolID == 102)
        #expect(try perDay(cache) == ["P 2024-04-09": 170_000_000])
        #expect(try cache.keyedRecords().map(\.computePoolID) == [101, 102, 102])
        // Loading the same hours again replaces, it does not add.
        let again = try load(cache, rows, at: "2024-04-04T00:00:00Z")
        #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == 3)
        #expect(try perDay(cache) == ["P 2024-04-09": 170_000_000])
    }

    @Test func anIDdRowReplacesTheIDlessRowOfAnEarlierLoadAndTheOtherWay() throws {
        let cache = try UsageCache(.memory)
        // A CSV import without COMPUTE_POOL_ID or account, then a pull of the same hour with both.
        _ = try load(cache, [row("P", "2024-04-09T10:00:00Z", "0.11")])
        let pulled = try load(cache, [row("P", "2024-04-09T10:00:00Z", "0.11", id: 7, organization: "MYORG", account: "ACC")],
                              at: "2024-04-04T00:00:00Z")
        #expect(pulled.inserted == 0 && pulled.updated == 1)
        let keyed = try cache.keyedRecords()
        #expect(keyed.count == 1 && keyed[0].computePoolID == 7 && keyed[0].organization == "MYORG" && keyed[0].account == "ACC")
        #expect(try perDay(cache) == ["P 2024-04-09": 110_000_000])
        // A later ID-less import of that hour stands for the whole hour of P: it replaces the pulled row.
        _ = try load(cache, [row("P", "2024-04-09T10:00:00Z", "0.12")], at: "2024-04-05T00:00:00Z")
        #expect(try cache.keyedRecords().map(\.computePoolID) == [nil])
        #expect(try perDay(cache) == ["P 2024-04-09": 120_000_000])
        // A row of account OTHER does not contradict the ID-less, account-less row, so it replaces it.
        _ = try load(cache, [row("P", "2024-04-09T10:00:00Z", "0.30", id: 9, organization: "MYORG", account: "OTHER")],
                     at: "2024-04-06T00:00:00Z")
        #expect(try cache.keyedRecords().map(\.account) == ["OTHER"])
        _ = try load(cache, [row("P", "2024-04-09T10:00:00Z", "0.12", id: 7, organization: "MYORG", account: "ACC")],
                     at: "2024-04-07T00:00:00Z")
        // Another account's pool of the same name is another pool: both count (0.12 + 0.30 = 0.42).
        #expect(try cache.keyedRecords().map(\.account) == ["ACC", "OTHER"])
        #expect(try perDay(cache) == ["P 2024-04-09": 420_000_000])
    }

    @Test func aCSVWithTwoPoolIDsInOneHourImportsAndBothCount() throws {
        let csv = """
            START_TIME,END_TIME,COMPUTE_POOL_NAME,COMPUTE_POOL_ID,CREDITS_USED,ACCOUNT_NAME,ORGANIZATION_NAME
            2024-04-09T10:00:00Z,2024-04-09T11:00:00Z,P,101,0.05,acc,myorg
            2024-04-09T10:00:00Z,2024-04-09T11:00:00Z,P,102,0.06,acc,myorg
            2024-04-09T10:00:00Z,2024-04-09T11:00:00Z,P,102,0.06,acc,myorg

            """
        let parsed = try SnowsightCSV.parse(Data(csv.utf8), file: "recreated.csv", wallTimeZone: nil)
        // The third line repeats the second exactly: kept once.
        #expect(parsed.records.count == 2)
        #expect(parsed.records.map(\.account) == ["ACC", "ACC"] && parsed.records.map(\.organization) == ["MYORG", "MYORG"])
        let cache = try UsageCache(.memory)
        _ = try load(cache, parsed.records)
        // 0.05 + 0.06 = 0.11 credits in that hour.
        #expect(try perDay(cache) == ["P 2024-04-09": 110_000_000])
        #expect(try cache.records().map(\.creditsUsed) == [Self.nano("0.11")])
        // Without IDs, two different values for one pool and hour are still refused.
        let ambiguous = "START_TIME,END_TIME,COMPUTE_POOL_NAME,CREDITS_USED\n"
            + "2024-04-09T10:00:00Z,2024-04-09T11:00:00Z,P,0.05\n2024-04-09T10:00:00Z,2024-04-09T11:00:00Z,P,0.06\n"
        #expect {
            try SnowsightCSV.parse(Data(ambiguous.utf8), file: "a.csv", wallTimeZone: nil)
        } throws: { "\($0)".contains("a.csv line 3: START_TIME '2024-04-09T10:00:00Z' repeats pool P's hour from line 2") }
        let negative = "START_TIME,END_TIME,COMPUTE_POOL_NAME,COMPUTE_POOL_ID,CREDITS_USED\n"
            + "2024-04-09T10:00:00Z,2024-04-09T11:00:00Z,P,-1,0.05\n"
        #expect {
            try SnowsightCSV.parse(Data(negative.utf8), file: "n.csv", wallTimeZone: nil)
        } throws: { "\($0)" == "n.csv line 2: COMPUTE_POOL_ID '-1' is not a whole number 0 or more" }
    }

    // MARK: - Migration of a version 3 cache

    /// The SQL of schema versions 1 to 3 as the release before `v4-ledger-keys` wrote them.
    static let version3Migrations: [(String, String)] = [
        ("v1-spcs-history", """
            CREATE TABLE loads (id INTEGER PRIMARY KEY, loaded_at INTEGER NOT NULL, kind TEXT NOT NULL,
                source TEXT NOT NULL, row_count INTEGER NOT NULL, checksum TEXT NOT NULL, window_start INTEGER,
                window_end INTEGER, details TEXT);
            CREATE TABLE spcs_history (compute_pool_name TEXT NOT NULL, start_time INTEGER NOT NULL,
                end_time INTEGER NOT NULL, compute_pool_id INTEGER, is_exclusive INTEGER, application_name TEXT,
                application_id TEXT, credits_used_nano INTEGER NOT NULL,
                load_id INTEGER NOT NULL REFERENCES loads(id), PRIMARY KEY (compute_pool_name, start_time)) WITHOUT ROWID;
            """),
        ("v2-pull-views", """
            CREATE TABLE compute_pools (name TEXT NOT NULL, id INTEGER NOT NULL, is_suspended INTEGER, min_nodes INTEGER,
                max_nodes INTEGER, instance_family TEXT, auto_suspend_secs INTEGER, auto_resume INTEGER, created INTEGER,
                last_resumed INTEGER, last_altered INTEGER, deleted INTEGER, owner TEXT, comment TEXT,
                load_id INTEGER NOT NULL REFERENCES loads(id), PRIMARY KEY (name, id)) WITHOUT ROWID;
            CREATE TABLE metering_daily (usage_date INTEGER NOT NULL PRIMARY KEY, credits_used_compute_nano INTEGER NOT NULL,
                credits_used_cloud_services_nano INTEGER NOT NULL, credits_used_nano INTEGER NOT NULL,
                credits_adjustment_cloud_services_nano INTEGER NOT NULL, credits_billed_nano INTEGER NOT NULL,
                load_id INTEGER NOT NULL REFERENCES loads(id)) WITHOUT ROWID;
            CREATE TABLE rate_sheet_daily (date INTEGER NOT NULL, account_name TEXT NOT NULL, service_type TEXT NOT NULL,
                usage_type TEXT NOT NULL, rating_type TEXT NOT NULL, billing_type TEXT NOT NULL,
                is_adjustment INTEGER NOT NULL, currency TEXT NOT NULL, effective_rate TEXT NOT NULL,
                contract_number TEXT, region TEXT, service_level TEXT, load_id INTEGER NOT NULL REFERENCES loads(id),
                PRIMARY KEY (date, account_name, service_type, usage_type, rating_type, billing_type, is_adjustment))
                WITHOUT ROWID;
            """),
        ("v3-hourly-series", """
            CREATE TABLE spcs_series (compute_pool_name TEXT NOT NULL, month_start INTEGER NOT NULL, hours BLOB NOT NULL,
                PRIMARY KEY (compute_pool_name, month_start)) WITHOUT ROWID;
            """),
    ]

    @Test func aVersion3CacheIsMigratedInPlaceWithNothingLost() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("v3.sqlite")
        // 2024-04-01T00:00Z = 1711929600 s. Pool A: 3 hours on 1 and 2 April with pool ID 7; pool B: 2 hours on
        // 30 April with no ID (a CSV import without COMPUTE_POOL_ID), application columns set.
        let april: Int64 = 1_711_929_600
        let history: [(String, Int64, Int64?, Int64?, String?, String?, Int64)] = [
            ("A", april, 7, 0, nil, nil, 110_000_000),
            ("A", april + 3600, 7, 0, nil, nil, 55_000_000),
            ("A", april + 86_400 + 7200, 7, 0, nil, nil, 220_000_000),
            ("B", april + 29 * 86_400 + 22 * 3600, nil, 1, "APP", "42", 1_000_000_001),
            ("B", april + 29 * 86_400 + 23 * 3600, nil, 1, "APP", "42", 2),
        ]
        do {
            let queue = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            for (id, sql) in Self.version3Migrations { migrator.registerMigration(id) { try $0.execute(sql: sql) } }
            try migrator.migrate(queue)
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO loads VALUES (1, 1712102400, 'import', 'april.csv', 5, 'abc', \(april), \(april + 30 * 86_400), NULL)
                    """)
                for (pool, start, id, exclusive, app, appID, nano) in history {
                    try db.execute(sql: "INSERT INTO spcs_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                                   arguments: [pool, start, start + 3600, id, exclusive, app, appID, nano])
                }
                // The v3 blobs: one per pool and month, Int64 little-endian per hour, Int64.min where no row.
                for pool in ["A", "B"] {
                    var hours = [Int64](repeating: .min, count: 30 * 24)
                    for h in history where h.0 == pool { hours[Int((h.1 - april) / 3600)] = h.6 }
                    try db.execute(sql: "INSERT INTO spcs_series VALUES (?, ?, ?)",
                                   arguments: [pool, april, hours.map(\.littleEndian).withUnsafeBytes { Data($0) }])
                }
                try db.execute(sql: """
                    INSERT INTO compute_pools (name, id, instance_family, min_nodes, max_nodes, load_id) VALUES ('A', 7, 'CPU_X64_XS', 1, 2, 1);
                    INSERT INTO metering_daily VALUES (19814, 165000000, 1000000, 166000000, 0, 166000000, 1);
                    INSERT INTO rate_sheet_daily VALUES (19814, 'ACC', 'SNOWPARK_CONTAINER_SERVICES', 'compute', 'compute',
                        'consumption', 0, 'USD', '2.85', '123', 'AWS_AP_NORTHEAST_1', 'Enterprise', 1);
                    """)
            }
        }
        let cache = try UsageCache(.path(path))
        // Every row, with organization and account not known and the NULL ID kept as nil.
        let keyed = try cache.keyedRecords()
        #expect(keyed.count == 5)
        #expect(keyed.map(\.computePoolName) == ["A", "A", "A", "B", "B"])
        #expect(keyed.map(\.computePoolID) == [7, 7, 7, nil, nil])
        #expect(keyed.allSatisfy { $0.organization == "" && $0.account == "" })
        #expect(keyed.map(\.creditsUsed.value) == history.map(\.6))
        #expect(keyed[3].applicationName == "APP" && keyed[3].applicationID == "42" && keyed[3].isExclusive == true)
        #expect(try cache.records() == keyed)
        // The sums: A 0.165 on 1 April and 0.22 on 2 April; B 1.000000001 + 0.000000002 on 30 April.
        #expect(try perDay(cache) == ["A 2024-04-01": 165_000_000, "A 2024-04-02": 220_000_000,
                                      "B 2024-04-30": 1_000_000_003])
        #expect(try cache.computePools().map(\.instanceFamily) == ["CPU_X64_XS"])
        #expect(try cache.rateSheet().map(\.effectiveRate) == [Decimal(string: "2.85")!])
        #expect(try cache.loads().map(\.source) == ["april.csv"])
        #expect(try cache.latestEndTime() == Date(timeIntervalSince1970: TimeInterval(april + 30 * 86_400)))
        // The new tables are there and empty (v5 adds spcs_daily, v6 account_regions, v7 the block storage
        // and transfer tables, v9 notebook_usage and
        // application_names, v10 keys the series by account).
        #expect(try cache.usageInCurrency().isEmpty && cache.restatedDays().isEmpty)
        // account_regions is empty: any region known is the migrated rate sheet's.
        #expect(try cache.accountRegions().allSatisfy { $0.source == .rateSheet })
        #expect(["v5-daily-rows", "v6-account-regions", "v7-storage-transfer", "v8-task-warehouses", "v9-notebook-usage", "v10-series-by-account"]
              .allSatisfy(UsageCache.migrationIDs.contains))
        #expect(UsageCache.schemaVersion == UsageCache.migrationIDs.count)
        // v9 keeps each APPLICATION_ID's last name, filled from the migrated history.
        #expect(try cache.applicationNames().map { "\($0.applicationID)=\($0.name)" } == ["42=APP"])
        #expect(try cache.notebookUsage().isEmpty)
        #expect(try cache.storageAndTransfer(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!).isEmpty)
        // v5 keys METERING_DAILY_HISTORY by day and account: the migrated day is kept, its account not known.
        #expect(try cache.meteringDaily().map { "\($0.usageDate) [\($0.account)] \($0.creditsBilled)" } == ["2024-04-01 [] 0.166000000"])
        // A later pull of A's first hour with an ID and account replaces the migrated row, not adds to it.
        _ = try load(cache, [UsageRecord(startTime: Date(timeIntervalSince1970: TimeInterval(april)),
                                         endTime: Date(timeIntervalSince1970: TimeInterval(april + 3600)),
                                         computePoolName: "A", computePoolID: 7, creditsUsed: Self.nano("0.11"),
                                         organization: "MYORG", account: "ACC")])
        #expect(try perDay(cache)["A 2024-04-01"] == 165_000_000)
        #expect(try cache.keyedRecords().count == 5)
        // Opening it again changes nothing.
        let reopened = try UsageCache(.path(path))
        #expect(try reopened.keyedRecords().count == 5)
    }

    // MARK: - Money views and restatements

    func rate(_ day: String, _ price: String, service: String = "SNOWPARK_CONTAINER_SERVICES") -> RateSheetRow {
        RateSheetRow(date: CivilDate(day)!, currency: Currency(code: "USD")!, effectiveRate: Decimal(string: price)!,
                     serviceType: service, usageType: "compute", billingType: "consumption", ratingType: "compute",
                     accountName: "ACC", origin: "test")
    }

    func billed(_ day: String, _ usage: String, _ amount: String, source: String = "capacity") -> UsageInCurrencyRow {
        UsageInCurrencyRow(usageDate: CivilDate(day)!, organizationName: "MYORG", accountName: "ACC",
                           accountLocator: "XY12345", usageType: "snowpark container services",
                           serviceType: "SNOWPARK_CONTAINER_SERVICES", ratingType: "compute", billingType: "consumption",
                           balanceSource: source, usage: Decimal(string: usage)!, usageInCurrency: Decimal(string: amount)!,
                           currency: "USD")
    }

    func pull(_ cache: UsageCache, rates: [RateSheetRow], bills: [UsageInCurrencyRow], from: String?, at: String) throws {
        _ = try cache.load(.init(kind: "pull", source: "test", checksum: "x", loadedAt: Self.instant(at))) { writer in
            for r in rates { try writer.upsert(r) }
            try writer.removeRowsNotReread(HistoryWriter.rateSheetView, from: from.flatMap(CivilDate.init))
            for b in bills { try writer.upsert(b) }
            try writer.removeRowsNotReread(HistoryWriter.usageInCurrencyView, from: from.flatMap(CivilDate.init))
        }
    }

    @Test func restatedMoneyRowsAreReplacedAndRecorded() throws {
        let cache = try UsageCache(.memory)
        try pull(cache, rates: [rate("2024-03-31", "2.00"), rate("2024-04-01", "2.00"), rate("2024-04-02", "2.00")],
                 bills: [billed("2024-04-01", "10.123", "20.25"), billed("2024-04-02", "1.000", "2.00")],
                 from: nil, at: "2024-04-03T00:00:00Z")
        #expect(try cache.restatedDays().isEmpty)
        #expect(try cache.hasRows(of: HistoryWriter.usageInCurrencyView))
        // The second pull reads from 2024-03-01: 1 April's price is now 2.10 and its bill 21.26; 2 April's bill is
        // gone; 31 March is unchanged.
        try pull(cache, rates: [rate("2024-03-31", "2.00"), rate("2024-04-01", "2.10"), rate("2024-04-02", "2.00")],
                 bills: [billed("2024-04-01", "10.123", "21.26")], from: "2024-03-01", at: "2024-04-04T00:00:00Z")
        #expect(try cache.rateSheet().map(\.effectiveRate) == [2, Decimal(string: "2.1")!, 2])
        #expect(try cache.restatedDays() == [CivilDate("2024-04-01")!, CivilDate("2024-04-02")!])
        #expect(try cache.restatedDays(from: CivilDate("2024-04-02")!, to: CivilDate("2024-05-01")!) == [CivilDate("2024-04-02")!])
        let changes = try cache.restatements()
        #expect(changes.map(\.view) == ["RATE_SHEET_DAILY", "USAGE_IN_CURRENCY_DAILY", "USAGE_IN_CURRENCY_DAILY"])
        #expect(changes.map(\.column) == ["EFFECTIVE_RATE", "USAGE_IN_CURRENCY", "ROW"])
        #expect(changes.map(\.oldValue) == ["2", "20.25", "2"] && changes.map(\.newValue) == ["2.1", "21.26", ""])
        #expect(changes[0].key == "ACCOUNT_NAME=ACC, SERVICE_TYPE=SNOWPARK_CONTAINER_SERVICES, USAGE_TYPE=compute, "
                + "RATING_TYPE=compute, BILLING_TYPE=consumption, IS_ADJUSTMENT=false")
        let rows = try cache.usageInCurrency(from: CivilDate("2024-04-01")!, to: CivilDate("2024-05-01")!)
        #expect(rows == [billed("2024-04-01", "10.123", "21.26")])
        #expect(rows[0].usageInCurrency == Decimal(string: "21.26")!)
        // A pull that reads the same values again records nothing new.
        try pull(cache, rates: [rate("2024-03-31", "2.00"), rate("2024-04-01", "2.10"), rate("2024-04-02", "2.00")],
                 bills: [billed("2024-04-01", "10.123", "21.26")], from: "2024-03-01", at: "2024-04-05T00:00:00Z")
        #expect(try cache.restatements().count == 3)
    }
}
