import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real mail servers on loopback for the mail tests, started by the tests themselves: aiosmtpd (Debian
/// `python3-aiosmtpd`, `Scripts/smtp_server.py`) and Dovecot's POP3 (Debian `dovecot-pop3d`), plus a throwaway CA
/// made with openssl.
enum MailPeers {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")
    /// Debian's python3-aiosmtpd is for the system interpreter (the `python3` first on PATH may be another one).
    static let python = "/usr/bin/python3"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func temporaryFolder(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Ends a peer: SIGTERM, then SIGKILL after 2 s (a child may inherit a signal mask that blocks SIGTERM from
    /// the test runner's thread).
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits (polling, real time: the peer is a separate process) until `condition` holds.
    static func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: () -> Bool) throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw Failure(description: "timed out waiting for \(what)") }
            usleep(50_000)
        }
    }
}

/// A self-signed CA and a server certificate for 127.0.0.1 / localhost it signed.
struct TestCA {
    let folder: URL
    var caFile: String { folder.appendingPathComponent("ca.pem").path }
    var certFile: String { folder.appendingPathComponent("server.pem").path }
    var keyFile: String { folder.appendingPathComponent("server.key").path }

    init() throws {
        folder = try MailPeers.temporaryFolder("mail-ca")
        let dir = folder.path
        try FileManager.default.createFile(
            atPath: dir + "/ext.cnf", contents: Data("subjectAltName=IP:127.0.0.1,DNS:localhost\n".utf8))
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/ca.key", "-out", dir + "/ca.pem",
             "-days", "2", "-subj", "/CN=cms mail test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/server.key", "-out", dir + "/server.csr",
             "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.pem", "-CAkey", dir + "/ca.key",
             "-CAcreateserial", "-out", dir + "/server.pem", "-days", "2", "-extfile", dir + "/ext.cnf"],
        ]
        for step in steps {
            let result = try runProcess("/usr/bin/openssl", step)
            guard result.status == 0 else { throw MailPeers.Failure(description: "openssl \(step[0]): \(result.stderr)") }
        }
    }
}

/// aiosmtpd on 127.0.0.1 writing every accepted message to a folder.
final class SMTPPeer: @unchecked Sendable {
    struct Options {
        var auth: (user: String, password: String)?
        var starttls: TestCA?
        /// POP-before-SMTP: accept MAIL only after Dovecot (this log) logged `auth.user` in from the client's address.
        var popLog: String?
        var rejectRecipients = false
    }

    let port: Int
    let maildir: URL
    private let process: Process

    init(_ options: Options = Options(), port: Int? = nil) throws {
        self.port = try port ?? LoopbackPort.free()
        maildir = try MailPeers.temporaryFolder("smtp-peer")
        let ready = maildir.appendingPathComponent("ready").path
        var arguments = [
            MailPeers.scripts.appendingPathComponent("smtp_server.py").path, "--port", String(self.port),
            "--maildir", maildir.path, "--ready", ready,
        ]
        if let auth = options.auth {
            arguments += ["--user", auth.user, "--password", auth.password]
            if options.popLog == nil { arguments += ["--auth", "login-plain"] }
        }
        if let ca = options.starttls { arguments += ["--tls", "starttls", "--cert", ca.certFile, "--key", ca.keyFile] }
        if let popLog = options.popLog { arguments += ["--pop-log", popLog] }
        if options.rejectRecipients { arguments.append("--reject-rcpt") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: MailPeers.python)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(
            forWritingTo: {
                let url = maildir.appendingPathComponent("stderr.log")
                FileManager.default.createFile(atPath: url.path, contents: nil)
                return url
            }())
        try process.run()
        let port = self.port
        try MailPeers.waitFor("aiosmtpd on port \(port)") {
            FileManager.default.fileExists(atPath: ready) && LoopbackPort.accepts(port)
        }
    }

