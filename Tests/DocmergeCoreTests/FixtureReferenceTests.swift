import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Real data, split into one document per Encounter plus one for the rest (merged last,
/// although the encounters point at its practitioners and organizations), all of one
/// patient: every reference of the exported record resolves under FHIR's own bundle rules
/// (`BundleReferenceCheck`, no docmerge matching). On main before issue 11: 7,962 of
/// 8,378 references resolved nowhere (URN fullUrls give relative references no meaning,
/// and references across documents were kept as the extractor wrote them).
@Suite struct FixtureReferenceTests {
    static var fixturesPresent: Bool { !Fixtures.bundleFiles().isEmpty }

    @Test(.enabled(if: fixturesPresent, "needs ../shared/fixtures/fhir"))
    func everyReferenceOfEveryFixtureRecordResolves() throws {
        let t = try TestStore()
        var total = 0
        var unresolved: [String] = []
        for (index, file) in Fixtures.bundleFiles().enumerated() {
            let bundle = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
            let mrn = "MRN-REF-\(index)"
            let split = FixtureSplitter.split(bundle, mrn: mrn, prefix: "ref\(index)")
            for (i, var doc) in split.documents.enumerated() {
                if i % 2 == 1 { doc.confidence = 0.5 }   // flagged: its resources carry the unverified tag
                guard case .merged = try t.merge(doc) else { Issue.record("\(file): \(doc.documentID) not merged"); continue }
            }
            if split.documents.count > 3 {
                try t.store.markCorrect(documentID: split.documents[3].documentID, reviewer: "fixture-steward")
            }
            let unverified = try t.count("""
                SELECT count(*) FROM resources r JOIN documents d ON d.document_id = r.document_id
                WHERE d.review_status = 'flagged' AND r.patient_id = (SELECT id FROM patients WHERE mrn = ?)
                """, mrn)
            let exported = try t.store.bundle(mrn: mrn)
            if let directory = ProcessInfo.processInfo.environment["DOCMERGE_FHIR_EXPORTS"], !directory.isEmpty {
                // For Tests/fhir_validate.py (an outside R4 validator), which .ci/run runs afterwards.
                try Data(exported).write(to: URL(fileURLWithPath: directory).appendingPathComponent(URL(fileURLWithPath: file).lastPathComponent))
            }
            let parsed = try JSONParser.parse(exported)
            let tagged = (parsed["entry"]?.arrayValue ?? []).filter { RecordTagTests.tags($0["resource"]).contains("unverified") }
            #expect(tagged.count == unverified, "\(file)")
            let report = BundleReferenceCheck.check(parsed)
            total += report.references
            unresolved += report.unresolved.map { "\(URL(fileURLWithPath: file).lastPathComponent): \($0.resource) → \($0.reference)" }
        }
        print("FIXTURE-REFERENCES total=\(total) unresolved=\(unresolved.count)")
        #expect(total > 5_000)
        #expect(unresolved.count == 0, "e.g. \(unresolved.prefix(10))")
    }
}
