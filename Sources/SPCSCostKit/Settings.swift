import Foundation
import SPCSCostCore
import SPCSCostTOML

/// spcs-cost's own settings, for what is not a Snowflake connection: `$XDG_CONFIG_HOME/spcs-cost/config.toml`
/// (default `~/.config/spcs-cost/config.toml`), or the file named by `SPCS_COST_CONFIG`. Snowflake's own
/// `config.toml` and `connections.toml` stay as `snow` reads them; nothing of spcs-cost's goes there.
///
/// Precedence for each value: the command's flag > the environment variable > this file > the built-in default
/// (a pools file's `[defaults]` sit between the flag and the environment for the price settings, as before).
///
/// ```toml
/// region = "aws-ap-northeast-1"      # SPCS_COST_REGION; --region
/// currency = "JPY"                   # SPCS_COST_CURRENCY; --currency
/// pools = "~/spcs/pools.toml"        # SPCS_COST_POOLS; --pools (nightly)
/// cache = "~/spcs/cache.sqlite"      # SPCS_COST_CACHE; --cache
///
/// [pull]
/// deadline = "20m"                   # SPCS_COST_PULL_DEADLINE; --deadline (pull and nightly)
///
/// [contract]                         # the contract's price per credit, for export --focus
/// price = "2.60"                     # SPCS_COST_CONTRACT_PRICE; --contract-price
/// currency = "USD"                   # SPCS_COST_CONTRACT_CURRENCY; --contract-currency
///
/// [groups]                           # connection groups of an organization, shown by `config show`
/// finance = ["prod_eu", "prod_us"]
/// ```
public struct Settings: Sendable, Equatable {
    /// One setting's value as text and where it came from.
    public struct Value: Sendable, Equatable {
        /// The value as written (a path is expanded and resolved only where it is used).
        public var text: String
        /// `environment SPCS_COST_REGION`, `file PATH, line N`, ...
        public var source: String

        /// A value from `source`.
        public init(text: String, source: String) {
            self.text = text
            self.source = source
        }
    }

    /// The documented keys, in `config show` order, with their environment variables.
    public static let keys: [(key: String, variable: String)] = [
        ("region", "SPCS_COST_REGION"), ("currency", "SPCS_COST_CURRENCY"), ("pools", "SPCS_COST_POOLS"),
        ("cache", "SPCS_COST_CACHE"), ("pull.deadline", "SPCS_COST_PULL_DEADLINE"),
        ("contract.price", "SPCS_COST_CONTRACT_PRICE"), ("contract.currency", "SPCS_COST_CONTRACT_CURRENCY"),
    ]

    /// The file read, or nil when there is none.
    public var file: String?
    /// The path looked for (whether or not it exists).
    public var path: String
    /// Key (`region`, `pull.deadline`, ...) -> value from the environment or the file; absent keys are unset.
    public var values: [String: Value]
    /// Connection groups: group name -> connection names, in file order of the names.
    public var groups: [String: [String]]

    /// No file and no variables: every setting at its default.
    public init(path: String = "", file: String? = nil, values: [String: Value] = [:], groups: [String: [String]] = [:]) {
        self.path = path
        self.file = file
        self.values = values
        self.groups = groups
    }

    /// The file's path: `SPCS_COST_CONFIG`, else `$XDG_CONFIG_HOME/spcs-cost/config.toml` (XDG Base Directory
    /// Specification), else `~/.config/spcs-cost/config.toml`.
    public static func path(variables: [String: String], homeDirectory: String) -> String {
        if let explicit = variables["SPCS_COST_CONFIG"], !explicit.isEmpty { return explicit }
        let base: String
        if let xdg = variables["XDG_CONFIG_HOME"], !xdg.isEmpty {
            base = xdg
        } else {
            base = (homeDirectory as NSString).appendingPathComponent(".config")
        }
        return (base as NSString).appendingPathComponent("spcs-cost/config.toml")
    }

