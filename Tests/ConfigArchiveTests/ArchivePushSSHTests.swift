import ConfigArchive
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// OpenSSH sshd on a free loopback port whose only user has `git-shell` as its login shell and one authorised
/// public key: a git server as a hosting service runs it, reachable only with the key.
final class GitShellServer: @unchecked Sendable {
    static let user = "cmsarchivegit"
    static let userSetup: Result<Void, GitServerError> = {
        if (try? runProcess("/usr/bin/id", ["-u", user]))?.status != 0 {
            let made = try? runProcess("/usr/sbin/useradd", ["--create-home", "--shell", "/usr/bin/git-shell", user])
            guard made?.status == 0 else {
                return .failure(GitServerError("cannot create \(user) (needs root): \(made?.stderr ?? "")"))
            }
        }
        // An account without a password is locked for sshd; a random one it never uses unlocks it for keys.
        let script = "echo '\(user):k-\(UUID().uuidString)' | /usr/sbin/chpasswd"
        guard (try? runProcess("/bin/sh", ["-c", script]))?.status == 0 else {
            return .failure(GitServerError("cannot unlock \(user)"))
        }
        return .success(())
    }()

    let directory: String
    let repository: String
    let port: Int
    let clientKey: String
    let fingerprint: String
    var pid: pid_t = 0

    init() throws {
        try Self.userSetup.get()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cms-gitssh-\(UUID().uuidString.prefix(8))").path
        repository = directory + "/configs.git"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        chmod(directory, 0o755)
        for (name, comment) in [("host_ed25519", "host"), ("client_ed25519", "cmsd")] {
            let made = try runProcess(
                "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", "\(directory)/\(name)"])
            guard made.status == 0 else { throw GitServerError("ssh-keygen: \(made.stderr)") }
        }
        clientKey = try String(contentsOfFile: directory + "/client_ed25519", encoding: .utf8)
        try FileManager.default.copyItem(atPath: directory + "/client_ed25519.pub", toPath: directory + "/authorized_keys")
        chmod(directory + "/authorized_keys", 0o644)
        let printed = try runProcess("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", directory + "/host_ed25519.pub"])
        fingerprint = String(printed.stdout.split(separator: " ")[1])
        let initialised = try runProcess("/usr/bin/git", ["init", "--bare", "-q", "-b", "main", repository])
        guard initialised.status == 0 else { throw GitServerError("git init: \(initialised.stderr)") }
        let owned = try runProcess("/bin/chown", ["-R", Self.user, repository])
        guard owned.status == 0 else { throw GitServerError("chown: \(owned.stderr)") }
        port = try LoopbackPort.free()
        let config = """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(directory)/host_ed25519
            PidFile \(directory)/sshd.pid
            UsePAM no
            StrictModes no
            PermitRootLogin no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AuthorizedKeysFile \(directory)/authorized_keys
            AllowUsers \(Self.user)
            LogLevel VERBOSE

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
        guard rc == 0 else { throw GitServerError("cannot start sshd: \(rc)") }
        for _ in 0..<250 {
            if LoopbackPort.accepts(port) { return }
            usleep(20_000)
        }
        stop()
        throw GitServerError("sshd did not start: \(log())")
    }

    var url: String { "ssh://\(Self.user)@127.0.0.1:\(port)\(repository)" }

    func log() -> String { (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? "" }

    func git(_ arguments: [String]) throws -> String {
        let result = try runProcess("/usr/bin/git", ["-c", "safe.directory=*", "-C", repository] + arguments)
        guard result.status == 0 else { throw GitServerError("git \(arguments): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

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

/// Pushing the archive over SSH with a key and a pinned host key, to a real sshd whose user runs `git-shell`.
@Suite(.serialized) struct ArchivePushSSHTests {
    static let xml = Array("<data><system><hostname>nxr-1</hostname></system></data>\n".utf8)

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("archive-ssh-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func everyNewCommitIsPushedWithTheKeyToThePinnedServer() async throws {
        let server = try GitShellServer()
        defer { server.stop() }
        let target = ArchivePushTarget(url: server.url, privateKey: server.clientKey, hostKey: server.fingerprint)
        let archive = try ConfigArchive(path: try folder() + "/a.git", push: target)
        let first = try #require(
            try await archive.record(device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 1))
        let pushError = await archive.lastPushError
        #expect(pushError == nil, "\(pushError ?? "") — sshd: \(server.log())")
        #expect(try server.git(["rev-parse", "refs/heads/main"]) == first.id)
        let batch = try #require(
            try await archive.record(
                [ArchiveEntry(device: "nxr-2", files: [.xml: Self.xml]), ArchiveEntry(device: "nxr-3", files: [.xml: Self.xml])],
                note: ArchiveNote(reason: .connected), time: 2))
        #expect(try server.git(["rev-parse", "refs/heads/main"]) == batch.commit.id, "a batch is pushed too")
        #expect(try server.git(["show", "main:nxr-3/running.xml"]) + "\n" == String(decoding: Self.xml, as: UTF8.self))
        #expect(server.log().contains("Accepted publickey for \(GitShellServer.user)"), "sshd really took the key")
        #expect(!target.description.contains("PRIVATE KEY"), "the key is never in a description")
    }

    @Test func aServerWithAnotherHostKeyGetsNothing() async throws {
        let server = try GitShellServer()
        defer { server.stop() }
        let wrong = "SHA256:" + String(repeating: "A", count: 43)
        let archive = try ConfigArchive(
            path: try folder() + "/b.git",
            push: ArchivePushTarget(url: server.url, privateKey: server.clientKey, hostKey: wrong))
        let mine = try await archive.record(device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 1)
        #expect(mine != nil, "the local commit stands")
        let error = try #require(await archive.lastPushError)
        #expect(error.contains("host key \(server.fingerprint) is not the pinned \(wrong)"), "\(error)")
        #expect(!server.log().contains("Accepted publickey"), "no key was offered to an unknown server")
        #expect(throws: GitServerError.self) { try server.git(["rev-parse", "--verify", "refs/heads/main"]) }

        // Without a pin an ssh:// push is refused before connecting; with the right pin but a wrong key, sshd says no.
        let unpinned = try ConfigArchive(
            path: try folder() + "/c.git", push: ArchivePushTarget(url: server.url, privateKey: server.clientKey))
        try await unpinned.record(device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 1)
        #expect(await unpinned.lastPushError?.contains("needs its host key pinned") == true)
        let other = try folder() + "/other_ed25519"
        _ = try runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other])
        let stranger = try ConfigArchive(
            path: try folder() + "/d.git",
            push: ArchivePushTarget(
                url: server.url, privateKey: try String(contentsOfFile: other, encoding: .utf8), hostKey: server.fingerprint))
        try await stranger.record(device: "nxr-1", files: [.xml: Self.xml], note: ArchiveNote(reason: .apply), time: 1)
        #expect(await stranger.lastPushError != nil)
        #expect(throws: GitServerError.self) { try server.git(["rev-parse", "--verify", "refs/heads/main"]) }
    }
}

struct GitServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
