import TestSupport
import Crypto
import Foundation
import Testing
@testable import NXRSim

#if canImport(Glibc)
    import Glibc
#endif

/// firmware-update, config-backup and config-restore over `ssh://` against a real OpenSSH sshd
/// (`internal-sftp`, password authentication) on a free loopback port.
@Suite struct SFTPTransferTests {
    /// OpenSSH sshd with its own config, host key and file folder in a temporary directory.
    final class SFTPServer: @unchecked Sendable {
        /// Our own login (NETCONFClientTests' harness owns `cmstest` and its password).
        static let user = "cmssftp"
        /// Set once per test process; random, never written to a file.
        static let userSetup: Result<String, Shell.Failure> = {
            if (try? Shell.run("/usr/bin/id", ["-u", user]))?.status != 0 {
                let made = try? Shell.run("/usr/sbin/useradd", ["--create-home", "--shell", "/bin/sh", user])
                guard made?.status == 0 else {
                    return .failure(
                        Shell.Failure(description: "cannot create \(user) (needs root): \(made?.stderr ?? "")"))
                }
            }
            let password = "s-" + UUID().uuidString
            let set = try? Shell.run("/usr/sbin/chpasswd", [], stdin: "\(user):\(password)\n")
            guard set?.status == 0 else {
                return .failure(Shell.Failure(description: "cannot set the password of \(user): \(set?.stderr ?? "")"))
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

        init() throws {
            self.password = try Self.userSetup.get()
            let fm = FileManager.default
            self.directory = fm.temporaryDirectory.appendingPathComponent("cms-sftp-\(UUID().uuidString.prefix(8))")
            self.files = self.directory.appendingPathComponent("files")
            try fm.createDirectory(at: self.files, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            chmod(self.directory.path, 0o755)
            chmod(self.files.path, 0o777)
            let path = self.directory.path
            let keygen = try Shell.run(
                "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", "\(path)/host_ed25519"])
            guard keygen.status == 0 else { throw Shell.Failure(description: "ssh-keygen: \(keygen.stderr)") }
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
                PubkeyAuthentication no
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
                throw Shell.Failure(description: "cannot start sshd: \(String(cString: strerror(rc)))")
            }
            for _ in 0..<250 {
                if Self.canConnect(port: self.port) { return }
                var status: Int32 = 0
                if waitpid(self.pid, &status, WNOHANG) == self.pid { break }
                usleep(20_000)
            }
            self.stop()
            throw Shell.Failure(description: "sshd did not start; log: \(self.log())")
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

    func update(_ url: String, _ sha: String, password: String) -> String {
        SSHNetconf.vendor(
            "<firmware-update NXR><url>\(url)</url><password>\(password)</password><sha256>\(sha)</sha256>"
                + "</firmware-update>")
    }

    @Test func firmwareComesOverSFTPAndOnlyAGoodImageReboots() async throws {
        let server = try SFTPServer()
        defer { server.stop() }
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "sftp1", rebootDelay: 0.2)
        let bytes = Array(
            (FirmwareImageHeader(product: "NXR-120", version: "5.27.1").line
                + String(repeating: "firmware", count: 60_000)).utf8)
        try Data(bytes).write(to: server.files.appendingPathComponent("nxr120.bin"))
        let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let url = server.url("nxr120.bin")
        let wrongPassword = "wrong-" + UUID().uuidString

        let refused = try await SSHNetconf.run(
            fleet, device,
            [
                self.update(url, String(repeating: "0", count: 64), password: server.password),
                self.update(url, sha, password: wrongPassword),
                self.update(server.url("missing.bin"), sha, password: server.password),
                SSHNetconf.vendor("<get-syslog NXR/>"),
            ])
        let replies = refused.stdout.components(separatedBy: "]]>]]>")
        try #require(replies.count >= 4, "replies: \(refused.stdout) \(refused.stderr)")
        #expect(replies[1].contains(">failed</transfer>") && replies[1].contains("sha256 mismatch"), "\(replies[1])")
        #expect(
            replies[2].contains(">failed</transfer>") && replies[2].contains("password authentication as cmssftp"),
            "\(replies[2])")
        #expect(!refused.stdout.contains(wrongPassword), "no reply and no log line holds the password")
        #expect(!refused.stdout.contains(server.password))
        #expect(replies[3].contains(">failed</transfer>") && replies[3].contains("no such file"), "\(replies[3])")
        #expect(try await device.snapshot().get().bootCount == 1, "a failed transfer never reboots")
        #expect(replies[4].contains("firmware: transfer failed"), "the syslog tells: \(replies[4])")

        let done = try await SSHNetconf.run(
            fleet, device, [self.update(url, sha, password: server.password)], close: false)
        #expect(
            done.stdout.contains(">done</transfer>") && done.stdout.contains(">5.27.1</version>"), "\(done.stdout)")
        #expect(
            try await SSHNetconf.eventually {
                let snapshot = try await device.snapshot().get()
                return snapshot.bootCount == 2 && snapshot.identity.firmwareVersion == "5.27.1"
                    && snapshot.lifecycle == .running
            })
        #expect(server.log().contains("Accepted password for cmssftp"), "sshd really served it")
    }

    @Test func aBackupUploadsIntoNewFoldersAndRestoresFromThere() async throws {
        let server = try SFTPServer()
        defer { server.stop() }
        let fleet = try TestFleet()
        defer { Task { await fleet.stop() } }
        let device = try await fleet.start(code: "sftp2", rebootDelay: 0.2)
        let url = server.url("new/dir/backup.xml")
        let backup = try await SSHNetconf.run(
            fleet, device,
            [
                SSHNetconf.vendor(
                    "<config-backup NXR><format>xml</format><url>\(url)</url>"
                        + "<password>\(server.password)</password></config-backup>"),
                SSHNetconf.vendor(
                    "<config-backup NXR><url>ssh://\(SFTPServer.user)@192.0.2.1:22/backup.xml</url>"
                        + "<password>\(server.password)</password></config-backup>"),
            ])
        let replies = backup.stdout.components(separatedBy: "]]>]]>")
        try #require(replies.count >= 3, "replies: \(backup.stdout) \(backup.stderr)")
        #expect(replies[1].contains(">done</transfer>"), "\(replies[1])")
        #expect(
            replies[2].contains("invalid-value") && replies[2].contains("only transfers to loopback hosts"),
            "\(replies[2])")
        let fingerprintLine = try Shell.run(
            "/usr/bin/ssh-keygen",
            ["-l", "-E", "sha256", "-f", server.directory.appendingPathComponent("host_ed25519.pub").path])
        let fingerprint = try #require(
            fingerprintLine.stdout.split(separator: " ").first(where: { $0.hasPrefix("SHA256:") }))
        let syslog = try await SSHNetconf.run(fleet, device, [SSHNetconf.vendor("<get-syslog NXR/>")])
        #expect(
            syslog.stdout.contains("sftp host key \(fingerprint) trusted"), "the host key is recorded: \(syslog.stdout)"
        )
        #expect(!syslog.stdout.contains(server.password), "the password is never logged")
        let file = server.files.appendingPathComponent("new/dir/backup.xml")
        let saved = try String(contentsOf: file, encoding: .utf8)
        #expect(saved.contains("<hostname>nxr-sftp2</hostname>"), "\(saved)")

        let edit =
            "<edit-config><target><running/></target><config><system xmlns=\"\(SimModel.namespace)\">"
            + "<hostname>changed</hostname></system></config></edit-config>"
        _ = try await SSHNetconf.run(fleet, device, [edit])
        let changed = try await device.runningTree().get()
        #expect(changed.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "changed")

        let missing = try await SSHNetconf.run(
            fleet, device,
            [
                SSHNetconf.vendor(
                    "<config-restore NXR><url>\(server.url("new/none.xml"))</url>"
                        + "<password>\(server.password)</password></config-restore>")
            ])
        #expect(missing.stdout.contains(">failed</transfer>") && missing.stdout.contains(">false</rebooting>"))
        #expect(try await device.snapshot().get().bootCount == 1)

        let restore = try await SSHNetconf.run(
            fleet, device,
            [
                SSHNetconf.vendor(
                    "<config-restore NXR><url>\(url)</url><password>\(server.password)</password></config-restore>")
            ], close: false)
        #expect(restore.stdout.contains(">true</rebooting>"), "\(restore.stdout)")
        #expect(try await SSHNetconf.eventually { try await device.snapshot().get().bootCount == 2 })
        let running = try await device.runningTree().get()
        #expect(running.child("system", namespace: SimModel.namespace)?.child("hostname")?.text == "nxr-sftp2")
    }

    @Test(arguments: [
        ("ssh://u@10.0.0.1:22/f", "only transfers to loopback hosts"),
        ("ssh://u@example.com/f", "only transfers to loopback hosts"),
        ("ssh://127.0.0.1:22/f", "has no account"),
        ("ssh://u@127.0.0.1:99999/f", "port must be 1-65535"),
        ("ssh://u@127.0.0.1:22", "has no path"),
        ("ssh://u@127.0.0.1:22/a/../etc/shadow", "no '..'"),
        ("ssh://u@127.0.0.1/" + String(repeating: "a", count: 250), "longer than 255"),
    ])
    func badURLsAreRefusedWithAReason(url: String, reason: String) {
        #expect {
            _ = try SFTPTransfer(url: url, password: "secret-pw")
        } throws: { error in
            "\(error)".contains(reason) && !"\(error)".contains("secret-pw")
        }
    }

    @Test func aGoodURLParses() throws {
        let transfer = try SFTPTransfer(url: "ssh://backup@[::1]:2222/configs/nxr01.tgz", password: "pw")
        #expect(transfer.user == "backup" && transfer.host == "::1" && transfer.port == 2222)
        #expect(transfer.path == "/configs/nxr01.tgz")
        #expect(transfer.redacted == "ssh://backup@[::1]:2222/configs/nxr01.tgz")
        #expect(try SFTPTransfer(url: "ssh://b@localhost/x", password: "pw").port == 22)
    }
}
