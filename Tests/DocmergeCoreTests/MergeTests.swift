@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct MergeTests {
    @Test func sameDocumentTenTimesChangesNothingAfterTheFirst() throws {
        let t = try TestStore()
        let doc = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 3, medications: 2)
        _ = try t.mergedResult(doc)
        let version = try t.patientVersion("MRN-1")
        let before = try t.snapshot("MRN-1")
        let auditRows = try t.count("SELECT count(*) FROM audit")
        for _ in 0..<9 {
            #expect(try t.merge(doc) == .unchanged(documentID: "doc-1", status: .autoApproved))
        }
        #expect(try t.patientVersion("MRN-1") == version)
        #expect(try t.snapshot("MRN-1") == before)
        #expect(before.count == 5)
        #expect(try t.count("SELECT count(*) FROM audit") == auditRows)
        #expect(try t.count("SELECT version FROM documents WHERE document_id = 'doc-1'") == 1)
    }

    @Test func fiveConditionsStayFive() throws {
        let t = try TestStore()
        var doc = DocumentBuilder(id: "doc-5", mrn: "MRN-1")
        doc.entries = (0..<5).map { DocumentBuilder.condition(id: nil, code: "\($0)", display: "Condition \($0)") }
        let result = try t.mergedResult(doc)
        #expect(result.inserted == 5)
        #expect(try t.count("SELECT count(*) FROM resources WHERE resource_type = 'Condition'") == 5)
    }

    @Test func reExtractionReplacesTheContributionExactly() throws {
        let t = try TestStore()
        var first = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 3, medications: 0)
        first.extractedAt = "2026-11-28T10:00:00Z"
        _ = try t.mergedResult(first)
        let other = DocumentBuilder.clinical(id: "doc-other", mrn: "MRN-1", conditions: 2, medications: 1)
        _ = try t.mergedResult(other)
        let otherBefore = try t.snapshot("MRN-1").filter { $0.value.containsSubsequence(Array("doc-other".utf8)) }
        let c0Before = try t.snapshot("MRN-1").filter { $0.value.containsSubsequence(Array("Condition 0 of doc-1".utf8)) }

        var second = DocumentBuilder(id: "doc-1", mrn: "MRN-1")
        second.extractedAt = "2026-11-28T11:00:00Z"
        second.entries = [DocumentBuilder.condition(id: "c0", code: "44054006", display: "Condition 0 of doc-1"),   // same
                          DocumentBuilder.condition(id: "c1", code: "999", display: "changed"),                 // changed
                          DocumentBuilder.condition(id: "c9", code: "1", display: "new")]                     // new; c2 gone
        let version = try t.patientVersion("MRN-1")
        let result = try t.mergedResult(second)
        #expect((result.inserted, result.updated, result.deleted) == (1, 1, 1))
        #expect(try t.patientVersion("MRN-1") == version + 1)
        let after = try t.snapshot("MRN-1")
        #expect(after.filter { $0.value.containsSubsequence(Array("doc-other".utf8)) } == otherBefore)
        #expect(after.filter { $0.value.containsSubsequence(Array("Condition 0 of doc-1".utf8)) } == c0Before, "an unchanged resource keeps its bytes")
        #expect(try t.count("SELECT count(*) FROM resources WHERE document_id = 'doc-1'") == 3)
        #expect(try t.count("SELECT version_id FROM resources WHERE document_id = 'doc-1' AND doc_key = 'id:c1'") == 2)
        #expect(try t.count("SELECT version FROM documents WHERE document_id = 'doc-1'") == 2)
    }

    @Test func anOlderExtractionArrivingLateIsAuditedNotApplied() throws {
        let t = try TestStore()
        var newer = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 2, medications: 0)
        newer.extractedAt = "2026-11-28T12:00:00Z"
        var older = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 4, medications: 0)
        older.extractedAt = "2026-11-28T09:00:00Z"
        _ = try t.mergedResult(newer)
        #expect(try t.merge(older) == .stale(documentID: "doc-1"))
        #expect(try t.count("SELECT count(*) FROM resources") == 2)
        #expect(try t.count("SELECT count(*) FROM audit WHERE action = 'stale_extraction_ignored'") == 1)
        // And replaying the newer one afterwards is still a no-op.
        #expect(try t.merge(newer) == .unchanged(documentID: "doc-1", status: .autoApproved))
    }

    @Test func withoutExtractionTimesTheLaterFirstArrivalWinsAndReplaysNeverRevert() throws {
        let t = try TestStore()
        var a = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 1, medications: 0)
        a.extractedAt = nil
        var b = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 3, medications: 0)
        b.extractedAt = nil
        _ = try t.mergedResult(a)
        _ = try t.mergedResult(b)
        #expect(try t.merge(a) == .unchanged(documentID: "doc-1", status: .autoApproved))
        #expect(try t.count("SELECT count(*) FROM resources") == 3)
    }

    @Test func equalExtractionTimesLetTheLaterArrivalWin() throws {
        let t = try TestStore()
        var first = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 2, medications: 0)
        var second = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 4, medications: 0)
        first.extractedAt = "2026-11-28T10:00:00Z"
        second.extractedAt = "2026-11-28T10:00:00Z"
        _ = try t.mergedResult(first)
        #expect(try t.mergedResult(second).inserted == 2)
        #expect(try t.count("SELECT count(*) FROM resources WHERE document_id = 'doc-1'") == 4)
    }

    @Test func aDocumentIdOfAnotherPatientIsRefusedNamingBoth() throws {
        let t = try TestStore()
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-A"))
        guard case .refused(let error) = try t.merge(DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-B")) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.message.contains("MRN-A") && error.message.contains("MRN-B"))
        #expect(try t.count("SELECT count(*) FROM resources") == 5)
    }

    @Test func flaggedStillMergesAndKeepsItsThresholds() throws {
        let t = try TestStore()
        var doc = DocumentBuilder.clinical(id: "doc-low", mrn: "MRN-1")
        doc.confidence = 0.5
        let strict = Thresholds(minConfidence: 0.6)
        guard case .merged(let r) = try t.store.merge(try doc.prepared(thresholds: strict)) else { Issue.record("not merged"); return }
        #expect(r.status == .flagged && r.inserted == 5)
        #expect(try t.count("SELECT is_merged FROM documents WHERE document_id = 'doc-low'") == 1)
        let stored = try t.store.db.scalarText("SELECT thresholds FROM documents WHERE document_id = 'doc-low'")
        #expect(stored?.contains("\"min_confidence\":0.6") == true)
    }

    @Test func autoApprovedGetsReviewedAtAndTheUnknownPatientIsRegistered() throws {
        let t = try TestStore()
        var doc = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-NEW")
        doc.patientName = "Ana Lima"
        doc.patientBirthDate = "1970-01-02"
        _ = try t.mergedResult(doc)
        let patient = try #require(try t.store.patient(mrn: "MRN-NEW"))
        #expect(patient.name == "Ana Lima" && patient.birthDate == "1970-01-02")
        #expect(try t.count("SELECT count(*) FROM documents WHERE auto_approved = 1 AND reviewed_at IS NOT NULL") == 1)
    }

    @Test func aSecondDocumentIsJudgedAgainstTheRegistryTheFirstRegistered() throws {
        let t = try TestStore()
        var first = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-X")
        first.patientName = "Ana Lima"
        _ = try t.mergedResult(first)
        var second = DocumentBuilder.clinical(id: "doc-2", mrn: "MRN-X")
        second.addPatientEntry(name: "Smith", given: ["Robert"], birthDate: nil)
        #expect(try t.mergedResult(second).findings.map(\.code) == [.nameMismatch])
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return needle.isEmpty }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if Array(self[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}
