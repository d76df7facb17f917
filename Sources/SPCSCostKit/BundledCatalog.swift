import Foundation
import SPCSCostCore

/// The rate cards and credit price tables bundled with spcs-cost (package resources under `catalog/`):
/// `rate-card-*.json`, `credit-prices-*.json` and `dollar-prices-*.json` (prices billed in currency: block storage,
/// snapshots, data transfer). Adding a table is adding a file.
public enum BundledCatalog {
    /// Why the bundled catalog could not be read: an installation problem, not a user error.
    public struct LoadError: Error, CustomStringConvertible {
        /// The file or folder at fault.
        public let file: String
        /// What went wrong.
        public let reason: String
        public var description: String {
            "the bundled price catalog is damaged (\(file): \(reason)); reinstall spcs-cost."
        }
    }

    /// Loads every bundled card and table.
    /// - Throws: ``LoadError`` when the resource folder is missing or a file does not decode.
    public static func load() throws -> PriceCatalog {
        guard let dir = Bundle.module.url(forResource: "catalog", withExtension: nil) else {
            throw LoadError(file: "catalog", reason: "the resource folder is missing")
        }
        return try load(from: dir)
    }

    /// Loads every card and table from `directory`.
    /// - Throws: ``LoadError``.
    public static func load(from directory: URL) throws -> PriceCatalog {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() } catch {
            throw LoadError(file: directory.path, reason: "\(error)")
        }
        var cards: [RateCard] = []
        var tables: [CreditPriceTable] = []
        var unitTables: [UnitPriceTable] = []
        let decoder = JSONDecoder()
        for name in names where name.hasSuffix(".json") {
            let url = directory.appendingPathComponent(name)
            do {
                let data = try Data(contentsOf: url)
                if name.hasPrefix("rate-card-") {
                    cards.append(try decoder.decode(RateCard.self, from: data))
                } else if name.hasPrefix("credit-prices-") {
                    tables.append(try decoder.decode(CreditPriceTable.self, from: data))
                } else if name.hasPrefix("dollar-prices-") {
                    unitTables.append(try decoder.decode(UnitPriceTable.self, from: data))
                }
            } catch {
                throw LoadError(file: name, reason: "\(error)")
            }
        }
        return PriceCatalog(rateCards: cards, priceTables: tables, unitPriceTables: unitTables)
    }
}
