import CMSDaemon
import Foundation
import CRPTransport
import TestSupport
import Testing

/// Real `cmsd` processes (issue 17, "Safety of the daemon itself"): a second `cmsd` on the same data folder, the
/// same CRP port or the same API port refuses to start with one clear line, and never silently shares.
@Suite(.serialized, .tags(.peer)) struct DaemonSafetyTests {
    struct Running {
        let process: Process
        let log: URL
    }

    static func configuration(_ harness: ReconcileHarness, name: String, data: String, crp: Int, api: Int) throws -> String
    {
        let path = harness.folder.appendingPathComponent("\(name).yaml")
        try """
            dataFolder: \(data)
            listen: {crp: "127.0.0.1:\(crp)", api: "127.0.0.1:\(api)"}
            tenants:
              - code: century
                repo: {url: repo, branch: main}
                pollInterval: 1h
                username: admin
            """.write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    /// Starts cmsd and waits until its API listens.
    static func start(_ harness: ReconcileHarness, config: String) async throws -> Running {
        let log = harness.folder.appendingPathComponent("first.log")
        let process = try CrashRecoveryTests.launch(config: config, log: log)
        let up = await eventuallyTrue(timeout: .seconds(60)) {
            (try? String(contentsOf: log, encoding: .utf8))?.contains("API listening") == true
        }
        #expect(up, "the first cmsd starts: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        return Running(process: process, log: log)
    }

    static func stop(_ running: Running) {
        running.process.terminate()
        running.process.waitUntilExit()
    }

    /// The second start: exit status 1, one line on stderr, the stores never opened.
    static func refused(_ config: String) throws -> (status: Int32, stderr: String) {
        let result = try runProcess(CrashRecoveryTests.binary, ["--config", config])
        return (result.status, result.stderr)
    }

    @Test func aSecondCmsdOnTheSameDataFolderFailsNamingTheHoldersPid() async throws {
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let first = try Self.configuration(
            harness, name: "first", data: "data", crp: try LoopbackPort.free(), api: try LoopbackPort.free())
        let running = try await Self.start(harness, config: first)
        defer { Self.stop(running) }
        let second = try Self.configuration(
            harness, name: "second", data: "data", crp: try LoopbackPort.free(), api: try LoopbackPort.free())
        let (status, stderr) = try Self.refused(second)
        #expect(status == 1)
        #expect(stderr.contains("is in use by another cmsd (pid \(running.process.processIdentifier))"), "\(stderr)")
        #expect(stderr.split(separator: "\n").count == 1, "one line: \(stderr)")
        #expect(running.process.isRunning, "the first cmsd is untouched")

        // Once the holder is gone (even by kill -9), the folder is free again: the kernel drops the lock.
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        let again = try await Self.start(harness, config: second)
        Self.stop(again)
    }

    @Test func aSecondCmsdOnTheSameCRPPortFailsInsteadOfSplittingAnnouncements() async throws {
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let crp = try LoopbackPort.free()
        let running = try await Self.start(
            harness, config: try Self.configuration(harness, name: "first", data: "data", crp: crp, api: try LoopbackPort.free()))
        defer { Self.stop(running) }
        let (status, stderr) = try Self.refused(
            try Self.configuration(harness, name: "second", data: "data2", crp: crp, api: try LoopbackPort.free()))
        #expect(status == 1)
        #expect(stderr.contains("the CRP address 127.0.0.1:\(crp) cannot be bound (address already in use)"), "\(stderr)")
        #expect(stderr.split(separator: "\n").count == 1, "one line: \(stderr)")
    }

    @Test func aBusyAPIPortGivesOneClearLine() async throws {
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let api = try LoopbackPort.free()
        let running = try await Self.start(
            harness, config: try Self.configuration(harness, name: "first", data: "data", crp: try LoopbackPort.free(), api: api))
        defer { Self.stop(running) }
        let (status, stderr) = try Self.refused(
            try Self.configuration(harness, name: "second", data: "data2", crp: try LoopbackPort.free(), api: api))
        #expect(status == 1)
        #expect(stderr.contains("the API address 127.0.0.1:\(api) cannot be bound (address already in use)"), "\(stderr)")
        #expect(stderr.split(separator: "\n").count == 1, "one line: \(stderr)")
        #expect(!stderr.contains("errno"))
    }

    /// The CRP socket itself shares nothing: a second listener on its port fails to bind (in-process, no cmsd).
    @Test func theCRPListenerDoesNotShareItsPort() async throws {
        let first = try await CRPListener.bind(host: "127.0.0.1", port: 0)
        let port = try #require(first.localAddress.port)
        await #expect(throws: (any Error).self) {
            let second = try await CRPListener.bind(host: "127.0.0.1", port: port)
            try await second.close()
        }
        try await first.close()
    }

    /// systemd `Type=notify`: cmsd says READY=1 on $NOTIFY_SOCKET once its API listens (packaging/cmsd.service).
    @Test func cmsdNotifiesSystemdWhenItsAPIListens() async throws {
        let harness = try ReconcileHarness()
        defer { try? FileManager.default.removeItem(at: harness.folder) }
        let socketPath = harness.folder.appendingPathComponent("notify.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socketPath.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let config = try Self.configuration(
            harness, name: "notify", data: "data", crp: try LoopbackPort.free(), api: try LoopbackPort.free())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CrashRecoveryTests.binary)
        process.arguments = ["--config", config]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socketPath
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let received = NotifyText()
        let ready = await eventuallyTrue(timeout: .seconds(60)) {
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { received.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
            return received.text.contains("READY=1")
        }
        let text = received.text
        #expect(ready, "cmsd sent: \(text)")
        #expect(text.contains("MAINPID=\(process.processIdentifier)"))
    }
}

/// What cmsd sent on the notify socket, gathered across polls.
final class NotifyText: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    var text: String { lock.withLock { value } }
    func append(_ more: String) { lock.withLock { value += more } }
}
