import Foundation
import Testing

/// Paths of the repository's committed test inputs and golden files.
public enum Repository {
    /// The repository's root folder (found from this file's path, so tests do not depend on the working folder).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file under `Fixtures/`.
    public static func fixture(_ relative: String) -> URL {
        root.appendingPathComponent("Fixtures").appendingPathComponent(relative)
    }
}

/// A fresh temporary folder, removed when the value is deinitialised.
public final class TemporaryDirectory: @unchecked Sendable {
    /// The folder.
    public let url: URL

    /// Creates the folder under the system's temporary folder.
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("spcs-cost-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Compares `actual` with the golden file `Tests/<target>/Snapshots/<name>`; with `RECORD_SNAPSHOTS=1` in the
/// environment, writes the golden file instead (and the test still fails, so a recording is never a pass).
public func assertSnapshot(_ actual: String, named name: String, filePath: String = #filePath,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let dir = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = dir.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? Data(actual.utf8).write(to: file)
        Issue.record("recorded snapshot \(name); run again without RECORD_SNAPSHOTS", sourceLocation: sourceLocation)
        return
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        Issue.record("missing snapshot \(file.path); run with RECORD_SNAPSHOTS=1 to record it",
                     sourceLocation: sourceLocation)
        return
    }
    if expected != actual {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let i = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
        let exp = i < e.count ? String(e[i]) : "<end>"
        let act = i < a.count ? String(a[i]) : "<end>"
        Issue.record("snapshot \(name) differs at line \(i + 1):\n  expected: \(exp)\n  actual:   \(act)",
                     sourceLocation: sourceLocation)
    }
}

/// Writes `home/sf/connections.toml` (mode 0600) with one key-pair connection, `name`, for `account` to the project's
/// SQL API test server on 127.0.0.1:`port` over plain HTTP, and a copy of the test private key `test_rsa_key.p8` from
/// `keys` as `home/rsa_key.p8` (mode 0600, as spcs-cost requires of a key file). Point `SNOWFLAKE_HOME` at
/// `home.path("sf")`.
/// - Throws: what the file system throws.
public func writeLoopbackConnection(in home: TemporaryDirectory, port: Int, keys: URL, name: String = "test",
                                    account: String = "myorg-myaccount") throws {
    let key = home.path("rsa_key.p8")
    try FileManager.default.copyItem(atPath: keys.appendingPathComponent("test_rsa_key.p8").path, toPath: key)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
    let toml = """
        [\(name)]
        account = "\(account)"
        user = "spcs_cost"
        authenticator = "SNOWFLAKE_JWT"
        private_key_file = "\(key)"
        host = "127.0.0.1"
        port = \(port)
        protocol = "http"
        """
    try FileManager.default.createDirectory(atPath: home.path("sf"), withIntermediateDirectories: true)
    try Data(toml.utf8).write(to: URL(fileURLWithPath: home.path("sf/connections.toml")))
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home.path("sf/connections.toml"))
}
