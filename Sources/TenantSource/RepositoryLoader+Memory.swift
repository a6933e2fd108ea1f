import CMSModel
import CMSSchema
import Foundation

extension RepositoryLoader {
    /// A tenant tree sent over the API (`cms plan --local`): repository-relative path → bytes, held to `limits`
    /// (file count, file and total size) like a folder or a revision. Hidden paths, absolute paths and `..` are
    /// refused: the tree is the tenant's own files and nothing else.
    public static func memory(_ tree: [String: Data], limits: InputLimits = .default) throws -> RepositoryInput {
        guard tree.count <= limits.maxFiles else {
            throw InputError(description: "the tree holds \(tree.count) files, more than the cap of \(limits.maxFiles)")
        }
        for path in tree.keys {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            if path.isEmpty || path.hasPrefix("/") || parts.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." }) {
                throw InputError(description: "'\(path)' is not a relative path inside the tenant repository")
            }
        }
        let budget = ReadBudget(limits: limits)
        let files = tree.keys.filter(LintedPaths.contains).sorted().map { path in
            RepositoryInput.File(path: path) {
                let data = tree[path] ?? Data()
                try budget.charge(path, size: data.count)
                return data
            }
        }
        return RepositoryInput(
            files: files, paths: Set(tree.keys), revision: nil, limits: limits,
            read: { path in
                guard let data = tree[path] else { throw InputError(description: "\(path) is not a file of the tree") }
                try budget.charge(path, size: data.count)
                return data
            })
    }
}
