import Foundation
import SPCSCostStore
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// `import` of CSVs saved in other locales, `-` for standard input, and a `--cache` in a folder that does not exist.
@Suite struct ImportLocaleTests {
    /// A semicolon-separated file with decimal commas, as a German or French spreadsheet saves it.
    static let semicolonCSV = """
        START_TIME;END_TIME;COMPUTE_POOL_NAME;CREDITS_USED
        2024-04-01 09:00:00.000 +0000;2024-04-01 10:00:00.000 +0000;JUPYTER_POOL;0,11
        2024-04-01 10:00:00.000 +0000;2024-04-01 11:00:00.000 +0000;JUPYTER_POOL;0,055

        """

    func write(_ text: String, in dir: TemporaryDirectory, as name: String = "usage.csv") throws -> String {
        let path = dir.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aSemicolonFileNamesTheOption() async throws {
        let dir = try TemporaryDirectory()
        let csv = try write(Self.semicolonCSV, in: dir)
        do {
            _ = try await run(["import", csv, "--cache", dir.path("cache.sqlite")])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("separated by ';'; the file was saved in another locale: pass --delimiter ';' (and --decimal-separator ',' if its numbers are written 0,5)"))
            #expect(ExitStatus.code(for: error) == 65)
        }
    }

    @Test func delimiterAndDecimalSeparatorReadIt() async throws {
        let dir = try TemporaryDirectory()
        let csv = try write(Self.semicolonCSV, in: dir)
        let out = try await run(["import", csv, "--delimiter", ";", "--decimal-separator", ",", "--cache", dir.path("cache.sqlite")])
        #expect(out.stdout.contains("Imported 2 hourly rows"))
        let cache = try UsageCache(.path(dir.path("cache.sqlite")))
        let rows = try cache.records()
        // 0,11 + 0,055 = 0.165 credits = 165,000,000 nano-credits, exact.
        #expect(rows.map(\.creditsUsed.value).reduce(0, +) == 165_000_000)
    }

    @Test func aPointWithDecimalCommasIsRefused() async throws {
        let dir = try TemporaryDirectory()
        let csv = try write(Self.semicolonCSV.replacingOccurrences(of: "0,055", with: "1.000,5"), in: dir)
        do {
            _ = try await run(["import", csv, "--delimiter", ";", "--decimal-separator", ",", "--cache", dir.path("cache.sqlite")])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "\(csv) line 3: CREDITS_USED '1.000,5' has a '.' while --decimal-separator is ','; write the number without thousands separators")
        }
    }

    @Test func sameDelimiterAndSeparatorIsAUsageError() async throws {
        do {
            _ = try await run(["import", "x.csv", "--decimal-separator", ","])
            Issue.record("expected an error")
        } catch {
            #expect(ExitStatus.code(for: error) == 64)
        }
    }

    @Test func aCacheInAMissingFolderNeedsCreate() async throws {
        let dir = try TemporaryDirectory()
        let csv = Repository.fixture("snowsight/jupyterlab-april-2024.csv").path
        let cache = dir.path("typo/nested/cache.sqlite")
        do {
            _ = try await run(["import", csv, "--cache", cache])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("its folder \(dir.path("typo/nested")) does not exist; check the path, or pass --create to create it"))
            #expect(ExitStatus.code(for: error) == 66)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("typo")))
        let out = try await run(["import", csv, "--cache", cache, "--create"])
        #expect(out.stdout.contains("Imported 210 hourly rows"))
    }

    @Test(.enabled(if: SpcsCostExecutable.path != nil, "needs the built spcs-cost"))
    func importDashReadsStandardInput() throws {
        let dir = try TemporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: SpcsCostExecutable.path!)
        process.arguments = ["import", "-", "--cache", dir.path("cache.sqlite")]
        process.environment = ["HOME": dir.url.path, "PATH": "/usr/bin:/bin"]
        process.standardInput = FileHandle(forReadingAtPath: Repository.fixture("snowsight/jupyterlab-april-2024.csv").path)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(text.hasPrefix("Imported 210 hourly rows from standard input"))
    }
}
