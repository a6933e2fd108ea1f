import Foundation

/// Reads what the importer needs from a tenant repository on disk (the only reading side of CMSImport).
public struct RepoReader: Sendable {
    public var root: URL

    public init(root: URL) {
        self.root = root
    }

    /// Every YAML file (outside `configs/` and hidden folders), plus the config files of `codes`.
    public func snapshot(configsOf codes: Set<String>) throws(ImportError) -> RepoSnapshot {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .repoNotFound(path: root.path)
        }
        var snapshot = RepoSnapshot()
        for relative in try yamlFiles() {
            snapshot.addYAML(path: relative, text: try readText(relative), onlyCodes: codes)
        }
        for code in codes where DeviceListRules.codeProblem(code) == nil {
            let folder = "configs/\(code)"
            let url = root.appending(path: folder)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            try RepoWriter.refuseSymlinks(root: root, relativePath: folder)
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: url.path)
            } catch {
                throw .repoUnreadable(path: folder, reason: "\(error.localizedDescription)")
            }
            for name in names where DeviceListRules.configNameProblem(name) == nil {
                let file = url.appending(path: name)
                guard (try? file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                do {
                    snapshot.configFiles[code, default: [:]][name] = try Data(contentsOf: file)
                } catch {
                    throw .repoUnreadable(path: "\(folder)/\(name)", reason: "\(error.localizedDescription)")
                }
            }
        }
        snapshot.deviceModeline = deviceModeline(snapshot: snapshot)
        return snapshot
    }

    /// Repository-relative paths of the YAML files the linter reads, sorted.
    func yamlFiles() throws(ImportError) -> [String] {
        var result: [String] = []
        var pending = [""]
        while let folder = pending.popLast() {
            let url = folder.isEmpty ? root : root.appending(path: folder)
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: url.path)
            } catch {
                throw .repoUnreadable(path: folder.isEmpty ? "." : folder, reason: "\(error.localizedDescription)")
            }
            for name in names where !name.hasPrefix(".") {
                let relative = folder.isEmpty ? name : "\(folder)/\(name)"
                if relative == "configs" { continue }
                let values = try? url.appending(path: name).resourceValues(forKeys: [
                    .isDirectoryKey, .isSymbolicLinkKey,
                ])
                if values?.isSymbolicLink == true { continue }
                if values?.isDirectory == true {
                    pending.append(relative)
                } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    result.append(relative)
                }
            }
        }
        return result.sorted()
    }

    func readText(_ relative: String) throws(ImportError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: root.appending(path: relative))
        } catch {
            throw .repoUnreadable(path: relative, reason: "\(error.localizedDescription)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .repoUnreadable(path: relative, reason: "not UTF-8 text")
        }
        return text
    }

    /// Reuse the modeline of an existing device file; else point at a `schemas/` folder found in the repository
    /// or above it; else assume `schemas/` at the repository root.
    func deviceModeline(snapshot: RepoSnapshot) -> String {
        for path in snapshot.yamlPaths.sorted()
        where path.hasPrefix("devices/") && path.split(separator: "/").count == 2 {
            let firstLine = (try? readText(path))?.split(separator: "\n").first.map(String.init) ?? ""
            if firstLine.hasPrefix("# yaml-language-server:") && firstLine.contains("device.schema.json") {
                return firstLine
            }
        }
        var prefix = "../"
        var folder = root.standardizedFileURL
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: folder.appending(path: "schemas/device.schema.json").path) {
                return "# yaml-language-server: $schema=\(prefix)schemas/device.schema.json"
            }
            folder = folder.deletingLastPathComponent()
            prefix += "../"
        }
        return "# yaml-language-server: $schema=../schemas/device.schema.json"
    }
}
