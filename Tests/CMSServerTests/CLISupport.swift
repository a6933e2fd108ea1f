import Foundation

/// Runs the built `cms` executable against a test server.
enum CLI {
    /// The `cms` executable beside the test runner.
    static var executable: String {
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/"
            && !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("cms").path)
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("cms").path
    }

    /// `cms ARGUMENTS` with a clean environment (no inherited CMS_* variables) plus `environment`.
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        var env = ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "COLUMNS": "80"]
        env.merge(environment) { $1 }
        return try await runProcessCapturing(executable, arguments, environment: env)
    }

    /// A token file (mode 0600) holding `token`, removed by the caller.
    static func tokenFile(_ token: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cms-token-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(
            atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return path
    }
}

/// Terminal cells of a string, counted independently of the CLI's own code: CJK, kana and
/// fullwidth forms take two cells.
func cells(_ text: some StringProtocol) -> Int {
    text.unicodeScalars.reduce(0) { total, scalar in
        let wide = (0x3000...0x9FFF).contains(scalar.value) || (0xFF01...0xFF60).contains(scalar.value)
        return total + (wide ? 2 : 1)
    }
}

/// The value of a `key  value` line of the CLI's output (keys are followed by at least two spaces).
func field(_ key: String, in text: String) -> String? {
    for line in text.split(separator: "\n") where line.hasPrefix(key + "  ") {
        return String(line.dropFirst(key.count).drop { $0 == " " })
    }
    return nil
}
