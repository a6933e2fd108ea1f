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
    /// `show tech-support` answers at least this many bytes (a test's multi-MiB diagnostic result); 0 = natural size.
    public var techSupportBytes = 0

    public init() {}
}

extension DeviceFaults {
    /// Missing keys mean "no such fault", so `{"rejectEdits": true}` is a complete request.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        self.refuseConnections = try container.decodeIfPresent(Bool.self, forKey: .refuseConnections) ?? false
        self.dropSessionMidRPC = try container.decodeIfPresent(Bool.self, forKey: .dropSessionMidRPC) ?? false
        self.replyDelay = try container.decodeIfPresent(Double.self, forKey: .replyDelay) ?? 0
        self.rejectEdits = try container.decodeIfPresent(Bool.self, forKey: .rejectEdits) ?? false
        self.crashDuringCommit = try container.decodeIfPresent(Bool.self, forKey: .crashDuringCommit) ?? false
        self.announceProduct = try container.decodeIfPresent(String.self, forKey: .announceProduct)
        self.announceDeviceCode = try container.decodeIfPresent(String.self, forKey: .announceDeviceCode)
        self.rebootLoop = try container.decodeIfPresent(Double.self, forKey: .rebootLoop)
        self.firmwareTransferFailure =
            try container.decodeIfPresent(Bool.self, forKey: .firmwareTransferFailure) ?? false
        self.techSupportBytes = try container.decodeIfPresent(Int.self, forKey: .techSupportBytes) ?? 0
        guard self.replyDelay >= 0, self.replyDelay <= 3600, (self.rebootLoop ?? 1) > 0,
            (0...(256 << 20)).contains(self.techSupportBytes)
        else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [],
                    debugDescription:
                        "replyDelay must be 0-3600 s, rebootLoop positive and techSupportBytes 0-268435456"))
        }
    }
}
