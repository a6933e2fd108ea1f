import CLibXML2

/// libxml2 must be initialised once before contexts are used from several threads.
private let libxml2Initialized: Bool = {
    xmlInitParser()
    return true
}()

/// Parsing (libxml2, hardened) and serialization (pure Swift) of `XMLElement` trees.
///
/// Hardening: a document with a DOCTYPE is refused (so there are no DTDs, no entity declarations and no
/// entity expansion — billion laughs and XXE cannot happen); `XML_PARSE_NONET` forbids network access;
/// `XML_PARSE_NOENT`, `XML_PARSE_DTDLOAD` and `XML_PARSE_HUGE` are never set, so libxml2's own size limits
/// apply; `XMLLimits` caps bytes, depth, text size and attributes per element (libxml2 2.9 is quadratic in
/// the latter). Errors are collected per parser context and never
/// printed. Whitespace-only text between elements (indentation) is dropped: an element that has element
/// children keeps only its non-blank text; a leaf element keeps its text exactly.
public enum XML {
    /// libxml2 parser options: no network, CDATA as text, no error printing. Never NOENT/DTDLOAD/HUGE.
    static let parseOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue)

    /// Parses a UTF-8 document and returns its root element.
    public static func parse(_ bytes: [UInt8], limits: XMLLimits = .default) throws(XMLError) -> XMLElement {
        // Peers often put a newline between `]]>]]>` and the next `<?xml …?>`; libxml2 refuses anything before
        // the declaration, so skip a UTF-8 byte-order mark and leading whitespace.
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var skippedLines = 0
        while start < bytes.count,
            bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0A
                || bytes[start] == 0x0D
        {
            if bytes[start] == 0x0A { skippedLines += 1 }
            start += 1
        }
        guard start < bytes.count else { throw XMLError(message: "empty document") }
        try bytes.withUnsafeBufferPointer { buffer throws(XMLError) in
            try checkAttributeCount(UnsafeBufferPointer(rebasing: buffer[start...]), max: limits.maxAttributes)
        }
        guard bytes.count <= limits.maxBytes, bytes.count <= Int(Int32.max) else {
            throw XMLError(
                message: "document is \(bytes.count) bytes, more than the limit of "
                    + "\(min(limits.maxBytes, Int(Int32.max))) bytes")
        }
        _ = libxml2Initialized
        guard let context = xmlNewParserCtxt() else {
            throw XMLError(message: "libxml2 could not allocate a parser context (out of memory)")
        }
        defer { xmlFreeParserCtxt(context) }
        // Stop at the first sign of a DTD: the DOCTYPE callback fires before any internal subset is read.
        context.pointee.sax.pointee.internalSubset = { ctx, _, _, _ in
            xmlStopParser(ctx?.assumingMemoryBound(to: xmlParserCtxt.self))
        }
        context.pointee.sax.pointee.externalSubset = { ctx, _, _, _ in
            xmlStopParser(ctx?.assumingMemoryBound(to: xmlParserCtxt.self))
        }
        context.pointee.sax.pointee.entityDecl = { ctx, _, _, _, _, _ in
            xmlStopParser(ctx?.assumingMemoryBound(to: xmlParserCtxt.self))
        }
        let document = bytes.withUnsafeBufferPointer { buffer in
            UnsafeBufferPointer(rebasing: buffer[start...]).withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(context, chars.baseAddress, Int32(chars.count), nil, "UTF-8", parseOptions)
            }
        }
        defer { if let document { xmlFreeDoc(document) } }
        if context.pointee.errNo == Int32(XML_ERR_USER_STOP.rawValue) {
            throw XMLError(
                message: "document has a DOCTYPE; DTDs and entity declarations are refused",
                line: Int(xmlSAX2GetLineNumber(context)) + skippedLines)
        }
        guard let document else {
            var error = lastError(context)
            error.line = error.line.map { $0 + skippedLines }
            throw error
        }
        guard document.pointee.intSubset == nil, document.pointee.extSubset == nil else {
            throw XMLError(message: "document has a DOCTYPE; DTDs and entity declarations are refused")
        }
        guard let root = xmlDocGetRootElement(document) else { throw XMLError(message: "document has no root element") }
        var builder = TreeBuilder(limits: limits, lineOffset: skippedLines)
        return try builder.element(root, depth: 1, inScope: [:])
    }

    /// Parses a document given as a string (its UTF-8 bytes).
    public static func parse(_ string: String, limits: XMLLimits = .default) throws(XMLError) -> XMLElement {
        try parse(Array(string.utf8), limits: limits)
    }

    private static func lastError(_ context: xmlParserCtxtPtr) -> XMLError {
        guard let error = xmlCtxtGetLastError(context), let text = error.pointee.message else {
            return XMLError(message: "document is not well-formed XML")
        }
        let message = String(cString: text).trimmingXMLWhitespace()
        let line = Int(error.pointee.line)
        return XMLError(
            message: message.isEmpty ? "document is not well-formed XML" : message,
            line: line > 0 ? line : nil)
    }
}

