import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// A refile racing a real runner that is merging both patients' documents: one
/// transaction, so the runner never sees half a move and nothing is lost on either side.
@Suite struct RefileRaceTests {
    @Test(.timeLimit(.minutes(2)))
    func aRefileRacingTheRunnerLosesNothing() async throws {
        let dir = TemporaryDirectory("docmerge-refile-race")
        let (inbox, db) = try dir.site()
        try Data("mrn,given,family,birth_date\nMRN-A,Jane,Doe,1950-03-02\nMRN-B,Ana,Lima,1970-01-02\n".utf8)
            .write(to: URL(fileURLWithPath: dir.file("reg.csv")))
        #expect(try DocmergeBinary.run(["patients", "import", dir.file("reg.csv"), "--db", db]).status == 0)
        let wrong = DocumentBuilder.clinical(id: "wrong", mrn: "MRN-A")
        try drop(wrong.bytes, name: "wrong.json", into: inbox)
        for i in 0..<10 { try drop(DocumentBuilder.clinical(id: "early-\(i)", mrn: i % 2 == 0 ? "MRN-A" : "MRN-B").bytes, name: "early-\(i).json", into: inbox) }
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)

        let runner = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<150 {
                    try drop(DocumentBuilder.clinical(id: "late-\(i)", mrn: i % 2 == 0 ? "MRN-A" : "MRN-B").bytes, name: "late-\(i).json", into: inbox)
                    if i == 40 { try drop(wrong.bytes, name: "wrong-again.json", into: inbox) }
                }
            }
            group.addTask {
                // Once the runner is busy with both patients, move the document.
                #expect(eventually { files(in: inbox + "/processed").count > 20 })
                let result = try DocmergeBinary.run(["review", "refile", "wrong", "--to", "MRN-B", "--reviewer", "ann",
                                                     "--reason", "another patient's letter", "--db", db])
                #expect(result.status == 0, "\(result.stderr)")
            }
            try await group.waitForAll()
        }
        let stopped = runner.stopOnceDrained(inbox)
        #expect(stopped.drained && stopped.status == 0, "\(stopped.stderr)")

        let store = try RecordStore(path: db)
        #expect(try store.documentStates().filter { $0.documentID.hasPrefix("late-") && $0.isMerged }.count == 150)
        #expect(try store.resourceCount() == (150 + 10 + 1) * 5)
        let placed = try store.mergedResources(documentID: "wrong").map { String(decoding: $0.body, as: UTF8.self) }
        let inB = try sqlite3Tool(db, "SELECT count(*) FROM resources r JOIN patients p ON p.id = r.patient_id WHERE r.document_id = 'wrong' AND p.mrn = 'MRN-B';")
        #expect(placed.count == 5 && inB.output.trimmingCharacters(in: .whitespacesAndNewlines) == "5" && placed.allSatisfy { !$0.contains("Patient/MRN-A") })
        #expect(placed.filter { $0.contains("\"Patient/MRN-B\"") }.count == 5)
        #expect(try store.documentDetail("wrong").summary.mrn == "MRN-B")
        // Each patient's record versions move forward in audit order, through both kinds of writer.
        for mrn in ["MRN-A", "MRN-B"] {
            let versions = try store.auditRows(mrn: mrn).compactMap { $0.detailJSON["record_version"]?.numberValue.map(Int.init) }
            #expect(versions == versions.sorted() && Set(versions).count == versions.count, "\(mrn): \(versions)")
            #expect(try store.patient(mrn: mrn)?.version == versions.last)
        }
        #expect(try store.auditRows(documentID: "wrong").map(\.action).contains("refile_in"))
        #expect(try store.verifyAudit().problem == nil)
    }
}
