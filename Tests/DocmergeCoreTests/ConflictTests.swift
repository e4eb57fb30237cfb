@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// A re-ingest held aside after a person's decision: what it changes, and each way out,
/// with the conflict queue and `open_conflicts` before and after.
@Suite struct ConflictTests {
    /// doc-1 flagged and marked correct by a person, then re-extracted: c1 changed, c2
    /// gone, c3 new, the medications the same.
    func conflicted() throws -> TestStore {
        let t = try TestStore()
        var doc = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1")
        doc.confidence = 0.5
        _ = try t.mergedResult(doc)
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-bystander", mrn: "MRN-1"))
        try t.store.markCorrect(documentID: "doc-1", reviewer: "first")
        #expect(try t.merge(Self.reextraction()) == .conflict(documentID: "doc-1", status: .reviewed))
        return t
    }

    static func reextraction(_ extractedAt: String = "2026-12-01T00:00:00Z") -> DocumentBuilder {
        var newer = DocumentBuilder(id: "doc-1", mrn: "MRN-1")
        newer.extractedAt = extractedAt
        newer.entries = [
            DocumentBuilder.condition(id: "c0", code: "44054006", display: "Condition 0 of doc-1"),
            DocumentBuilder.condition(id: "c1", code: "195967001", display: "Asthma"),
            DocumentBuilder.condition(id: "c3", code: "38341003", display: "Hypertension"),
            DocumentBuilder.medication(text: "Medication 0 of doc-1", reason: "Condition/c0"),
            DocumentBuilder.medication(text: "Medication 1 of doc-1", reason: "Condition/c1"),
        ]
        return newer
    }

    func queue(_ t: TestStore) throws -> (listed: [String], open: Int) {
        var filter = RecordStore.ListFilter()
        filter.conflicts = true
        return (try t.store.reviewList(filter).map(\.documentID), try t.store.metrics().conflictsOpen)
    }

    func bystander(_ t: TestStore) throws -> [String: [UInt8]] {
        try t.snapshot("MRN-1").filter { $0.value.containsSubsequence(Array("document_doc-bystander\"".utf8)) }
    }

    @Test func theHeldExtractionShowsWhatItWouldChange() throws {
        let t = try conflicted()
        let open = try t.store.openConflicts(documentID: "doc-1")
        #expect(open.count == 1)
        let changes = try #require(open.first?.changes)
        #expect(changes.map(\.kind) == [.changed, .added, .removed])
        #expect(changes[0].before == "Condition 1 of doc-1 (2015)" && changes[0].after == "Asthma (2015)")
        #expect(changes[1].before == nil && changes[1].after == "Hypertension (2015)")
        #expect(changes[2].before == "Condition 2 of doc-1 (2015)" && changes[2].after == nil)
        #expect(changes.allSatisfy { $0.reference.hasPrefix("Condition/") })
    }

