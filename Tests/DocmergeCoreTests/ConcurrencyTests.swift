@testable import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct ConcurrencyTests {
    /// 8 tasks, each with its own connection (as separate processes would have), merge
    /// 50 documents each into one patient at the same time, every document twice.
    @Test(.timeLimit(.minutes(2)))
    func eightWritersOnePatient() async throws {
        let dir = TemporaryDirectory("docmerge-concurrency")
        let path = dir.file("db.sqlite")
        _ = try RecordStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let store = try RecordStore(path: path)
                    for i in 0..<50 {
                        let doc = try DocumentBuilder.clinical(id: "w\(writer)-d\(i)", mrn: "MRN-HOT", conditions: 2, medications: 1).prepared()
                        _ = try store.merge(doc)
                        _ = try store.merge(doc)   // a concurrent re-drop
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = try RecordStore(path: path)
        #expect(try store.db.scalarInt("SELECT count(*) FROM resources") == 8 * 50 * 3)
        #expect(try store.db.scalarInt("SELECT count(*) FROM (SELECT fhir_id FROM resources GROUP BY fhir_id HAVING count(*) > 1)") == 0)
        #expect(try store.db.scalarInt("SELECT count(*) FROM documents") == 400)
        #expect(try store.patient(mrn: "MRN-HOT")?.version == 400)
        let merges = try store.auditRows(after: 0).filter { $0.action == "merge" }
        #expect(merges.count == 400, "one audit row per change")
        let versions = merges.compactMap { row -> Int? in
            (try? JSONParser.parse(Array(row.detail.utf8)))?["record_version"]?.numberValue.map(Int.init)
        }
        #expect(versions == Array(1...400), "record versions strictly increasing in audit order")
        #expect(try store.verifyAudit().problem == nil)
    }
}
