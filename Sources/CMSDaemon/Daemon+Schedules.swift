import CMSAPI

extension Daemon: ScheduleControl {
    public func schedules(_ tenant: String, next: Int) async throws(APIError) -> ScheduleList {
        guard let scheduler = schedulers[tenant] else { throw APIError.notFound("tenant", tenant) }
        return await scheduler.list(next: next)
    }
}
