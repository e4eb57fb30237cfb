import DocmergeModel
import Foundation

/// Reads registry patients: NDJSON or a JSON array of FHIR Patient resources (the MRN
/// is an identifier: type MR, or a system naming an MRN, else the first), or CSV
/// `mrn,given,family,birth_date`.
public enum PatientImport {
    public static func parse(_ bytes: [UInt8], fileName: String) throws -> [PatientRecord] {
        let firstByte = bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) })
        if fileName.lowercased().hasSuffix(".csv") || (firstByte != UInt8(ascii: "{") && firstByte != UInt8(ascii: "[")) {
            return try csv(String(decoding: bytes, as: UTF8.self))
        }
        var objects = try JSONInput.objects(bytes, what: "Patient")
        if objects.count == 1, objects[0]["resourceType"]?.stringValue == "Bundle" {
            objects = (objects[0]["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
                .filter { $0["resourceType"]?.stringValue == "Patient" }
        }
        return try objects.enumerated().map { index, object in
            guard object["resourceType"]?.stringValue == "Patient", let members = object.objectValue else {
                throw DocmergeError(.failure, "Item \(index + 1) is not a FHIR Patient resource.")
            }
            guard let mrn = mrn(of: object) else {
                throw DocmergeError(.failure, "Patient \(index + 1) has no identifier to use as its MRN.")
            }
            let evidence = PatientEvidence(patient: JSON.object(members))
            return PatientRecord(mrn: mrn, name: evidence.name, birthDate: evidence.birthDate, resource: members)
        }
    }

    static func mrn(of patient: JSON) -> String? {
        let identifiers = patient["identifier"]?.arrayValue ?? []
        func isMR(_ id: JSON) -> Bool {
            (id["type"]?["coding"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == "MR" }
        }
        let pick = identifiers.first(where: isMR)
            ?? identifiers.first(where: { ($0["system"]?.stringValue ?? "").lowercased().contains("mrn") })
            ?? identifiers.first
        return pick?["value"]?.stringValue
    }

    static func csv(_ text: String) throws -> [PatientRecord] {
        var records: [PatientRecord] = []
        var header: [String]?
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            guard let columns = header else {
                header = fields.map { $0.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\u{FEFF}")) }
                guard header?.contains("mrn") == true else {
                    throw DocmergeError(.failure, "The CSV header must name the columns mrn,given,family,birth_date.")
                }
                continue
            }
            func field(_ name: String) -> String? {
                guard let i = columns.firstIndex(of: name), i < fields.count, !fields[i].isEmpty else { return nil }
                return fields[i]
            }
            guard let mrn = field("mrn") else { throw DocmergeError(.failure, "CSV line \(number + 1) has no mrn.") }
            let name = [field("given"), field("family")].compactMap { $0 }.joined(separator: " ")
            let birth = field("birth_date")
            if let birth, !Timestamp.isFHIRDate(birth) {
                throw DocmergeError(.failure, "CSV line \(number + 1) has birth_date '\(birth)', expected YYYY-MM-DD.")
            }
            records.append(PatientRecord(mrn: mrn, name: name.isEmpty ? nil : name, birthDate: birth))
        }
        return records
    }
}
