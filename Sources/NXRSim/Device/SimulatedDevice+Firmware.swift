import Foundation
import NETCONF

extension SimulatedDevice {
    func firmwareUpdate(_ operation: XMLElement, session: UInt32, messageID: String?, attributes: [XMLAttribute]) {
        self.reply(session, Reply.errors(
            messageID: messageID, [ServerError.operationNotSupported("firmware-update (not simulated yet)")],
            attributes: attributes))
    }
}
