import CMSModel
import CMSReconcile

/// One tenant's reconcile counters (for `/metrics`).
public struct TenantMetrics: Sendable, Hashable {
    public static let bounds: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    public var reconciles: [String: Int] = [:]
    public var errors: [String: Int] = [:]
    public var durationCounts: [Int] = Array(repeating: 0, count: TenantMetrics.bounds.count)
    public var durationSum: Double = 0
    public var durationCount = 0
    public var fetchErrors = 0

    public init() {}

    mutating func record(_ result: DeviceRunResult) {
        reconciles[result.record.outcome.rawValue, default: 0] += 1
        if let errorClass = result.errorClass { errors[errorClass.rawValue, default: 0] += 1 }
        let elapsed = (result.record.finished - result.record.started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        durationSum += seconds
        durationCount += 1
        for (index, bound) in Self.bounds.enumerated() where seconds <= bound { durationCounts[index] += 1 }
    }
}
