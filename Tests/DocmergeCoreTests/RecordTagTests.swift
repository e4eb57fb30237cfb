@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Testing

/// Unverified data is marked: every resource of a flagged document carries the
/// `unverified` tag until a person decides; removing it is a change like any other.
@Suite struct RecordTagTests {
    static func tags(_ resource: JSON?) -> [String] {
        (resource?["meta"]?["tag"]?.arrayValue ?? []).filter { $0["system"]?.stringValue == RecordCodes.system }
            .compactMap { $0["code"]?.stringValue }
    }

    static func isGenerated(_ entry: JSON) -> Bool { tags(entry["resource"]).contains("generated") }

    static func merged(_ t: TestStore, _ documentID: String) throws -> [JSON] {
        try t.store.db.query("SELECT body FROM resources WHERE document_id = ? ORDER BY id", [documentID]) {
            try JSONParser.parse($0.bytes(0))
        }
    }

    static func flaggedAndApproved(_ t: TestStore) throws {
        var low = DocumentBuilder.clinical(id: "low", mrn: "MRN-T")
        low.confidence = 0.5
        guard case .merged(let result) = try t.merge(low) else { throw DocmergeError(.failure, "not merged") }
        #expect(result.status == .flagged)
        #expect(try t.mergedResult(DocumentBuilder.clinical(id: "good", mrn: "MRN-T")).status == .autoApproved)
    }

    @Test func flaggedDataIsTaggedApprovedDataIsNot() throws {
        let t = try TestStore()
        try Self.flaggedAndApproved(t)
        let low = try Self.merged(t, "low")
        #expect(low.count == 5 && low.allSatisfy { Self.tags($0) == ["unverified"] })
        let tag = try #require(low.first?["meta"]?["tag"]?[0])
        #expect(tag["display"]?.stringValue?.contains("not yet checked by a person") == true)
        #expect(try Self.merged(t, "good").allSatisfy { Self.tags($0).isEmpty })
    }

    @Test func markCorrectRemovesTheTagAsAVersionedAuditedChange() throws {
        let t = try TestStore()
        try Self.flaggedAndApproved(t)
        let versionBefore = try t.patientVersion("MRN-T")
        let untouched = try Self.merged(t, "good").map(\.bytes)
        try t.store.markCorrect(documentID: "low", reviewer: "steward-1")
        let low = try Self.merged(t, "low")
        #expect(low.allSatisfy { Self.tags($0).isEmpty })
        #expect(low.allSatisfy { $0["meta"]?["versionId"]?.stringValue == "2" })
        #expect(try t.patientVersion("MRN-T") == versionBefore + 1)
        #expect(try Self.merged(t, "good").map(\.bytes) == untouched)
        let audit = try #require(try t.store.auditRows(documentID: "low").last)
        #expect(audit.action == "mark_correct" && audit.actor == "steward-1")
        let detail = try JSONParser.parse(Array(audit.detail.utf8))
        #expect(detail["unverified_tags_removed"]?.numberValue == 5)
        #expect(detail["resources"]?.arrayValue?.count == 5)
        #expect(try t.store.verifyAudit().problem == nil)
        // Marking an auto-approved document correct changes no data.
        try t.store.markCorrect(documentID: "good", reviewer: "steward-1")
        #expect(try Self.merged(t, "good").map(\.bytes) == untouched)
        #expect(try t.patientVersion("MRN-T") == versionBefore + 1)
    }

    @Test func correctAlsoRemovesTheTag() throws {
        let t = try TestStore()
        try Self.flaggedAndApproved(t)
        let fixed = try DocumentBuilder.clinical(id: "x", mrn: "MRN-T", conditions: 1, medications: 0).prepared().extraction.entries
        _ = try t.store.correct(documentID: "low", entries: fixed, reviewer: "steward-2")
        let low = try Self.merged(t, "low")
        #expect(low.count == 1 && Self.tags(low[0]).isEmpty)
    }

    @Test func verifiedOnlyLeavesOutExactlyTheFlaggedDocumentsResources() throws {
        let t = try TestStore()
        try Self.flaggedAndApproved(t)
        var options = BundleOptions()
        options.verifiedOnly = true
        let exported = try t.store.export(mrn: "MRN-T", options)
        #expect(exported.leftOut == 5 && exported.leftOutDocuments == 1)
        let entries = try JSONParser.parse(exported.bytes)["entry"]?.arrayValue ?? []
        let ids = Set(entries.compactMap { entry -> String? in
            guard let r = entry["resource"], !Self.isGenerated(entry) else { return nil }
            return "\(r["resourceType"]?.stringValue ?? "")/\(r["id"]?.stringValue ?? "")"
        })
        let all = Set(try t.store.resourceBodies(mrn: "MRN-T").map(\.reference))
        let flagged = Set(try t.store.db.query("SELECT resource_type || '/' || fhir_id FROM resources WHERE document_id = 'low'") { $0.text(0) })
        #expect(ids == all.subtracting(flagged).union(["Patient/MRN-T"]))
        #expect(entries.filter(Self.isGenerated).count == 2, "only the verified document's DocumentReference and Provenance")
        #expect(BundleReferenceCheck.check(try JSONParser.parse(exported.bytes)).unresolved.isEmpty)
        try t.store.markCorrect(documentID: "low", reviewer: "steward-1")
        #expect(try t.store.export(mrn: "MRN-T", options).leftOut == 0)
    }
}

extension RecordTagTests {
    /// Refile keeps the mark (the document is judged again for its new patient); accepting a
    /// held re-extraction is a person's decision and removes it.
    @Test func refileKeepsTheTagAndAcceptingAConflictRemovesIt() throws {
        let t = try TestStore()
        try Self.flaggedAndApproved(t)
        _ = try t.merge(DocumentBuilder.clinical(id: "other", mrn: "MRN-T2"))
        _ = try t.store.refile(documentID: "low", toMRN: "MRN-T2", reviewer: "steward-3", reason: "wrong patient")
        let moved = try Self.merged(t, "low")
        #expect(moved.count == 5 && moved.allSatisfy { Self.tags($0) == ["unverified"] })
        let provenance = try #require(try ProvenanceTests.export(t, "MRN-T2").provenances["low"])
        #expect(provenance["agent"]?[1]?["role"]?[0]?["coding"]?[0]?["code"]?.stringValue == "refiled")
        #expect(try ProvenanceTests.export(t, "MRN-T").provenances["low"] == nil)
        var again = DocumentBuilder.clinical(id: "low", mrn: "MRN-T2", conditions: 2, medications: 1)
        again.extractedAt = "2026-11-30T00:00:00Z"
        guard case .conflict = try t.merge(again) else { Issue.record("a re-ingest after a person's decision is a conflict"); return }
        _ = try t.store.acceptConflict(documentID: "low", reviewer: "steward-3")
        let accepted = try Self.merged(t, "low")
        #expect(accepted.count == 3 && accepted.allSatisfy { Self.tags($0).isEmpty })
        #expect(ProvenanceTests.activity(try ProvenanceTests.export(t, "MRN-T2").provenances["low"]) == "corrected")
    }
}
