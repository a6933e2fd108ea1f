import NETCONF

/// RFC 6241 §6 subtree filtering over the simulator's XML trees.
///
/// Filter nodes are namespace selections (a filter node without a namespace matches any), attribute matches,
/// containment nodes (with element children), selection nodes (empty leaves) and content match nodes (leaves with
/// text). Sibling content match nodes are ANDed; when they all match and there are no other siblings, the whole
/// parent is selected.
public enum SubtreeFilter {
    /// Applies `filter` (the children of `<filter type="subtree">`) to the children of `root`.
    /// An empty filter selects nothing.
    public static func apply(_ filter: [XMLElement], to root: XMLElement) -> [XMLElement] {
        guard !filter.isEmpty else { return [] }
        return Self.filterChildren(of: root, with: filter) ?? []
    }

    /// The selected children of `parent`, or nil when a content match fails (the parent is not selected).
    static func filterChildren(of parent: XMLElement, with filter: [XMLElement]) -> [XMLElement]? {
        let contentMatches = filter.filter(Self.isContentMatch)
        let others = filter.filter { !Self.isContentMatch($0) }
        for match in contentMatches {
            let wanted = match.text.trimmed
            let found = parent.elements.contains { Self.nodeMatches(match, $0) && $0.text.trimmed == wanted }
            if !found { return nil }
        }
        if others.isEmpty {
            return contentMatches.isEmpty ? [] : parent.elements
        }
        var result: [XMLElement] = []
        for child in parent.elements {
            if contentMatches.contains(where: { Self.nodeMatches($0, child) && $0.text.trimmed == child.text.trimmed })
            {
                result.append(child)
                continue
            }
            var selected: XMLElement?
            for node in others where Self.nodeMatches(node, child) {
                if node.elements.isEmpty {
                    selected = child
                    break
                }
                if let inner = Self.filterChildren(of: child, with: node.elements), !inner.isEmpty {
                    var copy = child
                    copy.children = Self.merged(existing: selected?.elements ?? [], adding: inner).map { .element($0) }
                    selected = copy
                }
            }
            if let selected { result.append(selected) }
        }
        return result
    }

    static func isContentMatch(_ node: XMLElement) -> Bool {
        node.elements.isEmpty && !node.text.trimmed.isEmpty
    }

    static func nodeMatches(_ filter: XMLElement, _ data: XMLElement) -> Bool {
        guard filter.name == data.name else { return false }
        if let namespace = filter.namespace, namespace != data.namespace { return false }
        for attribute in filter.attributes where attribute.name != "type" || attribute.namespace != nil {
            guard data.attribute(attribute.name, namespace: attribute.namespace) == attribute.value else {
                return false
            }
        }
        return true
    }

    /// Union of two selections of one parent's children (two filter nodes may select different parts).
    static func merged(existing: [XMLElement], adding: [XMLElement]) -> [XMLElement] {
        var result = existing
        for element in adding where !result.contains(element) {
            result.append(element)
        }
        return result
    }
}
