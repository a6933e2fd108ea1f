import Crypto
import Foundation
import NIOSSH

/// Loads or creates a device's stable ed25519 SSH host key: a raw 32-byte seed file (mode 0600) in its state folder.
public enum DeviceHostKey {
    /// The seed file's name inside a device's state folder.
    public static let fileName = "ssh_host_ed25519.seed"

    /// Returns the key stored at `directory/ssh_host_ed25519.seed`, creating the folder and a new key when absent.
    public static func loadOrCreate(in directory: URL) throws(SimError) -> Curve25519.Signing.PrivateKey {
        let url = directory.appendingPathComponent(Self.fileName)
        if let data = FileManager.default.contents(atPath: url.path) {
            do {
                return try Curve25519.Signing.PrivateKey(rawRepresentation: data)
            } catch {
                throw SimError(
                    code: .badStateFile,
                    message:
                        "\(url.path): not a 32-byte ed25519 seed (\(data.count) bytes); delete it to make a new key")
            }
        }
        return try Self.replace(in: directory)
    }

    /// Writes a brand-new key (used at first start and by the "change host key" fault).
    @discardableResult
    public static func replace(in directory: URL) throws(SimError) -> Curve25519.Signing.PrivateKey {
        let key = Curve25519.Signing.PrivateKey()
        let url = directory.appendingPathComponent(Self.fileName)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: url)
            guard
                FileManager.default.createFile(
                    atPath: url.path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o600])
            else {
                throw SimError(code: .badStateFile, message: "\(url.path): cannot write the host key")
            }
        } catch let error as SimError {
            throw error
        } catch {
            throw SimError(code: .badStateFile, message: "\(directory.path): cannot create the state folder: \(error)")
        }
        return key
    }

    /// The public half in OpenSSH format (`ssh-ed25519 AAAA…`), e.g. for a known_hosts line.
    public static func openSSHPublicKey(_ key: Curve25519.Signing.PrivateKey) -> String {
        String(openSSHPublicKey: NIOSSHPrivateKey(ed25519Key: key).publicKey)
    }

    /// The OpenSSH fingerprint of the public half: `SHA256:` + unpadded base64 of the SHA-256 of the key blob.
    public static func fingerprint(_ key: Curve25519.Signing.PrivateKey) -> String {
        let fields = openSSHPublicKey(key).split(separator: " ")
        let blob = fields.count > 1 ? Data(base64Encoded: String(fields[1])) ?? Data() : Data()
        var text = Data(SHA256.hash(data: blob)).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "SHA256:" + text
    }
}