    /// Reads the settings from the environment and the file (absent file: environment and defaults only).
    /// - Throws: ``SettingsError`` naming the file, line and key for a file that does not parse, an unknown key, a
    ///   value of the wrong type, or a currency, deadline or price of the wrong shape; and the variable for a bad
    ///   variable.
    public static func load(variables: [String: String], homeDirectory: String) throws -> Settings {
        let path = path(variables: variables, homeDirectory: homeDirectory)
        var settings = Settings(path: path)
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw SettingsError(place: path, message: "cannot be read (\((error as NSError).localizedDescription))",
                                    fix: "check that the file is readable by this user")
            }
            try settings.read(text, path: path)
            settings.file = path
        }
        for (key, variable) in keys {
            guard let value = variables[variable], !value.isEmpty else { continue }
            settings.values[key] = Value(text: value, source: "environment \(variable)")
        }
        try settings.validate()
        return settings
    }

    /// Parses `text` (the file at `path`) into ``values`` and ``groups``.
    mutating func read(_ text: String, path: String) throws {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch {
            throw SettingsError(place: "\(path), line \(error.line), column \(error.column)", message: error.reason,
                                fix: "fix the TOML syntax there")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func place(_ key: String, section: String? = nil) -> String {
            Self.line(of: key, in: section, lines: lines).map { "\(path), line \($0)" } ?? path
        }
        let sections: [String: [String]] = ["pull": ["deadline"], "contract": ["price", "currency"]]
        for key in table.keys {
            let value = table[key]!
            if ["region", "currency", "pools", "cache"].contains(key) {
                guard let text = value.string else {
                    throw SettingsError(place: place(key), message: "\(key) holds a TOML \(value.type)",
                                        fix: "write it as a string, \(key) = \"...\"")
                }
                values[key] = Value(text: text, source: "file \(place(key))")
            } else if let subkeys = sections[key] {
                guard let section = value.table else {
                    throw SettingsError(place: path, message: "\(key) must be a table",
                                        fix: "write [\(key)] followed by \(subkeys.joined(separator: ", "))")
                }
                for sub in section.keys {
                    let at = place(sub, section: key)
                    guard subkeys.contains(sub) else {
                        throw SettingsError(place: at, message: "[\(key)] has no key '\(sub)'",
                                            fix: "the keys of [\(key)] are \(subkeys.joined(separator: ", "))")
                    }
                    let v = section[sub]!
                    let text: String
                    if let s = v.string { text = s } else if let i = v.int { text = String(i) } else {
                        throw SettingsError(place: at, message: "\(key).\(sub) holds a TOML \(v.type)",
                                            fix: "write it as a string, \(sub) = \"...\"")
                    }
                    values["\(key).\(sub)"] = Value(text: text, source: "file \(at)")
                }
            } else if key == "groups" {
                guard let groupsTable = value.table else {
                    throw SettingsError(place: path, message: "groups must be a table",
                                        fix: "write [groups] followed by NAME = [\"connection\", ...]")
                }
                for name in groupsTable.keys {
                    let items = groupsTable[name]?.array ?? []
                    let members = items.compactMap(\.string)
                    guard !members.isEmpty, members.count == items.count else {
                        throw SettingsError(place: place(name, section: "groups"),
                                            message: "group '\(name)' is not a list of connection names",
                                            fix: "write \(name) = [\"connection\", ...]")
                    }
                    groups[name] = members
                }
            } else {
                throw SettingsError(place: place(key), message: "unknown key '\(key)'",
                                    fix: "the keys are region, currency, pools, cache, [pull] deadline, [contract] price and currency, and [groups]")
            }
        }
    }

    /// Checks the values that have a shape: currency code, credit price, deadline.
    func validate() throws {
        for key in ["currency", "contract.currency"] {
            guard let v = values[key], Currency(code: v.text) == nil else { continue }
            throw SettingsError(place: v.source, message: "\(key) '\(v.text)' is not an ISO 4217 code", fix: "use a code such as USD, EUR or JPY")
        }
        if let v = values["contract.price"], contractPrice == nil {
            throw SettingsError(place: v.source, message: "contract.price '\(v.text)' is not a price",
                                fix: "write the price per credit with a point, for example \"2.60\"")
        }
        if let v = values["pull.deadline"], Self.durationSeconds(v.text) == nil {
            throw SettingsError(place: v.source, message: "pull.deadline '\(v.text)' is not a duration", fix: "write 90s, 30m or 1h (a bare number is minutes)")
        }
    }

    /// `key`'s text, or nil when unset.
    public subscript(key: String) -> String? { values[key]?.text }

    /// The contract price per credit (in ``contract.currency``, default USD), or nil when unset or not a positive
    /// plain decimal.
    public var contractPrice: Decimal? {
        guard let text = self["contract.price"], !text.isEmpty, text.allSatisfy({ "0123456789.".contains($0) }),
            let price = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), price > 0
        else { return nil }
        return price
    }

    /// The pull deadline in seconds, or nil when unset.
    public var pullDeadlineSeconds: Double? { self["pull.deadline"].flatMap(Self.durationSeconds) }

    /// A duration: a number with `s`, `m`/`min` or `h` (`90s`, `30m`, `1.5h`); a bare number is minutes. Nil for
    /// anything else, zero, a negative number or an infinite one.
    public static func durationSeconds(_ argument: String) -> Double? {
        let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("min", 60), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { text.hasSuffix($0.suffix) } ?? ("", 60)
        guard let value = Double(text.dropLast(unit.suffix.count)), value > 0, (value * unit.seconds).isFinite else {
            return nil
        }
        return value * unit.seconds
    }

    /// The 1-based line where `key = ...` is written, inside `[section]` when given, else before any table header.
    static func line(of key: String, in section: String?, lines: [String]) -> Int? {
        var current: String?
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                continue
            }
            guard current == section else { continue }
            let name = line.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
            if name == key || name == "\"\(key)\"" { return index + 1 }
        }
        return nil
    }
}

/// A bad setting in spcs-cost's `config.toml` or its environment variables: the place (file and line, or the
/// variable), what is wrong, and the fix.
public struct SettingsError: Error, Equatable, CustomStringConvertible {
    /// `PATH, line N` or `environment VARIABLE`.
    public var place: String
    /// What is wrong.
    public var message: String
    /// How to fix it.
    public var fix: String

    /// An error at `place`.
    public init(place: String, message: String, fix: String) {
        self.place = place
        self.message = message
        self.fix = fix
    }

    /// `PLACE: MESSAGE; FIX.`
    public var description: String {
        let at = place.hasPrefix("file ") ? String(place.dropFirst(5)) : place
        return "\(at): \(message); \(fix)."
    }
}
