@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Testing

/// The row changes a patient's actor plans are the ones the store writes: a resource's
/// stored hash covers docmerge's `unverified` tag, so an unchanged resource of a flagged
/// document is planned unchanged, and a tag that comes or goes is planned as an update.
/// The record version the plan predicts is then the one the commit reaches, and the next
/// document planned on top of it is written without being planned again.
@Suite struct MergeDecisionRowChangeTests {
    func planned(_ t: TestStore, _ document: PreparedDocument) throws -> MergeDecision {
        let x = document.extraction
        let (patient, existing) = try t.store.snapshots(mrn: x.mrn, documentID: x.documentID)
        return MergeDecision.plan(document, documentFindings: MergeDecision.documentFindings(document), patient: patient,
                                  existing: existing, sampleRate: 0)
    }

    func write(_ decision: MergeDecision) -> MergeWrite? {
        guard case .merge(let write) = decision.command.action else { return nil }
        return write
    }

    func merged(_ t: TestStore, _ decision: MergeDecision) throws -> MergeResult {
        let results = try t.store.write([.planned(decision.command)])
        guard case .success(.merged(let result)) = try #require(results.first) else {
            Issue.record("not merged: \(results)")
            throw MergeNotWritten()
        }
        return result
    }

    struct MergeNotWritten: Error {}

    func extraction(confidence: Double, extractedAt: String) -> DocumentBuilder {
        var b = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1")
        b.confidence = confidence
        b.extractedAt = extractedAt
        return b
    }

    @Test func aFlaggedReExtractionWithTheSameEntriesIsPlannedAsNoChange() throws {
        let t = try TestStore()
        _ = try t.store.importPatients([PatientRecord(mrn: "MRN-1", name: "Jane Q. Doe", birthDate: "1950-03-02")])
        let first = try planned(t, try extraction(confidence: 0.5, extractedAt: "2026-11-28T10:00:00Z").prepared())
        let firstResult = try merged(t, first)
        #expect(firstResult.status == .flagged)
        #expect(firstResult.recordVersion == first.patientAfter.version)

        let again = try planned(t, try extraction(confidence: 0.55, extractedAt: "2026-11-28T11:00:00Z").prepared())
        let plan = try #require(write(again))
        #expect(plan.inserts.isEmpty && plan.updates.isEmpty && plan.deletes.isEmpty,
                "still flagged, same entries: the stored (tagged) resources are unchanged")
        let result = try merged(t, again)
        #expect(result.inserted + result.updated + result.deleted == 0)
        #expect(result.recordVersion == again.patientAfter.version)
    }

    @Test func aTagThatGoesIsPlannedAsAnUpdateOfEveryResource() throws {
        let t = try TestStore()
        _ = try t.store.importPatients([PatientRecord(mrn: "MRN-1", name: "Jane Q. Doe", birthDate: "1950-03-02")])
        _ = try merged(t, try planned(t, try extraction(confidence: 0.5, extractedAt: "2026-11-28T10:00:00Z").prepared()))

        let approved = try planned(t, try extraction(confidence: 0.97, extractedAt: "2026-11-28T11:00:00Z").prepared())
        let plan = try #require(write(approved))
        #expect(plan.status == .autoApproved)
        #expect(plan.inserts.isEmpty && plan.deletes.isEmpty)
        let result = try merged(t, approved)
        #expect(plan.updates.count == result.updated && result.updated > 0, "the unverified tag left every resource")
        #expect(result.recordVersion == approved.patientAfter.version)

        // A document planned on top of that one, before it commits, is written as planned.
        var next = DocumentBuilder.clinical(id: "doc-2", mrn: "MRN-1")
        next.entries = [DocumentBuilder.condition(id: "c-9", code: "44054006", display: "Diabetes mellitus type 2")]
        let document = try next.prepared()
        let onTop = MergeDecision.plan(document, documentFindings: MergeDecision.documentFindings(document),
                                       patient: approved.patientAfter, existing: nil, sampleRate: 0)
        #expect(try merged(t, onTop).recordVersion == onTop.patientAfter.version)
    }
}
