import Foundation
import NETCONF
#if canImport(Glibc)
    import Glibc
#endif

/// A real yuma123 `netconfd` on a private Unix socket, reached through `netconf-subsystem` over pipes — the
/// same process chain sshd runs for `Subsystem netconf`, minus SSH. Used to check our framing and message
/// code against a peer we did not write. Everything stays on this machine (a Unix socket in a temp folder).
final class NetconfdServer {
    static let netconfd = "/usr/sbin/netconfd"
    static let subsystem = "/usr/sbin/netconf-subsystem"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: netconfd)
            && FileManager.default.isExecutableFile(atPath: subsystem)
    }

    static let module = """
        module cmstest {
          namespace "urn:cms:test:x";
          prefix x;
          container top {
            leaf name { type string; }
            leaf mtu { type uint16 { range "256..9192"; } }
          }
        }
        """

    let directory: URL
    let port: Int
    let process: Process
    var socket: String { directory.appendingPathComponent("ncx.sock").path }

    struct Failure: Error, CustomStringConvertible { var description: String }

    init() throws {
        signal(SIGPIPE, SIG_IGN)
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("nc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("run"),
            withIntermediateDirectories: true)
        try Self.module.write(to: directory.appendingPathComponent("cmstest.yang"), atomically: true, encoding: .utf8)
        port = Int.random(in: 20000...60000)
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.netconfd)
        process.arguments = [
            "--target=candidate", "--no-startup", "--superuser=\(NSUserName())", "--port=\(port)",
            "--ncxserver-sockname=\(directory.appendingPathComponent("ncx.sock").path)",
            "--module=\(directory.appendingPathComponent("cmstest.yang").path)", "--log-level=error",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["YUMA_RUNPATH"] = directory.appendingPathComponent("run").path
        environment["HOME"] = directory.path
        process.environment = environment
        process.currentDirectoryURL = directory  // netconfd writes backup-cfg.xml into its working directory
        let log = FileManager.default.createFile(
            atPath: directory.appendingPathComponent("netconfd.log").path,
            contents: nil)
        _ = log
        let handle = try FileHandle(forWritingTo: directory.appendingPathComponent("netconfd.log"))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: socket) {
            guard process.isRunning, Date() < deadline else {
                let text =
                    (try? String(contentsOf: directory.appendingPathComponent("netconfd.log"), encoding: .utf8)) ?? ""
                stop()
                throw Failure(description: "netconfd did not open its socket: \(text)")
            }
            usleep(50_000)
        }
    }

    func stop() {
        if process.isRunning {
            // netconfd does not exit promptly on SIGTERM; it holds no state we need.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// A new NETCONF session (one `netconf-subsystem` process).
    func connect() throws -> NetconfdSession {
        try NetconfdSession(server: self)
    }
}

/// One session: bytes over the subsystem's stdin/stdout, decoded with our `FrameDecoder`.
final class NetconfdSession {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    var decoder = FrameDecoder()
    var mode = FramingMode.endOfMessage

    init(server: NetconfdServer) throws {
        process.executableURL = URL(fileURLWithPath: NetconfdServer.subsystem)
        process.arguments = ["--ncxserver-sockname=\(server.port)@\(server.socket)"]
        var environment = ProcessInfo.processInfo.environment
        environment["USER"] = NSUserName()
        environment["SSH_CONNECTION"] = "127.0.0.1 40000 127.0.0.1 \(server.port)"
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    deinit { close() }

    func close() {
        try? input.fileHandleForWriting.close()
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func write(_ bytes: [UInt8]) throws {
        try input.fileHandleForWriting.write(contentsOf: Data(bytes))
    }

    func send(_ message: [UInt8], maxChunk: Int = 1 << 16) throws {
        try write(FrameEncoder.frame(message, mode: mode, maxChunk: maxChunk))
    }

    /// The next whole message, or an error after `timeout` seconds.
    func receive(timeout: Double = 15) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        let fd = output.fileHandleForReading.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let message = try decoder.next() { return message }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw NetconfdServer.Failure(description: "no message from netconfd in time") }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(remaining * 1000)) > 0 else { continue }
            // Read in small pieces so messages arrive split at arbitrary points.
            let count = read(fd, &buffer, Int.random(in: 1...buffer.count))
            guard count > 0 else { throw NetconfdServer.Failure(description: "netconfd closed the session") }
            decoder.append(buffer[..<count])
        }
    }

    /// Exchanges hellos and switches framing; returns the server's hello.
    func hello(_ capabilities: [String] = [Capability.base10, Capability.base11]) throws -> Hello {
        let local = Hello(capabilities: capabilities)
        try send(local.serialize())
        let remote = try Hello.parse(try receive())
        // yuma123 quirk: bytes that reach netconfd in the same read as the client hello are dropped, so give
        // it time to consume the hello before the first rpc (seen here: hello + rpc in one write → no reply).
        usleep(300_000)
        mode = FramingMode.negotiate(local: local, remote: remote)
        decoder.mode = mode
        return remote
    }

    /// Sends one rpc and returns its reply.
    func rpc(_ id: String, _ operation: XMLElement, maxChunk: Int = 1 << 16) throws -> RPCReply {
        try send(RPC.envelope(messageID: id, operation: operation), maxChunk: maxChunk)
        let message: [UInt8]
        do {
            message = try receive()
        } catch {
            throw NetconfdServer.Failure(description: "rpc \(id) <\(operation.name)>: \(error)")
        }
        guard case .reply(let reply) = try RPCReply.parse(message) else {
            throw NetconfdServer.Failure(description: "expected an rpc-reply to message-id \(id)")
        }
        return reply
    }
}
