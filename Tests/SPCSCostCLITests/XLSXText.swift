import Foundation
import ZIPFoundation

/// The text of every part of an xlsx workbook, in path order (for checking what a sheet carries).
func xlsxText(_ path: String) throws -> String {
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
    var parts: [(String, String)] = []
    for entry in archive {
        var bytes = Data()
        _ = try archive.extract(entry) { bytes.append($0) }
        parts.append((entry.path, String(decoding: bytes, as: UTF8.self)))
    }
    return parts.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: "\n")
}
