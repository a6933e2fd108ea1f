import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Checks before start that the API (TCP) and CRP (UDP) addresses can be bound, so a busy port gives one clear
/// line instead of a raw `bind(...) errno 98` after the other services' cancellation warnings. The real bind
/// follows right after; a port taken in between still fails there, only less readably.
public enum ListenPreflight {
    public struct Busy: Error, CustomStringConvertible, Equatable {
        public let what: String
        public let address: String
        public let option: String
        public let reason: String
        public var description: String {
            "the \(what) address \(address) cannot be bound (\(reason)): another cmsd or program uses it; stop it, "
                + "or choose another address with \(option)"
        }
    }

    /// Binds and closes a socket of the kind on `host:port`. The TCP probe sets `SO_REUSEADDR` as the API server
    /// does (a port in TIME_WAIT is free for it); the UDP probe does not, as the CRP socket does not share.
    public static func check(what: String, option: String, host: String, port: Int, udp: Bool) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard status == 0, let first = list else {
            throw Busy(what: what, address: address, option: option, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return }  // no socket at all: let the real bind report it
        defer { close(fd) }
        if !udp {
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        if bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            let code = errno
            let reason = code == EADDRINUSE ? "address already in use" : String(cString: strerror(code))
            throw Busy(what: what, address: address, option: option, reason: reason)
        }
    }
}
