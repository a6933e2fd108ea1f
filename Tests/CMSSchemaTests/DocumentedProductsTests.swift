import CMSModel
import Foundation
import Testing

/// The docs name only real NXR models (SPEC §1): an example with a product `cms-lint` would refuse (`NXR-G110` was
/// one) teaches users something that does not work.
@Suite struct DocumentedProductsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Shown on purpose as a value `cms-lint` refuses (docs/lint-rules.md, `field.enum`).
    static let deliberatelyInvalid: Set<String> = ["NXR-999"]

    @Test func everyProductNamedInTheDocsIsAModel() throws {
        let docs = Self.root.appendingPathComponent("docs")
        let files =
            try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }
            .map { docs.appendingPathComponent($0) } + [Self.root.appendingPathComponent("README.md")]
        #expect(files.count > 10)
        let pattern = try NSRegularExpression(pattern: #"\bNXR-[A-Z]*[0-9][A-Z0-9]*\b"#)
        let models = Set(Product.allCases.map(\.rawValue))
        var unknown: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let name = String(text[Range(match.range, in: text)!])
                if !models.contains(name), !Self.deliberatelyInvalid.contains(name) {
                    unknown.append("\(file.lastPathComponent): \(name)")
                }
            }
        }
        #expect(unknown.isEmpty, "not NXR models (SPEC §1: \(models.sorted().joined(separator: ", "))): \(unknown)")
    }
}
