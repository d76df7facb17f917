import Foundation

/// The Snowflake type of a result column, from `resultSetMetaData.rowType[].type`. The wire sends lower-case
/// names (`fixed`, `timestamp_ltz`) while Snowflake's documentation prints upper case, so names compare
/// case-insensitively (sqlapi.md section 3.2, pitfall 8.5).
public enum ColumnType: Sendable, Hashable, CustomStringConvertible {
    /// NUMBER/DECIMAL: decimal text with exactly `scale` fraction digits.
    case fixed
    /// FLOAT/DOUBLE: decimal text, or `NaN`, `inf`, `-inf`.
    case real
    /// DECFLOAT: decimal text, scientific notation beyond 38 digits.
    case decfloat
    /// VARCHAR/TEXT: the raw UTF-8 text.
    case text
    /// BINARY: upper-case hex.
    case binary
    /// BOOLEAN: `true`/`false` (also `1`/`0`, any case).
    case boolean
    /// DATE: whole days since 1970-01-01, negative before.
    case date
    /// TIME: seconds since midnight with `scale` fraction digits.
    case time
    /// TIMESTAMP_LTZ: epoch seconds of the instant with `scale` fraction digits.
    case timestampLTZ
    /// TIMESTAMP_NTZ: epoch seconds of the wall clock read as if UTC, with `scale` fraction digits.
    case timestampNTZ
    /// TIMESTAMP_TZ: `"<epoch seconds> <offset minutes + 1440>"`.
    case timestampTZ
    /// VARIANT, OBJECT, ARRAY: pretty-printed JSON text that may contain the bare token `undefined`.
    case variant, object, array
    /// Any type name this client does not know (e.g. a vector type); cells are kept as text.
    case other(String)

    /// The type for a wire name, compared case-insensitively.
    public init(wireName: String) {
        switch wireName.lowercased() {
        case "fixed": self = .fixed
        case "real": self = .real
        case "decfloat": self = .decfloat
        case "text": self = .text
        case "binary": self = .binary
        case "boolean": self = .boolean
        case "date": self = .date
        case "time": self = .time
        case "timestamp_ltz": self = .timestampLTZ
        case "timestamp_ntz": self = .timestampNTZ
        case "timestamp_tz": self = .timestampTZ
        case "variant": self = .variant
        case "object": self = .object
        case "array": self = .array
        default: self = .other(wireName.lowercased())
        }
    }

    /// The lower-case wire name, e.g. `timestamp_ltz`.
    public var description: String {
        switch self {
        case .fixed: return "fixed"
        case .real: return "real"
        case .decfloat: return "decfloat"
        case .text: return "text"
        case .binary: return "binary"
        case .boolean: return "boolean"
        case .date: return "date"
        case .time: return "time"
        case .timestampLTZ: return "timestamp_ltz"
        case .timestampNTZ: return "timestamp_ntz"
        case .timestampTZ: return "timestamp_tz"
        case .variant: return "variant"
        case .object: return "object"
        case .array: return "array"
        case let .other(name): return name
        }
    }
}

/// One entry of `resultSetMetaData.rowType` (sqlapi.md section 3.2; REC-026 key set). Only the first response
/// of a statement carries it; later partitions reuse it.
public struct Column: Sendable, Equatable {
    /// The column name as Snowflake reports it (unquoted names upper-case; names may repeat).
    public var name: String
    /// The column type.
    public var type: ColumnType
    /// NUMBER precision in digits; nil when the wire sends null (non-numeric columns).
    public var precision: Int?
    /// Fraction digits of NUMBER, TIME and TIMESTAMP cells; nil when the wire sends null.
    public var scale: Int?
    /// Character length of text columns; nil when not applicable.
    public var length: Int?
    /// Byte length of text and binary columns; nil when not applicable.
    public var byteLength: Int?
    /// Whether the column may hold SQL NULL.
    public var nullable: Bool

    /// A column with the given properties.
    public init(
        name: String, type: ColumnType, precision: Int? = nil, scale: Int? = nil, length: Int? = nil,
        byteLength: Int? = nil, nullable: Bool = true
    ) {
        self.name = name
        self.type = type
        self.precision = precision
        self.scale = scale
        self.length = length
        self.byteLength = byteLength
        self.nullable = nullable
    }
}

extension Column {
    /// Reads one rowType entry; `type` and `name` are required, the rest may be absent or null.
    init(json: JSONValue, position: Int) throws {
        guard let object = json.object, let name = object["name"]?.string, let type = object["type"]?.string else {
            throw JSONv2Error.malformedBody(
                context: "resultSetMetaData.rowType[\(position)]", reason: "the entry has no string 'name' and 'type'")
        }
        self.init(
            name: name, type: ColumnType(wireName: type), precision: object["precision"]?.int,
            scale: object["scale"]?.int, length: object["length"]?.int, byteLength: object["byteLength"]?.int,
            nullable: object["nullable"]?.bool ?? true)
    }
}

extension Array where Element == Column {
    /// The index of the first column named `name`: an exact match first, then a case-insensitive one; nil when
    /// no column has that name.
    public func index(named name: String) -> Int? {
        firstIndex { $0.name == name } ?? firstIndex { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }
}
