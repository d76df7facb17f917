/// A TOML 1.0 document reader for spcs-cost's own files (pools files) and Snowflake's `config.toml` and
/// `connections.toml`: pure Swift, bounded, and it never traps on any input.
///
/// Why spcs-cost reads TOML itself: the TOML library it used before (LebJe/TOMLKit 0.6.0, which bundles toml++ 3.4.0)
/// aborts the process on malformed input such as `[=` (an assertion in `parser::parse_key`); with assertions compiled
/// out the same inputs become undefined behaviour instead of an error (toml++ issues #294 `[&` and #295 `\xcc\xaa`,
/// open against toml++ master). A package cannot change a dependency's C++ defines, and no other TOML library is
/// among the packages spcs-cost builds with (apple/swift-configuration reads JSON, YAML and property lists only).
/// This reader is fuzzed (`Fuzz/`, target `toml`) and checked against the TOML 1.0 examples in its tests.
///
/// Limits: values, tables and keys nest at most ``TOMLTable/maximumDepth`` levels (deeper input is an error, so
/// recursion stays shallow); integers are 64-bit (larger ones are an error, as TOML 1.0 allows).

/// One TOML value.
public indirect enum TOMLValue: Sendable, Equatable {
    /// A string (basic, literal, or either multi-line form), escapes resolved.
    case string(String)
    /// A 64-bit integer (decimal, `0x`, `0o` or `0b`).
    case integer(Int64)
    /// A float, including `inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// A date, a time, or a date with a time (and maybe an offset).
    case dateTime(TOMLDateTime)
    /// An array; elements may have different types (TOML 1.0).
    case array([TOMLValue])
    /// A table (a `[header]` table, an inline `{ ... }` table, or one made by dotted keys).
    case table(TOMLTable)

    /// The string, or nil for another type.
    public var string: String? { if case let .string(s) = self { s } else { nil } }
    /// The integer, or nil for another type (a float is not an integer).
    public var int: Int? { if case let .integer(i) = self { Int(exactly: i) } else { nil } }
    /// The float, or nil for another type (an integer is not a float).
    public var double: Double? { if case let .float(d) = self { d } else { nil } }
    /// The boolean, or nil for another type.
    public var bool: Bool? { if case let .boolean(b) = self { b } else { nil } }
    /// The table, or nil for another type.
    public var table: TOMLTable? { if case let .table(t) = self { t } else { nil } }
    /// The array's elements, or nil for another type.
    public var array: [TOMLValue]? { if case let .array(a) = self { a } else { nil } }
    /// The date-time, or nil for another type.
    public var dateTime: TOMLDateTime? { if case let .dateTime(d) = self { d } else { nil } }

    /// The value's TOML type, for messages ("holds a TOML integer value").
    public var type: TOMLType {
        switch self {
        case .string: .string
        case .integer: .int
        case .float: .double
        case .boolean: .bool
        case let .dateTime(d): d.date == nil ? .time : (d.time == nil ? .date : .dateTime)
        case .array: .array
        case .table: .table
        }
    }
}

/// TOML's value types, named as messages print them.
public enum TOMLType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// A table.
    case table
    /// An array.
    case array
    /// A string.
    case string
    /// An integer.
    case int
    /// A float.
    case double
    /// A boolean.
    case bool
    /// A local date.
    case date
    /// A local time.
    case time
    /// A date with a time, with or without an offset.
    case dateTime

    /// `integer`, `floating-point number`, `date-time`, or the raw name.
    public var description: String {
        switch self {
        case .int: "integer"
        case .double: "floating-point number"
        case .dateTime: "date-time"
        default: rawValue
        }
    }
}

/// A TOML date, time or date-time, as written (TOML 1.0 "Offset Date-Time", "Local Date-Time", "Local Date",
/// "Local Time"). Fields are validated: month 1–12, a day that exists in the month, hour 0–23, minute 0–59,
/// second 0–60 (RFC 3339 allows a leap second), offset within ±23:59.
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
    /// Year, month, day; nil for a local time.
    public var date: (year: Int, month: Int, day: Int)?
    /// Hour, minute, second, nanosecond; nil for a local date.
    public var time: (hour: Int, minute: Int, second: Int, nanosecond: Int)?
    /// Minutes east of UTC; nil for a local date, time or date-time.
    public var offsetMinutes: Int?
    /// The text as written in the document.
    public var text: String

    /// The text as written.
    public var description: String { text }

    public static func == (a: TOMLDateTime, b: TOMLDateTime) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }
}

/// A TOML table: keys in document order, each with its value.
public struct TOMLTable: Sendable, Equatable {
    /// How deep tables, arrays and dotted keys may nest. Deeper input is a ``TOMLParseError``.
    public static let maximumDepth = 128

    /// Keys in the order the document defines them.
    public private(set) var keys: [String]
    private var values: [String: TOMLValue]

    /// An empty table.
    public init() {
        keys = []
        values = [:]
    }

    /// Parses a whole TOML document.
    /// - Throws: ``TOMLParseError`` with the line and column of the first problem.
    public init(string text: String) throws(TOMLParseError) {
        self = try TOMLParser.parse(text)
    }

    /// The value of `key`; nil when the table has no such key.
    public subscript(key: String) -> TOMLValue? { values[key] }

    /// Whether the table has `key`.
    public func contains(key: String) -> Bool { values[key] != nil }

    /// Number of keys.
    public var count: Int { keys.count }

    /// Adds or replaces `key` (a new key goes last).
    public mutating func set(_ key: String, _ value: TOMLValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    public static func == (a: TOMLTable, b: TOMLTable) -> Bool { a.values == b.values }
}

/// Why a TOML document could not be read: where, and what is wrong, as a sentence fragment that a caller puts after
/// the file name (`"expected '=' after the key 'name', found '\"'"`).
public struct TOMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the problem.
    public let line: Int
    /// 1-based column (in characters) of the problem.
    public let column: Int
    /// What is wrong there.
    public let reason: String

    /// Creates an error.
    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}
