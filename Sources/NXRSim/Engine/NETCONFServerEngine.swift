import Foundation
import NETCONF

/// The NETCONF server of one simulated device as a pure state machine: bytes and time in, actions out.
///
/// It holds the device's datastores (running, candidate, startup), the locks, the pending confirmed commit and
/// every session's framing state, so that all of a device's sessions share one datastore. It does no I/O: the
/// caller performs the returned ``Action``s (write bytes, close a session, persist, run a vendor RPC) and passes
/// the current time into every event, so timeouts are tested without sleeping.
public struct NETCONFServerEngine: Sendable {
    /// What the caller must do after an event.
    public enum Action: Sendable {
        /// Write these (already framed) bytes on the session.
        case send(session: UInt32, bytes: [UInt8])
        /// Close the session's channel (after writing what was sent before).
        case close(session: UInt32)
        /// The running datastore changed (persist it).
        case runningChanged
        /// The startup datastore changed (persist it).
        case startupChanged
        /// An RPC outside the base protocol: the device answers it later with ``reply(session:_:)``.
        case vendorRPC(session: UInt32, messageID: String?, attributes: [XMLAttribute], operation: XMLElement)
        /// A fault asked the device to die now (crash during commit).
        case crash
    }

    /// Settings of the engine.
    public struct Configuration: Sendable {
        /// The capabilities advertised in the server hello.
        public var capabilities: [String]
        /// Checks edits (their data) and whole datastores (on commit, validate, copy-config and edits of running);
        /// its errors make the operation fail with nothing applied.
        public var validator: any ConfigValidator
        /// Namespaces whose RPCs go to the device as ``Action/vendorRPC(session:messageID:attributes:operation:)``.
        public var vendorNamespaces: Set<String>
        /// The largest message accepted.
        public var maxMessageSize: Int
        /// The namespace of the `config-change` notification.
        public var notificationNamespace: String
        /// The user name reported in notifications for changes made over NETCONF.
        public var username: String

        public init(
            capabilities: [String] = NETCONFServerEngine.defaultCapabilities,
            validator: any ConfigValidator = AcceptingValidator(),
            vendorNamespaces: Set<String> = [], maxMessageSize: Int = 64 << 20,
            notificationNamespace: String = SimModel.namespace, username: String = "admin"
        ) {
            self.notificationNamespace = notificationNamespace
            self.username = username
            self.capabilities = capabilities
            self.validator = validator
            self.vendorNamespaces = vendorNamespaces
            self.maxMessageSize = maxMessageSize
        }

        /// A configuration whose validator is a whole-datastore check given as a function.
        public init(
            capabilities: [String] = NETCONFServerEngine.defaultCapabilities,
            validator: @escaping @Sendable (XMLElement) -> [RPCError],
            vendorNamespaces: Set<String> = [], maxMessageSize: Int = 64 << 20,
            notificationNamespace: String = SimModel.namespace, username: String = "admin"
        ) {
            self.init(
                capabilities: capabilities, validator: DatastoreCheck(validator), vendorNamespaces: vendorNamespaces,
                maxMessageSize: maxMessageSize, notificationNamespace: notificationNamespace, username: username)
        }
    }

    /// Run-time faults the engine itself honours.
    public struct Faults: Sendable, Equatable {
        /// Every edit-config / copy-config answers an `operation-failed` rpc-error.
        public var rejectEdits = false
        /// A commit makes the device crash (no reply) before anything is committed.
        public var crashDuringCommit = false
        public init() {}
    }

    public static let defaultCapabilities: [String] = [
        Capability.base10, Capability.base11, Capability.candidate, Capability.confirmedCommit11,
        Capability.rollbackOnError, Capability.validate11, Capability.writableRunning, Capability.startup,
        Capability.notification, "urn:ietf:params:netconf:capability:interleave:1.0",
    ]

    /// A datastore that can be named as a target.
    enum Store: String, Hashable, Sendable {
        case running, candidate, startup
    }

    /// The per-session protocol state.
    struct Session: Sendable {
        /// Waiting for the client's hello; then exchanging RPCs.
        enum Phase: Sendable { case awaitingHello, established }
        var phase: Phase = .awaitingHello
        var decoder: FrameDecoder
        var mode: FramingMode = .endOfMessage
        var subscribed = false
        var closing = false
        /// A vendor RPC is being answered by the device: later RPCs wait, so replies keep their order.
        var busy = false
        var queued: [[UInt8]] = []
    }

    /// A confirmed commit waiting for its confirming commit.
    struct PendingCommit: Sendable {
        var backup: XMLElement
        var deadline: Date
        var session: UInt32
        var persist: String?
    }

