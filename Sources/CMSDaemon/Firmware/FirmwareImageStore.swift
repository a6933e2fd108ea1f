import CMSAPI
import CMSModel
import Crypto
import Foundation
import TenantSource

#if canImport(Glibc)
    import Glibc
#endif

/// A tenant's firmware images under the data folder (`<data>/tenants/<code>/firmware/`): content-addressed files
/// named by their sha256, and `index.json` (written atomically) with product, version, size, who added it and when.
/// At most `limit` images per product (3, as the original, SPEC §5). Files are written and read on a thread of its
/// own (blocking file I/O never runs on the Swift concurrency pool); an upload streams through a temporary file
/// while its hash is computed, so an image is never held whole in memory.
public actor FirmwareImageStore {
    public nonisolated var unownedExecutor: UnownedSerialExecutor { Self.executor.asUnownedSerialExecutor() }
    static let executor = BlockingExecutor(name: "cms-firmware-store")

    public let tenant: String
    public nonisolated let dataFolder: String
    public let folder: URL
    public let limit: Int
    private var index: [StoredFirmwareImage]

    public init(dataFolder: String, tenant: String, limit: Int = 3) throws {
        self.tenant = tenant
        self.dataFolder = dataFolder
        self.limit = limit
        folder = URL(fileURLWithPath: dataFolder).appendingPathComponent("tenants/\(tenant)/firmware")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let indexURL = folder.appendingPathComponent("index.json")
        if let data = try? Data(contentsOf: indexURL) {
            index = try JSONDecoder().decode([StoredFirmwareImage].self, from: data)
        } else {
            index = []
        }
    }

    /// Reads `index.json` again (after a tenant restore replaced it, docs/backup.md).
    public func reload() throws {
        let indexURL = folder.appendingPathComponent("index.json")
        if let data = try? Data(contentsOf: indexURL) {
            index = try JSONDecoder().decode([StoredFirmwareImage].self, from: data)
        } else {
            index = []
        }
    }

    public func list() -> [StoredFirmwareImage] { index.sorted { ($0.product, $0.added) < ($1.product, $1.added) } }

    public func image(sha256: String) -> StoredFirmwareImage? { index.first { $0.sha256 == sha256 } }

    /// The file of an image (nil when not stored).
    public nonisolated func path(sha256: String) -> String { folder.appendingPathComponent(sha256).path }

    /// Finds one image by full sha256 or a unique prefix of at least 8 hex digits.
    public func find(_ key: String) throws(APIError) -> StoredFirmwareImage {
        let key = key.lowercased()
        let matches = index.filter { key.count >= 8 ? $0.sha256.hasPrefix(key) : $0.sha256 == key }
        guard matches.count == 1 else {
            throw matches.isEmpty
                ? APIError.notFound("image", key)
                : APIError.badRequest("\(key) matches \(matches.count) images; give more digits of the sha256")
        }
        return matches[0]
    }

    /// Streams `chunks` into the store. Refused (nothing kept) when the product already has `limit` images, the
    /// header names another product, or the version is malformed.
    public func add(
        product: String, version: String?, user: String?, now: Timestamp,
        chunks: any AsyncSequence<[UInt8], any Error> & Sendable
    ) async throws(APIError) -> StoredFirmwareImage {
        guard Product(rawValue: product) != nil else {
            throw APIError.badRequest(
                "unknown product \(product); one of " + Product.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if index.filter({ $0.product == product }).count >= limit {
            throw APIError(
                status: 409, code: "image-limit",
                message: "\(product) already has \(limit) images (the limit); remove one with `cms firmware remove`")
        }
        let temporary = folder.appendingPathComponent(".upload-\(UUID().uuidString)")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw APIError(status: 500, code: "store-error", message: "cannot write \(temporary.path)") }
        var hasher = SHA256()
        var size: Int64 = 0
        var head: [UInt8] = []
        var failure: APIError?
        do {
            for try await chunk in chunks {
                hasher.update(data: chunk)
                if head.count < 256 { head += chunk.prefix(256 - head.count) }
                var offset = 0
                while offset < chunk.count {
                    let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress! + offset, chunk.count - offset) }
                    if written < 0 {
                        failure = APIError(status: 507, code: "store-error", message: "writing the image failed (errno \(errno))")
                        break
                    }
                    offset += written
                }
                if failure != nil { break }
                size += Int64(chunk.count)
            }
        } catch {
            failure = APIError.badRequest("the upload stopped: \(error)")
        }
        if failure == nil, fsync(fd) != 0 {
            failure = APIError(status: 507, code: "store-error", message: "fsync failed (errno \(errno))")
        }
        close(fd)
        func discard() { unlink(temporary.path) }
        if let failure {
            discard()
            throw failure
        }
        guard size > 0 else {
            discard()
            throw APIError.badRequest("the image is empty")
        }
        let sha = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        let header = Self.header(head)
        if let headerProduct = header?.product, headerProduct != product {
            discard()
            throw APIError.badRequest("the image is for \(headerProduct), not \(product)")
        }
        let finalVersion = version ?? header?.version ?? ""
        if !finalVersion.isEmpty,
            finalVersion.count > 16 || !finalVersion.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_./-".contains($0)) })
        {
            discard()
            throw APIError.badRequest("version `\(finalVersion)` must be 1–16 of [A-Za-z0-9_./-]")
        }
        if let existing = index.first(where: { $0.sha256 == sha }) {
            discard()
            return existing
        }
        guard rename(temporary.path, path(sha256: sha)) == 0 else {
            discard()
            throw APIError(status: 500, code: "store-error", message: "cannot move the image into the store")
        }
        let image = StoredFirmwareImage(sha256: sha, product: product, version: finalVersion, size: size, added: now, user: user)
        index.append(image)
        try saveIndex()
        return image
    }

    /// Drops an image (its file and index entry).
    public func remove(sha256: String) throws(APIError) {
        index.removeAll { $0.sha256 == sha256 }
        try saveIndex()
        unlink(path(sha256: sha256))
    }

    private func saveIndex() throws(APIError) {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(index).write(to: folder.appendingPathComponent("index.json"), options: .atomic)
        } catch {
            throw APIError(status: 500, code: "store-error", message: "cannot write the image index: \(error)")
        }
    }

    /// `NXR-FIRMWARE product=P version=V` on the first line (the simulator's images; real images have none).
    static func header(_ head: [UInt8]) -> (product: String, version: String)? {
        let line = String(decoding: head.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let words = line.split(separator: " ")
        guard words.first == "NXR-FIRMWARE" else { return nil }
        var fields: [String: String] = [:]
        for word in words.dropFirst() {
            let pair = word.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let product = fields["product"], let version = fields["version"] else { return nil }
        return (product, version)
    }
}
