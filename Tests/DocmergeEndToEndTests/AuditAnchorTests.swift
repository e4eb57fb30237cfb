#if canImport(Glibc)
import Glibc
#endif
import DocmergeCore
import DocmergeModel
import DocmergeTestSupport
import Foundation
import Testing

/// Issue 14, item 2: a trail that lost its newest rows, or all of them, must not verify.
/// Each attack is made by an outsider on the files a real runner wrote.
@Suite(.serialized) struct AuditAnchorTests {
    /// A database and its audit.jsonl from a real `run --once`: 3 patients, 12 documents.
    func site(_ dir: TemporaryDirectory) throws -> (inbox: String, db: String, log: String) {
        let (inbox, db) = try dir.site()
        for i in 0..<12 { try drop(DocumentBuilder.clinical(id: "a\(i)", mrn: "MRN-\(i % 3)").bytes, name: "a\(i).json", into: inbox) }
        let run = try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--config", try testConfig(in: dir), "--once", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        return (inbox, db, dir.file("audit.jsonl"))
    }

    func verify(_ db: String, _ extra: [String] = []) throws -> DocmergeBinary.Result {
        try DocmergeBinary.run(["audit", "verify", "--db", db] + extra)
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func anIntactTrailAgreesWithItsLog() throws {
        let dir = TemporaryDirectory("docmerge-anchor")
        let s = try site(dir)
        let result = try verify(s.db)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("15 rows") && result.stdout.contains("audit.jsonl agrees (15 rows)"), "\(result.stdout)")
    }

    @Test func tailRowsDeletedWithTheHeadUpdatedAreFound() throws {
        let dir = TemporaryDirectory("docmerge-anchor")
        let s = try site(dir)
        let r = try sqlite3Tool(s.db, """
            DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > 12;
            UPDATE audit_head SET seq = 12, hash = (SELECT hash FROM audit WHERE seq = 12);
            """)
        #expect(r.status == 0, "\(r.output)")
        let result = try verify(s.db)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the database lacks audit rows 13–15 that audit.jsonl holds"), "\(result.stderr)")
        // Without the log, the records still give it away: documents whose rows are gone.
        let alone = try verify(s.db, ["--audit-log", "none"])
        #expect(alone.status == 1 && alone.stderr.contains("has no audit row"), "\(alone.stderr)")
    }

    @Test func allRowsDeletedAreFound() throws {
        let dir = TemporaryDirectory("docmerge-anchor")
        let s = try site(dir)
        _ = try sqlite3Tool(s.db, "DROP TRIGGER audit_no_delete; DELETE FROM audit; DELETE FROM audit_head;")
        let result = try verify(s.db)
        #expect(result.status == 1 && result.stderr.contains("lacks audit rows 1–15"), "\(result.stderr)")
        let alone = try verify(s.db, ["--audit-log", "none"])
        #expect(alone.status == 1, "an empty trail is not intact when records exist")
        #expect(alone.stderr.contains("the audit trail is empty but the database holds 3 patients, 12 documents"), "\(alone.stderr)")
    }

    /// kill -9, then the WAL deleted: the database silently loses its last commits,
    /// records and audit rows together, and chains perfectly. audit.jsonl remembers.
    @Test(.timeLimit(.minutes(2)), arguments: [false, true])
    func aWALDeletedAfterKillNineIsFound(_ earlierRunCheckpointed: Bool) throws {
        let dir = TemporaryDirectory("docmerge-anchor")
        let (inbox, db) = try dir.site()
        let log = dir.file("audit.jsonl")
        let config = try testConfig(in: dir)
        if earlierRunCheckpointed {
            // A first run whose commits were checkpointed into the database file.
            for i in 0..<5 { try drop(DocumentBuilder.clinical(id: "e\(i)", mrn: "MRN-0").bytes, name: "e\(i).json", into: inbox) }
            #expect(try DocmergeBinary.run(["run", "--watch", inbox, "--db", db, "--config", config, "--once", "--quiet"]).status == 0)
            #expect(try sqlite3Tool(db, "PRAGMA wal_checkpoint(TRUNCATE);").status == 0)
        }
        let before = earlierRunCheckpointed ? 6 : 0
        let runner = try RunnerProcess(watch: inbox, db: db, config: config, extra: ["--quiet"])
        for i in 0..<20 { try drop(DocumentBuilder.clinical(id: "w\(i)", mrn: "MRN-\(i % 2 + 1)").bytes, name: "w\(i).json", into: inbox) }
        #expect(eventually { ((try? lines(log)) ?? []).count == before + 22 })
        runner.kill9()
        _ = runner.wait()
        let wal = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        try #require(wal > 0, "the last commits are still only in the WAL")
        unlink(db + "-wal")
        unlink(db + "-shm")
        let result = try verify(db)
        #expect(result.status == 1, "\(result.stdout)")
        let expected = earlierRunCheckpointed ? "the database lacks audit rows 7–28 that audit.jsonl holds"
            : "the database holds no docmerge tables at all but audit.jsonl holds 22 audit rows"
        #expect(result.stderr.contains(expected), "\(result.stderr)")
    }

