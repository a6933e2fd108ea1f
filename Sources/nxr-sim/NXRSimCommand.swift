import ArgumentParser
import CMSVersion
import Foundation
import Logging
import NIOCore
import NIOPosix
import NXRSim

/// `nxr-sim`: simulated Century Systems NXR routers on loopback.
@main
struct NXRSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nxr-sim",
        abstract: "Simulated NXR routers: CRP announcements and NETCONF over SSH on loopback addresses.",
        discussion: """
            EXAMPLES:
              nxr-sim device --state-dir /tmp/sim --authorized-key ~/.ssh/id_ed25519.pub --port 8300
              nxr-sim fleet --count 64 --state-dir /tmp/fleet --authorized-key key.pub --crp-server 127.0.0.1:10625
            """,
        version: CMSVersion.current,
        subcommands: [DeviceCommand.self, FleetCommand.self])

    /// Usage errors exit with 2 like every cms binary (docs/cli.md, "Exit status").
    static func main() async { await ExitConvention.main(NXRSimCommand.self) }
}

/// Options shared by `device` and `fleet`.
struct CommonOptions: ParsableArguments {
    @Option(help: "The tenant code the devices announce (CRP customer-id).")
    var tenant: String = "century"

    @Option(help: "The SSH/NETCONF port every device listens on.")
    var port: Int = 830

    @Option(name: .customLong("state-dir"), help: "Folder of the devices' state (host keys, configs).")
    var stateDir: String

    @Option(name: .customLong("authorized-key"), help: "A file of OpenSSH public keys the devices accept.")
    var authorizedKey: String

    @Option(help: "A password the devices also accept (optional).")
    var password: String?

    @Option(name: .customLong("crp-server"), help: "Where to send CRP announcements, e.g. 127.0.0.1:10625.")
    var crpServer: String?

    @Option(
        name: .customLong("crp-secret-file"), help: "A file holding the tenant's CRP secret: announcements are signed.")
    var crpSecretFile: String?

    @Option(name: .customLong("control"), help: "Serve the control API on this loopback address:port.")
    var control: String?

    @Option(name: .customLong("reboot-delay"), help: "Seconds a reboot takes.")
    var rebootDelay: Double = 5

    @Option(help: "Seconds between CRP keepalive announcements.")
    var keepalive: Double = 3600

    @Option(help: "Firmware version of new devices.")
    var firmware: String = "21.7.3"

    func validate() throws {
        guard (1...65535).contains(self.port) else { throw ValidationError("--port must be 1-65535") }
        if let crpServer, Self.split(crpServer) == nil {
            throw ValidationError("--crp-server must be a loopback ADDRESS:PORT, not \(crpServer)")
        }
        if let control, Self.split(control) == nil {
            throw ValidationError("--control must be a loopback ADDRESS:PORT, not \(control)")
        }
    }

    static func split(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        let host = String(text[..<colon])
        return LoopbackAddress.isLoopback(host) ? (host, port) : nil
    }

    func authorized() throws -> AuthorizedKeys {
        guard let data = FileManager.default.contents(atPath: self.authorizedKey) else {
            throw ValidationError("cannot read --authorized-key \(self.authorizedKey)")
        }
        return try AuthorizedKeys(
            parsing: String(decoding: data, as: UTF8.self), source: self.authorizedKey, password: self.password)
    }

    /// Raises the soft open-file limit to the hard one: every device holds a listening socket.
    static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Runs the fleet until SIGINT/SIGTERM.
    func run(_ settings: [SimulatedDevice.Settings]) async throws {
        Self.raiseOpenFileLimit()
        var logger = Logger(label: "nxr-sim")
        logger.logLevel = .info
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let fleet = Fleet(group: group, logger: logger)
        var secret: [UInt8]?
        if let path = self.crpSecretFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read --crp-secret-file \(path)")
            }
            secret = Array(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        }
        var adjusted = settings
        for index in adjusted.indices {
            adjusted[index].rebootDelay = self.rebootDelay
            adjusted[index].keepalive = self.keepalive
            adjusted[index].crpSecret = secret
        }
        for item in adjusted { try fleet.add(item) }
        let started = ContinuousClock.now
        try await fleet.startAll()
        let elapsed = ContinuousClock.now - started
        Self.say("nxr-sim: \(settings.count) device(s) listening on port \(self.port), started in \(elapsed)")
        if settings.count <= 20 {
            for device in fleet.devices {
                let snapshot = try await device.snapshot().get()
                Self.say(
                    "  \(snapshot.name) \(snapshot.address):\(snapshot.port) \(snapshot.identity.product) serial \(snapshot.identity.serial)"
                )
            }
        }
        if let control = self.control, let (host, port) = Self.split(control) {
            let channel = try await ControlServer.bind(fleet: fleet, host: host, port: port)
            Self.say("nxr-sim: control API on http://\(host):\(channel.localAddress?.port ?? port)/devices")
        }
        await Self.waitForSignal()
        await fleet.stopAll()
        try await group.shutdownGracefully()
    }

    static func waitForSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = SignalOnce(continuation)
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
                source.setEventHandler { once.fire() }
                source.resume()
                SignalOnce.keep.append(source)
            }
        }
    }
}

/// Resumes the continuation on the first signal only.
final class SignalOnce: @unchecked Sendable {
    nonisolated(unsafe) static var keep: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = continuation
    }

    func fire() {
        self.lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        self.lock.unlock()
        continuation?.resume()
    }
}
