import Foundation
import SPCSCostFuzzing
import SPCSCostTestSupport
import Testing

/// Every input a fuzz run ever crashed on (`Fixtures/fuzz-regressions/<target>/`), and every seed, runs through its
/// target again: the test fails by crashing, as the fuzz run did.
struct FuzzRegressionTests {
    static func files(_ folder: String) -> [URL] {
        let url = Repository.root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { url.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func savedCrashesAndSeedsRunCleanly(_ target: FuzzTarget) throws {
        let inputs = Self.files("Fixtures/fuzz-regressions/\(target.rawValue)")
            + target.seedFolders.flatMap { Self.files($0) }
        #expect(!inputs.isEmpty)
        for url in inputs { target.run(try Data(contentsOf: url)) }
    }
}
