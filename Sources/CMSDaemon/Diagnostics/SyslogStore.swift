import Foundation

/// Collected syslogs on disk: `<data>/tenants/<tenant>/syslog/<device>/syslog-<µs>.log.gz`, gzip (zlib, ``Gzip``),
/// mode 0600 in 0700 folders, written atomically (temporary file + rename), the newest ``SyslogRotation/keep`` kept.
public struct SyslogStore: Sendable {
    public let folder: String
    public let rotation: SyslogRotation
    /// Largest decompressed file `get` returns (a corrupt file cannot make cmsd allocate without bound).
    public let maxBytes: Int

    public init(dataFolder: String, tenant: String, keep: Int = 5, maxBytes: Int = 256 << 20) {
        self.folder = dataFolder + "/tenants/" + tenant + "/syslog"
        self.rotation = SyslogRotation(keep: keep)
        self.maxBytes = maxBytes
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private func deviceFolder(_ device: String) throws(Failure) -> String {
        guard !device.isEmpty, !device.contains("/"), device != ".", device != ".." else {
            throw Failure(description: "'\(device)' is not a device code")
        }
        return folder + "/" + device
    }

    /// Compresses and stores `text` fetched at `micros`; deletes the oldest beyond the keep count. Returns the name.
    @discardableResult
    public func add(device: String, text: [UInt8], micros: Int64) throws(Failure) -> String {
        let directory = try deviceFolder(device)
        let manager = FileManager.default
        do {
            try manager.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(description: "cannot create \(directory): \(error.localizedDescription)")
        }
        let compressed: [UInt8]
        do {
            compressed = try Gzip.compress(text)
        } catch {
            throw Failure(description: "\(error)")
        }
        var name = SyslogRotation.name(micros: micros)
        var micros = micros
        while manager.fileExists(atPath: directory + "/" + name) {
            micros += 1
            name = SyslogRotation.name(micros: micros)
        }
        let temporary = directory + "/.incoming-" + name
        guard manager.createFile(atPath: temporary, contents: Data(compressed), attributes: [.posixPermissions: 0o600])
        else { throw Failure(description: "cannot write \(temporary) (disk full or not writable?)") }
        guard rename(temporary, directory + "/" + name) == 0 else {
            unlink(temporary)
            throw Failure(description: "cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
        let existing = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
        for old in rotation.deletions(existing: existing, new: name) {
            unlink(directory + "/" + old)
        }
        return name
    }

    /// The kept files, newest first, with their compressed size.
    public func list(device: String) throws(Failure) -> [(name: String, micros: Int64, bytes: Int)] {
        let directory = try deviceFolder(device)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return SyslogRotation.newestFirst(names).map { name in
            let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int) ?? 0
            return (name, SyslogRotation.micros(of: name) ?? 0, size ?? 0)
        }
    }

    /// The decompressed text of file `index` (1 = newest).
    public func read(device: String, index: Int) throws(Failure) -> [UInt8] {
        let files = try list(device: device)
        guard files.indices.contains(index - 1) else {
            throw Failure(
                description: files.isEmpty
                    ? "no syslog of \(device) has been fetched yet; run `cms syslog fetch \(device)`"
                    : "there are \(files.count) syslog file(s) of \(device); give N from 1 (newest) to \(files.count)")
        }
        let path = try deviceFolder(device) + "/" + files[index - 1].name
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read \(path)")
        }
        do {
            return try Gzip.decompress([UInt8](data), limit: maxBytes)
        } catch {
            throw Failure(description: "\(path) is damaged: \(error)")
        }
    }
}
