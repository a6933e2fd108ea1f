import CMSModel
import NETCONF
import NXRModel

/// A device's declared **baseline**: an XML config file of the tenant repository (`configs/<device>/<file>.xml`)
/// that the device's YAML marks `enforce: true` (docs/managed-parts.md).
///
/// The file is NXR-model configuration (schemas/nxr.yang, namespace `urn:cms:nxr:1.0`), either wrapped in a
/// `<config>` element of the NETCONF base namespace or written as bare top-level elements (`<system>`,
/// `<interfaces>`, `<crp>`, `<netconf-server>`, `<ipsec>`).
///
/// Semantics: **every leaf and list entry written in the baseline must be present on the device with that
/// value; whatever the baseline does not mention is left alone** (never deleted). An empty element
/// (`<negotiated/>`) asks only for presence. List entries are matched by key as nxr-sim does (first child
/// `name`, `id` or `ip`); leaf values compare with surrounding whitespace trimmed. ``change(observed:)``
/// returns only the differing leaves, with their ancestors and list keys, as a merge edit.
///
/// Refused (``PlanError`` naming the file): what the hardened XML layer refuses (DOCTYPE, entities, size and
/// depth caps of ``limits``), other namespaces or unknown top-level containers, attributes (a baseline
/// carries no NETCONF `operation`s), read-only `state` nodes, mixed text and elements, a node written twice,
/// and IKE/IPsec policies named `cms-…` — those belong to the IPsec part.
public struct BaselinePart: ManagedPart {
    /// The id every baseline part has.
    public static let partID = "baseline"
    /// Size caps for a baseline file: 1 MiB, depth 32, 64 KiB per text node, 32 attributes per element.
    public static let limits = XMLLimits(maxBytes: 1 << 20, maxDepth: 32, maxTextBytes: 64 << 10, maxAttributes: 32)
    /// The configuration containers of schemas/nxr.yang a baseline may hold.
    public static let topLevelContainers: Set<String> = ["system", "interfaces", "crp", "netconf-server", "ipsec"]

    public var id: String { Self.partID }
    /// Repository-relative path of the file, for messages.
    public let file: String
    /// The baseline's top-level elements, normalized (leaf text trimmed).
    public let desired: [XMLElement]

    /// Parses and checks a baseline file.
    /// - Parameters:
    ///   - file: the repository path (`configs/<device>/<file>.xml`), used in messages.
    ///   - xml: the file's bytes.
    public init(file: String, xml: [UInt8]) throws(PlanError) {
        let roots = try Self.topLevel(file: file, xml: xml)
        guard !roots.isEmpty else {
            throw PlanError(
                file: file,
                message: "the baseline is empty; write NXR configuration (e.g. <system xmlns=\"\(NXRNamespace.uri)\">)"
                    + " inside <config>, or clear `enforce` on the file")
        }
        for root in roots {
            guard root.namespace == NXRNamespace.uri else {
                throw PlanError(
                    file: file,
                    message: "<\(root.name)> is in namespace \(root.namespace.map { "`\($0)`" } ?? "(none)"); "
                        + "a baseline holds NXR configuration in namespace `\(NXRNamespace.uri)` (schemas/nxr.yang)")
            }
            guard Self.topLevelContainers.contains(root.name) else {
                throw PlanError(
                    file: file,
                    message: "<\(root.name)> is not a configuration container of the NXR model; use "
                        + Self.topLevelContainers.sorted().map { "<\($0)>" }.joined(separator: ", "))
            }
        }
        try Self.checkSiblings(roots, path: "", file: file)
        for root in roots {
            try Self.check(root, path: root.name, file: file)
        }
        try Self.checkManagedPolicies(roots, file: file)
        self.file = file
        self.desired = roots.map(ConfigDiff.normalized)
    }

    /// One part per `enforce: true` XML config file of the device, in the order of its `configs`.
    /// - Parameter files: repository path → bytes of the revision's enforced files (`Revision.files`).
    public static func parts(for device: Device, files: [String: [UInt8]]) throws(PlanError) -> [BaselinePart] {
        var parts: [BaselinePart] = []
        for config in device.configs where config.enforce {
            let path = config.repositoryPath(device: device.code)
            guard config.type == .xml else {
                throw PlanError(
                    file: path, message: "only xml config files can be enforced; clear `enforce` on this file")
            }
            guard let bytes = files[path] else {
                throw PlanError(
                    file: path,
                    message: "the enforced config file of device `\(device.code)` is not in the revision; "
                        + "commit it or clear `enforce`")
            }
            parts.append(try BaselinePart(file: path, xml: bytes))
        }
        return parts
    }

    /// A selection node per top-level container of the baseline: the device's whole container is read, so the
    /// plan sees every sibling a list entry could match.
    public var readFilter: [XMLElement] {
        desired.map { XMLElement($0.name, namespace: $0.namespace) }
    }

