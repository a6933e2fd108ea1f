/// Builders of the RFC 6241 / RFC 5277 operation elements that go inside `<rpc>` (see `RPC.envelope`).
/// Arbitrary vendor RPCs are plain `XMLElement`s.
public enum Operation {
    private static let ns = NETCONFNamespace.base

    private static func element(_ name: String, _ children: [XMLElement] = []) -> XMLElement {
        XMLElement(name, namespace: ns, elements: children)
    }

    private static func container(_ name: String, _ datastore: Datastore) -> XMLElement {
        element(name, [datastore.element])
    }

    public static func get(filter: Filter? = nil, withDefaults: WithDefaultsMode? = nil) -> XMLElement {
        element("get", (filter.map { [$0.element()] } ?? []) + (withDefaults.map { [$0.element] } ?? []))
    }

    public static func getConfig(
        source: Datastore, filter: Filter? = nil,
        withDefaults: WithDefaultsMode? = nil
    ) -> XMLElement {
        element(
            "get-config",
            [container("source", source)] + (filter.map { [$0.element()] } ?? [])
                + (withDefaults.map { [$0.element] } ?? []))
    }

    /// `config` is either a `<config>` element (any namespace; its children are sent) or the single content
    /// root to wrap in `<config>`.
    public static func editConfig(
        target: Datastore, config: XMLElement, defaultOperation: DefaultOperation? = nil,
        testOption: TestOption? = nil, errorOption: ErrorOption? = nil
    ) -> XMLElement {
        var children = [container("target", target)]
        if let defaultOperation {
            children.append(XMLElement("default-operation", namespace: ns, text: defaultOperation.rawValue))
        }
        if let testOption { children.append(XMLElement("test-option", namespace: ns, text: testOption.rawValue)) }
        if let errorOption { children.append(XMLElement("error-option", namespace: ns, text: errorOption.rawValue)) }
        if config.name == "config" {
            var wrapper = config
            wrapper.namespace = ns
            children.append(wrapper)
        } else {
            children.append(element("config", [config]))
        }
        return element("edit-config", children)
    }

    public static func copyConfig(target: Datastore, source: Datastore) -> XMLElement {
        element("copy-config", [container("target", target), container("source", source)])
    }

    public static func deleteConfig(target: Datastore) -> XMLElement {
        element("delete-config", [container("target", target)])
    }

    public static func lock(_ target: Datastore) -> XMLElement {
        element("lock", [container("target", target)])
    }

    public static func unlock(_ target: Datastore) -> XMLElement {
        element("unlock", [container("target", target)])
    }

    /// `<commit>`; `confirmed` with optional `confirmTimeout` seconds (default 600 on the server), `persist` to
    /// let another session confirm, `persistID` to confirm a persisted commit.
    public static func commit(
        confirmed: Bool = false, confirmTimeout: Int? = nil, persist: String? = nil,
        persistID: String? = nil
    ) -> XMLElement {
        var children: [XMLElement] = []
        if confirmed { children.append(element("confirmed")) }
        if let confirmTimeout {
            children.append(XMLElement("confirm-timeout", namespace: ns, text: String(confirmTimeout)))
        }
        if let persist { children.append(XMLElement("persist", namespace: ns, text: persist)) }
        if let persistID { children.append(XMLElement("persist-id", namespace: ns, text: persistID)) }
        return element("commit", children)
    }

    public static func cancelCommit(persistID: String? = nil) -> XMLElement {
        element("cancel-commit", persistID.map { [XMLElement("persist-id", namespace: ns, text: $0)] } ?? [])
    }

    public static func discardChanges() -> XMLElement { element("discard-changes") }

    public static func validate(source: Datastore) -> XMLElement {
        element("validate", [container("source", source)])
    }

    public static func closeSession() -> XMLElement { element("close-session") }

    public static func killSession(_ id: UInt32) -> XMLElement {
        element("kill-session", [XMLElement("session-id", namespace: ns, text: String(id))])
    }

    /// RFC 5277 `<create-subscription>`; times are RFC 3339 date-time strings (replay needs the server's support).
    public static func createSubscription(
        stream: String? = nil, filter: Filter? = nil, startTime: String? = nil,
        stopTime: String? = nil
    ) -> XMLElement {
        let notif = NETCONFNamespace.notification
        var children: [XMLElement] = []
        if let stream { children.append(XMLElement("stream", namespace: notif, text: stream)) }
        if let filter { children.append(filter.element(namespace: notif)) }
        if let startTime { children.append(XMLElement("startTime", namespace: notif, text: startTime)) }
        if let stopTime { children.append(XMLElement("stopTime", namespace: notif, text: stopTime)) }
        return XMLElement("create-subscription", namespace: notif, elements: children)
    }
}
