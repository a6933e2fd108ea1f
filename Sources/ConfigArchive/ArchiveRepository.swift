import CLibGit2
import Foundation

/// One commit of the archive, as the log and the writer report it.
public struct ArchiveCommit: Sendable, Hashable, Codable {
    /// Full hexadecimal commit id.
    public var id: String
    /// Commit time, seconds since 1970 (UTC).
    public var time: Int64
    /// Who the commit names (the API user, a schedule, or `cmsd`).
    public var author: String
    /// The commit message's first line.
    public var subject: String
    /// The whole commit message.
    public var message: String
    /// The device's files this commit changed.
    public var files: [ArchiveFormat]

    public init(id: String, time: Int64, author: String, subject: String, message: String, files: [ArchiveFormat]) {
        self.id = id
        self.time = time
        self.author = author
        self.subject = subject
        self.message = message
        self.files = files
    }
}

/// Where and how the archive is pushed (`archive:` in `cmsd.yaml`); the password and key are already resolved from
/// their secret references and never logged nor written into the repository.
public struct ArchivePushTarget: Sendable, Hashable, CustomStringConvertible {
    public var url: String
    public var branch: String
    public var username: String?
    public var password: String?
    /// An SSH private key (OpenSSH or PEM text) for `ssh://` URLs, with its passphrase if it has one.
    public var privateKey: String?
    public var passphrase: String?
    /// The SSH server's pinned host key (`SHA256:…`, as `ssh-keygen -l -E sha256` prints it). An `ssh://` push
    /// without a pin is refused: the archive holds every device's configuration.
    public var hostKey: String?

    public init(
        url: String, branch: String = "main", username: String? = nil, password: String? = nil,
        privateKey: String? = nil, passphrase: String? = nil, hostKey: String? = nil
    ) {
        self.url = url
        self.branch = branch
        self.username = username
        self.password = password
        self.privateKey = privateKey
        self.passphrase = passphrase
        self.hostKey = hostKey
    }

    /// Whether the URL goes over SSH (`ssh://…` or `user@host:path`).
    public var isSSH: Bool {
        url.hasPrefix("ssh://") || url.hasPrefix("ssh+git://") || url.hasPrefix("git+ssh://")
            || (!url.contains("://") && url.contains("@") && url.contains(":"))
    }

    public var description: String {
        let with = password != nil || privateKey != nil ? ", with credentials" : ""
        return "\(url) (branch \(branch)\(with))"
    }
}

/// A tenant's config archive: a bare git repository written with libgit2, one folder per device with one file per
/// format (``ArchiveFormat``), one commit per change saying why and who (``ArchiveNote``).
///
/// Blocking: every method calls libgit2 and touches files. Callers keep it off the Swift concurrency pool
/// (``ConfigArchive`` runs it on its own thread). One lock serialises the repository's libgit2 objects.
public final class ArchiveRepository: @unchecked Sendable {
    public let path: String
    public static let branch = "refs/heads/main"
    private let handle: OpaquePointer
    /// The tree of HEAD (nil while the archive is empty), kept across commits: a commit starts from it.
    private var headTree: OpaquePointer?
    private let lock = NSLock()

    private static let initialised: Bool = {
        git_libgit2_init()
        _ = cms_git_set_owner_validation(0)
        return true
    }()

