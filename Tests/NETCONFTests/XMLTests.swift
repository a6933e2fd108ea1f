import Testing
@testable import NETCONF

@Suite("Hardened XML")
struct XMLTests {
    static let billionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        ]>
        <lolz>&lol4;</lolz>
        """

    @Test(arguments: [
        billionLaughs,
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><r>&xxe;</r>",
        "<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/evil.dtd\"><r/>",
        "<!DOCTYPE r><r/>",
        "<!DOCTYPE r PUBLIC \"-//x//y\" \"file:///etc/passwd\"><r/>",
    ])
    func documentsWithADoctypeAreRefused(document: String) {
        let error = #expect(throws: XMLError.self) { _ = try XML.parse(document) }
        #expect(error?.message.contains("DOCTYPE") == true, "\(String(describing: error))")
    }

    @Test func undeclaredEntitiesAreErrorsAndPredefinedOnesResolve() throws {
        #expect(throws: XMLError.self) { _ = try XML.parse("<r>&xxe;</r>") }
        let element = try XML.parse("<r a=\"&quot;&lt;\">&amp;&lt;&gt;&#65;&#x42;</r>")
        #expect(element.text == "&<>AB")
        #expect(element.attribute("a") == "\"<")
    }

    @Test func theDepthCapIsEnforced() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        }
        let limits = XMLLimits(maxBytes: 1 << 20, maxDepth: 10, maxTextBytes: 1 << 20)
        _ = try XML.parse(nested(10), limits: limits)
        let error = #expect(throws: XMLError.self) { _ = try XML.parse(nested(11), limits: limits) }
        #expect(error?.message.contains("deeper") == true)
        // libxml2's own cap also fails cleanly instead of overflowing the stack.
        #expect(throws: XMLError.self) { _ = try XML.parse(nested(100_000)) }
    }

    @Test func theByteAndTextCapsAreEnforced() throws {
        let limits = XMLLimits(maxBytes: 100, maxDepth: 10, maxTextBytes: 10)
        _ = try XML.parse("<a>0123456789</a>", limits: limits)
        #expect(throws: XMLError.self) { _ = try XML.parse("<a>0123456789X</a>", limits: limits) }
        #expect(throws: XMLError.self) { _ = try XML.parse("<a b=\"0123456789X\"/>", limits: limits) }
        #expect(throws: XMLError.self) {
            _ = try XML.parse("<a>" + String(repeating: " ", count: 100) + "</a>", limits: limits)
        }
    }

    @Test func malformedXMLReportsTheLine() {
        let error = #expect(throws: XMLError.self) { _ = try XML.parse("<a>\n<b>\n</a>") }
        #expect(error?.line != nil)
        #expect(throws: XMLError.self) { _ = try XML.parse("") }
        #expect(throws: XMLError.self) { _ = try XML.parse("just text") }
        #expect(throws: XMLError.self) { _ = try XML.parse("<a/><b/>") }
    }

    @Test func namespacesAreResolvedWhateverThePrefix() throws {
        let element = try XML.parse(
            """
            <nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:x="urn:x" nc:message-id="1">
              <nc:get><nc:filter><x:top xmlns="urn:d"><leaf x:a="1" b="2">v</leaf></x:top></nc:filter></nc:get>
            </nc:rpc>
            """)
        #expect(element.name == "rpc")
        #expect(element.namespace == NETCONFNamespace.base)
        #expect(element.namespaceDeclarations == ["nc": NETCONFNamespace.base, "x": "urn:x"])
        #expect(element.attribute("message-id", namespace: NETCONFNamespace.base) == "1")
        let top = try #require(element.child("get")?.child("filter", namespace: NETCONFNamespace.base)?.child("top"))
        #expect(top.namespace == "urn:x")
        let leaf = try #require(top.child("leaf", namespace: "urn:d"))
        #expect(
            leaf.attributes == [
                XMLAttribute(name: "a", namespace: "urn:x", value: "1"),
                XMLAttribute(name: "b", value: "2"),
            ])
        #expect(top.child("leaf", namespace: "urn:x") == nil)
    }

    @Test func blankTextBetweenElementsIsDroppedButLeafTextIsKept() throws {
        let element = try XML.parse("<a>\n  <b>  </b>\n  <c><![CDATA[<x> & y]]></c>\n<!-- note --><?pi x?></a>")
        #expect(
            element.children == [
                .element(XMLElement("b", text: "  ")),
                .element(XMLElement("c", text: "<x> & y")),
            ])
        let mixed = try XML.parse("<p>one <b>two</b> three</p>")
        #expect(mixed.children == [.text("one "), .element(XMLElement("b", text: "two")), .text(" three")])
    }

    @Test func serializationRoundTripsThroughTheParser() throws {
        let tree = XMLElement(
            "config", namespace: "urn:a",
            elements: [
                XMLElement(
                    "interface", namespace: "urn:b",
                    attributes: [
                        XMLAttribute(name: "operation", namespace: NETCONFNamespace.base, value: "delete"),
                        XMLAttribute(name: "q", value: "\"quoted\" <&>\t\n\r"),
                        XMLAttribute(name: "r", namespace: "urn:r", value: "1"),
                    ],
                    elements: [
                        XMLElement("name", namespace: "urn:b", text: "ge0 & <ge1> \r\n日本語"),
                        XMLElement("none", namespace: nil, text: "no namespace"),
                        XMLElement("empty", namespace: "urn:b"),
                    ]),
                XMLElement(
                    "mixed", namespace: "urn:a",
                    children: [
                        .text("a "), .element(XMLElement("i", namespace: "urn:a", text: "b")), .text(" c"),
                    ]),
            ])
        for pretty in [false, true] {
            for declaration in [false, true] {
                let text = XML.serialize(tree, pretty: pretty, declaration: declaration)
                #expect(try XML.parse(text) == tree, "\(text)")
            }
        }
    }

    @Test func serializationUsesDefaultNamespacesAndNcForBaseAttributes() {
        let tree = XMLElement(
            "a", namespace: "urn:a",
            elements: [
                XMLElement(
                    "b", namespace: "urn:a",
                    attributes: [
                        XMLAttribute(name: "operation", namespace: NETCONFNamespace.base, value: "merge")
                    ]),
                XMLElement("c"),
            ])
        #expect(
            XML.serialize(tree) == """
                <a xmlns="urn:a"><b xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="merge"/>\
                <c xmlns=""/></a>
                """)
        #expect(
            XML.serialize(tree, pretty: true) == """
                <a xmlns="urn:a">
                  <b xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="merge"/>
                  <c xmlns=""/>
                </a>

                """)
    }

    @Test func charactersXMLCannotCarryAreReplaced() throws {
        let text = XML.serialize(
            XMLElement(
                "a", attributes: [XMLAttribute(name: "v", value: "\u{0B}\u{FFFF}")],
                text: "x\u{01}y\u{1F}z\u{FFFE}é日"))
        #expect(text == "<a v=\"\u{FFFD}\u{FFFD}\">x\u{FFFD}y\u{FFFD}z\u{FFFD}é日</a>")
        let parsed = try XML.parse(text)
        #expect(parsed.text == "x\u{FFFD}y\u{FFFD}z\u{FFFD}é日")
        #expect(parsed.attribute("v") == "\u{FFFD}\u{FFFD}")
    }

    @Test func whitespaceAndAByteOrderMarkBeforeTheDeclarationAreSkipped() throws {
        let element = try XML.parse(bytes("\n\r\n  <?xml version=\"1.0\" encoding=\"UTF-8\"?><a>1</a>"))
        #expect(element == XMLElement("a", text: "1"))
        #expect(try XML.parse([0xEF, 0xBB, 0xBF] + bytes("<?xml version=\"1.0\"?><a/>")) == XMLElement("a"))
        #expect(throws: XMLError.self) { _ = try XML.parse(bytes(" \n\t")) }
        let error = #expect(throws: XMLError.self) { _ = try XML.parse(bytes("\n\n<a>\n<b></a>")) }
        #expect(error?.line == 4)
    }

    @Test func parsingIsSafeFromManyThreadsAtOnce() async throws {
        let document = XML.serialize(
            XMLElement(
                "a", namespace: "urn:a",
                elements: (0..<200).map {
                    XMLElement("item", namespace: "urn:a", text: "value \($0)")
                }))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var total = 0
                    for _ in 0..<50 { total += try XML.parse(document).elements.count }
                    _ = try? XML.parse("<broken>")
                    return total
                }
            }
            for try await total in group { #expect(total == 200 * 50) }
        }
    }
}
