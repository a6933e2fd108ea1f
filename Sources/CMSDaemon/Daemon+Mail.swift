import CMSAPI

/// Mail alerts through the API (`cms mail test`, `cms mail queue`).
extension Daemon: MailControl {
    /// One tenant's mailer (tests).
    public func mailer(_ tenant: String) -> TenantMailer? { mailers[tenant] }

    private func mailer(for tenant: String) throws(APIError) -> TenantMailer {
        guard let mailer = mailers[tenant] else { throw APIError.notFound("tenant", tenant) }
        return mailer
    }

    public func mailTest(_ tenant: String, server: String?, user: String?) async throws(APIError) -> MailTestResult {
        try await mailer(for: tenant).test(server: server, user: user)
    }

    public func mailQueue(_ tenant: String) async throws(APIError) -> MailQueueStatus {
        try await mailer(for: tenant).queueStatus()
    }
}
