import Foundation
import NETCONF

/// The base-protocol operations (RFC 6241 §7, §8).
extension NETCONFServerEngine {
    /// A `<source>` may be a datastore or an inline `<config>`.
    enum Source {
        case store(Store)
        case inline(XMLElement)
    }

    func datastore(_ store: Store) -> XMLElement {
        switch store {
        case .running: self.running
        case .candidate: self.candidate
        case .startup: self.startup
        }
    }

    mutating func setDatastore(_ store: Store, _ root: XMLElement, _ context: inout RPCContext) {
        switch store {
        case .running:
            guard root != self.running else { return }
            let old = self.running
            self.running = root
            if !self.candidateDirty { self.candidate = root }
            context.after.append(.runningChanged)
            context.after += self.configChangeNotifications(
                session: context.session, datastore: "running", old: old, new: root, now: context.now)
        case .candidate:
            self.candidate = root
            self.candidateDirty = ConfigTree.normalized(root) != ConfigTree.normalized(self.running)
        case .startup:
            let old = self.startup
            self.startup = root
            context.after.append(.startupChanged)
            context.after += self.configChangeNotifications(
                session: context.session, datastore: "startup", old: old, new: root, now: context.now)
        }
    }

    /// Parses `<target>` / `<source>` children: `<running/>`, `<candidate/>`, `<startup/>` (and `<config>`).
    func parseStore(_ operation: XMLElement, _ parameter: String, allowInline: Bool = false)
        -> Result<Source, RPCError>
    {
        guard let wrapper = operation.child(parameter),
            let choice = wrapper.elements.first
        else {
            return .failure(ServerError.missingElement(parameter, in: operation.name))
        }
        if let store = Store(rawValue: choice.name) {
            return .success(.store(store))
        }
        if choice.name == "config" && allowInline {
            var root = ConfigTree.emptyRoot()
            root.children = choice.elements.map { .element(ConfigTree.stripOperations($0)) }
            return .success(.inline(root))
        }
        if choice.name == "url" {
            return .failure(ServerError.operationNotSupported("\(operation.name) with <url> (no :url capability)"))
        }
        return .failure(
            ServerError.badElement(choice.name, message: "<\(parameter)> names an unknown datastore <\(choice.name)>"))
    }

    func parseTarget(_ operation: XMLElement) -> Result<Store, RPCError> {
        switch self.parseStore(operation, "target") {
        case .success(.store(let store)): .success(store)
        case .success(.inline): .failure(ServerError.badElement("config", message: "a target cannot be inline config"))
        case .failure(let error): .failure(error)
        }
    }

    /// `in-use` when another session holds the lock on `store`.
    func lockConflict(_ store: Store, session: UInt32) -> RPCError? {
        if let holder = self.locks[store], holder != session {
            return ServerError.inUse(holder: holder, datastore: store.rawValue)
        }
        return nil
    }

    // MARK: Reading

    func get(_ operation: XMLElement, operational: (XMLElement) -> [XMLElement]) -> Outcome {
        // NMDA style: state containers live inside the config nodes, so they are merged in.
        var root = self.running
        _ = ConfigEdit.apply(
            operational(self.running), to: &root, defaultOperation: .merge, errorOption: .continueOnError)
        return self.filtered(operation, root)
    }

    func getConfig(_ operation: XMLElement) -> Outcome {
        switch self.parseStore(operation, "source") {
        case .success(.store(let store)): self.filtered(operation, self.datastore(store))
        case .success(.inline): .errors([ServerError.badElement("config", message: "get-config reads a datastore")])
        case .failure(let error): .errors([error])
        }
    }

    func filtered(_ operation: XMLElement, _ root: XMLElement) -> Outcome {
        guard let filter = operation.child("filter") else {
            return .data(root.elements)
        }
        let type = filter.attribute("type") ?? "subtree"
        guard type == "subtree" else {
            return .errors([
                ServerError.badAttribute(
                    "type", element: "filter",
                    message: "filter type '\(type)' is not supported (no :xpath); use subtree")
            ])
        }
        return .data(SubtreeFilter.apply(filter.elements, to: root))
    }

    // MARK: Writing

