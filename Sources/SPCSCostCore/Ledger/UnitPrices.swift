import Foundation

/// A part of the SPCS bill that Snowflake prices in currency, not credits (Service Consumption Table effective
/// 2026-04-01: Table 3(c) block storage, Tables 4(a)-(c) data transfer; spcs-facts.md §4).
public enum UnitPriceItem: String, Sendable, Hashable, Codable, CaseIterable {
    /// Block storage volumes: price per TB-month of daily average bytes (Table 3(c) "Volume").
    case blockStorageVolume = "block-storage-volume"
    /// IOPS above the default (3,000 on AWS): price per 1,000 IOPS-month (Table 3(c) "IOPS").
    case blockStorageIOPS = "block-storage-iops"
    /// Throughput above the default (125 MiB/s on AWS): price per GB/s-month (Table 3(c) "Throughput").
    case blockStorageThroughput = "block-storage-throughput"
    /// Block storage snapshots: price per TB-month (Table 3(c) "Snapshot").
    case snapshot
    /// SPCS data transfer within the account's cloud and region: price per TB (Tables 4(a)-(c), "SPCS, same cloud and
    /// region").
    case transferSPCSSameRegion = "transfer-spcs-same-region"
    /// Data transfer to another region of the same cloud: price per TB (Tables 4(a)-(c)).
    case transferDifferentRegion = "transfer-different-region"
    /// Data transfer to the internet or another cloud: price per TB (Tables 4(a)-(c)).
    case transferInternet = "transfer-internet"

    /// True for a price per month (spread over the days of the month, see ``UnitPriceTable/Units/monthDays``);
    /// false for a price per TB moved.
    public var isMonthly: Bool {
        switch self {
        case .blockStorageVolume, .blockStorageIOPS, .blockStorageThroughput, .snapshot: true
        case .transferSPCSSameRegion, .transferDifferentRegion, .transferInternet: false
        }
    }

    /// The unit a day's price is per (what the ledger's quantity is counted in).
    public var unit: QuantityUnit {
        switch self {
        case .blockStorageVolume, .snapshot: .terabyteDays
        case .blockStorageIOPS: .thousandIOPSDays
        case .blockStorageThroughput: .gigabytePerSecondDays
        case .transferSPCSSameRegion, .transferDifferentRegion, .transferInternet: .terabytes
        }
    }

    /// The item in words, for a price's source: `block storage volume`, `snapshot`, `SPCS transfer within the region`.
    public var displayName: String {
        switch self {
        case .blockStorageVolume: "block storage volume"
        case .blockStorageIOPS: "block storage IOPS above the default"
        case .blockStorageThroughput: "block storage throughput above the default"
        case .snapshot: "block storage snapshot"
        case .transferSPCSSameRegion: "SPCS transfer within the region"
        case .transferDifferentRegion: "transfer to another region"
        case .transferInternet: "transfer to the internet or another cloud"
        }
    }

    /// The price's unit as the table states it: `TB-month`, `1,000 IOPS-month`, `GB/s-month`, `TB`.
    public var tableUnit: String {
        switch self {
        case .blockStorageVolume, .snapshot: "TB-month"
        case .blockStorageIOPS: "1,000 IOPS-month"
        case .blockStorageThroughput: "GB/s-month"
        case .transferSPCSSameRegion, .transferDifferentRegion, .transferInternet: "TB"
        }
    }
}

/// A table of prices billed in currency (bundled as `catalog/dollar-prices-*.json`): the second unit-price source of
/// the ledger, beside the credit price schedule. Adding an edition of the Consumption Table is adding a file.
public struct UnitPriceTable: Sendable, Hashable, Decodable {
    /// Table id, for example `2026-04`.
    public let id: String
    /// What the table is, in words.
    public let title: String
    /// First day the prices apply.
    public let effectiveFrom: CivilDate
    /// Currency of every price (USD for Snowflake's on-demand table).
    public let currency: Currency
    /// Source of the figures.
    public let source: String
    /// The unit assumptions every price of the table is read with.
    public let units: Units
    /// One entry per region.
    public let regions: [RegionPrices]

