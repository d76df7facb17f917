import ArgumentParser
import Foundation
import SPCSCostTestSupport
import Testing

@testable import SPCSCostCLI

/// What an installed spcs-cost shows: its version, completions with files and instance families, and a demo whose
/// bundled inputs are the repository's fixtures.
@Suite struct InstallAndCompletionTests {
    @Test func versionNamesTheProgram() {
        do {
            _ = try SpcsCost.parseAsRoot(["--version"])
            Issue.record("expected --version to exit")
        } catch {
            #expect(SpcsCost.message(for: error) == "spcs-cost \(SpcsCost.version)")
        }
    }

    @Test(arguments: [CompletionShell.bash, .zsh, .fish])
    func completionsOfferFamiliesAndFiles(shell: CompletionShell) {
        let script = SpcsCost.completionScript(for: shell)
        #expect(SpcsCost.instanceFamilies.contains("CPU_X64_XS"))
        #expect(SpcsCost.instanceFamilies.contains("GPU_NV_S"))
        #expect(script.contains("CPU_X64_XS"))
        #expect(script.contains("toml"))
    }

    @Test(arguments: ["snowsight/jupyterlab-april-2024.csv", "pools/jupyterlab-april-2024.toml"])
    func bundledDemoInputsAreTheFixtures(file: String) throws {
        let bundled = try Data(contentsOf: URL(fileURLWithPath: try DemoCommand.bundledInputs() + "/Fixtures/" + file))
        let fixture = try Data(contentsOf: Repository.fixture(file))
        #expect(bundled == fixture, "Sources/SPCSCostCLI/Resources/demo/Fixtures/\(file) differs from Fixtures/\(file); copy it again")
    }
}
