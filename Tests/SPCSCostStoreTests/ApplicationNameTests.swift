import Foundation
import GRDB
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// APPLICATION_ID read as text whatever its type, and the last non-NULL APPLICATION_NAME kept per ID.
@Suite struct ApplicationNameTests {
    @Test(arguments: [("9101", "9101"), ("9101.000000000", "9101"), ("09101", "9101"), (" 9101 ", "9101"),
                      ("0", "0"), ("app-7f3a", "app-7f3a"), ("12.5", "12.5")])
    func anIDOfEitherTypeIsOneText(raw: String, id: String) {
        #expect(UsageRecord.applicationIDText(raw) == id)
    }

    @Test func emptyOrNullIsNoApplication() {
        #expect(UsageRecord.applicationIDText(nil) == nil && UsageRecord.applicationIDText("") == nil)
    }

    /// Hours 0-2 name the application; then it is uninstalled and a later load restates hours 1-3 with
    /// APPLICATION_NAME NULL: the name stays, and a rename seen later (hour 5) replaces it, an older one does not.
    @Test func aNullNameNeverReplacesTheLastNameSeen() throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("c.sqlite")))
        let t0 = ISO8601DateFormatter().date(from: "2024-04-01T00:00:00Z")!
        func row(_ h: Int, _ name: String?) -> UsageRecord {
            let s = t0.addingTimeInterval(Double(h) * 3600)
            return UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: "APP_POOL",
                               applicationName: name, applicationID: "9102", creditsUsed: NanoCredits(110_000_000))
        }
        func load(_ rows: [UsageRecord]) throws {
            _ = try cache.load(rows, as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: t0))
        }
        try load((0...2).map { row($0, "OLD_APP") })
        try load((1...3).map { row($0, nil) })
        #expect(try cache.applicationNames().map { "\($0.applicationID)=\($0.name)" } == ["9102=OLD_APP"])
        #expect(try cache.applicationNames().first?.seenAt == t0.addingTimeInterval(2 * 3600))
        try load([row(5, "NEW_NAME")])
        try load([row(4, "OLDER_NAME")])
        #expect(try cache.applicationNameByID() == ["9102": "NEW_NAME"])
        // report --by application's groups: one ID, its last name, every hour's credits.
        let groups = try cache.meteredByAccountPoolApplicationAndUTCDay(from: t0, to: t0.addingTimeInterval(86_400))
        #expect(groups.map { "\($0.applicationID) \($0.application) \($0.nanoCredits)" } == ["9102 NEW_NAME 660000000"])
    }

    /// Whether a period has application rows is answered from the partial index of those rows (v11), found by
    /// START_TIME, not by scanning the history; and the answer is right on both sides of the period.
    @Test func whetherAPeriodHasApplicationRowsIsAnIndexLookup() throws {
        let dir = try TemporaryDirectory()
        let cache = try UsageCache(.path(dir.path("c.sqlite")))
        let t0 = ISO8601DateFormatter().date(from: "2024-04-01T00:00:00Z")!
        let rows = (0..<48).map { h -> UsageRecord in
            let s = t0.addingTimeInterval(Double(h) * 3600)
            return UsageRecord(startTime: s, endTime: s.addingTimeInterval(3600), computePoolName: h == 30 ? "APP_POOL" : "WEB_POOL",
                               applicationName: h == 30 ? "APP" : nil, applicationID: h == 30 ? "9101" : nil,
                               creditsUsed: NanoCredits(110_000_000))
        }
        _ = try cache.load(rows, as: .init(kind: "pull", source: "t", checksum: "x", loadedAt: t0))
        #expect(try cache.hasAttributionInputs(from: t0, to: t0.addingTimeInterval(30 * 3600)) == false)
        #expect(try cache.hasAttributionInputs(from: t0, to: t0.addingTimeInterval(31 * 3600)) == true)
        let plan = try cache.db.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT EXISTS (SELECT 1 FROM spcs_history WHERE start_time >= ?1 AND start_time < ?2
                                                  AND application_id IS NOT NULL AND application_id <> '')
                """, arguments: [0, 1]).map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(plan.contains("USING INDEX spcs_history_application"), "\(plan)")
    }
}
