import ArgumentParser
import Foundation
import Logging

/// `-v/--verbose` and `--debug`: what a command is doing, on standard error through swift-log. Quiet by default
/// (warnings only). Messages carry names, paths, counts and timings, never a secret: connection values are logged by
/// key and source, secrets not at all.
struct LoggingOptions: ParsableArguments {
    @Flag(name: [.customShort("v"), .long], help: "Say what the command is doing on standard error: files, connection, statements, rows, timings.")
    var verbose = false

    @Flag(help: "As --verbose, with more detail (each value's source, each statement's handle).")
    var debug = false

    /// The log level: `.debug` with `--debug`, `.info` with `--verbose`, else `.warning`.
    var level: Logger.Level { debug ? .debug : verbose ? .info : .warning }

    /// A logger writing `spcs-cost: LEVEL: message` lines to standard error at ``level``.
    func logger() -> Logger {
        var logger = Logger(label: "spcs-cost") { _ in StandardErrorLines() }
        logger.logLevel = level
        return logger
    }
}

/// A swift-log handler writing one plain line per message to standard error (`spcs-cost: info: ...`), without
/// timestamps, so a cron log stays readable and tests can compare lines.
struct StandardErrorLines: LogHandler {
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        FileHandle.standardError.write(Data("spcs-cost: \(event.level): \(event.message)\n".utf8))
    }
}

/// A progress line on standard error when it is a terminal (rewritten in place), nothing otherwise.
enum Progress {
    /// True when standard error is a terminal.
    static var enabled: Bool { isatty(STDERR_FILENO) == 1 }

    /// Shows `line` in place of the previous one.
    static func show(_ line: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }

    /// Clears the line.
    static func clear() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
