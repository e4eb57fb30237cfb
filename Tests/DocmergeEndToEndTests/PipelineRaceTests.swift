import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Synchronization
import Testing

@Suite(.serialized) struct PipelineRaceTests {
    /// A steward rolls back one document and corrects another of the patient the runner is
    /// merging into, from other processes, while its documents keep arriving: the runner's
    /// plans made before those changes fail their version check and are planned again.
    /// Both changes survive, nothing is duplicated, the audit has both.
    @Test(.timeLimit(.minutes(2)))
    func rollbackAndCorrectRaceTheRunnerOnOnePatient() async throws {
        let dir = TemporaryDirectory("docmerge-race2")
        let (inbox, db) = try dir.site()
        for i in 0..<10 { try drop(DocumentBuilder.clinical(id: "base-\(i)", mrn: "MRN-R").bytes, name: "base-\(i).json", into: inbox) }
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        let entries = dir.file("entries.json")
        try Data("[\(DocumentBuilder.condition(id: "fixed", code: "9", display: "corrected").text)]".utf8)
            .write(to: URL(fileURLWithPath: entries))
        let runner = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for i in 0..<120 {
                    try drop(DocumentBuilder.clinical(id: "new-\(i)", mrn: "MRN-R").bytes, name: "new-\(i).json", into: inbox)
                }
            }
            group.addTask {
                for i in 0..<5 {
                    let rolled = try DocmergeBinary.run(["review", "rollback", "base-\(i)", "--reviewer", "r", "--db", db])
                    #expect(rolled.status == 0, "\(rolled.stderr)")
                    let corrected = try DocmergeBinary.run(["review", "correct", "base-\(i + 5)", "--entries", entries,
                                                            "--reviewer", "r", "--db", db])
                    #expect(corrected.status == 0, "\(corrected.stderr)")
                }
            }
            try await group.waitForAll()
        }
        let stopped = runner.stopOnceDrained(inbox)
        #expect(stopped.drained && stopped.status == 0, "\(stopped.stderr)")
        let store = try RecordStore(path: db)
        for i in 0..<5 {
            #expect(try store.documentSnapshot(documentID: "base-\(i)")?.resources.isEmpty == true, "rollback survived")
            let corrected = try #require(try store.documentSnapshot(documentID: "base-\(i + 5)"))
            #expect(corrected.resources.count == 1 && corrected.status == .reviewed, "correction survived")
        }
        for i in 0..<120 {
            #expect(try store.documentSnapshot(documentID: "new-\(i)")?.resources.count == 5, "merged once")
            #expect(try store.auditRows(documentID: "new-\(i)").filter { $0.action == "merge" }.count == 1)
        }
        let actions = try store.auditRows(mrn: "MRN-R").map(\.action)
        #expect(actions.filter { $0 == "rollback" }.count == 5)
        #expect(actions.filter { $0.hasPrefix("correct") }.count == 5)
        let versions = try store.auditRows(mrn: "MRN-R").compactMap { row -> Int? in
            (try? JSONParser.parse(Array(row.detail.utf8)))?["record_version"]?.numberValue.map(Int.init)
        }
        #expect(versions == versions.sorted(), "record versions move forward in audit order")
        #expect(try store.verifyAudit().problem == nil)
    }

    /// One patient's record keeps being changed by another process (its documents replan
    /// again and again); another patient's documents go through meanwhile, all of them.
    @Test(.timeLimit(.minutes(2)))
    func aContendedPatientDoesNotHoldBackAnother() async throws {
        let dir = TemporaryDirectory("docmerge-two")
        let (inbox, db) = try dir.site()
        for i in 0..<4 { try drop(DocumentBuilder.clinical(id: "s-base-\(i)", mrn: "MRN-SLOW").bytes, name: "s-base-\(i).json", into: inbox) }
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        let entries = dir.file("entries.json")
        try Data("[\(DocumentBuilder.condition(id: "c", code: "1", display: "x").text)]".utf8).write(to: URL(fileURLWithPath: entries))
        let runner = try RunnerProcess(watch: inbox, db: db, config: try testConfig(in: dir), extra: ["--quiet"])
        let fastDone = TestFlag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Contention on MRN-SLOW until the other patient is through.
                var i = 0
                while !fastDone.isSet {
                    _ = try DocmergeBinary.run(["review", "correct", "s-base-\(i % 4)", "--entries", entries, "--reviewer", "r", "--db", db])
                    i += 1
                }
            }
            group.addTask {
                for i in 0..<60 {
                    try drop(DocumentBuilder.clinical(id: "s-\(i)", mrn: "MRN-SLOW").bytes, name: "s-\(i).json", into: inbox)
                    try drop(DocumentBuilder.clinical(id: "f-\(i)", mrn: "MRN-FAST").bytes, name: "f-\(i).json", into: inbox)
                }
                let fastThrough = eventually { files(in: inbox + "/processed").filter { $0.hasPrefix("f-") }.count == 60 }
                fastDone.set()
                #expect(fastThrough, "the other patient proceeded while the first was contended")
            }
            try await group.waitForAll()
        }
        let stopped = runner.stopOnceDrained(inbox)
        #expect(stopped.drained && stopped.status == 0, "\(stopped.stderr)")
        let store = try RecordStore(path: db)
        for i in 0..<60 {
            #expect(try store.documentSnapshot(documentID: "s-\(i)")?.resources.count == 5)
            #expect(try store.documentSnapshot(documentID: "f-\(i)")?.resources.count == 5)
        }
        #expect(try store.verifyAudit().problem == nil)
    }
}

final class TestFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
