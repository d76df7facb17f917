import ArgumentParser
import Foundation
import SPCSCostKit

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

/// What a command produced: text for standard output and standard error.
public struct CommandOutput: Sendable, Equatable {
    /// Text for standard output.
    public var stdout: String = ""
    /// Text for standard error (warnings, progress).
    public var stderr: String = ""

    /// Creates output.
    public init(stdout: String = "", stderr: String = "") {
        self.stdout = stdout
        self.stderr = stderr
    }
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
            FileHandle.standardOutput.write(Data(out.stdout.utf8))
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(ExitStatus.code(for: error))
        }
    }
}
