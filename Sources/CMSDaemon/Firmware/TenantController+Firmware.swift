import CMSModel
import CMSReconcile

extension TenantController {
    /// Gives the tenant its firmware engine (before ``start()``).
    public func setFirmware(_ engine: FirmwareEngine) async {
        firmware = engine
        await engine.attach(self)
    }

    /// The tenant's firmware engine, if it has one.
    public var firmwareEngine: FirmwareEngine? { firmware }

    /// The agent of a managed device (firmware engine).
    func firmwareAgent(_ device: String) -> DeviceAgent? { agents[device] }

    /// The snapshot of the revision in force (firmware API: image names, groups).
    var snapshotInForce: TenantSnapshot? { inForce?.snapshot }
}
