@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Testing

/// References across a patient's documents resolve; what resolves nowhere is kept as
/// written and reported; unchanged id-less entries keep their ids.
@Suite struct ReferenceLinkTests {
    static func medication(_ id: String, mrn: String, reason: String) -> DocumentBuilder {
        var b = DocumentBuilder(id: id, mrn: mrn)
        b.entries = [DocumentBuilder.medication(text: "Metformin of \(id)", reason: reason)]
        return b
    }

    static func reasonOf(_ t: TestStore, _ documentID: String) throws -> JSON? {
        let body = try t.store.db.first("SELECT body FROM resources WHERE document_id = ? AND resource_type = 'MedicationStatement'",
                                        [documentID]) { try JSONParser.parse($0.bytes(0)) }
        return body
    }

    @Test func aReferenceToAnotherDocumentsResourcePointsAtIt() throws {
        let t = try TestStore()
        _ = try t.merge(DocumentBuilder.clinical(id: "problems", mrn: "MRN-L", conditions: 2, medications: 0))
        let target = try #require(try t.store.db.first("SELECT fhir_id FROM resources WHERE document_id = 'problems' AND doc_key = 'id:c1'") { $0.text(0) })
        _ = try t.merge(Self.medication("meds", mrn: "MRN-L", reason: "Condition/c1"))
        let med = try Self.reasonOf(t, "meds")
        #expect(med?["reasonReference"]?[0]?["reference"]?.stringValue == "Condition/\(target)")
        #expect(try t.store.unresolvedReferences(documentID: "meds").isEmpty)
        #expect(BundleReferenceCheck.check(try JSONParser.parse(try t.store.bundle(mrn: "MRN-L"))).unresolved.isEmpty)
    }

    @Test func aReferenceWaitingForALaterDocumentIsLinkedWhenItArrives() throws {
        let t = try TestStore()
        _ = try t.merge(Self.medication("meds", mrn: "MRN-W", reason: "Condition/c0"))
        #expect(try t.store.unresolvedReferences(documentID: "meds").map(\.reference) == ["Condition/c0"])
        let check = BundleReferenceCheck.check(try JSONParser.parse(try t.store.bundle(mrn: "MRN-W")))
        #expect(check.unresolved.map(\.reference) == ["Condition/c0"], "kept as written, reported")
        let before = try #require(try Self.reasonOf(t, "meds"))
        let documentVersion = try t.store.documentDetail("meds").summary.version
        _ = try t.merge(DocumentBuilder.clinical(id: "problems", mrn: "MRN-W", conditions: 1, medications: 0))
        let after = try #require(try Self.reasonOf(t, "meds"))
        let target = try #require(try t.store.db.first("SELECT fhir_id FROM resources WHERE document_id = 'problems'") { $0.text(0) })
        #expect(after["reasonReference"]?[0]?["reference"]?.stringValue == "Condition/\(target)")
        #expect(after["meta"]?["versionId"]?.stringValue == "2" && before["meta"]?["versionId"]?.stringValue == "1")
        #expect(try t.store.documentDetail("meds").summary.version == documentVersion + 1)
        #expect(try t.store.unresolvedReferences(documentID: "meds").isEmpty)
        #expect(BundleReferenceCheck.check(try JSONParser.parse(try t.store.bundle(mrn: "MRN-W"))).unresolved.isEmpty)
        // Another patient's resources are never a target.
        _ = try t.merge(Self.medication("other", mrn: "MRN-OTHER", reason: "Condition/c0"))
        #expect(try t.store.unresolvedReferences(documentID: "other").count == 1)
    }

    @Test func aVersionedReferenceToTheSameDocumentIsRewritten() throws {
        let t = try TestStore()
        var b = DocumentBuilder.clinical(id: "v", mrn: "MRN-H", conditions: 1, medications: 0)
        b.entries.append(DocumentBuilder.medication(text: "m", reason: "Condition/c0/_history/3"))
        _ = try t.merge(b)
        let target = try #require(try t.store.db.first("SELECT fhir_id FROM resources WHERE document_id = 'v' AND resource_type = 'Condition'") { $0.text(0) })
        #expect(try Self.reasonOf(t, "v")?["reasonReference"]?[0]?["reference"]?.stringValue == "Condition/\(target)")
    }

    @Test func removingTheFirstOfThreeIdlessEntriesKeepsTheOtherTwoIds() throws {
        let t = try TestStore()
        var b = DocumentBuilder(id: "idless", mrn: "MRN-I")
        b.entries = (0..<3).map { DocumentBuilder.condition(id: nil, code: String(100 + $0), display: "Condition \($0)") }
        _ = try t.merge(b)
        let ids = try t.store.db.query("SELECT fhir_id FROM resources WHERE document_id = 'idless' ORDER BY id") { $0.text(0) }
        b.entries.removeFirst()
        b.extractedAt = "2026-11-29T00:00:00Z"
        guard case .merged(let result) = try t.merge(b) else { Issue.record("not merged"); return }
        #expect(result.deleted == 1 && result.updated == 0 && result.inserted == 0)
        let after = try t.store.db.query("SELECT fhir_id, version_id FROM resources WHERE document_id = 'idless' ORDER BY id") { ($0.text(0), $0.int(1)) }
        #expect(after.map(\.0) == Array(ids.dropFirst()))
        #expect(after.allSatisfy { $0.1 == 1 }, "untouched: same bytes, same version")
    }

    @Test func identicalIdlessEntriesStayDistinct() throws {
        let t = try TestStore()
        var b = DocumentBuilder(id: "twins", mrn: "MRN-D")
        b.entries = Array(repeating: DocumentBuilder.condition(id: nil, code: "1", display: "same"), count: 2)
        guard case .merged(let result) = try t.merge(b) else { Issue.record("not merged"); return }
        #expect(result.inserted == 2)
    }
}

extension ReferenceLinkTests {
    @Test func aReferenceLeftDanglingByARollbackIsListed() throws {
        let t = try TestStore()
        _ = try t.merge(DocumentBuilder.clinical(id: "problems", mrn: "MRN-R", conditions: 1, medications: 0))
        _ = try t.merge(Self.medication("meds", mrn: "MRN-R", reason: "Condition/c0"))
        #expect(try t.store.unresolvedReferences(documentID: "meds").isEmpty)
        let untouched = try Self.reasonOf(t, "meds")?.bytes
        try t.store.rollback(documentID: "problems", reviewer: "s", reason: nil)
        #expect(try Self.reasonOf(t, "meds")?.bytes == untouched, "rollback leaves every other resource byte-identical")
        let listed = try t.store.unresolvedReferences(documentID: "meds")
        #expect(listed.count == 1 && listed[0].reference.hasPrefix("Condition/"))
        #expect(BundleReferenceCheck.check(try JSONParser.parse(try t.store.bundle(mrn: "MRN-R"))).unresolved.map(\.reference) == [listed[0].reference])
    }
}
