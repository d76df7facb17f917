import Foundation

/// Reads timestamps as Snowflake and spreadsheets print them.
///
/// Accepted shapes (date `YYYY-MM-DD`, then `T` or one space, then `HH:MM[:SS[.fraction]]`, then an optional offset):
/// - Snowsight exports: `2024-04-09 10:00:00.000 -0700` (offset after a space, `±HHMM` or `±HH:MM`);
/// - ISO 8601: `2024-04-09T10:00:00-07:00`, `2024-04-09T17:00:00Z`, `2024-04-09T17:00:00.5+09:00`.
/// Without an offset the text is a wall time, and a time zone must say which instant it is.
public enum TimestampText {
    /// The result of reading a timestamp: an instant (the text had an offset) or a wall time (it had none).
    public enum Reading: Equatable, Sendable {
        /// A UTC instant and the offset the text carried, in seconds east of UTC.
        case instant(Date, offsetSeconds: Int)
        /// A wall time with no zone; the caller resolves it with a time zone.
        case wallTime(LocalDateTime, fractionalSecond: Decimal)
    }

    /// Why a timestamp text could not be read; the text is quoted in the message.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The text as given.
        public let text: String
        /// What is wrong with it.
        public let reason: String
        public var description: String {
            "'\(text)' is not a timestamp (\(reason)); write it as 2024-04-09 10:00:00.000 -0700 or "
                + "2024-04-09T10:00:00-07:00"
        }
    }

    /// Reads `text`.
    /// - Throws: ``ParseError`` when the text has another shape or an impossible date or time.
    public static func read(_ text: String) throws(ParseError) -> Reading {
        let t = text.trimmingCharacters(in: .whitespaces)
        let chars = Array(t.utf8)
        var i = 0
        func fail(_ reason: String) -> ParseError { ParseError(text: text, reason: reason) }
        func digits(_ n: Int) -> Int? {
            guard i + n <= chars.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = chars[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < chars.count, chars[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = digits(4), expect(UInt8(ascii: "-")), let mo = digits(2), expect(UInt8(ascii: "-")),
              let d = digits(2) else { throw fail("the date must be YYYY-MM-DD") }
        guard let date = CivilDate(year: y, month: mo, day: d) else { throw fail("there is no such date") }
        guard i < chars.count, chars[i] == UInt8(ascii: "T") || chars[i] == UInt8(ascii: " ") else {
            throw fail("a time must follow the date")
        }
        i += 1
        while i < chars.count, chars[i] == UInt8(ascii: " ") { i += 1 }
        guard let h = digits(2), expect(UInt8(ascii: ":")), let mi = digits(2) else {
            throw fail("the time must be HH:MM:SS")
        }
        var s = 0
        var fraction: Decimal = 0
        if expect(UInt8(ascii: ":")) {
            guard let sec = digits(2) else { throw fail("the seconds must be two digits") }
            s = sec
            if expect(UInt8(ascii: ".")) {
                let start = i
                while i < chars.count, chars[i] >= 48, chars[i] <= 57 { i += 1 }
                guard i > start else { throw fail("a fraction of a second needs digits") }
                fraction = ExactDecimal.parse("0." + String(decoding: chars[start..<i], as: UTF8.self)) ?? 0
            }
        }
        guard h < 24, mi < 60, s < 60 else { throw fail("the time of day is out of range") }
        let wall = LocalDateTime(date: date, hour: h, minute: mi, second: s)
        while i < chars.count, chars[i] == UInt8(ascii: " ") { i += 1 }
        if i == chars.count { return .wallTime(wall, fractionalSecond: fraction) }
        var offset = 0
        if chars[i] == UInt8(ascii: "Z") || chars[i] == UInt8(ascii: "z") {
            i += 1
        } else if chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") {
            let sign = chars[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2) else { throw fail("the offset must be ±HHMM or ±HH:MM") }
            _ = expect(UInt8(ascii: ":"))
            guard let om = digits(2), oh <= 18, om < 60 else { throw fail("the offset must be ±HHMM or ±HH:MM") }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            throw fail("unexpected text after the time")
        }
        guard i == chars.count else { throw fail("unexpected text after the offset") }
        let seconds = Decimal(wall.secondsAsIfUTC - Int64(offset)) + fraction
        return .instant(Date(timeIntervalSince1970: NSDecimalNumber(decimal: seconds).doubleValue),
                        offsetSeconds: offset)
    }
}
