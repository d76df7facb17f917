import Foundation

/// An instant (or, for TIMESTAMP_NTZ, a wall-clock reading taken as if UTC) with nanosecond precision and the
/// full range of Snowflake timestamps (years 0001 to 9999), which an `Int64` of nanoseconds does not cover.
///
/// The value is `seconds + nanoseconds / 1e9` seconds after 1970-01-01T00:00:00Z, with `seconds` rounded toward
/// negative infinity: 9 ns before the epoch is `seconds = -1, nanoseconds = 999_999_991`.
public struct EpochTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since the epoch, rounded down.
    public let seconds: Int64
    /// Nanoseconds to add to `seconds`, in `0 ..< 1_000_000_000`.
    public let nanoseconds: Int32

    /// The timestamp `seconds + nanoseconds / 1e9`; `nanoseconds` outside `0 ..< 1e9` is carried into seconds.
    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        let (carry, remainder) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        if remainder < 0 {
            self.seconds = seconds + carry - 1
            self.nanoseconds = Int32(remainder + 1_000_000_000)
        } else {
            self.seconds = seconds + carry
            self.nanoseconds = Int32(remainder)
        }
    }

    /// The timestamp `epochNanoseconds` ns after the epoch (negative before it).
    public init(epochNanoseconds: Int64) {
        self.init(seconds: 0, nanoseconds: epochNanoseconds)
    }

    /// Nanoseconds since the epoch, or nil outside the `Int64` range (about years 1677 to 2262).
    public var epochNanoseconds: Int64? {
        let (scaled, overflow1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = scaled.addingReportingOverflow(Int64(nanoseconds))
        return overflow1 || overflow2 ? nil : sum
    }

    /// The nearest `Date` (a `Double` of seconds, so sub-microsecond digits are rounded for recent dates).
    public var date: Date {
        Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1_000_000_000)
    }

    /// Signed epoch seconds with nine fraction digits, e.g. `-0.000000009` or `1712016000.000000000`.
    public var description: String {
        if seconds < 0 && nanoseconds > 0 {
            let fraction = String(1_000_000_000 - Int64(nanoseconds))
            return "-\(-(seconds + 1)).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
        }
        let fraction = String(nanoseconds)
        return "\(seconds).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
    }

    /// Chronological order.
    public static func < (lhs: EpochTimestamp, rhs: EpochTimestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}

/// A NUMBER cell exactly as Snowflake sent it: decimal text with `scale` fraction digits, never rounded
/// (sqlapi.md section 3.11; REC-026 holds 38-digit integers beyond `Int64`).
public struct FixedDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The wire text, e.g. `"0.110000000"` or `"-12.50"`. Equality compares this text.
    public let text: String

    /// A value from its decimal text.
    /// - Throws: ``CellValueError`` when `text` is not `[-+]digits[.digits]`.
    public init(text: String) throws {
        var text = text
        try text.withUTF8 { try CellParsing.validateDecimal($0) }
        self.text = text
    }

    init(validatedText: String) {
        text = validatedText
    }

    /// The value as a Foundation `Decimal`: exact for up to 38 significant digits, which covers every
    /// NUMBER(38, s).
    public var decimal: Decimal {
        Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? Decimal.nan
    }

    /// The value times 10^`scale` as an exact integer, e.g. `"0.110000000"` at scale 9 is 110,000,000
    /// nano-credits.
    /// - Throws: ``CellValueError`` when the value has non-zero digits beyond `scale` fraction digits, or when
    ///   the result does not fit an `Int64` (about 9.2 billion at scale 9).
    public func scaledInteger(scale: Int) throws -> Int64 {
        var text = text
        return try text.withUTF8 { try CellParsing.scaledInteger($0, scale: scale) }
    }

    /// The wire text.
    public var description: String { text }
}

/// A decoded cell, typed by its column's rowType (sqlapi.md section 3.11).
public enum SQLValue: Sendable, Equatable {
    /// SQL NULL (JSON null on the wire).
    case null
    /// NUMBER, exact.
    case fixed(FixedDecimal)
    /// FLOAT/DOUBLE, including NaN and infinities.
    case real(Double)
    /// VARCHAR/TEXT.
    case text(String)
    /// BOOLEAN.
    case boolean(Bool)
    /// DATE as whole days since 1970-01-01 (negative before).
    case date(daysSinceEpoch: Int64)
    /// TIME as nanoseconds since midnight.
    case time(nanosecondsSinceMidnight: Int64)
    /// TIMESTAMP_NTZ: the wall clock read as if it were UTC.
    case timestampNTZ(EpochTimestamp)
    /// TIMESTAMP_LTZ: the instant.
    case timestampLTZ(EpochTimestamp)
    /// TIMESTAMP_TZ: the instant and its offset in minutes east of UTC (wire offset minus 1440).
    case timestampTZ(EpochTimestamp, offsetMinutes: Int)
    /// BINARY, decoded from hex.
    case binary(Data)
    /// VARIANT, OBJECT, ARRAY, DECFLOAT or an unknown type: the wire text, undecoded.
    case unparsed(type: ColumnType, text: String)
}

/// Why one cell's text is not valid for its type. ``JSONv2Error/invalidCell(partition:row:column:type:text:reason:)``
/// adds the partition, row and column.
public enum CellValueError: Error, Equatable, CustomStringConvertible {
    /// The text is not a number of the expected shape.
    case notANumber
    /// The number has more fraction digits than the requested scale and they are not all zero.
    case moreFractionDigits(scale: Int)
    /// The value does not fit in a 64-bit integer.
    case overflow
    /// The text is not one of `true`, `false`, `1`, `0` (any case).
    case notABoolean
    /// The text is not hex digits in pairs.
    case notHex
    /// The TIMESTAMP_TZ text is not `"<seconds> <offset>"` with an offset in 0...2880.
    case badTimeZoneOffset

    /// The reason, as the end of a sentence ("it is not a decimal number").
    public var description: String {
        switch self {
        case .notANumber: return "it is not a decimal number"
        case let .moreFractionDigits(scale): return "it has non-zero digits beyond \(scale) fraction digits"
        case .overflow: return "it does not fit in a 64-bit integer"
        case .notABoolean: return "it is not true, false, 1 or 0"
        case .notHex: return "it is not an even number of hex digits"
        case .badTimeZoneOffset: return "it is not '<seconds> <offset+1440>' with an offset between 0 and 2880"
        }
    }
}
