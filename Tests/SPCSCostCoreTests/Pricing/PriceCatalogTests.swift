import Foundation
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCore

/// The bundled catalog files, decoded straight from the repository (the same files the tool ships).
func bundledCatalog() throws -> PriceCatalog {
    let dir = Repository.root.appendingPathComponent("Sources/SPCSCostKit/Resources/catalog")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    let decoder = JSONDecoder()
    var cards: [RateCard] = []
    var tables: [CreditPriceTable] = []
    for n in names {
        let data = try Data(contentsOf: dir.appendingPathComponent(n))
        if n.hasPrefix("rate-card-") { cards.append(try decoder.decode(RateCard.self, from: data)) }
        if n.hasPrefix("credit-prices-") { tables.append(try decoder.decode(CreditPriceTable.self, from: data)) }
    }
    return PriceCatalog(rateCards: cards, priceTables: tables)
}

@Suite struct PriceCatalogTests {
    let catalog: PriceCatalog
    init() throws { catalog = try bundledCatalog() }

    @Test("rate card chosen by --as-of", arguments: [
        ("2024-04-09", "2024", false),   // inside April 2024, the documented month of card 2024
        ("2026-11-29", "2026-04", false), // after 2026-04-01, card 2026-04 is the newest
        ("2025-06-01", "2024", true),    // between 2024-04-30 and 2026-04-01: newest earlier card, with a warning
        ("2026-04-01", "2026-04", false), // first day of the 2026-04 table
    ])
    func rateCardByDate(asOf: String, expected: String, warns: Bool) throws {
        let choice = try catalog.rateCard(asOf: CivilDate(asOf)!)
        #expect(choice.item.id == expected)
        #expect((choice.warning != nil) == warns)
        if warns {
            #expect(choice.warning!.contains("no rate card is documented for 2025-06-01"))
            #expect(choice.warning!.contains("between 2024-04-30 and 2026-04-01"))
        }
    }

    @Test func noCardBeforeTheFirst() {
        #expect(throws: PricingError.noRateCard(asOf: CivilDate("2023-12-31")!, earliest: "2024 (from 2024-04-01)")) {
            try catalog.rateCard(asOf: CivilDate("2023-12-31")!)
        }
    }

    @Test func ratesOfTheReferenceFamily() throws {
        let xs = InstanceFamily("CPU_X64_XS")!
        #expect(try catalog.rate(of: xs, on: catalog.rateCard(id: "2024")).creditsPerNodeHour == Decimal(string: "0.11")!)
        #expect(try catalog.rate(of: xs, on: catalog.rateCard(id: "2026-04")).creditsPerNodeHour == Decimal(string: "0.06")!)
    }

    @Test func familyMissingFromCardNamesTheCardsThatHaveIt() throws {
        let s = InstanceFamily("CPU_X64_S")!
        let error = PricingError.familyNotOnCard(s, card: "2024", cardsWithFamily: ["2026-04"])
        #expect(throws: error) { try catalog.rate(of: s, on: catalog.rateCard(id: "2024")) }
        #expect(error.description.contains("rate cards that list it: 2026-04"))
        let typo = InstanceFamily("CPU_X64_XSS")!
        do {
            _ = try catalog.rate(of: typo, on: catalog.rateCard(id: "2026-04"))
            Issue.record("expected an error")
        } catch {
            // A family no card lists: the message suggests the families that start alike.
            #expect("\(error)".hasPrefix("no rate card lists instance family CPU_X64_XSS; did you mean CPU_X64_XS, CPU_X64_S, CPU_X64_M, CPU_X64_SL, CPU_X64_L?"))
        }
    }

    @Test func unknownRateCardListsTheKnownOnes() {
        #expect(throws: PricingError.unknownRateCard("2023", known: ["2024", "2026-04"])) {
            try catalog.rateCard(id: "2023")
        }
    }

    @Test func everyFamilyOfTheFactSheetIsOnThe2026Card() throws {
        // spcs-facts §1a: 5 CPU, 4 High-Memory and 11 GPU families.
        let card = try catalog.rateCard(id: "2026-04")
        #expect(card.rates.count == 20)
        #expect(card.rates.filter { $0.family.name.hasPrefix("GPU_") }.count == 11)
        #expect(card.rate(for: InstanceFamily("GPU_NV_L")!)?.creditsPerNodeHour == Decimal(string: "14.12")!)
        #expect(card.rates.allSatisfy { !$0.source.isEmpty })
        #expect(try catalog.rateCard(id: "2024").rates.map(\.family.name) == ["CPU_X64_XS"])
    }

    @Test func tokyoPricesAndRegionSpellings() throws {
        let table = try catalog.priceTable(asOf: CivilDate("2026-11-29")!).item
        let tokyo = try #require(table.prices(for: RegionID("AWS_AP_NORTHEAST_1")!))
        #expect(tokyo.region.id == "aws-ap-northeast-1")
        #expect(tokyo.prices[.standard] == Decimal(string: "2.85")!)
        #expect(tokyo.prices[.enterprise] == Decimal(string: "4.30")!)
        #expect(tokyo.prices[.businessCritical] == Decimal(string: "5.70")!)
        #expect(tokyo.prices[.vps] == Decimal(string: "8.55")!)
        let gov = try #require(table.prices(for: RegionID("aws-us-gov-west-1")!))
        #expect(gov.prices[.standard] == nil)
    }

    @Test func priceTableBeforeItsStartWarns() throws {
        let choice = try catalog.priceTable(asOf: CivilDate("2024-04-09")!)
        #expect(choice.item.id == "2026-04")
        #expect(choice.warning?.contains("no credit price table is documented for 2024-04-09") == true)
    }

    @Test("region ids", arguments: [
        ("aws-ap-northeast-1", "aws-ap-northeast-1"), ("AWS_AP_NORTHEAST_1", "aws-ap-northeast-1"),
        ("PUBLIC.AWS_US_EAST_1", "aws-us-east-1"), ("AZURE_JAPANEAST", "azure-japaneast"),
        ("gcp-us-central1", "gcp-us-central1"),
    ])
    func regionSpellings(text: String, id: String) {
        #expect(RegionID(text)?.id == id)
    }

    @Test func regionNonsenseIsRejected() {
        #expect(RegionID("tokyo") == nil)
        #expect(RegionID("ap-northeast-1") == nil)
    }

    @Test("edition names", arguments: [
        ("Business Critical", Edition.businessCritical), ("BUSINESS_CRITICAL", .businessCritical),
        ("business-critical", .businessCritical), ("standard", .standard), ("VPS", .vps), ("ent", .enterprise),
    ])
    func editionNames(text: String, edition: Edition) { #expect(Edition(name: text) == edition) }
}
