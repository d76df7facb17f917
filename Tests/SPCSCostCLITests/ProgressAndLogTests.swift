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

    @Test func verboseSaysWhatImportDid() throws {
        let dir = try TemporaryDirectory()
        let out = try run(["import", Self.fixture, "--cache", dir.path("c.sqlite"), "-v"], terminal: false)
        #expect(out.stderr.contains("spcs-cost: info: read \(Self.fixture): 20903 bytes; delimiter ',', decimal separator '.'\n"))
        #expect(out.stderr.contains("spcs-cost: info: cache \(dir.path("c.sqlite"))\n"))
        #expect(out.stderr.contains("spcs-cost: info: imported 210 rows in "))
    }
}
