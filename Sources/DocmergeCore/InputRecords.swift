import DocmergeModel
import Foundation

/// CSV with a header line into JSON objects of strings (empty cells left out). Quoted
/// cells may hold commas and doubled quotes.
public enum CSVRecords {
    public static func objects(_ text: String) throws -> [JSON] {
        var rows: [[String]] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            var cells: [String] = [], cell = "", quoted = false
            var chars = Array(line.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")))[...]
            while let ch = chars.popFirst() {
                if quoted {
                    if ch == "\"" { if chars.first == "\"" { cell.append("\""); chars.removeFirst() } else { quoted = false } } else { cell.append(ch) }
                } else if ch == "\"" { quoted = true } else if ch == "," { cells.append(cell); cell = "" } else { cell.append(ch) }
            }
            cells.append(cell)
            rows.append(cells.map { $0.trimmingCharacters(in: .whitespaces) })
        }
        guard let header = rows.first?.map({ $0.lowercased() }) else { return [] }
        return rows.dropFirst().map { row in
            .object(zip(header, row).filter { !$0.1.isEmpty }.map { JSONMember($0.0, .string($0.1)) })
        }
    }
}

/// Reads a JSON array, a single object, or NDJSON into objects.
public enum JSONInput {
    public static func objects(_ bytes: [UInt8], what: String) throws -> [JSON] {
        if let whole = try? JSONParser.parse(bytes) {
            if case .array(let items) = whole {
                for (i, item) in items.enumerated() {
                    guard case .object = item else { throw DocmergeError(.failure, "Item \(i + 1) of the \(what) array is not a JSON object.") }
                }
                return items
            }
            if case .object = whole { return [whole] }
        }
        var result: [JSON] = []
        for (number, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let trimmed = Array(line).filter { $0 != 0x0D }
            if trimmed.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard let value = try? JSONParser.parse(trimmed), case .object = value else {
                throw DocmergeError(.failure, "Line \(number + 1) is not a JSON object (expected a JSON array or one \(what) per line).")
            }
            result.append(value)
        }
        return result
    }
}
