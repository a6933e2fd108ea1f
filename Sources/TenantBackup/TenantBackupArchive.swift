import CMSBackup
import Crypto
import Foundation

/// What a backup is about, besides its parts.
public struct BackupInfo: Sendable, Hashable {
    public var tenant: String
    public var cmsd: String
    public var created: Date
    public var revision: String?
    public var devices: Int
    public var groups: Int

    public init(tenant: String, cmsd: String, created: Date, revision: String?, devices: Int, groups: Int) {
        self.tenant = tenant
        self.cmsd = cmsd
        self.created = created
        self.revision = revision
        self.devices = devices
        self.groups = groups
    }
}

/// Writes and reads a tenant backup file (docs/backup.md "Format"): `manifest.json`, `manifest.mac`, then every
/// member `<part>/<path>`; secret members sealed with ``BackupSealer``. Blocking: run on a thread of its own.
public enum TenantBackupArchive {
    static let manifestLimit: Int64 = 4 << 20
    static let sealedLimit: Int64 = 16 << 20

    /// Snapshots every part into `work` (a fresh folder, removed afterwards: it holds secrets in clear for a
    /// moment, like the data folder itself) and writes the archive to `output` through a temporary name
    /// (`output.part-*`, synced, renamed): a crash never leaves a half file under the final name.
    @discardableResult
    public static func write(
        parts: [any BackupPart], info: BackupInfo, sealer: BackupSealer, work: String, output: String
    ) throws -> BackupManifest {
        try? FileManager.default.removeItem(atPath: work)
        try FileIO.makeFolder(work)
        defer { try? FileManager.default.removeItem(atPath: work) }
        var members: [BackupMember] = []
        var sealedBytes: [String: [UInt8]] = [:]
        var sources: [String: String] = [:]
        for part in parts {
            let folder = work + "/" + part.name
            try FileIO.makeFolder(folder)
            for file in try part.snapshot(into: folder) {
                let name = part.name + "/" + file.path
                if let problem = MemberName.problem(name) { throw RestoreProblem.failed("cannot back up: \(problem)") }
                let path = folder + "/" + file.path
                if file.sealed {
                    let sealed = try sealer.seal(try FileIO.read(path), tenant: info.tenant, member: name)
                    sealedBytes[name] = sealed
                    members.append(BackupMember(
                        name: name, part: part.name, size: Int64(sealed.count), sha256: Digest.sha256(sealed),
                        sealed: true, mode: file.mode))
                } else {
                    var hash = SHA256()
                    var size: Int64 = 0
                    try FileIO.stream(path) { chunk in
                        hash.update(bufferPointer: chunk)
                        size += Int64(chunk.count)
                    }
                    sources[name] = path
                    members.append(BackupMember(
                        name: name, part: part.name, size: size,
                        sha256: hash.finalize().map { String(format: "%02x", $0) }.joined(), sealed: false,
                        mode: file.mode))
                }
            }
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let manifest = BackupManifest(
            cmsd: info.cmsd, tenant: info.tenant, created: formatter.string(from: info.created),
            revision: info.revision, parts: parts.map(\.name), devices: info.devices, groups: info.groups,
            kdf: sealer.derivation, members: members)
        let manifestBytes = try manifest.encoded()
        let mtime = Int(info.created.timeIntervalSince1970)
        let temporary = output + ".part-" + FileIO.randomSuffix()
        do {
            try FileIO.makeFolder((output as NSString).deletingLastPathComponent)
            let writer = try TarGzWriter(path: temporary)
            try writer.add(name: MemberName.manifest, bytes: manifestBytes, mtime: mtime)
            try writer.add(name: MemberName.mac, bytes: Array((sealer.mac(manifestBytes) + "\n").utf8), mtime: mtime)
            for member in members {
                if let sealed = sealedBytes[member.name] {
                    try writer.add(name: member.name, bytes: sealed, mtime: mtime)
                } else if let source = sources[member.name] {
                    try writer.add(name: member.name, size: member.size, mtime: mtime) { write in
                        try FileIO.stream(source, write)
                    }
                }
            }
            try writer.finish()
            chmod(temporary, 0o600)
            FileIO.syncFile(temporary)
            try FileIO.rename(temporary, to: output)
            FileIO.syncFolder((output as NSString).deletingLastPathComponent)
        } catch {
            unlink(temporary)
            throw error
        }
        return manifest
    }

    /// Reads and verifies a backup file: the manifest (format, tenant, MAC under the backup key), then every
    /// member against its SHA-256; sealed members must open with the key. With `staging`, members are unpacked
    /// there (sealed ones opened), `<staging>/<part>/<path>`; nothing is ever written outside it.
    /// Throws the first ``RestoreProblem``.
    public static func read(
        _ path: String, tenant: String, sealerFor: (KeyDerivation) throws -> BackupSealer, staging: String?
    ) throws -> BackupManifest {
        let reader = try TarGzReader(path: path)
        guard let first = try reader.next(), first.name == MemberName.manifest else {
            throw RestoreProblem.corrupt("the archive does not start with manifest.json")
        }
        let manifestBytes = try reader.readAll(limit: manifestLimit)
        guard let second = try reader.next(), second.name == MemberName.mac else {
            throw RestoreProblem.corrupt("manifest.mac is missing")
        }
        let mac = String(decoding: try reader.readAll(limit: 256), as: UTF8.self)
        let manifest = try BackupManifest.decode(manifestBytes).get()
        guard manifest.tenant == tenant else { throw RestoreProblem.notThisTenant(found: manifest.tenant, expected: tenant) }
        let sealer = try sealerFor(manifest.kdf)
        guard sealer.verifyMAC(manifestBytes, mac: mac) else {
            throw RestoreProblem.corrupt("manifest.mac does not match: the file was changed, or sealed with another key")
        }
        let listed = Dictionary(manifest.members.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        if let staging {
            try? FileManager.default.removeItem(atPath: staging)
            try FileIO.makeFolder(staging)
        }
        var found: [String: MemberDigest] = [:]
        while let entry = try reader.next() {
            guard let member = listed[entry.name] else {
                throw RestoreProblem.corrupt("the archive holds \(entry.name), which the manifest does not list")
            }
            guard found[entry.name] == nil else { throw RestoreProblem.corrupt("\(entry.name) appears twice") }
            let target = staging.map { $0 + "/" + entry.name }
            if member.sealed {
                let sealed = try reader.readAll(limit: sealedLimit)
                let digest = Digest.sha256(sealed)
                guard digest == member.sha256 else {
                    throw RestoreProblem.corrupt("member \(entry.name) does not match its SHA-256 in the manifest")
                }
                let plain = try sealer.open(sealed, tenant: tenant, member: entry.name)
                if let target { try FileIO.write(plain, to: target, mode: member.mode & 0o700) }
                found[entry.name] = MemberDigest(size: Int64(sealed.count), sha256: digest)
            } else {
                var hash = SHA256()
                var size: Int64 = 0
                var handle: FileHandle?
                if let target {
                    try FileIO.write([], to: target, mode: member.mode & 0o700)
                    handle = FileHandle(forWritingAtPath: target)
                }
                try reader.read { chunk in
                    hash.update(bufferPointer: chunk)
                    size += Int64(chunk.count)
                    try handle?.write(contentsOf: Data(chunk))
                }
                try handle?.synchronize()
                try handle?.close()
                let digest = hash.finalize().map { String(format: "%02x", $0) }.joined()
                guard digest == member.sha256 else {
                    throw RestoreProblem.corrupt("member \(entry.name) does not match its SHA-256 in the manifest")
                }
                found[entry.name] = MemberDigest(size: size, sha256: digest)
            }
        }
        if let problem = manifest.verify(found: found).first { throw problem }
        return manifest
    }
}
