import Crypto
import Foundation
import Testing
@testable import NXRSim

/// firmware-update against a real HTTP server (python3 -m http.server) on loopback.
@Suite struct FirmwareTests {
    /// Serves a folder over HTTP on 127.0.0.1 until stopped.
    final class ImageServer: @unchecked Sendable {
        let process = Process()
        let port: Int
        let directory: URL

        init(directory: URL) throws {
            self.directory = directory
            self.port = 20_000 + Int.random(in: 0..<20_000)
            self.process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            self.process.arguments = [
                "-m", "http.server", "--bind", "127.0.0.1", "--directory", directory.path, String(self.port),
            ]
            self.process.standardOutput = FileHandle.nullDevice
            self.process.standardError = FileHandle.nullDevice
            try self.process.run()
        }

        func waitUntilServing() throws {
            for _ in 0..<100 {
                if (try? Shell.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "http://127.0.0.1:\(self.port)/"]))?
                    .status == 0
                {
                    return
                }
                usleep(50_000)
            }
            throw Shell.Failure(description: "the image server did not start")
        }

        func stop() {
            self.process.terminate()
        }
    }

    func image(_ fleet: TestFleet, product: String, version: String) throws -> (name: String, sha256: String) {
        let bytes = Array(
            (FirmwareImageHeader(product: product, version: version).line + String(repeating: "firmware", count: 50_000))
                .utf8)
        let name = "\(product)-\(version).bin"
        try Data(bytes).write(to: fleet.directory.appendingPathComponent("images/\(name)"))
        return (name, SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
    }

    func update(_ url: String, _ sha: String, mode: String = "normal") -> String {
        SSHNetconf.vendor(
            "<firmware-update NXR><url>\(url)</url><sha256>\(sha)</sha256><mode>\(mode)</mode></firmware-update>")
    }

    @Test func aNormalUpdateDownloadsChecksAndRebootsIntoTheNewVersion() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        try FileManager.default.createDirectory(
            at: fleet.directory.appendingPathComponent("images"), withIntermediateDirectories: true)
        let server = try ImageServer(directory: fleet.directory.appendingPathComponent("images"))
        defer { server.stop() }
        try server.waitUntilServing()
        let device = try await fleet.start(code: "fw1", rebootDelay: 0.2)
        let good = try self.image(fleet, product: "NXR-120", version: "5.26.0")
        let wrong = try self.image(fleet, product: "NXR-230", version: "5.26.0")
        let base = "http://127.0.0.1:\(server.port)/"
        let probe = try Shell.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", base + good.name])
        #expect(
            probe.stdout == "200",
            "curl got \(probe.stdout) for \(base + good.name); files: \((try? FileManager.default.contentsOfDirectory(atPath: fleet.directory.appendingPathComponent("images").path)) ?? [])"
        )

        let refused = try await SSHNetconf.run(
            fleet, device,
            [
                self.update(base + wrong.name, wrong.sha256),
                self.update(base + good.name, String(repeating: "0", count: 64)),
                self.update(base + "missing.bin", good.sha256),
                self.update(base + good.name, good.sha256, mode: "background"),
            ])
        let replies = refused.stdout.components(separatedBy: "]]>]]>")
        try #require(replies.count >= 5, "replies: \(refused.stdout) \(refused.stderr)")
        #expect(replies[1].contains("<error-app-tag>wrong-product</error-app-tag>"), "\(replies[1])")
        #expect(
            replies[2].contains("<transfer xmlns=\"urn:cms:nxr:1.0\">failed</transfer>")
                && replies[2].contains("sha256 mismatch"))
        #expect(replies[3].contains("failed") && replies[3].contains("404"))
        #expect(replies[4].contains("operation-not-supported"), "NXR-120 has no background mode")
        #expect(try await device.snapshot().get().bootCount == 1, "a failed update never reboots")

        let done = try await SSHNetconf.run(fleet, device, [self.update(base + good.name, good.sha256)], close: false)
        #expect(
            done.stdout.contains(">done</transfer>") && done.stdout.contains(">5.26.0</version>")
                && done.stdout.contains(">true</rebooting>"))
        #expect(
            try await SSHNetconf.eventually {
                let snapshot = try await device.snapshot().get()
                return snapshot.bootCount == 2 && snapshot.identity.firmwareVersion == "5.26.0"
                    && snapshot.lifecycle == .running
            })
    }

    @Test func noRebootWaitsForTheNextBootAndTransferFaultsFail() async throws {
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        try FileManager.default.createDirectory(
            at: fleet.directory.appendingPathComponent("images"), withIntermediateDirectories: true)
        let server = try ImageServer(directory: fleet.directory.appendingPathComponent("images"))
        defer { server.stop() }
        try server.waitUntilServing()
        let device = try await fleet.start(code: "fw2", product: "NXR-230", rebootDelay: 0.2)
        let good = try self.image(fleet, product: "NXR-230", version: "6.0.1")
        let url = "http://127.0.0.1:\(server.port)/\(good.name)"

        var faults = DeviceFaults()
        faults.firmwareTransferFailure = true
        try await device.setFaults(faults).get()
        let failed = try await SSHNetconf.run(fleet, device, [self.update(url, good.sha256)])
        #expect(failed.stdout.contains(">failed</transfer>") && failed.stdout.contains("injected fault"))
        try await device.setFaults(DeviceFaults()).get()

        let staged = try await SSHNetconf.run(fleet, device, [self.update(url, good.sha256, mode: "no-reboot")])
        #expect(staged.stdout.contains(">false</rebooting>"))
        #expect(try await device.snapshot().get().identity.firmwareVersion == "21.7.3")
        try await device.rebootNow().get()
        #expect(
            try await SSHNetconf.eventually {
                try await device.snapshot().get().identity.firmwareVersion == "6.0.1"
            })
    }
}
