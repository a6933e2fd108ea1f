/// How many API connections `cmsd` holds and for how long (docs/security.md "HTTP API").
///
/// Every open connection costs a file descriptor, and the descriptors are shared with device sessions, git
/// fetches and the stores: without these limits ~1,100 half-sent requests exhausted them and `cmsd` crashed.
public struct APIConnectionLimits: Sendable, Hashable {
    /// Open connections at most. At the cap a new connection takes the place of the oldest one that is not
    /// in the middle of a request (idle or still sending its head); when every connection is busy the new
    /// one gets `503` and is closed at once.
    public var maxConnections: Int
    /// Time a connection has to send a complete request head after it was accepted.
    public var headerTimeout: Duration
    /// Time a connection may stay idle (between requests, or while a request body stalls) before it is closed.
    public var idleTimeout: Duration

    public init(maxConnections: Int = 256, headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60)) {
        self.maxConnections = max(maxConnections, 1)
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }
}
