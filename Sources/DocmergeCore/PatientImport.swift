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
        let rows = try CSVRecords.objects(text)
        guard let header = text.split(whereSeparator: \.isNewline).first?.lowercased(), header.contains("mrn") else {
            throw DocmergeError(.failure, "The CSV header must name the columns mrn,given,family,birth_date.")
        }
        return try rows.enumerated().map { index, row in
            let line = index + 2
            guard let mrn = row["mrn"]?.stringValue else { throw DocmergeError(.failure, "CSV line \(line) has no mrn.") }
            let name = [row["given"]?.stringValue, row["family"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            let birth = row["birth_date"]?.stringValue
            if let birth, !Timestamp.isFHIRDate(birth) {
                throw DocmergeError(.failure, "CSV line \(line) has birth_date '\(birth)', expected YYYY-MM-DD.")
            }
            return PatientRecord(mrn: mrn, name: name.isEmpty ? nil : name, birthDate: birth)
        }
    }
}
