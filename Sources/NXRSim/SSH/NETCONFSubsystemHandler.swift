import NIOCore
import NIOSSH

/// What an SSH session channel talks to: the device that runs the NETCONF engine.
///
/// Every call happens on the channel's event loop, which is the device's own loop.
protocol NETCONFSessionHost: AnyObject, Sendable {
    /// A client asked for the `netconf` subsystem; returns the new session id, or nil to refuse.
    func sessionStarted(channel: any Channel) -> UInt32?
    /// The subsystem reply went out: the session may now send its hello.
    func sessionReady(_ session: UInt32)
    /// Bytes arrived on the session.
    func sessionReceived(_ session: UInt32, bytes: [UInt8])
    /// The client sent EOF: close once the replies still due have gone out.
    func sessionInputClosed(_ session: UInt32)
    /// The channel closed, for whatever reason.
    func sessionEnded(_ session: UInt32)
}

/// The handler of one SSH `session` channel: accepts the `netconf` subsystem (and nothing else) and moves bytes
/// between the channel and the device.
final class NETCONFSubsystemHandler: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias InboundOut = Never
    typealias OutboundIn = Never
    typealias OutboundOut = SSHChannelData

    private let host: any NETCONFSessionHost
    private var session: UInt32?

    init(host: any NETCONFSessionHost) {
        self.host = host
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Lets us see the client's EOF instead of NIO closing the channel under us.
        _ = context.channel.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let request as SSHChannelRequestEvent.SubsystemRequest:
            if request.subsystem == "netconf", self.session == nil,
                let id = self.host.sessionStarted(channel: context.channel)
            {
                self.session = id
                if request.wantReply { context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil) }
                self.host.sessionReady(id)
            } else {
                if request.wantReply { context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil) }
            }
        case let request as SSHChannelRequestEvent.ExecRequest:
            if request.wantReply { context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil) }
        case let request as SSHChannelRequestEvent.ShellRequest:
            if request.wantReply { context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil) }
        case let request as SSHChannelRequestEvent.PseudoTerminalRequest:
            if request.wantReply { context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil) }
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            if request.wantReply { context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil) }
        case ChannelEvent.inputClosed:
            if let session = self.session {
                self.host.sessionInputClosed(session)
            } else {
                context.channel.closeNETCONF()
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = self.unwrapInboundIn(data)
        guard case .channel = message.type, case .byteBuffer(let buffer) = message.data, let session = self.session
        else { return }
        self.host.sessionReceived(session, bytes: Array(buffer.readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let session = self.session {
            self.session = nil
            self.host.sessionEnded(session)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension Channel {
    /// Ends a session channel the way sshd does: exit-status 0, then close.
    func closeNETCONF() {
        self.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0), promise: nil)
        self.close(promise: nil)
    }

    /// Writes NETCONF bytes on an SSH session channel.
    func writeNETCONF(_ bytes: [UInt8]) {
        var buffer = self.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        self.writeAndFlush(SSHChannelData(type: .channel, data: .byteBuffer(buffer)), promise: nil)
    }
}
