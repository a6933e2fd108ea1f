import CMSModel
import CMSReconcile
import CMSSchema
import Foundation

/// A working tree sent by `cms plan --local`, loaded and linted as a revision (commit `local`): the same lint and
/// the same baseline files as a committed revision, so its plan against live state is what a commit would do.
public enum LocalRevision {
    public static let commit = "local"

    public static func load(_ tree: [String: Data], limits: InputLimits = .default, now: Timestamp) async throws
        -> Revision
    {
        let input = try RepositoryLoader.memory(tree, limits: limits)
        let result = await ConcurrentLinter.lint(input)
        var files: [String: [UInt8]] = [:]
        for device in result.snapshot?.devices ?? [] {
            for config in device.configs where (config.enforce && config.type == .xml) || config.autoConfig {
                let path = config.repositoryPath(device: device.code)
                files[path] = Array(try input.read(path))
            }
        }
        return Revision(
            commit: commit, authorName: "", authorEmail: "", time: now, message: "local working tree",
            snapshot: result.snapshot, diagnostics: result.diagnostics, files: files)
    }
}
