#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

@Suite(.serialized) struct CrashSafetyTests {
    /// 2,000 files; the runner is killed with SIGKILL at random moments several times and
    /// restarted until done. Nothing lost, nothing duplicated, the audit intact and
    /// audit.jsonl holding exactly the committed audit rows.
    @Test(.timeLimit(.minutes(5)))
    func killNineAtRandomMomentsLosesNothing() throws {
        let dir = TemporaryDirectory("docmerge-crash")
        let (inbox, db) = try dir.site()
        var generator = SystemRandomNumberGenerator()
        var expectedResources: [String: Int] = [:]
        var valid = 0, malformed = 0
        var originals: [DocumentBuilder] = []
        for i in 0..<2000 {
            let name = String(format: "f%04d.json", i)
            if i % 40 == 7 {
                try drop(Array("{\"document\": {\"id\": \"broken-\(i)\"".utf8), name: name, into: inbox)
                malformed += 1
            } else if i % 25 == 3, let original = originals.randomElement(using: &generator) {
                try drop(original.bytes, name: name, into: inbox)   // a re-drop under a new name
                valid += 1
            } else {
                let doc = DocumentBuilder.clinical(id: "doc-\(i)", mrn: "MRN-\(i % 37)", conditions: 1 + i % 5, medications: i % 3)
                try drop(doc.bytes, name: name, into: inbox)
                originals.append(doc)
                expectedResources[doc.documentID] = 1 + i % 5 + i % 3
                valid += 1
            }
        }
        let config = try testConfig(in: dir, ["batch_max": 32])
        var kills = 0
        var interrupted = 0
        for _ in 0..<5 {
            let runner = try RunnerProcess(watch: inbox, db: db, config: config, extra: ["--quiet"])
            usleep(UInt32.random(in: 80_000...400_000, using: &generator))
            runner.kill9()
            _ = runner.wait()
            kills += 1
            if !waiting(in: inbox).isEmpty { interrupted += 1 }
        }
        let final = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--config", config, "--once", "--quiet"])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(kills == 5)
        #expect(interrupted >= 1, "at least one kill landed while files were still waiting")

        // Every file in processed/ or rejected/, none twice, none left.
        #expect(waiting(in: inbox).isEmpty)
        #expect(files(in: inbox + "/processed").count == valid)
        let rejected = files(in: inbox + "/rejected")
        #expect(rejected.filter { !$0.hasSuffix(".error.json") }.count == malformed)
        #expect(rejected.filter { $0.hasSuffix(".error.json") }.count == malformed)
        // Every valid document merged exactly once.
        let store = try RecordStore(path: db)
        #expect(try store.documentCount() == expectedResources.count)
        let actual = try store.resourceCountsByDocument()
        let wrong = expectedResources.filter { actual[$0.key] != $0.value }.map(\.key).sorted()
        #expect(wrong.isEmpty, "documents with the wrong resources: \(wrong.prefix(10))")
        #expect(actual.count == expectedResources.count)
        #expect(try store.duplicateResourceIDCount() == 0)
        // The audit: intact, one merge row per document, and audit.jsonl = the committed rows.
        #expect(try store.verifyAudit().problem == nil)
        #expect(try store.auditRows(after: 0, limit: Int.max).filter { $0.action == "merge" }.count == expectedResources.count)
        let rows = try store.auditRows(after: 0, limit: 1_000_000)
        let lines = try String(contentsOfFile: dir.file("audit.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == rows.count)
        let hashes = lines.map { (try? JSONParser.parse(Array($0.utf8)))?["hash"]?.stringValue ?? "" }
        #expect(hashes == rows.map(\.hash))
    }
}
