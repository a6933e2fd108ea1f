import NETCONF
import NXRModel
import Testing

@Suite("NXR config ↔ XML")
struct NXRConfigTests {
    static let expectedConfig = NXRConfig(
        hostname: "nxr01",
        interfaces: [
            Interface(
                name: "ethernet0", description: "LAN",
                ipv4: .addresses([InterfaceAddress(ip: "192.168.10.1", prefixLength: 24)]),
                ipv6Addresses: [InterfaceAddress(ip: "2001:db8:10::1", prefixLength: 64)]),
            Interface(name: "ethernet1", description: "to ONU (PPPoE)"),
            Interface(name: "ppp0", description: "pppoe", mtu: 1454, ipv4: .negotiated),
        ],
        crp: CRPSettings(
            customerID: "century", cpeID: "nxr01", advertiseInterface: "ppp0",
            clients: [.init(id: 1, serverAddress: "cms.example.jp")]),
        netconfServer: NetconfServerSettings(autoConfig: true),
        ikePolicies: [
            IKEPolicy(
                name: "cms-tokyo-star-shinjuku", description: "managed by cms: group tokyo-star, peer shinjuku",
                localID: IKEID(value: "id-nxr01"), remoteID: IKEID(value: "id-shinjuku"),
                peer: .address("203.0.113.1"), preSharedKey: "example-psk-not-secret"),
            IKEPolicy(
                name: "office", description: "made by hand; cms leaves it alone", exchangeMode: .main,
                encryption: .tripleDES, hash: .md5, dhGroup: 5, lifetime: 28800,
                localID: IKEID(type: .userFQDN, value: "nxr01@example.jp"),
                remoteID: IKEID(value: "office.example.jp"), peer: .dynamic,
                preSharedKey: "another-example-psk"),
        ],
        ipsecPolicies: [
            IPsecPolicy(
                name: "cms-tokyo-star-shinjuku", description: "managed by cms: group tokyo-star, peer shinjuku",
                ikePolicy: "cms-tokyo-star-shinjuku", localInterface: "ppp0",
                localNetwork: .prefix("192.168.10.0/24"), remoteNetwork: .prefix("192.168.1.0/24")),
            IPsecPolicy(
                name: "office", enabled: false, ikePolicy: "office", localInterface: "ppp0",
                localNetwork: .host, remoteNetwork: .prefix("10.0.0.0/8"), espEncryption: .tripleDES,
                espHash: .md5HMAC, pfs: .none, saLifetime: 28800),
        ])

    @Test("schemas/examples/config.xml parses into the expected configuration")
    func parsesExampleConfig() throws {
        let config = try NXRConfig(elements: try Files.exampleElements("config.xml"))
        #expect(config == Self.expectedConfig)
    }

    @Test("value → XML → value is the identity, through text too")
    func roundTrip() throws {
        let elements = Self.expectedConfig.xml()
        #expect(try NXRConfig(elements: elements) == Self.expectedConfig)
        let text = elements.map { XML.serialize($0) }.joined()
        #expect(try NXRConfig(xml: try Files.wrapped(text)) == Self.expectedConfig)
    }

    @Test("the serializer's output is a valid config instance for yanglint")
    func serializedConfigValidates() throws {
        let run = try Files.yanglint(type: "config", Self.expectedConfig.xml())
        #expect(run.status == 0 && run.output.isEmpty, "\(run.output)")
        let defaults = try Files.yanglint(type: "config", NXRConfig().xml())
        #expect(defaults.status == 0 && defaults.output.isEmpty, "\(defaults.output)")
    }

