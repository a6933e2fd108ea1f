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

    /// Adds one YAML file's documents. With `codes`, documents that certainly declare no device of those codes
    /// are not parsed (a large repository is read in a fraction of the time); see ``mayDeclareDevice(_:among:)``.
    public mutating func addYAML(path: String, text: String, onlyCodes codes: Set<String>? = nil) {
        yamlPaths.insert(path)
        for (index, segment) in YAMLSegments.split(text).enumerated() {
            if let codes, !Self.mayDeclareDevice(segment, among: codes) { continue }
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

    /// `false` only when the document surely is not a Device with one of `codes`: it never mentions `Device`,
    /// or it has a top-level `code:` line whose plain value is not among `codes`. Anything unusual is parsed.
    static func mayDeclareDevice(_ segment: String, among codes: Set<String>) -> Bool {
        guard segment.contains("Device") else { return false }
        for line in segment.split(separator: "\n") where line.hasPrefix("code:") {
            var value = line.dropFirst(5)
            if let comment = value.range(of: " #") { value = value[..<comment.lowerBound] }
            value = value.drop { $0 == " " || $0 == "\t" }
            while let last = value.last, last == " " || last == "\t" || last == "\r" { value = value.dropLast() }
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            let plain =
                !value.isEmpty
                && value.unicodeScalars.allSatisfy {
                    $0.isASCII
                        && ($0.properties.isAlphabetic
                            || ("0"..."9").contains($0) || $0 == "_")
                }
            return plain ? codes.contains(String(value)) : true
        }
        return true
    }
}