    /// The unit assumptions of a table, stated in the file.
    public struct Units: Sendable, Hashable, Decodable {
        /// Bytes in a TB (2^40 in the bundled table: BLOCK_STORAGE_HISTORY sizes volumes in GiB).
        public let bytesPerTB: Decimal
        /// How a month's price spreads over its days: `calendar` (the days of the day's calendar month) or a fixed
        /// number of days such as `30`.
        public let monthDays: String
        /// MiB/s in one GB/s: ADDITIONAL_THROUGHPUT (MiB/s) ÷ this = GB/s (1,024 in the bundled table).
        public let throughputMiBPerSecondPerGBPerSecond: Decimal
        /// The assumptions in words, with their reasons.
        public let about: String

        enum CodingKeys: String, CodingKey { case bytesPerTB, monthDays, throughputMiBPerSecondPerGBPerSecond, about }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            bytesPerTB = try c.decodeExactDecimal(forKey: .bytesPerTB)
            monthDays = try c.decode(String.self, forKey: .monthDays)
            throughputMiBPerSecondPerGBPerSecond = try c.decodeExactDecimal(forKey: .throughputMiBPerSecondPerGBPerSecond)
            about = try c.decode(String.self, forKey: .about)
            guard monthDays == "calendar" || (Int(monthDays).map { $0 > 0 } ?? false) else {
                throw DecodingError.dataCorruptedError(forKey: .monthDays, in: c,
                                                       debugDescription: "monthDays '\(monthDays)' is not 'calendar' or a positive number")
            }
        }

        /// Creates unit assumptions.
        public init(bytesPerTB: Decimal, monthDays: String, throughputMiBPerSecondPerGBPerSecond: Decimal, about: String) {
            self.bytesPerTB = bytesPerTB
            self.monthDays = monthDays
            self.throughputMiBPerSecondPerGBPerSecond = throughputMiBPerSecondPerGBPerSecond
            self.about = about
        }

        /// The days a monthly price of `day`'s month is spread over.
        public func days(ofMonthOf day: CivilDate) -> Int { Int(monthDays) ?? day.daysInMonth }
    }

    /// The prices of one region.
    public struct RegionPrices: Sendable, Hashable, Decodable {
        /// Region id (`aws-ap-northeast-1`).
        public let region: RegionID
        /// The region's name (`AWS AP Northeast 1 (Tokyo)`).
        public let name: String
        /// The region as DATA_TRANSFER_HISTORY's SOURCE_REGION/TARGET_REGION write it (`ap-northeast-1`).
        public let cloudRegion: String
        /// False where Snowflake does not bill data transfer (Google Cloud): transfer is then priced at 0.
        public let transferBilled: Bool
        /// A remark on the figures, if any.
        public let note: String?
        /// Price by item, in the table's currency.
        public let prices: [UnitPriceItem: Decimal]

        enum CodingKeys: String, CodingKey { case region, name, cloudRegion, transferBilled, note, prices }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            region = try c.decode(RegionID.self, forKey: .region)
            name = try c.decode(String.self, forKey: .name)
            cloudRegion = try c.decode(String.self, forKey: .cloudRegion)
            transferBilled = try c.decode(Bool.self, forKey: .transferBilled)
            note = try c.decodeIfPresent(String.self, forKey: .note)
            var prices: [UnitPriceItem: Decimal] = [:]
            for (k, v) in try c.decode([String: String].self, forKey: .prices) {
                guard let item = UnitPriceItem(rawValue: k) else {
                    throw DecodingError.dataCorruptedError(forKey: .prices, in: c, debugDescription: "unknown item '\(k)'")
                }
                guard let d = ExactDecimal.parse(v), d >= 0 else {
                    throw DecodingError.dataCorruptedError(forKey: .prices, in: c,
                                                           debugDescription: "price '\(v)' of \(k) is not a decimal")
                }
                prices[item] = d
            }
            self.prices = prices
        }

        /// Creates a region entry.
        public init(region: RegionID, name: String, cloudRegion: String, transferBilled: Bool, note: String? = nil,
                    prices: [UnitPriceItem: Decimal]) {
            self.region = region
            self.name = name
            self.cloudRegion = cloudRegion
            self.transferBilled = transferBilled
            self.note = note
            self.prices = prices
        }
    }

    /// Creates a table.
    public init(id: String, title: String, effectiveFrom: CivilDate, currency: Currency, source: String, units: Units,
                regions: [RegionPrices]) {
        self.id = id
        self.title = title
        self.effectiveFrom = effectiveFrom
        self.currency = currency
        self.source = source
        self.units = units
        self.regions = regions
    }

    enum CodingKeys: String, CodingKey { case id, title, effectiveFrom, currency, source, units, regions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        let from = try c.decode(String.self, forKey: .effectiveFrom)
        guard let d = CivilDate(from) else {
            throw DecodingError.dataCorruptedError(forKey: .effectiveFrom, in: c, debugDescription: "'\(from)' is not YYYY-MM-DD")
        }
        effectiveFrom = d
        let code = try c.decode(String.self, forKey: .currency)
        guard let cur = Currency(code: code) else {
            throw DecodingError.dataCorruptedError(forKey: .currency, in: c, debugDescription: "'\(code)' is not a currency")
        }
        currency = cur
        source = try c.decode(String.self, forKey: .source)
        units = try c.decode(Units.self, forKey: .units)
        regions = try c.decode([RegionPrices].self, forKey: .regions)
    }

    /// The entry of `region`; nil when the table does not list it.
    public func prices(for region: RegionID) -> RegionPrices? { regions.first { $0.region == region } }
}

