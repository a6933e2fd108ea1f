import Foundation

/// `cms-fuzz <harness> [libFuzzer arguments | files]` — the libFuzzer harnesses of docs/security.md.
///
/// Built with `-DFUZZING` and `--sanitize fuzzer --sanitize address` (scripts/fuzz.sh), `main` hands
/// the remaining arguments to libFuzzer's driver (`LLVMFuzzerRunDriver`), so libFuzzer's own `main` is not
/// needed and SwiftPM's usual executable linking works. In the normal build (no libFuzzer runtime) it replays
/// the given files or folders through the harness once each, so a corpus can be checked without sanitizers.
@main
struct FuzzMain {
    static func main() {
        var arguments = CommandLine.arguments
        guard arguments.count >= 2, let harness = Harness(rawValue: arguments[1]) else {
            let names = Harness.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: cms-fuzz <\(names)> [corpus folders | files | -flags]\n".utf8))
            exit(2)
        }
        arguments.remove(at: 1)
        FuzzTarget.harness = harness
        #if FUZZING
        exit(runLibFuzzer(arguments))
        #else
        exit(replay(arguments.dropFirst().filter { !$0.hasPrefix("-") }, harness))
        #endif
    }

    /// Runs every file (folders: every file in them) through `harness` once; returns the exit status.
    static func replay(_ paths: [String], _ harness: Harness) -> Int32 {
        var count = 0
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("cms-fuzz: no such file or folder: \(path)\n".utf8))
                return 2
            }
            let files = isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                harness.run(Array(data))
                count += 1
            }
        }
        print("cms-fuzz \(harness.rawValue): replayed \(count) inputs, no finding")
        return 0
    }
}

/// The harness libFuzzer's callback runs; set once in `main` before the driver starts (single-threaded).
enum FuzzTarget {
    nonisolated(unsafe) static var harness: Harness = .yaml
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

func runLibFuzzer(_ arguments: [String]) -> Int32 {
    var argc = Int32(arguments.count)
    let cStrings = arguments.map { strdup($0) } + [nil]
    let argvBuffer = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: cStrings.count)
    argvBuffer.initialize(from: cStrings, count: cStrings.count)
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argvBuffer
    return withUnsafeMutablePointer(to: &argv) { argvPointer in
        LLVMFuzzerRunDriver(&argc, argvPointer) { data, size in
            let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
            FuzzTarget.harness.run(bytes)
            return 0
        }
    }
}
#endif
