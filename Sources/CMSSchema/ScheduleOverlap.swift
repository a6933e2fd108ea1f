import CMSModel

/// Whether two schedules can fire in the same minute on the same devices.
enum ScheduleOverlap {
    static func timesIntersect(_ a: ScheduleTime, _ b: ScheduleTime) -> Bool {
        guard a.minute == b.minute, compatible(a.hour, b.hour) else { return false }
        switch (a, b) {
        case (.monthDay(let m1, let d1, _, _), .monthDay(let m2, let d2, _, _)):
            return compatible(m1, m2) && compatible(d1, d2)
        case (.weekday(let w1, _, _), .weekday(let w2, _, _)):
            return !w1.days.isDisjoint(with: w2.days)
        default:
            // Every day of a month falls on every weekday in some year.
            return true
        }
    }

    /// `nil` targets mean all devices.
    static func devicesIntersect(_ a: Set<String>?, _ b: Set<String>?, allCount: Int) -> Bool {
        switch (a, b) {
        case (nil, nil): return allCount > 0
        case (nil, let set?), (let set?, nil): return !set.isEmpty
        case (let x?, let y?): return !x.isDisjoint(with: y)
        }
    }

    private static func compatible(_ a: Int?, _ b: Int?) -> Bool {
        guard let a, let b else { return true }
        return a == b
    }
}