    @Test("absent leaves take the YANG defaults")
    func defaults() throws {
        let config = try NXRConfig(
            xml: try Files.wrapped(
                """
                <ipsec xmlns="urn:cms:nxr:1.0">
                  <ike-policy><name>p</name></ike-policy>
                  <ipsec-policy><name>q</name><ike-policy>p</ike-policy><local-interface>ethernet1</local-interface>
                    <local-network>host</local-network><remote-network>10.0.0.0/8</remote-network></ipsec-policy>
                </ipsec>
                """))
        #expect(config.hostname == "nxr")
        #expect(
            config.netconfServer == NetconfServerSettings(enable: true, port: 22, lockTimeout: 60, autoConfig: false))
        #expect(config.crp.sourcePort == 10625 && config.crp.advertisePort == 22 && config.crp.advertiseFamily == .ipv4)
        let ike = try #require(config.ikePolicies.first)
        #expect(ike == IKEPolicy(name: "p"))
        #expect(ike.encryption == .aes128 && ike.hash == .sha1 && ike.dhGroup == 2 && ike.lifetime == 10800)
        #expect(ike.dpd == IKEPolicy.DPD(interval: 30, retries: 3, action: .restart))
        let ipsec = try #require(config.ipsecPolicies.first)
        #expect(ipsec.espEncryption == .aes128 && ipsec.espHash == .sha1HMAC && ipsec.pfs == .group(2))
        #expect(ipsec.saLifetime == 3600 && ipsec.lowerLayer == .ipv4 && ipsec.enabled)
    }

    @Test("elements of other namespaces and unknown nxr elements are ignored")
    func ignoresUnknown() throws {
        let config = try NXRConfig(
            xml: try Files.wrapped(
                """
                <system xmlns="urn:cms:nxr:1.0"><hostname>a</hostname><future-leaf>x</future-leaf></system>
                <system xmlns="urn:example:other"><hostname>b</hostname></system>
                """))
        #expect(config.hostname == "a")
    }

    @Test("only cms- policies count as managed")
    func managedPrefix() {
        #expect(Self.expectedConfig.managedIKEPolicies.map(\.name) == ["cms-tokyo-star-shinjuku"])
        #expect(Self.expectedConfig.managedIPsecPolicies.map(\.name) == ["cms-tokyo-star-shinjuku"])
    }

    static let badInputs: [(String, String, String)] = [
        (
            "<ipsec xmlns=\"urn:cms:nxr:1.0\"><ike-policy><name>p</name><dh-group>3</dh-group></ike-policy></ipsec>",
            "/nxr:ipsec/ike-policy[name='p']/dh-group", "not 1, 2, 5 or 14"
        ),
        (
            "<ipsec xmlns=\"urn:cms:nxr:1.0\"><ike-policy><name>p</name><hash>sha256</hash></ike-policy></ipsec>",
            "/nxr:ipsec/ike-policy[name='p']/hash", "not one of sha1 | md5"
        ),
        (
            "<ipsec xmlns=\"urn:cms:nxr:1.0\"><ike-policy><name>p</name><lifetime>60</lifetime></ike-policy></ipsec>",
            "/nxr:ipsec/ike-policy[name='p']/lifetime", "1081…86400"
        ),
        (
            "<ipsec xmlns=\"urn:cms:nxr:1.0\"><ipsec-policy><name>q</name><ike-policy>nowhere</ike-policy>"
                + "<local-interface>ppp0</local-interface><local-network>host</local-network>"
                + "<remote-network>host</remote-network></ipsec-policy></ipsec>",
            "/nxr:ipsec/ipsec-policy[name='q']/ike-policy", "names no ike-policy"
        ),
        (
            "<ipsec xmlns=\"urn:cms:nxr:1.0\"><ike-policy><name>p</name></ike-policy><ipsec-policy><name>q</name>"
                + "<ike-policy>p</ike-policy><local-interface>ppp0</local-interface><local-network>host</local-network>"
                + "</ipsec-policy></ipsec>",
            "/nxr:ipsec/ipsec-policy[name='q']/remote-network", "mandatory"
        ),
        (
            "<ipsec xmlns=\"urn:cms:nxr:1.0\"><ike-policy><name>p</name></ike-policy><ipsec-policy><name>q</name>"
                + "<ike-policy>p</ike-policy><local-interface>ppp0</local-interface><local-network>host</local-network>"
                + "<remote-network>host</remote-network><pfs>3</pfs></ipsec-policy></ipsec>",
            "/nxr:ipsec/ipsec-policy[name='q']/pfs", "none, 1, 2, 5 or 14"
        ),
        (
            "<interfaces xmlns=\"urn:cms:nxr:1.0\"><interface><name>eth0</name></interface></interfaces>",
            "/nxr:interfaces/interface[name='eth0']/name", "ethernetN"
        ),
        (
            "<interfaces xmlns=\"urn:cms:nxr:1.0\"><interface><name>ethernet0</name><ipv4><address><ip>10.0.0.1</ip>"
                + "<prefix-length>33</prefix-length></address></ipv4></interface></interfaces>",
            "/nxr:interfaces/interface[name='ethernet0']/ipv4/address[ip='10.0.0.1']/prefix-length", "0…32"
        ),
        (
            "<interfaces xmlns=\"urn:cms:nxr:1.0\"><interface><name>ethernet0</name><enabled>yes</enabled>"
                + "</interface></interfaces>",
            "/nxr:interfaces/interface[name='ethernet0']/enabled", "true or false"
        ),
        ("<crp xmlns=\"urn:cms:nxr:1.0\"><cpe-id>NXR01</cpe-id></crp>", "/nxr:crp/cpe-id", "device code"),
        (
            "<crp xmlns=\"urn:cms:nxr:1.0\"><client><id>3</id><server-address>x</server-address></client></crp>",
            "/nxr:crp/client[id='3']/id", "1…2"
        ),
        (
            "<interfaces xmlns=\"urn:cms:nxr:1.0\"><interface><name>ppp0</name></interface>"
                + "<interface><name>ppp0</name></interface></interfaces>",
            "/nxr:interfaces/interface[name='ppp0']", "appears twice"
        ),
        (
            "<ipsec xmlns=\"urn:cms:nxr:1.0\"><ike-policy><name>p</name></ike-policy>"
                + "<ike-policy><name>p</name></ike-policy></ipsec>",
            "/nxr:ipsec/ike-policy[name='p']", "appears twice"
        ),
        (
            "<netconf-server xmlns=\"urn:cms:nxr:1.0\"><port>0</port></netconf-server>", "/nxr:netconf-server/port",
            "1…65535"
        ),
    ]

    @Test("bad values are refused with the path of the node", arguments: badInputs)
    func badValues(xml: String, path: String, message: String) throws {
        let wrapper = try Files.wrapped(xml)
        do {
            _ = try NXRConfig(xml: wrapper)
            Issue.record("accepted: \(xml)")
        } catch {
            #expect(error.path == path)
            #expect(error.message.contains(message), "message was: \(error.message)")
        }
    }
}