/// The prices billed in currency of one region, from every table that lists it: what ``Pricing`` looks a day's unit
/// price up in.
///
/// A UTC day takes the newest table effective on or before it; a day before every table takes the earliest, and its
/// source says so. A monthly price (``UnitPriceItem/isMonthly``) becomes a price per day by dividing it by the days of
/// the month (``UnitPriceTable/Units/days(ofMonthOf:)``); a per-TB price is used as it is.
public struct UnitPriceBook: Sendable {
    /// The region priced.
    public let region: RegionID
    /// The tables that list `region`, oldest first (never empty).
    public let tables: [UnitPriceTable]

    /// The book of `region` from `tables`; nil when no table lists the region.
    public init?(region: RegionID, tables: [UnitPriceTable]) {
        let listing = tables.filter { $0.prices(for: region) != nil }.sorted { $0.effectiveFrom < $1.effectiveFrom }
        guard !listing.isEmpty else { return nil }
        self.region = region
        self.tables = listing
    }

    /// The table in force on `day`, and whether it was carried back to a day before it.
    public func table(on day: CivilDate) -> (table: UnitPriceTable, carriedBack: Bool) {
        if let t = tables.last(where: { $0.effectiveFrom <= day }) { return (t, false) }
        return (tables[0], true)
    }

    /// The region's entry in the table of `day`.
    public func regionPrices(on day: CivilDate) -> UnitPriceTable.RegionPrices {
        table(on: day).table.prices(for: region)!
    }

    /// The price of one ``UnitPriceItem/unit`` of `item` on `day`, with its source; nil when the table of the day
    /// has no price for the item in the region. Transfer where the region's transfer is not billed is 0.
    public func dayPrice(_ item: UnitPriceItem, on day: CivilDate) -> CreditPriceSchedule.DayPrice? {
        let (table, carried) = table(on: day)
        let r = table.prices(for: region)!
        guard let listed = r.prices[item] else { return nil }
        let notBilled = !item.isMonthly && !r.transferBilled
        var perUnit = notBilled ? 0 : listed
        var source = "unit price table \(table.id), \(r.name), \(item.displayName), "
            + "\(ExactDecimal.text(listed)) \(table.currency.code) per \(item.tableUnit)"
        if item.isMonthly {
            let days = table.units.days(ofMonthOf: day)
            perUnit /= Decimal(days)
            source += " over \(days) days"
        }
        if notBilled { source += ", not billed in this cloud" }
        if carried { source += ", carried back from \(table.effectiveFrom)" }
        return .init(day: day, price: CreditPrice(edition: nil, price: Money(perUnit, table.currency), source: source),
                     effectiveDate: table.effectiveFrom, basis: .onDemand)
    }
}
