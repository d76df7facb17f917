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

/// The days a command covers: `--period YYYY-MM` (a calendar month), or `--from` and `--to` (inclusive).
struct DayRangeOptions: ParsableArguments {
    @Option(help: "A calendar month, YYYY-MM: the same as --from its first day --to its last.")
    var period: String?

    @Option(help: "First day (YYYY-MM-DD), inclusive.")
    var from: CivilDate?

    @Option(help: "Last day (YYYY-MM-DD), inclusive.")
    var to: CivilDate?

    /// The first day; set by ``validate()``.
    var first: CivilDate { from! }
    /// The last day; set by ``validate()``.
    var last: CivilDate { to! }

    /// Resolves `--period` into `--from`/`--to`.
    /// - Throws: `ValidationError` (exit 64) for a bad month, `--period` with `--from`/`--to`, or a missing bound.
    mutating func validate() throws {
        if let period {
            guard from == nil, to == nil else { throw ValidationError("give --period YYYY-MM, or --from and --to, not both.") }
            guard case let .month(year, month)? = PeriodSpec(month: period), let start = CivilDate(year: year, month: month, day: 1) else {
                throw ValidationError("--period '\(period)' must be a month, YYYY-MM, for example 2024-04.")
            }
            from = start
            to = start.lastOfMonth
        }
        guard from != nil, to != nil else { throw ValidationError("give --period YYYY-MM, or both --from and --to.") }
    }
}

/// Parses a currency into an ISO 4217 currency.
/// - Parameter source: where `text` came from: `--currency` (a bad value exits 64), or an environment variable or
///   config file line (``SettingsError``, exit 78).
func parseCurrency(_ text: String, source: String = "--currency") throws -> Currency {
    guard let c = Currency(code: text) else {
        guard source.hasPrefix("--") else {
            throw SettingsError(place: source, message: "currency '\(text)' is not an ISO 4217 currency code",
                                fix: "use a code such as USD, EUR or JPY")
        }
        throw ValidationError("\(source) '\(text)' is not an ISO 4217 currency code; use a code such as USD, EUR or JPY.")
    }
    return c
}

/// A setting's value and where it came from: `--region`, `environment SPCS_COST_REGION`, `file PATH, line N`.
struct SourcedValue: Equatable {
    /// The value as given.
    var text: String
    /// Where it came from.
    var source: String
}

/// The setting `key` (one of ``Settings/keys``): `flag` when given, else its `SPCS_COST_*` variable, else spcs-cost's
/// config.toml, else nil (the built-in default).
func setting(_ key: String, flag: String?, flagName: String, _ env: Environment) -> SourcedValue? {
    if let flag { return SourcedValue(text: flag, source: flagName) }
    if let variable = Settings.keys.first(where: { $0.key == key })?.variable, let value = env.variables[variable],
        !value.isEmpty
    {
        return SourcedValue(text: value, source: "environment \(variable)")
    }
    return env.settings.values[key].map { SourcedValue(text: $0.text, source: $0.source) }
}

/// A path setting resolved: from the config file, relative to the file's folder (`~/` expanded); otherwise relative
/// to the working folder.
func settingPath(_ value: SourcedValue, _ env: Environment) -> String {
    if value.source.hasPrefix("file "), !value.text.hasPrefix("/"), !value.text.hasPrefix("~/"), let file = env.settings.file {
        return ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(value.text)
    }
    return env.resolve(value.text)
}

/// The pull deadline in seconds from `SPCS_COST_PULL_DEADLINE` or config.toml's `[pull] deadline`, or nil.
/// - Throws: ``SettingsError`` naming the variable or file line when it is not a duration.
func configuredDeadlineSeconds(_ env: Environment) throws -> Double? {
    guard let value = setting("pull.deadline", flag: nil, flagName: "--deadline", env) else { return nil }
    guard let seconds = Settings.durationSeconds(value.text) else {
        throw SettingsError(place: value.source, message: "pull deadline '\(value.text)' is not a duration",
                            fix: "write 90s, 30m or 1h (a bare number is minutes)")
    }
    return seconds
}

/// Parses an IANA time zone name; abbreviations such as `JST` are refused because they are ambiguous.
func parseTimeZone(_ text: String, flag: String) throws -> TimeZone {
    guard text.contains("/") || text == "UTC", let zone = TimeZone(identifier: text) else {
        throw ValidationError("\(flag) '\(text)' is not an IANA time zone name; use a name such as Asia/Tokyo, America/Los_Angeles or UTC.")
    }
    return zone
}

/// The price region: the flag, else `SPCS_COST_REGION` from the environment (a team's usual region), else
/// config.toml's `region`, else nil (the services then use aws-us-east-1).
/// - Throws: ``SettingsError`` naming the variable or the file and line when a configured region is not a region id
///   (a flag's value is checked by the service, which names the flag).
func configuredRegion(_ flag: String?, _ env: Environment) throws -> String? {
    guard let value = setting("region", flag: flag, flagName: "--region", env) else { return nil }
    if flag == nil, RegionID(value.text) == nil {
        throw SettingsError(place: value.source, message: "region '\(value.text)' is not a region id",
                            fix: "use a form such as aws-ap-northeast-1 or AWS_AP_NORTHEAST_1")
    }
    return value.text
}

/// The presentation currency: `flag`, else `fallback` (a pools file's), else `SPCS_COST_CURRENCY`, else config.toml's
/// `currency`, else USD.
/// - Throws: `ValidationError` for a bad flag, ``SettingsError`` for a bad variable or file value.
func configuredCurrency(_ flag: String?, fallback: Currency? = nil, _ env: Environment) throws -> Currency {
    if let flag { return try parseCurrency(flag) }
    if let fallback { return fallback }
    guard let value = setting("currency", flag: nil, flagName: "--currency", env) else { return .usd }
    return try parseCurrency(value.text, source: value.source)
}
