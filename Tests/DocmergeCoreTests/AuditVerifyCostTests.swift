@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Testing

/// `audit verify` costs in proportion to what it reads. Counted in SQLite's operations, not
/// timed: a document of 4× the entries must cost about 4× as much, not 16× (every resource
/// once searched its document's merge row from the start, re-reading the whole row).
@Suite struct AuditVerifyCostTests {
    /// SQLite operations one `verifyAudit()` runs over a record of one document with `entries` entries.
    func verifySteps(entries: Int) throws -> Int {
        let t = try TestStore()
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "big-1", mrn: "MRN-1", conditions: entries, medications: 0))
        let before = t.store.db.vmSteps
        let result = try t.store.verifyAudit()
        #expect(result.problem == nil, "\(result.problem ?? "")")
        return t.store.db.vmSteps - before
    }

    /// The same over `entries` resources of one document that a later document's merge relinked
    /// (one row lists them all), with that row's count of relinks.
    func relinkSteps(entries: Int) throws -> (steps: Int, relinked: Int) {
        let t = try TestStore()
        var waiting = DocumentBuilder(id: "doc-a", mrn: "MRN-1")
        waiting.entries = (0..<entries).map { DocumentBuilder.medication(text: "Medication \($0)", reason: "Condition/c1") }
        _ = try t.merge(waiting)
        var target = DocumentBuilder(id: "doc-b", mrn: "MRN-1")
        target.entries = [DocumentBuilder.condition(id: "c1", code: "44054006", display: "Diabetes")]
        _ = try t.merge(target)
        let relinked = try t.count("""
            SELECT count(*) FROM audit a, json_each(a.detail, '$.resources') e
            WHERE a.document_id = 'doc-b' AND json_extract(e.value, '$.change') = 'relinked'
            """)
        let before = t.store.db.vmSteps
        let result = try t.store.verifyAudit()
        #expect(result.problem == nil, "\(result.problem ?? "")")
        return (t.store.db.vmSteps - before, relinked)
    }

    @Test func checkingResourcesIsLinearInTheRowThatWroteThem() throws {
        let small = try verifySteps(entries: 100)
        let large = try verifySteps(entries: 400)
        #expect(small > 0)
        #expect(large < small * 6, "100 entries: \(small) operations; 400 entries: \(large)")
    }

    @Test func checkingRelinkedResourcesIsLinearInTheRowThatRelinkedThem() throws {
        let small = try relinkSteps(entries: 100)
        let large = try relinkSteps(entries: 400)
        #expect(small.relinked == 100 && large.relinked == 400, "the later merge relinks every waiting resource")
        #expect(large.steps < small.steps * 6, "100 relinked: \(small.steps) operations; 400 relinked: \(large.steps)")
    }
}
