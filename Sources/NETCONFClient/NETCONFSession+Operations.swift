import NETCONF

/// The RFC 6241 operations, each one RPC built by `NETCONF.Operation`, for every ``DeviceSession``.
extension DeviceSession {
    /// `<get>`: running configuration and state data. Returns the `<data>` element (empty if none).
    public func get(filter: Filter? = nil, timeout: Duration? = nil) async throws -> XMLElement {
        try await rpc(Operation.get(filter: filter), timeout: timeout).dataOrEmpty
    }

    /// `<get-config>` of `source`. Returns the `<data>` element (empty if none).
    public func getConfig(
        source: Datastore = .running, filter: Filter? = nil,
        timeout: Duration? = nil
    ) async throws -> XMLElement {
        try await rpc(Operation.getConfig(source: source, filter: filter), timeout: timeout).dataOrEmpty
    }

    /// `<edit-config>`: `config` is the `<config>` element whose children are the edits.
    public func editConfig(
        target: Datastore = .candidate, config: XMLElement,
        defaultOperation: DefaultOperation? = nil, testOption: TestOption? = nil,
        errorOption: ErrorOption? = nil, timeout: Duration? = nil
    ) async throws {
        try await rpc(
            Operation.editConfig(
                target: target, config: config, defaultOperation: defaultOperation,
                testOption: testOption, errorOption: errorOption), timeout: timeout)
    }

    /// `<copy-config>`.
    public func copyConfig(target: Datastore, source: Datastore, timeout: Duration? = nil) async throws {
        try await rpc(Operation.copyConfig(target: target, source: source), timeout: timeout)
    }

    /// `<delete-config>`.
    public func deleteConfig(target: Datastore, timeout: Duration? = nil) async throws {
        try await rpc(Operation.deleteConfig(target: target), timeout: timeout)
    }

    /// `<lock>`. A lock held by another session throws `RPCError` with tag `lock-denied` and the
    /// holder's session-id in its `info`.
    public func lock(_ target: Datastore = .candidate, timeout: Duration? = nil) async throws {
        try await rpc(Operation.lock(target), timeout: timeout)
    }

    /// `<unlock>`.
    public func unlock(_ target: Datastore = .candidate, timeout: Duration? = nil) async throws {
        try await rpc(Operation.unlock(target), timeout: timeout)
    }

    /// `<commit>`; with `confirmed` the device reverts unless a confirming commit follows within
    /// `timeout` seconds (device default 600) or, without `persist`, when this session ends.
    public func commit(
        confirmed: Bool = false, timeout confirmTimeout: Int? = nil, persist: String? = nil,
        persistID: String? = nil, rpcTimeout: Duration? = nil
    ) async throws {
        try await rpc(
            Operation.commit(
                confirmed: confirmed, confirmTimeout: confirmTimeout, persist: persist,
                persistID: persistID), timeout: rpcTimeout)
    }

    /// A confirmed `<commit>` that reverts after `seconds` unless confirmed by a plain `commit()`.
    public func commit(confirmed seconds: Int, persist: String? = nil) async throws {
        try await commit(confirmed: true, timeout: seconds, persist: persist)
    }

    /// `<cancel-commit>`: revert a pending confirmed commit now.
    public func cancelCommit(persistID: String? = nil, timeout: Duration? = nil) async throws {
        try await rpc(Operation.cancelCommit(persistID: persistID), timeout: timeout)
    }

    /// `<discard-changes>`: reset the candidate to the running configuration.
    public func discardChanges(timeout: Duration? = nil) async throws {
        try await rpc(Operation.discardChanges(), timeout: timeout)
    }

    /// `<validate>` of `source`.
    public func validate(source: Datastore = .candidate, timeout: Duration? = nil) async throws {
        try await rpc(Operation.validate(source: source), timeout: timeout)
    }

    /// `<kill-session>`: ends another session (releasing its locks).
    public func kill(sessionID: UInt32, timeout: Duration? = nil) async throws {
        try await rpc(Operation.killSession(sessionID), timeout: timeout)
    }
}

/// RFC 5277 notifications over the SSH session.
extension NETCONFSession {
    /// RFC 5277 `<create-subscription>`; notifications arrive on the returned stream, which ends
    /// when the session ends.
    public func subscribe(
        stream: String? = nil, filter: Filter? = nil,
        bufferingPolicy: AsyncStream<Notification>.Continuation.BufferingPolicy = .bufferingNewest(1024),
        timeout: Duration? = nil
    ) async throws -> AsyncStream<Notification> {
        let (notifications, continuation) = AsyncStream.makeStream(
            of: Notification.self, bufferingPolicy: bufferingPolicy)
        guard loop.post(.subscribe(id: id, stream: continuation)) else {
            continuation.finish()
            throw NETCONFClientError(
                .loopShutDown, host: host, port: port, message: "the NETCONF client loop is shut down")
        }
        do {
            try await rpc(Operation.createSubscription(stream: stream, filter: filter), timeout: timeout)
        } catch {
            continuation.finish()
            throw error
        }
        return notifications
    }
}

extension RPCReply {
    /// The `<data>` element, or an empty one when the reply carried none.
    var dataOrEmpty: XMLElement {
        data ?? XMLElement("data", namespace: NETCONFNamespace.base)
    }
}
