import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import Logging
import TestSupport
import Testing

/// `limits.input` of cmsd.yaml (issue 18): the caps on a tenant revision are the operator's to set, read with
/// errors that name the line and field, and the daemon lints its tenants with them.
@Suite struct InputLimitsConfigurationTests {
    static let tenants = "tenants: [{code: t1, repo: /srv/t1}]"

    @Test func everyCapIsReadAndTheRestKeepTheirDefaults() throws {
        let given = try DaemonConfiguration.parse(
            """
            limits:
              input: {maxFileBytes: 16MiB, maxRevisionBytes: 1GiB, maxFiles: 5000, maxAliases: 0,
                      maxExpandedNodes: 50000, maxDepth: 32, lintTimeout: 90s}
            \(Self.tenants)
            """, file: "c.yaml", relativeTo: "/srv")
        #expect(
            given.limits.input
                == InputLimits(
                    maxFileBytes: 16 << 20, maxRevisionBytes: 1 << 30, maxFiles: 5000, maxAliases: 0,
                    maxExpandedNodes: 50_000, maxDepth: 32, lintSeconds: 90))
        let one = try DaemonConfiguration.parse(
            "limits: {input: {maxFileBytes: 524288}}\n\(Self.tenants)", file: "c.yaml", relativeTo: "/srv")
        var expected = InputLimits.default
        expected.maxFileBytes = 512 << 10
        #expect(one.limits.input == expected)
        let none = try DaemonConfiguration.parse(Self.tenants, file: "c.yaml", relativeTo: "/srv")
        #expect(none.limits.input == .default)
    }

    /// (the `input:` mapping, the field the error names, a piece of its message, its line)
    static let refusals: [(String, String, String)] = [
        ("{maxFileBytes: 0}", "limits.input.maxFileBytes", "1024…1073741824 bytes"),
        ("{maxFileBytes: 2GiB}", "limits.input.maxFileBytes", "not a whole number"),
        ("{maxFileBytes: 8MB}", "limits.input.maxFileBytes", "KiB, MiB or GiB"),
        ("{maxFileBytes: 64MiB, maxRevisionBytes: 32MiB}", "limits.input.maxRevisionBytes", "below maxFileBytes"),
        ("{maxDepth: 5000}", "limits.input.maxDepth", "8…512"),
        ("{maxExpandedNodes: -1}", "limits.input.maxExpandedNodes", "not a whole number"),
        ("{maxAliases: many}", "limits.input.maxAliases", "not a whole number"),
        ("{lintTimeout: 0.5s}", "limits.input.lintTimeout", "between 1s and 1h"),
        ("{lintTimeout: 2h}", "limits.input.lintTimeout", "between 1s and 1h"),
        ("{lintSeconds: 60}", "limits.input.lintSeconds", "unknown key"),
        ("[8MiB]", "limits.input", "must be a mapping"),
    ]

    @Test(arguments: refusals)
    func aBadCapIsRefusedNamingItsLineAndField(input: String, field: String, message: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.parse(
                "dataFolder: /srv/data\nlimits:\n  input: \(input)\n\(Self.tenants)", file: "cmsd.yaml", relativeTo: "/srv")
        }
        #expect(error?.field == field, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.line == 3, "the line of the offending value")
    }

    /// A real daemon reads a tenant repository with the caps of its configuration: a file of 2 KiB passes the
    /// default cap and fails a `maxFileBytes: 1KiB` set in cmsd.yaml, as that tenant's lint failure.
    @Test func theDaemonLintsWithTheConfiguredCaps() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cms-caps-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let repo = folder.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        try ("# " + String(repeating: "x", count: 2048) + "\napiVersion: cms/v1\nkind: Tenant\ncode: t1\ntimeZone: UTC\n")
            .write(to: repo.appendingPathComponent("tenant.yaml"), atomically: true, encoding: .utf8)
        for arguments in [
            ["init", "-q", "-b", "main"], ["add", "-A"],
            ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "a 2 KiB file"],
        ] {
            let result = try runProcess("/usr/bin/git", arguments, in: repo)
            try #require(result.status == 0, "git \(arguments): \(result.stderr)")
        }
        let head = try runProcess("/usr/bin/git", ["rev-parse", "HEAD"], in: repo).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)

        func lintErrors(_ limits: String) async throws -> (TenantStatus, [String]) {
            let data = folder.appendingPathComponent("data-\(UUID().uuidString)").path
            let configuration = try DaemonConfiguration.parse(
                """
                dataFolder: \(data)
                listen: {crp: "127.0.0.1:0", api: "127.0.0.1:0"}
                \(limits)
                tenants: [{code: t1, repo: {url: \(repo.path), branch: main}, pollInterval: 1h, username: admin}]
                """, file: "cmsd.yaml", relativeTo: folder.path)
            var logger = Logger(label: "caps")
            logger.logLevel = .critical
            let daemon = try Daemon(configuration: configuration, logger: logger)
            try await daemon.start()
            _ = try await daemon.refresh("t1")
            let status = try await daemon.tenantStatus("t1")
            await daemon.shutdown()
            return (status, status.lintErrors)
        }

        let (defaults, defaultErrors) = try await lintErrors("")
        #expect(defaultErrors.isEmpty, "\(defaultErrors)")
        #expect(defaults.lastAppliedRevision == head)

        let (capped, cappedErrors) = try await lintErrors("limits: {input: {maxFileBytes: 1KiB}}")
        #expect(capped.lastAttemptedRevision == head)
        #expect(capped.lastAppliedRevision != head)
        #expect(capped.condition.reason == "LintFailed")
        // The cap's finding (the file is then not read, so the tenant's own checks may add a consequence).
        #expect(
            cappedErrors.contains { $0.hasPrefix("tenant.yaml:1:1:") && $0.contains("maxFileBytes") }, "\(cappedErrors)")
    }
}
