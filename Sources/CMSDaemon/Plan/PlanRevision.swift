import CMSAPI
import CMSReconcile

/// `cms plan --rev X` for any branch, tag or commit of the remote, fetched on demand (issue 17): a CI job on a merge
/// request plans its branch or its head commit before cmsd ever followed it.
enum PlanRevision {
    /// The names `requested` may stand for in the mirror, most likely first: a branch of the remote is
    /// `origin/<name>` there (the mirror has no local branches); a commit id or tag is itself.
    static func candidates(_ requested: String) -> [String] {
        let hex = requested.count >= 7 && requested.count <= 64 && requested.allSatisfy(\.isHexDigit)
        if hex || requested.hasPrefix("origin/") || requested.hasPrefix("refs/") { return [requested, "origin/" + requested] }
        return ["origin/" + requested, requested]
    }

    /// Loads the first candidate the mirror has; when none, fetches once and tries again.
    static func resolve(_ requested: String, source: any DesiredStateSource) async throws(APIError) -> Revision {
        var lastError = ""
        for attempt in 0..<2 {
            for candidate in candidates(requested) {
                do {
                    return try await source.load(revision: candidate)
                } catch {
                    lastError = "\(error)"
                }
            }
            guard attempt == 0 else { break }
            do {
                _ = try await source.fetch()
            } catch {
                throw APIError(
                    status: 502, code: "fetch-failed",
                    message: "'\(requested)' is not in cmsd's copy of the repository and fetching it failed: \(error)")
            }
        }
        throw APIError(
            status: 404, code: "revision-not-found",
            message: "no branch, tag or commit '\(requested)' in the repository, even after fetching it (\(lastError))")
    }
}
