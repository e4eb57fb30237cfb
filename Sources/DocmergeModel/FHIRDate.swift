/// FHIR `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar day, year 0001–9999.
public enum FHIRDate {
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard [4, 7, 10].contains(bytes.count) else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard bytes[i] >= 48 && bytes[i] <= 57 else { return nil }
                value = value * 10 + Int(bytes[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), year >= 1 else { return false }
        guard bytes.count > 4 else { return true }
        guard bytes[4] == UInt8(ascii: "-"), let month = number(5..<7), (1...12).contains(month) else { return false }
        guard bytes.count > 7 else { return true }
        guard bytes[7] == UInt8(ascii: "-"), let day = number(8..<10), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }
}
