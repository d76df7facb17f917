import Foundation

/// Deterministic JSON text: sorted keys, two-space indentation, no escaped slashes, a final newline.
public enum JSONText {
    /// Encodes `value`; encoding our own plain value types cannot fail.
    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // The report value types hold only strings, numbers, arrays and optionals.
        let data = try! encoder.encode(value)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
