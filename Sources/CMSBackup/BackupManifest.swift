import Foundation

/// What a tenant backup holds (`manifest.json`, the first member of the `.tar.gz`): who and when, the git
/// revision in force, the parts by name and the SHA-256 of every member. The manifest is authenticated with an
/// HMAC under the backup key (`manifest.mac`), so a changed byte anywhere is found before anything is restored.
///
/// Parts are listed by name (`keys`, `secrets`, `state`, `events`, later `archive`, `images`); a part is a set
/// of members whose names start with `<part>/`. A reader refuses a newer ``format`` rather than guess.
public struct BackupManifest: Sendable, Hashable, Codable {
    /// The format this code writes and the newest it reads.
    public static let currentFormat = 1

    public var format: Int
    /// The `cmsd` version that wrote it.
    public var cmsd: String
    public var tenant: String
    /// When the snapshot was taken (UTC, ISO 8601 with seconds).
    public var created: String
    /// The git revision in force when the snapshot was taken (nil before any was adopted).
    public var revision: String?
    /// Parts in the order they were written.
    public var parts: [String]
    /// Devices and groups of the tenant when written (restore checks them against this server's limits).
    public var devices: Int
    public var groups: Int
    /// How the sealing key is derived from the backup key (salt and parameters; never the key).
    public var kdf: KeyDerivation
    /// The AEAD used for sealed members.
    public var cipher: String
    public var members: [BackupMember]

    public init(
        format: Int = Self.currentFormat, cmsd: String, tenant: String, created: String, revision: String?,
        parts: [String], devices: Int, groups: Int, kdf: KeyDerivation, cipher: String = BackupSealer.cipherName,
        members: [BackupMember]
    ) {
        self.format = format
        self.cmsd = cmsd
        self.tenant = tenant
        self.created = created
        self.revision = revision
        self.parts = parts
        self.devices = devices
        self.groups = groups
        self.kdf = kdf
        self.cipher = cipher
        self.members = members
    }

    /// Bytes plus unpacked size of every member.
    public var totalSize: Int64 { members.reduce(0) { $0 + $1.size } }

    /// Canonical JSON (sorted keys), the bytes the MAC covers.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array(try encoder.encode(self))
    }

    /// Decodes a manifest; the format version is read first so a newer one is reported as such, not as corrupt.
    public static func decode(_ bytes: [UInt8]) -> Result<BackupManifest, RestoreProblem> {
        struct Version: Decodable { var format: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: Data(bytes)) else {
            return .failure(.corrupt("manifest.json is not a backup manifest"))
        }
        guard version.format <= currentFormat, version.format >= 1 else {
            return .failure(.newerFormat(found: version.format, supported: currentFormat))
        }
        do {
            return .success(try JSONDecoder().decode(BackupManifest.self, from: Data(bytes)))
        } catch {
            return .failure(.corrupt("manifest.json cannot be read: \(error)"))
        }
    }

    /// Compares the members found in the archive (name → size and SHA-256) with the manifest: every listed
    /// member present with its hash, nothing unlisted, every member inside a listed part.
    public func verify(found: [String: MemberDigest]) -> [RestoreProblem] {
        var problems: [RestoreProblem] = []
        let listed = Dictionary(members.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        if listed.count != members.count { problems.append(.corrupt("the manifest lists a member twice")) }
        for member in members {
            guard parts.contains(member.part), member.name.hasPrefix(member.part + "/") else {
                problems.append(.corrupt("member \(member.name) is not in a listed part"))
                continue
            }
            guard let digest = found[member.name] else {
                problems.append(.corrupt("member \(member.name) is missing from the archive"))
                continue
            }
            if digest.size != member.size || digest.sha256 != member.sha256 {
                problems.append(.corrupt("member \(member.name) does not match its SHA-256 in the manifest"))
            }
        }
        for name in found.keys.sorted() where listed[name] == nil {
            problems.append(.corrupt("the archive holds \(name), which the manifest does not list"))
        }
        return problems
    }
}

/// One file inside the backup.
public struct BackupMember: Sendable, Hashable, Codable {
    /// `<part>/<relative path>`, checked by ``MemberName``.
    public var name: String
    public var part: String
    /// Size of the stored bytes (sealed size for sealed members).
    public var size: Int64
    /// Lowercase hex SHA-256 of the stored bytes.
    public var sha256: String
    /// Sealed with the backup key (private keys, secrets, tokens); the rest is stored as is.
    public var sealed: Bool
    /// POSIX permission bits to restore (0600 for secrets).
    public var mode: Int

    public init(name: String, part: String, size: Int64, sha256: String, sealed: Bool, mode: Int) {
        self.name = name
        self.part = part
        self.size = size
        self.sha256 = sha256
        self.sealed = sealed
        self.mode = mode
    }
}

/// The size and SHA-256 of a member as read from the archive.
public struct MemberDigest: Sendable, Hashable {
    public var size: Int64
    public var sha256: String

    public init(size: Int64, sha256: String) {
        self.size = size
        self.sha256 = sha256
    }
}

/// How the 256-bit sealing and MAC keys come from the configured backup key (docs/backup.md):
/// - a value that is base64 of exactly 32 bytes is a key: HKDF-SHA256 with the salt;
/// - anything else is a passphrase: scrypt (N, r, p below) with the salt, then HKDF-SHA256 to split it.
public struct KeyDerivation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case hkdf, scrypt }
    public var kind: Kind
    /// Base64 of 16 random bytes, new for every backup.
    public var salt: String
    public var n: Int?
    public var r: Int?
    public var p: Int?

    public init(kind: Kind, salt: String, n: Int? = nil, r: Int? = nil, p: Int? = nil) {
        self.kind = kind
        self.salt = salt
        self.n = n
        self.r = r
        self.p = p
    }
}
