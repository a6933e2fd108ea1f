import NETCONF

/// Reads one element of the model with its path, turning bad values into `NXRModelError`.
struct Node {
    let element: XMLElement
    let path: String

    init(_ element: XMLElement, path: String) {
        self.element = element
        self.path = path
    }

    /// A child container or leaf in the nxr namespace.
    func child(_ name: String) -> Node? {
        element.child(name, namespace: NXRNamespace.uri).map { Node($0, path: path + "/" + name) }
    }

    /// List entries named `name`, each with its key predicate in the path.
    /// List entries named `name`, each with its key predicate in the path. Two entries with the same
    /// key are an error, as in YANG.
    func list(_ name: String, key: String = "name") throws(NXRModelError) -> [Node] {
        var seen: Set<String> = []
        var nodes: [Node] = []
        for entry in element.children(name, namespace: NXRNamespace.uri) {
            let keyValue = entry.childText(key, namespace: NXRNamespace.uri)
            let entryPath = path + "/\(name)[\(key)='\(keyValue ?? "?")']"
            if let keyValue, !seen.insert(keyValue).inserted {
                throw NXRModelError(
                    path: entryPath, message: "duplicate \(name) entry: \(key) '\(keyValue)' appears twice")
            }
            nodes.append(Node(entry, path: entryPath))
        }
        return nodes
    }

    func has(_ name: String) -> Bool { child(name) != nil }

    /// A leaf's text, trimmed; nil when absent.
    func string(_ name: String) -> String? { child(name)?.element.text.trimmingWhitespace() }

    /// A leaf's exact text (for free text whose whitespace matters); nil when absent.
    func rawString(_ name: String) -> String? { child(name)?.element.text }

    func required(_ name: String) throws(NXRModelError) -> String {
        guard let value = string(name) else {
            throw NXRModelError(path: path + "/" + name, message: "missing; it is mandatory")
        }
        return value
    }

    func error(_ name: String, _ message: String) -> NXRModelError {
        NXRModelError(path: path + "/" + name, message: message)
    }

    func uint<T: FixedWidthInteger & UnsignedInteger>(_ name: String, _ range: ClosedRange<T>) throws(NXRModelError)
        -> T?
    {
        guard let text = string(name) else { return nil }
        guard let value = T(text), range.contains(value) else {
            throw error(name, "'\(text)' is not an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    func requiredUInt<T: FixedWidthInteger & UnsignedInteger>(_ name: String, _ range: ClosedRange<T>)
        throws(NXRModelError) -> T
    {
        guard let value = try uint(name, range) else { throw error(name, "missing; it is mandatory") }
        return value
    }

    func bool(_ name: String) throws(NXRModelError) -> Bool? {
        guard let text = string(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw error(name, "'\(text)' is not true or false")
        }
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ name: String, _: E.Type = E.self) throws(NXRModelError)
        -> E? where E.RawValue == String
    {
        guard let text = string(name) else { return nil }
        guard let value = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: " | ")
            throw error(name, "'\(text)' is not one of \(allowed)")
        }
        return value
    }

    func matching(_ name: String, _ isValid: (String) -> Bool, _ rule: String) throws(NXRModelError) -> String? {
        guard let text = string(name) else { return nil }
        guard isValid(text) else { throw error(name, "'\(text)' is not \(rule)") }
        return text
    }
}

/// Builds elements in the nxr namespace.
enum Build {
    static func element(_ name: String, _ children: [XMLElement?]) -> XMLElement {
        XMLElement(name, namespace: NXRNamespace.uri, elements: children.compactMap { $0 })
    }

    static func leaf(_ name: String, _ value: String?) -> XMLElement? {
        value.map { XMLElement(name, namespace: NXRNamespace.uri, text: $0) }
    }

    static func leaf<T: BinaryInteger>(_ name: String, _ value: T?) -> XMLElement? {
        value.map { XMLElement(name, namespace: NXRNamespace.uri, text: String($0)) }
    }

    static func leaf(_ name: String, _ value: Bool?) -> XMLElement? {
        value.map { XMLElement(name, namespace: NXRNamespace.uri, text: $0 ? "true" : "false") }
    }

    static func leaf<E: RawRepresentable>(_ name: String, _ value: E?) -> XMLElement? where E.RawValue == String {
        value.map { XMLElement(name, namespace: NXRNamespace.uri, text: $0.rawValue) }
    }

    static func empty(_ name: String, _ present: Bool) -> XMLElement? {
        present ? XMLElement(name, namespace: NXRNamespace.uri) : nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// Lexical rules of schemas/nxr.yang's typedefs.
enum Lexical {
    static func isInterfaceName(_ s: String) -> Bool {
        for prefix in ["ethernet", "ppp", "tunnel"] where s.hasPrefix(prefix) {
            let number = s.dropFirst(prefix.count)
            guard (1...4).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            return number == "0" || number.first != "0"
        }
        return false
    }

    static func isTenantCode(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...16).contains(b.count), (0x61...0x7A).contains(b[0]) else { return false }
        return b.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F || $0 == 0x2D }
    }

    static func isDeviceCode(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...16).contains(b.count), (0x61...0x7A).contains(b[0]) else { return false }
        return b.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    static func isPolicyName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...64).contains(b.count), isAlnum(b[0]) else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == 0x5F || $0 == 0x2E || $0 == 0x2D }
    }

    static func isHostname(_ s: String) -> Bool { isPolicyName(s) }

    static func isAlnum(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
    }

    static func isIKEIDValue(_ s: String) -> Bool {
        let b = Array(s.utf8)
        return (1...128).contains(b.count)
            && b.allSatisfy { isAlnum($0) || $0 == 0x5F || $0 == 0x2E || $0 == 0x40 || $0 == 0x2D }
    }
}
