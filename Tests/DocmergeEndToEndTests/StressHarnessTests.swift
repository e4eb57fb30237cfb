import DocmergeCore
import DocmergeModel
import DocmergeStressKit
import DocmergeTestSupport
import Foundation
import Testing

@Suite(.serialized) struct StressHarnessTests {
    /// A small stress run in the normal suite: hundreds of documents of every kind,
    /// dropped at 300 per second, the runner killed with SIGKILL once 40 and once 150
    /// files are done (while more wait), review actions at the same time;
    /// the checker must find every guarantee holding. Then the checker is checked:
    /// corrupting the finished run must be reported, violation by violation.
    @Test(.timeLimit(.minutes(4)))
    func smallStressRunPassesAndTheCheckerCatchesCorruption() throws {
        let dir = TemporaryDirectory("docmerge-stress")
        var options = StressRun.Options(workDir: dir.path)
        options.spec.documents = 300
        options.spec.patients = 25
        options.spec.seed = 2026
        options.rate = 300
        options.killAtProcessed = [40, 150]
        options.rssLimitMiB = 256   // guarantee 10: the runner's peak memory stays bounded
        options.log = { _ in }
        let outcome = try StressRun(options: options).run()
        #expect(outcome.report.passed, "\(outcome.report.text)")
        #expect(outcome.kills >= 1, "at least one kill -9 landed mid-run (two are scheduled)")

        let expected = try JSONDecoder().decode(ExpectedState.self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("expected.json"))))
        let db = dir.file("docmerge.sqlite")
        // The re-ingests after decisions are not part of expected.json: count them in.
        var withReingests = expected
        withReingests.files += (try FileManager.default.contentsOfDirectory(atPath: dir.file("inbox/processed"))).filter { $0.hasPrefix("zz-reingest") }

        let victim = try #require(try Self.resourceRow(db, "SELECT id, document_id FROM resources ORDER BY id LIMIT 1;"))
        #expect(try sqlite3Tool(db, "DELETE FROM resources WHERE id = \(victim.0);").status == 0)
        let afterDelete = try Checker(expected: withReingests, inbox: dir.file("inbox"), dbPath: db).run()
        #expect(afterDelete.violations(of: "2").contains { $0.hasPrefix(victim.1) }, "a deleted resource row is reported")

        let copy = try #require(try Self.resourceRow(db, "SELECT id, document_id FROM resources ORDER BY id DESC LIMIT 1;"))
        #expect(try sqlite3Tool(db, "INSERT INTO resources(patient_id, document_id, resource_type, doc_key, fhir_id, version_id, content_hash, body) SELECT patient_id, document_id, resource_type, doc_key || '-copy', fhir_id, version_id, content_hash, body FROM resources WHERE id = \(copy.0);").status == 0)
        let afterDuplicate = try Checker(expected: withReingests, inbox: dir.file("inbox"), dbPath: db).run()
        #expect(afterDuplicate.violations(of: "2").contains { $0.contains("stored more than once") }, "a duplicated resource is reported")
        #expect(afterDuplicate.violations(of: "2").contains { $0.hasPrefix(copy.1) })

        #expect(try sqlite3Tool(db, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 5;").status == 0)
        let afterAuditDrop = try Checker(expected: withReingests, inbox: dir.file("inbox"), dbPath: db).run()
        #expect(!afterAuditDrop.violations(of: "5").isEmpty, "a dropped audit row is reported")
        #expect(!afterAuditDrop.passed)
    }

    /// One resource row's id and document, read with the `sqlite3` tool (the test tampers
    /// with rows the store's API never names).
    static func resourceRow(_ db: String, _ sql: String) throws -> (Int, String)? {
        let fields = try sqlite3Tool(db, sql).output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|", maxSplits: 1)
        guard fields.count == 2, let id = Int(fields[0]) else { return nil }
        return (id, String(fields[1]))
    }
}