    public func change(observed: [XMLElement]) -> PartChange? {
        var summary: [String] = []
        let edit = ConfigDiff.edit(desired: desired, observed: observed, path: "", summary: &summary)
        guard !edit.isEmpty else { return nil }
        return PartChange(part: id, summary: summary, edit: edit)
    }
}

extension BaselinePart {
    /// The top-level configuration elements of the file: the children of a `<config>` wrapper, the single root,
    /// or a fragment of several roots.
    static func topLevel(file: String, xml: [UInt8]) throws(PlanError) -> [XMLElement] {
        let root: XMLElement
        do throws(XMLError) {
            root = try XML.parse(xml, limits: limits)
        } catch {
            // Several top-level elements are not one XML document: read them inside a wrapper, line numbers kept.
            // Refusals (DOCTYPE, size) are final; a wrapped parse that also fails reports the first error.
            guard !error.message.contains("DOCTYPE"), xml.count <= limits.maxBytes,
                let wrapped = try? XML.parse(Self.wrapped(xml), limits: limits)
            else {
                throw PlanError(file: file, message: "cannot read the baseline: \(error.message)", line: error.line)
            }
            return wrapped.elements
        }
        if root.matches("config", namespace: NETCONFNamespace.base) {
            guard root.attributes.isEmpty else {
                throw PlanError(file: file, message: "<config> carries attributes; remove them")
            }
            guard root.text.trimmingXMLSpace().isEmpty else {
                throw PlanError(file: file, message: "<config> holds text outside its elements; remove it")
            }
            return root.elements
        }
        return [root]
    }

    /// The bytes inside a `<config>` wrapper, the XML declaration blanked out (so lines stay where they were).
    static func wrapped(_ xml: [UInt8]) -> [UInt8] {
        var body = xml
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        let start = body.firstIndex { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) } ?? body.endIndex
        if body[start...].starts(with: Array("<?xml".utf8)) {
            var index = start
            while index + 1 < body.count, !(body[index] == UInt8(ascii: "?") && body[index + 1] == UInt8(ascii: ">")) {
                if body[index] != 0x0A { body[index] = 0x20 }
                index += 1
            }
            if index + 1 < body.count {
                body[index] = 0x20
                body[index + 1] = 0x20
            }
        }
        return Array("<config xmlns=\"\(NETCONFNamespace.base)\">".utf8) + body + Array("</config>".utf8)
    }

    /// Structural rules of a baseline node and everything below it.
    static func check(_ element: XMLElement, path: String, file: String) throws(PlanError) {
        if let attribute = element.attributes.first {
            let what = attribute.name == "operation" ? "a NETCONF operation" : "attribute `\(attribute.name)`"
            throw PlanError(
                file: file,
                message: "\(path) carries \(what); a baseline says only what must be present, "
                    + "so it has no attributes (remove it)")
        }
        if element.name == "state" {
            throw PlanError(
                file: file,
                message: "\(path) is read-only state (config false); a baseline holds configuration only")
        }
        let children = element.elements
        guard !children.isEmpty else { return }
        if !element.text.trimmingXMLSpace().isEmpty {
            throw PlanError(file: file, message: "\(path) holds both text and elements; keep one of them")
        }
        for child in children where child.namespace != NXRNamespace.uri {
            throw PlanError(
                file: file,
                message: "\(path)/\(child.name) is in namespace \(child.namespace.map { "`\($0)`" } ?? "(none)"); "
                    + "NXR configuration is in `\(NXRNamespace.uri)`")
        }
        try checkSiblings(children, path: path, file: file)
        for child in children {
            try check(child, path: path + "/" + ConfigDiff.pathComponent(child), file: file)
        }
    }

    /// No node written twice among siblings (the merge edit would be ambiguous).
    static func checkSiblings(_ siblings: [XMLElement], path: String, file: String) throws(PlanError) {
        for (index, element) in siblings.enumerated() {
            if siblings[..<index].contains(where: { ConfigDiff.sameNode($0, element) }) {
                let component = ConfigDiff.pathComponent(element)
                let here = path.isEmpty ? component : path + "/" + component
                throw PlanError(file: file, message: "\(here) is written twice; merge the two into one")
            }
        }
    }

    /// IKE and IPsec policies named `cms-…` are generated from IPsec groups; a baseline may not set them.
    static func checkManagedPolicies(_ roots: [XMLElement], file: String) throws(PlanError) {
        for ipsec in roots where ipsec.name == "ipsec" {
            for policy in ipsec.elements where policy.name == "ike-policy" || policy.name == "ipsec-policy" {
                let name = ConfigDiff.key(of: policy)?.value ?? ""
                if name.hasPrefix(NXRNamespace.managedPrefix) {
                    throw PlanError(
                        file: file,
                        message: "ipsec/\(policy.name)[name='\(name)'] is managed by cms (IPsec groups own every "
                            + "policy named `\(NXRNamespace.managedPrefix)…`); remove it from the baseline or "
                            + "rename it without the prefix")
                }
            }
        }
    }
}
