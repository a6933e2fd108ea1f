import CMSModel

/// Which failed RPCs become the original's per-operation events (§5.4 "NETCONF エラー GET-STATUS / GET-CONFIG /
/// EDIT-CONFIG / COPY-CONFIG" and "通信エラー"), and how often: a decision as a value, kept per session.
///
/// - An `<rpc-error>` answering `get`, `get-config`, `edit-config` or `copy-config` is `netconf.error.<op>`; other
///   operations (lock, commit, vendor RPCs) have their own events where they are used.
/// - An RPC the device did not answer in time is `device.communication-error` (the session stays: a slow answer is
///   not a lost session; a lost session is `device.disconnected`).
/// - Each is reported **once per cause**: the drift tick re-reads every few seconds, and a device that keeps refusing
///   the same read must not flood the log. The same operation failing again with the same text says nothing new; a
///   success of that operation (or, for timeouts, of any operation) ends the episode, so the next failure is reported.
public struct RPCErrorReport: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case succeeded
        /// The device answered with an error-severity `<rpc-error>`: its tag and text.
        case rpcError(tag: String, text: String)
        /// No answer within the RPC timeout.
        case timedOut(String)
    }

    /// The event one RPC's outcome calls for.
    public struct Report: Sendable, Equatable {
        public var type: EventType
        public var details: [String: String]
    }

    private static let timeoutEpisode = "(timeout)"
    /// Episode key → the text already reported.
    private var open: [String: String] = [:]

    public init() {}

    public static func eventType(forOperation name: String) -> EventType? {
        switch name {
        case "get": .netconfErrorGetStatus
        case "get-config": .netconfErrorGetConfig
        case "edit-config": .netconfErrorEditConfig
        case "copy-config": .netconfErrorCopyConfig
        default: nil
        }
    }

    /// Records how `operation` (the RPC's element name) ended; returns the event to append, if any.
    public mutating func record(operation: String, _ outcome: Outcome) -> Report? {
        switch outcome {
        case .succeeded:
            open[operation] = nil
            open[Self.timeoutEpisode] = nil
            return nil
        case .rpcError(let tag, let text):
            guard let type = Self.eventType(forOperation: operation) else { return nil }
            guard open[operation] != text else { return nil }
            open[operation] = text
            return Report(type: type, details: ["error": text, "operation": operation, "tag": tag])
        case .timedOut(let text):
            guard open[Self.timeoutEpisode] == nil else { return nil }
            open[Self.timeoutEpisode] = text
            return Report(type: .deviceCommunicationError, details: ["error": text, "operation": operation])
        }
    }
}