    public let configuration: Configuration
    public var faults = Faults()
    public internal(set) var running: XMLElement
    public internal(set) var candidate: XMLElement
    public internal(set) var startup: XMLElement
    var candidateDirty = false
    /// The last datastore tree the validator accepted whole: a confirming commit (or a commit after `validate`)
    /// of the same tree is not validated again. Shares storage with the tree it equals, so it costs no copy.
    var lastValid: XMLElement?
    var locks: [Store: UInt32] = [:]
    var pending: PendingCommit?
    var sessions: [UInt32: Session] = [:]
    private var nextSessionID: UInt32 = 1
    /// NETCONF sessions opened (subsystem started) since the engine was made; tests use it to prove that
    /// a client never got this far (e.g. it refused the host key).
    public private(set) var sessionsOpened = 0
    /// `<rpc>` messages received after the hello exchange, whatever became of them.
    public private(set) var rpcsReceived = 0

    /// Creates an engine whose three datastores start as `running` (each a `data` root element).
    public init(configuration: Configuration = Configuration(), running: XMLElement, startup: XMLElement? = nil) {
        self.configuration = configuration
        self.running = running
        self.candidate = running
        self.startup = startup ?? running
    }

    /// The ids of the open sessions.
    public var sessionIDs: [UInt32] { self.sessions.keys.sorted() }

    /// Whether a session waits for the device's answer to a vendor RPC.
    public func isBusy(_ id: UInt32) -> Bool { self.sessions[id]?.busy ?? false }

    /// Which session holds the lock on a datastore ("running", "candidate", "startup"), if any.
    public func lockHolder(_ datastore: String) -> UInt32? {
        Store(rawValue: datastore).flatMap { self.locks[$0] }
    }

    /// Whether a confirmed commit is waiting for confirmation.
    public var confirmedCommitPending: Bool { self.pending != nil }

    /// When ``tick(now:)`` must next be called (the confirmed-commit deadline).
    public var nextDeadline: Date? { self.pending?.deadline }

    // MARK: Events

    /// A client opened the `netconf` subsystem: returns its session id and the server hello to send.
    public mutating func open(now: Date) -> (session: UInt32, actions: [Action]) {
        let id = self.nextSessionID
        self.nextSessionID = self.nextSessionID == UInt32.max ? 1 : self.nextSessionID + 1
        self.sessionsOpened += 1
        self.sessions[id] = Session(
            decoder: FrameDecoder(mode: .endOfMessage, maxMessageSize: self.configuration.maxMessageSize))
        let hello = Hello(capabilities: self.configuration.capabilities, sessionID: id).serialize()
        return (id, [.send(session: id, bytes: FrameEncoder.frame(hello, mode: .endOfMessage))])
    }

    /// Bytes arrived on a session. `operational` supplies the state data for `<get>`, given the running tree
    /// (it must not touch the engine itself: the engine is being mutated while it runs).
    public mutating func receive(
        _ id: UInt32, _ bytes: [UInt8], now: Date, operational: (XMLElement) -> [XMLElement] = { _ in [] }
    ) -> [Action] {
        guard var session = self.sessions[id], !session.closing else { return [] }
        let messages: [[UInt8]]
        do {
            messages = try session.decoder.feed(bytes)
        } catch {
            self.sessions[id] = session
            return self.terminate(id, now: now)
        }
        self.sessions[id] = session
        return self.process(id, messages, now: now, operational: operational)
    }

    private mutating func process(
        _ id: UInt32, _ messages: [[UInt8]], now: Date, operational: (XMLElement) -> [XMLElement]
    ) -> [Action] {
        var actions: [Action] = []
        for (index, message) in messages.enumerated() {
            guard let current = self.sessions[id], !current.closing else { break }
            if current.busy {
                self.sessions[id]?.queued += messages[index...]
                break
            }
            switch current.phase {
            case .awaitingHello:
                actions += self.receiveHello(id, message, now: now)
            case .established:
                self.rpcsReceived += 1
                actions += self.receiveRPC(id, message, now: now, operational: operational)
            }
        }
        return actions
    }

    /// The device's answer to a vendor RPC: sends it, then handles the RPCs that waited behind it.
    public mutating func finishVendorRPC(
        session id: UInt32, reply message: [UInt8], now: Date, operational: (XMLElement) -> [XMLElement] = { _ in [] }
    ) -> [Action] {
        guard let session = self.sessions[id], !session.closing else { return [] }
        let queued = session.queued
        self.sessions[id]?.busy = false
        self.sessions[id]?.queued = []
        return [self.send(id, message)] + self.process(id, queued, now: now, operational: operational)
    }

