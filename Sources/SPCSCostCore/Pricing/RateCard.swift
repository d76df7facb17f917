import Foundation

/// A versioned table of SPCS credit rates: credits per node-hour by instance family, as Snowflake's Service
/// Consumption Table publishes them (2026-04 edition: Tables 1(e) CPU, 1(f) High-Memory, 1(g) GPU; spcs-facts
/// §1a [S5]). Rate cards are data files bundled with spcs-cost, so a new table is a data change.
public struct RateCard: Sendable, Codable, Hashable {
    /// Short id used by `--rate-card`, for example `2026-04` or `2024`.
    public let id: String
    /// What the card is, in words (the table and its edition).
    public let title: String
    /// The first day the card's rates apply; selection by `--as-of` takes the newest card whose
    /// `effectiveFrom` is on or before the date.
    public let effectiveFrom: CivilDate
    /// The last day for which the card is documented; nil while it is the newest table known. Past this day the
    /// card is still used until a newer one starts, with a warning.
    public let documentedThrough: CivilDate?
    /// The clouds whose accounts the card covers.
    public let clouds: [Cloud]
    /// The source of the card as a whole (document, URL, edition).
    public let source: String
    /// One rate per family.
    public let rates: [Rate]

    /// One family's rate on a card.
    public struct Rate: Sendable, Codable, Hashable {
        /// The instance family.
        public let family: InstanceFamily
        /// Credits billed per node per hour while the pool is IDLE, ACTIVE, STOPPING or RESIZING.
        public let creditsPerNodeHour: Decimal
        /// Clouds on which the family exists (spcs-facts §1b [S4]).
        public let clouds: [Cloud]
        /// Where this figure comes from (table and row, or the documents that state it).
        public let source: String
        /// Regions of those clouds where the family is, is not, or may not be offered; nil when every region of the
        /// clouds offers it as far as the sources say.
        public let regions: RegionOffer?

        /// Creates a rate.
        public init(family: InstanceFamily, creditsPerNodeHour: Decimal, clouds: [Cloud], source: String,
                    regions: RegionOffer? = nil) {
            self.family = family
            self.creditsPerNodeHour = creditsPerNodeHour
            self.clouds = clouds
            self.source = source
            self.regions = regions
        }

        enum CodingKeys: String, CodingKey { case family, creditsPerNodeHour, clouds, source, regions }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            family = try c.decode(InstanceFamily.self, forKey: .family)
            creditsPerNodeHour = try c.decodeExactDecimal(forKey: .creditsPerNodeHour)
            clouds = try c.decode([Cloud].self, forKey: .clouds)
            source = try c.decode(String.self, forKey: .source)
            regions = try c.decodeIfPresent(RegionOffer.self, forKey: .regions)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(family, forKey: .family)
            try c.encode(ExactDecimal.text(creditsPerNodeHour), forKey: .creditsPerNodeHour)
            try c.encode(clouds, forKey: .clouds)
            try c.encode(source, forKey: .source)
            try c.encodeIfPresent(regions, forKey: .regions)
        }

        /// Whether the family can be had in `region`: not on a cloud the card does not list it for; on a listed
        /// cloud, as ``regions`` says.
        public func offer(in region: RegionID) -> Offer {
            guard clouds.contains(region.cloud) else { return .notOffered }
            guard let regions else { return .offered }
            if regions.notIn.contains(where: { RegionOffer.matches($0, region) }) { return .notOffered }
            if regions.unknownIn.contains(where: { RegionOffer.matches($0, region) }) { return .unknown }
            if !regions.onlyIn.isEmpty, !regions.onlyIn.contains(where: { RegionOffer.matches($0, region) }) {
                return .notOffered
            }
            return .offered
        }

