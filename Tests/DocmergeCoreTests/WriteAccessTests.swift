import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

@Suite struct WriteAccessTests {
    /// A write SQLite refuses as read-only becomes the steward's sentence; other errors do not.
    @Test func aReadOnlyRefusalFromSQLiteBecomesTheSentence() throws {
        let t = try TestStore()
        _ = try t.mergedResult(DocumentBuilder.clinical(id: "d", mrn: "MRN-1"))
        let reader = try RecordStore(path: t.path, readOnly: true)
        do {
            try reader.markCorrect(documentID: "d", reviewer: "ann")
            Issue.record("a read-only connection wrote")
        } catch {
            let refusal = try #require(WriteAccess.refusal(for: error, path: t.path))
            #expect(refusal.message == "You cannot write \(t.path); run as the docmerge user or join its group." && refusal.exitCode == 4)
        }
        #expect(WriteAccess.refusal(for: DocmergeError(.failure, "other"), path: t.path) == nil)
        #expect(WriteAccess.allowed(databasePath: t.path), "root, or the owner, may write")
    }
}
