import ArgumentParser
import Foundation
import TenantKeys

extension TenantKeyType: ExpressibleByArgument {}

/// `cms tenant pubkey --data DIR --tenant CODE [--out FILE]` — prints the tenant's SSH public key (the line to
/// install on every NXR as "SSH key (netconf)"), generating the pair on first use. Exit status: 0 printed,
/// 2 the key is unusable (bad permissions, damaged) or cannot be written.
struct TenantPubkeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pubkey",
        abstract: "Print a tenant's SSH public key, generating the key pair on first use.",
        discussion: """
            The pair lives in DIR/tenants/CODE/ssh/ (folder 0700, private key 0600). The public key's comment is \
            the tenant code. The fingerprint goes to standard error.
            """
    )

    @Option(help: "The server's data folder.")
    var data: String = "./data"

    @Option(help: "The tenant code.")
    var tenant: String

    @Option(help: "Key type: ed25519, or rsa for legacy devices.")
    var type: TenantKeyType = .ed25519

    @Option(help: "Also write the public key line to this file.")
    var out: String?

    func run() throws {
        let pair: TenantKeyPair
        do {
            pair = try TenantKeyStore(dataFolder: data).keyPair(for: tenant, type: type)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let out {
            do {
                try Data((pair.publicKeyLine + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                FileHandle.standardError.write(Data("error: cannot write \(out): \(error.localizedDescription)\n".utf8))
                throw ExitCode(2)
            }
        }
        print(pair.publicKeyLine)
        let note = pair.created ? "generated" : "existing"
        FileHandle.standardError.write(Data("\(note) \(type.rawValue) key \(pair.fingerprint)\n".utf8))
    }
}
