/// The HTTP API of `cmsd` (Hummingbird): `/api/v1/…` and `/metrics` (see docs/api.md).
public enum CMSServerInfo {
    public static let apiPrefix = "/api/v1"
}
