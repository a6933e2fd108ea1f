import CLibYang
import NETCONF

/// Validates configuration against `schemas/nxr.yang` with libyang, and answers what a real NXR answers.
///
/// libyang's errors become RFC 6241 `rpc-error`s: an element the model does not have is `unknown-element`
/// (`unknown-namespace` for a foreign namespace), a value outside its type, range or pattern is `invalid-value`,
/// a mandatory node that is absent is `missing-element`, a reference to nothing is `data-missing`
/// (`instance-required`), a violated `must`/`unique`/`max-elements` is `operation-failed` with RFC 7950 §15's
/// `error-app-tag`. `error-path` is an XPath with the `nxr` prefix declared.
public struct YANGValidator: ConfigValidator {
    /// The process-wide validator: the module is compiled once and every simulated device shares it.
    public static let shared = YANGValidator()

    private let context: Result<YANGContext, YANGContextError>

    /// Compiles the NXR module (embedded from `schemas/nxr.yang`) in a new context; prefer ``shared``.
    public init() {
        self.init(module: NXRYangModule.text)
    }

    /// Compiles a given module text (tests).
    init(module: String) {
        do {
            self.context = .success(try YANGContext(module: module))
        } catch {
            self.context = .failure(error)
        }
    }

    /// Why the validator cannot work, if it cannot (then every check refuses with this message).
    public var unavailable: String? {
        if case .failure(let error) = self.context { return error.message }
        return nil
    }

    public func validate(edit: [XMLElement]) -> [RPCError] {
        guard !edit.isEmpty else { return [] }
        return self.check(edit.map(Self.editData), depth: .parseOnly)
    }

    public func validate(datastore: XMLElement) -> [RPCError] {
        self.check(datastore.elements, depth: .full)
    }

    private func check(_ elements: [XMLElement], depth: YANGContext.Depth) -> [RPCError] {
        let context: YANGContext
        switch self.context {
        case .success(let value): context = value
        case .failure(let error):
            return [ServerError.operationFailed("the device cannot validate configuration: \(error.message)")]
        }
        var xml: [UInt8] = []
        for element in elements { xml += XML.serializeBytes(element) }
        return context.check(xml: xml, depth: depth).map(Self.rpcError)
    }

    // MARK: Edits

    /// An edit's element as plain data: `operation` attributes dropped, and what is deleted reduced to the
    /// identity of the node (its key), since a `delete`/`remove` carries no values to check.
    static func editData(_ element: XMLElement) -> XMLElement {
        var copy = element
        let operation = element.attributes.first(where: ConfigTree.isOperationAttribute)?.value
        copy.attributes.removeAll(where: ConfigTree.isOperationAttribute)
        if operation == "delete" || operation == "remove" {
            let key = ConfigTree.keyNames.lazy.compactMap { name in element.elements.first { $0.name == name } }.first
            copy.children = key.map { [.element($0)] } ?? []
            return copy
        }
        copy.children = element.children.compactMap { node in
            guard case .element(let child) = node else { return node }
            let childOperation = child.attributes.first(where: ConfigTree.isOperationAttribute)?.value
            if (childOperation == "delete" || childOperation == "remove") && child.elements.isEmpty {
                return nil  // a leaf being deleted carries no value to check (often none at all)
            }
            return .element(Self.editData(child))
        }
        return copy
    }

    // MARK: Errors

    /// The prefix of the NXR module in error paths, and its namespace.
    static let pathNamespaces = ["nxr": SimModel.namespace]

