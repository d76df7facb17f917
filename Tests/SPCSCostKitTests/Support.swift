import Foundation
import SPCSCostCore
import SPCSCostKit
import SPCSCostTestSupport

/// An environment with a fixed clock (2026-11-29T12:00:00Z), the bundled catalog, and the repository as the
/// working folder.
func testEnvironment(now: String = "2026-11-29T12:00:00Z", variables: [String: String] = [:]) throws -> Environment {
    let instant = ISO8601DateFormatter().date(from: now)!
    return Environment(now: { instant }, variables: variables, homeDirectory: "/nonexistent-home",
                       currentDirectory: Repository.root.path, catalog: try BundledCatalog.load())
}

/// `Decimal` from text, for expectations.
func dec(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }
