import Foundation

/// Where the SQLite usage cache lives.
public enum CacheLocation: Sendable, Equatable {
    /// A file at this path (created with its folder when missing).
    case path(String)
    /// An in-memory database, gone when the cache is closed (tests and dry runs).
    case memory

    /// The default file: `$XDG_DATA_HOME/spcs-cost/cache.sqlite`, or `~/.local/share/spcs-cost/cache.sqlite` when
    /// `XDG_DATA_HOME` is unset or empty (XDG Base Directory Specification).
    /// - Parameters:
    ///   - environment: the process environment (injected).
    ///   - homeDirectory: the user's home directory (injected).
    public static func defaultPath(environment: [String: String], homeDirectory: String) -> CacheLocation {
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            base = xdg
        } else {
            base = (homeDirectory as NSString).appendingPathComponent(".local/share")
        }
        return .path((base as NSString).appendingPathComponent("spcs-cost/cache.sqlite"))
    }
}
