@testable import DocmergeModel
import Testing

/// Issue 14, item 6: a reference meant for the patient always lands on the registry
/// patient, even if some entry's address claimed `Patient/…`.
@Suite struct PatientReferenceTests {
    @Test func patientReferencesBeatEveryEntryAddress() {
        let rewriter = ReferenceRewriter(map: ["Patient/unknown": "Condition/abc", "urn:uuid:c": "Condition/abc"],
                                         patientReference: "Patient/MRN-1")
        #expect(rewriter.rewrite("Patient/unknown") == "Patient/MRN-1")
        #expect(rewriter.rewrite("urn:uuid:c") == "Condition/abc")
    }
}
