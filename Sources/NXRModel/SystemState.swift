import NETCONF

/// Identity and health of a device (`/nxr:system/state`): what cmsd reads when it identifies one.
public struct SystemState: Sendable, Hashable, Codable {
    /// Load averages, two decimals as the device reports them.
    public struct LoadAverage: Sendable, Hashable, Codable {
        public var one: Double
        public var five: Double
        public var fifteen: Double

        public init(one: Double, five: Double, fifteen: Double) {
            self.one = one
            self.five = five
            self.fifteen = fifteen
        }
    }

    public var serial: String?
    public var product: String?
    public var firmwareVersion: String?
    /// Seconds since boot.
    public var uptime: UInt64?
    /// Boot counter, as in CRP.
    public var bootID: UInt32?
    public var loadAverage: LoadAverage?
    /// KiB.
    public var memoryTotal: UInt64?
    /// KiB.
    public var memoryUsed: UInt64?
    /// RFC 3339 date-time of the device clock.
    public var currentDateTime: String?

    /// Products the model knows.
    public static let products = ["NXR-120", "NXR-125", "NXR-130", "NXR-155", "NXR-230", "NXR-350", "NXR-1200"]

    public init(
        serial: String? = nil, product: String? = nil, firmwareVersion: String? = nil, uptime: UInt64? = nil,
        bootID: UInt32? = nil, loadAverage: LoadAverage? = nil, memoryTotal: UInt64? = nil,
        memoryUsed: UInt64? = nil, currentDateTime: String? = nil
    ) {
        self.serial = serial
        self.product = product
        self.firmwareVersion = firmwareVersion
        self.uptime = uptime
        self.bootID = bootID
        self.loadAverage = loadAverage
        self.memoryTotal = memoryTotal
        self.memoryUsed = memoryUsed
        self.currentDateTime = currentDateTime
    }

    init(node: Node) throws(NXRModelError) {
        self.init()
        serial = try node.matching(
            "serial", { $0.utf8.count == 11 && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } },
            "an 11-digit serial number")
        product = try node.matching("product", { Self.products.contains($0) }, Self.products.joined(separator: " | "))
        firmwareVersion = node.string("firmware-version")
        uptime = try node.uint("uptime", 0...UInt64.max)
        bootID = try node.uint("boot-id", 0...UInt32.max)
        if let load = node.child("load-average") {
            func average(_ name: String) throws(NXRModelError) -> Double {
                guard let text = load.string(name) else { return 0 }
                guard let value = Double(text), value >= 0, value.isFinite else {
                    throw load.error(name, "'\(text)' is not a non-negative decimal")
                }
                return value
            }
            loadAverage = LoadAverage(
                one: try average("one"), five: try average("five"),
                fifteen: try average("fifteen"))
        }
        if let memory = node.child("memory") {
            memoryTotal = try memory.uint("total", 0...UInt64.max)
            memoryUsed = try memory.uint("used", 0...UInt64.max)
        }
        currentDateTime = node.string("current-datetime")
    }

    /// The `<state>` element of `<system>`.
    public func xml() -> XMLElement {
        func decimal(_ value: Double) -> String {
            let hundredths = Int((value * 100).rounded())
            let fraction = hundredths % 100
            return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
        }
        let load = loadAverage.map { l in
            Build.element(
                "load-average",
                [
                    Build.leaf("one", decimal(l.one)), Build.leaf("five", decimal(l.five)),
                    Build.leaf("fifteen", decimal(l.fifteen)),
                ])
        }
        let memory: XMLElement? =
            memoryTotal == nil && memoryUsed == nil
            ? nil
            : Build.element("memory", [Build.leaf("total", memoryTotal), Build.leaf("used", memoryUsed)])
        return Build.element(
            "state",
            [
                Build.leaf("serial", serial), Build.leaf("product", product),
                Build.leaf("firmware-version", firmwareVersion),
                Build.leaf("uptime", uptime), Build.leaf("boot-id", bootID), load, memory,
                Build.leaf("current-datetime", currentDateTime),
            ])
    }
}
