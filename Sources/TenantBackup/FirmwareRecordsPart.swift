import CMSBackup
import Crypto
import Foundation

/// The tenant's firmware image records (issue 11): `<data>/tenants/<code>/firmware/index.json`, the list the image
/// store reads (sha256, product, version, size, who added it and when). The images themselves are not backed up
/// (SPEC §11): on restore a record is kept only when an image with the same hash is on this server — the store's
/// file `<sha256>` whose content hashes to it; the others are left out (upload the image again to get its record).
///
/// The index is replaced by atomic rename whenever it changes, so copying it is a consistent snapshot.
public struct FirmwareRecordsPart: BackupPart {
    public let name = "images"
    /// `<data>/tenants/<code>/firmware`.
    public let folder: String
    static let file = "index.json"
    static let absent = file + ".absent"

    public init(tenantFolder: String) {
        folder = tenantFolder + "/firmware"
    }

    public func snapshot(into staging: String) throws -> [PartFile] {
        try FileIO.makeFolder(staging)
        let live = folder + "/" + Self.file
        guard FileManager.default.fileExists(atPath: live) else {
            try FileIO.write([], to: staging + "/" + Self.absent, mode: 0o600)
            return [PartFile(path: Self.absent, sealed: false, mode: 0o600)]
        }
        let mode = try FileIO.copy(live, to: staging + "/" + Self.file)
        return [PartFile(path: Self.file, sealed: false, mode: mode)]
    }

    /// The records of a staged or live index: each an object with at least a 64-hex `sha256` and a `product`.
    static func records(_ path: String) throws(RestoreProblem) -> [[String: Any]] {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(path, limit: 16 << 20)
        } catch {
            throw .corrupt("images/\(file): cannot be read (\(error))")
        }
        guard let list = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]] else {
            throw .corrupt("images/\(file): not a list of firmware image records")
        }
        for (index, record) in list.enumerated() {
            guard let sha = record["sha256"] as? String, sha.count == 64,
                sha.allSatisfy({ $0.isHexDigit && !$0.isUppercase }), record["product"] is String
            else {
                throw .corrupt("images/\(file): record \(index + 1) has no valid sha256 (64 lowercase hex) or product")
            }
        }
        return list
    }

    public func check(staged: String) throws(RestoreProblem) {
        let path = staged + "/" + Self.file
        guard FileManager.default.fileExists(atPath: path) else { return }
        _ = try Self.records(path)
    }

    /// Replaces the live index by the backup's records whose image is on this server. Idempotent (computed from
    /// the staged index every time). A backup without this part (written before it existed) leaves the live
    /// records alone.
    public func install(from staged: String?) throws {
        guard let staged else { return }
        let kept: [[String: Any]]
        if FileManager.default.fileExists(atPath: staged + "/" + Self.file) {
            kept = try Self.records(staged + "/" + Self.file).filter { record in
                Self.imageMatches(folder + "/" + (record["sha256"] as! String), sha256: record["sha256"] as! String)
            }
        } else if FileManager.default.fileExists(atPath: staged + "/" + Self.absent) {
            kept = []
        } else {
            return  // installed already (the staged folder is gone with the rest)
        }
        try FileIO.makeFolder(folder)
        let data = try JSONSerialization.data(withJSONObject: kept, options: [.prettyPrinted, .sortedKeys])
        let temporary = folder + "/.index-restore-" + FileIO.randomSuffix()
        try FileIO.write([UInt8](data), to: temporary, mode: 0o600)
        try FileIO.rename(temporary, to: folder + "/" + Self.file)
        FileIO.syncFolder(folder)
    }

    /// The store's file `path` exists and its content hashes to `sha256`.
    static func imageMatches(_ path: String, sha256: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        var hash = SHA256()
        do {
            try FileIO.stream(path) { hash.update(bufferPointer: $0) }
        } catch {
            return false
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined() == sha256
    }
}