    @Test func acceptAppliesItAsAPersonsCorrection() throws {
        let t = try conflicted()
        #expect(try queue(t) == (["doc-1"], 1))
        let by = try bystander(t)
        let recordVersion = try t.patientVersion("MRN-1")
        let docVersion = try t.count("SELECT version FROM documents WHERE document_id = 'doc-1'")
        #expect { try t.store.acceptConflict(documentID: "doc-1", reviewer: "ann", expectVersion: docVersion + 5) } throws: {
            ($0 as? DocmergeError)?.kind == .conflict
        }
        let r = try t.store.acceptConflict(documentID: "doc-1", reviewer: "ann", reason: "the new scan is right", expectVersion: docVersion)
        #expect(r.kind == .accepted && r.closed == 1 && r.inserted == 1 && r.updated == 1 && r.deleted == 1)
        #expect(try queue(t) == ([], 0))
        #expect(try t.patientVersion("MRN-1") == recordVersion + 1 && r.recordVersion == recordVersion + 1)
        #expect(try t.count("SELECT version FROM documents WHERE document_id = 'doc-1'") == docVersion + 1)
        #expect(try t.store.db.scalarText("SELECT review_status || ' ' || review_action || ' ' || reviewed_by FROM documents WHERE document_id = 'doc-1'") == "reviewed correct ann")
        let bodies = try t.snapshot("MRN-1").filter { $0.value.containsSubsequence(Array("document_doc-1\"".utf8)) }
        #expect(bodies.count == 5 && bodies.values.contains { $0.containsSubsequence(Array("Asthma".utf8)) })
        #expect(try bystander(t) == by)
        let row = try #require(try t.store.auditRows(documentID: "doc-1").last)
        #expect(row.action == "conflict_accept" && row.actor == "ann" && row.detail.contains("\"before\"") && row.detail.contains("the new scan is right"))
        // People win from then on: a replay changes nothing; a newer re-ingest is held again.
        #expect(try t.merge(Self.reextraction()) == .unchanged(documentID: "doc-1", status: .reviewed))
        var newest = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 1, medications: 0)
        newest.extractedAt = "2026-12-02T00:00:00Z"
        #expect(try t.merge(newest) == .conflict(documentID: "doc-1", status: .reviewed))
        #expect(try queue(t) == (["doc-1"], 1))
        #expect(try t.store.verifyAudit().problem == nil)
    }

    @Test func dismissKeepsTheRecordAndClosesTheConflict() throws {
        let t = try conflicted()
        #expect(try queue(t) == (["doc-1"], 1))
        let before = try t.snapshot("MRN-1")
        let recordVersion = try t.patientVersion("MRN-1")
        let docVersion = try t.count("SELECT version FROM documents WHERE document_id = 'doc-1'")
        let r = try t.store.dismissConflict(documentID: "doc-1", reviewer: "ann", reason: "old scan re-sent by mistake")
        #expect(r.kind == .dismissed && r.closed == 1)
        #expect(try queue(t) == ([], 0))
        #expect(try t.snapshot("MRN-1") == before)
        #expect(try t.patientVersion("MRN-1") == recordVersion)
        #expect(try t.count("SELECT version FROM documents WHERE document_id = 'doc-1'") == docVersion + 1)
        #expect(try t.store.db.scalarText("SELECT resolution || ' ' || resolved_by || ' ' || reason FROM conflicts") == "dismissed ann old scan re-sent by mistake")
        let row = try #require(try t.store.auditRows(documentID: "doc-1").last)
        #expect(row.action == "conflict_dismiss" && row.detail.contains("old scan re-sent by mistake"))
        #expect { try t.store.dismissConflict(documentID: "doc-1", reviewer: "ann", reason: "again") } throws: {
            ($0 as? DocmergeError)?.kind == .conflict
        }
        #expect { try t.store.acceptConflict(documentID: "doc-1", reviewer: "ann") } throws: { ($0 as? DocmergeError)?.kind == .conflict }
    }

    @Test func correctingADocumentWithAnOpenConflictClosesItAndSaysSo() throws {
        let t = try conflicted()
        #expect(try queue(t) == (["doc-1"], 1))
        let entry = try EntriesDecoder.decode(.array([DocumentBuilder.condition(id: "c0", code: "1", display: "by hand")]), at: "$")
        let r = try t.store.correct(documentID: "doc-1", entries: entry, reviewer: "ann", reason: "typed from the paper")
        #expect(r.closedConflicts == 1)
        #expect(try queue(t) == ([], 0))
        #expect(try t.store.db.scalarText("SELECT resolution FROM conflicts") == "superseded")
        let row = try #require(try t.store.auditRows(documentID: "doc-1").last)
        #expect(row.action == "correct" && row.detail.contains("\"conflicts_closed\":1") && row.detail.contains("typed from the paper"))
        // Without a conflict the count is zero.
        #expect(try t.store.correct(documentID: "doc-1", entries: entry, reviewer: "ann").closedConflicts == 0)
    }

    @Test func acceptTakesTheNewestOfSeveralHeldExtractions() throws {
        let t = try conflicted()
        var older = DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1", conditions: 1, medications: 0)
        older.extractedAt = "2026-11-30T00:00:00Z"
        #expect(try t.merge(older) == .conflict(documentID: "doc-1", status: .reviewed))
        #expect(try t.store.openConflicts(documentID: "doc-1").count == 2)
        let r = try t.store.acceptConflict(documentID: "doc-1", reviewer: "ann")
        #expect(r.closed == 2)
        #expect(try t.store.db.scalarText("SELECT group_concat(resolution, ',') FROM (SELECT resolution FROM conflicts ORDER BY id)") == "accepted,superseded")
        #expect(try t.snapshot("MRN-1").values.contains { $0.containsSubsequence(Array("Asthma".utf8)) })
        #expect(try queue(t) == ([], 0))
    }
}