/// Copies a libxml2 tree into `XMLElement` values, enforcing depth and text caps.
private struct TreeBuilder {
    let limits: XMLLimits
    let lineOffset: Int
    /// libxml2 interns names in a dictionary, so equal names share a pointer: convert each once.
    var names: [UnsafePointer<xmlChar>: String] = [:]
    var namespaces: [UnsafeMutablePointer<xmlNs>: String] = [:]

    init(limits: XMLLimits, lineOffset: Int) {
        self.limits = limits
        self.lineOffset = lineOffset
    }

    mutating func name(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        if let known = names[pointer] { return known }
        let string = String(cString: pointer)
        names[pointer] = string
        return string
    }

    mutating func namespace(_ ns: UnsafeMutablePointer<xmlNs>?) -> String? {
        guard let ns else { return nil }
        if let known = namespaces[ns] { return known }
        guard let href = ns.pointee.href else { return nil }
        let string = String(cString: href)
        namespaces[ns] = string
        return string
    }

    func string(
        _ pointer: UnsafePointer<xmlChar>?, what: @autoclosure () -> String,
        line: Int
    ) throws(XMLError) -> String {
        guard let pointer else { return "" }
        let length = strlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
        guard length <= limits.maxTextBytes else {
            throw XMLError(
                message: "\(what()) is \(length) bytes, more than the limit of \(limits.maxTextBytes)",
                line: line)
        }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    mutating func element(_ node: xmlNodePtr, depth: Int, inScope: [String: String]) throws(XMLError) -> XMLElement {
        let line = Int(xmlGetLineNo(node)) + lineOffset
        guard depth <= limits.maxDepth else {
            throw XMLError(message: "elements nested deeper than the limit of \(limits.maxDepth)", line: line)
        }
        let name = self.name(node.pointee.name)
        var element = XMLElement(name, namespace: namespace(node.pointee.ns))

        // Prefixes in scope: the parent's plus this element's own declarations (shared storage when none).
        element.namespaceDeclarations = inScope
        var declaration = node.pointee.nsDef
        while let ns = declaration {
            if let prefix = ns.pointee.prefix, let href = ns.pointee.href {
                element.namespaceDeclarations[String(cString: prefix)] = String(cString: href)
            }
            declaration = ns.pointee.next
        }

        var property = node.pointee.properties
        while let attribute = property {
            let attributeName = self.name(attribute.pointee.name)
            var value = ""
            var valueNode = attribute.pointee.children
            while let part = valueNode {
                value += try string(part.pointee.content, what: "attribute \(attributeName)", line: line)
                valueNode = part.pointee.next
            }
            guard value.utf8.count <= limits.maxTextBytes else {
                throw XMLError(
                    message: "attribute \(attributeName) is longer than the limit of "
                        + "\(limits.maxTextBytes) bytes", line: line)
            }
            element.attributes.append(
                XMLAttribute(
                    name: attributeName, namespace: namespace(attribute.pointee.ns),
                    value: value))
            property = attribute.pointee.next
        }

        var children: [XMLNode] = []
        var hasElementChild = false
        var current = node.pointee.children
        while let child = current {
            switch child.pointee.type {
            case XML_ELEMENT_NODE:
                hasElementChild = true
                children.append(
                    .element(try self.element(child, depth: depth + 1, inScope: element.namespaceDeclarations)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let text = try string(child.pointee.content, what: "text in <\(name)>", line: line)
                if case .text(let previous)? = children.last {
                    children[children.count - 1] = .text(previous + text)
                } else {
                    children.append(.text(text))
                }
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL:
                throw XMLError(message: "entity references are refused", line: Int(xmlGetLineNo(child)) + lineOffset)
            default:
                break  // comments, processing instructions
            }
            current = child.pointee.next
        }
        if hasElementChild {
            children.removeAll { node in
                if case .text(let text) = node {
                    return text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
                }
                return false
            }
        }
        element.children = children
        return element
    }
}
