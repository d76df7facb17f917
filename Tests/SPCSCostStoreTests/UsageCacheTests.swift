import Foundation
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

func fixtureData(_ name: String) throws -> Data { try Data(contentsOf: Repository.fixture("snowsight/\(name)")) }

@Suite struct SnowsightCSVTests {
    @Test func theAprilFixture() throws {
        let parsed = try SnowsightCSV.parse(try fixtureData("jupyterlab-april-2024.csv"),
                                            file: "jupyterlab-april-2024.csv", wallTimeZone: nil)
        // 210 hourly rows summing to 22.828666667 credits (Fixtures/snowsight/README.md).
        #expect(parsed.records.count == 210)
        #expect(parsed.records.reduce(NanoCredits.zero) { $0 + $1.creditsUsed }.value == 22_828_666_667)
        let first = try #require(parsed.records.first)
        // "2024-03-31 18:00:00.000 -0700" is 2024-04-01T01:00:00Z, 10:00 in Tokyo.
        #expect(first.startTime == ISO8601DateFormatter().date(from: "2024-04-01T01:00:00Z"))
        #expect(first.computePoolID == 1201)
        #expect(first.isExclusive == false)
        #expect(first.applicationName == nil)
    }

    @Test func byteOrderMarkReorderedExtraAndMissingColumns() throws {
        let parsed = try SnowsightCSV.parse(try fixtureData("bom-reordered-extra.csv"), file: "x.csv", wallTimeZone: nil)
        #expect(parsed.records.count == 2)
        #expect(parsed.records[0].computePoolName == "API_POOL")
        #expect(parsed.records[0].creditsUsed.value == 110_000_000)
        // 11:00 +09:00 is 02:00 UTC.
        #expect(parsed.records[1].startTime == ISO8601DateFormatter().date(from: "2024-04-09T02:00:00Z"))
        #expect(parsed.records[1].isExclusive == nil)
        #expect(parsed.records[0].computePoolID == nil)
    }

    @Test func badDecimalNamesLineColumnAndFix() throws {
        do {
            _ = try SnowsightCSV.parse(try fixtureData("bad-decimal.csv"), file: "bad-decimal.csv", wallTimeZone: nil)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "bad-decimal.csv line 3: CREDITS_USED '0,110' is not a decimal; pass --decimal-separator ',' for a file written with decimal commas, or export with '.' as the decimal separator and no thousands separator")
        }
    }

    @Test func missingOffsetNeedsATimeZone() throws {
        #expect {
            try SnowsightCSV.parse(try fixtureData("no-offset.csv"), file: "no-offset.csv", wallTimeZone: nil)
        } throws: { error in
            "\(error)".contains("line 2: START_TIME '2024-04-09 10:00:00.000' has no UTC offset; pass --timezone")
        }
        let parsed = try SnowsightCSV.parse(try fixtureData("no-offset.csv"), file: "no-offset.csv",
                                            wallTimeZone: TimeZone(identifier: "America/Los_Angeles")!)
        // 10:00 PDT is 17:00 UTC.
        #expect(parsed.records[0].startTime == ISO8601DateFormatter().date(from: "2024-04-09T17:00:00Z"))
    }

    @Test func ambiguousWallTimeIsAnError() {
        let csv = "START_TIME,END_TIME,COMPUTE_POOL_NAME,CREDITS_USED\n2024-11-03 01:00:00,2024-11-03 02:00:00,P,1\n"
        #expect {
            try SnowsightCSV.parse(Data(csv.utf8), file: "f.csv", wallTimeZone: TimeZone(identifier: "America/Los_Angeles")!)
        } throws: { "\($0)".contains("occurs twice in America/Los_Angeles") }
    }

    @Test func missingRequiredColumn() {
        let csv = "START_TIME,END_TIME,CREDITS_USED\n"
        #expect {
            try SnowsightCSV.parse(Data(csv.utf8), file: "f.csv", wallTimeZone: nil)
        } throws: { "\($0)".contains("the header row has no COMPUTE_POOL_NAME column") }
    }

    @Test func conflictingDuplicateHours() {
        let csv = """
            START_TIME,END_TIME,COMPUTE_POOL_NAME,CREDITS_USED
            2024-04-09T01:00:00Z,2024-04-09T02:00:00Z,P,0.1
            2024-04-09T01:00:00Z,2024-04-09T02:00:00Z,P,0.2

            """
        #expect {
            try SnowsightCSV.parse(Data(csv.utf8), file: "f.csv", wallTimeZone: nil)
        } throws: { "\($0)".contains("line 3: START_TIME '2024-04-09T01:00:00Z' repeats pool P's hour from line 2") }
    }
}

