import Foundation

/// A `cms … --watch` run in the background, its standard output read as it grows (a file, read by the test): the test
/// waits for what it expects to appear (a condition with a generous deadline, never a fixed sleep), changes the
/// server's answer, waits again, then stops the process it started.
final class WatchedProcess: @unchecked Sendable {
    private let process = Process()
    private let folder: URL
    private let outURL: URL
    private let errURL: URL
    private let exit = NSCondition()
    private var status: Int32?

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cms-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        outURL = folder.appendingPathComponent("stdout")
        errURL = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = arguments
        var env = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        process.terminationHandler = { [exit] ended in
            exit.lock()
            self.status = ended.terminationStatus
            exit.broadcast()
            exit.unlock()
        }
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var stdout: String { String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self) }
    var stderr: String { String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self) }

    /// The exit status once the process ended by itself, nil while it runs.
    var exitStatus: Int32? {
        exit.lock()
        defer { exit.unlock() }
        return status
    }

    /// Waits (up to `seconds`, generous: the machine may be loaded) until `condition` holds for the output so far.
    func waitFor(seconds: Double = 120, _ condition: (String) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(stdout) { return true }
            if exitStatus != nil { return condition(stdout) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(stdout)
    }

    /// Waits (up to `seconds`) for the process to end by itself; its status, nil if it did not.
    func waitForExit(seconds: Double = 120) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return exitStatus
    }

    /// Stops the process (SIGTERM, as Ctrl-C would end a watch) and waits for it to end.
    func stop() async {
        if process.isRunning { process.terminate() }
        _ = await waitForExit(seconds: 60)
    }
}
