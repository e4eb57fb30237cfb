import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Real data: every fixture bundle, split into one document per Encounter (plus one for
/// the rest), merges with every resource once and every intra-document reference
/// resolving inside the exported Bundle; rolling back any one document leaves the rest
/// byte-identical.
@Suite struct FixtureMergeTests {
    @Test(.enabled(if: FixtureReferenceTests.fixturesPresent, "needs ../shared/fixtures/fhir"))
    func everyFixtureMergesAndRollsBackCleanly() throws {
        let files = Fixtures.bundleFiles()
        let t = try TestStore()
        var referencesChecked = 0
        for (index, file) in files.enumerated() {
            let bundle = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
            let mrn = "MRN-FX-\(index)"
            let split = FixtureSplitter.split(bundle, mrn: mrn, prefix: "fx\(index)")
            for doc in split.documents {
                let outcome = try t.merge(doc)
                guard case .merged = outcome else { Issue.record("\(file): \(doc.documentID) \(outcome)"); continue }
            }
            // Every resource present once.
            let exported = try JSONParser.parse(try t.store.bundle(mrn: mrn))
            let entries = (exported["entry"]?.arrayValue ?? []).filter { !RecordTagTests.isGenerated($0) }
            #expect(exported["type"]?.stringValue == "collection")
            #expect(entries.first?["resource"]?["resourceType"]?.stringValue == "Patient")
            #expect(entries.count == split.resourceCount + 1, "\(file)")
            var present = Set<String>()
            for entry in entries {
                let key = "\(entry["resource"]?["resourceType"]?.stringValue ?? "")/\(entry["resource"]?["id"]?.stringValue ?? "")"
                #expect(present.insert(key).inserted, "\(file): \(key) twice")
            }
            // Every intra-document reference resolves in the exported Bundle to the entry it meant.
            for doc in split.documents {
                let plan = try doc.prepared().plan
                for ref in split.internalReferences[doc.documentID] ?? [] {
                    let key = ref.targetType == "Patient" ? nil : "id:\(ref.targetID)"
                    guard let key, let target = plan.resources.first(where: { $0.resourceType == ref.targetType && $0.key == key }) else { continue }
                    #expect(present.contains("\(ref.targetType)/\(target.fhirID)"), "\(file): \(ref.reference)")
                    referencesChecked += 1
                }
                for resource in plan.resources {
                    let body = try JSONParser.parse(resource.stamped(versionID: 1, lastUpdated: "t"))
                    for reference in FixtureSplitter.references(in: body) {
                        #expect(!reference.hasPrefix("Patient/") || reference == "Patient/\(ResourceIdentity.patientFHIRID(mrn: mrn))")
                    }
                }
            }
            // Rolling back one document (the middle one) leaves the others byte-identical.
            let victim = split.documents[split.documents.count / 2].documentID
            let before = try t.snapshot(mrn)
            let removed = try t.store.rollback(documentID: victim, reviewer: "fixture-test", reason: nil)
            let after = try t.snapshot(mrn)
            #expect(before.count - after.count == removed)
            for (reference, body) in after { #expect(before[reference] == body, "\(file): \(reference) changed") }
        }
        let audit = try t.store.verifyAudit()
        #expect(audit.problem == nil, "\(audit.problem ?? "")")
        #expect(referencesChecked > 500, "the real bundles' internal references were actually followed (\(referencesChecked))")
    }
}
