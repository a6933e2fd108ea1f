import CMSAPI
import CMSModel
import Foundation
import Hummingbird

extension Dashboard {
    /// The read-only page of the later issues' capabilities, each from its own control protocol (schedules,
    /// firmware rollouts, mail queue); a part the control plane does not offer is left out.
    func operationsPage(_ request: Request, _ session: DashboardSession) async throws -> Response {
        var values: [String: Any] = [:]
        if let control = controlPlane as? any ScheduleControl {
            let list = try await control.schedules(session.tenant, next: 1)
            values["schedules"] = list.schedules.map { item in
                [
                    "name": item.name, "command": item.command, "target": item.target, "when": item.when,
                    "next": item.next.first?.local ?? "—", "lastFire": item.lastFire ?? "—",
                    "carriedOut": item.carriedOut, "reason": item.reason ?? "",
                ] as [String: Any]
            }
            values["hasSchedules"] = true
        }
        if let control = controlPlane as? any FirmwareControl {
            let list = try await control.rollouts(session.tenant)
            values["rollouts"] = list.rollouts.map { rollout in
                [
                    "id": rollout.id, "version": rollout.version, "mode": rollout.mode, "phase": rollout.phase,
                    "batch": "\(rollout.currentBatch + 1) / \(rollout.batches.count)",
                    "counts": rollout.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                        .joined(separator: ", "),
                    "created": rollout.created.iso8601, "user": rollout.user ?? "",
                ] as [String: Any]
            }
            values["window"] = list.windowOpen ? "open" : (list.nextWindow ?? "closed")
            values["hasRollouts"] = true
        }
        if let control = controlPlane as? any MailControl {
            let queue = try await control.mailQueue(session.tenant)
            values["mail"] = [
                "configured": queue.configured, "monitored": queue.monitored, "batched": queue.batchedEvents,
                "pending": queue.pending.map { Self.mailRow($0) }, "recent": queue.recent.map { Self.mailRow($0) },
            ] as [String: Any]
        }
        return await render("operations", request, session, active: "operations", values)
    }

    static func mailRow(_ entry: MailQueueStatus.Entry) -> [String: Any] {
        [
            "subject": entry.subject, "recipients": entry.recipients, "events": entry.events,
            "created": entry.created.iso8601, "attempts": entry.attempts, "sent": entry.sent?.iso8601 ?? "—",
            "lastError": entry.lastError ?? "",
        ]
    }
}
