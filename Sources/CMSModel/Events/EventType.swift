/// Every kind of event the CMS records: the original product's catalogue (SPEC §9, guide §5.4) plus
/// the GitOps events. The raw value is the stable machine id stored in the event log and shown in
/// APIs and CSV files; it never changes once released (a golden file in the tests enforces this).
public enum EventType: String, Sendable, Hashable, Codable, CaseIterable {
    // ── Device connection and identity ──
    case deviceConnectSucceeded = "device.connect.succeeded"
    case deviceConnectFailed = "device.connect.failed"
    case deviceDisconnected = "device.disconnected"
    case deviceAdded = "device.added"
    case deviceDeleted = "device.deleted"
    case deviceInterfacesChanged = "device.interfaces.changed"
    case deviceSerialRegistered = "device.serial.registered"
    case deviceSerialChanged = "device.serial.changed"
    case deviceProductMismatch = "device.product-mismatch"
    case deviceIdentifyTimedOut = "device.identify.timed-out"
    case deviceCommunicationError = "device.communication-error"
    case deviceCodeMismatch = "device.code-mismatch"
    case deviceSuspended = "device.suspended"
    case deviceResumed = "device.resumed"
    case deviceRebootStarted = "device.reboot.started"
    case deviceRequestWaitTimedOut = "device.request.wait-timed-out"
    case deviceRequestFailed = "device.request.failed"
    case deviceHostKeyPinned = "device.host-key.pinned"
    case deviceHostKeyMismatch = "device.host-key.mismatch"
    case deviceExecSucceeded = "device.exec.succeeded"
    case deviceExecFailed = "device.exec.failed"

    // ── CRP ──
    case crpAddressNotified = "crp.address-notified"
    case crpUnregisteredDevice = "crp.unregistered-device"
    case crpAddressDuplicate = "crp.address-duplicate"

    // ── Config files ──
    case configFileRegistered = "config.file.registered"
    case configFileDeleted = "config.file.deleted"
    case configBackupStarted = "config.backup.started"
    case configBackupSucceeded = "config.backup.succeeded"
    case configBackupFailed = "config.backup.failed"
    case configRestoreStarted = "config.restore.started"
    case configRestoreSucceeded = "config.restore.succeeded"
    case configRestoreFailed = "config.restore.failed"

    // ── Auto-Config / Schedule-Config ──
    case autoConfigStarted = "auto-config.started"
    case autoConfigSaveStarted = "auto-config.save.started"
    case autoConfigNotRegistered = "auto-config.not-registered"
    case autoConfigSelected = "auto-config.selected"
    case autoConfigSaveSelected = "auto-config.save.selected"
    case autoConfigDeselected = "auto-config.deselected"
    case autoConfigSaveDeselected = "auto-config.save.deselected"
    case autoConfigFailed = "auto-config.failed"
    case scheduleConfigSelected = "schedule-config.selected"
    case scheduleConfigDeselected = "schedule-config.deselected"
    case scheduleConfigNotRegistered = "schedule-config.not-registered"

    // ── Firmware ──
    case firmwareUpdateStarted = "firmware.update.started"
    case firmwareUpdateNoRebootStarted = "firmware.update.no-reboot.started"
    case firmwareUpdateBackgroundStarted = "firmware.update.background.started"
    case firmwareTransferSucceeded = "firmware.transfer.succeeded"
    case firmwareTransferFailed = "firmware.transfer.failed"
    case firmwareTransferSkippedSameVersion = "firmware.transfer.skipped-same-version"
    case firmwareImageRegistered = "firmware.image.registered"
    case firmwareImageDeleted = "firmware.image.deleted"
    /// The device came back on the desired version (issue 11).
    case firmwareUpdateSucceeded = "firmware.update.succeeded"
    /// The device did not come back on the desired version in time, or its version is unknown (issue 11).
    case firmwareUpdateFailed = "firmware.update.failed"
    /// The image is for another product: the device is not updated (SPEC §5).
    case firmwareUpdateNotUpdated = "firmware.update.not-updated"
    /// Progressive rollouts (issue 11): start, each batch done, stopped over the failure threshold, resumed, finished.
    case firmwareRolloutStarted = "firmware.rollout.started"
    case firmwareRolloutBatchDone = "firmware.rollout.batch-done"
    case firmwareRolloutStalled = "firmware.rollout.stalled"
    case firmwareRolloutResumed = "firmware.rollout.resumed"
    case firmwareRolloutFinished = "firmware.rollout.finished"

    // ── Syslog ──
    case syslogFetchSucceeded = "syslog.fetch.succeeded"
    case syslogFetchFailed = "syslog.fetch.failed"

    // ── Groups ──
    case groupAdded = "group.added"
    case groupDeleted = "group.deleted"
    case groupMemberJoined = "group.member.joined"
    case groupMemberLeft = "group.member.left"

    // ── IPsec ──
    case ipsecWarning = "ipsec.warning"
    case ipsecDeleteStarted = "ipsec.delete.started"
    case ipsecDeleteSucceeded = "ipsec.delete.succeeded"
    case ipsecAddStarted = "ipsec.add.started"
    case ipsecAddSucceeded = "ipsec.add.succeeded"
    case ipsecChangeStarted = "ipsec.change.started"
    case ipsecChangeSucceeded = "ipsec.change.succeeded"

