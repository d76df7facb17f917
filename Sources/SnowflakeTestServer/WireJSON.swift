import Foundation

/// JSON rendered the way Snowflake's Jackson writer lays out first responses (REC-026, REC-055):
/// `"key" : value`, two-space indent, arrays as `[ a, b ]`, and `raw` fragments inserted verbatim.
indirect enum WireJSON {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([WireJSON])
    case object([(String, WireJSON)])
    /// Pre-rendered JSON text (the `data` rows).
    case raw(String)

    static func optional(_ value: Int?) -> WireJSON { value.map(WireJSON.int) ?? .null }

    func pretty(level: Int = 0) -> String {
        let pad = String(repeating: "  ", count: level + 1)
        switch self {
        case let .object(members):
            if members.isEmpty { return "{ }" }
            let inner = members.map { "\(pad)\(WireJSON.quote($0.0)) : \($0.1.pretty(level: level + 1))" }
            return "{\n" + inner.joined(separator: ",\n") + "\n" + String(repeating: "  ", count: level) + "}"
        case let .array(items):
            if items.isEmpty { return "[ ]" }
            return "[ " + items.map { $0.pretty(level: level) }.joined(separator: ", ") + " ]"
        default:
            return compact()
        }
    }

    func compact() -> String {
        switch self {
        case let .string(text): return WireJSON.quote(text)
        case let .int(value): return String(value)
        case let .bool(value): return value ? "true" : "false"
        case .null: return "null"
        case let .array(items): return "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
        case let .object(members):
            return "{" + members.map { "\(WireJSON.quote($0.0)):\($0.1.compact())" }.joined(separator: ",") + "}"
        case let .raw(text): return text
        }
    }

    /// A JSON string literal; non-ASCII UTF-8 is kept as is, control characters are escaped.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// One row of cells as compact JSON: strings or null.
    static func row(_ cells: [String?]) -> String {
        "[" + cells.map { $0.map(quote) ?? "null" }.joined(separator: ",") + "]"
    }
}
