/// A Century Systems NXR router model that the CMS manages (SPEC §2).
public enum Product: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    case nxr120 = "NXR-120"
    case nxr125 = "NXR-125"
    case nxr130 = "NXR-130"
    case nxr155 = "NXR-155"
    case nxr230 = "NXR-230"
    case nxr350 = "NXR-350"
    case nxr1200 = "NXR-1200"

    /// Whether the model can update firmware in the `background` or `no-reboot` modes (SPEC §5).
    public var supportsBackgroundUpdate: Bool {
        switch self {
        case .nxr125, .nxr155, .nxr230, .nxr350, .nxr1200: return true
        case .nxr120, .nxr130: return false
        }
    }
}
