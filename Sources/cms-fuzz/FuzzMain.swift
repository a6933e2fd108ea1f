import Foundation

/// `cms-fuzz <harness> [libFuzzer arguments | files]` — the libFuzzer harnesses of docs/security.md.
///
/// Built with `-DFUZZING` and `--sanitize fuzzer --sanitize address` (scripts/fuzz.sh), the binary's `main` is
/// libFuzzer's (its runtime archive defines one, so this file must not): `LLVMFuzzerInitialize` takes the
/// harness name off the arguments and `LLVMFuzzerTestOneInput` runs it. In the normal build (no libFuzzer
/// runtime) `main` below replays the given files or folders through the harness once each, so a corpus can
/// be checked without sanitizers.
enum FuzzTarget {
    /// Set once by `LLVMFuzzerInitialize` or the replay `main`, before any input runs (single-threaded).
    nonisolated(unsafe) static var harness: Harness = .yaml

    static func usage() -> Never {
        let names = Harness.allCases.map(\.rawValue).joined(separator: "|")
        FileHandle.standardError.write(Data("usage: cms-fuzz <\(names)> [corpus folders | files | -flags]\n".utf8))
        exit(2)
    }
}

#if FUZZING
/// libFuzzer calls this once with its argc/argv: the first argument names the harness; it is removed so
/// libFuzzer sees only its own flags and corpus folders.
@_cdecl("LLVMFuzzerInitialize")
func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> Int32 {
    let count = Int(argc.pointee)
    let arguments = argv.pointee
    guard count >= 2, let name = arguments[1].map({ String(cString: $0) }), let harness = Harness(rawValue: name)
    else { FuzzTarget.usage() }
    FuzzTarget.harness = harness
    for index in 1..<count { arguments[index] = arguments[index + 1] }  // argv[argc] is NULL
    argc.pointee -= 1
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    FuzzTarget.harness.run(bytes)
    return 0
}
#else
@main
struct FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2, let harness = Harness(rawValue: arguments[1]) else { FuzzTarget.usage() }
        FuzzTarget.harness = harness
        exit(replay(arguments.dropFirst(2).filter { !$0.hasPrefix("-") }, harness))
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
#endif
