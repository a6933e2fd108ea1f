import Foundation
import Testing
@testable import NETCONF

/// ncclient (Debian `python3-ncclient`, for /usr/bin/python3) as an independent implementation: its messages
/// must parse here, and its own framing parser must read what our encoder writes.
@Suite(
    "Interop with ncclient",
    .enabled(
        if: NcclientPeer.available,
        "/usr/bin/python3 with ncclient not found: run scripts/setup.sh"))
struct NcclientInteropTests {
    func decodedByNcclient(_ stream: [UInt8], base: String, seed: Int, largest: Int) throws -> [String] {
        try NcclientPeer.run(["-c", NcclientPeer.decodeScript, base, String(seed), String(largest)], input: stream)
            .split(separator: "\n")
            .map { String(decoding: Data(base64Encoded: String($0)) ?? Data(), as: UTF8.self) }
    }

    @Test func ncclientsPrefixedHelloAndRPCParse() throws {
        let lines = try NcclientPeer.run(["-c", NcclientPeer.buildScript], input: []).split(separator: "\n").map(
            String.init)
        try #require(lines.count == 2)
        #expect(lines[0].contains("<nc:hello"))
        let hello = try Hello.parse(bytes(lines[0]))
        #expect(hello.has(Capability.base11) && hello.has(Capability.candidate))
        #expect(hello.sessionID == nil)
        let rpc = try IncomingRPC.parse(bytes(lines[1]))
        #expect(rpc.messageID == "urn:uuid:7")
        #expect(rpc.operation.matches("edit-config", namespace: NETCONFNamespace.base))
        let top = try #require(rpc.operation.child("config", namespace: NETCONFNamespace.base)?.child("top"))
        #expect(top.namespace == "urn:cms:test:x")
        #expect(top.childText("mtu", namespace: "urn:cms:test:x") == "1400")
    }

    @Test(arguments: [1, 2, 3])
    func ncclientReadsOurChunkedFramingSplitAnywhere(seed: Int) throws {
        let messages = [
            String(decoding: Reply.ok(messageID: "1"), as: UTF8.self),
            String(
                decoding: Reply.data(
                    messageID: "2", [XMLElement("a", namespace: "urn:a", text: "]]>]]> \n##\n \n#9\n")]),
                as: UTF8.self),
            String(decoding: RPC.envelope(messageID: "3", operation: Operation.closeSession()), as: UTF8.self),
        ]
        var stream: [UInt8] = []
        for (index, message) in messages.enumerated() {
            stream += FrameEncoder.frame(bytes(message), mode: .chunked, maxChunk: [3, 17, 1 << 16][index])
        }
        #expect(try decodedByNcclient(stream, base: "11", seed: seed, largest: 40) == messages)
    }

    @Test func ncclientReadsNonASCIIMessagesInSmallChunks() throws {
        let message = String(
            decoding: Reply.data(
                messageID: "1",
                [
                    XMLElement("description", namespace: "urn:a", text: "本社ルータ 😀 Zürich")
                ]), as: UTF8.self)
        let stream = FrameEncoder.frame(bytes(message), mode: .chunked, maxChunk: 5)
        // ncclient decodes its whole buffer as UTF-8, so give it the stream in one piece.
        #expect(try decodedByNcclient(stream, base: "11", seed: 1, largest: stream.count) == [message])
    }

    @Test func ncclientReadsOurEndOfMessageFraming() throws {
        let messages = [Hello(capabilities: [Capability.base10], sessionID: 5).serialize(), Reply.ok(messageID: "9")]
        let stream = messages.flatMap { FrameEncoder.frame($0, mode: .endOfMessage) }
        #expect(
            try decodedByNcclient(stream, base: "10", seed: 4, largest: 9)
                == messages.map { String(decoding: $0, as: UTF8.self) })
    }
}

/// Runs ncclient code under Debian's /usr/bin/python3.
enum NcclientPeer {
    static let python = "/usr/bin/python3"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: python) && (try? run(["-c", "import ncclient"], input: [])) != nil
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs /usr/bin/python3 with arguments and stdin; returns stdout, throws on a non-zero exit.
    static func run(_ arguments: [String], input: [UInt8]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "python exited \(process.terminationStatus): "
                    + String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Feeds stdin to ncclient's DefaultXMLParser in random pieces (argv: base 10|11, seed, max piece);
    /// prints each dispatched message base64-encoded on its own line.
    static let decodeScript = """
        import sys, io, random, base64
        from ncclient.transport.parser import DefaultXMLParser
        from ncclient.transport.session import NetconfBase
        class Session:
            def __init__(self, base):
                self._buffer = io.BytesIO(); self._base = base; self._message_list = []; self.out = []
                self.parser = None
            def _dispatch_message(self, message): self.out.append(message)
        session = Session(NetconfBase.BASE_11 if sys.argv[1] == "11" else NetconfBase.BASE_10)
        parser = DefaultXMLParser(session); session.parser = parser
        data = sys.stdin.buffer.read()
        random.seed(int(sys.argv[2])); largest = int(sys.argv[3]); i = 0
        while i < len(data):
            n = random.randint(1, largest); parser.parse(data[i:i + n]); i += n
        for m in session.out:
            print(base64.b64encode(m.encode("utf-8") if isinstance(m, str) else m).decode())
        """

    static let buildScript = """
        from ncclient.transport.session import HelloHandler
        from ncclient.xml_ import new_ele, sub_ele, to_xml
        from lxml import etree
        print(HelloHandler.build(["urn:ietf:params:netconf:base:1.0", "urn:ietf:params:netconf:base:1.1",
                                  "urn:ietf:params:netconf:capability:candidate:1.0"], None))
        rpc = new_ele("rpc", {"message-id": "urn:uuid:7"})
        edit = sub_ele(rpc, "edit-config")
        sub_ele(sub_ele(edit, "target"), "candidate")
        config = sub_ele(edit, "config")
        top = etree.SubElement(config, "{urn:cms:test:x}top")
        etree.SubElement(top, "{urn:cms:test:x}mtu").text = "1400"
        print(to_xml(rpc))
        """
}
