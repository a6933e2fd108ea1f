import CMSModel
import Yams

/// A typed view over one YAML mapping that reports every problem it finds into a ``DocumentReader``.
struct Fields {
    let reader: DocumentReader
    let path: String
    let position: SourcePosition
    /// Linear storage: mappings have a handful of keys, and hashing cost more than scanning.
    private let names: [String]
    private let keys: [Node]
    private let values: [Node]
    /// Per value: nil when the value is a null scalar (read once; copying Yams nodes is costly).
    private let valuePositions: [SourcePosition?]
    private let isNull: [Bool]
    /// Per value: its text when it is a scalar.
    private let texts: [String?]

    /// Returns `nil` (after reporting) when the node is not a mapping. Unknown keys are reported here.
    init?(_ node: Node, path: String, allowed: [String], reader: DocumentReader) {
        self.reader = reader
        self.path = path
        self.position = node.position ?? reader.start
        guard case .mapping(let mapping) = node else {
            reader.report(
                .fieldType, at: node.position,
                "`\(path.isEmpty ? "document" : path)` must be a mapping, found \(node.yamlTypeName)")
            return nil
        }
        var names: [String] = [], keys: [Node] = [], values: [Node] = []
        names.reserveCapacity(mapping.count)
        keys.reserveCapacity(mapping.count)
        values.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                reader.report(.fieldType, at: key.position, "a key of `\(path)` must be a plain word")
                continue
            }
            let name = scalar.string
            if !allowed.contains(name) {
                let qualified = path.isEmpty ? name : "\(path).\(name)"
                if let suggestion = Suggest.closest(to: name, in: allowed) {
                    reader.report(
                        .fieldUnknown, at: key.position, "unknown field `\(qualified)`; did you mean `\(suggestion)`?",
                        hint: "rename it to `\(suggestion)`")
                } else {
                    reader.report(
                        .fieldUnknown, at: key.position, "unknown field `\(qualified)`",
                        hint: "allowed here: " + allowed.joined(separator: ", "))
                }
                continue
            }
            names.append(name)
            keys.append(key)
            values.append(value)
        }
        self.names = names
        self.keys = keys
        self.values = values
        self.valuePositions = values.map(\.position)
        self.isNull = values.map(\.isNull)
        self.texts = values.map { node in
            if case .scalar(let scalar) = node { return scalar.string }
            return nil
        }
        self.plain = values.map { node in
            if case .scalar(let scalar) = node { return scalar.style == .plain || scalar.style == .any }
            return false
        }
    }

    /// Whether each value is an unquoted scalar: YAML 1.2 (and the JSON Schemas, and editors) read an unquoted
    /// `12345` as a number and a quoted `"true"` as text, so lint must too (issue 17: lint and schemas agree).
    private let plain: [Bool]

    /// The YAML 1.2 core schema's reading of an unquoted scalar that is not text, or nil for text.
    static func coreType(_ text: String) -> String? {
        if ["true", "True", "TRUE", "false", "False", "FALSE"].contains(text) { return "a boolean" }
        if [".inf", ".Inf", ".INF", "+.inf", "-.inf", "+.Inf", "-.Inf", ".nan", ".NaN", ".NAN"].contains(text) {
            return "a number"
        }
        if text.range(of: #"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$"#, options: .regularExpression) != nil {
            return "a number"
        }
        if text.range(of: #"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil {
            return "a number"
        }
        return nil
    }

    /// A quoted value where YAML means a number or boolean: refused with the fix.
    private func quoted(_ key: String, _ text: String, at: SourcePosition, expected: String) -> Bool {
        guard let i = index(key), !plain[i] else { return false }
        reader.report(
            .fieldType, at: at,
            "`\(qualified(key))` must be \(expected), found the text \"\(text)\"",
            hint: "remove the quotes: `\(key): \(text)`")
        markInvalid(key)
        return true
    }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func index(_ key: String) -> Int? {
        for i in names.indices where names[i] == key { return i }
        return nil
    }

    /// The value node, `nil` when absent or null.
    func node(_ key: String) -> Node? {
        guard let i = index(key), !isNull[i] else { return nil }
        return values[i]
    }

    func has(_ key: String) -> Bool {
        guard let i = index(key) else { return false }
        return !isNull[i]
    }

    /// Position of a key's value, else of the key, else of this mapping.
    func position(of key: String) -> SourcePosition {
        guard let i = index(key) else { return position }
        return valuePositions[i] ?? keys[i].position ?? position
    }

    func keyPosition(of key: String) -> SourcePosition {
        guard let i = index(key) else { return position }
        return keys[i].position ?? position
    }

    @discardableResult
    func record(_ key: String) -> SourcePosition {
        let where_ = position(of: key)
        reader.positions[qualified(key)] = where_
        return where_
    }

    func markInvalid(_ key: String) { reader.invalid.insert(qualified(key)) }

    func missing(_ key: String, hint: String? = nil) {
        reader.report(.fieldRequired, at: position, "missing required field `\(qualified(key))`", hint: hint)
        markInvalid(key)
    }

    private func scalarText(_ key: String, required: Bool) -> (String, SourcePosition)? {
        guard let i = index(key), !isNull[i] else {
            if required { missing(key) }
            return nil
        }
        guard let text = texts[i] else {
            reader.report(
                .fieldType, at: valuePositions[i],
                "`\(qualified(key))` must be a scalar, found \(values[i].yamlTypeName)")
            markInvalid(key)
            return nil
        }
        return (text, valuePositions[i] ?? position)
    }

    /// The raw text of a scalar field, unchecked and unreported (for fields that take a word or a number).
    func peek(_ key: String) -> String? {
        guard let i = index(key), !isNull[i] else { return nil }
        return texts[i]
    }

    /// A scalar that is a number or a word (`batchSize: 5`, `batchSize: 20%`): its text, a number not refused as
    /// one (``string(_:required:maxLength:nonEmpty:)`` refuses an unquoted number in a text field).
    func numberOrWord(_ key: String, required: Bool = false) -> String? {
        scalarText(key, required: required)?.0
    }

    /// A text field, checked for length in characters.
    func string(_ key: String, required: Bool = false, maxLength: Int? = nil, nonEmpty: Bool = false) -> String? {
        guard let (text, at) = scalarText(key, required: required) else { return nil }
        if let i = index(key), plain[i], let type = Self.coreType(text) {
            reader.report(
                .fieldType, at: at, "`\(qualified(key))` must be text, found \(type) (`\(text)`)",
                hint: "quote it: `\(key): \"\(text)\"`")
            markInvalid(key)
            return nil
        }
        if nonEmpty && text.isEmpty {
            reader.report(.fieldLength, at: at, "`\(qualified(key))` must not be empty")
            markInvalid(key)
        } else if let maxLength, text.count > maxLength {
            reader.report(
                .fieldLength, at: at,
                "`\(qualified(key))` is \(text.count) characters long; at most \(maxLength) are allowed")
            markInvalid(key)
        }
        return text
    }

    /// An integer field inside an optional range.
    func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        guard let (text, at) = scalarText(key, required: required) else { return nil }
        if Int(text) != nil, quoted(key, text, at: at, expected: "an integer") { return nil }
        guard let value = Int(text) else {
            reader.report(.fieldType, at: at, "`\(qualified(key))` must be an integer, found `\(text)`")
            markInvalid(key)
            return nil
        }
        if let range, !range.contains(value) {
            reader.report(
                .fieldRange, at: at,
                "`\(qualified(key))` is \(value); allowed \(range.lowerBound)–\(range.upperBound)")
            markInvalid(key)
            return nil
        }
        return value
    }

    /// An integer or the word `any` (→ `.some(nil)`); absent → `nil`.
    func intOrAny(_ key: String, required: Bool = false, range: ClosedRange<Int>) -> Int?? {
        guard let (text, at) = scalarText(key, required: required) else { return nil }
        if text == "any" { return .some(nil) }
        guard let value = Int(text) else {
            reader.report(
                .fieldType, at: at, "`\(qualified(key))` must be `any` or an integer, found `\(text)`")
            markInvalid(key)
            return nil
        }
        guard range.contains(value) else {
            reader.report(
                .fieldRange, at: at,
                "`\(qualified(key))` is \(value); allowed any or \(range.lowerBound)–\(range.upperBound)")
            markInvalid(key)
            return nil
        }
        return .some(value)
    }

    /// An integer out of a fixed set (DH groups …).
    func int(_ key: String, oneOf allowed: [Int]) -> Int? {
        guard let (text, at) = scalarText(key, required: false) else { return nil }
        if Int(text) != nil, quoted(key, text, at: at, expected: "an integer") { return nil }
        guard let value = Int(text), allowed.contains(value) else {
            reader.report(
                .fieldEnum, at: at,
                "`\(qualified(key))` is `\(text)`; allowed: " + allowed.map(String.init).joined(separator: ", "))
            markInvalid(key)
            return nil
        }
        return value
    }

    func bool(_ key: String) -> Bool? {
        guard let (text, at) = scalarText(key, required: false) else { return nil }
        if Self.coreType(text) == "a boolean", quoted(key, text, at: at, expected: "true or false") { return nil }
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default:
            reader.report(.fieldType, at: at, "`\(qualified(key))` must be true or false, found `\(text)`")
            markInvalid(key)
            return nil
        }
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = false) -> E?
    where E.RawValue == String {
        guard let (text, at) = scalarText(key, required: required) else { return nil }
        if let value = E(rawValue: text) { return value }
        let allowed = E.allCases.map(\.rawValue)
        let suggestion = Suggest.closest(to: text, in: allowed)
        reader.report(
            .fieldEnum, at: at,
            "`\(qualified(key))` is `\(text)`; allowed: " + allowed.joined(separator: ", ")
                + (suggestion.map { " (did you mean `\($0)`?)" } ?? ""))
        markInvalid(key)
        return nil
    }

    func mapping(_ key: String, allowed: [String], required: Bool = false) -> Fields? {
        guard let value = node(key) else {
            if required { missing(key) }
            return nil
        }
        let fields = Fields(value, path: qualified(key), allowed: allowed, reader: reader)
        if fields == nil { markInvalid(key) }
        return fields
    }

    /// A list field; `nil` when absent or not a list (reported).
    func sequence(_ key: String, required: Bool = false) -> [Node]? {
        guard let value = node(key) else {
            if required { missing(key) }
            return nil
        }
        guard case .sequence(let sequence) = value else {
            reader.report(
                .fieldType, at: value.position, "`\(qualified(key))` must be a list, found \(value.yamlTypeName)")
            markInvalid(key)
            return nil
        }
        return Array(sequence)
    }

    /// A secret reference `{env: CMS_<TENANT>_NAME}` or `{file: relative/name}` (``SecretNamespace``); a plain string is `secret.plain-text`.
    func secret(_ key: String, required: Bool = false) -> SecretRef? {
        guard let value = node(key) else {
            if required { missing(key) }
            return nil
        }
        let at = value.position ?? position
        guard case .mapping = value else {
            // Never echo the value: it is a secret that is now in git.
            reader.report(.secretPlainText, at: at, "`\(qualified(key))` holds a plain-text secret")
            markInvalid(key)
            return nil
        }
        guard let ref = Fields(value, path: qualified(key), allowed: ["env", "file"], reader: reader) else {
            return nil
        }
        let env = ref.string("env")
        let file = ref.string("file")
        switch (env, file) {
        case (let name?, nil):
            guard SecretRefFormat.isEnvironmentName(name) else {
                reader.report(
                    .secretReference, at: ref.position(of: "env"),
                    "`\(qualified(key)).env` must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)")
                return nil
            }
            // The `CMS_<TENANT>_` prefix needs the tenant code: checked across documents (CrossChecker).
            ref.record("env")
            return .env(name)
        case (nil, let path?):
            guard SecretNamespace.isRelativeName(path) else {
                reader.report(
                    .secretNamespace, at: ref.position(of: "file"),
                    "`\(qualified(key)).file` must name a file of the tenant's secrets folder "
                        + "(<data>/tenants/<code>/secrets/): a relative path without `..`, found `\(path)`",
                    hint: "write e.g. {file: crp-secret} and ask the operator to place the file there")
                return nil
            }
            return .file(path)
        default:
            reader.report(
                .secretReference, at: at, "`\(qualified(key))` must hold exactly one of `env` or `file`",
                hint: "e.g. {env: CMS_<TENANT>_SMTP_PASSWORD}")
            return nil
        }
    }
}

/// Checks of secret references.
enum SecretRefFormat {
    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || Chars.isASCIILetter(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || Chars.isASCIILetter($0) || Chars.isDigit($0) }
    }
}
