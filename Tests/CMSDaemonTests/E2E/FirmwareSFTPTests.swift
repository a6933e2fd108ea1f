import CMSAPI
import CMSDaemon
import CMSModel
import Foundation
import NXRSim
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An `ssh://` image source (SPEC §5) against a real OpenSSH `sshd` (`internal-sftp`, password authentication) on
/// loopback: the password is a secret reference in the tenant's namespace, `cmsd` reads it and hands it to the
/// device in the firmware-update RPC; the simulated devices fetch the image over SFTP, flash and reboot.
@Suite(.serialized, .tags(.peer)) struct FirmwareSFTPTests {
    /// Our own login for this suite (other suites own theirs); its password is random per test process.
    static let user = "cmsfwsftp"
    static let password: Result<String, HarnessError> = {
        if (try? runProcess("/usr/bin/id", ["-u", user]))?.status != 0 {
            let made = try? runProcess("/usr/sbin/useradd", ["--create-home", "--shell", "/bin/sh", user])
            guard made?.status == 0 else { return .failure(HarnessError("cannot create \(user): \(made?.stderr ?? "")")) }
        }
        let password = "fw-" + UUID().uuidString
        let script = "echo '\(user):\(password)' | /usr/sbin/chpasswd"
        let set = try? runProcess("/bin/sh", ["-c", script])
        guard set?.status == 0 else { return .failure(HarnessError("chpasswd: \(set?.stderr ?? "")")) }
        return .success(password)
    }()

    /// sshd with its own config and host key, serving `files/` over SFTP; started with posix_spawn.
    final class SFTPServer: @unchecked Sendable {
        let directory: URL
        let files: URL
        let port: Int
        var pid: pid_t = 0

        init() throws {
            let fm = FileManager.default
            directory = fm.temporaryDirectory.appendingPathComponent("cms-fw-sftp-\(UUID().uuidString.prefix(8))")
            files = directory.appendingPathComponent("files")
            try fm.createDirectory(at: files, withIntermediateDirectories: true)
            try fm.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            chmod(directory.path, 0o755)
            chmod(files.path, 0o755)
            let path = directory.path
            let keygen = try runProcess(
                "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "host", "-f", "\(path)/host_ed25519"])
            guard keygen.status == 0 else { throw HarnessError("ssh-keygen: \(keygen.stderr)") }
            port = try LoopbackPort.free()
            try """
                ListenAddress 127.0.0.1
                Port \(port)
                HostKey \(path)/host_ed25519
                PidFile \(path)/sshd.pid
                UsePAM no
                StrictModes no
                PermitRootLogin no
                PasswordAuthentication yes
                KbdInteractiveAuthentication no
                PubkeyAuthentication no
                AllowUsers \(FirmwareSFTPTests.user)
                Subsystem sftp internal-sftp

                """.write(toFile: "\(path)/sshd_config", atomically: true, encoding: .utf8)
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            let arguments = ["/usr/sbin/sshd", "-D", "-f", "\(path)/sshd_config", "-E", "\(path)/sshd.log"]
            let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            let rc = posix_spawn(&pid, "/usr/sbin/sshd", &actions, nil, argv, environ)
            guard rc == 0 else { throw HarnessError("cannot start sshd: \(String(cString: strerror(rc)))") }
            for _ in 0..<250 {
                if LoopbackPort.accepts(port) { return }
                usleep(20_000)
            }
            stop()
            throw HarnessError("sshd did not start")
        }

        func stop() {
            if pid > 0 {
                kill(pid, SIGTERM)
                var status: Int32 = 0
                for _ in 0..<150 where waitpid(pid, &status, WNOHANG) == 0 { usleep(20_000) }
                pid = 0
            }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func anImageFromAnSSHURLWithASecretPasswordIsFlashed() async throws {
        let password = try Self.password.get()
        setenv("CMS_FW_SFTP_PASSWORD", password, 1)
        let server = try SFTPServer()
        defer { server.stop() }
        let h = try FirmwareHarness(count: 3)
        defer { Task { await h.stop() } }
        try await h.startDaemon()
        try await h.startFleet()
        #expect(await eventuallyTrue(timeout: .seconds(120)) { try await h.connectedCount() == h.count })
        let image = try h.image(version: "6.2.0", size: 300_000)
        let bytes = try Data(contentsOf: image)
        try bytes.write(to: server.files.appendingPathComponent("nxr230.bin"))
        let sha = try runProcess("/usr/bin/sha256sum", [image.path]).stdout.split(separator: " ")[0]
        try h.write(
            "firmware/v62.yaml",
            """
            apiVersion: cms/v1
            kind: Firmware
            name: v62
            product: NXR-230
            version: 6.2.0
            url: ssh://\(Self.user)@127.0.0.1:\(server.port)\(server.files.path)/nxr230.bin
            password: {env: CMS_FW_SFTP_PASSWORD}
            sha256: \(sha)

            """)
        try h.write(
            "groups/all.yaml",
            "apiVersion: cms/v1\nkind: Group\nname: all\nfirmware: {image: v62}\nmembers:\n"
                + h.codes.map { "  - device: \($0)\n" }.joined())
        try h.commit("firmware 6.2.0 over SFTP")
        #expect(await eventuallyTrue(timeout: .seconds(120)) {
            try await h.rollouts().rollouts.first?.phase == "finished"
        })
        let sims = try await h.snapshots()
        for code in h.codes {
            #expect(sims[code]?.identity.firmwareVersion == "6.2.0", "\(code)")
            #expect(sims[code]?.firmwareFlashes == 1)
        }
        // The password never appears in an event.
        let all = try await h.daemon.events.search(EventQuery(tenant: FirmwareHarness.tenant, limit: 100_000))
        #expect(!all.contains { "\($0)".contains(password) })
    }
}
