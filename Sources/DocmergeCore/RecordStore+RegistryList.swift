import DocmergeSQLite

extension RecordStore {
    /// Every patient of the registry, in the order they were added.
    public func registryPatients() throws -> [RegistryPatient] {
        try db.query("SELECT id, mrn, fhir_id, name, birth_date, version, new_patient_document FROM patients ORDER BY id") {
            RegistryPatient(rowID: $0.int64(0), mrn: $0.text(1), fhirID: $0.text(2), name: $0.optionalText(3),
                            birthDate: $0.optionalText(4), version: $0.int(5), flaggedBy: $0.optionalText(6))
        }
    }
}
