import Foundation
import SPCSCostCore
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostKit

@Suite struct ImportAndReportTests {
    let fixture = "Fixtures/snowsight/jupyterlab-april-2024.csv"

    @Test func importingTheSameFileTwiceLeavesTheSameRows() throws {
        let env = try testEnvironment()
        let cache = try UsageCache(.memory)
        let service = ImportService(env: env)
        let a = try service.importCSV(path: fixture, timeZone: nil, into: cache)
        let b = try service.importCSV(path: fixture, timeZone: nil, into: cache)
        #expect(a.rows == 210 && a.load.inserted == 210)
        #expect(b.load.inserted == 0 && b.load.unchanged == 210)
        #expect(a.checksum == b.checksum && a.checksum.count == 64)
        #expect(try cache.records().count == 210)
    }

    @Test func aBadFileImportsNothing() throws {
        let env = try testEnvironment()
        let cache = try UsageCache(.memory)
        #expect(throws: StoreError.self) {
            try ImportService(env: env).importCSV(path: "Fixtures/snowsight/bad-decimal.csv", timeZone: nil, into: cache)
        }
        #expect(try cache.records().isEmpty)
        #expect(try cache.loads().isEmpty)
    }

    @Test func aMissingFile() throws {
        #expect(throws: InputFileError(path: "nope.csv", reason: "no such file")) {
            try ImportService(env: try testEnvironment()).importCSV(path: "nope.csv", timeZone: nil, into: try UsageCache(.memory))
        }
    }

    /// The fixture's documented totals (Fixtures/snowsight/README.md) through import and report.
    @Test func theFixtureThroughImportAndReport() throws {
        let env = try testEnvironment()
        let cache = try UsageCache(.memory)
        _ = try ImportService(env: env).importCSV(path: fixture, timeZone: nil, into: cache)
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        var o = ReportOptions(from: CivilDate("2024-04-01")!, to: CivilDate("2024-04-30")!, timeZone: tokyo)
        o.defaultShape = PoolShape(family: InstanceFamily("CPU_X64_XS")!, nodes: 1)
        o.plan = BusinessHours(startSecondOfDay: 36000, endSecondOfDay: 68400,
                               weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday], zone: tokyo)
        o.region = "aws-ap-northeast-1"
        o.currency = .jpy
        o.fx = [.bare(150)]
        let r = try ReportService(env: env).build(o, cache: cache)
        let p = try #require(r.pools.first)
        #expect(r.rateCardID == "2024")
        #expect(p.meteredCredits == dec("22.828666667"))
        // A CSV import has no COMPUTE_POOLS row: the pool is taken to exist from its first metered hour
        // (2024-04-01T01:00Z) to the end of its last (2024-04-30T10:00Z), so always on counts 720 − 10 − 5 = 705 h
        // of the Tokyo month: 705 × 0.11 = 77.55 credits; the plan: 22 × 9 h × 0.11 = 21.78 credits.
        #expect(p.lifetime.source == .meteredHours)
        #expect(p.alwaysOnNodeHours == 705 && p.alwaysOn?.quantity == dec("77.55"))
        #expect(p.planNodeHours == 198 && p.plan?.quantity == dec("21.78"))
        #expect(r.warnings.contains { $0.contains("taken to exist from its first to its last metered hour") })
        let byDay = Dictionary(uniqueKeysWithValues: r.days.map { ($0.date.description, $0.meteredCredits) })
        #expect(byDay["2024-04-01"] == dec("1.1"))      // 9 h + 1 h tail
        #expect(byDay["2024-04-08"] == dec("0.99"))     // 9 h
        #expect(byDay["2024-04-10"] == dec("1.155"))    // 9 h + 30 min session + 1 h tail
        #expect(byDay["2024-04-13"] == dec("0.1925"))   // Saturday: 45 min + 1 h tail
        #expect(byDay["2024-04-18"] == dec("1.122"))    // 9 h + 12 min + 1 h tail
        #expect(byDay["2024-04-22"] == dec("0.999166667")) // 9 h + the 5-minute minimum
        #expect(byDay["2024-04-14"] == 0)
        // Metered cost: 22.828666667 × 2.85 × 150 = 9,759.255000 JPY (exact; rounded only when shown).
        #expect(p.metered.amount == Money(dec("9759.255000142500"), .jpy))
        #expect(r.warnings.contains { $0.contains("no credit price table is documented before 2026-04-01") })
    }
}
