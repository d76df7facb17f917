import Foundation

/// Reads holiday lists: dates on which scheduled tasks do not fire.
///
/// Two shapes are read:
/// - CSV or plain text: one date (`YYYY-MM-DD`) at the start of each line, optionally followed by `,` and a name;
///   a header line whose first cell is not a date (such as `date,name`), blank lines and `#` comments are skipped.
/// - iCalendar (RFC 5545, as calendar apps export them): every `DTSTART` of a `VEVENT`, in the forms
///   `DTSTART;VALUE=DATE:20240429` and `DTSTART:20240429T000000`; a `RRULE` is not expanded and is reported.
public enum Holidays {
    /// A problem with a holiday file, naming the line.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        /// File name as given.
        public let file: String
        /// 1-based line.
        public let line: Int
        /// What is wrong and the fix.
        public let reason: String
        public var description: String { "\(file) line \(line): \(reason)" }
    }

    /// The dates in `text`, and notes for what was not used (repeating events).
    /// - Throws: ``ParseError`` for a line that should hold a date and does not.
    public static func parse(_ text: String, file: String) throws(ParseError) -> (dates: Set<CivilDate>, notes: [String]) {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        if lines.contains(where: { $0.trimmingCharacters(in: .whitespaces).uppercased() == "BEGIN:VCALENDAR" }) {
            return try parseICalendar(lines.map(String.init), file: file)
        }
        var dates = Set<CivilDate>()
        var sawContent = false
        for (i, raw) in lines.enumerated() {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if i == 0, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            defer { sawContent = true }
            let first = line.split(separator: ",", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            } ?? ""
            if let d = CivilDate(first) {
                dates.insert(d)
            } else if !sawContent {
                continue  // a header line such as "date,name"
            } else {
                throw ParseError(file: file, line: i + 1, reason: "'\(first)' is not a date; write one YYYY-MM-DD date per line")
            }
        }
        return (dates, [])
    }

    static func parseICalendar(_ lines: [String], file: String) throws(ParseError) -> (dates: Set<CivilDate>, notes: [String]) {
        var dates = Set<CivilDate>()
        var notes: [String] = []
        var inEvent = false
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let upper = line.uppercased()
            if upper == "BEGIN:VEVENT" { inEvent = true; continue }
            if upper == "END:VEVENT" { inEvent = false; continue }
            guard inEvent else { continue }
            if upper.hasPrefix("RRULE") {
                notes.append("\(file) line \(i + 1): a repeating event (RRULE) is not expanded; only its first date is used.")
            }
            guard upper.hasPrefix("DTSTART"), let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...]
            let digits = value.prefix(8)
            guard digits.count == 8, digits.allSatisfy(\.isNumber),
                  let d = CivilDate(year: Int(digits.prefix(4))!, month: Int(digits.dropFirst(4).prefix(2))!,
                                    day: Int(digits.suffix(2))!) else {
                throw ParseError(file: file, line: i + 1, reason: "DTSTART '\(value)' is not a date such as 20240429")
            }
            dates.insert(d)
        }
        return (dates, notes)
    }
}
