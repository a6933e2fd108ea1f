import TestSupport

/// A loopback port nothing listens on (for "server unreachable").
enum LoopbackPortForTests {
    static func free() throws -> Int { try LoopbackPort.free() }
}
