import Foundation

/// A real git repository in a temporary folder, driven with the `git` command line.
final class GitFixture {
    let root: URL
    let work: URL
    let data: URL

    static let tenant = "apiVersion: cms/v1\nkind: Tenant\ncode: century\ntimeZone: Asia/Tokyo\n"
    static func device(_ code: String, product: String = "NXR-120") -> String {
        "apiVersion: cms/v1\nkind: Device\ncode: \(code)\nproduct: \(product)\n"
    }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cms-tenant-\(UUID().uuidString)")
        work = root.appendingPathComponent("origin")
        data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Writes `files` (path → text; nil deletes), commits everything as `author`, returns the commit id.
    @discardableResult
    func commit(
        _ files: [String: String?], author: String = "Alice Example", email: String = "alice@example.jp",
        message: String = "change", amend: Bool = false
    ) throws -> String {
        for (path, text) in files {
            let url = work.appendingPathComponent(path)
            if let text {
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.removeItem(at: url)
            }
        }
        try git("add", "-A")
        var arguments = ["-c", "user.name=\(author)", "-c", "user.email=\(email)", "commit", "-q", "-m", message]
        if amend { arguments.append("--amend") }
        try git(arguments)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String { try git(arguments) }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["git", "-c", "commit.gpgsign=false", "-c", "user.name=Setup", "-c", "user.email=s@x.jp"]
            + arguments
        process.currentDirectoryURL = work
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "git \(arguments): \(String(decoding: error, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }

    struct Failure: Error { let message: String }
}
