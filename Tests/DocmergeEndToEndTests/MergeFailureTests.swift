import DocmergeCore
import DocmergeModel
import DocmergePipeline
import DocmergeTestSupport
import Foundation
import Testing

@Suite(.serialized) struct MergeFailureTests {
    /// A real SQLite failure on some documents' writes (a trigger raising, as an I/O fault
    /// would): those documents are flagged with the reason, not merged, their files kept;
    /// the runner goes on; once the fault clears, retry merges them.
    @Test(.timeLimit(.minutes(2)))
    func failedMergesAreFlaggedKeptAndRetried() throws {
        let dir = TemporaryDirectory("docmerge-fault")
        let (inbox, db) = try dir.site()
        let config = try testConfig(in: dir, ["retry_attempts": 2, "park_seconds": 0.3])
        try drop(DocumentBuilder.clinical(id: "first", mrn: "MRN-1").bytes, name: "first.json", into: inbox)
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        let fault = try sqlite3Tool(db, "CREATE TRIGGER injected_fault BEFORE INSERT ON resources WHEN NEW.document_id LIKE 'fail-%' BEGIN SELECT RAISE(ABORT, 'injected I/O fault'); END;")
        #expect(fault.status == 0, "\(fault.output)")

        let runner = try RunnerProcess(watch: inbox, db: db, config: config)
        for name in ["fail-1", "ok-1", "fail-2", "ok-2"] {
            try drop(DocumentBuilder.clinical(id: name, mrn: "MRN-1").bytes, name: "\(name).json", into: inbox)
        }
        #expect(eventually { files(in: inbox + "/processed").count == 3 })
        let store = try RecordStore(path: db)
        #expect(eventually {
            (try? store.documentStates().filter {
                $0.documentID.hasPrefix("fail-") && $0.status == .flagged && !$0.isMerged
                    && ($0.flagReason ?? "").hasPrefix("merge failed") && ($0.flagReason ?? "").contains("injected I/O fault")
            }.count) == 2
        })
        #expect(waiting(in: inbox) == ["fail-1.json", "fail-2.json"], "failed files stay in the inbox")
        #expect(runner.isRunning)
        let listed = try DocmergeBinary.run(["review", "list", "--db", db, "--json"])
        #expect(listed.stdout.contains("fail-1") && listed.stdout.contains("merge failed"))

        // The fault clears; a steward retries one, the runner re-attempts the other by itself.
        #expect(try sqlite3Tool(db, "DROP TRIGGER injected_fault;").status == 0)
        let retry = try DocmergeBinary.run(["review", "retry", "fail-1", "--db", db])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(eventually { waiting(in: inbox).isEmpty && files(in: inbox + "/processed").count == 5 })
        runner.terminate()
        #expect(runner.wait().status == 0)
        #expect(try store.documentStates().filter(\.isMerged).count == 5)
        #expect(try store.resourceCount() == 25)
        #expect(try store.metrics().mergeFailures == 2)
        #expect(try store.verifyAudit().problem == nil)
    }

    /// The database runs out of room (a page cap, as a full disk would): the runner keeps
    /// running, keeps the files, loses nothing; after the fault clears everything merges.
    @Test(.timeLimit(.minutes(2)))
    func aFullDatabaseLosesNothing() throws {
        let dir = TemporaryDirectory("docmerge-full")
        let (inbox, db) = try dir.site()
        try drop(DocumentBuilder.clinical(id: "seed", mrn: "MRN-1").bytes, name: "seed.json", into: inbox)
        #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--once", "--quiet"]).status == 0)
        let pages = try RecordStore(path: db).pageCount()
        let config = try testConfig(in: dir, ["retry_attempts": 2, "park_seconds": 0.3, "max_db_pages": pages + 8])
        let runner = try RunnerProcess(watch: inbox, db: db, config: config)
        for i in 0..<60 {
            try drop(DocumentBuilder.clinical(id: "d\(i)", mrn: "MRN-\(i % 4)", conditions: 5, medications: 3).bytes,
                     name: "d\(i).json", into: inbox)
        }
        // Some merge, then the cap is reached: the rest wait in the inbox; the runner lives.
        #expect(eventually { files(in: inbox + "/processed").count >= 2 && !waiting(in: inbox).isEmpty })
        #expect(runner.isRunning)
        runner.terminate()
        let stopped = runner.wait()
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stderr.contains("full"), "the log says why")
        let stuck = waiting(in: inbox).count
        #expect(stuck > 0)
        // Fault cleared (no cap): everything merges, once.
        let rerun = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--config", try testConfig(in: dir), "--once", "--quiet"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(waiting(in: inbox).isEmpty)
        let store = try RecordStore(path: db)
        #expect(try store.documentStates().filter(\.isMerged).count == 61)
        #expect(try store.resourceCount() == 5 + 60 * 8)
        #expect(try store.verifyAudit().problem == nil)
    }
}

