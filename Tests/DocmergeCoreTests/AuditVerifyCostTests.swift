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

    @Test func checkingResourcesIsLinearInTheRowThatWroteThem() throws {
        let small = try verifySteps(entries: 100)
        let large = try verifySteps(entries: 400)
        #expect(small > 0)
        #expect(large < small * 6, "100 entries: \(small) operations; 400 entries: \(large)")
    }
}
