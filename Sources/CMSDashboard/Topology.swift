import CMSAPI
import Foundation

/// The picture of an IPsec group (guide §3.6): a mesh joins every pair of members; a star joins each spoke to
/// its center and to the backup center. Drawn from the group's declared shape, each tunnel coloured by what the
/// members' peer tables say of it. Pure: status in, SVG text out.
struct Topology: Sendable, Hashable {
    struct Node: Sendable, Hashable {
        var device: String
        var role: String?
        var registration: String
        var x: Double
        var y: Double
    }

    struct Edge: Sendable, Hashable {
        var from: String
        var to: String
        /// `up` (both directions up), `down` (either down), `partial` (one up, one not read), `not-fetched`.
        var state: String
        /// A spoke's tunnel to the backup center.
        var backup: Bool
    }

    var nodes: [Node]
    var edges: [Edge]
    static let size = 420.0

    init(_ status: IPsecGroupStatus) {
        let members = status.members.sorted { $0.device < $1.device }
        let center = Self.size / 2
        let radius = Self.size / 2 - 50
        var nodes: [Node] = []
        var edges: [Edge] = []
        if status.type == "star" {
            let centers = members.filter { $0.role == "center" }
            let backups = members.filter { $0.role == "backup-center" }
            let spokes = members.filter { $0.role != "center" && $0.role != "backup-center" }
            for (index, hub) in centers.enumerated() {
                nodes.append(Node(device: hub.device, role: hub.role, registration: hub.registration.rawValue,
                                  x: center - 45 + Double(index) * 20, y: center))
            }
            for (index, hub) in backups.enumerated() {
                nodes.append(Node(device: hub.device, role: hub.role, registration: hub.registration.rawValue,
                                  x: center + 45 + Double(index) * 20, y: center))
            }
            for (index, spoke) in spokes.enumerated() {
                let angle = 2 * Double.pi * Double(index) / Double(max(spokes.count, 1)) - Double.pi / 2
                nodes.append(Node(device: spoke.device, role: spoke.role ?? "spoke",
                                  registration: spoke.registration.rawValue,
                                  x: center + radius * cos(angle), y: center + radius * sin(angle)))
                for hub in centers {
                    edges.append(Edge(from: hub.device, to: spoke.device,
                                      state: Self.state(status, hub.device, spoke.device), backup: false))
                }
                for hub in backups {
                    edges.append(Edge(from: hub.device, to: spoke.device,
                                      state: Self.state(status, hub.device, spoke.device), backup: true))
                }
            }
        } else {
            for (index, member) in members.enumerated() {
                let angle = 2 * Double.pi * Double(index) / Double(max(members.count, 1)) - Double.pi / 2
                nodes.append(Node(device: member.device, role: nil, registration: member.registration.rawValue,
                                  x: center + radius * cos(angle), y: center + radius * sin(angle)))
            }
            for (i, a) in members.enumerated() {
                for b in members[(i + 1)...] {
                    edges.append(Edge(from: a.device, to: b.device, state: Self.state(status, a.device, b.device),
                                      backup: false))
                }
            }
        }
        self.nodes = nodes
        self.edges = edges
    }

    /// What the two ends report of the tunnel between `a` and `b`.
    static func state(_ status: IPsecGroupStatus, _ a: String, _ b: String) -> String {
        var links: [IPsecGroupStatus.LinkState] = []
        if let row = status.members.first(where: { $0.device == a })?.peers.first(where: { $0.peer == b }) {
            links += [row.selfToPeer, row.peerToSelf]
        }
        if let row = status.members.first(where: { $0.device == b })?.peers.first(where: { $0.peer == a }) {
            links += [row.selfToPeer, row.peerToSelf]
        }
        if links.isEmpty || links.allSatisfy({ $0 == .notFetched }) { return "not-fetched" }
        if links.contains(.down) { return "down" }
        if links.allSatisfy({ $0 == .up }) { return "up" }
        return "partial"
    }

    static let colours = ["up": "#2e7d32", "down": "#c62828", "partial": "#ef6c00", "not-fetched": "#9e9e9e"]

    /// The SVG: one `<line class="edge">` per tunnel (data-from, data-to, data-state), one `<g class="node">` per
    /// member (data-device, data-role).
    var svg: String {
        let position = Dictionary(nodes.map { ($0.device, $0) }, uniquingKeysWith: { a, _ in a })
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"topology\" viewBox=\"0 0 \(Int(Self.size)) "
            + "\(Int(Self.size))\" role=\"img\">"
        for edge in edges {
            guard let a = position[edge.from], let b = position[edge.to] else { continue }
            let dash = edge.backup ? " stroke-dasharray=\"6 4\"" : ""
            out += "<line class=\"edge\" data-from=\"\(Self.escape(edge.from))\" data-to=\"\(Self.escape(edge.to))\""
                + " data-state=\"\(edge.state)\" data-backup=\"\(edge.backup)\" x1=\"\(Self.f(a.x))\" y1=\"\(Self.f(a.y))\""
                + " x2=\"\(Self.f(b.x))\" y2=\"\(Self.f(b.y))\" stroke=\"\(Self.colours[edge.state] ?? "#9e9e9e")\""
                + " stroke-width=\"3\"\(dash)><title>\(Self.escape(edge.from)) – \(Self.escape(edge.to)): "
                + "\(edge.state)</title></line>"
        }
        for node in nodes {
            let fill = node.role == "center" ? "#1565c0" : node.role == "backup-center" ? "#6a1b9a" : "#37474f"
            out += "<g class=\"node\" data-device=\"\(Self.escape(node.device))\" data-role=\"\(node.role ?? "")\""
                + " data-registration=\"\(node.registration)\"><circle cx=\"\(Self.f(node.x))\" cy=\"\(Self.f(node.y))\""
                + " r=\"16\" fill=\"\(fill)\"/><text x=\"\(Self.f(node.x))\" y=\"\(Self.f(node.y + 32))\""
                + " text-anchor=\"middle\" font-size=\"12\">\(Self.escape(node.device))</text></g>"
        }
        return out + "</svg>"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
