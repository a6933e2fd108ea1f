import Foundation
import Logging
import NETCONF
import NIOCore
import NIOPosix
import Synchronization
@testable import NXRSim

/// A running in-process device for tests: temp state folder, an ed25519 client key made by ssh-keygen,
/// a known_hosts file with the device's host key.
final class TestFleet: @unchecked Sendable {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private static let counter = Mutex(0)

    let directory: URL
    let fleet: Fleet
    let keyPath: String
    let publicKey: String
    var devices: [SimulatedDevice] = []

    /// A fresh loopback address per test so tests can run in parallel.
    static func nextAddress() -> String {
        let n = Self.counter.withLock { value -> Int in
            value += 1
            return value
        }
        let pid = Int(getpid()) % 200
        return "127.\(77 + pid % 50).\(n / 250).\(n % 250 + 2)"
    }

    init(password: String? = nil) throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("nxrsim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.keyPath = self.directory.appendingPathComponent("id_ed25519").path
        try Shell.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "century", "-f", self.keyPath])
        self.publicKey = try String(contentsOfFile: self.keyPath + ".pub", encoding: .utf8)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        self.fleet = Fleet(group: Self.group, logger: logger)
        _ = password
    }

    /// Adds and starts a device.
    @discardableResult
    func start(
        code: String = "tokyo1", product: String = "NXR-120", password: String? = nil, rebootDelay: Double = 0.3,
        crpServer: String? = nil, keepalive: Double = 3600, crpSecret: [UInt8]? = nil
    ) async throws -> SimulatedDevice {
        let authorized = try AuthorizedKeys(parsing: self.publicKey, source: "test", password: password)
        var settings = try FleetPlan.single(
            code: code, tenant: "century", product: product, address: Self.nextAddress(), port: 0,
            stateDirectory: self.directory.appendingPathComponent(code), authorized: authorized, crpServer: crpServer)
        settings.rebootDelay = rebootDelay
        settings.keepalive = keepalive
        settings.crpSecret = crpSecret
        let device = try self.fleet.add(settings)
        try await device.start().get()
        self.devices.append(device)
        return device
    }

    /// A known_hosts file for the device's current host key.
    func knownHosts(for device: SimulatedDevice) async throws -> String {
        let snapshot = try await device.snapshot().get()
        let path = self.directory.appendingPathComponent("known_hosts-\(snapshot.name)").path
        try "[\(snapshot.address)]:\(snapshot.port) \(snapshot.hostKey)\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func stop() async {
        await self.fleet.stopAll()
        try? FileManager.default.removeItem(at: self.directory)
    }
}

/// Runs programs for tests.
enum Shell {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    @discardableResult
    static func run(_ path: String, _ arguments: [String], stdin: String = "", timeout: TimeInterval = 90) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outURL = folder.appendingPathComponent("out")
        let errURL = folder.appendingPathComponent("err")
        let inURL = folder.appendingPathComponent("in")
        try Data(stdin.utf8).write(to: inURL)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let input = try FileHandle(forReadingFrom: inURL)
        let output = try FileHandle(forWritingTo: outURL)
        let error = try FileHandle(forWritingTo: errURL)
        defer {
            try? input.close()
            try? output.close()
            try? error.close()
        }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            throw Failure(description: "\(path) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }
}
