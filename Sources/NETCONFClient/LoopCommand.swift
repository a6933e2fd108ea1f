import Logging
import NETCONF

/// Everything the loop needs to open one session; built by the caller, Sendable.
struct ConnectRequest: Sendable {
    var host: String
    var port: Int
    var endpoint: IPEndpoint
    var username: String
    var auth: SSHAuthentication
    var hostKey: HostKeyPolicy
    var timeouts: NETCONFTimeouts
    var clientHello: Hello
    var maxMessageSize: Int
    var logger: Logger
}

/// What the loop hands back once both hellos are exchanged.
struct SessionReady: Sendable {
    var serverHello: Hello
    var framing: FramingMode
    var hostKey: SSHHostKey
}

/// A request from any thread to the event-loop thread (through the mailbox).
enum LoopCommand: Sendable {
    case open(id: UInt64, request: ConnectRequest, continuation: CheckedContinuation<SessionReady, any Error>)
    case hostKeyDecision(id: UInt64, decision: HostKeyDecision)
    /// Send one framed message and deliver the reply carrying `messageID`. `closesSession` marks a
    /// `<close-session>`: the device closing the channel afterwards is expected, not a failure.
    case send(
        id: UInt64, messageID: String, bytes: [UInt8], timeout: UInt64, closesSession: Bool = false,
        continuation: CheckedContinuation<RPCReply, any Error>)
    /// Stop waiting for a reply (the caller's task was cancelled).
    case cancel(id: UInt64, messageID: String)
    case subscribe(id: UInt64, stream: AsyncStream<Notification>.Continuation)
    /// Close the SSH channel and connection; resumes once the socket is gone.
    case close(id: UInt64, continuation: CheckedContinuation<Void, Never>?)
    case shutdown
}
