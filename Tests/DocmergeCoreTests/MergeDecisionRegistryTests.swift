import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Testing

/// Checks 5–7 and the registry policy are judged by the patient's actor, in the plan: the
/// store writes the planned findings without judging the document again.
@Suite struct MergeDecisionRegistryTests {
    func document(_ id: String, mrn: String = "MRN-1", birthDate: String = "1950-03-02",
                  policy: UnknownPatientPolicy = .registerAndFlag) throws -> PreparedDocument {
        var b = DocumentBuilder.clinical(id: id, mrn: mrn)
        b.addPatientEntry(name: "Doe", given: ["Jane", "Q."], birthDate: birthDate)
        return try b.prepared(thresholds: Thresholds(unknownPatient: policy))
    }

    func plan(_ document: PreparedDocument, on patient: PatientSnapshot) -> MergeDecision {
        MergeDecision.plan(document, documentFindings: MergeDecision.documentFindings(document), patient: patient,
                           existing: nil, sampleRate: 0)
    }

    func findings(_ decision: MergeDecision) -> [FlagCode]? {
        guard case .merge(let write) = decision.command.action else { return nil }
        return write.findings.map(\.code)
    }

    @Test func aBirthDateUnlikeTheRegistrysFlagsThePlan() throws {
        let registered = PatientSnapshot(mrn: "MRN-1", registry: RegistryDemographics(name: "Jane Q. Doe", birthDate: "1950-03-02"), version: 3)
        #expect(findings(plan(try document("doc-1"), on: registered)) == [])
        let planned = plan(try document("doc-2", birthDate: "1961-07-09"), on: registered)
        #expect(findings(planned) == [.birthDateMismatch])
        #expect(planned.command.expectedPatientVersion == 3)
    }

    @Test func checkSevenBelongsToTheDocumentThatRegisteredThePatient() throws {
        let unknown = PatientSnapshot(mrn: "MRN-1", registry: nil, version: 0)
        let first = plan(try document("doc-1"), on: unknown)
        #expect(findings(first) == [.newPatient])
        #expect(first.command.expectedPatientVersion == nil)
        #expect(first.patientAfter.registeredBy == "doc-1")
        // The next document, planned on top of the first, is judged on what doc-1 registered.
        #expect(findings(plan(try document("doc-2"), on: first.patientAfter)) == [])
        // Under `register`, nobody carries check 7.
        #expect(findings(plan(try document("doc-3", policy: .register), on: unknown)) == [])
    }

    @Test func underRejectAnUnknownPatientIsRefusedInThePlan() throws {
        let unknown = PatientSnapshot(mrn: "MRN-9", registry: nil, version: 0)
        let planned = plan(try document("doc-1", mrn: "MRN-9", policy: .reject), on: unknown)
        guard case .refused(let error) = planned.command.action else { Issue.record("not refused"); return }
        #expect(error.message.contains("MRN-9"))
    }

    /// Planned commands written by the store keep the planned flags; a command planned on a
    /// registration that did not happen (the registering document's command failed alone)
    /// finds another row than it was judged on and is planned again, even at the same version.
    @Test func theStoreWritesPlannedFlagsOnlyOnTheRowTheyWereJudgedOn() throws {
        let t = try TestStore()
        var patientOnly = DocumentBuilder(id: "doc-1", mrn: "MRN-1")
        patientOnly.addPatientEntry(name: "Doe", given: ["Jane", "Q."], birthDate: "1950-03-02")
        let first = plan(try patientOnly.prepared(), on: PatientSnapshot(mrn: "MRN-1", registry: nil, version: 0))
        let second = plan(try document("doc-2"), on: first.patientAfter)
        #expect(second.command.expectedPatientVersion == 0, "doc-1 merges nothing, so the version stays 0")

        // doc-2 alone: the store registers the patient from doc-2, at version 0 too.
        let alone = try t.store.write([.planned(second.command)])
        guard case .failure(let error) = try #require(alone.first) else { Issue.record("written: \(alone)"); return }
        #expect(error is VersionMoved)
        #expect(try t.store.patient(mrn: "MRN-1") == nil, "nothing of doc-2 was kept")

        // Both, in order: the stored flags are the planned ones.
        let both = try t.store.write([.planned(first.command), .planned(second.command)])
        #expect(both.count == 2)
        let states = Dictionary(uniqueKeysWithValues: try t.store.documentStates().map { ($0.documentID, $0.flagCodes) })
        #expect(states["doc-1"] == [FlagCode.noResources.rawValue, FlagCode.newPatient.rawValue])
        #expect(states["doc-2"] == [])
    }
}
