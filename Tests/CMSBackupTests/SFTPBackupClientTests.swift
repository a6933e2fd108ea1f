import BackupSFTP
import CMSBackup
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

struct SSHTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// OpenSSH sshd on a free loopback port with its own host key, password and public-key logins, internal-sftp.
final class BackupSSHServer: @unchecked Sendable {
    static let user = "cmsbackup"
    static let userSetup: Result<String, SSHTestFailure> = {
        if (try? runProcess("/usr/bin/id", ["-u", user]))?.status != 0 {
            let made = try? runProcess("/usr/sbin/useradd", ["--create-home", "--shell", "/bin/sh", user])
            guard made?.status == 0 else {
                return .failure(SSHTestFailure( "cannot create \(user) (needs root): \(made?.stderr ?? "")"))
            }
        }
        let password = "p-" + UUID().uuidString
        let script = "echo '\(user):\(password)' | /usr/sbin/chpasswd"
        guard (try? runProcess("/bin/sh", ["-c", script]))?.status == 0 else {
            return .failure(SSHTestFailure( "cannot set the password of \(user)"))
        }
        return .success(password)
    }()

    let directory: String
    let files: String
    let port: Int
    let password: String
    let clientKey: String
    let fingerprint: String
    let hostKeyLine: String
    var pid: pid_t = 0

