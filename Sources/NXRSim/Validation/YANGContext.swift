import CLibYang
import Foundation
import Synchronization

/// One libyang context with the NXR module compiled in, owned by this type alone.
///
/// Why a type of its own: a libyang context is a C handle that must be freed once, and it is not safe for
/// concurrent parsing (its dictionary and its error list are shared), so every use goes through one lock.
/// Compiling the module costs milliseconds, so a process makes one context (``YANGValidator/shared``) and every
/// simulated device shares it; a parse holds the lock for tens of microseconds.
final class YANGContext: Sendable {
    /// One libyang error, copied out of the context before the lock is released.
    struct Failure: Sendable, Equatable {
        /// `LY_VECODE` (e.g. `LYVE_REFERENCE` for an unknown node, `LYVE_DATA` for a bad value).
        var code: LY_VECODE
        var message: String
        /// The data path of the node at fault (`/nxr:interfaces/interface[name='ethernet0']/mtu`, libyang's
        /// form: a prefix where the module changes), nil when libyang names only a line.
        var path: String?
        var appTag: String? = nil
    }

    /// How much of the YANG rules to apply.
    enum Depth {
        /// Elements known and values well-typed; a partial tree is fine (an edit).
        case parseOnly
        /// Everything: mandatory nodes, leafrefs, `must`, `unique` (a whole datastore).
        case full
    }

    /// The raw context; only touched with the lock held.
    private struct Handle: ~Copyable {
        let pointer: OpaquePointer
        deinit { ly_ctx_destroy(self.pointer) }
    }

    private let handle: Mutex<Handle>

    /// Compiles `module` (YANG text) in a new context; the context's built-in modules provide ietf-inet-types and
    /// ietf-yang-types. Throws libyang's message when the module does not compile.
    init(module: String) throws(YANGContextError) {
        // Errors are kept for ly_err_first, never printed on stderr (the simulator's logs stay its own).
        ly_log_options(UInt32(LY_LOSTORE))
        var context: OpaquePointer?
        guard ly_ctx_new(nil, UInt16(LY_CTX_NO_YANGLIBRARY), &context) == LY_SUCCESS, let context else {
            throw YANGContextError(message: "libyang could not make a context")
        }
        var parsed: UnsafeMutablePointer<lys_module>?
        let status = lys_parse_mem(context, module, LYS_IN_YANG, &parsed)
        guard status == LY_SUCCESS else {
            let message = ly_errmsg(context).map { String(cString: $0) } ?? "error \(status.rawValue)"
            ly_ctx_destroy(context)
            throw YANGContextError(message: "the NXR YANG module does not compile: \(message)")
        }
        self.handle = Mutex(Handle(pointer: context))
    }

    /// Parses (and for ``Depth/full`` validates) XML configuration data; returns libyang's errors, none when valid.
    func check(xml: [UInt8], depth: Depth) -> [Failure] {
        var bytes = xml
        bytes.append(0)
        let parseOptions: UInt32 =
            switch depth {
            case .parseOnly: UInt32(LYD_PARSE_ONLY | LYD_PARSE_STRICT | LYD_PARSE_NO_STATE)
            case .full: UInt32(LYD_PARSE_STRICT | LYD_PARSE_NO_STATE)
            }
        let validateOptions: UInt32 = depth == .full ? UInt32(LYD_VALIDATE_NO_STATE) : 0
        return self.handle.withLock { handle in
            var tree: UnsafeMutablePointer<lyd_node>?
            let status = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) {
                    lyd_parse_data_mem(handle.pointer, $0.baseAddress, LYD_XML, parseOptions, validateOptions, &tree)
                }
            }
            defer {
                lyd_free_all(tree)
                ly_err_clean(handle.pointer, nil)
            }
            guard status != LY_SUCCESS else { return [] }
            var failures: [Failure] = []
            var item = ly_err_first(handle.pointer)
            while let current = item {
                failures.append(
                    Failure(
                        code: current.pointee.vecode,
                        message: current.pointee.msg.map { String(cString: $0) } ?? "libyang error \(status.rawValue)",
                        path: current.pointee.path.flatMap { Self.dataPath(String(cString: $0), handle.pointer) },
                        appTag: current.pointee.apptag.map { String(cString: $0) }))
                item = current.pointee.next
            }
            if failures.isEmpty {
                failures.append(Failure(code: LYVE_OTHER, message: "libyang error \(status.rawValue)", path: nil))
            }
            return failures
        }
    }

    /// The path inside libyang's location text: `Data location "/nxr:…", line number 1.` gives the data path;
    /// `Schema location "/nxr:…/method/static/…".` (a mandatory node) gives the schema node's data path, without
    /// the `choice`/`case` steps that are not in the data; `Line number 1.` gives nil.
    private static func dataPath(_ location: String, _ context: OpaquePointer) -> String? {
        let parts = location.split(separator: "\"", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let path = String(parts[1])
        guard location.hasPrefix("Schema location"), let node = Self.schemaNode(path, context),
            let data = lysc_path(node, LYSC_PATH_DATA, nil, 0)
        else { return path }
        defer { free(data) }
        return String(cString: data)
    }

    /// The schema node of a schema path whose steps may name `choice` and `case` nodes
    /// (`/nxr:interfaces/interface/ipv4/method/static/address`), which `lys_find_path` does not accept.
    private static func schemaNode(_ path: String, _ context: OpaquePointer) -> UnsafePointer<lysc_node>? {
        var module: UnsafeMutablePointer<lys_module>?
        var node: UnsafePointer<lysc_node>?
        for step in path.split(separator: "/") {
            var name = Substring(step)
            if let colon = step.firstIndex(of: ":") {
                module = ly_ctx_get_module_implemented(context, String(step[..<colon]))
                name = step[step.index(after: colon)...]
            }
            guard let current = module,
                let found = lys_find_child(
                    node, current, String(name), 0, 0, UInt32(LYS_GETNEXT_WITHCHOICE | LYS_GETNEXT_WITHCASE))
            else { return nil }
            node = found
        }
        return node
    }
}

/// The NXR module could not be compiled (a broken module or an incompatible libyang).
struct YANGContextError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { self.message }
}
