import Foundation

/// Parsers for jsonv2 cell text, working on the UTF-8 bytes in place (no `String` per cell).
enum CellParsing {
    private static let zero = UInt8(ascii: "0")

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- zero < 10 }

    /// The parts of `[-+]digits[.digits]`: sign, integer digits range and fraction digits range.
    @inline(__always)
    private static func splitDecimal(_ bytes: UnsafeBufferPointer<UInt8>) throws(CellValueError)
        -> (negative: Bool, integer: Range<Int>, fraction: Range<Int>)
    {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        let integerStart = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        let integer = integerStart..<index
        var fraction = index..<index
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            fraction = fractionStart..<index
        }
        guard index == bytes.count, !integer.isEmpty || !fraction.isEmpty else { throw .notANumber }
        return (negative, integer, fraction)
    }

    static func validateDecimal(_ bytes: UnsafeBufferPointer<UInt8>) throws(CellValueError) {
        _ = try splitDecimal(bytes)
    }

    /// `[-+]digits[.digits]` times 10^`scale`, exactly.
    static func scaledInteger(_ bytes: UnsafeBufferPointer<UInt8>, scale: Int) throws(CellValueError) -> Int64 {
        let (negative, integer, fraction) = try splitDecimal(bytes)
        var value: Int64 = 0
        // Accumulate as a negative number so Int64.min is reachable.
        @inline(__always) func push(_ digit: Int64) throws(CellValueError) {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(digit)
            guard !o1, !o2 else { throw .overflow }
            value = next
        }
        for i in integer { try push(Int64(bytes[i] &- zero)) }
        var digits = 0
        for i in fraction {
            if digits < scale {
                try push(Int64(bytes[i] &- zero))
                digits += 1
            } else if bytes[i] != zero {
                throw .moreFractionDigits(scale: scale)
            }
        }
        while digits < scale {
            try push(0)
            digits += 1
        }
        if negative { return value }
        guard value != Int64.min else { throw .overflow }
        return -value
    }

    /// Epoch seconds with up to nine fraction digits; the sign applies to the whole value, so `-0.5` is half a
    /// second before the epoch (sqlapi.md section 3.11, PYC `get_seconds_microseconds`).
    static func timestamp(_ bytes: UnsafeBufferPointer<UInt8>) throws(CellValueError) -> EpochTimestamp {
        let (negative, integer, fraction) = try splitDecimal(bytes)
        guard fraction.count <= 9 else { throw .notANumber }
        var seconds: Int64 = 0
        for i in integer {
            let (times10, o1) = seconds.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(bytes[i] &- zero))
            guard !o1, !o2 else { throw .overflow }
            seconds = next
        }
        var nanoseconds: Int64 = 0
        for i in fraction { nanoseconds = nanoseconds * 10 + Int64(bytes[i] &- zero) }
        for _ in fraction.count..<9 { nanoseconds *= 10 }
        return negative
            ? EpochTimestamp(seconds: -seconds, nanoseconds: -nanoseconds)
            : EpochTimestamp(seconds: seconds, nanoseconds: nanoseconds)
    }

    /// `"<epoch seconds> <offset + 1440>"` → the instant and the offset in minutes east of UTC.
    static func timestampTZ(_ bytes: UnsafeBufferPointer<UInt8>) throws(CellValueError)
        -> (EpochTimestamp, offsetMinutes: Int)
    {
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")) else { throw .badTimeZoneOffset }
        let instant = try timestamp(UnsafeBufferPointer(rebasing: bytes[..<space]))
        let offsetText = UnsafeBufferPointer(rebasing: bytes[(space + 1)...])
        guard !offsetText.isEmpty, offsetText.count <= 4, offsetText.allSatisfy(isDigit) else {
            throw .badTimeZoneOffset
        }
        let encoded = offsetText.reduce(0) { $0 * 10 + Int($1 &- zero) }
        guard encoded <= 2880 else { throw .badTimeZoneOffset }
        return (instant, encoded - 1440)
    }

    /// A signed integer without fraction (DATE days).
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) throws(CellValueError) -> Int64 {
        let (_, _, fraction) = try splitDecimal(bytes)
        guard fraction.isEmpty, bytes.last.map(isDigit) == true else { throw .notANumber }
        return try scaledInteger(bytes, scale: 0)
    }

    /// `true`/`false`/`1`/`0`, any case.
    static func boolean(_ bytes: UnsafeBufferPointer<UInt8>) throws(CellValueError) -> Bool {
        if bytes.count == 1 {
            if bytes[0] == UInt8(ascii: "1") { return true }
            if bytes[0] == UInt8(ascii: "0") { return false }
        }
        let lower = bytes.map { $0 | 0x20 }
        if lower.elementsEqual("true".utf8) { return true }
        if lower.elementsEqual("false".utf8) { return false }
        throw .notABoolean
    }

    static func hex(_ bytes: UnsafeBufferPointer<UInt8>) throws(CellValueError) -> Data {
        guard bytes.count % 2 == 0 else { throw .notHex }
        var data = Data(capacity: bytes.count / 2)
        var index = 0
        while index < bytes.count {
            guard let high = hexDigit(bytes[index]), let low = hexDigit(bytes[index + 1]) else { throw .notHex }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// FLOAT text, including `NaN`, `inf`, `-inf` (REC-030).
    static func double(_ bytes: UnsafeBufferPointer<UInt8>) throws(CellValueError) -> Double {
        let text = String(decoding: bytes, as: UTF8.self)
        switch text.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default:
            guard let value = Double(text), value.isFinite else { throw .notANumber }
            return value
        }
    }
}