    mutating func editConfig(_ operation: XMLElement, _ context: inout RPCContext) -> Outcome {
        let store: Store
        switch self.parseTarget(operation) {
        case .success(let value): store = value
        case .failure(let error): return .errors([error])
        }
        if store == .startup {
            return .errors([ServerError.operationNotSupported("edit-config on startup (use copy-config)")])
        }
        if let conflict = self.lockConflict(store, session: context.session) { return .errors([conflict]) }
        guard let config = operation.child("config") else {
            if operation.child("url") != nil {
                return .errors([ServerError.operationNotSupported("edit-config with <url>")])
            }
            return .errors([ServerError.missingElement("config", in: "edit-config")])
        }
        if self.faults.rejectEdits {
            return .errors([ServerError.operationFailed("the device refused the edit (injected fault)")])
        }
        let base = NETCONFNamespace.base
        func option<T: RawRepresentable>(_ name: String, _ fallback: T) -> Result<T, RPCError>
        where T.RawValue == String {
            guard let element = operation.child(name) else { return .success(fallback) }
            guard let value = T(rawValue: element.text.trimmed) else {
                return .failure(ServerError.invalidValue("<\(name)> cannot be '\(element.text.trimmed)'"))
            }
            return .success(value)
        }
        let defaultOperation: DefaultOperation
        let testOption: TestOption
        let errorOption: ErrorOption
        switch (
            option("default-operation", DefaultOperation.merge), option("test-option", TestOption.testThenSet),
            option("error-option", ErrorOption.stopOnError)
        ) {
        case (.success(let d), .success(let t), .success(let e)):
            (defaultOperation, testOption, errorOption) = (d, t, e)
        case (.failure(let error), _, _), (_, .failure(let error), _), (_, _, .failure(let error)):
            return .errors([error])
        }
        if testOption != .set {
            // The edit's own data first: an element the model lacks or a bad value refuses the whole edit.
            let invalid = self.configuration.validator.validate(edit: config.elements)
            if !invalid.isEmpty { return .errors(invalid) }
        }
        var root = self.datastore(store)
        var errors = ConfigEdit.apply(
            config.elements, to: &root, defaultOperation: defaultOperation, errorOption: errorOption)
        if testOption != .set && store == .running {
            // Running has no commit to check it later: the whole result is validated now, nothing applied if not.
            let invalid = self.validateWhole(root)
            if !invalid.isEmpty { return .errors(errors + invalid) }
        }
        if !errors.isEmpty && errorOption == .rollbackOnError {
            return .errors(errors)
        }
        if testOption != .testOnly {
            self.setDatastore(store, root, &context)
        }
        if !errors.isEmpty {
            errors = errors.map { $0 }
            return .errors(errors)
        }
        return .ok
    }

    mutating func copyConfig(_ operation: XMLElement, _ context: inout RPCContext) -> Outcome {
        let store: Store
        switch self.parseTarget(operation) {
        case .success(let value): store = value
        case .failure(let error): return .errors([error])
        }
        let source: XMLElement
        switch self.parseStore(operation, "source", allowInline: true) {
        case .success(.store(let from)): source = self.datastore(from)
        case .success(.inline(let root)): source = root
        case .failure(let error): return .errors([error])
        }
        if let conflict = self.lockConflict(store, session: context.session) { return .errors([conflict]) }
        if self.faults.rejectEdits {
            return .errors([ServerError.operationFailed("the device refused the copy (injected fault)")])
        }
        let invalid = self.validateWhole(source)
        if !invalid.isEmpty { return .errors(invalid) }
        self.setDatastore(store, source, &context)
        return .ok
    }

    mutating func deleteConfig(_ operation: XMLElement, _ context: inout RPCContext) -> Outcome {
        switch self.parseTarget(operation) {
        case .success(.startup):
            if let conflict = self.lockConflict(.startup, session: context.session) { return .errors([conflict]) }
            self.setDatastore(.startup, ConfigTree.emptyRoot(), &context)
            return .ok
        case .success(let store):
            return .errors([
                ServerError.operationFailed("the \(store.rawValue) datastore cannot be deleted", type: "protocol")
            ])
        case .failure(let error):
            return .errors([error])
        }
    }

    // MARK: Locks

    mutating func lock(_ operation: XMLElement, _ context: inout RPCContext) -> Outcome {
        let store: Store
        switch self.parseTarget(operation) {
        case .success(let value): store = value
        case .failure(let error): return .errors([error])
        }
        if let holder = self.locks[store] {
            return .errors([
                ServerError.lockDenied(
                    holder: holder, message: "the \(store.rawValue) datastore is already locked by session \(holder)")
            ])
        }
        if store == .candidate && self.candidateDirty {
            // RFC 6241 §8.3.5.1: no lock on a candidate holding uncommitted changes.
            return .errors([
                ServerError.lockDenied(
                    holder: 0, message: "the candidate has uncommitted changes; commit or discard-changes first")
            ])
        }
        if store == .running, let pending = self.pending, pending.session != context.session, pending.persist == nil {
            return .errors([
                ServerError.lockDenied(
                    holder: pending.session, message: "a confirmed commit of session \(pending.session) is pending")
            ])
        }
        self.locks[store] = context.session
        return .ok
    }

    mutating func unlock(_ operation: XMLElement, _ context: inout RPCContext) -> Outcome {
        let store: Store
        switch self.parseTarget(operation) {
        case .success(let value): store = value
        case .failure(let error): return .errors([error])
        }
        guard let holder = self.locks[store] else {
            return .errors([
                ServerError.operationFailed("the \(store.rawValue) datastore is not locked", type: "protocol")
            ])
        }
        guard holder == context.session else {
            return .errors([
                ServerError.lockDenied(
                    holder: holder, message: "the lock on \(store.rawValue) belongs to session \(holder)")
            ])
        }
        self.locks[store] = nil
        if store == .candidate && self.candidateDirty {
            self.candidate = self.running
            self.candidateDirty = false
        }
        return .ok
    }

