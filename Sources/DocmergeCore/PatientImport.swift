import DocmergeModel
import Foundation

/// Reads registry patients: NDJSON or a JSON array of FHIR Patient resources (the MRN
/// is an identifier: type MR, or a system naming an MRN, else the first), a FHIR Bundle
/// of them, or CSV `mrn,given,family,birth_date`. The format comes from the file name
/// (`.csv`; `.json`, `.ndjson`, `.jsonl`), else from the first character.
public enum PatientImport {
    public enum Format: Sendable, Equatable { case csv, json }

    /// The system of the identifier that keeps an imported Patient's original `id` (the
    /// registry gives the Patient its own id).
    public static let importedIDSystem = "urn:docmerge:imported-id"

    public static func format(_ bytes: [UInt8], fileName: String) -> Format {
        let name = fileName.lowercased()
        if name.hasSuffix(".csv") { return .csv }
        if [".json", ".ndjson", ".jsonl"].contains(where: name.hasSuffix) { return .json }
        let first = bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) })
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .csv
    }

    /// Every record of the file; a patient given twice is refused (which one is meant?).
    public static func parse(_ bytes: [UInt8], fileName: String) throws -> [PatientRecord] {
        let records: [PatientRecord]
        switch format(bytes, fileName: fileName) {
        case .csv: records = try PatientCSV.records(String(decoding: bytes, as: UTF8.self))
        case .json: records = try fhir(bytes)
        }
        var first: [String: Int] = [:]
        for (index, record) in records.enumerated() {
            if let earlier = first.updateValue(index, forKey: record.mrn) {
                throw DocmergeError(.failure, "\(TerminalText.escape(record.mrn)) is given twice (patients \(earlier + 1) and \(index + 1) of the file); give each patient once. Nothing was imported.")
            }
        }
        return records
    }

    static func fhir(_ bytes: [UInt8]) throws -> [PatientRecord] {
        var objects = try JSONInput.objects(bytes, what: "Patient")
        if objects.count == 1, objects[0]["resourceType"]?.stringValue == "Bundle" {
            objects = (objects[0]["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
                .filter { $0["resourceType"]?.stringValue == "Patient" }
        }
        return try objects.enumerated().map { index, object in
            guard object["resourceType"]?.stringValue == "Patient", var members = object.objectValue else {
                throw DocmergeError(.failure, "Item \(index + 1) is not a FHIR Patient resource.")
            }
            guard let mrn = mrn(of: object) else {
                throw DocmergeError(.failure, "Patient \(index + 1) has no identifier to use as its MRN.")
            }
            if let birth = object["birthDate"] {
                guard let text = birth.stringValue, FHIRDate.isValid(text) else {
                    throw DocmergeError(.failure, "Patient \(index + 1) (\(mrn)) has a birthDate that is not \(PatientCSV.dateExpected).")
                }
            }
            if let id = object["id"]?.stringValue { keepOriginalID(id, in: &members) }
            let evidence = PatientEvidence(patient: JSON.object(members))
            return PatientRecord(mrn: mrn, name: evidence.name, birthDate: evidence.birthDate, resource: members)
        }
    }

    /// Adds the original `id` as an identifier (once).
    static func keepOriginalID(_ id: String, in members: inout [JSONMember]) {
        let original = JSON.object([JSONMember("use", .string("secondary")),
                                    JSONMember("system", .string(importedIDSystem)), JSONMember("value", .string(id))])
        if let at = members.firstIndex(where: { $0.key == "identifier" }) {
            var list = members[at].value.arrayValue ?? []
            if !list.contains(where: { $0["system"]?.stringValue == importedIDSystem && $0["value"]?.stringValue == id }) {
                list.append(original)
            }
            members[at] = JSONMember("identifier", .array(list))
        } else {
            members.append(JSONMember("identifier", .array([original])))
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
}
