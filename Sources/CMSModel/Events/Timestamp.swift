/// A point in time as whole microseconds since 1970-01-01T00:00:00Z (UTC).
///
/// The pure core takes time as a value (it never reads a clock); adapters convert from their clock.
/// Microsecond precision is what the event store keeps, so a stored event reads back equal.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var microsecondsSince1970: Int64

    public init(microsecondsSince1970: Int64) { self.microsecondsSince1970 = microsecondsSince1970 }

    /// A timestamp from whole seconds since 1970 (UTC).
    public static func seconds(_ seconds: Int64) -> Timestamp { Timestamp(microsecondsSince1970: seconds * 1_000_000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.microsecondsSince1970 < rhs.microsecondsSince1970
    }

    /// The timestamp moved by a duration (rounded down to whole microseconds).
    public static func + (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(microsecondsSince1970: lhs.microsecondsSince1970 + rhs.wholeMicroseconds)
    }

    public static func - (lhs: Timestamp, rhs: Duration) -> Timestamp {
        Timestamp(microsecondsSince1970: lhs.microsecondsSince1970 - rhs.wholeMicroseconds)
    }

    /// The duration from `rhs` to `lhs`.
    public static func - (lhs: Timestamp, rhs: Timestamp) -> Duration {
        .microseconds(lhs.microsecondsSince1970 - rhs.microsecondsSince1970)
    }

    public init(from decoder: any Decoder) throws {
        microsecondsSince1970 = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(microsecondsSince1970)
    }

    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-27T01:02:03.456Z`.
    public var iso8601: String {
        let micros = microsecondsSince1970
        let floorSeconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let millis = (micros - floorSeconds * 1_000_000) / 1000
        let days = floorSeconds >= 0 ? floorSeconds / 86_400 : (floorSeconds - 86_399) / 86_400
        let secondOfDay = floorSeconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }

    public var description: String { iso8601 }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (UTC only); nil when malformed.
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x20,
            bytes[13] == 0x3A, bytes[16] == 0x3A, bytes.last == 0x5A,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var micros: Int64 = 0
        if bytes.count > 20 {
            guard bytes[19] == 0x2E, bytes.count - 21 >= 1, bytes.count - 21 <= 6,
                let fraction = number(20..<(bytes.count - 1))
            else { return nil }
            var scale: Int64 = 1
            for _ in 0..<(6 - (bytes.count - 21)) { scale *= 10 }
            micros = fraction * scale
        } else if bytes.count != 20 {
            return nil
        }
        let days = Self.days(fromCivil: year, month, day)
        microsecondsSince1970 = ((days * 86_400) + hour * 3600 + minute * 60 + second) * 1_000_000 + micros
    }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Duration {
    /// This duration in whole microseconds, rounded toward negative infinity.
    var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        let perMicro: Int64 = 1_000_000_000_000
        let micros = attoseconds >= 0 ? attoseconds / perMicro : (attoseconds - perMicro + 1) / perMicro
        return seconds * 1_000_000 + micros
    }
}