        /// Where the family is offered, in words: `AWS (only aws-us-east-1, aws-us-west-2)`,
        /// `AWS, Azure, GCP (not aws-cn-*)`.
        public var offeredWhere: String {
            var text = clouds.map(\.displayName).joined(separator: ", ")
            var limits: [String] = []
            if let r = regions {
                if !r.onlyIn.isEmpty { limits.append("only " + r.onlyIn.joined(separator: ", ")) }
                if !r.notIn.isEmpty { limits.append("not " + r.notIn.joined(separator: ", ")) }
            }
            if !limits.isEmpty { text += " (\(limits.joined(separator: "; ")))" }
            return text
        }
    }

    /// Whether an instance family can be had in a region.
    public enum Offer: Sendable, Hashable {
        /// The sources say it is offered there.
        case offered
        /// The sources say it is not offered there (another cloud, or a region they exclude).
        case notOffered
        /// The sources do not say for this region.
        case unknown
    }

    /// The regions of a family's clouds where it is offered, not offered, or not known to be offered. Patterns are
    /// region ids (`aws-us-east-1`) in which `*` stands for any run of characters (`aws-cn-*`).
    public struct RegionOffer: Sendable, Codable, Hashable {
        /// When not empty, the only regions that offer the family (others of its clouds do not, unless in
        /// ``unknownIn``).
        public let onlyIn: [String]
        /// Regions that do not offer it.
        public let notIn: [String]
        /// Regions the sources leave open.
        public let unknownIn: [String]
        /// The documents that say so.
        public let source: String

        /// Creates an offer.
        public init(onlyIn: [String] = [], notIn: [String] = [], unknownIn: [String] = [], source: String) {
            self.onlyIn = onlyIn
            self.notIn = notIn
            self.unknownIn = unknownIn
            self.source = source
        }

        enum CodingKeys: String, CodingKey { case onlyIn, notIn, unknownIn, source }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            onlyIn = try c.decodeIfPresent([String].self, forKey: .onlyIn) ?? []
            notIn = try c.decodeIfPresent([String].self, forKey: .notIn) ?? []
            unknownIn = try c.decodeIfPresent([String].self, forKey: .unknownIn) ?? []
            source = try c.decode(String.self, forKey: .source)
        }

        /// Whether `region` matches `pattern` (`*` = any run of characters).
        public static func matches(_ pattern: String, _ region: RegionID) -> Bool {
            let parts = pattern.lowercased().split(separator: "*", omittingEmptySubsequences: false).map(String.init)
            guard parts.count > 1 else { return pattern.lowercased() == region.id }
            var rest = Substring(region.id)
            guard rest.hasPrefix(parts[0]) else { return false }
            rest = rest.dropFirst(parts[0].count)
            for (i, part) in parts.enumerated().dropFirst() {
                if i == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) }
                guard let r = rest.range(of: part) else { return false }
                rest = rest[r.upperBound...]
            }
            return true
        }
    }

    /// Creates a card.
    public init(id: String, title: String, effectiveFrom: CivilDate, documentedThrough: CivilDate?,
                clouds: [Cloud], source: String, rates: [Rate]) {
        self.id = id
        self.title = title
        self.effectiveFrom = effectiveFrom
        self.documentedThrough = documentedThrough
        self.clouds = clouds
        self.source = source
        self.rates = rates
    }

    /// The rate of `family`; nil when the card does not list it.
    public func rate(for family: InstanceFamily) -> Rate? { rates.first { $0.family == family } }

    /// `effectiveFrom` to `documentedThrough` in words, for example `2024-04-01 to 2024-04-30` or
    /// `from 2026-04-01`.
    public var documentedPeriod: String {
        if let end = documentedThrough { "\(effectiveFrom) to \(end)" } else { "from \(effectiveFrom)" }
    }
}

/// A table of on-demand credit prices by region and edition (Service Consumption Table effective 2026-04-01,
/// Table 2(a), spcs-facts §4 [S5]). Capacity contracts apply the order form's discount to these prices; contract
/// prices come from the contract or `RATE_SHEET_DAILY` instead.
public struct CreditPriceTable: Sendable, Codable, Hashable {
    /// Short id, for example `2026-04`.
    public let id: String
    /// What the table is, in words.
    public let title: String
    /// First day the prices apply.
    public let effectiveFrom: CivilDate
    /// Currency of every price in the table (USD for Snowflake's on-demand table).
    public let currency: Currency
    /// Source of the table.
    public let source: String
    /// One entry per region.
    public let regions: [RegionPrices]

    /// The prices of one region.
    public struct RegionPrices: Sendable, Codable, Hashable {
        /// Region id (`aws-ap-northeast-1`).
        public let region: RegionID
        /// The region's name as the table prints it (`AWS AP Northeast 1 (Tokyo)`).
        public let name: String
        /// Price of one credit by edition, in the table's currency; an edition the region does not sell is absent.
        public let prices: [Edition: Decimal]

        /// Creates a region entry.
        public init(region: RegionID, name: String, prices: [Edition: Decimal]) {
            self.region = region
            self.name = name
            self.prices = prices
        }

        enum CodingKeys: String, CodingKey { case region, name, prices }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            region = try c.decode(RegionID.self, forKey: .region)
            name = try c.decode(String.self, forKey: .name)
            let raw = try c.decode([String: String].self, forKey: .prices)
            var prices: [Edition: Decimal] = [:]
            for (k, v) in raw {
                guard let e = Edition(rawValue: k) else {
                    throw DecodingError.dataCorruptedError(forKey: .prices, in: c,
                                                           debugDescription: "unknown edition '\(k)'")
                }
                guard let d = ExactDecimal.parse(v) else {
                    throw DecodingError.dataCorruptedError(forKey: .prices, in: c,
                                                           debugDescription: "price '\(v)' is not a decimal")
                }
                prices[e] = d
            }
            self.prices = prices
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(region, forKey: .region)
            try c.encode(name, forKey: .name)
            var raw: [String: String] = [:]
            for (k, v) in prices { raw[k.rawValue] = ExactDecimal.text(v) }
            try c.encode(raw, forKey: .prices)
        }
    }

    /// Creates a table.
    public init(id: String, title: String, effectiveFrom: CivilDate, currency: Currency, source: String,
                regions: [RegionPrices]) {
        self.id = id
        self.title = title
        self.effectiveFrom = effectiveFrom
        self.currency = currency
        self.source = source
        self.regions = regions
    }

    /// The entry of `region`; nil when the table does not list it.
    public func prices(for region: RegionID) -> RegionPrices? { regions.first { $0.region == region } }
}

extension KeyedDecodingContainer {
    /// Decodes a decimal written as a JSON string (`"0.11"`), so no figure passes through a binary float.
    func decodeExactDecimal(forKey key: Key) throws -> Decimal {
        let text = try decode(String.self, forKey: key)
        guard let d = ExactDecimal.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                                                   debugDescription: "'\(text)' is not a plain decimal")
        }
        return d
    }
}

extension Cloud {
    /// The cloud's name as messages print it: `AWS`, `Azure`, `GCP`.
    public var displayName: String {
        switch self {
        case .aws: "AWS"
        case .azure: "Azure"
        case .gcp: "GCP"
        }
    }
}
