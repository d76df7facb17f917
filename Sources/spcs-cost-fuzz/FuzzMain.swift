import Foundation
import SPCSCostFuzzing

#if SPCS_FUZZ
/// libFuzzer's driver (compiler-rt `FuzzerInterface.h`), linked from `libclang_rt.fuzzer_no_main` by `Fuzz/run.sh`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The target libFuzzer drives; set once before the driver starts.
nonisolated(unsafe) var selectedTarget = FuzzTarget.toml
#endif

/// `spcs-cost-fuzz TARGET [INPUT...]`.
///
/// Built by `Fuzz/run.sh` (with `-D SPCS_FUZZ` and libFuzzer's coverage instrumentation), the arguments after the
/// target are libFuzzer's (`-max_total_time=60 CORPUS SEEDS...`). Built plainly (`swift build`), it replays the
/// given files, or every file of the given folders, through the target and prints how many it ran: a crash
/// reproduces with its backtrace.
@main
struct FuzzMain {
    static func main() {
        var arguments = CommandLine.arguments
        #if SPCS_FUZZ
        // libFuzzer's -jobs re-runs this program with its own flags only: the target travels in the environment.
        if arguments.count < 2 || FuzzTarget(rawValue: arguments[1]) == nil,
           let name = ProcessInfo.processInfo.environment["SPCS_FUZZ_TARGET"] {
            arguments.insert(name, at: 1)
        }
        #endif
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("usage: spcs-cost-fuzz TARGET [INPUT...]; targets: \(names)\n".utf8))
            exit(64)
        }
        #if SPCS_FUZZ
        selectedTarget = target
        setenv("SPCS_FUZZ_TARGET", target.rawValue, 1)
        // libFuzzer reads argv[0] and its own flags: the target name is left out.
        let forwarded = [arguments[0]] + arguments.dropFirst(2)
        var cStrings: [UnsafeMutablePointer<CChar>?] = forwarded.map { strdup($0) } + [nil]
        var argc = CInt(forwarded.count)
        cStrings.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress!
            exit(LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in
                selectedTarget.run(count == 0 || bytes == nil ? Data() : Data(bytes: bytes!, count: count))
                return 0
            })
        }
        #else
        var count = 0
        for path in arguments.dropFirst(2) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("spcs-cost-fuzz: \(path) does not exist\n".utf8))
                exit(66)
            }
            let files = isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                target.run(data)
                count += 1
            }
        }
        print("\(target.rawValue): \(count) input\(count == 1 ? "" : "s") ran without a crash")
        #endif
    }
}
