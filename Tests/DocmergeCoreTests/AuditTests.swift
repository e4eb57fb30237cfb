@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct AuditTests {
    func populated() throws -> TestStore {
        let t = try TestStore()
        for i in 0..<6 { _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-\(i)", mrn: "MRN-1")) }
        try t.store.rollback(documentID: "doc-2", reviewer: "steward", reason: "test")
        return t
    }

    @Test func intactChainVerifies() throws {
        let t = try populated()
        let result = try t.store.verifyAudit()
        #expect(result.problem == nil && result.rows == 8)
    }

    @Test func rowsAreAppendOnlyThroughSQL() throws {
        let t = try populated()
        #expect(throws: (any Error).self) { try t.store.db.execute("UPDATE audit SET actor = 'x' WHERE seq = 3") }
        #expect(throws: (any Error).self) { try t.store.db.execute("DELETE FROM audit WHERE seq = 3") }
    }

    @Test func anEditIsFoundAndNamed() throws {
        let t = try populated()
        let r = try sqlite3Tool(t.path, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 4;")
        #expect(r.status == 0, "\(r.output)")
        let result = try RecordStore(path: t.path).verifyAudit()
        #expect(result.brokenSeq == 4)
        #expect(result.problem?.contains("row 4") == true)
    }

    @Test func aDeletionIsFound() throws {
        let t = try populated()
        _ = try sqlite3Tool(t.path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 3;")
        let result = try RecordStore(path: t.path).verifyAudit()
        #expect(result.brokenSeq == 4, "\(result.problem ?? "")")
    }

    @Test func deletingTheLastRowIsFound() throws {
        let t = try populated()
        _ = try sqlite3Tool(t.path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 8;")
        let result = try RecordStore(path: t.path).verifyAudit()
        #expect(result.problem != nil)
    }

    @Test func aReorderingIsFound() throws {
        let t = try populated()
        _ = try sqlite3Tool(t.path, "DROP TRIGGER audit_no_update; UPDATE audit SET seq = -1 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = 6; UPDATE audit SET seq = 6 WHERE seq = -1;")
        let result = try RecordStore(path: t.path).verifyAudit()
        #expect(result.brokenSeq == 5, "\(result.problem ?? "")")
    }
}

/// Issue 14, item 2: records the audit cannot account for.
@Suite struct AuditRecordsTests {
    @Test func aReviewDecisionWithoutItsRowIsFound() throws {
        let t = try TestStore()
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1"))
        try t.store.markCorrect(documentID: "doc-1", reviewer: "steward")
        #expect(try t.store.verifyAudit().problem == nil)
        let last = try #require(try t.store.db.scalarInt("SELECT max(seq) FROM audit"))
        let tamper = try sqlite3Tool(t.path, """
            DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = \(last);
            UPDATE audit_head SET seq = \(last - 1), hash = (SELECT hash FROM audit WHERE seq = \(last - 1));
            """)
        #expect(tamper.status == 0, "\(tamper.output)")
        let result = try RecordStore(path: t.path).verifyAudit()
        #expect(result.problem?.contains("the review decision on document doc-1 has no audit row") == true, "\(result.problem ?? "none")")
    }

    @Test func aResourceNoRowWroteIsFound() throws {
        let t = try TestStore()
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1"))
        _ = try sqlite3Tool(t.path, "UPDATE resources SET version_id = 7 WHERE id = (SELECT min(id) FROM resources);")
        let result = try RecordStore(path: t.path).verifyAudit()
        #expect(result.problem?.contains("has no audit row that wrote it") == true, "\(result.problem ?? "none")")
    }

    @Test func aRelinkedResourceNoRowWroteIsFound() throws {
        let t = try TestStore()
        var waiting = DocumentBuilder(id: "doc-a", mrn: "MRN-1")
        waiting.entries = [DocumentBuilder.medication(text: "Metformin", reason: "Condition/c1")]
        _ = try t.merge(waiting)
        var target = DocumentBuilder(id: "doc-b", mrn: "MRN-1")
        target.entries = [DocumentBuilder.condition(id: "c1", code: "44054006", display: "Diabetes")]
        _ = try t.merge(target)
        #expect(try t.count("SELECT version_id FROM resources WHERE document_id = 'doc-a'") == 2, "doc-b's merge relinked it")
        #expect(try t.store.verifyAudit().problem == nil, "the relinking row accounts for version 2")
        _ = try sqlite3Tool(t.path, "UPDATE resources SET version_id = 3 WHERE document_id = 'doc-a';")
        let result = try RecordStore(path: t.path).verifyAudit()
        #expect(result.problem?.contains("of document doc-a has no audit row that wrote it") == true, "\(result.problem ?? "none")")
    }

    /// A rollback lists `Type/id` strings, not objects: no resource check may try to read them as objects.
    @Test func aRollbackRowsResourceListIsNotReadAsObjects() throws {
        let t = try TestStore()
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1"))
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-2", mrn: "MRN-1"))
        try t.store.rollback(documentID: "doc-1", reviewer: "steward", reason: "relinked")
        #expect(try t.store.verifyAudit().problem == nil)
    }
}
