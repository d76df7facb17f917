import Foundation
import SPCSCostTestSupport
import Testing

/// The progress line shows on a terminal only (a pseudo-terminal made by `script -q`), and `-v` logs say what import
/// did, on standard error, never on standard output.
@Suite(.enabled(if: SpcsCostExecutable.path != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"),
                "needs the built spcs-cost and script(1)"))
struct ProgressAndLogTests {
    static let fixture = Repository.fixture("snowsight/jupyterlab-april-2024.csv").path

    /// Runs `arguments` with standard error on `stderrPath` (a file) or, when nil, on a pseudo-terminal whose
    /// transcript is returned.
    func run(_ arguments: [String], terminal: Bool) throws -> (status: Int32, stderr: String) {
        let dir = try TemporaryDirectory()
        let command = ([SpcsCostExecutable.path!] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.environment = ["HOME": dir.url.path, "PATH": "/usr/bin:/bin"]
        if terminal {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-q", "-c", command + " >/dev/null", dir.path("transcript")]
            process.standardOutput = FileHandle.nullDevice
        } else {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command + " >/dev/null 2>'\(dir.path("transcript"))'"]
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: dir.path("transcript"), encoding: .utf8)) ?? "")
    }

    @Test func importShowsProgressOnATerminal() throws {
        let dir = try TemporaryDirectory()
        let out = try run(["import", Self.fixture, "--cache", dir.path("c.sqlite")], terminal: true)
        #expect(out.status == 0)
        #expect(out.stderr.contains("\r\u{1B}[Kparsing and loading \(Self.fixture) (0 MiB) into the cache..."))
    }

    @Test func importIsQuietWithoutATerminal() throws {
        let dir = try TemporaryDirectory()
        let out = try run(["import", Self.fixture, "--cache", dir.path("c.sqlite")], terminal: false)
        #expect(out.status == 0)
        #expect(out.stderr == "")
    }

    /// `report` shows what it is doing (reading and pricing, then each format) on a terminal only.
    @Test func reportShowsProgressOnATerminalOnly() throws {
        let dir = try TemporaryDirectory()
        let cache = dir.path("c.sqlite")
        #expect(try run(["import", Self.fixture, "--cache", cache], terminal: false).status == 0)
        let args = ["report", "--from", "2024-04-01", "--to", "2024-04-30", "--family", "CPU_X64_XS", "--cache", cache,
                    "--out", dir.path("r"), "--format", "csv,json"]
        let shown = try run(args, terminal: true)
        #expect(shown.status == 0)
        #expect(shown.stderr.contains("\r\u{1B}[Kreading and pricing 2024-04-01 to 2024-04-30 from \(cache)..."))
        #expect(shown.stderr.contains("\r\u{1B}[Kwriting the csv report into \(dir.path("r")) (1 pool, 30 days)..."))
        #expect(shown.stderr.contains("\r\u{1B}[Kwriting the json report into "))
        let quiet = try run(args, terminal: false)
        #expect(quiet.status == 0)
        #expect(!quiet.stderr.contains("\u{1B}[K") && !quiet.stderr.contains("writing the"))
    }

    @Test func verboseSaysWhatImportDid() throws {
        let dir = try TemporaryDirectory()
        let out = try run(["import", Self.fixture, "--cache", dir.path("c.sqlite"), "-v"], terminal: false)
        #expect(out.stderr.contains("spcs-cost: info: read \(Self.fixture): 20903 bytes; delimiter ',', decimal separator '.'\n"))
        #expect(out.stderr.contains("spcs-cost: info: cache \(dir.path("c.sqlite"))\n"))
        #expect(out.stderr.contains("spcs-cost: info: imported 210 rows in "))
    }
}
