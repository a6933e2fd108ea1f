import CMSReconcile
import NETCONF
import NETCONFClient

/// Sorts what went wrong on the wire into what the reconcile loop should do next (DESIGN §3):
/// `<rpc-error>` by its tag, a lost or unavailable session = wait for the device, a slow RPC = retry.
enum ErrorClassifier {
    static func classify(_ error: any Error) -> (ErrorClass, String) {
        switch error {
        case let rpc as RPCError:
            let text = [rpc.tag, rpc.message, rpc.path.map { "at \($0)" }].compactMap { $0 }.joined(separator: ": ")
            return (ErrorClass.forRPCError(tag: rpc.tag), "rpc-error \(text)")
        case let client as NETCONFClientError:
            switch client.code {
            case .rpcTimeout: return (.retry, client.description)
            case .cancelled: return (.retry, client.description)
            default: return (.wait, client.description)
            }
        case let unavailable as DeviceUnavailable:
            return (.wait, unavailable.description)
        default:
            return (.retry, "\(error)")
        }
    }
}
