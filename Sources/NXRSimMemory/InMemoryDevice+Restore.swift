import Foundation
import NETCONF
import NXRSim

extension InMemoryDevice {
    /// The reply to a `config-restore` RPC with inline XML content (as `nxr-sim` answers it: the file is validated
    /// against the model, becomes the running config — and the startup config unless `save` is false — and the device
    /// reboots after its reply), or nil for other RPCs. Other formats and `url` sources need the full simulator.
    func restoreReply(messageID: String?, attributes: [XMLAttribute], operation: XMLElement) -> [UInt8]? {
        guard operation.name == "config-restore" else { return nil }
        func fail(_ message: String) -> [UInt8] {
            Reply.errors(messageID: messageID, [ServerError.invalidValue(message)], attributes: attributes)
        }
        let format = operation.child("format")?.text.trimmingCharacters(in: .whitespacesAndNewlines) ?? "xml"
        guard format == "xml", operation.child("url") == nil else {
            return Reply.errors(
                messageID: messageID,
                [RPCError.operationNotSupported("config-restore of \(format) or from a url (not simulated in memory)")],
                attributes: attributes)
        }
        guard let encoded = operation.child("content")?.text.trimmingCharacters(in: .whitespacesAndNewlines),
            let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters)
        else { return fail("config-restore content is missing or not base64") }
        let root: XMLElement
        do {
            root = try XML.parse(Array(decoded))
        } catch {
            return fail("the restored config is not XML: \(error)")
        }
        guard root.name == "data" || root.name == "config" else {
            return fail("the restored config's root must be <data> or <config>, not <\(root.name)>")
        }
        var data = ConfigTree.emptyRoot()
        data.children = root.elements.map { .element($0) }
        if let error = engine.configuration.validator.validate(datastore: data).first {
            return Reply.errors(messageID: messageID, [error], attributes: attributes)
        }
        let save = operation.child("save")?.text.trimmingCharacters(in: .whitespaces) != "false"
        _ = engine.replaceRunning(data, now: now())
        if save { _ = engine.replaceStartup(data) }
        restores += 1
        rebootRequested = true
        let ns = SimModel.namespace
        return Reply.body(
            messageID: messageID,
            [XMLElement("transfer", namespace: ns, text: "done"), XMLElement("rebooting", namespace: ns, text: "true")],
            attributes: attributes)
    }
}