    @Test func anEditedRemovedOrRepeatedLogLineIsFound() throws {
        let dir = TemporaryDirectory("docmerge-anchor")
        let s = try site(dir)
        let original = try lines(s.log)
        func write(_ lines: [String]) throws {
            try (lines.joined(separator: "\n") + "\n").write(toFile: s.log, atomically: true, encoding: .utf8)
        }
        var edited = original
        edited[4] = edited[4].replacingOccurrences(of: "\"actor\":\"pipeline\"", with: "\"actor\":\"mallory\"")
        try #require(edited[4] != original[4])
        try write(edited)
        var result = try verify(s.db)
        #expect(result.status == 1 && result.stderr.contains("audit.jsonl line 5 (row 5) was edited"), "\(result.stderr)")

        var removed = original
        removed.remove(at: 2)
        try write(removed)
        result = try verify(s.db)
        #expect(result.status == 1 && result.stderr.contains("audit.jsonl lacks row 3"), "\(result.stderr)")

        var repeated = original
        repeated.insert(original[6], at: 7)
        try write(repeated)
        result = try verify(s.db)
        #expect(result.status == 1 && result.stderr.contains("holds row 7 twice"), "\(result.stderr)")

        // The last lines removed: the log lags (a runner appends after commit); the database is whole.
        try write(Array(original.prefix(10)))
        result = try verify(s.db)
        #expect(result.status == 0 && result.stdout.contains("agrees on its 10 rows"), "\(result.stdout) \(result.stderr)")
    }

    /// The exported head finds what nothing else can: the newest rows, their records and
    /// audit.jsonl all removed together.
    @Test func theExportedHeadFindsAWholesaleRewrite() throws {
        let dir = TemporaryDirectory("docmerge-anchor")
        let s = try site(dir)
        let head = try DocmergeBinary.run(["audit", "head", "--db", s.db])
        let parts = head.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(head.status == 0 && parts.count == 2 && parts[0].count == 64 && parts[1] == "15", "\(head.stdout)")
        let json = try JSONParser.parse(Array(try DocmergeBinary.run(["audit", "head", "--db", s.db, "--json"]).stdout.utf8))
        #expect(json["hash"]?.stringValue == parts[0] && json["rows"] == .number("15"))
        var result = try verify(s.db, ["--expect-head", parts[0]])
        #expect(result.status == 0 && result.stdout.contains("the expected head is row 15"), "\(result.stdout)")

        let lastDocument = try #require(try sqlite3Tool(s.db, "SELECT document_id FROM audit WHERE seq = 15").output
            .trimmingCharacters(in: .whitespacesAndNewlines) as String?)
        _ = try sqlite3Tool(s.db, """
            DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 15;
            UPDATE audit_head SET seq = 14, hash = (SELECT hash FROM audit WHERE seq = 14);
            DELETE FROM resources WHERE document_id = '\(lastDocument)'; DELETE FROM extractions WHERE document_id = '\(lastDocument)';
            DELETE FROM documents WHERE document_id = '\(lastDocument)';
            """)
        unlink(s.log)
        #expect(try verify(s.db).status == 0, "without an anchor the rewrite is invisible")
        result = try verify(s.db, ["--expect-head", parts[0]])
        #expect(result.status == 1 && result.stderr.contains("is not in the audit trail"), "\(result.stderr)")
        #expect(try verify(s.db, ["--expect-head", "abc"]).status == 2)
    }
}
