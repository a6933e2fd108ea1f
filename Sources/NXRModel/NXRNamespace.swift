/// The namespace of the `nxr` YANG module (schemas/nxr.yang).
public enum NXRNamespace {
    public static let uri = "urn:cms:nxr:1.0"
    public static let prefix = "nxr"
    /// Names of IKE and IPsec policies that cms generates start with this; cms touches no others.
    public static let managedPrefix = "cms-"
}
