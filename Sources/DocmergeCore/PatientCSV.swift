import DocmergeModel
import Foundation

/// The registry CSV: a header naming `mrn` and any of `given`, `family`, `birth_date`,
/// then one patient per line. Errors name the line and the column, never the values.
enum PatientCSV {
    static let columns = ["mrn", "given", "family", "birth_date"]
    static let dateExpected = "a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)"
    static let expectedHeader = "The CSV header must be mrn,given,family,birth_date (mrn required, the others optional, in any order)"

    static func records(_ text: String) throws -> [PatientRecord] {
        guard let first = text.split(whereSeparator: \.isNewline).first(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            throw DocmergeError(.failure, "\(expectedHeader); the file is empty.")
        }
        let header = first.trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")).split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "\""))).lowercased() }
        let unknown = header.filter { !columns.contains($0) }
        guard header.contains("mrn"), unknown.isEmpty, Set(header).count == header.count else {
            let what = !header.contains("mrn") ? "it has no mrn column" : (unknown.isEmpty ? "a column appears twice" : "\(unknown.count) of its columns are not among these")
            throw DocmergeError(.failure, "\(expectedHeader); the first line of this file is not that header (\(what)).")
        }
        let rows = try CSVRecords.objects(text)
        return try rows.enumerated().map { index, row in
            let line = index + 2
            guard let mrn = row["mrn"]?.stringValue else { throw DocmergeError(.failure, "CSV line \(line) has no mrn.") }
            let name = [row["given"]?.stringValue, row["family"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            let birth = row["birth_date"]?.stringValue
            if let birth, !FHIRDate.isValid(birth) {
                throw DocmergeError(.failure, "CSV line \(line) (\(mrn)) has a birth_date that is not \(PatientCSV.dateExpected).")
            }
            return PatientRecord(mrn: mrn, name: name.isEmpty ? nil : name, birthDate: birth)
        }
    }
}