    /// The session's channel went away (client left, connection dropped).
    public mutating func end(_ id: UInt32, now: Date) -> [Action] {
        guard self.sessions.removeValue(forKey: id) != nil else { return [] }
        return self.releaseSessionResources(id, now: now)
    }

    /// Time passed: reverts a confirmed commit whose timeout expired.
    public mutating func tick(now: Date) -> [Action] {
        guard let pending = self.pending, now >= pending.deadline else { return [] }
        return self.revertPendingCommit(now: now)
    }

    /// Frames a message for a session (e.g. a notification); nil when the session is gone.
    public func frame(session id: UInt32, _ message: [UInt8]) -> Action? {
        guard let session = self.sessions[id], !session.closing else { return nil }
        return .send(session: id, bytes: FrameEncoder.frame(message, mode: session.mode))
    }

    /// Drops every session (reboot, crash): locks released, a non-persisted confirmed commit reverted.
    public mutating func closeAllSessions(now: Date) -> [Action] {
        var actions: [Action] = []
        for id in self.sessionIDs {
            actions.append(.close(session: id))
            actions += self.end(id, now: now)
        }
        return actions
    }

    /// Replaces running out of band (drift, config-restore, reboot into another config); notifies subscribers.
    public mutating func replaceRunning(_ root: XMLElement, now: Date, changedBy session: UInt32? = nil) -> [Action] {
        let old = self.running
        self.running = root
        if !self.candidateDirty { self.candidate = root }
        return [.runningChanged]
            + self.configChangeNotifications(session: session, datastore: "running", old: old, new: root, now: now)
    }

    /// Replaces startup out of band (config-restore with save).
    public mutating func replaceStartup(_ root: XMLElement) -> [Action] {
        self.startup = root
        return [.startupChanged]
    }

    // MARK: Hello

    private mutating func receiveHello(_ id: UInt32, _ message: [UInt8], now: Date) -> [Action] {
        guard let hello = try? Hello.parse(message), hello.sessionID == nil,
            hello.has(Capability.base10) || hello.has(Capability.base11)
        else {
            // RFC 6241 §8.1: a bad hello (or one carrying a session-id) ends the session.
            return self.terminate(id, now: now)
        }
        if hello.has(Capability.base11) && self.configuration.capabilities.contains(Capability.base11) {
            self.sessions[id]?.mode = .chunked
            self.sessions[id]?.decoder.mode = .chunked
        }
        self.sessions[id]?.phase = .established
        return []
    }

    /// Closes a session now (protocol violation, kill-session).
    private mutating func terminate(_ id: UInt32, now: Date) -> [Action] {
        guard self.sessions[id] != nil else { return [] }
        self.sessions[id]?.closing = true
        return [.close(session: id)] + self.releaseSessionResources(id, now: now)
    }

    mutating func releaseSessionResources(_ id: UInt32, now: Date) -> [Action] {
        var actions: [Action] = []
        for (store, holder) in self.locks where holder == id {
            self.locks[store] = nil
            if store == .candidate && self.candidateDirty {
                // RFC 6241 §8.3.5.2: the candidate's uncommitted changes die with the lock holder.
                self.candidate = self.running
                self.candidateDirty = false
            }
        }
        if let pending = self.pending, pending.persist == nil, pending.session == id {
            actions += self.revertPendingCommit(now: now)
        }
        return actions
    }

    private mutating func revertPendingCommit(now: Date) -> [Action] {
        self.revertPendingCommitActions(now: now, session: nil)
    }

    // MARK: Replies

    func send(_ id: UInt32, _ message: [UInt8]) -> Action {
        .send(session: id, bytes: FrameEncoder.frame(message, mode: self.sessions[id]?.mode ?? .endOfMessage))
    }

    /// Sends a notification to every subscribed session.
    public func notifySubscribers(_ content: XMLElement, now: Date) -> [Action] {
        let message = Reply.notification(eventTime: Self.eventTime(now), content)
        return self.sessions.filter { $0.value.subscribed && !$0.value.closing }.keys.sorted().map {
            self.send($0, message)
        }
    }

    /// `config-change` notifications (docs/nxr-model.md §6) to every subscribed session.
    func configChangeNotifications(
        session: UInt32?, datastore: String, old: XMLElement, new: XMLElement, now: Date
    ) -> [Action] {
        let subscribers = self.sessions.filter { $0.value.subscribed && !$0.value.closing }.keys.sorted()
        guard !subscribers.isEmpty else { return [] }
        let ns = self.configuration.notificationNamespace
        var children: [XMLNode] = [
            .element(XMLElement("datastore", namespace: ns, text: datastore)),
            .element(
                XMLElement("username", namespace: ns, text: session == nil ? "local" : self.configuration.username)),
            .element(XMLElement("session-id", namespace: ns, text: String(session ?? 0))),
        ]
        for target in Self.changedTopLevel(old: old, new: new) {
            children.append(.element(XMLElement("target", namespace: ns, text: target)))
        }
        let message = Reply.notification(
            eventTime: Self.eventTime(now), XMLElement("config-change", namespace: ns, children: children))
        return subscribers.map { self.send($0, message) }
    }