    /// The messages accepted so far, in order (raw bytes).
    func messages() throws -> [Data] {
        let names = try FileManager.default.contentsOfDirectory(atPath: maildir.path).filter { $0.hasSuffix(".eml") }
            .sorted()
        return try names.map { try Data(contentsOf: maildir.appendingPathComponent($0)) }
    }

    func messageFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: maildir.path).filter { $0.hasSuffix(".eml") }.sorted()
            .map { maildir.appendingPathComponent($0).path }
    }

    func stop() { MailPeers.stop(process) }

    deinit { stop() }
}

/// Dovecot's POP3 server, unprivileged (as `nobody` when the tests run as root), with its configuration, state and
/// log in a temporary folder and one user in a passwd-file.
final class DovecotPeer: @unchecked Sendable {
    let port: Int
    let folder: URL
    var logFile: String { folder.appendingPathComponent("dovecot.log").path }
    private let process: Process

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot") }

    init(user: String, password: String) throws {
        port = try LoopbackPort.free()
        folder = try MailPeers.temporaryFolder("dovecot-peer")
        let dir = folder.path
        for sub in ["run", "state", "home"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        let root = getuid() == 0
        let account = root ? "nobody" : (ProcessInfo.processInfo.environment["USER"] ?? "nobody")
        let group = root ? "nogroup" : String(getgid())
        try FileManager.default.createFile(
            atPath: dir + "/passwd", contents: Data("\(user):{PLAIN}\(password)::::::\n".utf8))
        let logFile = dir + "/dovecot.log"
        FileManager.default.createFile(atPath: logFile, contents: nil)
        let configuration = """
            base_dir = \(dir)/run
            state_dir = \(dir)/state
            log_path = \(logFile)
            protocols = pop3
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_internal_user = \(account)
            default_internal_group = \(group)
            default_login_user = \(account)
            mail_location = maildir:\(dir)/home/%u/Maildir
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(dir)/passwd
            }
            userdb {
              driver = static
              args = uid=\(root ? "nobody" : String(getuid())) gid=\(group) home=\(dir)/home/%u
            }
            service pop3-login {
              chroot =
              inet_listener pop3 {
                address = 127.0.0.1
                port = \(port)
              }
            }
            service imap-login {
              chroot =
            }
            service anvil {
              chroot =
            }

            """
        try Data(configuration.utf8).write(to: folder.appendingPathComponent("dovecot.conf"))
        process = Process()
        if root {
            _ = try runProcess("/bin/chown", ["-R", "nobody:nogroup", dir])
            _ = try runProcess("/bin/chmod", ["755", dir])
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = [
                "--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/sbin/dovecot", "-F", "-c",
                dir + "/dovecot.conf",
            ]
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/dovecot")
            process.arguments = ["-F", "-c", dir + "/dovecot.conf"]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let port = self.port
        try MailPeers.waitFor("dovecot on port \(port)") { LoopbackPort.accepts(port) }
    }

    /// Dovecot's log so far.
    func log() -> String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    func stop() { MailPeers.stop(process) }

    deinit { stop() }
}

/// Python's `email` package reads a message as a mail client would: the decoded subject, body and headers.
struct DecodedMail: Decodable {
    var subject: String
    var body: String
    var messageID: String
    var date: String
    var from: String
    var to: String
    var contentType: String

    static func decode(_ file: String) throws -> DecodedMail {
        let script = """
            import email, email.policy, json, sys
            with open(sys.argv[1], 'rb') as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            json.dump({'subject': str(m['subject']), 'body': m.get_content().replace('\\r\\n', '\\n'), 'messageID': str(m['message-id']),
                       'date': str(m['date']), 'from': str(m['from']), 'to': str(m['to']),
                       'contentType': m.get_content_type()}, sys.stdout, ensure_ascii=False)
            """
        let result = try runProcess(MailPeers.python, ["-c", script, file])
        guard result.status == 0 else { throw MailPeers.Failure(description: "python email: \(result.stderr)") }
        return try JSONDecoder().decode(DecodedMail.self, from: Data(result.stdout.utf8))
    }
}