    /// Opens the bare repository at `path`, creating it (and its folders, mode 0700) when absent.
    public init(path: String) throws(ArchiveError) {
        _ = Self.initialised
        self.path = path
        var repository: OpaquePointer?
        if git_repository_open_ext(&repository, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil) != 0 {
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .repository(path: path, detail: "\(error)")
            }
            guard git_repository_init(&repository, path, 1) == 0, let repository else {
                throw .repository(path: path, detail: Self.lastError())
            }
            guard git_repository_set_head(repository, Self.branch) == 0 else {
                let detail = Self.lastError()
                git_repository_free(repository)
                throw .repository(path: path, detail: detail)
            }
        }
        guard let repository else { throw .repository(path: path, detail: Self.lastError()) }
        handle = repository
        do {
            headTree = try Self.headTree(of: repository, path: path)
        } catch {
            git_repository_free(repository)
            throw error
        }
    }

    deinit {
        if let headTree { git_tree_free(headTree) }
        git_repository_free(handle)
    }

    /// Writes `files` of `device` and commits them when any differs from HEAD; returns the commit, or nil when
    /// nothing changed. A file over ``ArchiveFormat/maxSize`` fails the whole call before anything is written.
    @discardableResult
    public func record(
        device: String, files: [ArchiveFormat: [UInt8]], note: ArchiveNote, time: Int64
    ) throws(ArchiveError) -> ArchiveCommit? {
        try record([ArchiveEntry(device: device, files: files)], note: note, time: time)?.commit
    }

    /// Writes the files of several devices and makes **one** commit of those that differ from HEAD (nil when none
    /// does). A later entry for the same device wins. Every entry is checked first (device code, 16 MiB) and a bad
    /// one fails the whole call before anything is written; callers check entries one by one with
    /// ``validate(_:)`` to keep one device's oversize config from failing the others.
    ///
    /// Cost: one read and one write of the root tree, plus each changed device's folder — not a rewrite of the
    /// whole tree (an index re-read at every commit made the first archive of 2,048 devices quadratic).
    public func record(_ entries: [ArchiveEntry], note: ArchiveNote, time: Int64) throws(ArchiveError)
        -> ArchiveBatchCommit?
    {
        var merged: [String: [ArchiveFormat: [UInt8]]] = [:]
        for entry in entries {
            try Self.validate(entry)
            merged[entry.device, default: [:]].merge(entry.files) { $1 }
        }
        lock.lock()
        defer { lock.unlock() }
        var root: OpaquePointer?
        guard git_treebuilder_new(&root, handle, headTree) == 0, let root else {
            throw .git(operation: "read the archive's tree", detail: Self.lastError())
        }
        defer { git_treebuilder_free(root) }
        var changed: [String: [ArchiveFormat]] = [:]
        for device in merged.keys.sorted() {
            let formats = try write(device: device, files: merged[device] ?? [:], into: root)
            if !formats.isEmpty { changed[device] = formats }
        }
        guard !changed.isEmpty else { return nil }
        var treeID = git_oid()
        guard git_treebuilder_write(&treeID, root) == 0 else {
            throw .git(operation: "write a tree", detail: Self.lastError())
        }
        var tree: OpaquePointer?
        guard git_tree_lookup(&tree, handle, &treeID) == 0, let tree else {
            throw .git(operation: "read the new tree", detail: Self.lastError())
        }
        let message: String
        if changed.count == 1, let (device, formats) = changed.first {
            message = note.message(device: device, files: formats)
        } else {
            message = note.message(devices: changed)
        }
        let files = ArchiveFormat.allCases.filter { format in changed.values.contains { $0.contains(format) } }
        let commit: ArchiveCommit
        do {
            commit = try self.commit(message: message, user: note.user, time: time, tree: tree, files: files)
        } catch {
            git_tree_free(tree)
            throw error
        }
        if let headTree { git_tree_free(headTree) }
        headTree = tree
        return ArchiveBatchCommit(commit: commit, changed: changed)
    }

    /// Checks an entry as ``record(_:note:time:)`` would (device code, sizes), writing nothing.
    public static func validate(_ entry: ArchiveEntry) throws(ArchiveError) {
        try check(entry.device)
        for (format, bytes) in entry.files where bytes.count > ArchiveFormat.maxSize {
            throw .tooLarge(device: entry.device, format: format, size: bytes.count)
        }
    }

    /// Writes the device's changed files into its folder and the folder into `root`; returns the formats that
    /// changed (none: nothing written into `root`). Called under the lock.
    private func write(device: String, files: [ArchiveFormat: [UInt8]], into root: OpaquePointer) throws(ArchiveError)
        -> [ArchiveFormat]
    {
        var existing: OpaquePointer?
        if let entry = git_treebuilder_get(root, device), git_tree_entry_type(entry) == GIT_OBJECT_TREE {
            guard git_tree_lookup(&existing, handle, git_tree_entry_id(entry)) == 0 else {
                throw .git(operation: "read \(device)/", detail: Self.lastError())
            }
        }
        defer { if let existing { git_tree_free(existing) } }
        var folder: OpaquePointer?
        guard git_treebuilder_new(&folder, handle, existing) == 0, let folder else {
            throw .git(operation: "read \(device)/", detail: Self.lastError())
        }
        defer { git_treebuilder_free(folder) }
        var changed: [ArchiveFormat] = []
        for format in ArchiveFormat.allCases {
            guard let bytes = files[format] else { continue }
            let path = "\(device)/\(format.fileName)"
            var oid = git_oid()
            guard (bytes.withUnsafeBytes { git_odb_hash(&oid, $0.baseAddress, $0.count, GIT_OBJECT_BLOB) }) == 0 else {
                throw .git(operation: "hash \(path)", detail: Self.lastError())
            }
            if let old = git_treebuilder_get(folder, format.fileName), git_oid_cmp(git_tree_entry_id(old), &oid) == 0 {
                continue
            }
            var blob = git_oid()
            guard (bytes.withUnsafeBytes { git_blob_create_from_buffer(&blob, handle, $0.baseAddress, $0.count) }) == 0,
                git_treebuilder_insert(nil, folder, format.fileName, &blob, GIT_FILEMODE_BLOB) == 0
            else { throw .git(operation: "write \(path)", detail: Self.lastError()) }
            changed.append(format)
        }
        guard !changed.isEmpty else { return [] }
        var folderID = git_oid()
        guard git_treebuilder_write(&folderID, folder) == 0,
            git_treebuilder_insert(nil, root, device, &folderID, GIT_FILEMODE_TREE) == 0
        else { throw .git(operation: "write \(device)/", detail: Self.lastError()) }
        return changed
    }

    private func commit(message: String, user: String?, time: Int64, tree: OpaquePointer, files: [ArchiveFormat])
        throws(ArchiveError) -> ArchiveCommit
    {
        let author = user ?? "cmsd"
        var signature: UnsafeMutablePointer<git_signature>?
        guard git_signature_new(&signature, Self.safeName(author), "cmsd@localhost", git_time_t(time), 0) == 0,
            let signature
        else { throw .git(operation: "sign a commit", detail: Self.lastError()) }
        defer { git_signature_free(signature) }
        var parent: OpaquePointer?
        var headID = git_oid()
        if git_reference_name_to_id(&headID, handle, Self.branch) == 0 {
            guard git_commit_lookup(&parent, handle, &headID) == 0 else {
                throw .git(operation: "read HEAD", detail: Self.lastError())
            }
        }
        defer { if let parent { git_commit_free(parent) } }
        var id = git_oid()
        var parents: [OpaquePointer?] = parent.map { [$0] } ?? []
        let status = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(
                &id, handle, Self.branch, signature, signature, "UTF-8", message, tree, buffer.count,
                buffer.baseAddress)
        }
        guard status == 0 else { throw .git(operation: "commit", detail: Self.lastError()) }
        return ArchiveCommit(
            id: String(cString: git_oid_tostr_s(&id)), time: time, author: author,
            subject: String(message.prefix { $0 != "\n" }), message: message, files: files)
    }

    /// The commits that changed `device`'s files, newest first, at most `limit`.
    public func log(device: String, limit: Int = 100) throws(ArchiveError) -> [ArchiveCommit] {
        try Self.check(device)
        lock.lock()
        defer { lock.unlock() }
        var headID = git_oid()
        guard git_reference_name_to_id(&headID, handle, Self.branch) == 0 else { return [] }
        var walk: OpaquePointer?
        guard git_revwalk_new(&walk, handle) == 0, let walk else {
            throw .git(operation: "walk the history", detail: Self.lastError())
        }
        defer { git_revwalk_free(walk) }
        git_revwalk_sorting(walk, GIT_SORT_TIME.rawValue | GIT_SORT_TOPOLOGICAL.rawValue)
        guard git_revwalk_push(walk, &headID) == 0 else {
            throw .git(operation: "walk the history", detail: Self.lastError())
        }
        var found: [ArchiveCommit] = []
        var oid = git_oid()
        while found.count < limit, git_revwalk_next(&oid, walk) == 0 {
            var commit: OpaquePointer?
            guard git_commit_lookup(&commit, handle, &oid) == 0, let commit else { continue }
            defer { git_commit_free(commit) }
            let mine = fileIDs(of: commit, device: device)
            var parent: OpaquePointer?
            var before: [ArchiveFormat: git_oid] = [:]
            if git_commit_parentcount(commit) > 0, git_commit_parent(&parent, commit, 0) == 0, let parent {
                before = fileIDs(of: parent, device: device)
                git_commit_free(parent)
            }
            let changed = ArchiveFormat.allCases.filter { format in
                switch (mine[format], before[format]) {
                case (nil, nil): return false
                case (var a?, var b?): return git_oid_cmp(&a, &b) != 0
                default: return true
                }
            }
            guard !changed.isEmpty else { continue }
            let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
            let author = git_commit_author(commit).flatMap { $0.pointee.name }.map { String(cString: $0) } ?? ""
            found.append(
                ArchiveCommit(
                    id: String(cString: git_oid_tostr_s(&oid)), time: Int64(git_commit_time(commit)), author: author,
                    subject: String(message.prefix { $0 != "\n" }), message: message, files: changed))
        }
        return found
    }

    /// The bytes of `device`'s `format` file at `revision` (a commit id, `HEAD`, `HEAD~2`…) and that commit's id.
    public func read(device: String, format: ArchiveFormat, revision: String = "HEAD") throws(ArchiveError) -> (
        commit: String, bytes: [UInt8]
    ) {
        try Self.check(device)
        lock.lock()
        defer { lock.unlock() }
        let commit = try resolve(revision)
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        guard git_commit_tree(&tree, commit) == 0, let tree else {
            throw .git(operation: "read \(revision)", detail: Self.lastError())
        }
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let path = "\(device)/\(format.fileName)"
        guard git_tree_entry_bypath(&entry, tree, path) == 0, let entry else {
            throw .notFound(what: "\(path) at \(revision)")
        }
        defer { git_tree_entry_free(entry) }
        var blob: OpaquePointer?
        guard git_blob_lookup(&blob, handle, git_tree_entry_id(entry)) == 0, let blob else {
            throw .git(operation: "read \(path)", detail: Self.lastError())
        }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        let bytes = [UInt8](UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size))
        return (String(cString: git_oid_tostr_s(git_commit_id(commit))), bytes)
    }

    /// A unified diff (like `git diff`) of `device`'s files between two revisions; empty when they are equal.
    public func diff(device: String, from: String, to: String) throws(ArchiveError) -> String {
        try Self.check(device)
        lock.lock()
        defer { lock.unlock() }
        let old = try resolve(from)
        defer { git_commit_free(old) }
        let new = try resolve(to)
        defer { git_commit_free(new) }
        var oldTree: OpaquePointer?
        var newTree: OpaquePointer?
        guard git_commit_tree(&oldTree, old) == 0, git_commit_tree(&newTree, new) == 0 else {
            throw .git(operation: "read the trees to compare", detail: Self.lastError())
        }
        defer {
            git_tree_free(oldTree)
            git_tree_free(newTree)
        }
        var options = git_diff_options()
        git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION))
        let spec = strdup(device + "/")
        defer { free(spec) }
        var specs: [UnsafeMutablePointer<CChar>?] = [spec]
        var diff: OpaquePointer?
        let status = specs.withUnsafeMutableBufferPointer { buffer in
            options.pathspec = git_strarray(strings: buffer.baseAddress, count: 1)
            return git_diff_tree_to_tree(&diff, handle, oldTree, newTree, &options)
        }
        guard status == 0, let diff else { throw .git(operation: "compare", detail: Self.lastError()) }
        defer { git_diff_free(diff) }
        var buffer = git_buf()
        guard git_diff_to_buf(&buffer, diff, GIT_DIFF_FORMAT_PATCH) == 0 else {
            throw .git(operation: "print the diff", detail: Self.lastError())
        }
        defer { git_buf_dispose(&buffer) }
        guard let pointer = buffer.ptr else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: buffer.size), as: UTF8.self)
    }

    /// The id of HEAD, or nil while the archive is empty.
    public func head() -> String? {
        lock.lock()
        defer { lock.unlock() }
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, handle, Self.branch) == 0 else { return nil }
        return String(cString: git_oid_tostr_s(&oid))
    }

    /// Pushes `main` to the target's branch (fast-forward only: the remote's history is never rewritten).
    public func push(to target: ArchivePushTarget) throws(ArchiveError) {
        lock.lock()
        defer { lock.unlock() }
        var remote: OpaquePointer?
        guard git_remote_create_anonymous(&remote, handle, target.url) == 0, let remote else {
            throw .push(url: target.url, detail: Self.lastError())
        }
        defer { git_remote_free(remote) }
        if target.isSSH, target.hostKey == nil {
            throw .push(url: target.url, detail: "an ssh:// archive remote needs its host key pinned (archive.hostKey: SHA256:…)")
        }
        let box = PushBox(target)
        let unmanaged = Unmanaged.passRetained(box)
        defer { unmanaged.release() }
        var options = git_push_options()
        git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION))
        options.callbacks.payload = unmanaged.toOpaque()
        options.callbacks.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let payload else { return -1 }
            let box = Unmanaged<PushBox>.fromOpaque(payload).takeUnretainedValue()
            let user = box.username ?? usernameFromURL.map { String(cString: $0) } ?? "git"
            if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 { return git_credential_username_new(out, user) }
            // One try each: a refused credential ends the push with libgit2's authentication error.
            guard !box.triedCredentials else { return Int32(GIT_PASSTHROUGH.rawValue) }
            if let key = box.privateKey, allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
                box.triedCredentials = true
                return git_credential_ssh_key_memory_new(out, user, nil, key, box.passphrase)
            }
            guard let password = box.password else { return Int32(GIT_PASSTHROUGH.rawValue) }
            box.triedCredentials = true
            return git_credential_userpass_plaintext_new(out, user, password)
        }
        options.callbacks.certificate_check = { cert, _, _, payload in
            guard let payload, let cert else { return -1 }
            let box = Unmanaged<PushBox>.fromOpaque(payload).takeUnretainedValue()
            guard cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else {
                // TLS: libgit2's own verification against the system's CAs stands.
                return Int32(GIT_PASSTHROUGH.rawValue)
            }
            guard let pin = box.hostKey else { return Int32(GIT_ECERTIFICATE.rawValue) }
            let hostKey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
            guard hostKey.type.rawValue & GIT_CERT_SSH_SHA256.rawValue != 0 else {
                box.hostKeySeen = "no SHA-256 fingerprint offered"
                return Int32(GIT_ECERTIFICATE.rawValue)
            }
            let digest = withUnsafeBytes(of: hostKey.hash_sha256) { Array($0) }
            let seen = ArchivePushTarget.fingerprint(sha256: digest)
            guard ArchivePushTarget.normalized(seen) == ArchivePushTarget.normalized(pin) else {
                box.hostKeySeen = seen
                return Int32(GIT_ECERTIFICATE.rawValue)
            }
            return 0
        }
        options.callbacks.push_update_reference = { reference, status, payload in
            guard let payload, let status else { return 0 }
            let box = Unmanaged<PushBox>.fromOpaque(payload).takeUnretainedValue()
            box.rejected = "\(reference.map { String(cString: $0) } ?? "?"): \(String(cString: status))"
            return 0
        }
        let refspec = strdup("\(Self.branch):refs/heads/\(target.branch)")
        defer { free(refspec) }
        var specs: [UnsafeMutablePointer<CChar>?] = [refspec]
        let status = specs.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: 1)
            return git_remote_push(remote, &array, &options)
        }
        if let seen = box.hostKeySeen {
            throw .push(
                url: target.url,
                detail: "the server's host key \(seen) is not the pinned \(target.hostKey ?? "-"); nothing was sent")
        }
        guard status == 0 else { throw .push(url: target.url, detail: Self.lastError()) }
        if let rejected = box.rejected { throw .push(url: target.url, detail: "rejected \(rejected)") }
    }

    private final class PushBox {
        let username: String?
        let password: String?
        let privateKey: String?
        let passphrase: String?
        let hostKey: String?
        var triedCredentials = false
        var rejected: String?
        /// The host key the server showed, when it was not the pinned one.
        var hostKeySeen: String?
        init(_ target: ArchivePushTarget) {
            username = target.username
            password = target.password
            privateKey = target.privateKey
            passphrase = target.passphrase
            hostKey = target.hostKey
        }
    }

    // MARK: - Helpers (called under the lock)

    private static func headTree(of handle: OpaquePointer, path: String) throws(ArchiveError) -> OpaquePointer? {
        var headID = git_oid()
        guard git_reference_name_to_id(&headID, handle, branch) == 0 else { return nil }
        var commit: OpaquePointer?
        var tree: OpaquePointer?
        guard git_commit_lookup(&commit, handle, &headID) == 0, let commit else {
            throw .repository(path: path, detail: lastError())
        }
        defer { git_commit_free(commit) }
        guard git_commit_tree(&tree, commit) == 0, let tree else {
            throw .repository(path: path, detail: lastError())
        }
        return tree
    }

    private func resolve(_ revision: String) throws(ArchiveError) -> OpaquePointer {
        guard !revision.isEmpty, revision.count <= 256, !revision.hasPrefix("-"),
            !revision.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw .notFound(what: "revision '\(revision)'") }
        var object: OpaquePointer?
        guard git_revparse_single(&object, handle, revision) == 0, let object else {
            throw .notFound(what: "revision '\(revision)'")
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        guard git_object_peel(&peeled, object, GIT_OBJECT_COMMIT) == 0, let peeled else {
            throw .notFound(what: "revision '\(revision)'")
        }
        return peeled
    }

    private func fileIDs(of commit: OpaquePointer, device: String) -> [ArchiveFormat: git_oid] {
        var tree: OpaquePointer?
        guard git_commit_tree(&tree, commit) == 0, let tree else { return [:] }
        defer { git_tree_free(tree) }
        var ids: [ArchiveFormat: git_oid] = [:]
        for format in ArchiveFormat.allCases {
            var entry: OpaquePointer?
            guard git_tree_entry_bypath(&entry, tree, "\(device)/\(format.fileName)") == 0, let entry else { continue }
            ids[format] = git_tree_entry_id(entry).pointee
            git_tree_entry_free(entry)
        }
        return ids
    }

    /// A device code is a folder name: no path separators, no dot-names, printable ASCII.
    static func check(_ device: String) throws(ArchiveError) {
        guard !device.isEmpty, device.count <= 64, device != ".", device != "..", !device.hasPrefix("."),
            device.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw .badDevice(device) }
    }

    private static func safeName(_ name: String) -> String {
        let cleaned = name.filter { !"<>\n\r\0".contains($0) }
        return cleaned.isEmpty ? "cmsd" : cleaned
    }

    static func lastError() -> String {
        guard let error = git_error_last(), let message = error.pointee.message else { return "unknown libgit2 error" }
        return String(cString: message)
    }
}

extension ArchivePushTarget {
    /// `SHA256:<base64 without padding>` of a host key's SHA-256 digest, as OpenSSH prints it.
    public static func fingerprint(sha256 digest: [UInt8]) -> String {
        "SHA256:" + String(Data(digest).base64EncodedString().prefix { $0 != "=" })
    }

    /// A fingerprint without its `SHA256:` prefix and base64 padding, for comparing.
    static func normalized(_ fingerprint: String) -> String {
        var text = fingerprint.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("SHA256:") { text.removeFirst(7) }
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
