import DocmergeModel
import DocmergeSQLite

/// Check 7 on the write path: a document for an MRN the registry does not know, under
/// `registry.unknown_patient` as the document was judged with (its stored thresholds).
extension RecordStore {
    /// Under `reject`, the refusal of a document whose patient is not in the registry;
    /// nil otherwise. Asked before anything of the document is written.
    func unknownPatientRefusal(_ document: PreparedDocument) throws -> ExtractionError? {
        guard document.thresholds.unknownPatient == .reject else { return nil }
        let mrn = document.extraction.mrn
        return try patient(mrn: mrn) == nil ? UnknownPatientPolicy.refusal(mrn: mrn) : nil
    }

    /// The registry patient the document merges into; registers it from the document
    /// (`PatientRegistration`) when the registry does not know it. Inside a write transaction.
    func registryPatient(for document: PreparedDocument, actor: String) throws -> RegistryPatient {
        let x = document.extraction
        if let known = try patient(mrn: x.mrn) { return known }
        let policy = document.thresholds.unknownPatient
        if policy == .reject { throw DocmergeError(.conflict, UnknownPatientPolicy.refusal(mrn: x.mrn).message) }
        return try registerPatient(PatientRecord(mrn: x.mrn, registration: PatientRegistration(x)), actor: actor,
                                   reason: "first document \(x.documentID)", document: x.documentID,
                                   flag: policy == .registerAndFlag)
    }
}

extension RegistryPatient {
    /// Check 7 fires for this document: it registered the patient under `register_and_flag`.
    public func registered(by documentID: String) -> Bool { flaggedBy == documentID }
}