    // MARK: Commit

    mutating func commit(_ operation: XMLElement, _ context: inout RPCContext) -> Outcome {
        let base = NETCONFNamespace.base
        if let conflict = self.lockConflict(.running, session: context.session) { return .errors([conflict]) }
        let confirmed = operation.child("confirmed") != nil
        let persist = operation.child("persist")?.text.trimmed
        let persistID = operation.child("persist-id")?.text.trimmed
        var timeout: TimeInterval = 600
        if let text = operation.child("confirm-timeout")?.text.trimmed {
            guard let value = UInt32(text), value > 0 else {
                return .errors([
                    ServerError.invalidValue("confirm-timeout must be a positive number of seconds, not '\(text)'")
                ])
            }
            timeout = TimeInterval(value)
        }
        if let pending = self.pending {
            // This commit must be allowed to confirm or extend the pending one.
            if let expected = pending.persist {
                guard persistID == expected else {
                    return .errors([
                        ServerError.invalidValue("a persistent confirmed commit is pending: give its <persist-id>")
                    ])
                }
            } else if pending.session != context.session {
                return .errors([
                    ServerError.make(
                        "protocol", "in-use", message: "a confirmed commit of session \(pending.session) is pending",
                        info: [ServerError.infoElement("session-id", String(pending.session))])
                ])
            }
        } else if persistID != nil {
            return .errors([ServerError.invalidValue("no confirmed commit is pending for this <persist-id>")])
        }
        let invalid = self.validateWhole(self.candidate)
        if !invalid.isEmpty { return .errors(invalid) }
        if self.faults.crashDuringCommit { return .crash }
        let backup = self.pending?.backup ?? self.running
        let candidate = self.candidate
        self.candidateDirty = false
        self.setDatastore(.running, candidate, &context)
        self.candidate = candidate
        if confirmed {
            self.pending = PendingCommit(
                backup: backup, deadline: context.now.addingTimeInterval(timeout), session: context.session,
                persist: persist ?? self.pending?.persist)
        } else {
            self.pending = nil
        }
        return .ok
    }

    mutating func cancelCommit(_ operation: XMLElement, _ context: inout RPCContext) -> Outcome {
        guard let pending = self.pending else {
            return .errors([ServerError.invalidValue("no confirmed commit is pending")])
        }
        let persistID = operation.child("persist-id")?.text.trimmed
        if let expected = pending.persist {
            guard persistID == expected else {
                return .errors([ServerError.invalidValue("give the pending commit's <persist-id>")])
            }
        } else if pending.session != context.session {
            return .errors([
                ServerError.make(
                    "protocol", "in-use", message: "the confirmed commit belongs to session \(pending.session)")
            ])
        }
        context.after += self.revertPendingCommitActions(now: context.now, session: context.session)
        return .ok
    }

    mutating func revertPendingCommitActions(now: Date, session: UInt32?) -> [Action] {
        guard let pending = self.pending else { return [] }
        let old = self.running
        self.pending = nil
        self.running = pending.backup
        self.candidate = pending.backup
        self.candidateDirty = false
        return [.runningChanged]
            + self.configChangeNotifications(
                session: session, datastore: "running", old: old, new: pending.backup, now: now)
    }

    /// Validates a whole datastore tree, skipping the validator when the tree is the one it last accepted.
    mutating func validateWhole(_ root: XMLElement) -> [RPCError] {
        if let valid = self.lastValid, valid == root { return [] }
        let errors = self.configuration.validator.validate(datastore: root)
        if errors.isEmpty { self.lastValid = root }
        return errors
    }

    mutating func validate(_ operation: XMLElement) -> Outcome {
        switch self.parseStore(operation, "source", allowInline: true) {
        case .success(.store(let store)):
            let errors = self.validateWhole(self.datastore(store))
            return errors.isEmpty ? .ok : .errors(errors)
        case .success(.inline(let root)):
            let errors = self.validateWhole(root)
            return errors.isEmpty ? .ok : .errors(errors)
        case .failure(let error):
            return .errors([error])
        }
    }

    // MARK: Sessions

    mutating func killSession(_ operation: XMLElement, _ context: inout RPCContext) -> Outcome {
        guard let text = operation.child("session-id")?.text.trimmed else {
            return .errors([ServerError.missingElement("session-id", in: "kill-session")])
        }
        guard let target = UInt32(text), target != context.session else {
            return .errors([ServerError.invalidValue("session-id '\(text)' is this session or not a number")])
        }
        guard self.sessionIDs.contains(target) else {
            return .errors([ServerError.invalidValue("no session \(target)")])
        }
        self.sessions.removeValue(forKey: target)
        context.after.append(.close(session: target))
        context.after += self.releaseSessionResources(target, now: context.now)
        return .ok
    }
}
