import DocmergeModel
import DocmergeSQLite

extension RecordStore {
    public func patient(mrn: String) throws -> RegistryPatient? {
        try db.first("SELECT id, mrn, fhir_id, name, birth_date, version FROM patients WHERE mrn = ?", [mrn]) {
            RegistryPatient(rowID: $0.int64(0), mrn: $0.text(1), fhirID: $0.text(2), name: $0.optionalText(3),
                            birthDate: $0.optionalText(4), version: $0.int(5))
        }
    }

    /// Inserts a patient the registry does not know; must run inside a write transaction.
    func registerPatient(_ record: PatientRecord, actor: String, reason: String) throws -> RegistryPatient {
        let fhirID = ResourceIdentity.patientFHIRID(mrn: record.mrn)
        let at = timestamp()
        try db.run("INSERT INTO patients(mrn, fhir_id, name, birth_date, resource, version, created_at, last_updated) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                   record.mrn, fhirID, record.name, record.birthDate, record.resourceJSON(fhirID: fhirID), at, at)
        try appendAudit(actor: actor, action: "patient_registered", mrn: record.mrn, documentID: nil,
                        detail: .object([JSONMember("reason", .string(reason))]))
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
    public func importPatients(_ records: [PatientRecord], actor: String = "import") throws -> ImportSummary {
        try db.writeTransaction {
            var summary = ImportSummary()
            for record in records {
                guard let existing = try patient(mrn: record.mrn) else {
                    _ = try registerPatient(record, actor: actor, reason: "imported")
                    summary.added += 1
                    continue
                }
                let json = record.resourceJSON(fhirID: existing.fhirID)
                let stored = try db.scalarText("SELECT resource FROM patients WHERE id = ?", existing.rowID)
                if existing.name == record.name && existing.birthDate == record.birthDate && stored == json {
                    summary.unchanged += 1
                    continue
                }
                try db.run("UPDATE patients SET name = ?, birth_date = ?, resource = ?, version = version + 1, last_updated = ? WHERE id = ?",
                           record.name, record.birthDate, json, timestamp(), existing.rowID)
                try appendAudit(actor: actor, action: "patient_updated", mrn: record.mrn, documentID: nil,
                                detail: .object([JSONMember("record_version", .number(String(existing.version + 1)))]))
                summary.updated += 1
            }
            return summary
        }
    }
}
