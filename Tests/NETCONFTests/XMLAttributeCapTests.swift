import Testing
@testable import NETCONF

@Suite("Attribute cap (libxml2 2.9 is quadratic in attributes per tag)")
struct XMLAttributeCapTests {
    @Test func tagsWithTooManyAttributesAreRefusedBeforeLibxml2SeesThem() throws {
        // 50,000 attributes on one tag cost libxml2 2.9 about 25 s of CPU (pairwise duplicate checks).
        let attributes = (0..<50_000).map { "a\($0)=\"1\"" }.joined(separator: " ")
        let error = #expect(throws: XMLError.self) { _ = try XML.parse("<a \(attributes)/>") }
        #expect(error?.message.contains("more than 256 attributes") == true)
        let declarations = (0..<50_000).map { "xmlns:p\($0)=\"urn:\($0)\"" }.joined(separator: " ")
        #expect(throws: XMLError.self) { _ = try XML.parse("<r><a \(declarations)/></r>") }
        let most = (0..<256).map { "a\($0)=\"1\"" }.joined(separator: " ")
        #expect(try XML.parse("<a \(most)/>").attributes.count == 256)
    }

    @Test func onlyRealAttributesCountTowardsTheCap() throws {
        let limits = XMLLimits(maxBytes: 1 << 20, maxDepth: 10, maxTextBytes: 1 << 20, maxAttributes: 2)
        let document =
            "<a b=\"x=y>z\" c='=>='><!-- a=b c=d e=f --><![CDATA[x=y=z>]]><?pi a=b c=d?>t=u=v"
            + "<d e = \"1\" f='2'/></a>"
        let element = try XML.parse(document, limits: limits)
        #expect(element.attribute("b") == "x=y>z")
        #expect(element.attribute("c") == "=>=")
        #expect(element.child("d")?.attributes.count == 2)
        #expect(element.text == "x=y=z>t=u=v")
        #expect(throws: XMLError.self) { _ = try XML.parse("<a><d e='1' f='2' g='3'/></a>", limits: limits) }
    }
}
