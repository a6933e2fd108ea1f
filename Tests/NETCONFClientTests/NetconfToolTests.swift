import Foundation
import Testing

/// `cms netconf` end to end: the built `cms` executable against sshd + netconfd.
@Suite(.serialized)
struct NetconfToolTests {
    /// The `cms` executable built next to this test bundle (`swift build --build-tests` builds it).
    static let cms = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("cms").path

    func cms(
        _ server: NETCONFServerHarness, _ arguments: [String], pin: Bool = true,
        environment: [String: String]? = nil
    ) throws -> (exitCode: Int32, stdout: String, stderr: String) {
        let keyFile = server.directory.appendingPathComponent("client_ed25519").path
        var connection = ["--port", "\(server.port)", "--user", NETCONFServerHarness.user]
        if environment == nil { connection += ["--key", keyFile] }
        if pin { connection += ["--pin", server.hostKeyFingerprint] }
        #expect(FileManager.default.isExecutableFile(atPath: Self.cms), "build cms first: swift build --build-tests")
        return try ChildProcess.capture(
            Self.cms, ["netconf", "127.0.0.1"] + connection + arguments,
            environment: environment)
    }

    @Test func helloPrintsTheDevicesCapabilitiesAsXML() async throws {
        try await withServer { server in
            let result = try cms(server, ["hello"])
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("<hello"))
            #expect(result.stdout.contains("urn:ietf:params:netconf:base:1.1"))
            #expect(result.stdout.contains("<session-id>"))
        }
    }

    @Test func withoutAPinTheToolShowsTheFingerprintAndRefuses() async throws {
        try await withServer { server in
            let result = try cms(server, ["get-config"], pin: false)
            #expect(result.exitCode == 2)
            #expect(result.stderr.contains(server.hostKeyFingerprint))
            #expect(result.stderr.contains("--pin"))
            #expect(result.stdout.isEmpty)
            #expect(!server.sshdLog().contains("Accepted"))
        }
    }

    @Test func editConfigWithCommitIsReadBackByGetConfig() async throws {
        try await withServer { server in
            let edit = server.directory.appendingPathComponent("edit.xml")
            try "<settings xmlns=\"urn:cms:test\"><hostname>from-cli</hostname></settings>"
                .write(to: edit, atomically: true, encoding: .utf8)
            let filter = server.directory.appendingPathComponent("filter.xml")
            try "<settings xmlns=\"urn:cms:test\"/>".write(to: filter, atomically: true, encoding: .utf8)

            let applied = try cms(server, ["edit-config", edit.path, "--commit"])
            #expect(applied.exitCode == 0, "\(applied.stderr)")
            // Subcommand first works as well as host first.
            let keyFile = server.directory.appendingPathComponent("client_ed25519").path
            let read = try ChildProcess.capture(
                Self.cms,
                [
                    "netconf", "get-config", "127.0.0.1", "--port", "\(server.port)", "--user",
                    NETCONFServerHarness.user,
                    "--key", keyFile, "--pin", server.hostKeyFingerprint, "--source", "running", "--filter",
                    filter.path,
                ])
            #expect(read.exitCode == 0, "\(read.stderr)")
            #expect(read.stdout.contains("<hostname>from-cli</hostname>"))
        }
    }

    @Test func anRPCErrorIsPrintedFieldByFieldWithExitStatusOne() async throws {
        try await withServer { server in
            let edit = server.directory.appendingPathComponent("bad.xml")
            try "<settings xmlns=\"urn:cms:test\"><mtu>1</mtu></settings>".write(
                to: edit, atomically: true, encoding: .utf8)
            let result = try cms(server, ["edit-config", edit.path])
            #expect(result.exitCode == 1)
            #expect(result.stderr.contains("error-tag: invalid-value"))
            #expect(result.stderr.contains("error-severity: error"))
            #expect(result.stderr.contains("error-path:"))
        }
    }

    @Test func passwordFromAnEnvironmentVariableAuthenticates() async throws {
        try await withServer { server in
            var environment = ProcessInfo.processInfo.environment
            environment["CMS_TEST_PASSWORD"] = server.password
            let result = try cms(server, ["--password-env", "CMS_TEST_PASSWORD", "get"], environment: environment)
            #expect(result.exitCode == 0, "\(result.stderr)")
            #expect(result.stdout.contains("<data"))
            #expect(!result.stderr.contains(server.password))
        }
    }
}
