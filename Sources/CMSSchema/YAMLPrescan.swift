import CMSModel
import CYaml

/// A pass over a YAML file's events (libyaml, no nodes built) that enforces ``InputLimits`` before Yams composes
/// the file.
///
/// Yams resolves an alias by copying the anchored node, and hashes every mapping key for its duplicate check: an
/// alias bomb used as a key (ten levels of ten aliases) makes that hash walk 10^10 nodes. Counting here costs one
/// scan and no allocation per node; a file over a cap is never composed.
enum YAMLPrescan {
    /// The first cap a file exceeds: which one, where, and the message of its `yaml.limit` finding.
    struct Violation: Equatable {
        let position: SourcePosition
        let message: String
        let hint: String
    }

    /// The first violation in `text`, or nil when the file is within the caps (or is not valid YAML: Yams then
    /// reports the syntax error itself). `expired` is polled every few thousand events: a lint past its time budget
    /// stops here.
    static func check(_ text: String, limits: InputLimits, expired: () -> Bool = { false }) -> Violation? {
        var text = text
        return text.withUTF8 { buffer in scan(buffer, limits: limits, expired: expired) }
    }

    private struct Frame {
        var size: Int
        let anchor: String?
    }

    private static func scan(_ buffer: UnsafeBufferPointer<UInt8>, limits: InputLimits, expired: () -> Bool)
        -> Violation?
    {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        var anchors: [String: Int] = [:]
        var stack: [Frame] = []
        var aliases = 0
        var expanded = 0
        var events = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            events += 1
            if events & 4095 == 0, expired() {
                return Violation(
                    position: position(event.start_mark),
                    message: "lint stopped here: the revision's lint took longer than its time budget of "
                        + "\(seconds(limits.lintSeconds)) s",
                    hint: "split large files or remove what makes them slow to read; the budget protects cmsd")
            }
            var size = 0
            var anchor: String?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_DOCUMENT_START_EVENT:
                anchors = [:]  // anchors are per document
                continue
            case YAML_SCALAR_EVENT:
                size = 1
                anchor = string(event.data.scalar.anchor)
            case YAML_ALIAS_EVENT:
                aliases += 1
                if aliases > limits.maxAliases {
                    return Violation(
                        position: position(event.start_mark),
                        message: "the file uses more than \(limits.maxAliases) YAML aliases (cap maxAliases)",
                        hint: "write the values out instead of `*alias` references, or split the file")
                }
                size = string(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let name =
                    event.type == YAML_SEQUENCE_START_EVENT
                    ? string(event.data.sequence_start.anchor) : string(event.data.mapping_start.anchor)
                stack.append(Frame(size: 1, anchor: name))
                expanded += 1
                if stack.count > limits.maxDepth {
                    return Violation(
                        position: position(event.start_mark),
                        message: "the file nests collections more than \(limits.maxDepth) levels deep (cap maxDepth)",
                        hint: "tenant documents need a few levels; flatten the structure")
                }
                continue
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { continue }
                if let name = frame.anchor { anchors[name] = frame.size }
                if !stack.isEmpty { stack[stack.count - 1].size += frame.size }
                continue
            default:
                continue
            }
            if let anchor { anchors[anchor] = size }
            if !stack.isEmpty { stack[stack.count - 1].size += size }
            expanded += size
            if expanded > limits.maxExpandedNodes {
                return Violation(
                    position: position(event.start_mark),
                    message: "the file expands to more than \(limits.maxExpandedNodes) YAML nodes once its aliases "
                        + "are resolved (cap maxExpandedNodes): an alias bomb or a file too large to check",
                    hint: "remove nested `*alias` references to collections, or split the file")
            }
        }
    }

    private static func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
