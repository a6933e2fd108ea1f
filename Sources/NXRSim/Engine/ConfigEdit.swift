import NETCONF

/// Applies the `<config>` of an `<edit-config>` to a datastore tree (RFC 6241 §7.2), with the key rule of
/// ``ConfigTree``.
///
/// Operations: merge, replace, create (`data-exists` when present), delete (`data-missing` when absent), remove,
/// and the default operation `none` (nodes without an operation only navigate; containers are created only when
/// something below them is created). The caller picks the error option: stop-on-error keeps what was applied before
/// the first error, continue-on-error keeps every successful change, rollback-on-error keeps nothing on error.
public struct ConfigEdit {
    /// The per-node operation.
    enum Operation: String {
        case merge, replace, create, delete, remove, none
    }

    /// Thrown internally to stop at the first error.
    struct Stop: Error {}

    private(set) var errors: [RPCError] = []
    private let continueOnError: Bool

    /// Applies `edits` (the children of `<config>`) to `root`; returns the errors (empty on success).
    /// On `rollbackOnError` or `stopOnError` the root is left as the error option says.
    public static func apply(
        _ edits: [XMLElement], to root: inout XMLElement,
        defaultOperation: DefaultOperation = .merge, errorOption: ErrorOption = .stopOnError
    ) -> [RPCError] {
        var editor = ConfigEdit(continueOnError: errorOption == .continueOnError)
        var working = root
        let inherited: Operation =
            switch defaultOperation {
            case .merge: .merge
            case .replace: .replace
            case .none: .none
            }
        if defaultOperation == .replace {
            // RFC 6241: default-operation replace replaces the whole datastore with <config>'s content,
            // unless nodes say otherwise.
            var fresh = ConfigTree.emptyRoot()
            do {
                try editor.editChildren(of: &fresh, edits: edits, inherited: .merge, path: "")
            } catch {}
            working = fresh
        } else {
            do {
                try editor.editChildren(of: &working, edits: edits, inherited: inherited, path: "")
            } catch {}
        }
        if editor.errors.isEmpty || errorOption != .rollbackOnError {
            root = working
        }
        return editor.errors
    }

    private init(continueOnError: Bool) {
        self.continueOnError = continueOnError
    }

    private mutating func fail(_ error: RPCError) throws(Stop) {
        self.errors.append(error)
        if !self.continueOnError { throw Stop() }
    }

    private mutating func editChildren(
        of parent: inout XMLElement, edits: [XMLElement], inherited: Operation, path: String
    ) throws(Stop) {
        for edit in edits {
            let nodePath = path + "/" + ConfigTree.pathComponent(edit)
            var operation = inherited
            if let attribute = edit.attributes.first(where: ConfigTree.isOperationAttribute) {
                guard let parsed = Operation(rawValue: attribute.value), parsed != .none else {
                    try self.fail(
                        ServerError.badAttribute(
                            "operation", element: edit.name,
                            message:
                                "unknown operation '\(attribute.value)': use merge, replace, create, delete or remove"))
                    continue
                }
                operation = parsed
            }
            let index = parent.children.firstIndex { node in
                if case .element(let existing) = node { return ConfigTree.sameNode(existing, edit) }
                return false
            }
            switch operation {
            case .merge:
                if let index, case .element(var existing) = parent.children[index] {
                    if edit.elements.isEmpty {
                        existing.children = edit.children.filter { if case .text = $0 { true } else { false } }
                        existing.attributes = ConfigTree.stripOperations(edit).attributes
                    } else {
                        try self.editChildren(of: &existing, edits: edit.elements, inherited: .merge, path: nodePath)
                    }
                    parent.children[index] = .element(existing)
                } else if edit.elements.isEmpty {
                    parent.children.append(.element(ConfigTree.stripOperations(edit)))
                } else {
                    var shell = Self.shell(of: edit)
                    try self.editChildren(of: &shell, edits: edit.elements, inherited: .merge, path: nodePath)
                    parent.children.append(.element(shell))
                }
            case .replace:
                let replacement = ConfigTree.stripOperations(edit)
                if let index {
                    parent.children[index] = .element(replacement)
                } else {
                    parent.children.append(.element(replacement))
                }
            case .create:
                if index != nil {
                    try self.fail(ServerError.dataExists(path: nodePath))
                } else {
                    parent.children.append(.element(ConfigTree.stripOperations(edit)))
                }
            case .delete, .remove:
                if let index {
                    parent.children.remove(at: index)
                } else if operation == .delete {
                    try self.fail(ServerError.dataMissing(path: nodePath))
                }
            case .none:
                if let index, case .element(var existing) = parent.children[index] {
                    try self.editChildren(of: &existing, edits: edit.elements, inherited: .none, path: nodePath)
                    parent.children[index] = .element(existing)
                } else if !edit.elements.isEmpty {
                    var shell = Self.shell(of: edit)
                    let before = shell
                    try self.editChildren(of: &shell, edits: edit.elements, inherited: .none, path: nodePath)
                    if shell != before { parent.children.append(.element(shell)) }
                }
            }
        }
    }

    /// The element with its key child only: the start of a node created by merge or none.
    private static func shell(of edit: XMLElement) -> XMLElement {
        var shell = XMLElement(edit.name, namespace: edit.namespace)
        shell.attributes = ConfigTree.stripOperations(edit).attributes
        if ConfigTree.key(of: edit) != nil,
            let keyName = ConfigTree.keyNames.first(where: { name in edit.elements.contains { $0.name == name } }),
            let keyChild = edit.elements.first(where: { $0.name == keyName })
        {
            shell.children = [.element(ConfigTree.stripOperations(keyChild))]
        }
        return shell
    }
}
