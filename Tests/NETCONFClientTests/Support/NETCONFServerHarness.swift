import TestSupport
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A real NETCONF server for the tests: OpenSSH `sshd` on a free loopback port in front of yuma123
/// `netconfd` (DESIGN §6), each with its own config, host key and state in a temporary folder.
/// Nothing here is ours: if our client and these peers agree, the client speaks the protocol.
final class NETCONFServerHarness: @unchecked Sendable {
    struct HarnessError: Error, CustomStringConvertible {
        var description: String
    }

    /// The unprivileged login the harness creates (idempotent) for SSH; also netconfd's superuser.
    static let user = "cmstest"

    let directory: URL
    let port: Int
    /// `SHA256:…` of the server's ed25519 host key, as `ssh-keygen -lf` prints it.
    let hostKeyFingerprint: String
    /// Private keys (OpenSSH format) whose public halves are authorized.
    let ed25519Key: String
    let ecdsaKey: String
    let rsaKey: String
    let password: String
    private let sshd: ChildProcess
    private let netconfd: ChildProcess

    /// Starts netconfd, then sshd, and waits until both are ready.
    static func start() throws -> NETCONFServerHarness {
        let password = try ensureUser()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cms-netconf-\(UUID().uuidString.prefix(8))", isDirectory: true)
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("yuma/data"), withIntermediateDirectories: true)
        try fm.createDirectory(at: directory.appendingPathComponent("run"), withIntermediateDirectories: true)
        // The subsystem runs as the test user and must reach the socket in here.
        chmod(directory.path, 0o755)
        try fm.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)

        let path = directory.path
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", "\(path)/host_ed25519"])
        for (type, bits) in [("ed25519", ""), ("ecdsa", "256"), ("rsa", "2048")] {
            var args = ["-q", "-t", type, "-N", "", "-C", "client-\(type)", "-f", "\(path)/client_\(type)"]
            if !bits.isEmpty { args += ["-b", bits] }
            try run("/usr/bin/ssh-keygen", args)
        }
        var authorized = ""
        for type in ["ed25519", "ecdsa", "rsa"] {
            authorized += try String(contentsOfFile: "\(path)/client_\(type).pub", encoding: .utf8)
        }
        try authorized.write(toFile: "\(path)/authorized_keys", atomically: true, encoding: .utf8)
        chmod("\(path)/authorized_keys", 0o644)
        let fingerprintLine = try run("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", "\(path)/host_ed25519.pub"])
        guard let fingerprint = fingerprintLine.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") }) else {
            throw HarnessError(description: "cannot read the host key fingerprint from: \(fingerprintLine)")
        }

        let port = try freeLoopbackPort()
        let module = directory.appendingPathComponent("cms-test.yang")
        try fm.copyItem(at: fixture("cms-test.yang"), to: module)

        let netconfd = try ChildProcess(
            "/usr/sbin/netconfd",
            [
                "--target=candidate", "--no-startup", "--superuser=\(user)", "--port=\(port)",
                "--ncxserver-sockname=\(path)/ncx.sock", "--module=\(module.path)",
                "--log=\(path)/netconfd.log", "--log-level=info",
            ],
            environment: ["YUMA_RUNPATH": "\(path)/yuma", "YUMA_HOME": "\(path)/yuma", "PATH": "/usr/bin:/bin"],
            directory: path)
        try waitFor("netconfd socket \(path)/ncx.sock", process: netconfd, logFile: "\(path)/netconfd.log") {
            fm.fileExists(atPath: "\(path)/ncx.sock")
        }

        let config = """
            ListenAddress 127.0.0.1
            ListenAddress ::1
            Port \(port)
            HostKey \(path)/host_ed25519
            PidFile \(path)/run/sshd.pid
            UsePAM no
            StrictModes no
            PermitRootLogin no
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PubkeyAcceptedAlgorithms +ssh-rsa
            AuthorizedKeysFile \(path)/authorized_keys
            AllowUsers \(user)
            LogLevel VERBOSE
            Subsystem netconf /usr/sbin/netconf-subsystem --ncxserver-sockname=\(port)@\(path)/ncx.sock

            """
        try config.write(toFile: "\(path)/sshd_config", atomically: true, encoding: .utf8)
        let sshd: ChildProcess
        do {
            sshd = try ChildProcess("/usr/sbin/sshd", ["-D", "-f", "\(path)/sshd_config", "-E", "\(path)/sshd.log"])
        } catch {
            netconfd.end(signal: SIGINT)
            throw error
        }
        do {
            try waitFor("sshd on 127.0.0.1:\(port)", process: sshd, logFile: "\(path)/sshd.log") {
                canConnect(port: port)
            }
        } catch {
            sshd.end(signal: SIGTERM)
            netconfd.end(signal: SIGINT)
            throw error
        }
        return NETCONFServerHarness(
            directory: directory, port: port, hostKeyFingerprint: String(fingerprint),
            ed25519Key: try String(contentsOfFile: "\(path)/client_ed25519", encoding: .utf8),
            ecdsaKey: try String(contentsOfFile: "\(path)/client_ecdsa", encoding: .utf8),
            rsaKey: try String(contentsOfFile: "\(path)/client_rsa", encoding: .utf8),
            password: password, sshd: sshd, netconfd: netconfd)
    }

    private init(
        directory: URL, port: Int, hostKeyFingerprint: String, ed25519Key: String, ecdsaKey: String,
        rsaKey: String, password: String, sshd: ChildProcess, netconfd: ChildProcess
    ) {
        self.directory = directory
        self.port = port
        self.hostKeyFingerprint = hostKeyFingerprint
        self.ed25519Key = ed25519Key
        self.ecdsaKey = ecdsaKey
        self.rsaKey = rsaKey
        self.password = password
        self.sshd = sshd
        self.netconfd = netconfd
    }

    /// Stops everything this harness started (sshd's per-connection children too) and removes its folder.
    func stop() {
        killSSHConnections()
        sshd.end(signal: SIGTERM)
        netconfd.signal(SIGCONT)
        netconfd.end(signal: SIGINT)  // netconfd ignores SIGTERM; SIGINT shuts it down
        if ProcessInfo.processInfo.environment["CMS_KEEP_HARNESS"] == nil {  // set it to inspect the logs
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Freezes netconfd (SIGSTOP): SSH stays up, RPCs get no answer.
    func freezeNETCONFServer() { netconfd.signal(SIGSTOP) }

    /// Undoes `freezeNETCONFServer`.
    func thawNETCONFServer() { netconfd.signal(SIGCONT) }

    /// Kills sshd's per-connection processes: every client's TCP connection drops at once.
    func killSSHConnections() {
        for pid in Self.children(of: sshd.pid) {
            for grandchild in Self.children(of: pid) { kill(grandchild, SIGKILL) }
            kill(pid, SIGKILL)
        }
    }

    /// sshd's log so far (`LogLevel VERBOSE`: accepted/failed authentications, disconnects).
    func sshdLog() -> String {
        (try? String(contentsOfFile: directory.appendingPathComponent("sshd.log").path, encoding: .utf8)) ?? ""
    }

    // MARK: - Helpers

    /// The test user's password, set once per test process (random, never written anywhere).
    /// The test user's password, set once per test process (random, never written anywhere).
    private static let userSetup: Result<String, HarnessError> = {
        if (try? run("/usr/bin/id", ["-u", user])) == nil {
            do {
                try run("/usr/sbin/useradd", ["--create-home", "--shell", "/bin/sh", user])
            } catch {
                return .failure(HarnessError(description: "cannot create the test user \(user) (needs root): \(error)"))
            }
        }
        let password = "t-" + UUID().uuidString
        do {
            try run("/usr/sbin/chpasswd", [], input: "\(user):\(password)\n")
        } catch {
            return .failure(HarnessError(description: "cannot set the password of \(user): \(error)"))
        }
        return .success(password)
    }()

    private static func ensureUser() throws -> String {
        try userSetup.get()
    }

    static func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: String? = nil) throws -> String {
        try ChildProcess.run(tool, arguments, input: input)
    }

    private static func waitFor(
        _ what: String, process: ChildProcess, logFile: String,
        timeout: TimeInterval = 15, until ready: () -> Bool
    ) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ready() { return }
            if !process.isRunning {
                let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
                throw HarnessError(
                    description: "\(what): process exited (status \(process.status ?? -1)); log:\n\(log)")
            }
            usleep(20_000)
        }
        process.end(signal: SIGKILL)
        throw HarnessError(description: "\(what) not ready within \(timeout) s")
    }

    static func freeLoopbackPort() throws -> Int { try LoopbackPort.free() }

    static func canConnect(port: Int) -> Bool { LoopbackPort.accepts(port) }

    private static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[1]) == pid ? child : nil
        }
    }
}
