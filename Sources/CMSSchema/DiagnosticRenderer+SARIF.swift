import Foundation

extension DiagnosticRenderer {
    private struct Log: Encodable {
        let schema = "https://json.schemastore.org/sarif-2.1.0.json"
        let version = "2.1.0"
        let runs: [Run]
        enum CodingKeys: String, CodingKey {
            case schema = "$schema"
            case version, runs
        }
    }

    private struct Run: Encodable {
        let tool: Tool
        let results: [Result]
        let columnKind = "unicodeCodePoints"
    }

    private struct Tool: Encodable { let driver: Driver }

    private struct Driver: Encodable {
        let name: String
        let version: String
        let informationUri: String
        let rules: [ReportingDescriptor]
    }

    private struct Text: Encodable { let text: String }

    private struct ReportingDescriptor: Encodable {
        struct Configuration: Encodable { let level: String }
        let id: String
        let shortDescription: Text
        let helpUri: String
        let defaultConfiguration: Configuration
    }

    private struct Result: Encodable {
        struct Properties: Encodable { let hint: String }
        let ruleId: String
        let ruleIndex: Int?
        let level: String
        let message: Text
        let locations: [Location]
        let properties: Properties?
    }

    private struct Location: Encodable { let physicalLocation: PhysicalLocation }

    private struct PhysicalLocation: Encodable {
        struct ArtifactLocation: Encodable {
            let uri: String
            let uriBaseId = "SRCROOT"
        }
        struct Region: Encodable {
            let startLine: Int
            let startColumn: Int
        }
        let artifactLocation: ArtifactLocation
        let region: Region
    }

    /// A SARIF 2.1.0 log with every catalogued rule in `tool.driver.rules` and one result per finding.
    public static func sarif(_ diagnostics: [Diagnostic], toolVersion: String) -> String {
        let rules = Rule.allCases
        let index = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.rawValue, $0) })
        let descriptors = rules.map { rule in
            ReportingDescriptor(
                id: rule.rawValue, shortDescription: Text(text: rule.summary),
                helpUri: informationURI + "#" + rule.rawValue.replacingOccurrences(of: ".", with: ""),
                defaultConfiguration: .init(level: rule.severity.rawValue))
        }
        let results = diagnostics.map { d in
            Result(
                ruleId: d.ruleID, ruleIndex: index[d.ruleID],
                level: d.severity == .error ? "error" : "warning", message: Text(text: d.message),
                locations: [
                    Location(
                        physicalLocation: PhysicalLocation(
                            artifactLocation: .init(uri: uri(d.file)),
                            region: .init(startLine: max(1, d.line), startColumn: max(1, d.column))))
                ],
                properties: d.hint.map { Result.Properties(hint: $0) })
        }
        let log = Log(
            runs: [
                Run(
                    tool: Tool(
                        driver: Driver(
                            name: toolName, version: toolVersion, informationUri: informationURI, rules: descriptors)),
                    results: results)
            ])
        return encode(log)
    }

    /// A relative URI reference: path segments percent-encoded (Japanese file names, spaces).
    static func uri(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}
