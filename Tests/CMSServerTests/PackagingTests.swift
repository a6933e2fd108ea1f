import Foundation
import Testing

/// Issue 17, "Packaging": `make install` with a PREFIX, man pages from `--help`, the systemd unit accepted by
/// `systemd-analyze verify`, the Dockerfile linted (no image builder on this machine; docs/production.md).
@Suite(.serialized) struct PackagingTests {
    /// The package root: the first folder above the test binary that holds Package.swift.
    static var root: URL {
        var directory = URL(fileURLWithPath: CLI.executable).deletingLastPathComponent()
        while directory.path != "/"
            && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path)
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }

    /// The configuration folder the tests were built in (`debug`), as `make` names it.
    static var configuration: String { URL(fileURLWithPath: CLI.executable).deletingLastPathComponent().lastPathComponent }

    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await runProcessCapturing(
            executable, arguments, environment: ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": NSTemporaryDirectory()])
    }

    @Test func makeInstallPutsBinariesManPagesUnitAndCompletionsUnderThePrefix() async throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("cms-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        // The binaries exist already (the test build made them), so make builds nothing.
        let result = try await Self.run(
            "/usr/bin/make",
            ["-C", Self.root.path, "--no-print-directory", "install", "PREFIX=\(prefix.path)",
             "CONFIGURATION=\(Self.configuration)"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let has = { (path: String) in FileManager.default.fileExists(atPath: prefix.appendingPathComponent(path).path) }
        for binary in ["cms", "cmsd", "cms-lint", "nxr-sim"] {
            #expect(FileManager.default.isExecutableFile(atPath: prefix.appendingPathComponent("bin/\(binary)").path))
        }
        for page in ["share/man/man1/cms.1", "share/man/man1/cms-lint.1", "share/man/man1/nxr-sim.1",
                     "share/man/man8/cmsd.8", "share/man/man1/cms-devices.1", "share/man/man1/cms-config-pull.1"] {
            #expect(has(page), "\(page)")
        }
        let devicesPage = try String(contentsOf: prefix.appendingPathComponent("share/man/man1/cms-devices.1"), encoding: .utf8)
        #expect(devicesPage.hasPrefix(".TH \"CMS-DEVICES\" \"1\""))
        #expect(devicesPage.contains(".SH EXAMPLES") && devicesPage.contains(".SH OPTIONS"))
        #expect(devicesPage.contains("--output"), "generated from the binary's own --help")
        // man renders it without a warning.
        let rendered = try await Self.run("/usr/bin/man", ["--warnings", "-l", "-Tutf8", prefix.appendingPathComponent("share/man/man8/cmsd.8").path])
        // man's terminal output emboldens by overstriking (`E\bE`): read the plain letters.
        let plain = String(rendered.stdout.reduce(into: [Character]()) { if $1 == "\u{8}" { _ = $0.popLast() } else { $0.append($1) } })
        if rendered.status == 0 { #expect(plain.contains("EXAMPLES"), "\(rendered.stderr)") }

        let unit = try String(contentsOf: prefix.appendingPathComponent("lib/systemd/system/cmsd.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=\(prefix.path)/bin/cmsd --config /etc/cms/cmsd.yaml"))
        for completion in ["share/bash-completion/completions/cms", "share/zsh/site-functions/_cms",
                           "share/fish/vendor_completions.d/cms.fish"] {
            #expect(has(completion), "\(completion)")
        }
        #expect(has("share/doc/cms/production.md"))

        let uninstall = try await Self.run(
            "/usr/bin/make", ["-C", Self.root.path, "--no-print-directory", "uninstall", "PREFIX=\(prefix.path)"])
        #expect(uninstall.status == 0)
        #expect(!has("bin/cmsd") && !has("share/man/man8/cmsd.8") && !has("lib/systemd/system/cmsd.service"))
    }

    @Test func theSystemdUnitIsNotifyHardenedAndVerifies() async throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("packaging/cmsd.service"), encoding: .utf8)
        let settings = Dictionary(
            text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }.map {
                let parts = $0.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { $1 })
        #expect(settings["Type"] == "notify")
        #expect(settings["StateDirectory"] == "cms")
        for hardening in ["NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices",
                          "RestrictAddressFamilies", "SystemCallFilter", "CapabilityBoundingSet", "MemoryDenyWriteExecute"] {
            #expect(settings[hardening] != nil, "\(hardening)")
        }
        #expect(settings["ExecStart"]?.contains("--data /var/lib/cms") == true)

        // systemd's own checker, on a copy whose ExecStart is the built cmsd (verify wants the binary to exist).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cms-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cmsd = URL(fileURLWithPath: CLI.executable).deletingLastPathComponent().appendingPathComponent("cmsd").path
        let copy = folder.appendingPathComponent("cmsd.service")
        try text.replacingOccurrences(of: "/usr/local/bin/cmsd", with: cmsd).write(to: copy, atomically: true, encoding: .utf8)
        let verify = try await Self.run("/usr/bin/systemd-analyze", ["verify", "--man=no", copy.path])
        // A missing `cms` user or network-online.target on a build machine is not the unit's fault.
        let problems = (verify.stdout + verify.stderr).split(separator: "\n").filter {
            !$0.contains("network-online.target") && !$0.contains("Failed to resolve user") && !$0.contains("cms.service")
                && !$0.contains("System has not been booted") && !$0.isEmpty
        }
        #expect(problems.isEmpty, "systemd-analyze verify: \(problems)")
    }

    @Test func theDockerfileIsWellFormedAndLinted() async throws {
        let path = Self.root.appendingPathComponent("packaging/Dockerfile").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let instructions = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix(" ") && !$0.isEmpty }
            .map { String($0.split(separator: " ")[0]) }
        let known: Set = ["FROM", "RUN", "COPY", "ENV", "USER", "WORKDIR", "VOLUME", "EXPOSE", "HEALTHCHECK",
                          "ENTRYPOINT", "CMD", "ARG", "LABEL"]
        #expect(instructions.allSatisfy(known.contains), "\(instructions)")
        let froms = text.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
        #expect(froms.count == 2, "a build stage and a slim runtime")
        #expect(froms.allSatisfy { !$0.contains(":latest") && $0.contains(":") }, "pinned base images")
        #expect(text.contains("USER 10001:10001") && text.contains("HEALTHCHECK") && text.contains("/healthz"))
        #expect(text.contains("make install PREFIX=/opt/cms"), "the image installs with the same make install")
        // The runtime packages exist in Debian 12, which the runtime stage is.
        let runtime = try #require(text.components(separatedBy: "FROM debian:bookworm-slim").last)
        let install = try #require(runtime.components(separatedBy: "--no-install-recommends").dropFirst().first)
        let packages = install.components(separatedBy: "&&")[0].split(whereSeparator: { " \\\n".contains($0) }).map(String.init)
        #expect(packages.contains("libgit2-1.5") && packages.contains("libyang2"))
        let policy = try await Self.run("/usr/bin/apt-cache", ["show", "--no-all-versions"] + packages)
        #expect(policy.status == 0, "every runtime package is a Debian 12 package: \(policy.stderr)")

        let hadolint = Self.root.appendingPathComponent(".build-py/hadolint").path
        #expect(FileManager.default.isExecutableFile(atPath: hadolint), "make setup installs hadolint")
        let lint = try await Self.run(
            hadolint, ["--no-color", "--config", Self.root.appendingPathComponent("packaging/hadolint.yaml").path, path])
        #expect(lint.status == 0, "hadolint: \(lint.stdout)\(lint.stderr)")
    }
}