    // ── Users ──
    case userLogin = "user.login"
    case userLogout = "user.logout"
    case userLogoutRequested = "user.logout-requested"
    case userIdleLogout = "user.idle-logout"

    // ── Tenant data ──
    case tenantBackupStarted = "tenant.backup.started"
    case tenantBackupSucceeded = "tenant.backup.succeeded"
    case tenantBackupFailed = "tenant.backup.failed"
    case tenantRestoreStarted = "tenant.restore.started"
    case tenantRestoreSucceeded = "tenant.restore.succeeded"
    case tenantRestoreFailed = "tenant.restore.failed"
    case tenantImportStarted = "tenant.import.started"
    case tenantImportSucceeded = "tenant.import.succeeded"
    case tenantImportFailed = "tenant.import.failed"

    // ── System ──
    case systemStarted = "system.started"
    case systemStopped = "system.stopped"
    case systemDiskFailed = "system.disk.failed"
    case systemDiskRecovered = "system.disk.recovered"

    // ── NETCONF errors ──
    case netconfErrorGetStatus = "netconf.error.get-status"
    case netconfErrorGetConfig = "netconf.error.get-config"
    case netconfErrorEditConfig = "netconf.error.edit-config"
    case netconfErrorCopyConfig = "netconf.error.copy-config"

    // ── Mail ──
    case mailSent = "mail.sent"
    case mailFailed = "mail.failed"

    // ── Schedules ──
    case scheduleAdded = "schedule.added"
    case scheduleDeleted = "schedule.deleted"
    case scheduleChanged = "schedule.changed"
    case scheduleChangedFirmwareDeleted = "schedule.changed.firmware-deleted"
    case scheduleFired = "schedule.fired"
    case scheduleConfigRestorePreparing = "schedule.config-restore.preparing"
    case scheduleConfigRestoreAllStarted = "schedule.config-restore.all-started"
    case scheduleFirmwareUpdatePreparing = "schedule.firmware-update.preparing"
    case scheduleFirmwareUpdateAllStarted = "schedule.firmware-update.all-started"
    case scheduleRebootPreparing = "schedule.reboot.preparing"
    case scheduleRebootAllStarted = "schedule.reboot.all-started"
    case scheduleSyslogFetchPreparing = "schedule.syslog-fetch.preparing"
    case scheduleSyslogFetchAllStarted = "schedule.syslog-fetch.all-started"
    case scheduleAutoConfigRebootPreparing = "schedule.auto-config-reboot.preparing"
    case scheduleAutoConfigRebootAllStarted = "schedule.auto-config-reboot.all-started"
    case scheduleFirmwareNotRegistered = "schedule.firmware.not-registered"
    case scheduleFirmwareVersionUnknown = "schedule.firmware.version-unknown"
    case scheduleAborted = "schedule.aborted"

    // ── GitOps ──
    case gitRevisionFetched = "gitops.revision.fetched"
    case gitFetchFailed = "gitops.fetch.failed"
    case gitLintFailed = "gitops.lint.failed"
    case gitPlanComputed = "gitops.plan.computed"
    case gitDriftDetected = "gitops.drift.detected"
    case gitApplyStarted = "gitops.apply.started"
    case gitApplySucceeded = "gitops.apply.succeeded"
    case gitApplyFailed = "gitops.apply.failed"
    /// `cmsd` stopped (crash, `kill -9`, power loss) between an apply's start and its outcome; recorded at the next start.
    case gitApplyInterrupted = "gitops.apply.interrupted"
    /// A revision declares kinds `cms-lint` accepts but `cmsd` does not carry out yet (firmware, schedules, …):
    /// said once per adopted revision, so nothing the linter accepts is ignored silently.
    case gitNotCarriedOut = "gitops.not-carried-out"
    case gitPruneRefused = "gitops.prune.refused"
    case gitDeviceLimitExceeded = "gitops.device-limit.exceeded"
    /// A signed push webhook was accepted (issue 17): a push to the tenant's branch starts a refresh, others are
    /// ignored; the details say which.
    case gitWebhookReceived = "gitops.webhook.received"
    /// A webhook delivery was refused: no signature, a wrong one, too large, or the secret cannot be read.
    case gitWebhookRejected = "gitops.webhook.rejected"
    /// A user (an API token's name, on the API or the dashboard) asked to fetch the repository now; the details say
    /// what came of it (a new revision, nothing new, or the fetch error).
    case gitRefreshRequested = "gitops.refresh.requested"

    /// Severity of events of this type.
    public var severity: EventSeverity { descriptor.severity }
    /// Area of events of this type.
    public var category: EventCategory { descriptor.category }
    /// English message template with `{placeholder}`s.
    public var template: String { descriptor.template }
    /// The original product's event name (guide §5.4), if it had this event.
    public var originalName: String? { descriptor.originalName }
    /// The original product's description (guide §5.4), if it had this event.
    public var originalMessage: String? { descriptor.originalMessage }
}
