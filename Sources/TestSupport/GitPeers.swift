import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Real git servers on loopback for the private-repository tests (issue 17), started by the tests themselves:
/// OpenSSH `sshd` with `git-shell` as the login shell of a dedicated user, and `git http-backend` behind a small
/// TLS server (Python's `http.server` + `ssl`) with a certificate from a throwaway CA made with openssl.
public enum GitPeers {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// A fresh folder under the temporary directory, readable by every user (sshd's `git-shell` user reads it).
    public static func folder(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        chmod(url.path, 0o755)
        return url
    }

    /// Runs git with `arguments` in `directory`; throws with git's stderr on failure.
    @discardableResult
    public static func git(_ arguments: [String], in directory: URL? = nil) throws -> String {
        let result = try runProcess(
            "/usr/bin/git",
            ["-c", "user.name=Alice Operator", "-c", "user.email=alice@example.com", "-c", "init.defaultBranch=main",
             "-c", "safe.directory=*"] + arguments,
            in: directory)
        guard result.status == 0 else { throw Failure("git \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A bare repository `name.git` under `root`, holding one commit of `files` on `main`; returns its path and the
    /// work tree used to make further commits (``commit(_:in:message:)``).
    public static func bareRepository(named name: String, under root: URL, files: [String: String]) throws
        -> (bare: URL, work: URL)
    {
        let bare = root.appendingPathComponent(name + ".git")
        let work = root.appendingPathComponent(name + "-work")
        try git(["init", "--bare", "-q", bare.path])
        try git(["init", "-q", work.path])
        try commit(files, in: work, message: "first")
        try git(["remote", "add", "origin", bare.path], in: work)
        try git(["push", "-q", "origin", "HEAD:refs/heads/main"], in: work)
        try makeReadable(root)
        return (bare, work)
    }

    /// Writes `files` in `work`, commits them and returns the commit id.
    @discardableResult
    public static func commit(_ files: [String: String], in work: URL, message: String) throws -> String {
        for (path, text) in files {
            let url = work.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try git(["add", "-A"], in: work)
        try git(["commit", "-q", "-m", message], in: work)
        return try git(["rev-parse", "HEAD"], in: work)
    }

    /// Commits `files` in `work` and pushes them to the bare repository's `branch`; returns the commit id.
    @discardableResult
    public static func push(_ files: [String: String], in work: URL, branch: String = "main", message: String) throws
        -> String
    {
        let id = try commit(files, in: work, message: message)
        try git(["push", "-q", "origin", "HEAD:refs/heads/\(branch)"], in: work)
        return id
    }

    /// `chmod -R a+rX`: the git-shell user must read what root wrote.
    public static func makeReadable(_ folder: URL) throws {
        let result = try runProcess("/bin/chmod", ["-R", "a+rX", folder.path])
        guard result.status == 0 else { throw Failure("chmod: \(result.stderr)") }
    }

    /// An ed25519 key pair made by ssh-keygen (OpenSSH format, no passphrase): private key text and public line.
    public static func keyPair(in folder: URL, name: String) throws -> (privateKey: String, publicKey: String) {
        let path = folder.appendingPathComponent(name).path
        let made = try runProcess("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
        guard made.status == 0 else { throw Failure("ssh-keygen: \(made.stderr)") }
        return (
            try String(contentsOfFile: path, encoding: .utf8),
            try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        )
    }

    /// Starts `arguments[0]` with posix_spawn (Foundation's `Process` on Linux can block its monitor thread on a
    /// long-lived daemon), stdin from /dev/null and stdout/stderr to `log`.
    public static func spawn(_ arguments: [String], log: String, environment: [String: String]? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc: Int32
        if let environment {
            let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { envp.forEach { free($0) } }
            rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        } else {
            rc = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        }
        guard rc == 0 else { throw Failure("cannot start \(arguments[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Stops a spawned process (SIGTERM, then SIGKILL) and reaps it.
    public static func stop(_ pid: pid_t) {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<100 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }
}

/// OpenSSH's `sshd` on 127.0.0.1 letting the user `cmsgit` (login shell `git-shell`) in with the keys of
/// ``authorize(_:)``: `ssh://cmsgit@127.0.0.1:PORT/<path>.git` reaches any repository under ``root``.
public final class GitSSHServer: @unchecked Sendable {
    public static let user = "cmsgit"
    /// Created once per test process (needs root, as the other sshd peers of the suite).
    static let userSetup: Result<Void, GitPeers.Failure> = {
        if (try? runProcess("/usr/bin/id", ["-u", user]))?.status != 0 {
            let made = try? runProcess(
                "/usr/sbin/useradd", ["--create-home", "--shell", "/usr/bin/git-shell", user])
            guard made?.status == 0 else {
                return .failure(GitPeers.Failure("cannot create \(user) (needs root): \(made?.stderr ?? "")"))
            }
        }
        // OpenSSH without PAM refuses a locked account ("!" password); "*" is no password but not locked.
        _ = try? runProcess("/usr/sbin/usermod", ["-p", "*", user])
        // Repositories belong to root: let the user's git read them.
        let home = "/home/\(user)"
        try? "[safe]\n\tdirectory = *\n".write(toFile: home + "/.gitconfig", atomically: true, encoding: .utf8)
        chmod(home + "/.gitconfig", 0o644)
        return .success(())
    }()

    /// Repositories live here.
    public let root: URL
    public let port: Int
    /// The server's host key: its public line and OpenSSH SHA-256 fingerprint.
    public let hostKeyLine: String
    public let hostKeyFingerprint: String
    private let folder: URL
    private var pid: pid_t = 0

    public init() throws {
        try Self.userSetup.get()
        folder = try GitPeers.folder("cms-git-sshd")
        root = folder.appendingPathComponent("repos")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let path = folder.path
        let keygen = try runProcess(
            "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "git-host", "-f", "\(path)/host_ed25519"])
        guard keygen.status == 0 else { throw GitPeers.Failure("ssh-keygen: \(keygen.stderr)") }
        hostKeyLine = try String(contentsOfFile: "\(path)/host_ed25519.pub", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let listed = try runProcess("/usr/bin/ssh-keygen", ["-l", "-E", "sha256", "-f", "\(path)/host_ed25519.pub"])
        guard listed.status == 0, let fingerprint = listed.stdout.split(separator: " ").dropFirst().first else {
            throw GitPeers.Failure("ssh-keygen -l: \(listed.stderr)")
        }
        hostKeyFingerprint = String(fingerprint)
        FileManager.default.createFile(atPath: "\(path)/authorized_keys", contents: Data())
        chmod("\(path)/authorized_keys", 0o644)
        port = try LoopbackPort.free()
        let config = """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(path)/host_ed25519
            PidFile \(path)/sshd.pid
            UsePAM no
            StrictModes no
            PermitRootLogin no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AuthorizedKeysFile \(path)/authorized_keys
            AllowUsers \(Self.user)
            LogLevel VERBOSE

            """
        try config.write(toFile: "\(path)/sshd_config", atomically: true, encoding: .utf8)
        // Only the repositories are made world-readable: sshd refuses a host key others can read.
        try GitPeers.makeReadable(root)
        pid = try GitPeers.spawn(
            ["/usr/sbin/sshd", "-D", "-f", "\(path)/sshd_config", "-E", "\(path)/sshd.log"], log: "\(path)/stdout.log")
        for _ in 0..<250 {
            if LoopbackPort.accepts(port) { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(20_000)
        }
        let log = log()
        stop()
        throw GitPeers.Failure("sshd did not start; log: \(log)")
    }

    /// Lets the holder of `publicKeyLine` in (appends to the server's authorized_keys).
    public func authorize(_ publicKeyLine: String) throws {
        let file = folder.appendingPathComponent("authorized_keys")
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((publicKeyLine + "\n").utf8))
    }

    /// The `ssh://` URL of a repository under ``root``.
    public func url(_ repository: URL) -> String { "ssh://\(Self.user)@127.0.0.1:\(port)\(repository.path)" }

    /// A known_hosts file naming this server (`[127.0.0.1]:PORT key`), written in `folder`.
    public func knownHostsFile(in folder: URL, hashed: Bool = false) throws -> String {
        let path = folder.appendingPathComponent("known_hosts-\(port)").path
        try "[127.0.0.1]:\(port) \(hostKeyLine)\n".write(toFile: path, atomically: true, encoding: .utf8)
        if hashed {
            let result = try runProcess("/usr/bin/ssh-keygen", ["-H", "-f", path])
            guard result.status == 0 else { throw GitPeers.Failure("ssh-keygen -H: \(result.stderr)") }
        }
        return path
    }

    public func log() -> String {
        (try? String(contentsOf: folder.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? ""
    }

    public func stop() {
        GitPeers.stop(pid)
        pid = 0
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { if pid > 0 { stop() } }
}

/// A throwaway CA and a server certificate for `localhost` it signed (openssl).
public struct GitTestCA: Sendable {
    public let folder: URL
    public var caFile: String { folder.appendingPathComponent("ca.pem").path }
    public var certFile: String { folder.appendingPathComponent("server.pem").path }
    public var keyFile: String { folder.appendingPathComponent("server.key").path }

    public init(name: String = "cms git test CA") throws {
        folder = try GitPeers.folder("cms-git-ca")
        let dir = folder.path
        try "subjectAltName=DNS:localhost\n".write(toFile: dir + "/ext.cnf", atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/ca.key", "-out", dir + "/ca.pem",
             "-days", "2", "-subj", "/CN=\(name)"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/server.key", "-out", dir + "/server.csr",
             "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", dir + "/server.csr", "-CA", dir + "/ca.pem", "-CAkey", dir + "/ca.key",
             "-CAcreateserial", "-out", dir + "/server.pem", "-days", "2", "-extfile", dir + "/ext.cnf"],
        ]
        for step in steps {
            let result = try runProcess("/usr/bin/openssl", step)
            guard result.status == 0 else { throw GitPeers.Failure("openssl \(step[0]): \(result.stderr)") }
        }
    }
}

/// `git http-backend` (smart HTTP) behind a TLS server on 127.0.0.1 that wants HTTP Basic `user:token` — what a
/// forge's HTTPS clone URL with an access token is. `https://localhost:PORT/<name>.git` serves `root/<name>.git`.
public final class GitHTTPSServer: @unchecked Sendable {
    public let root: URL
    public let port: Int
    public let ca: GitTestCA
    private let folder: URL
    private var pid: pid_t = 0

    /// The server's script: Python's http.server wrapped in ssl, each request handed to git http-backend (CGI).
    static let script = #"""
        import base64, http.server, os, ssl, subprocess, sys
        root, port_file, cert, key, user, token = sys.argv[1:7]
        expected = "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self): self.git()
            def do_POST(self): self.git()
            def log_message(self, fmt, *args): sys.stderr.write("%s %s\n" % (self.command, self.path))

            def body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    data = b""
                    while True:
                        size = int(self.rfile.readline().strip().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return data
                        data += self.rfile.read(size)
                        self.rfile.readline()
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def git(self):
                data = self.body()
                if self.headers.get("Authorization", "") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="git"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path, _, query = self.path.partition("?")
                env = {"GIT_PROJECT_ROOT": root, "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path,
                       "QUERY_STRING": query, "REQUEST_METHOD": self.command, "REMOTE_USER": user,
                       "REMOTE_ADDR": "127.0.0.1", "GATEWAY_INTERFACE": "CGI/1.1", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                       "CONTENT_TYPE": self.headers.get("Content-Type", ""), "CONTENT_LENGTH": str(len(data)),
                       "HTTP_GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
                       "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "safe.directory", "GIT_CONFIG_VALUE_0": "*"}
                out = subprocess.run(["/usr/bin/git", "http-backend"], input=data, env=env, capture_output=True).stdout
                head, _, payload = out.partition(b"\r\n\r\n")
                status, headers = 200, []
                for line in head.split(b"\r\n"):
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "status":
                        status = int(value.strip().split()[0])
                    elif name:
                        headers.append((name, value.strip()))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        with open(port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.rename(port_file + ".tmp", port_file)
        server.serve_forever()
        """#

    public init(username: String, token: String) throws {
        ca = try GitTestCA()
        folder = try GitPeers.folder("cms-git-https")
        root = folder.appendingPathComponent("repos")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let scriptPath = folder.appendingPathComponent("server.py").path
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let portFile = folder.appendingPathComponent("port").path
        pid = try GitPeers.spawn(
            ["/usr/bin/python3", scriptPath, root.path, portFile, ca.certFile, ca.keyFile, username, token],
            log: folder.appendingPathComponent("server.log").path)
        var found: Int?
        for _ in 0..<500 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                found = value
                break
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(20_000)
        }
        guard let found else {
            let log = (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
            GitPeers.stop(pid)
            throw GitPeers.Failure("the HTTPS git server did not start: \(log)")
        }
        port = found
    }

    /// The `https://localhost:PORT/<name>.git` URL of a repository under ``root``.
    public func url(_ repository: URL) -> String { "https://localhost:\(port)/\(repository.lastPathComponent)" }

    public func log() -> String {
        (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    public func stop() {
        GitPeers.stop(pid)
        pid = 0
        try? FileManager.default.removeItem(at: folder)
        try? FileManager.default.removeItem(at: ca.folder)
    }

    deinit { if pid > 0 { stop() } }
}
