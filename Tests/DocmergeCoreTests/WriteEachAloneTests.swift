import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Testing

/// The store's fallback after a group commit kept failing (full disk, I/O): each item in its
/// own transaction, under the group commit's rule that a patient's items after a failed one
/// are not written (they were planned on it).
@Suite struct WriteEachAloneTests {
    func planned(_ id: String, mrn: String, on patient: PatientSnapshot) throws -> MergeWork {
        let document = try DocumentBuilder.clinical(id: id, mrn: mrn).prepared(thresholds: Thresholds(unknownPatient: .register))
        return .planned(MergeDecision.plan(document, documentFindings: MergeDecision.documentFindings(document),
                                           patient: patient, existing: nil, sampleRate: 0).command)
    }

    @Test func aPatientsLaterItemsAfterAFailureAreNotWritten() throws {
        let t = try TestStore()
        // Planned on a record version the database never had: fails its check.
        let stale = try planned("doc-1", mrn: "MRN-1", on: PatientSnapshot(mrn: "MRN-1", registry: RegistryDemographics(name: "Jane Q. Doe", birthDate: "1950-03-02"), version: 5))
        // Valid on its own, but planned after doc-1 by the same patient's actor.
        let after = try planned("doc-2", mrn: "MRN-1", on: PatientSnapshot(mrn: "MRN-1", registry: nil, version: 0))
        let other = try planned("doc-3", mrn: "MRN-2", on: PatientSnapshot(mrn: "MRN-2", registry: nil, version: 0))
        let results = t.store.writeEachAlone([stale, after, other])
        #expect(results.count == 3)
        for (index, result) in results.prefix(2).enumerated() {
            guard case .failure(let error) = result else { Issue.record("item \(index) written"); continue }
            #expect(error is VersionMoved)
        }
        guard case .success(.merged) = results[2] else { Issue.record("doc-3 not merged: \(results[2])"); return }
        #expect(try t.store.patient(mrn: "MRN-1") == nil, "nothing of MRN-1 was written")
        #expect(try t.store.documentStates().map(\.documentID) == ["doc-3"])
    }
}
