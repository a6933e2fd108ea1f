import Foundation
import Yams

/// What the importer needs to know about the tenant repository, read once before planning.
/// Built from file contents by a pure function, so the planner can be tested without a disk.
public struct RepoSnapshot: Sendable {
    /// Every `kind: Device` document by code (more than one means the repository is inconsistent).
    public var devices: [String: [ExistingDevice]] = [:]
    /// Text of every YAML file that holds a Device document, by repository-relative path.
    public var yamlTexts: [String: String] = [:]
    /// Repository-relative paths of all YAML files (to never clobber an unrelated file).
    public var yamlPaths: Set<String> = []
    /// YAML files that could not be parsed: path → reason. A device in such a file would be missed.
    public var unparsable: [String: String] = [:]
    /// Config files by device code, then file name.
    public var configFiles: [String: [String: Data]] = [:]
    /// Modeline for new device files (relative to `devices/`).
    public var deviceModeline = "# yaml-language-server: $schema=../schemas/device.schema.json"

    public init() {}

    /// Adds one YAML file's documents.
    public mutating func addYAML(path: String, text: String) {
        yamlPaths.insert(path)
        for (index, segment) in YAMLSegments.split(text).enumerated() {
            let node: Node?
            do {
                node = try Yams.compose(yaml: segment)
            } catch {
                unparsable[path] = "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML"
                continue
            }
            guard let node, let device = ExistingDevice.read(node, path: path, segment: index) else { continue }
            devices[device.code, default: []].append(device)
            yamlTexts[path] = text
        }
    }
}
