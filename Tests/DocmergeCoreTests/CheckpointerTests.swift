@testable import DocmergeCore
import DocmergeSQLite
import DocmergeTestSupport
import Foundation
import Testing

/// The write-ahead log copied into the database by a checkpointer on its own thread, and
/// bounded by the writer's backstop when the checkpointer cannot keep it short.
@Suite struct CheckpointerTests {
    func writer(_ dir: TemporaryDirectory) throws -> Connection {
        let db = try Connection(path: dir.file("t.sqlite"))
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        return db
    }

    func insert(_ db: Connection, transactions: Int, rowsEach: Int) throws {
        let body = TextBytes([UInt8](repeating: 0x61, count: 3_000))
        for _ in 0..<transactions {
            try db.writeTransaction {
                for _ in 0..<rowsEach { try db.run("INSERT INTO t(body) VALUES (?)", body) }
            }
        }
    }

    func walBytes(_ dir: TemporaryDirectory) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: dir.file("t.sqlite-wal")))?[.size] as? Int) ?? 0
    }

    @Test func theCheckpointerCopiesTheLogSoItStartsOver() throws {
        let dir = TemporaryDirectory("docmerge-ckpt")
        let db = try writer(dir)
        let checkpointer = try Checkpointer(path: dir.file("t.sqlite"), frames: 20)
        db.checkpoint(in: checkpointer, backstopFrames: 1_000_000)
        for _ in 0..<30 {
            try insert(db, transactions: 1, rowsEach: 20)
            checkpointer.drain()
        }
        #expect(checkpointer.runs > 0)
        // Each checkpoint copied the whole log while the writer waited, so the next
        // transaction started the log over: it never held much more than one round.
        #expect(walBytes(dir) < 200 * 4_200)
        let reader = try Connection(path: dir.file("t.sqlite"), options: .init(readOnly: true))
        #expect(try reader.scalarInt("SELECT count(*) FROM t") == 600)
    }

    @Test func withoutACheckpointTheBackstopKeepsTheLogBounded() throws {
        let dir = TemporaryDirectory("docmerge-ckpt-backstop")
        let db = try writer(dir)
        // A checkpointer that is never asked: only the writer's backstop checkpoints.
        let idle = try Checkpointer(path: dir.file("t.sqlite"), frames: .max)
        db.checkpoint(in: idle, backstopFrames: 100)
        try insert(db, transactions: 60, rowsEach: 10)
        #expect(idle.runs == 0)
        // 60 transactions of ~10 pages would make ~600 frames; the backstop restarted the log.
        #expect(walBytes(dir) < 250 * 4_200)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 600)
    }
}

/// The store's wiring: a writer `RecordStore` that checkpoints in the background does so
/// while documents merge, and every merge is there for a reader afterwards.
@Suite struct StoreCheckpointingTests {
    @Test func theWritersCommitsAreCheckpointedInTheBackground() throws {
        let t = try TestStore()
        #expect(t.store.checkpointInBackground(frames: 20))
        #expect(t.store.checkpointsInBackground)
        for i in 0..<40 { _ = try t.merge(DocumentBuilder.clinical(id: "doc-\(i)", mrn: "MRN-\(i % 4)")) }
        t.store.checkpointer?.drain()
        // A PASSIVE checkpoint may find the log busy (the writer restarting it) and is then
        // counted as failed and tried again at a later commit: the log stays bounded either way.
        let checkpoints = t.store.backgroundCheckpoints
        #expect(checkpoints.runs > 0 && checkpoints.failed < checkpoints.runs, "\(checkpoints)")
        let reader = try RecordStore(path: t.path, readOnly: true)
        #expect(try reader.documentCount() == 40)
    }
}
