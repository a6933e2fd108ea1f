import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `waitpid` by this type only.
/// (Foundation's `Process` on Linux runs a monitor thread that can block in `wait4` on a long-lived
/// daemon and then never notices other children exit; the harness keeps daemons for seconds.)
final class ChildProcess: @unchecked Sendable {
    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `path` with `arguments`; stdout and stderr go to `outputPath` (or /dev/null), stdin
    /// comes from `inputPath` (or /dev/null), working directory `directory` (or ours). `environment` nil
    /// inherits ours.
    init(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil,
        outputPath: String? = nil, inputPath: String? = nil, directory: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // `env -C` changes directory then execs (Glibc's addchdir_np is not visible to Swift); the pid stays.
        let (tool, toolArguments) =
            directory.map { ("/usr/bin/env", ["-C", $0, path] + arguments) } ?? (path, arguments)
        posix_spawn_file_actions_addopen(&actions, 0, inputPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([tool] + toolArguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { env.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, tool, &actions, nil, argv, env)
        guard rc == 0 else {
            throw SpawnError(description: "cannot start \(path): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
    }

    /// Whether the process is still alive (reaps it if it has exited).
    var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus != nil { return false }
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        if rc == pid || rc < 0 {
            exitStatus = status
            return false
        }
        return true
    }

    /// Raw wait status once exited.
    var status: Int32? {
        _ = isRunning
        lock.lock()
        defer { lock.unlock() }
        return exitStatus
    }

    func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// Waits (polling) until the process exits or `timeout` passes; returns whether it exited.
    @discardableResult
    func wait(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() >= deadline { return false }
            usleep(10_000)
        }
        return true
    }

    /// Sends `signal`, waits up to 3 s, then SIGKILL, and reaps.
    func end(signal number: Int32) {
        guard isRunning else { return }
        kill(pid, number)
        if !wait(timeout: 3) {
            kill(pid, SIGKILL)
            wait(timeout: 3)
        }
    }

    /// Runs a short tool to completion; returns its combined output or throws with it.
    @discardableResult
    static func run(_ path: String, _ arguments: [String], input: String? = nil, timeout: TimeInterval = 60) throws
        -> String
    {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cms-run-\(UUID().uuidString)")
        let outputPath = scratch.path + ".out"
        var inputPath: String?
        if let input {
            inputPath = scratch.path + ".in"
            FileManager.default.createFile(
                atPath: inputPath!, contents: Data(input.utf8), attributes: [.posixPermissions: 0o600])
        }
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            if let inputPath { try? FileManager.default.removeItem(atPath: inputPath) }
        }
        let child = try ChildProcess(path, arguments, outputPath: outputPath, inputPath: inputPath)
        guard child.wait(timeout: timeout) else {
            child.end(signal: SIGKILL)
            throw SpawnError(description: "\(path) did not finish within \(timeout) s")
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard let status = child.status, status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw SpawnError(description: "\(path) \(arguments.joined(separator: " ")) failed: \(output)")
        }
        return output
    }

    /// Runs a tool to completion and returns its exit code, stdout and stderr separately.
    static func capture(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil,
        timeout: TimeInterval = 60
    ) throws -> (exitCode: Int32, stdout: String, stderr: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cms-run-\(UUID().uuidString)").path
        defer {
            try? FileManager.default.removeItem(atPath: scratch + ".out")
            try? FileManager.default.removeItem(atPath: scratch + ".err")
        }
        // sh only redirects stderr; arguments pass through "$@" untouched.
        let child = try ChildProcess(
            "/bin/sh", ["-c", "exec \"$0\" \"$@\" 2>\"\(scratch).err\"", path] + arguments,
            environment: environment, outputPath: scratch + ".out")
        guard child.wait(timeout: timeout) else {
            child.end(signal: SIGKILL)
            throw SpawnError(description: "\(path) did not finish within \(timeout) s")
        }
        let status = child.status ?? -1
        let code: Int32 = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (
            code, (try? String(contentsOfFile: scratch + ".out", encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
        )
    }
}
