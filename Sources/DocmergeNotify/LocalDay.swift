import Foundation

/// A moment as a local calendar day and minute of the day (for the digest's time).
struct LocalDay: Equatable {
    let day: String
    let minute: Int

    init(_ date: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func pad(_ v: Int?, _ width: Int) -> String {
            let s = String(v ?? 0)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        day = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
        minute = (c.hour ?? 0) * 60 + (c.minute ?? 0)
    }
}
