import ArgumentParser
import Foundation
import Logging
import NETCONF
import NETCONFClient

/// What every `cms netconf` subcommand needs to reach the device.
struct NetconfConnectionOptions: ParsableArguments {
    @Argument(help: "Device address (IPv4 or IPv6 literal).")
    var host: String

    @Option(help: "NETCONF-over-SSH port.")
    var port: Int = 830

    @Option(help: "SSH user (default: $USER).")
    var user: String?

    @Option(help: "Private key file (OpenSSH or PEM; ed25519, ECDSA or RSA). Default: ~/.ssh/id_ed25519.")
    var key: String?

    @Option(help: "Name of an environment variable holding the password (password authentication).")
    var passwordEnv: String?

    @Option(help: "Trusted host-key fingerprint (SHA256:…, as `ssh-keygen -lf` prints it); repeatable.")
    var pin: [String] = []

    @Flag(help: "Trust the host key the device presents now (prints its fingerprint to stderr).")
    var acceptNew = false

    @Option(help: "Seconds to wait for each reply.")
    var timeout: Int = 60

    @Flag(help: "Log the session's progress to stderr.")
    var verbose = false

    func validate() throws {
        if key != nil && passwordEnv != nil {
            throw ValidationError("give either --key or --password-env, not both")
        }
        if !pin.isEmpty && acceptNew {
            throw ValidationError("give either --pin or --accept-new, not both")
        }
        if !(1...65535).contains(port) {
            throw ValidationError("--port must be in 1...65535")
        }
        if timeout < 1 {
            throw ValidationError("--timeout must be at least 1 second")
        }
    }

    /// Opens the session, or prints why not (to stderr) and exits with status 2.
    func connect() async throws -> NETCONFSession {
        let auth = try authentication()
        let seen = SeenHostKey()
        let policy: HostKeyPolicy
        if !pin.isEmpty {
            policy = .pinned(pin)
        } else if acceptNew {
            policy = HostKeyPolicy { key in
                await seen.set(key)
                return .accept
            }
        } else {
            policy = HostKeyPolicy { key in
                await seen.set(key)
                return .reject(reason: "no --pin given")
            }
        }
        var logger = Logger(label: "cms.netconf") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .error
        do {
            let session = try await NETCONFSession.connect(
                host: host, port: port, username: user ?? ProcessInfo.processInfo.environment["USER"] ?? "root",
                auth: auth, hostKey: policy,
                timeouts: NETCONFTimeouts(rpc: .seconds(timeout)), logger: logger)
            if acceptNew, let key = await seen.key {
                printError(
                    "accepted host key \(key.type.rawValue) \(key.fingerprint) "
                        + "(pin it next time: --pin \(key.fingerprint))")
            }
            return session
        } catch let error as NETCONFClientError {
            if error.code == .hostKeyRejected, pin.isEmpty, let key = await seen.key {
                printError(
                    """
                    The device \(host):\(port) presents host key \(key.type.rawValue) \(key.fingerprint).
                    Check it out of band, then re-run with --pin \(key.fingerprint) (or --accept-new to trust it now).
                    """)
            } else {
                printError("error: \(error)")
            }
            throw ExitCode(2)
        }
    }

    private func authentication() throws -> SSHAuthentication {
        if let passwordEnv {
            guard let password = ProcessInfo.processInfo.environment[passwordEnv], !password.isEmpty else {
                throw ValidationError("environment variable \(passwordEnv) (from --password-env) is not set")
            }
            return .password(password)
        }
        let path = key ?? (NSHomeDirectory() + "/.ssh/id_ed25519")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read the private key file \(path); give --key FILE or --password-env VAR")
        }
        return .publicKey(privateKey: text)
    }
}

/// The host key the policy saw (to show the user what to pin).
actor SeenHostKey {
    private(set) var key: SSHHostKey?
    func set(_ key: SSHHostKey) { self.key = key }
}

/// Writes a line to stderr.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
