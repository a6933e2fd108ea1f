/// The one version of every cms binary (`cms`, `cmsd`, `cms-lint`, `nxr-sim` answer `--version` with it) and of
/// the API's server info. Raised on release (docs/production.md, "Upgrades").
public enum CMSVersion {
    public static let current = "0.2.0"
}
