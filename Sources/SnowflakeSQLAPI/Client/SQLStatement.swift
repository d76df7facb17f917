import Foundation

/// A value bound to a `?` (or `:1`) placeholder, sent as `{"type": ..., "value": ...}` (sqlapi.md section 2.3).
/// Values travel as text in the encodings real Snowflake accepted (NOTES, PYC `converter.py`).
public struct Binding: Sendable, Equatable, Encodable {
    /// The Snowflake binding type, e.g. `TEXT`, `FIXED`, `TIMESTAMP_LTZ`, `DATE`.
    public var type: String
    /// The value text; nil binds SQL NULL.
    public var value: String?

    /// A binding with an explicit type and text.
    public init(type: String, value: String?) {
        self.type = type
        self.value = value
    }

    private enum CodingKeys: String, CodingKey { case type, value }

    /// Encodes `{"type": ..., "value": ...}` with `"value": null` for NULL.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(value, forKey: .value)
    }

    /// TEXT; nil binds NULL.
    public static func text(_ value: String?) -> Binding { Binding(type: "TEXT", value: value) }

    /// FIXED from an exact decimal (integers convert exactly: `.fixed(Decimal(poolID))`), written with `.` as the
    /// separator and no exponent.
    public static func fixed(_ value: Decimal) -> Binding {
        let text = NSDecimalNumber(decimal: value).description(withLocale: Locale(identifier: "en_US_POSIX"))
        return Binding(type: "FIXED", value: text)
    }

    /// BOOLEAN as `true`/`false`.
    public static func boolean(_ value: Bool) -> Binding { Binding(type: "BOOLEAN", value: value ? "true" : "false") }

    /// TIMESTAMP_LTZ as epoch **nanoseconds** (sqlapi.md section 2.3: "TIMESTAMP_NTZ / TIMESTAMP_LTZ: nanoseconds
    /// since epoch"), exact for the whole timestamp range.
    public static func timestampLTZ(_ value: EpochTimestamp) -> Binding {
        Binding(type: "TIMESTAMP_LTZ", value: epochNanosecondsText(value))
    }

    /// TIMESTAMP_LTZ from a `Date`, rounded to the nearest microsecond first (a `Date` is a `Double`).
    public static func timestampLTZ(_ date: Date) -> Binding {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return timestampLTZ(EpochTimestamp(seconds: 0, nanoseconds: microseconds * 1000))
    }

    /// DATE as epoch **milliseconds** of midnight UTC (sqlapi.md section 2.3: passing days silently gives
    /// 1970-01-01; pitfall 8.8).
    public static func date(daysSinceEpoch days: Int64) -> Binding {
        Binding(type: "DATE", value: String(days * 86_400_000))
    }

    /// Decimal text of `seconds * 1e9 + nanoseconds` without overflow.
    static func epochNanosecondsText(_ value: EpochTimestamp) -> String {
        func nineDigits(_ n: Int64) -> String {
            let text = String(n)
            return String(repeating: "0", count: 9 - text.count) + text
        }
        if value.seconds >= 0 {
            return value.seconds == 0 ? String(value.nanoseconds) : "\(value.seconds)\(nineDigits(Int64(value.nanoseconds)))"
        }
        // Negative: -(|seconds + 1| * 1e9 + (1e9 - nanoseconds)) when nanoseconds > 0, else -(|seconds| * 1e9).
        let (whole, fraction) = value.nanoseconds > 0
            ? (-(value.seconds + 1), 1_000_000_000 - Int64(value.nanoseconds)) : (-value.seconds, 0)
        return whole == 0 ? "-\(fraction)" : "-\(whole)\(nineDigits(fraction))"
    }
}

/// One SQL statement and its per-request settings (sqlapi.md section 2.2).
public struct SQLStatement: Sendable, Equatable {
    /// The SQL text (one statement; bindings use `?` placeholders in order).
    public var text: String
    /// Values for the placeholders, sent as `"1"`, `"2"`, ... in order.
    public var bindings: [Binding]
    /// The server-side statement timeout in seconds; nil leaves the account default, 0 means the 7-day maximum.
    public var timeoutSeconds: Int?
    /// Session parameters for this request. Default `["TIMEZONE": "UTC"]`, so day boundaries in SQL are UTC.
    /// `*_OUTPUT_FORMAT` parameters are refused because they change cell text (sqlapi.md section 2.4).
    public var parameters: [String: String]
    /// Overrides of the connection's role, warehouse, database and schema; nil keeps the connection's.
    public var role: String?, warehouse: String?, database: String?, schema: String?

    /// A statement with the given text and settings.
    public init(
        _ text: String, bindings: [Binding] = [], timeoutSeconds: Int? = nil,
        parameters: [String: String] = ["TIMEZONE": "UTC"], role: String? = nil, warehouse: String? = nil,
        database: String? = nil, schema: String? = nil
    ) {
        self.text = text
        self.bindings = bindings
        self.timeoutSeconds = timeoutSeconds
        self.parameters = parameters
        self.role = role
        self.warehouse = warehouse
        self.database = database
        self.schema = schema
    }

    /// The first line of the text, at most 80 characters, for messages.
    var excerpt: String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 80 ? String(trimmed.prefix(80)) + "…" : trimmed
    }
}

/// The role, warehouse, database and schema sent with each statement unless the statement overrides them.
/// Names are case-sensitive and usually upper case (sqlapi.md section 2.2, pitfall 8.11).
public struct SessionContext: Sendable, Equatable {
    /// Names; nil leaves the user's default.
    public var role: String?, warehouse: String?, database: String?, schema: String?

    /// A context with the given names.
    public init(role: String? = nil, warehouse: String? = nil, database: String? = nil, schema: String? = nil) {
        self.role = role
        self.warehouse = warehouse
        self.database = database
        self.schema = schema
    }
}

/// The POST body of `/api/v2/statements`.
struct SubmitBody: Encodable {
    var statement: String
    var timeout: Int?
    var role: String?
    var warehouse: String?
    var database: String?
    var schema: String?
    var bindings: [String: Binding]?
    var parameters: [String: String]?

    init(_ statement: SQLStatement, context: SessionContext) {
        self.statement = statement.text
        timeout = statement.timeoutSeconds
        role = statement.role ?? context.role
        warehouse = statement.warehouse ?? context.warehouse
        database = statement.database ?? context.database
        schema = statement.schema ?? context.schema
        bindings = statement.bindings.isEmpty
            ? nil
            : Dictionary(uniqueKeysWithValues: statement.bindings.enumerated().map { (String($0 + 1), $1) })
        parameters = statement.parameters.isEmpty ? nil : statement.parameters
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
