import NETCONF
import NXRModel
import Testing

@Suite("NXR RPCs and notifications ↔ XML")
struct NXRRPCTests {
    static let backupText = Array("hostname nxr01\n!\ncrp customer-id century\n".utf8)

    static let requests: [(String, NXRRPC)] = [
        ("reboot", .reboot(delay: 5)),
        (
            "firmware-update",
            .firmwareUpdate(
                .init(
                    url: "http://127.0.0.1:8080/nxr120-5.26.0.bin",
                    sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", mode: .normal))
        ),
        ("config-backup", .configBackup(.init(format: .showConfig))),
        (
            "config-restore",
            .configRestore(
                .init(
                    format: .tgz, source: .url("ssh://backup@127.0.0.1:2222/configs/nxr01.tgz"),
                    password: "example-password", save: true))
        ),
        ("show", .show(args: "ip route")),
        ("ping", .ping(.init(destination: "192.168.1.1", family: .ipv4, count: 3, source: "192.168.10.1"))),
        ("traceroute", .traceroute(.init(destination: "2001:db8:1::1", family: .ipv6, probe: .icmp))),
        ("packet-dump", .packetDump(.init(interface: "ethernet0", duration: 10, packets: 2))),
        ("get-ipsec-status", .getIPsecStatus(policy: nil)),
        ("get-syslog", .getSyslog(lines: 2)),
    ]

    static let replies: [(String, NXRRPCOutput)] = [
        ("reboot", NXRRPCOutput()),
        ("firmware-update", NXRRPCOutput(transfer: .done, version: "5.26.0", rebooting: true)),
        ("config-backup", NXRRPCOutput(content: backupText)),
        (
            "config-restore",
            NXRRPCOutput(
                transfer: .failed, rebooting: false,
                message: "ssh://backup@127.0.0.1:2222: authentication failed")
        ),
        (
            "show",
            NXRRPCOutput(
                text: "S*  0.0.0.0/0 [1/0] is directly connected, ppp0\n"
                    + "C   192.168.10.0/24 is directly connected, ethernet0\n")
        ),
        (
            "ping",
            NXRRPCOutput(
                text: """
                    PING 192.168.1.1 (192.168.1.1) from 192.168.10.1: 56 data bytes
                    64 bytes from 192.168.1.1: icmp_seq=0 ttl=64 time=1.2 ms
                    64 bytes from 192.168.1.1: icmp_seq=1 ttl=64 time=1.1 ms
                    64 bytes from 192.168.1.1: icmp_seq=2 ttl=64 time=1.3 ms
                    --- 192.168.1.1 ping statistics ---
                    3 packets transmitted, 3 packets received, 0% packet loss

                    """, transmitted: 3, received: 3)
        ),
        (
            "traceroute",
            NXRRPCOutput(
                text: "traceroute to 2001:db8:1::1, 30 hops max\n"
                    + " 1  2001:db8:1::1  1.402 ms  1.331 ms  1.297 ms\n")
        ),
        (
            "packet-dump",
            NXRRPCOutput(
                text: "12:00:00.000001 IP 192.168.10.20.51000 > 192.168.10.1.22: Flags [P.], length 36\n"
                    + "12:00:00.000420 IP 192.168.10.1.22 > 192.168.10.20.51000: Flags [.], length 0\n", captured: 2)
        ),
        (
            "get-ipsec-status",
            NXRRPCOutput(policies: [
                .init(name: "cms-tokyo-star-shinjuku", peer: "id-shinjuku", outbound: .up, inbound: .up),
                .init(name: "office", peer: "office.example.jp", outbound: .down, inbound: .down),
            ])
        ),
        (
            "get-syslog",
            NXRRPCOutput(
                text: "Nov 26 12:00:01 nxr01 crp: announce sent to 192.0.2.100:10625 (seq 42)\n"
                    + "Nov 26 12:00:05 nxr01 netconf: session 3 opened by century\n")
        ),
    ]

    @Test(
        "each example request parses into its value, and the value's XML validates as nc-rpc",
        arguments: zip(requests.map(\.0), requests.map(\.1)))
    func requestExample(name: String, expected: NXRRPC) throws {
        let root = try Files.exampleRoot("rpc-\(name).xml")
        let operation = try #require(root.elements.first)
        #expect(try NXRRPC.parse(operation) == expected)
        #expect(expected.name == name)
        let built = RPC.element(messageID: "1", operation: expected.xml())
        #expect(try NXRRPC.parse(try #require(built.elements.first)) == expected)
        let run = try Files.yanglint(type: "nc-rpc", [built])
        #expect(run.status == 0 && run.output.isEmpty, "\(run.output)")
    }

    @Test(
        "each example reply parses into its value, and the value's XML validates as nc-reply",
        arguments: zip(replies.map(\.0), replies.map(\.1)))
    func replyExample(name: String, expected: NXRRPCOutput) throws {
        let root = try Files.exampleRoot("rpc-\(name)-reply.xml")
        #expect(try NXRRPCOutput(body: root.elements) == expected)
        #expect(try NXRRPCOutput(body: expected.xml()) == expected)
        var body = expected.xml()
        if body.isEmpty { body = [XMLElement("ok", namespace: NETCONFNamespace.base)] }
        let reply = XMLElement(
            "rpc-reply", namespace: NETCONFNamespace.base,
            attributes: [XMLAttribute(name: "message-id", value: root.attribute("message-id") ?? "")],
            elements: body)
        let request = Files.examples.appendingPathComponent("rpc-\(name).xml").path
        let run = try Files.yanglint(type: "nc-reply", [reply], extra: ["-R", request])
        #expect(run.status == 0 && run.output.isEmpty, "\(run.output)")
    }

    @Test("every RPC of the module is covered")
    func everyRPCCovered() {
        #expect(Set(Self.requests.map(\.0)) == Set(NXRRPC.names))
    }

    @Test("inline restore content travels as base64 and comes back byte for byte")
    func inlineRestore() throws {
        let bytes: [UInt8] = Array(0...255) + [0, 1]
        let rpc = NXRRPC.configRestore(.init(format: .tgz, source: .content(bytes)))
        #expect(try NXRRPC.parse(rpc.xml()) == rpc)
        let run = try Files.yanglint(type: "nc-rpc", [RPC.element(messageID: "9", operation: rpc.xml())])
        #expect(run.status == 0 && run.output.isEmpty, "\(run.output)")
    }

    @Test("a NETCONF base operation is not an nxr RPC")
    func baseOperationIsNotNXR() throws {
        #expect(try NXRRPC.parse(Operation.getConfig(source: .running)) == nil)
    }

    static let badRequests: [(String, String)] = [
        ("<ping xmlns=\"urn:cms:nxr:1.0\"><destination>x</destination><count>61</count></ping>", "/nxr:ping/count"),
        ("<ping xmlns=\"urn:cms:nxr:1.0\"><count>1</count></ping>", "/nxr:ping/destination"),
        (
            "<packet-dump xmlns=\"urn:cms:nxr:1.0\"><interface>ethernet0</interface>"
                + "<duration>9</duration></packet-dump>",
            "/nxr:packet-dump/duration"
        ),
        (
            "<packet-dump xmlns=\"urn:cms:nxr:1.0\"><interface>eth0</interface></packet-dump>",
            "/nxr:packet-dump/interface"
        ),
        ("<show xmlns=\"urn:cms:nxr:1.0\"><args>ip rout\u{e9}</args></show>", "/nxr:show/args"),
        (
            "<firmware-update xmlns=\"urn:cms:nxr:1.0\"><url>ftp://x/y</url><sha256>00</sha256></firmware-update>",
            "/nxr:firmware-update/url"
        ),
        (
            "<firmware-update xmlns=\"urn:cms:nxr:1.0\"><url>http://127.0.0.1/x</url><sha256>ABC</sha256>"
                + "</firmware-update>", "/nxr:firmware-update/sha256"
        ),
        (
            "<firmware-update xmlns=\"urn:cms:nxr:1.0\"><url>http://127.0.0.1/x</url><sha256>"
                + String(repeating: "a", count: 64) + "</sha256><mode>fast</mode></firmware-update>",
            "/nxr:firmware-update/mode"
        ),
        ("<config-backup xmlns=\"urn:cms:nxr:1.0\"><format>zip</format></config-backup>", "/nxr:config-backup/format"),
        (
            "<config-restore xmlns=\"urn:cms:nxr:1.0\"><format>xml</format></config-restore>",
            "/nxr:config-restore/content"
        ),
        (
            "<config-restore xmlns=\"urn:cms:nxr:1.0\"><format>xml</format><content>@@@@</content></config-restore>",
            "/nxr:config-restore/content"
        ),
        (
            "<config-restore xmlns=\"urn:cms:nxr:1.0\"><format>xml</format><url>http://x/y</url></config-restore>",
            "/nxr:config-restore/url"
        ),
        ("<reboot xmlns=\"urn:cms:nxr:1.0\"><delay>3601</delay></reboot>", "/nxr:reboot/delay"),
    ]

    @Test("bad RPC input is refused with the path of the offending leaf", arguments: badRequests)
    func badRequest(xml: String, path: String) throws {
        let operation = try XML.parse(xml)
        do {
            _ = try NXRRPC.parse(operation)
            Issue.record("accepted: \(xml)")
        } catch {
            #expect(error.path == path)
        }
    }

    @Test(
        "notification examples parse, and the values' XML validates as nc-notif",
        arguments: [
            (
                "notification-config-change.xml",
                NXRNotification.configChange(datastore: .running, username: "century", sessionID: 3, targets: ["ipsec"])
            ),
            (
                "notification-firmware-transfer.xml",
                NXRNotification.firmwareTransfer(status: .done, version: "5.26.0", message: nil)
            ),
        ])
    func notifications(file: String, expected: NXRNotification) throws {
        let root = try Files.exampleRoot(file)
        let content = try #require(root.elements.last)
        #expect(try NXRNotification.parse(content) == expected)
        let envelope = XMLElement(
            "notification", namespace: NETCONFNamespace.notification,
            elements: [
                XMLElement("eventTime", namespace: NETCONFNamespace.notification, text: "2026-11-26T12:00:00Z"),
                expected.xml(),
            ])
        let run = try Files.yanglint(type: "nc-notif", [envelope])
        #expect(run.status == 0 && run.output.isEmpty, "\(run.output)")
    }
}
