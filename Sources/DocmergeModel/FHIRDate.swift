/// FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date (no month 13, no
/// 30 February, no year 0000).
public enum FHIRDate {
    public static let expected = "a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)"

    public static func isValid(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard [4, 7, 10].contains(b.count) else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), year > 0 else { return false }
        if b.count == 4 { return true }
        guard b[4] == UInt8(ascii: "-"), let month = number(5..<7), (1...12).contains(month) else { return false }
        if b.count == 7 { return true }
        guard b[7] == UInt8(ascii: "-"), let day = number(8..<10) else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}
