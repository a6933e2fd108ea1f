import NIOCore
import NIOSSH

/// Accepts a user whose public key is one of the device's authorized keys, or who gives the device's password.
final class ServerAuthDelegate: NIOSSHServerUserAuthenticationDelegate, Sendable {
    let authorized: AuthorizedKeys

    init(authorized: AuthorizedKeys) {
        self.authorized = authorized
    }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods {
        self.authorized.password == nil ? .publicKey : [.publicKey, .password]
    }

    func requestReceived(
        request: NIOSSHUserAuthenticationRequest,
        responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>
    ) {
        switch request.request {
        case .publicKey(let offer):
            // NIO-SSH has already checked the signature when one was sent.
            responsePromise.succeed(self.authorized.keys.contains(offer.publicKey) ? .success : .failure)
        case .password(let offer):
            let ok = self.authorized.password.map { constantTimeEqual($0, offer.password) } ?? false
            responsePromise.succeed(ok ? .success : .failure)
        default:
            responsePromise.succeed(.failure)
        }
    }
}

/// Compares two strings without an early exit on the first differing byte.
func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    var difference = UInt8(left.count == right.count ? 0 : 1)
    for index in 0..<max(left.count, right.count) {
        let leftByte = index < left.count ? left[index] : 0
        let rightByte = index < right.count ? right[index] : 0
        difference |= leftByte ^ rightByte
    }
    return difference == 0
}
