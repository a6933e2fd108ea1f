import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

final class SFTPServer: @unchecked Sendable {
    /// Our own login (NETCONFClientTests own `cmstest`, NXRSimTests `cmssftp`, each with its password).
    static let user = "cmsarchive"
    /// Set once per test process; random, never written to a file.
    static let userSetup: Result<String, HarnessError> = {
        if (try? runProcess("/usr/bin/id", ["-u", user]))?.status != 0 {
            let made = try? runProcess("/usr/sbin/useradd", ["--create-home", "--shell", "/bin/sh", user])
            guard made?.status == 0 else {
                return .failure(
                    HarnessError( "cannot create \(user) (needs root): \(made?.stderr ?? "")"))
            }
        }
        let password = "s-" + UUID().uuidString
        let set = try? runProcess("/bin/sh", ["-c", "echo '\(user):\(password)' | /usr/sbin/chpasswd"])
        guard set?.status == 0 else {
            return .failure(HarnessError("cannot set the password of \(user): \(set?.stderr ?? "")"))
        }
        return .success(password)
    }()

    let directory: URL
    /// The folder the SFTP user may write to; URLs name absolute paths inside it.
    let files: URL
    let port: Int
    let password: String
    /// sshd's pid: started with posix_spawn, not Foundation's Process, whose Linux monitor thread
    /// blocks on a long-lived daemon and then misses other children's exits (Shell.run would hang).
    var pid: pid_t = 0
    /// The server's host key as `ssh-keygen -l -E sha256` prints it (`SHA256:…`), for pinning.
    let hostKeyFingerprint: String

    /// `authorizedKey`: an OpenSSH public key line the user may also log in with (public-key authentication on).
    init(authorizedKey: String? = nil) throws {
        self.password = try Self.userSetup.get()
        let fm = FileManager.default
        self.directory = fm.temporaryDirectory.appendingPathComponent("cms-sftp-\(UUID().uuidString.prefix(8))")
        self.files = self.directory.appendingPathComponent("files")
        try fm.createDirectory(at: self.files, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        chmod(self.directory.path, 0o755)
        chmod(self.files.path, 0o777)
        let path = self.directory.path
        let keygen = try runProcess(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", "\(path)/host_ed25519"])
        guard keygen.status == 0 else { throw HarnessError("ssh-keygen: \(keygen.stderr)") }
        let listed = try runProcess("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", "\(path)/host_ed25519.pub"])
        guard listed.status == 0, let fingerprint = listed.stdout.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") })
        else { throw HarnessError("ssh-keygen -l: \(listed.stderr)") }
        self.hostKeyFingerprint = String(fingerprint)
        try ((authorizedKey ?? "") + "\n").write(toFile: "\(path)/authorized_keys", atomically: true, encoding: .utf8)
        chmod("\(path)/authorized_keys", 0o644)
        self.port = try Self.freeLoopbackPort()
        let config = """
            ListenAddress 127.0.0.1
            Port \(self.port)
            HostKey \(path)/host_ed25519
            PidFile \(path)/sshd.pid
            UsePAM no
            StrictModes no
            PermitRootLogin no
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PubkeyAuthentication \(authorizedKey == nil ? "no" : "yes")
            AuthorizedKeysFile \(path)/authorized_keys
            AllowUsers \(Self.user)
            LogLevel VERBOSE
            Subsystem sftp internal-sftp

            """
        try config.write(toFile: "\(path)/sshd_config", atomically: true, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments: [String] = ["/usr/sbin/sshd", "-D", "-f", "\(path)/sshd_config", "-E", "\(path)/sshd.log"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawn(&self.pid, "/usr/sbin/sshd", &actions, nil, argv, environ)
        guard rc == 0 else {
            throw HarnessError("cannot start sshd: \(String(cString: strerror(rc)))")
        }
        for _ in 0..<250 {
            if Self.canConnect(port: self.port) { return }
            var status: Int32 = 0
            if waitpid(self.pid, &status, WNOHANG) == self.pid { break }
            usleep(20_000)
        }
        self.stop()
        throw HarnessError("sshd did not start; log: \(self.log())")
    }

    func url(_ relative: String) -> String {
        "ssh://\(Self.user)@127.0.0.1:\(self.port)\(self.files.path)/\(relative)"
    }

    func log() -> String {
        (try? String(contentsOfFile: self.directory.appendingPathComponent("sshd.log").path, encoding: .utf8)) ?? ""
    }

    func stop() {
        if self.pid > 0 {
            kill(self.pid, SIGTERM)
            var status: Int32 = 0
            for _ in 0..<150 where waitpid(self.pid, &status, WNOHANG) == 0 { usleep(20_000) }
            self.pid = 0
        }
        try? FileManager.default.removeItem(at: self.directory)
    }

    static func freeLoopbackPort() throws -> Int { try LoopbackPort.free() }

    static func canConnect(port: Int) -> Bool { LoopbackPort.accepts(port) }
}

