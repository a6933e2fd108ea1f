import CMSModel
import Yams

/// Decodes one YAML document of a known kind into the model, reporting every field problem.
enum DocumentDecoder {
    static let kinds = ["Tenant", "Device", "Group", "Schedule", "Mail", "Firmware"]
    static let apiVersion = "cms/v1"

    static func decode(_ root: Node, file: String, limits: Limits) -> (ParsedDocument?, [Diagnostic]) {
        let start = root.position ?? .start
        let reader = DocumentReader(file: file, start: start, limits: limits)
        guard case .mapping(let mapping) = root else {
            reader.report(
                .docNotMapping, at: start,
                "a document must be a mapping with apiVersion and kind, found \(root.yamlTypeName)")
            return (nil, reader.diagnostics)
        }
        let kindNode = mapping["kind"]
        let kind = kindNode?.scalar?.string
        guard let kind, kinds.contains(kind) else {
            if let kind, !kind.isEmpty {
                let suggestion = Suggest.closest(to: kind, in: kinds)
                reader.report(
                    .docKind, at: kindNode?.position,
                    "unknown kind `\(kind)`"
                        + (suggestion.map { "; did you mean `\($0)`?" } ?? ""),
                    hint: "kind is one of " + kinds.joined(separator: ", "))
            } else {
                reader.report(
                    .docKind, at: start, "the document has no kind",
                    hint: "add kind: Tenant | Device | Group | Schedule | Mail | Firmware")
            }
            checkAPIVersion(mapping, reader: reader)
            return (nil, reader.diagnostics)
        }
        checkAPIVersion(mapping, reader: reader)
        let payload: ParsedDocument.Payload?
        switch kind {
        case "Tenant": payload = decodeTenant(root, reader).map { .tenant($0) }
        case "Device": payload = decodeDevice(root, reader).map { .device($0) }
        case "Group": payload = decodeGroup(root, reader).map { .group($0) }
        case "Schedule": payload = decodeSchedule(root, reader).map { .schedule($0) }
        case "Mail": payload = decodeMail(root, reader).map { .mail($0) }
        default: payload = decodeFirmware(root, reader).map { .firmware($0) }
        }
        guard let payload else { return (nil, reader.diagnostics) }
        let document = ParsedDocument(
            file: file, start: start, payload: payload, positions: reader.positions, invalid: reader.invalid)
        return (document, reader.diagnostics)
    }

    private static func checkAPIVersion(_ mapping: Node.Mapping, reader: DocumentReader) {
        guard let node = mapping["apiVersion"] else {
            reader.report(.docAPIVersion, at: reader.start, "the document has no apiVersion")
            return
        }
        let value = node.scalar?.string ?? ""
        if value != apiVersion {
            reader.report(
                .docAPIVersion, at: node.position, "apiVersion is `\(value)`; this linter reads \(apiVersion)")
        }
    }

    static func header(_ keys: [String]) -> [String] { ["apiVersion", "kind"] + keys }
}
