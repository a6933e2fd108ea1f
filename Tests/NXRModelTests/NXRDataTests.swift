import NETCONF
import NXRModel
import Testing

@Suite("NXR state ↔ XML")
struct NXRDataTests {
    @Test("schemas/examples/state.xml parses into the expected identity and interface state")
    func parsesExampleState() throws {
        let data = try NXRData(elements: try Files.exampleElements("state.xml"))
        #expect(
            data.system
                == SystemState(
                    serial: "01234567890", product: "NXR-120", firmwareVersion: "5.26.0", uptime: 86400, bootID: 7,
                    loadAverage: .init(one: 0.08, five: 0.03, fifteen: 0.01), memoryTotal: 262_144, memoryUsed: 73400,
                    currentDateTime: "2026-11-26T12:00:00+09:00"))
        #expect(
            data.interfaceStates == [
                InterfaceState(
                    name: "ethernet0", operStatus: .up, macAddress: "00:80:6d:00:00:01",
                    addresses: [
                        .init(ip: "192.168.10.1", prefixLength: 24, origin: .static),
                        .init(ip: "fe80::280:6dff:fe00:1", prefixLength: 64, origin: .linkLocal),
                    ], rxBytes: 123_456_789, txBytes: 98_765_432),
                InterfaceState(
                    name: "ppp0", operStatus: .up,
                    addresses: [
                        .init(ip: "198.51.100.23", prefixLength: 32, origin: .negotiated)
                    ], rxBytes: 5555, txBytes: 4444),
            ])
        #expect(data.config.hostname == "nxr01")
        #expect(data.config.crp.clients == [.init(id: 1, serverAddress: "192.0.2.100")])
        #expect(data.config.interfaces.map(\.name) == ["ethernet0", "ppp0"])
    }

    @Test("state survives a round trip and the merged tree is valid data for yanglint")
    func roundTripAndValidate() throws {
        let data = try NXRData(elements: try Files.exampleElements("state.xml"))
        let elements = data.xml()
        #expect(try NXRData(elements: elements) == data)
        let run = try Files.yanglint(type: "data", elements)
        #expect(run.status == 0 && run.output.isEmpty, "\(run.output)")
    }

    @Test("config parsing ignores state, so <get> and <get-config> compare equal")
    func configIgnoresState() throws {
        let fromGet = try NXRConfig(elements: try Files.exampleElements("state.xml"))
        let fromGetConfig = try NXRConfig(
            elements: try NXRData(elements: try Files.exampleElements("state.xml")).config.xml())
        #expect(fromGet == fromGetConfig)
    }

    @Test("a bad product or serial in state is refused with its path")
    func badState() throws {
        let wrapper = try Files.wrapped(
            """
            <system xmlns="urn:cms:nxr:1.0"><state><product>NXR-999</product></state></system>
            """)
        #expect(throws: NXRModelError.self) { try NXRData(xml: wrapper) }
        let badSerial = try Files.wrapped(
            "<system xmlns=\"urn:cms:nxr:1.0\"><state><serial>123</serial></state></system>")
        do {
            _ = try NXRData(xml: badSerial)
            Issue.record("accepted a 3-digit serial")
        } catch {
            #expect(error.path == "/nxr:system/state/serial")
        }
    }
}
