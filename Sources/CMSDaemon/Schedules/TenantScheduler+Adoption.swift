import CMSModel
import CMSReconcile
import Foundation

extension TenantScheduler {
    /// What an adopted revision changes around the schedules besides the schedules themselves: the files flagged
    /// `schedule` per device (`schedule-config.selected` / `.deselected`, against the map stored with the ledger, so
    /// a change made while `cmsd` was down is reported once), and firmware schedules whose image has left the image
    /// store (`schedule.changed-firmware-deleted`, once per schedule and image in this process; when due such a
    /// schedule is `schedule.firmware-not-registered` and touches no device).
    func adoptAround(_ revision: Revision, snapshot: TenantSnapshot) async {
        let next = ScheduleConfigSelection.map(of: snapshot)
        do {
            let previous = try await ledger.scheduleConfigs(tenant: tenant)
            let changes = ScheduleConfigSelection.changes(from: previous, to: next)
            if previous != next { try await ledger.saveScheduleConfigs(tenant: tenant, next) }
            await append(
                changes.map { change in
                    switch change {
                    case .selected(let device, let file):
                        Event(
                            time: now(), tenant: tenant, type: .scheduleConfigSelected, device: device,
                            user: revision.user, revision: revision.commit, details: ["file": file])
                    case .deselected(let device, let file):
                        Event(
                            time: now(), tenant: tenant, type: .scheduleConfigDeselected, device: device,
                            user: revision.user, revision: revision.commit, details: ["file": file])
                    }
                })
        } catch {
            logger.error("schedule-config selection not stored", metadata: ["error": "\(error)"])
        }
        guard let engine = await controller.firmwareEngine else { return }
        var gone: [Event] = []
        for schedule in snapshot.schedules where schedule.command.usesFirmware {
            guard let name = schedule.firmware, let image = snapshot.firmware.first(where: { $0.name == name }),
                image.source == .store
            else { continue }
            let key = "\(schedule.name)|\(image.sha256)"
            if await engine.store.image(sha256: image.sha256) == nil {
                if firmwareGone.insert(key).inserted {
                    gone.append(
                        event(
                            .scheduleChangedFirmwareDeleted, schedule.name, revision: revision,
                            details: [
                                "image": name,
                                "reason": "image \(name) (sha256 \(image.sha256.prefix(12))…) is not in the image store; "
                                    + "the schedule has no firmware until it is added again (`cms firmware add`)",
                            ]))
                }
            } else {
                firmwareGone.remove(key)
            }
        }
        await append(gone)
    }
}
