// The catalogue itself: one descriptor per event type. Japanese names and descriptions are the
// original product's (guide §5.4), transcribed so migrating users can find their old events.
extension EventType {
    /// Severity, category, message template and original wording of this event type.
    public var descriptor: EventDescriptor {
        switch self {
        // ── Device connection and identity ──
        case .deviceConnectSucceeded:
            EventDescriptor(
                .info, .device, "NETCONF session to {device} established ({address})",
                original: "接続成功", "機器との NETCONF 接続が成功した。")
        case .deviceConnectFailed:
            EventDescriptor(
                .error, .device, "NETCONF connection to {device} failed ({address}): {error}",
                original: "接続失敗", "機器との NETCONF 接続が失敗した。")
        case .deviceDisconnected:
            EventDescriptor(
                .warning, .device, "NETCONF session to {device} closed: {reason}",
                original: "切断", "機器との NETCONF 接続が切断された。")
        case .deviceAdded:
            EventDescriptor(
                .info, .device, "Device {device} added",
                original: "機器追加", "機器を CMS に登録した。")
        case .deviceDeleted:
            EventDescriptor(
                .info, .device, "Device {device} deleted",
                original: "機器削除", "機器登録を CMS より削除した。")
        case .deviceInterfacesChanged:
            EventDescriptor(
                .info, .device, "Device {device} reported an interface change",
                original: "インターフェース設定変更通知", "機器からインターフェース設定変更を通知された。")
        case .deviceSerialRegistered:
            EventDescriptor(
                .info, .device, "Serial number {serial} registered for {device}",
                original: "機器シリアル番号登録", "機器シリアル番号を CMS に登録した。")
        case .deviceSerialChanged:
            EventDescriptor(
                .warning, .device, "Serial number of {device} changed from {previous} to {serial}",
                original: "機器シリアル番号変更", "機器シリアル番号が変更された。")
        case .deviceProductMismatch:
            EventDescriptor(
                .error, .device, "Device {device} reports product {actual}, registered as {expected}",
                original: "製品不一致", "機器より通知された製品名が CMS 登録と異なる。")
        case .deviceIdentifyTimedOut:
            EventDescriptor(
                .error, .device, "Identification of {device} timed out",
                original: "機器識別処理タイムアウト", "機器識別処理シーケンス処理がタイムアウトした。")
        case .deviceCommunicationError:
            EventDescriptor(
                .error, .device, "Communication error with {device}: {error}",
                original: "通信エラー", "機器との制御通信でエラーが発生した。")
        case .deviceCodeMismatch:
            EventDescriptor(
                .error, .device, "Device at {address} reports cpe-id {actual}, expected {device}",
                original: "機器コード不一致", "機器より取得した CPE-ID が機器コードと異なる。")
        case .deviceSuspended:
            EventDescriptor(
                .info, .device, "Device {device} suspended",
                original: "機器運用休止", "機器の運用を休止した。")
        case .deviceResumed:
            EventDescriptor(
                .info, .device, "Device {device} resumed",
                original: "機器運用再開", "機器の運用を再開した。")
        case .deviceRebootStarted:
            EventDescriptor(
                .info, .device, "Reboot of {device} requested",
                original: "機器再起動開始", "機器へ再起動実行を要求した。")
        case .deviceRequestWaitTimedOut:
            EventDescriptor(
                .error, .device, "Device {device} kept requests waiting too long; later requests cancelled",
                original: "機器処理待ちタイムアウト", "機器が長時間処理待ちとなっているため、後続の要求をキャンセルした。")
        case .deviceRequestFailed:
            EventDescriptor(
                .error, .device, "Request to {device} could not be made: {error}",
                original: "機器要求エラー", "機器へ対して要求を出そうとしてエラーとなった。")
        case .deviceHostKeyPinned:
            EventDescriptor(.info, .device, "SSH host key of {device} pinned: {fingerprint}")
        case .deviceHostKeyMismatch:
            EventDescriptor(
                .error, .device,
                "SSH host key of {device} at {address} is {fingerprint}, pinned {expected}: "
                    + "management blocked")
        case .deviceExecSucceeded:
            EventDescriptor(.info, .device, "{user} ran `{command}` on {device}: {bytes} bytes")
        case .deviceExecFailed:
            EventDescriptor(.warning, .device, "{user} ran `{command}` on {device}: failed: {error}")

        // ── CRP ──
        case .crpAddressNotified:
            EventDescriptor(
                .info, .crp, "Device {device} announced control address {address}",
                original: "制御用 IP アドレス通知", "機器から制御用 IP アドレスを通知された。")
        case .crpUnregisteredDevice:
            EventDescriptor(
                .warning, .crp, "Unregistered device {device} announced control address {address}",
                original: "未登録機器からの制御用 IP アドレス通知",
                "CMS に登録されていない機器から、制御用 IP アドレスを通知された。")
        case .crpAddressDuplicate:
            EventDescriptor(
                .error, .crp, "Device {device} announced {address}, already used by {other}",
                original: "制御用 IP アドレス重複",
                "通知された制御用 IP アドレスは、CMS に登録されている他の機器によって使用されている。")

        // ── Config files ──
        case .configFileRegistered:
            EventDescriptor(
                .info, .config, "Config file {file} registered for {device}",
                original: "設定ファイル登録", "機器の設定ファイルを CMS に登録した。")
        case .configFileDeleted:
            EventDescriptor(
                .info, .config, "Config file {file} of {device} deleted",
                original: "設定ファイル削除", "機器の設定ファイルを CMS から削除した。")
        case .configBackupStarted:
            EventDescriptor(
                .info, .config, "Config backup of {device} started",
                original: "設定ファイルバックアップ開始", "機器へ設定ファイルのバックアップを要求した。")
        case .configBackupSucceeded:
            EventDescriptor(
                .info, .config, "Config backup of {device} transferred",
                original: "設定ファイルバックアップ転送完了", "機器とのバックアップファイル転送が完了した。")
        case .configBackupFailed:
            EventDescriptor(
                .error, .config, "Config backup of {device} failed: {error}",
                original: "設定ファイルバックアップ転送失敗", "機器からバックアップファイル転送の失敗を通知された。")
        case .configRestoreStarted:
            EventDescriptor(
                .info, .config, "Config restore of {file} to {device} started",
                original: "設定ファイルリストア開始", "機器へ設定ファイルのリストアを要求した。")
        case .configRestoreSucceeded:
            EventDescriptor(
                .info, .config, "Config restore of {file} to {device} transferred",
                original: "設定ファイルリストア転送完了", "機器とのリストアファイル転送が完了した。")
        case .configRestoreFailed:
            EventDescriptor(
                .error, .config, "Config restore to {device} failed: {error}",
                original: "設定ファイルリストア転送失敗", "機器からリストアファイル転送の失敗を通知された。")

        // ── Auto-Config / Schedule-Config ──
        case .autoConfigStarted:
            EventDescriptor(
                .info, .autoConfig, "Auto-Config of {device} started",
                original: "Auto-Config 開始", "Auto-Config を開始した。")
        case .autoConfigSaveStarted:
            EventDescriptor(
                .info, .autoConfig, "Auto-Config (save) of {device} started",
                original: "Auto-Config（保存）開始", "Auto-Config（保存）を開始した。")
        case .autoConfigNotRegistered:
            EventDescriptor(
                .warning, .autoConfig, "No Auto-Config file registered for {device}",
                original: "Auto-Config 設定未登録", "Auto-Config 用の設定が CMS に登録されていない。")
        case .autoConfigSelected:
            EventDescriptor(
                .info, .autoConfig, "Config file {file} selected for Auto-Config of {device}",
                original: "Auto-Config 選択", "Auto-Config 用の設定を選択した。")
        case .autoConfigSaveSelected:
            EventDescriptor(
                .info, .autoConfig, "Config file {file} selected for Auto-Config (save) of {device}",
                original: "Auto-Config（保存）選択", "Auto-Config（保存）用の設定を選択した。")
        case .autoConfigDeselected:
            EventDescriptor(
                .info, .autoConfig, "Auto-Config selection of {device} cleared",
                original: "Auto-Config 選択解除", "Auto-Config 用の設定の選択を解除した。")
        case .autoConfigSaveDeselected:
            EventDescriptor(
                .info, .autoConfig, "Auto-Config (save) selection of {device} cleared",
                original: "Auto-Config（保存）選択解除", "Auto-Config（保存）用の設定の選択を解除した。")
        case .autoConfigFailed:
            EventDescriptor(
                .error, .autoConfig, "Auto-Config of {device} failed: {error}",
                original: "Auto-Config 失敗", "Auto-Config の実行に失敗した。")
        case .scheduleConfigSelected:
            EventDescriptor(
                .info, .autoConfig, "Config file {file} selected for Schedule-Config of {device}",
                original: "Schedule-Config 選択", "Schedule-Config 用の設定を選択した。")
        case .scheduleConfigDeselected:
            EventDescriptor(
                .info, .autoConfig, "Schedule-Config selection of {device} cleared",
                original: "Schedule-Config 選択解除", "Schedule-Config 用の設定の選択を解除した。")
        case .scheduleConfigNotRegistered:
            EventDescriptor(
                .warning, .autoConfig, "No Schedule-Config file registered for {device}",
                original: "Schedule-Config 設定未登録", "Schedule-Config 用の設定が CMS に登録されていない。")

        // ── Firmware ──
        case .firmwareUpdateStarted:
            EventDescriptor(
                .info, .firmware, "Firmware update of {device} to {version} started",
                original: "ファームウェア更新開始", "機器のファームウェア更新を開始した。")
        case .firmwareUpdateNoRebootStarted:
            EventDescriptor(
                .info, .firmware, "Firmware update of {device} to {version} (no reboot) started",
                original: "ファームウェア更新（再起動なし）開始", "機器のファームウェア更新（再起動なし）を開始した。")
        case .firmwareUpdateBackgroundStarted:
            EventDescriptor(
                .info, .firmware, "Firmware update of {device} to {version} (background) started",
                original: "ファームウェア更新（バックグラウンド）開始",
                "機器のファームウェア更新（バックグラウンド）を開始した。")
        case .firmwareTransferSucceeded:
            EventDescriptor(
                .info, .firmware, "Firmware {version} transferred to {device}",
                original: "ファームウェア転送完了", "ファームウェアファイルの転送が完了した。")
        case .firmwareTransferFailed:
            EventDescriptor(
                .error, .firmware, "Firmware transfer to {device} failed: {error}",
                original: "ファームウェア転送失敗", "ファームウェアファイルの転送に失敗した。")
        case .firmwareTransferSkippedSameVersion:
            EventDescriptor(
                .info, .firmware, "Firmware update of {device} skipped: already runs {version}",
                original: "ファームウェア転送スキップ（同一ファームウェアバージョン）",
                "同一ファームウェアのため、スケジュールによるファームウェア更新をスキップした。")
        case .firmwareImageRegistered:
            EventDescriptor(
                .info, .firmware, "Firmware image {image} registered",
                original: "ファームウェアイメージ登録", "機器ファームウェアイメージファイルを CMS に登録した。")
        case .firmwareImageDeleted:
            EventDescriptor(
                .info, .firmware, "Firmware image {image} deleted",
                original: "ファームウェアイメージ削除", "機器ファームウェアイメージファイルを CMS から削除した。")

        // ── Syslog ──
        case .firmwareUpdateSucceeded:
            EventDescriptor(.info, .firmware, "Firmware of {device} verified on {version}")
        case .firmwareUpdateFailed:
            EventDescriptor(.error, .firmware, "Firmware update of {device} to {version} failed: {error}")
        case .firmwareUpdateNotUpdated:
            EventDescriptor(.warning, .firmware, "Firmware of {device} not updated: {reason}")
        case .firmwareRolloutStarted:
            EventDescriptor(.info, .firmware, "Firmware rollout {rollout} of {image} started on {count} device(s)")
        case .firmwareRolloutBatchDone:
            EventDescriptor(.info, .firmware, "Firmware rollout {rollout}: batch {batch} done")
        case .firmwareRolloutStalled:
            EventDescriptor(.error, .firmware, "Firmware rollout {rollout} stopped: {reason}")
        case .firmwareRolloutResumed:
            EventDescriptor(.info, .firmware, "Firmware rollout {rollout} resumed")
        case .firmwareRolloutFinished:
            EventDescriptor(.info, .firmware, "Firmware rollout {rollout} finished: {summary}")
        case .syslogFetchSucceeded:
            EventDescriptor(
                .info, .syslog, "Syslog of {device} fetched",
                original: "機器 SYSLOG 定期取得", "機器 SYSLOG の定期取得をした。")
        case .syslogFetchFailed:
            EventDescriptor(
                .error, .syslog, "Syslog fetch from {device} failed: {error}",
                original: "機器 SYSLOG 定期取得失敗", "機器 SYSLOG の定期取得に失敗した。")

        // ── Groups ──
        case .groupAdded:
            EventDescriptor(.info, .group, "Group {group} added", original: "グループ追加", "グループを追加した。")
        case .groupDeleted:
            EventDescriptor(.info, .group, "Group {group} deleted", original: "グループ削除", "グループを削除した。")
        case .groupMemberJoined:
            EventDescriptor(
                .info, .group, "Device {device} joined group {group}",
                original: "グループ参加", "機器をグループに参加させた。")
        case .groupMemberLeft:
            EventDescriptor(
                .info, .group, "Device {device} left group {group}",
                original: "グループ離脱", "機器をグループから離脱させた。")

        // ── IPsec ──
        case .ipsecWarning:
            EventDescriptor(
                .warning, .ipsec, "IPsec distribution warning for {device}: {warning}",
                original: "IPsec 警告", "IPsec 設定配布処理中の警告")
        case .ipsecDeleteStarted:
            EventDescriptor(
                .info, .ipsec, "Removal of unneeded IPsec settings started",
                original: "IPsec 設定削除開始", "テナント所属機器に対して、不要な IPsec 設定の削除を開始した。")
        case .ipsecDeleteSucceeded:
            EventDescriptor(
                .info, .ipsec, "Removal of unneeded IPsec settings finished",
                original: "IPsec 設定削除完了", "テナント所属機器への不要 IPsec 設定の削除が完了した。")
        case .ipsecAddStarted:
            EventDescriptor(
                .info, .ipsec, "Addition of group {group} IPsec settings started",
                original: "IPsec 設定追加開始", "テナント所属機器に対して、グループ IPsec 設定の追加を開始した。")
        case .ipsecAddSucceeded:
            EventDescriptor(
                .info, .ipsec, "Addition of group {group} IPsec settings finished",
                original: "IPsec 設定追加完了", "テナント所属機器へのグループ IPsec 設定の追加が完了した。")
        case .ipsecChangeStarted:
            EventDescriptor(
                .info, .ipsec, "Change of IPsec settings started",
                original: "IPsec 設定変更開始", "テナント所属機器に対して、IPsec 設定の変更を開始した。")
        case .ipsecChangeSucceeded:
            EventDescriptor(
                .info, .ipsec, "Change of IPsec settings finished",
                original: "IPsec 設定変更完了", "テナント所属機器に対して、IPsec 設定の変更が完了した。")

        // ── Users ──
        case .userLogin:
            EventDescriptor(.info, .user, "User {user} logged in", original: "ログイン", "ユーザが CMS にログインした。")
        case .userLogout:
            EventDescriptor(.info, .user, "User {user} logged out", original: "ログアウト", "ユーザが CMS からログアウトした。")
        case .userLogoutRequested:
            EventDescriptor(
                .info, .user, "Tenant users asked to log out: {reason}",
                original: "ログアウト要求通知", "CMS がテナントユーザに対してログアウトを要求した。")
        case .userIdleLogout:
            EventDescriptor(
                .info, .user, "User {user} logged out after inactivity",
                original: "無通信ログアウト",
                "クライアント PC からの通信が一定時間途絶えたため、対象ユーザをログアウトさせた。")

        // ── Tenant data ──
        case .tenantBackupStarted:
            EventDescriptor(
                .info, .tenant, "Tenant backup started",
                original: "テナントデータ退避開始", "テナントデータの退避を開始した。")
        case .tenantBackupSucceeded:
            EventDescriptor(
                .info, .tenant, "Tenant backup finished",
                original: "テナントデータ退避完了", "テナントデータの退避が完了した。")
        case .tenantBackupFailed:
            EventDescriptor(
                .error, .tenant, "Tenant backup failed: {error}",
                original: "テナントデータ退避失敗", "テナントデータの退避が失敗した。")
        case .tenantRestoreStarted:
            EventDescriptor(
                .info, .tenant, "Tenant restore started",
                original: "テナントデータ復帰開始", "テナントデータの復帰を開始した。")
        case .tenantRestoreSucceeded:
            EventDescriptor(
                .info, .tenant, "Tenant restore finished",
                original: "テナントデータ復帰完了", "テナントデータの復帰が完了した。")
        case .tenantRestoreFailed:
            EventDescriptor(
                .error, .tenant, "Tenant restore failed: {error}",
                original: "テナントデータ復帰失敗", "テナントデータの復帰が失敗した。")
        case .tenantImportStarted:
            EventDescriptor(
                .info, .tenant, "Tenant import started",
                original: "テナントデータインポート開始", "テナントデータのインポートを開始した。")
        case .tenantImportSucceeded:
            EventDescriptor(
                .info, .tenant, "Tenant import finished",
                original: "テナントデータインポート完了", "テナントデータのインポートが完了した。")
        case .tenantImportFailed:
            EventDescriptor(
                .error, .tenant, "Tenant import failed: {error}",
                original: "テナントデータインポート失敗", "テナントデータのインポートが失敗した。")

        // ── System ──
        case .systemStarted:
            EventDescriptor(.info, .system, "CMS started (version {version})", original: "CMS 起動", "CMS が起動した。")
        case .systemStopped:
            EventDescriptor(.info, .system, "CMS stopped", original: "CMS 停止", "CMS が停止した。")
        case .systemDiskFailed:
            EventDescriptor(.error, .system, "Disk error: {error}", original: "DISK エラー発生", "HDD に異常が発生した。")
        case .systemDiskRecovered:
            EventDescriptor(.info, .system, "Disk recovered", original: "DISK エラー復旧", "HDD が異常から復旧した。")

        // ── NETCONF errors ──
        case .netconfErrorGetStatus:
            EventDescriptor(
                .error, .netconf, "NETCONF get (status) on {device} failed: {error}",
                original: "NETCONF エラー GET-STATUS", "NETCONF GET-STATUS でエラーとなった。")
        case .netconfErrorGetConfig:
            EventDescriptor(
                .error, .netconf, "NETCONF get-config on {device} failed: {error}",
                original: "NETCONF エラー GET-CONFIG", "NETCONF GET-CONFIG でエラーとなった。")
        case .netconfErrorEditConfig:
            EventDescriptor(
                .error, .netconf, "NETCONF edit-config on {device} failed: {error}",
                original: "NETCONF エラー EDIT-CONFIG", "NETCONF EDIT-CONFIG でエラーとなった。")
        case .netconfErrorCopyConfig:
            EventDescriptor(
                .error, .netconf, "NETCONF copy-config on {device} failed: {error}",
                original: "NETCONF エラー COPY-CONFIG", "NETCONF COPY-CONFIG でエラーとなった。")

        // ── Mail ──
        case .mailSent:
            EventDescriptor(.info, .mail, "Mail sent to {recipients}", original: "メール送信", "メールを送信した")
        case .mailFailed:
            EventDescriptor(
                .error, .mail, "Mail to {recipients} could not be sent: {error}",
                original: "メール送信失敗", "メールを送信しようとして失敗した。")

        // ── Schedules ──
        case .scheduleAdded:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule} added",
                original: "スケジュール追加", "スケジュールを追加した。")
        case .scheduleDeleted:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule} deleted",
                original: "スケジュール削除", "スケジュールを削除した。")
        case .scheduleChanged:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule} changed",
                original: "スケジュール変更", "スケジュールを変更した。")
        case .scheduleChangedFirmwareDeleted:
            EventDescriptor(
                .warning, .schedule, "Schedule {schedule} changed because firmware {image} was deleted",
                original: "ファームウェア削除によるスケジュール設定変更",
                "ファームウェアが削除されたため、スケジュール設定を変更した。")
        case .scheduleFired:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule} fired",
                original: "スケジュール動作起動", "スケジュール動作を起動した。")
        case .scheduleConfigRestorePreparing:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule}: config restore orders being prepared",
                original: "スケジュールによる設定ファイルリストア、起動準備開始",
                "スケジュールによる「設定ファイルリストア」動作命令を開始した。")
        case .scheduleConfigRestoreAllStarted:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule}: all config restore orders started",
                original: "スケジュールによる設定ファイルリストア、起動準備完了",
                "スケジュールによる「設定ファイルリストア」動作命令をすべて起動した。")
        case .scheduleFirmwareUpdatePreparing:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule}: firmware update orders being prepared",
                original: "スケジュールによるファームウェア更新、起動準備開始",
                "スケジュールによる「ファームウェア更新動作命令」を開始した。")
        case .scheduleFirmwareUpdateAllStarted:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule}: all firmware update orders started",
                original: "スケジュールによるファームウェア更新、起動準備完了",
                "スケジュールによる「ファームウェア更新動作命令」をすべて起動した。")
        case .scheduleRebootPreparing:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule}: reboot orders being prepared",
                original: "スケジュールによる機器再起動、起動準備開始",
                "スケジュールによる「機器再起動動作命令」を開始した。")
        case .scheduleRebootAllStarted:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule}: all reboot orders started",
                original: "スケジュールによる機器再起動、起動準備完了",
                "スケジュールによる「機器再起動動作命令」をすべて起動した。")
        case .scheduleSyslogFetchPreparing:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule}: syslog fetch orders being prepared",
                original: "スケジュールによる機器 SYSLOG 定期取得、起動準備開始",
                "スケジュールによる「機器 SYSLOG 定期取得」動作命令を開始した。")
        case .scheduleSyslogFetchAllStarted:
            EventDescriptor(
                .info, .schedule, "Schedule {schedule}: all syslog fetch orders started",
                original: "スケジュールによる機器 SYSLOG 定期取得、起動準備完了",
                "スケジュールによる「機器 SYSLOG 定期取得」動作命令をすべて起動した。")
        case .scheduleAutoConfigRebootPreparing:
            EventDescriptor(
                .info, .schedule,
                "Schedule {schedule}: Auto-Config selection and reboot orders being prepared",
                original: "スケジュールによる Auto-Config 選択設定と機器再起動、起動準備開始",
                "スケジュールによる「Auto-Config 選択設定と機器再起動」動作命令を開始した。")
        case .scheduleAutoConfigRebootAllStarted:
            EventDescriptor(
                .info, .schedule,
                "Schedule {schedule}: all Auto-Config selection and reboot orders started",
                original: "スケジュールによる Auto-Config 選択設定と機器再起動、起動準備完了",
                "スケジュールによる「Auto-Config 選択設定と機器再起動」動作命令をすべて起動した。")
        case .scheduleFirmwareNotRegistered:
            EventDescriptor(
                .error, .schedule, "Schedule {schedule}: no firmware image registered for the update",
                original: "スケジュールによる更新ファームウェア未登録", "更新ファームウェアが登録されていない。")
        case .scheduleFirmwareVersionUnknown:
            EventDescriptor(
                .error, .schedule, "Schedule {schedule}: version of firmware image {image} unknown",
                original: "スケジュールによる更新ファームウェアバージョン取得失敗",
                "更新ファームウェアのバージョン情報の取得に失敗した。")
        case .scheduleAborted:
            EventDescriptor(
                .warning, .schedule, "Schedule {schedule} aborted: {reason}",
                original: "スケジュール動作を中止", "スケジュール動作を中止した。")

        // ── GitOps ──
        case .gitRevisionFetched:
            EventDescriptor(.info, .gitops, "Revision {revision} fetched")
        case .gitFetchFailed:
            EventDescriptor(.error, .gitops, "Fetching the tenant repository failed: {error}")
        case .gitLintFailed:
            EventDescriptor(
                .error, .gitops,
                "Revision {revision} rejected by lint ({errors} errors); last good revision stays")
        case .gitPlanComputed:
            EventDescriptor(.info, .gitops, "Plan for revision {revision}: {changes} device(s) to change")
        case .gitDriftDetected:
            EventDescriptor(.warning, .gitops, "Configuration of {device} drifted from revision {revision}")
        case .gitApplyStarted:
            EventDescriptor(.info, .gitops, "Applying revision {revision} to {device}")
        case .gitApplySucceeded:
            EventDescriptor(.info, .gitops, "Revision {revision} applied to {device} and verified")
        case .gitApplyFailed:
            EventDescriptor(.error, .gitops, "Applying revision {revision} to {device} failed: {error}")
        case .gitApplyInterrupted:
            EventDescriptor(
                .warning, .gitops,
                "Applying revision {revision} to {device} was interrupted (cmsd stopped mid-apply); "
                    + "the device is reconciled again")
        case .gitPruneRefused:
            EventDescriptor(
                .error, .gitops,
                "Revision {revision} would delete {count} device(s), over the safe-prune limit; "
                    + "not applied")
        case .gitDeviceLimitExceeded:
            EventDescriptor(
                .error, .gitops,
                "Revision {revision} declares {count} device(s) over the server's device limit ({limit}); "
                    + "those are not managed")
        case .gitNotCarriedOut:
            EventDescriptor(
                .warning, .gitops,
                "Revision {revision} declares what cmsd does not carry out yet: {kinds}; it is accepted and ignored")
        case .gitWebhookReceived:
            EventDescriptor(.info, .gitops, "Webhook from {forge}: {event} to {ref} ({after}): {action}")
        case .gitWebhookRejected:
            EventDescriptor(.warning, .gitops, "Webhook delivery refused ({status}): {reason}")
        case .gitRefreshRequested:
            EventDescriptor(.info, .gitops, "{user} asked to fetch the repository now: {outcome}")
        }
    }
}
