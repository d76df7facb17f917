import Foundation

/// An SPCS instance family, the machine type of every node in a compute pool (for example `CPU_X64_XS`).
///
/// Names as Snowflake spells them (CREATE COMPUTE POOL `INSTANCE_FAMILY`, spcs-facts §1 [S3, S4]); compared
/// upper-cased. Whether a rate exists for a family is the rate card's business, not this type's.
public struct InstanceFamily: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Upper-case family name, for example `CPU_X64_XS`, `GPU_NV_S`.
    public let name: String

    /// Normalises `name` (trimmed, upper-cased); nil when empty or containing characters other than letters,
    /// digits and `_`.
    public init?(_ name: String) {
        let n = name.trimmingCharacters(in: .whitespaces).uppercased()
        guard !n.isEmpty, n.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
        self.name = n
    }

    /// The name.
    public var description: String { name }

    public static func < (a: InstanceFamily, b: InstanceFamily) -> Bool { a.name < b.name }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let f = InstanceFamily(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "'\(text)' is not an instance family name"))
        }
        self = f
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}

/// A Snowflake edition, which sets the on-demand price of a credit (Service Consumption Table, Table 2(a),
/// spcs-facts §4 [S5]). VPS is a separate deployment with its own annual fee, so spcs-cost shows it only when named.
public enum Edition: String, CaseIterable, Sendable, Codable, Comparable, CustomStringConvertible {
    case standard
    case enterprise
    case businessCritical = "business-critical"
    case vps

    /// The editions an estimate shows by default, as a range: Standard to Business Critical.
    public static let defaultRange: [Edition] = [.standard, .enterprise, .businessCritical]

    /// Parses an edition name in any case, with spaces, `_` or `-` between words (`Business Critical`,
    /// `BUSINESS_CRITICAL`, `business-critical`), or the short forms `bc` and `ent`; nil otherwise.
    public init?(name: String) {
        let key = name.lowercased().filter { $0.isLetter }
        switch key {
        case "standard", "std": self = .standard
        case "enterprise", "ent": self = .enterprise
        case "businesscritical", "bc": self = .businessCritical
        case "vps", "virtualprivatesnowflake": self = .vps
        default: return nil
        }
    }

    /// The name as Snowflake prints it: `Standard`, `Enterprise`, `Business Critical`, `VPS`.
    public var displayName: String {
        switch self {
        case .standard: "Standard"
        case .enterprise: "Enterprise"
        case .businessCritical: "Business Critical"
        case .vps: "VPS"
        }
    }

    /// The display name.
    public var description: String { displayName }

    public static func < (a: Edition, b: Edition) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A cloud provider that hosts Snowflake accounts.
public enum Cloud: String, CaseIterable, Sendable, Codable {
    case aws, azure, gcp
}

/// A Snowflake region identifier in spcs-cost's spelling: the cloud, a hyphen and the cloud's own region name,
/// lower case (`aws-ap-northeast-1`, `azure-japaneast`, `gcp-us-central1`).
///
/// Snowflake's region ids (`AWS_AP_NORTHEAST_1`, as `CURRENT_REGION()` returns them without the region-group
/// prefix) are accepted and map to the same value.
public struct RegionID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Normalised id, for example `aws-ap-northeast-1`.
    public let id: String

    /// Normalises `text`: strips a region-group prefix (`PUBLIC.`), lower-cases, and turns `_` into `-`; nil when
    /// the result does not start with a known cloud (`aws-`, `azure-`, `gcp-`).
    public init?(_ text: String) {
        var t = text.trimmingCharacters(in: .whitespaces)
        if let dot = t.lastIndex(of: ".") { t = String(t[t.index(after: dot)...]) }
        let n = t.lowercased().replacingOccurrences(of: "_", with: "-")
        guard Cloud.allCases.contains(where: { n.hasPrefix($0.rawValue + "-") }), n.count > 6 else { return nil }
        self.id = n
    }

    /// The cloud of this region.
    public var cloud: Cloud { Cloud.allCases.first { id.hasPrefix($0.rawValue + "-") }! }

    /// Snowflake's spelling, as `CURRENT_REGION()` returns it: `AWS_AP_NORTHEAST_1`.
    public var snowflakeRegionID: String { id.uppercased().replacingOccurrences(of: "-", with: "_") }

    /// The id.
    public var description: String { id }

    public static func < (a: RegionID, b: RegionID) -> Bool { a.id < b.id }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let r = RegionID(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(text)' is not a region id; use a form such as aws-ap-northeast-1"))
        }
        self = r
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(id)
    }
}
