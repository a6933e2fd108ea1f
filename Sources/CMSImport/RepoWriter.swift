import Foundation

/// Applies file changes to a repository's working tree so that a failure loses nothing: every new content is
/// first written to a temporary file beside its target; only when all are written are they renamed into place
/// (an atomic replace per file), then deletions run. Paths never leave the repository (no `..`, no symlinks).
public struct RepoWriter: Sendable {
    public var root: URL

    public init(root: URL) {
        self.root = root
    }

    public func apply(_ changes: [FileChange]) throws(ImportError) {
        for change in changes {
            guard Self.isContained(change.path) else {
                throw .writeFailed(path: change.path, reason: "the path leaves the repository")
            }
            try Self.refuseSymlinks(root: root, relativePath: change.path)
        }
        var staged: [(temp: URL, target: URL, path: String)] = []
        func discardStaged() {
            for item in staged { try? FileManager.default.removeItem(at: item.temp) }
        }
        for case .write(let path, let data) in changes {
            let target = root.appending(path: path)
            let temp = target.deletingLastPathComponent()
                .appending(path: ".\(target.lastPathComponent).cms-import-\(getpid()).tmp")
            do {
                try FileManager.default.createDirectory(
                    at: target.deletingLastPathComponent(),
                    withIntermediateDirectories: true)
                try data.write(to: temp)
            } catch {
                try? FileManager.default.removeItem(at: temp)
                discardStaged()
                throw .writeFailed(path: path, reason: "\(error.localizedDescription)")
            }
            staged.append((temp, target, path))
        }
        for (index, item) in staged.enumerated() where rename(item.temp.path, item.target.path) != 0 {
            let reason = String(cString: strerror(errno))
            for rest in staged[index...] { try? FileManager.default.removeItem(at: rest.temp) }
            throw .writeFailed(path: item.path, reason: reason)
        }
        for case .delete(let path) in changes {
            let target = root.appending(path: path)
            guard FileManager.default.fileExists(atPath: target.path) else { continue }
            do {
                try FileManager.default.removeItem(at: target)
            } catch {
                throw .writeFailed(path: path, reason: "\(error.localizedDescription)")
            }
        }
    }

    static func isContained(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    /// Throws when an existing component of `relativePath` (inside `root`) is a symbolic link, which could
    /// redirect a write outside the repository.
    static func refuseSymlinks(root: URL, relativePath: String) throws(ImportError) {
        var current = root
        for component in relativePath.split(separator: "/") {
            current = current.appending(path: String(component))
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: current.path) else { return }
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                throw .writeFailed(
                    path: relativePath, reason: "\(current.path) is a symbolic link; refusing to follow it")
            }
        }
    }
}
