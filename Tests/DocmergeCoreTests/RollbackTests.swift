import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Testing

@Suite struct RollbackTests {
    @Test func removesExactlyTheDocumentsResourcesAndLeavesEveryOtherByteIdentical() throws {
        let t = try TestStore()
        for i in 0..<10 { _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-\(i)", mrn: "MRN-1", conditions: 2 + i % 3, medications: 1)) }
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-other-patient", mrn: "MRN-2"))
        let before = try t.snapshot("MRN-1")
        let beforeOther = try t.snapshot("MRN-2")
        let target = try t.store.resourceBodies(mrn: "MRN-1").filter { $0.body.containsSubsequence(Array("document_doc-4\"".utf8)) }
        let version = try t.patientVersion("MRN-1")

        let removed = try t.store.rollback(documentID: "doc-4", reviewer: "nurse.kim", reason: "wrong patient")
        #expect(removed == target.count && removed == 4)
        let after = try t.snapshot("MRN-1")
        var expected = before
        for r in target { expected.removeValue(forKey: r.reference) }
        #expect(after == expected)
        #expect(try t.snapshot("MRN-2") == beforeOther)
        #expect(try t.patientVersion("MRN-1") == version + 1)
        let audit = try #require(try t.store.auditRows(documentID: "doc-4").last)
        #expect(audit.action == "rollback" && audit.actor == "nurse.kim")
        #expect(audit.detail.contains("\"removed\":4") && audit.detail.contains("wrong patient"))
        #expect(try t.count("SELECT count(*) FROM documents WHERE document_id = 'doc-4' AND review_status = 'rejected' AND is_merged = 0") == 1)
    }

    @Test func rollingBackTwiceSaysThereIsNothingToRollBack() throws {
        let t = try TestStore()
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "doc-1", mrn: "MRN-1"))
        try t.store.rollback(documentID: "doc-1", reviewer: "r", reason: nil)
        #expect { try t.store.rollback(documentID: "doc-1", reviewer: "r", reason: nil) } throws: { error in
            (error as? DocmergeError)?.kind == .conflict && "\(error)".contains("nothing merged")
        }
        #expect { try t.store.rollback(documentID: "nope", reviewer: "r", reason: nil) } throws: { error in
            (error as? DocmergeError)?.kind == .notFound
        }
    }
}
