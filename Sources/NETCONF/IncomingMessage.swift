/// What a client receives after the hello: a reply to one of its RPCs or an event notification.
public enum IncomingMessage: Sendable, Equatable {
    case reply(RPCReply)
    case notification(Notification)
}
