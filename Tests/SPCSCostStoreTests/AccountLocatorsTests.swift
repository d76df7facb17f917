import Foundation
import GRDB
import SPCSCostCore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostStore

/// Schema `v14-org-metering`: each account's ACCOUNT_LOCATOR, as `pull --org` reads it from the organization views,
/// kept in `account_locators` and read with the USAGE_IN_CURRENCY_DAILY pairs by ``UsageCache/accountLocators()``.
@Suite struct AccountLocatorsTests {
    static let loadedAt = Date(timeIntervalSince1970: 1_712_102_400)

    static func billed(account: String, locator: String) -> UsageInCurrencyRow {
        UsageInCurrencyRow(usageDate: CivilDate(year: 2024, month: 4, day: 1)!, organizationName: "MYORG",
                           accountName: account, accountLocator: locator, serviceType: "SNOWPARK_CONTAINER_SERVICES",
                           usage: 1, usageInCurrency: 3, currency: "USD")
    }

    /// Locators of both sources, upper case; one row per organization and account, a later pull replacing it.
    @Test func locatorsOfBothSourcesAreRead() throws {
        let cache = try UsageCache(.memory)
        _ = try cache.load(.init(kind: "pull", source: "org", checksum: "a", loadedAt: Self.loadedAt)) { w in
            try w.upsert(Self.billed(account: "TOKYO", locator: "xy111"))
            try w.upsert(AccountLocator(organization: "myorg", account: "oregon", locator: "xy000"))
        }
        _ = try cache.load(.init(kind: "pull", source: "org", checksum: "b", loadedAt: Self.loadedAt)) { w in
            try w.upsert(AccountLocator(organization: "MYORG", account: "OREGON", locator: "XY222"))
        }
        #expect(try cache.accountLocators() == ["XY111": "TOKYO", "XY222": "OREGON"])
    }

    /// A cache of schema `v12-account-inventory` (no `account_locators`) migrates in place: the table is added
    /// empty, the USAGE_IN_CURRENCY_DAILY pairs it held are still read, and the cache takes the organization views'.
    @Test func anOlderCacheGainsTheTableAndKeepsItsPairs() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("v12.sqlite")
        do {
            let cache = try UsageCache(.path(path))
            _ = try cache.load(.init(kind: "pull", source: "org", checksum: "a", loadedAt: Self.loadedAt)) { w in
                try w.upsert(Self.billed(account: "TOKYO", locator: "XY111"))
            }
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                DROP TABLE account_locators;
                DELETE FROM grdb_migrations WHERE identifier = 'v14-org-metering';
                """)
        }
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.count
                == UsageCache.schemaVersion - 1)
        let cache = try UsageCache(.path(path))
        #expect(try cache.accountLocators() == ["XY111": "TOKYO"])
        _ = try cache.load(.init(kind: "pull", source: "org", checksum: "b", loadedAt: Self.loadedAt)) { w in
            try w.upsert(AccountLocator(organization: "MYORG", account: "OREGON", locator: "XY222"))
        }
        #expect(try cache.accountLocators() == ["XY111": "TOKYO", "XY222": "OREGON"])
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }.count
                == UsageCache.schemaVersion)
    }
}