    init() throws {
        password = try Self.userSetup.get()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cms-bsftp-\(UUID().uuidString.prefix(8))").path
        files = directory + "/files"
        try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        chmod(directory, 0o755)
        chmod(files, 0o777)
        for (name, comment) in [("host_ed25519", "host"), ("client_ed25519", "client")] {
            let made = try runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", "\(directory)/\(name)"])
            guard made.status == 0 else { throw SSHTestFailure( "ssh-keygen: \(made.stderr)") }
        }
        clientKey = try String(contentsOfFile: directory + "/client_ed25519", encoding: .utf8)
        try FileManager.default.copyItem(atPath: directory + "/client_ed25519.pub", toPath: directory + "/authorized_keys")
        chmod(directory + "/authorized_keys", 0o644)
        let printed = try runProcess("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", directory + "/host_ed25519.pub"])
        fingerprint = String(printed.stdout.split(separator: " ")[1])
        hostKeyLine = try String(contentsOfFile: directory + "/host_ed25519.pub", encoding: .utf8)
        port = try LoopbackPort.free()
        let config = """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(directory)/host_ed25519
            PidFile \(directory)/sshd.pid
            UsePAM no
            StrictModes no
            PermitRootLogin no
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AuthorizedKeysFile \(directory)/authorized_keys
            AllowUsers \(Self.user)
            LogLevel VERBOSE
            Subsystem sftp internal-sftp

            """
        try config.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = ["/usr/sbin/sshd", "-D", "-f", directory + "/sshd_config", "-E", directory + "/sshd.log"]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawn(&pid, "/usr/sbin/sshd", &actions, nil, argv, environ)
        guard rc == 0 else { throw SSHTestFailure( "cannot start sshd: \(rc)") }
        for _ in 0..<250 {
            if LoopbackPort.accepts(port) { return }
            usleep(20_000)
        }
        stop()
        throw SSHTestFailure( "sshd did not start: \(log())")
    }

    func location(_ relative: String) -> BackupTarget.SSHLocation {
        BackupTarget.SSHLocation(account: Self.user, host: "127.0.0.1", port: port, path: files + "/" + relative)
    }

    func knownHosts(_ line: String? = nil) throws -> String {
        let path = directory + "/known_hosts-\(UUID().uuidString.prefix(6))"
        try (line ?? "[127.0.0.1]:\(port) \(hostKeyLine)").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func log() -> String { (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? "" }

    func stop() {
        if pid > 0 {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            for _ in 0..<150 where waitpid(pid, &status, WNOHANG) == 0 { usleep(20_000) }
            pid = 0
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

@Suite(.serialized) struct SFTPBackupClientTests {
    func problem(_ body: () async throws -> Void) async -> RestoreProblem? {
        do {
            try await body()
            return nil
        } catch let problem as RestoreProblem {
            return problem
        } catch {
            return .failed("unexpected \(error)")
        }
    }

    func localFile(_ bytes: Int) throws -> (String, Data) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bk-\(UUID().uuidString.prefix(8)).tgz").path
        let data = Data((0..<bytes).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try data.write(to: URL(fileURLWithPath: path))
        return (path, data)
    }

    @Test func passwordAndPinnedFingerprintIntoNewFolders() async throws {
        let server = try BackupSSHServer()
        defer { server.stop() }
        let (file, data) = try localFile(300_000)
        defer { unlink(file) }
        let credentials = SFTPCredentials(authentication: .password(server.password), hostKey: .fingerprint(server.fingerprint))
        let location = server.location("new/deep/dir/acme.tgz")
        try await SFTPBackupClient.upload(file, to: location, credentials: credentials)
        #expect(try Data(contentsOf: URL(fileURLWithPath: location.path)) == data)
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.files + "/new/deep/dir") == ["acme.tgz"],
                "no .part- file left")
        // A second upload replaces the file.
        let (second, secondData) = try localFile(1_000)
        defer { unlink(second) }
        try await SFTPBackupClient.upload(second, to: location, credentials: credentials)
        #expect(try Data(contentsOf: URL(fileURLWithPath: location.path)) == secondData)
        let back = file + ".back"
        defer { unlink(back) }
        try await SFTPBackupClient.download(location, to: back, credentials: credentials)
        #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == secondData)
        #expect(server.log().contains("Accepted password for \(BackupSSHServer.user)"))
    }

    @Test func privateKeyAndKnownHostsFile() async throws {
        let server = try BackupSSHServer()
        defer { server.stop() }
        let (file, data) = try localFile(70_000)
        defer { unlink(file) }
        let credentials = SFTPCredentials(
            authentication: .privateKey(server.clientKey, passphrase: nil), hostKey: .knownHosts(try server.knownHosts()))
        try await SFTPBackupClient.upload(file, to: server.location("k/acme.tgz"), credentials: credentials)
        #expect(try Data(contentsOf: URL(fileURLWithPath: server.files + "/k/acme.tgz")) == data)
        #expect(server.log().contains("Accepted publickey for \(BackupSSHServer.user)"))
    }

    @Test func anUnpinnedOrWrongHostIsRefusedBeforeAnyCredentialIsSent() async throws {
        let server = try BackupSSHServer()
        defer { server.stop() }
        let (file, _) = try localFile(10)
        defer { unlink(file) }
        let wrong = "SHA256:" + String(repeating: "A", count: 43)
        let refused = await problem {
            try await SFTPBackupClient.upload(
                file, to: server.location("x.tgz"),
                credentials: SFTPCredentials(authentication: .password(server.password), hostKey: .fingerprint(wrong)))
        }
        #expect(refused?.code == "cannot-connect")
        #expect(refused?.description.contains(server.fingerprint) == true, "\(String(describing: refused))")
        let otherHost = try server.knownHosts("[127.0.0.1]:\(server.port) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        let mismatch = await problem {
            try await SFTPBackupClient.upload(
                file, to: server.location("x.tgz"),
                credentials: SFTPCredentials(authentication: .password(server.password), hostKey: .knownHosts(otherHost)))
        }
        #expect(mismatch?.code == "cannot-connect" && mismatch?.description.contains("possible impostor") == true,
                "\(String(describing: mismatch))")
        let unknown = try server.knownHosts("[127.0.0.2]:22 \(server.hostKeyLine)")
        let notFound = await problem {
            try await SFTPBackupClient.upload(
                file, to: server.location("x.tgz"),
                credentials: SFTPCredentials(authentication: .password(server.password), hostKey: .knownHosts(unknown)))
        }
        #expect(notFound?.code == "cannot-connect" && notFound?.description.contains("not in the known-hosts") == true)
        #expect(!server.log().contains("password for"), "no password was ever offered to the unpinned host")
        #expect(!FileManager.default.fileExists(atPath: server.files + "/x.tgz"))
    }

    @Test func wrongPasswordMissingFileAndNoServer() async throws {
        let server = try BackupSSHServer()
        defer { server.stop() }
        let (file, _) = try localFile(10)
        defer { unlink(file) }
        let wrongPassword = "wrong-" + UUID().uuidString
        let denied = await problem {
            try await SFTPBackupClient.upload(
                file, to: server.location("x.tgz"),
                credentials: SFTPCredentials(authentication: .password(wrongPassword), hostKey: .fingerprint(server.fingerprint)))
        }
        #expect(denied?.code == "cannot-connect")
        #expect(denied?.description.contains(wrongPassword) == false)
        let good = SFTPCredentials(authentication: .password(server.password), hostKey: .fingerprint(server.fingerprint))
        let missing = await problem {
            try await SFTPBackupClient.download(server.location("nothing/here.tgz"), to: file + ".x", credentials: good)
        }
        #expect(missing?.code == "file-missing", "\(String(describing: missing))")
        let port = try LoopbackPort.free()
        let nobody = await problem {
            try await SFTPBackupClient.upload(
                file, to: BackupTarget.SSHLocation(account: "x", host: "127.0.0.1", port: port, path: "/x.tgz"), credentials: good)
        }
        #expect(nobody?.code == "cannot-connect")
    }
}
