import Foundation
import SPCSCostCore
import Testing

@testable import SPCSCostStore

@Suite struct DailyTotalsTests {
    /// One row every hour from 2024-03-08 to 2024-03-13 UTC; summed per Los Angeles day in SQL, the day of
    /// 2024-03-10 has 23 rows (the clocks skip an hour), the days around it 24.
    @Test func localDaysAcrossASpringShift() throws {
        let la = TimeZone(identifier: "America/Los_Angeles")!
        let start = ISO8601DateFormatter().date(from: "2024-03-08T00:00:00Z")!
        var rows: [UsageRecord] = []
        for h in 0..<(5 * 24) {
            let s = start.addingTimeInterval(Double(h) * 3600)
            rows.append(UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: h % 2 == 0 ? "A" : "B",
                                    creditsUsed: NanoCredits(Int64(1_000 + h))))
        }
        let cache = try UsageCache(.memory)
        _ = try cache.load(rows, as: .init(kind: "import", source: "t", checksum: "", loadedAt: start))
        let from = CivilDate("2024-03-09")!.startInstant(in: la)
        let to = CivilDate("2024-03-12")!.startInstant(in: la)
        let totals = try cache.meteredByDay(from: from, to: to, segments: OffsetSegment.segments(of: la, from: from, to: to)).totals
        // The same sums computed row by row in Swift.
        var expected: [String: [CivilDate: (NanoCredits, Int)]] = [:]
        for r in rows where r.startTime >= from && r.startTime < to {
            let d = CivilDate.of(r.startTime, in: la)
            let (c, n) = expected[r.computePoolName]?[d] ?? (.zero, 0)
            expected[r.computePoolName, default: [:]][d] = (c + r.creditsUsed, n + 1)
        }
        #expect(totals.count == 6)
        for t in totals {
            let e = try #require(expected[t.pool]?[CivilDate(daysSinceEpoch: t.day)])
            #expect(t.credits == e.0 && t.hours == e.1)
        }
        let march10 = totals.filter { CivilDate(daysSinceEpoch: $0.day) == CivilDate("2024-03-10")! }
        #expect(march10.map(\.hours).reduce(0, +) == 23)
    }

    @Test func theChecksumChangesWithAnyCredit() throws {
        let start = ISO8601DateFormatter().date(from: "2024-04-01T00:00:00Z")!
        var rows: [UsageRecord] = []
        for h in 0..<48 {
            let s = start.addingTimeInterval(Double(h) * 3600)
            rows.append(UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: "P",
                                    creditsUsed: NanoCredits(110_000_000)))
        }
        let cache = try UsageCache(.memory)
        _ = try cache.load(rows, as: .init(kind: "import", source: "t", checksum: "", loadedAt: start))
        let end = start.addingTimeInterval(48 * 3600)
        let utc = [OffsetSegment(until: Int64(end.timeIntervalSince1970), offsetSeconds: 0)]
        let a = try cache.meteredByDay(from: start, to: end, segments: utc)
        #expect(a.rows == 48 && a.checksum.count == 64)
        #expect(try cache.meteredByDay(from: start, to: end, segments: utc).checksum == a.checksum)
        rows[7].creditsUsed = NanoCredits(110_000_001)
        _ = try cache.load(rows, as: .init(kind: "import", source: "t", checksum: "", loadedAt: start))
        #expect(try cache.meteredByDay(from: start, to: end, segments: utc).checksum != a.checksum)
    }
}