    static func rpcError(_ failure: YANGContext.Failure) -> RPCError {
        let quoted = Self.quoted(failure.message)
        var error: RPCError
        switch (failure.code, failure.appTag) {
        case (LYVE_REFERENCE, _) where failure.message.hasPrefix("No module with namespace"):
            error = ServerError.make("application", "unknown-namespace", message: failure.message)
            if let namespace = quoted.first {
                error.info = [ServerError.infoElement("bad-namespace", namespace)]
            }
        case (LYVE_REFERENCE, _) where failure.message.hasPrefix("Node ") && failure.message.contains("not found"):
            let name = quoted.first ?? "?"
            let parent = failure.path ?? ""
            error = ServerError.make(
                "application", "unknown-element", message: failure.message,
                path: Self.qualified(parent.isEmpty ? "/nxr:\(name)" : "\(parent)/\(name)"),
                info: [ServerError.infoElement("bad-element", name)])
        case (LYVE_DATA, nil) where failure.message.hasPrefix("Mandatory node"):
            let name = quoted.first ?? "?"
            error = ServerError.make(
                "application", "missing-element", message: failure.message,
                path: failure.path.map { Self.qualified(Self.parentPath($0)) },
                info: [ServerError.infoElement("bad-element", name)])
        case (_, "instance-required"?), (_, "missing-choice"?):
            error = ServerError.make(
                "application", "data-missing", message: failure.message, path: failure.path.map(Self.qualified))
            error.appTag = failure.appTag
        case (_, let tag?):
            error = ServerError.make(
                "application", "operation-failed", message: failure.message, path: failure.path.map(Self.qualified))
            error.appTag = tag
        case (LYVE_DATA, nil):
            error = ServerError.make(
                "application", "invalid-value", message: failure.message, path: failure.path.map(Self.qualified))
        case (LYVE_SYNTAX_XML, nil), (LYVE_SYNTAX, nil):
            error = ServerError.malformedMessage(failure.message)
        default:
            error = ServerError.make(
                "application", "operation-failed", message: failure.message, path: failure.path.map(Self.qualified))
        }
        if error.path != nil { error.pathNamespaces = Self.pathNamespaces }
        return error
    }

    /// The double-quoted parts of a libyang message, in order.
    static func quoted(_ message: String) -> [String] {
        message.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// The path without its last step (brackets and quotes respected).
    static func parentPath(_ path: String) -> String {
        var depth = 0
        var quote: Character?
        var cut = path.startIndex
        for index in path.indices {
            let char = path[index]
            if let open = quote {
                if char == open { quote = nil }
            } else if char == "'" || char == "\"" {
                quote = char
            } else if char == "[" {
                depth += 1
            } else if char == "]" {
                depth -= 1
            } else if char == "/" && depth == 0 {
                cut = index
            }
        }
        return cut == path.startIndex ? "/" : String(path[..<cut])
    }

    /// libyang's path (`/nxr:interfaces/interface[name='e0']/mtu`, a prefix only where the module changes) with
    /// every node and key name prefixed (`/nxr:interfaces/nxr:interface[nxr:name='e0']/nxr:mtu`), as an
    /// `error-path` XPath needs.
    static func qualified(_ path: String) -> String {
        var out = ""
        var prefix = "nxr"
        var quote: Character?
        var atStep = false
        var index = path.startIndex
        while index < path.endIndex {
            let char = path[index]
            if let open = quote {
                out.append(char)
                if char == open { quote = nil }
                index = path.index(after: index)
                continue
            }
            if char == "'" || char == "\"" {
                quote = char
            } else if char == "/" || char == "[" {
                atStep = true
                out.append(char)
                index = path.index(after: index)
                continue
            } else if atStep {
                atStep = false
                let rest = path[index...]
                let nameEnd = rest.firstIndex { "/[]=".contains($0) } ?? path.endIndex
                let name = path[index..<nameEnd]
                if let colon = name.firstIndex(of: ":") {
                    prefix = String(name[..<colon])
                    out += name
                } else if name.first?.isLetter == true || name.first == "_" {
                    out += "\(prefix):\(name)"
                } else {
                    out += name
                }
                index = nameEnd
                continue
            }
            out.append(char)
            index = path.index(after: index)
        }
        return out
    }
}
