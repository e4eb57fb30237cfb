import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    public func patient(mrn: String) throws -> RegistryPatient? {
        try db.first("SELECT id, mrn, fhir_id, name, birth_date, version, new_patient_document FROM patients WHERE mrn = ?", [mrn]) {
            RegistryPatient(rowID: $0.int64(0), mrn: $0.text(1), fhirID: $0.text(2), name: $0.optionalText(3),
                            birthDate: $0.optionalText(4), version: $0.int(5), flaggedBy: $0.optionalText(6))
        }
    }

    /// Inserts a patient the registry does not know; must run inside a write transaction.
    /// `document`: the document it is registered from; `flag`: under `register_and_flag`.
    func registerPatient(_ record: PatientRecord, actor: String, reason: String, document: String? = nil,
                         flag: Bool = false) throws -> RegistryPatient {
        let fhirID = ResourceIdentity.patientFHIRID(mrn: record.mrn)
        let at = timestamp()
        try db.run("""
            INSERT INTO patients(mrn, fhir_id, name, birth_date, resource, version, created_at, last_updated,
                                 registered_by_document, new_patient_document)
            VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
            """, record.mrn, fhirID, record.name, record.birthDate,
            record.resourceJSON(fhirID: fhirID, versionID: 1, lastUpdated: at), at, at, document, flag ? document : nil)
        var detail = [JSONMember("reason", .string(reason))]
        if let document { detail.append(JSONMember("document_id", .string(document))) }
        if flag { detail.append(JSONMember("flagged", .string(FlagCode.newPatient.rawValue))) }
        try appendAudit(actor: actor, action: "patient_registered", mrn: record.mrn, documentID: document, detail: .object(detail))
        guard let patient = try patient(mrn: record.mrn) else {
            throw DocmergeError(.failure, "The patient \(record.mrn) vanished right after it was registered.")
        }
        return patient
    }

    public struct ImportSummary: Sendable, Equatable {
        public var added = 0
        public var updated = 0
        public var unchanged = 0
    }

    /// Adds or updates registry patients in one transaction, with one audit row each change.
    /// `progress` is called with the number of records done, every `every` records.
    public func importPatients(_ records: [PatientRecord], actor: String = "import", every: Int = 10_000,
                               progress: (Int) -> Void = { _ in }) throws -> ImportSummary {
        try db.writeTransaction {
            var summary = ImportSummary()
            for (index, record) in records.enumerated() {
                if index > 0 && index % max(1, every) == 0 { progress(index) }
                guard let existing = try patient(mrn: record.mrn) else {
                    _ = try registerPatient(record, actor: actor, reason: "imported")
                    summary.added += 1
                    continue
                }
                let stored = try db.scalarText("SELECT resource FROM patients WHERE id = ?", existing.rowID) ?? ""
                let meta = (try? JSONParser.parse(Array(stored.utf8)))?["meta"]
                let version = meta?["versionId"]?.stringValue.flatMap { Int($0) } ?? 1
                let same = record.resourceJSON(fhirID: existing.fhirID, versionID: version,
                                               lastUpdated: meta?["lastUpdated"]?.stringValue ?? "")
                if existing.name == record.name && existing.birthDate == record.birthDate && stored == same {
                    summary.unchanged += 1
                    continue
                }
                let at = timestamp()
                try db.run("UPDATE patients SET name = ?, birth_date = ?, resource = ?, version = version + 1, last_updated = ? WHERE id = ?",
                           record.name, record.birthDate,
                           record.resourceJSON(fhirID: existing.fhirID, versionID: version + 1, lastUpdated: at), at, existing.rowID)
                try appendAudit(actor: actor, action: "patient_updated", mrn: record.mrn, documentID: nil,
                                detail: .object([JSONMember("record_version", .number(String(existing.version + 1))),
                                                 JSONMember("patient_version", .number(String(version + 1)))]))
                summary.updated += 1
            }
            if !records.isEmpty { progress(records.count) }
            return summary
        }
    }
}
