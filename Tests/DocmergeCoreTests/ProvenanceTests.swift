@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Testing

/// One Provenance per merged document (IHE mXDE): its targets are exactly the document's
/// resources after merge, re-extraction, correction and rollback.
@Suite struct ProvenanceTests {
    struct Exported {
        let provenances: [String: JSON]          // document id → Provenance
        let references: [String: JSON]           // document id → DocumentReference
        let bundle: JSON
    }

    static func export(_ t: TestStore, _ mrn: String) throws -> Exported {
        let bundle = try JSONParser.parse(try t.store.bundle(mrn: mrn))
        var provenances: [String: JSON] = [:], references: [String: JSON] = [:]
        for entry in bundle["entry"]?.arrayValue ?? [] where RecordTagTests.isGenerated(entry) {
            guard let resource = entry["resource"], let source = resource["meta"]?["source"]?.stringValue else { continue }
            let document = String(source.dropFirst("document_".count))
            if resource["resourceType"]?.stringValue == "Provenance" { provenances[document] = resource } else { references[document] = resource }
        }
        return Exported(provenances: provenances, references: references, bundle: bundle)
    }

    /// The Provenance's targets without versions, and the document's resources as stored (versioned check too).
    static func expectTargetsMatch(_ t: TestStore, _ exported: Exported, _ documentID: String) throws {
        let provenance = try #require(exported.provenances[documentID])
        let targets = (provenance["target"]?.arrayValue ?? []).compactMap { $0["reference"]?.stringValue }
        let stored = try t.store.db.query("SELECT resource_type || '/' || fhir_id || '/_history/' || version_id FROM resources WHERE document_id = ? ORDER BY id",
                                          [documentID]) { $0.text(0) }
        #expect(targets == stored)
    }

    static func activity(_ provenance: JSON?) -> String? { provenance?["activity"]?["coding"]?[0]?["code"]?.stringValue }

    @Test func oneProvenancePerDocumentFollowsEveryChange() throws {
        let t = try TestStore()
        var a = DocumentBuilder.clinical(id: "doc-a", mrn: "MRN-P", conditions: 3, medications: 2)
        a.uploadedAt = "2026-11-28T10:15:00Z"
        a.confidence = 0.5
        _ = try t.merge(a)
        _ = try t.merge(DocumentBuilder.clinical(id: "doc-b", mrn: "MRN-P", conditions: 2, medications: 1))
        var exported = try Self.export(t, "MRN-P")
        #expect(exported.provenances.count == 2 && exported.references.count == 2)
        try Self.expectTargetsMatch(t, exported, "doc-a")
        try Self.expectTargetsMatch(t, exported, "doc-b")
        let p = try #require(exported.provenances["doc-a"])
        #expect(Self.activity(p) == "merge")
        #expect(p["agent"]?.arrayValue?.count == 1)
        #expect(p["agent"]?[0]?["who"]?["display"]?.stringValue?.contains("claude-3-5-sonnet") == true)
        let outcome = p["extension"]?[0]?["valueCodeableConcept"]
        #expect(outcome?["coding"]?[0]?["code"]?.stringValue == "flagged")
        #expect(outcome?["text"]?.stringValue?.contains("confidence") == true)
        #expect(exported.provenances["doc-b"]?["extension"]?[0]?["valueCodeableConcept"]?["coding"]?[0]?["code"]?.stringValue == "auto-approved")
        let reference = try #require(exported.references["doc-a"])
        #expect(reference["masterIdentifier"]?["value"]?.stringValue == "doc-a")
        #expect(reference["content"]?[0]?["attachment"]?["title"]?.stringValue == "doc-a.pdf")
        #expect(reference["date"]?.stringValue == "2026-11-28T10:15:00.000Z")
        #expect(p["entity"]?[0]?["what"]?["reference"]?.stringValue == "DocumentReference/\(reference["id"]?.stringValue ?? "")")
        #expect(BundleReferenceCheck.check(exported.bundle).unresolved.isEmpty, "targets, entity and subject resolve")

        // Re-extraction: fewer resources; the Provenance follows.
        var again = DocumentBuilder.clinical(id: "doc-a", mrn: "MRN-P", conditions: 1, medications: 1)
        again.extractedAt = "2026-11-29T10:00:00Z"
        _ = try t.merge(again)
        exported = try Self.export(t, "MRN-P")
        try Self.expectTargetsMatch(t, exported, "doc-a")
        #expect(exported.provenances["doc-a"]?["target"]?.arrayValue?.count == 2)

        // Correction: activity corrected, the steward is an agent.
        let fixed = try DocumentBuilder.clinical(id: "x", mrn: "MRN-P", conditions: 2, medications: 0).prepared().extraction.entries
        _ = try t.store.correct(documentID: "doc-a", entries: fixed, reviewer: "steward-9")
        exported = try Self.export(t, "MRN-P")
        try Self.expectTargetsMatch(t, exported, "doc-a")
        let corrected = exported.provenances["doc-a"]
        #expect(Self.activity(corrected) == "corrected")
        #expect(corrected?["agent"]?[1]?["who"]?["display"]?.stringValue == "data steward steward-9")
        #expect(corrected?["agent"]?[1]?["role"]?[0]?["coding"]?[0]?["code"]?.stringValue == "corrected")

        // Verification of the other document.
        try t.store.markCorrect(documentID: "doc-b", reviewer: "steward-9")
        exported = try Self.export(t, "MRN-P")
        #expect(Self.activity(exported.provenances["doc-b"]) == "verified")
        try Self.expectTargetsMatch(t, exported, "doc-b")

        // Rollback: the Provenance and DocumentReference leave with the resources.
        try t.store.rollback(documentID: "doc-a", reviewer: "steward-9", reason: "wrong patient")
        exported = try Self.export(t, "MRN-P")
        #expect(exported.provenances["doc-a"] == nil && exported.references["doc-a"] == nil)
        try Self.expectTargetsMatch(t, exported, "doc-b")
        #expect(BundleReferenceCheck.check(exported.bundle).unresolved.isEmpty)
    }

    @Test func generatedResourcesAreTaggedAndVersionedWithTheirDocument() throws {
        let t = try TestStore()
        _ = try t.merge(DocumentBuilder.clinical(id: "doc-v", mrn: "MRN-V"))
        let first = try #require(try Self.export(t, "MRN-V").provenances["doc-v"])
        #expect(RecordTagTests.tags(first) == ["generated"])
        #expect(first["meta"]?["versionId"]?.stringValue == "1")
        try t.store.markCorrect(documentID: "doc-v", reviewer: "s")
        #expect(try Self.export(t, "MRN-V").provenances["doc-v"]?["meta"]?["versionId"]?.stringValue == "2")
    }
}
