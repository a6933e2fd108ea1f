/// Misbehaviours a simulated device can be told to show at run time (see docs/nxr-sim.md).
public struct DeviceFaults: Sendable, Equatable, Codable {
    /// Stop listening: connections are refused.
    public var refuseConnections = false
    /// Close the SSH connection when the next RPC arrives, without a reply.
    public var dropSessionMidRPC = false
    /// Wait this many seconds before sending each reply.
    public var replyDelay: Double = 0
    /// Answer every edit-config / copy-config with an rpc-error.
    public var rejectEdits = false
    /// Die during the next commit (sessions dropped, nothing committed, back after the reboot delay).
    public var crashDuringCommit = false
    /// Announce this product instead of the real one.
    public var announceProduct: String?
    /// Announce this device code instead of the real one.
    public var announceDeviceCode: String?
    /// Reboot again this many seconds after every boot.
    public var rebootLoop: Double?
    /// Firmware downloads fail.
    public var firmwareTransferFailure = false

    public init() {}
}
