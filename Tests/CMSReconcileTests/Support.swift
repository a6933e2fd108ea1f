import CMSModel
import CMSReconcile

let addressA = ControlAddress(host: "127.0.0.1", port: 22)
let addressB = ControlAddress(host: "127.0.0.2", port: 830)
let keyK = "SHA256:pinnedKeyK"
let keyX = "SHA256:impostorX"
let goodIdentity = DeviceIdentity(cpeID: "nxr01", serial: "12345678901", product: "NXR-230", firmwareVersion: "21.7.1")

/// One input to the lifecycle, as a value so tables can name it.
enum Input: CustomStringConvertible, Sendable {
    case crp(ControlAddress)
    /// A CRP announcement that was not authenticated (unsigned, or the tenant has no secret).
    case unsignedCRP(ControlAddress)
    case connectOK(String)
    case hostKeyMismatch(String)
    case identified(DeviceIdentity)
    case connectFailed
    case dropped
    case opStart
    case opEnd
    case reboot(RebootKind)
    case suspend
    case resume
    case delete
    /// Fires the currently pending timer.
    case fireTimer
    /// Fires a timer the lifecycle never scheduled.
    case fireStaleTimer

    var description: String {
        switch self {
        case .crp(let a): "crp \(a)"
        case .unsignedCRP(let a): "unsignedCRP \(a)"
        case .connectOK(let k): "connectSucceeded \(k)"
        case .hostKeyMismatch(let k): "hostKeyMismatch \(k)"
        case .identified(let i): "identified cpe=\(i.cpeID ?? "-") product=\(i.product)"
        case .connectFailed: "connectFailed"
        case .dropped: "sessionDropped"
        case .opStart: "operationStarted"
        case .opEnd: "operationFinished"
        case .reboot(let k): "rebootOrdered \(k.rawValue)"
        case .suspend: "suspend"
        case .resume: "resume"
        case .delete: "deleted"
        case .fireTimer: "timerFired (pending)"
        case .fireStaleTimer: "timerFired (stale)"
        }
    }

    func apply(to machine: inout DeviceLifecycle, jitter: Double = 0) -> [LifecycleAction] {
        switch self {
        case .crp(let a): machine.crpReceived(a)
        case .unsignedCRP(let a): machine.crpReceived(a, authenticated: false)
        case .connectOK(let k): machine.connectSucceeded(hostKey: k)
        case .hostKeyMismatch(let k): machine.hostKeyMismatch(presented: k)
        case .identified(let i): machine.identified(i, jitter: jitter)
        case .connectFailed: machine.connectFailed(error: "connection refused", jitter: jitter)
        case .dropped: machine.sessionDropped(reason: "EOF", jitter: jitter)
        case .opStart: machine.operationStarted()
        case .opEnd: machine.operationFinished()
        case .reboot(let k): machine.rebootOrdered(k)
        case .suspend: machine.suspend()
        case .resume: machine.resume()
        case .delete: machine.deleted()
        case .fireTimer:
            machine.timerFired(machine.pendingTimer ?? LifecycleTimer(kind: .retry, generation: 999), jitter: jitter)
        case .fireStaleTimer: machine.timerFired(LifecycleTimer(kind: .retry, generation: 999), jitter: jitter)
        }
    }
}

/// Starting points of the transition table: a state reached by real inputs from a new lifecycle.
enum Start: String, CaseIterable, Sendable {
    case awaitingAddress, identifyingConnecting, identifyingReading, connected, communicating, rebooting
    case disconnected, suspended

    func make(pinned: String? = nil) -> DeviceLifecycle {
        var machine = DeviceLifecycle(
            expectation: DeviceExpectation(code: "nxr01", product: .nxr230, hostKey: pinned),
            suspended: self == .suspended)
        let path: [Input] =
            switch self {
            case .awaitingAddress, .suspended: []
            case .identifyingConnecting: [.crp(addressA)]
            case .identifyingReading: [.crp(addressA), .connectOK(keyK)]
            case .connected: [.crp(addressA), .connectOK(keyK), .identified(goodIdentity)]
            case .communicating: [.crp(addressA), .connectOK(keyK), .identified(goodIdentity), .opStart]
            case .rebooting: [.crp(addressA), .connectOK(keyK), .identified(goodIdentity), .reboot(.reboot)]
            case .disconnected: [.crp(addressA), .connectFailed]
            }
        for input in path { _ = input.apply(to: &machine) }
        return machine
    }
}

/// Actions as short text, timers by kind only (generations are an implementation detail).
func describe(_ actions: [LifecycleAction]) -> [String] {
    actions.map { action in
        switch action {
        case .connect(let address): "connect \(address)"
        case .startIdentification: "identify"
        case .closeSession: "close"
        case .checkSession: "check-session"
        case .scheduleTimer(let timer, let delay): "schedule \(timer.kind.rawValue) \(delay)"
        case .cancelTimer(let timer): "cancel \(timer.kind.rawValue)"
        case .pinHostKey(let key): "pin \(key)"
        case .recordSerial(let serial): "serial \(serial)"
        case .dropCachedInfo: "drop-cache"
        case .emit(let type, _): "emit \(type.rawValue)"
        case .ignored(let reason): "ignored \(reason.rawValue)"
        }
    }
}