    /// The names of the top-level containers that differ between two datastore trees.
    static func changedTopLevel(old: XMLElement, new: XMLElement) -> [String] {
        var names: [String] = []
        for element in old.elements + new.elements where !names.contains(element.name) {
            let before = old.elements.first { ConfigTree.sameNode($0, element) }.map(ConfigTree.normalized)
            let after = new.elements.first { ConfigTree.sameNode($0, element) }.map(ConfigTree.normalized)
            if before != after { names.append(element.name) }
        }
        return names
    }

    static func eventTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    // MARK: RPC dispatch

    private mutating func receiveRPC(
        _ id: UInt32, _ message: [UInt8], now: Date, operational: (XMLElement) -> [XMLElement]
    ) -> [Action] {
        let rpc: IncomingRPC
        do {
            rpc = try IncomingRPC.parse(message)
        } catch let error as RPCError {
            return [self.send(id, Reply.errors(messageID: nil, [error]))]
        } catch {
            return [self.send(id, Reply.errors(messageID: nil, [ServerError.malformedMessage("\(error)")]))]
        }
        let operation = rpc.operation
        let isBase = operation.namespace == NETCONFNamespace.base
        var context = RPCContext(session: id, messageID: rpc.messageID, attributes: rpc.attributes, now: now)
        let outcome: Outcome
        switch (isBase, operation.name) {
        case (true, "get"):
            outcome = self.get(operation, operational: operational)
        case (true, "get-config"):
            outcome = self.getConfig(operation)
        case (true, "edit-config"):
            outcome = self.editConfig(operation, &context)
        case (true, "copy-config"):
            outcome = self.copyConfig(operation, &context)
        case (true, "delete-config"):
            outcome = self.deleteConfig(operation, &context)
        case (true, "lock"):
            outcome = self.lock(operation, &context)
        case (true, "unlock"):
            outcome = self.unlock(operation, &context)
        case (true, "commit"):
            outcome = self.commit(operation, &context)
        case (true, "cancel-commit"):
            outcome = self.cancelCommit(operation, &context)
        case (true, "discard-changes"):
            self.candidate = self.running
            self.candidateDirty = false
            outcome = .ok
        case (true, "validate"):
            outcome = self.validate(operation)
        case (true, "close-session"):
            self.sessions[id]?.closing = true
            let reply = FrameEncoder.frame(
                Reply.ok(messageID: rpc.messageID, attributes: rpc.attributes),
                mode: self.sessions[id]?.mode ?? .endOfMessage)
            return [.send(session: id, bytes: reply), .close(session: id)] + self.releaseSessionResources(id, now: now)
        case (true, "kill-session"):
            outcome = self.killSession(operation, &context)
        case (false, "create-subscription") where operation.namespace == NETCONFNamespace.notification:
            if self.sessions[id]?.subscribed == true {
                outcome = .errors([ServerError.make("protocol", "in-use", message: "a subscription is already active")])
            } else {
                self.sessions[id]?.subscribed = true
                outcome = .ok
            }
        default:
            if let namespace = operation.namespace, self.configuration.vendorNamespaces.contains(namespace) {
                self.sessions[id]?.busy = true
                return [
                    .vendorRPC(session: id, messageID: rpc.messageID, attributes: rpc.attributes, operation: operation)
                ]
            }
            outcome = .errors([ServerError.operationNotSupported(operation.name)])
        }
        var actions: [Action] = []
        switch outcome {
        case .ok:
            actions.append(self.send(id, Reply.ok(messageID: rpc.messageID, attributes: rpc.attributes)))
        case .data(let elements):
            actions.append(self.send(id, Reply.data(messageID: rpc.messageID, elements, attributes: rpc.attributes)))
        case .errors(let errors):
            actions.append(self.send(id, Reply.errors(messageID: rpc.messageID, errors, attributes: rpc.attributes)))
        case .crash:
            return [.crash]
        }
        return actions + context.after
    }

    /// What an operation answers.
    enum Outcome {
        case ok
        case data([XMLElement])
        case errors([RPCError])
        case crash
    }

    /// Per-RPC facts and the actions to perform after the reply is sent.
    struct RPCContext {
        var session: UInt32
        var messageID: String?
        var attributes: [XMLAttribute]
        var now: Date
        var after: [Action] = []
    }
}
