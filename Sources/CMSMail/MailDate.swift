import CMSModel
import Foundation

/// Dates of mails in the tenant's time zone: RFC 5322 `Date:` and the guide's `TimeStamp:` form.
public enum MailDate {
    private static func components(_ time: Timestamp, in zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(time.microsecondsSince1970) / 1_000_000)
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
    }

    private static func two(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : "\(value)"
    }

    /// `2010/07/05 11:21:54`.
    public static func guideStamp(_ time: Timestamp, in zone: TimeZone) -> String {
        let c = components(time, in: zone)
        return "\(c.year ?? 0)/\(two(c.month))/\(two(c.day)) \(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    /// `Mon, 05 Jul 2010 11:21:54 +0900` (RFC 5322 §3.3).
    public static func rfc5322(_ time: Timestamp, in zone: TimeZone) -> String {
        let c = components(time, in: zone)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let date = Date(timeIntervalSince1970: Double(time.microsecondsSince1970) / 1_000_000)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(days[(c.weekday ?? 1) - 1]), \(two(c.day)) \(months[(c.month ?? 1) - 1]) \(c.year ?? 0) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) \(sign)\(two(minutes / 60))\(two(minutes % 60))"
    }
}
