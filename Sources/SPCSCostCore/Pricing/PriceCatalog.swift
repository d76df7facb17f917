import Foundation

/// The rate cards and credit price tables spcs-cost knows, and the rules that choose among them.
///
/// Rules (README "Where the numbers come from"):
/// - `--rate-card ID` picks a card by id. Otherwise the newest card whose `effectiveFrom` is on or before the as-of
///   date is used; when the date is past the card's `documentedThrough`, the card is still used and a warning says so.
/// - The credit price table is chosen by the as-of date alone: the newest table effective on or before it, else
///   (for dates before every table) the earliest table, with a warning.
public struct PriceCatalog: Sendable {
    /// Every rate card, any order.
    public let rateCards: [RateCard]
    /// Every credit price table, any order.
    public let priceTables: [CreditPriceTable]
    /// Every table of prices billed in currency (block storage, snapshots, data transfer), oldest first.
    public let unitPriceTables: [UnitPriceTable]

    /// Creates a catalog; ids must be unique within each list.
    public init(rateCards: [RateCard], priceTables: [CreditPriceTable], unitPriceTables: [UnitPriceTable] = []) {
        self.rateCards = rateCards.sorted { $0.effectiveFrom < $1.effectiveFrom }
        self.priceTables = priceTables.sorted { $0.effectiveFrom < $1.effectiveFrom }
        self.unitPriceTables = unitPriceTables.sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// A chosen item with the warning its choice raised, if any.
    public struct Choice<Item: Sendable>: Sendable {
        /// The chosen card or table.
        public let item: Item
        /// Why the choice needs a second look (for example: the date falls where no card is documented); nil when
        /// the item is documented for the date.
        public let warning: String?
    }

    /// The rate card with id `id`.
    /// - Throws: ``PricingError/unknownRateCard(_:known:)`` naming the ids that exist.
    public func rateCard(id: String) throws(PricingError) -> RateCard {
        guard let card = rateCards.first(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame }) else {
            throw .unknownRateCard(id, known: rateCards.map(\.id))
        }
        return card
    }

    /// The rate card in force on `date`, with a warning when `date` is past what the card documents.
    /// - Throws: ``PricingError/noRateCard(asOf:earliest:)`` when every card starts after `date`.
    public func rateCard(asOf date: CivilDate) throws(PricingError) -> Choice<RateCard> {
        guard let card = rateCards.last(where: { $0.effectiveFrom <= date }) else {
            throw .noRateCard(asOf: date, earliest: rateCards.first.map { "\($0.id) (from \($0.effectiveFrom))" })
        }
        if let end = card.documentedThrough, date > end {
            let next = rateCards.first { $0.effectiveFrom > date }
            let gap = next.map { "between \(end) and \($0.effectiveFrom)" } ?? "after \(end)"
            return Choice(item: card, warning:
                "no rate card is documented for \(date) (\(gap)); using rate card \(card.id), documented "
                + "\(card.documentedPeriod), the newest earlier card. Pass --rate-card or --credits-per-hour "
                + "if you know the rate in force.")
        }
        return Choice(item: card, warning: nil)
    }

    /// A run's rate card: the card named `id` (`--rate-card`, or a pools file's default) when given, else the card in
    /// force on `date` (the period's first day), whose warning, if any, is appended to `warnings`.
    /// - Throws: ``PricingError/unknownRateCard(_:known:)`` or ``PricingError/noRateCard(asOf:earliest:)``.
    public func rateCard(id: String?, asOf date: CivilDate, warnings: inout [String]) throws(PricingError) -> RateCard {
        if let id { return try rateCard(id: id) }
        let choice = try rateCard(asOf: date)
        if let w = choice.warning { warnings.append(w) }
        return choice.item
    }

    /// The credit price table for `date`, with a warning when `date` precedes every table.
    /// - Throws: ``PricingError/noPriceTable`` when the catalog has none.
    public func priceTable(asOf date: CivilDate) throws(PricingError) -> Choice<CreditPriceTable> {
        if let t = priceTables.last(where: { $0.effectiveFrom <= date }) { return Choice(item: t, warning: nil) }
        guard let first = priceTables.first else { throw .noPriceTable }
        return Choice(item: first, warning:
            "no credit price table is documented for \(date); using table \(first.id), effective "
            + "\(first.effectiveFrom), the earliest known. Pass --credit-price if you know the price then.")
    }

    /// The rate of `family` on `card`.
    /// - Throws: ``PricingError/familyNotOnCard(_:card:cardsWithFamily:)`` naming the cards that list it.
    public func rate(of family: InstanceFamily, on card: RateCard) throws(PricingError) -> RateCard.Rate {
        if let r = card.rate(for: family) { return r }
        let others = rateCards.filter { $0.rate(for: family) != nil }.map(\.id)
        if others.isEmpty {
            throw .unknownFamily(family, card: card.id, known: card.rates.map(\.family.name))
        }
        throw .familyNotOnCard(family, card: card.id, cardsWithFamily: others)
    }
}

/// Why a price could not be chosen. Each `description` is a finished sentence naming the input and the fix.
public enum PricingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `--rate-card` names no known card.
    case unknownRateCard(String, known: [String])
    /// No card starts on or before the as-of date.
    case noRateCard(asOf: CivilDate, earliest: String?)
    /// The chosen card has no rate for the family; `cardsWithFamily` lists the cards that do.
    case familyNotOnCard(InstanceFamily, card: String, cardsWithFamily: [String])
    /// No card has the family (a typo, or a family spcs-cost has no rate for); `known` lists the card's families.
    case unknownFamily(InstanceFamily, card: String, known: [String])
    /// The catalog has no credit price table.
    case noPriceTable
    /// The region is not in the price table.
    case unknownRegion(String, table: String, known: [String])
    /// The region does not sell the edition (for example Standard in AWS US Gov West 1).
    case editionNotSold(Edition, region: String, table: String)

    public var description: String {
        switch self {
        case let .unknownRateCard(id, known):
            return "--rate-card '\(id)' is not a known rate card; use one of: \(known.joined(separator: ", "))."
        case let .noRateCard(date, earliest):
            return "no rate card is in force on \(date)"
                + (earliest.map { "; the earliest is \($0)" } ?? "")
                + ". Pass --as-of with a later date, --rate-card ID, or --credits-per-hour RATE."
        case let .familyNotOnCard(family, card, others):
            return "instance family \(family) is not on rate card \(card); rate cards that list it: "
                + "\(others.joined(separator: ", ")); pass --rate-card ID or --credits-per-hour RATE."
        case let .unknownFamily(family, card, known):
            let close = known.filter { $0.hasPrefix(String(family.name.prefix(6))) }
            return "no rate card lists instance family \(family); "
                + (close.isEmpty ? "" : "did you mean \(close.joined(separator: ", "))? ")
                + "rate card \(card) lists \(known.joined(separator: ", ")). Check the spelling or pass --credits-per-hour RATE."
        case .noPriceTable:
            return "no credit price table is installed; pass --credit-price PRICE."
        case let .unknownRegion(region, table, known):
            return "region '\(region)' is not in credit price table \(table); use one of: "
                + known.joined(separator: ", ") + " (Snowflake ids such as AWS_AP_NORTHEAST_1 work too), "
                + "or pass --credit-price PRICE."
        case let .editionNotSold(edition, region, table):
            return "credit price table \(table) has no \(edition.displayName) price for \(region); "
                + "choose another --edition or pass --credit-price PRICE."
        }
    }
}
