import Crypto
import NIOCore
import NIOPosix
import NIOSSH

/// Binds one device's SSH server on its loopback address and hands `netconf` sessions to the device.
enum SSHListener {
    /// The transport protections offered: NIO-SSH's AES-GCM first, then aes128-ctr + hmac-sha2-256 for
    /// libssh2 1.10 and paramiko.
    static let transportProtectionSchemes: [any NIOSSHTransportProtection.Type] =
        Constants.bundledTransportProtectionSchemes.map { $0 as any NIOSSHTransportProtection.Type }
        + [AES128CTRTransportProtection.self]

    /// Binds and returns the listening channel. Only loopback addresses are accepted.
    static func bind(
        host: String, port: Int, on loop: any EventLoop,
        hostKey: Curve25519.Signing.PrivateKey, authorized: AuthorizedKeys,
        sessionHost: any NETCONFSessionHost,
        accept: @escaping @Sendable () -> Bool
    ) -> EventLoopFuture<any Channel> {
        guard LoopbackAddress.isLoopback(host) else {
            return loop.makeFailedFuture(SimError(code: .notLoopback, message: "\(host) is not a loopback address"))
        }
        let delegate = ServerAuthDelegate(authorized: authorized)
        let keyBytes = hostKey.rawRepresentation
        return ServerBootstrap(group: loop)
            .serverChannelOption(ChannelOptions.backlog, value: 128)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard accept() else {
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    // The key is rebuilt per connection: SSHServerConfiguration is not Sendable.
                    let key = try Curve25519.Signing.PrivateKey(rawRepresentation: keyBytes)
                    let configuration = SSHServerConfiguration(
                        hostKeys: [NIOSSHPrivateKey(ed25519Key: key)],
                        userAuthDelegate: delegate,
                        globalRequestDelegate: nil,
                        banner: nil,
                        transportProtectionSchemes: Self.transportProtectionSchemes)
                    let handler = NIOSSHHandler(
                        role: .server(configuration),
                        allocator: channel.allocator,
                        inboundChildChannelInitializer: { child, type in
                            guard case .session = type else {
                                return child.eventLoop.makeFailedFuture(ChannelError.badInterfaceAddressFamily)
                            }
                            return child.eventLoop.makeCompletedFuture {
                                try child.pipeline.syncOperations.addHandler(
                                    NETCONFSubsystemHandler(host: sessionHost))
                            }
                        })
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHandler(CloseOnErrorHandler())
                }
            }
            .bind(host: host, port: port)
    }
}

/// Closes a connection on any error (bad MAC, protocol violation, reset).
final class CloseOnErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
