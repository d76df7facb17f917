import ArgumentParser
import Foundation
import SPCSCostCore
import SPCSCostKit

extension Decimal: @retroactive ExpressibleByArgument {
    /// Parses a plain decimal (`0.11`, `150`); `1e3`, `0,11` and the like are refused.
    public init?(argument: String) {
        guard let d = ExactDecimal.parse(argument) else { return nil }
        self = d
    }
}

extension CivilDate: ExpressibleByArgument {
    /// Parses `YYYY-MM-DD`.
    public init?(argument: String) { self.init(argument) }
}

extension Edition: ExpressibleByArgument {
    /// Parses an edition name: `standard`, `enterprise`, `business-critical`, `vps` (any case).
    public init?(argument: String) { self.init(name: argument) }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// Parses `--currency` into an ISO 4217 currency.
func parseCurrency(_ text: String) throws -> Currency {
    guard let c = Currency(code: text) else {
        throw ValidationError("--currency '\(text)' is not an ISO 4217 currency code; use a code such as USD, EUR or JPY.")
    }
    return c
}

/// Parses an IANA time zone name; abbreviations such as `JST` are refused because they are ambiguous.
func parseTimeZone(_ text: String, flag: String) throws -> TimeZone {
    guard text.contains("/") || text == "UTC", let zone = TimeZone(identifier: text) else {
        throw ValidationError("\(flag) '\(text)' is not an IANA time zone name; use a name such as Asia/Tokyo, America/Los_Angeles or UTC.")
    }
    return zone
}

/// The price region: the flag, else `SPCS_COST_REGION` from the environment (a team's usual region), else nil (the
/// services then use aws-us-east-1).
func configuredRegion(_ flag: String?, _ env: Environment) -> String? {
    flag ?? env.variables["SPCS_COST_REGION"].flatMap { $0.isEmpty ? nil : $0 }
}