@Suite struct UsageCacheTests {
    func records() throws -> [UsageRecord] {
        try SnowsightCSV.parse(try fixtureData("jupyterlab-april-2024.csv"), file: "f", wallTimeZone: nil).records
    }

    func load(_ cache: UsageCache, _ rows: [UsageRecord]) throws -> UsageCache.LoadOutcome {
        try cache.load(rows, as: .init(kind: "import", source: "f.csv", checksum: "abc",
                                       loadedAt: Date(timeIntervalSince1970: 1_700_000_000)))
    }

    @Test func loadingTheSameRowsTwiceKeepsOneCopy() throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("c/cache.sqlite")))
        let rows = try records()
        let first = try load(cache, rows)
        #expect(first.inserted == 210 && first.updated == 0 && first.unchanged == 0)
        let second = try load(cache, rows)
        #expect(second.inserted == 0 && second.updated == 0 && second.unchanged == 210)
        let stored = try cache.records()
        #expect(stored.count == 210)
        #expect(stored.reduce(NanoCredits.zero) { $0 + $1.creditsUsed }.value == 22_828_666_667)
        #expect(try cache.loads().map(\.rowCount) == [210, 210])
    }

    @Test func aRestatedHourReplacesTheRow() throws {
        let cache = try UsageCache(.memory)
        var rows = try records()
        _ = try load(cache, rows)
        rows[0].creditsUsed = NanoCredits(99_000_000)
        let outcome = try load(cache, Array(rows.prefix(3)))
        #expect(outcome.inserted == 0 && outcome.updated == 1 && outcome.unchanged == 2)
        #expect(try cache.records().first?.creditsUsed.value == 99_000_000)
    }

    @Test func aFailedLoadLeavesTheCacheAsItWas() throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("cache.sqlite")))
        let rows = try records()
        _ = try load(cache, Array(rows.prefix(5)))
        struct Interrupted: Error {}
        #expect(throws: StoreError.self) {
            try cache.load(.init(kind: "pull", source: "x", checksum: "", loadedAt: Date(timeIntervalSince1970: 0))) { w in
                for r in rows.dropFirst(5).prefix(50) { try w.upsert(r) }
                throw Interrupted()
            }
        }
        #expect(try cache.records().count == 5)
        #expect(try cache.loads().count == 1)
        // Reopening the file sees the same.
        #expect(try UsageCache(.path(dir.path("cache.sqlite"))).records().count == 5)
    }

    @Test func recordsInAWindow() throws {
        let cache = try UsageCache(.memory)
        _ = try load(cache, try records())
        let from = ISO8601DateFormatter().date(from: "2024-04-01T01:00:00Z")!
        let to = ISO8601DateFormatter().date(from: "2024-04-01T03:00:00Z")!
        #expect(try cache.records(from: from, to: to).count == 2)
    }

    @Test func aNewerSchemaIsRefusedAndLeftAlone() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("cache.sqlite")
        _ = try UsageCache(.path(path))
        // Pretend a newer spcs-cost added a migration.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [path, "INSERT INTO grdb_migrations VALUES ('v99-future')"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(throws: StoreError.self) { try UsageCache(.path(path)) }
    }
}
