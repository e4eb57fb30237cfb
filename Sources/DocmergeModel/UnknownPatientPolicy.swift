/// `registry.unknown_patient`: what a document for an MRN the registry does not know does.
public enum UnknownPatientPolicy: String, Sendable, CaseIterable, Hashable {
    /// Register the patient from the document and flag that document with `new_patient` (default).
    case registerAndFlag = "register_and_flag"
    /// Register the patient from the document; judge the document as any other.
    case register
    /// Refuse the file: it goes to `rejected/` saying the MRN is not in the registry.
    case reject

    /// The refusal of a document under `reject`: one sentence, no demographics.
    public static func refusal(mrn: String) -> ExtractionError {
        ExtractionError(path: "$.patient.mrn", message: "patient \(mrn) is not in the registry (registry.unknown_patient is reject); import the patient with `docmerge patients import` or correct the MRN, then drop the file again")
    }
}
