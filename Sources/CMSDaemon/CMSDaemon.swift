/// The reconciler daemon's library: tenants, devices, reconcile loop, state (see docs/architecture.md).
public enum CMSDaemonInfo {
    public static let name = "cmsd"
}
