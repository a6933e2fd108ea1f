import CMSAPI
import Foundation

/// The tenant folder `cms plan --local PATH` sends: every regular file below it, hidden entries (`.git`) and
/// symbolic links left out (cmsd never follows links in a tenant repository either), firmware images too.
enum LocalTreeReader {
    static func read(_ root: String) throws(CLIFailure) -> LocalTree {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIFailure("--local \(root) is not a folder; give the tenant repository's folder (with tenant.yaml)")
        }
        let base = URL(fileURLWithPath: root).standardizedFileURL
        guard FileManager.default.fileExists(atPath: base.appendingPathComponent("tenant.yaml").path) else {
            throw CLIFailure(
                "--local \(root) has no tenant.yaml at its root; give the folder of the tenant repository itself")
        }
        var files: [String: Data] = [:]
        var total = 0
        guard
            let walker = FileManager.default.enumerator(
                at: base, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey],
                options: [.skipsHiddenFiles])
        else { throw CLIFailure("cannot read the folder \(root)") }
        for case let url as URL in walker {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard values?.isSymbolicLink != true, values?.isRegularFile == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(base.path.count + 1))
            if relative.hasPrefix("firmware/") { continue }  // images are large and not planned
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw CLIFailure("cannot read \(url.path)")
            }
            total += data.count
            guard total <= LocalTree.maximumBodyBytes / 2 else {
                throw CLIFailure("the folder \(root) holds more than \(LocalTree.maximumBodyBytes >> 21) MiB of files")
            }
            files[relative] = data
        }
        return LocalTree(files: files)
    }
}
