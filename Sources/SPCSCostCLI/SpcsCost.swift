import ArgumentParser
import Foundation
import SPCSCostKit
import SPCSCostReports

/// The `spcs-cost` root command.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct SpcsCost: AsyncParsableCommand {
    /// spcs-cost's version, printed by `--version` and stamped on reports.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "spcs-cost",
        abstract: "What Snowflake SPCS compute pools will cost, did cost, and what a schedule saves.",
        discussion: """
            Exit codes:
              0   success
              10  nightly: budget exceeded
              11  nightly: variance over the threshold
              12  nightly: stale data
              13  pull, nightly: some of several accounts failed (the others' data is written)
              64  usage: a flag or its value
              65  bad input data: a CSV, pools, setup SQL, holiday or FX file, a pulled row
              66  an input file or the cache is missing or unreadable
              69  Snowflake unreachable, failing after the retries, or past the pull's deadline
              70  internal error
              73  an output file cannot be written
              74  the cache cannot be read or written
              75  another nightly run holds the lock
              77  Snowflake refused the credentials
              78  the Snowflake connection configuration, spcs-cost's config.toml or an SPCS_COST_* variable is wrong
            """,
        version: "spcs-cost \(version)",
        subcommands: [EstimateCommand.self, ImportCommand.self, PullCommand.self, ConnectionCommand.self, ReportCommand.self, ReconcileCommand.self, WhatIfCommand.self, AdviseCommand.self, NightlyCommand.self, ScheduleCommand.self, DemoCommand.self, ExportCommand.self, ConfigCommand.self])

    public init() {}

    /// Every instance family of the bundled rate cards, sorted: what `--family` completes to in bash, zsh and fish.
    static let instanceFamilies: [String] = {
        guard let catalog = try? BundledCatalog.load() else { return [] }
        return Set(catalog.rateCards.flatMap { $0.rates.map(\.family.name) }).sorted()
    }()
}

/// What a command produced: text for standard output and standard error. Standard output is either text or a
/// stream (``streamed(stderr:_:)``): bytes written straight to the process's standard output as a writer makes
/// them, so printing a document of a million rows does not hold its text in memory.
public struct CommandOutput: Sendable, Equatable {
    private var text = ""
    /// Writes standard output's bytes into a sink; nil when standard output is ``stdout``'s text.
    private var stream: (@Sendable (ByteSink) throws -> Void)?

    /// Text for standard output. For a streamed output, the stream made in memory (for tests and for commands that
    /// print another command's output); bytes written before an error of the stream, when it has one (`run()`
    /// reports that error).
    public var stdout: String {
        get {
            guard let stream else { return text }
            let sink = ByteSink()
            try? stream(sink)
            return String(decoding: (try? sink.finish()) ?? [], as: UTF8.self)
        }
        set {
            text = newValue
            stream = nil
        }
    }
    /// Text for standard error (warnings, progress).
    public var stderr: String = ""

    /// Creates output.
    public init(stdout: String = "", stderr: String = "") {
        self.text = stdout
        self.stderr = stderr
    }

    /// Output whose standard output `body` writes into a sink, printed as it is made.
    /// - Parameter body: writes the bytes; throws what stops it (printed as the command's error, after the bytes
    ///   already written).
    public static func streamed(stderr: String, _ body: @escaping @Sendable (ByteSink) throws -> Void) -> CommandOutput {
        var out = CommandOutput(stderr: stderr)
        out.stream = body
        return out
    }

    /// Writes standard output to `sink` (the text, or the stream).
    /// - Throws: what the stream throws.
    func writeStdout(to sink: ByteSink) throws {
        if let stream { try stream(sink) } else { sink.write(text) }
    }

    /// Equal when both print the same text.
    public static func == (a: CommandOutput, b: CommandOutput) -> Bool { a.stdout == b.stdout && a.stderr == b.stderr }
}

/// A subcommand whose work is a function of its parsed options and an ``Environment``, so tests run it in-process
/// with a fixed clock; `run()` wires the live environment and prints.
protocol EnvironmentCommand: AsyncParsableCommand {
    /// Does the command's work and returns what to print.
    func execute(in env: Environment) async throws -> CommandOutput
}

extension EnvironmentCommand {
    public mutating func run() async throws {
        do {
            let env = try Environment.live()
            let out = try await execute(in: env)
            FileHandle.standardError.write(Data(out.stderr.utf8))
            let sink = ByteSink { try FileHandle.standardOutput.write(contentsOf: Data($0)) }
            try out.writeStdout(to: sink)
            _ = try sink.finish()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(ExitStatus.code(for: error))
        }
    }
}
