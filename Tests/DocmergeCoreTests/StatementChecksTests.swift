import DocmergeCore
import DocmergeSQLite
import DocmergeTestSupport
import Testing

@Suite struct StatementChecksTests {
    func connection(_ dir: TemporaryDirectory) throws -> Connection {
        let db = try Connection(path: dir.file("t.sqlite"))
        try db.execute("CREATE TABLE t(a, b)")
        return db
    }

    @Test func theBoundArgumentCountMustMatchTheStatement() throws {
        let dir = TemporaryDirectory("docmerge-bind")
        let db = try connection(dir)
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO t(a, b) VALUES (?, ?)", 1) }
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO t(a) VALUES (?)", 1, 2) }
        try db.run("INSERT INTO t(a, b) VALUES (?, ?)", 1, 2)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
    }

    @Test func trailingSQLIsRefusedNotSilentlyDropped() throws {
        let dir = TemporaryDirectory("docmerge-tail")
        let db = try connection(dir)
        #expect(throws: SQLiteError.self) { try db.run("INSERT INTO t(a) VALUES (1); DELETE FROM t") }
        try db.run("INSERT INTO t(a) VALUES (1);  ")
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
    }

    /// SQLite rolled the transaction back by itself (here: a ROLLBACK inside the body, as
    /// an interrupted or full-disk statement would): the rest is not committed as if whole.
    @Test func aTransactionAbortedBySQLiteIsNotCommitted() throws {
        let dir = TemporaryDirectory("docmerge-abort")
        let db = try connection(dir)
        #expect(throws: SQLiteError.self) {
            try db.writeTransaction {
                try db.run("INSERT INTO t(a) VALUES (1)")
                try db.execute("ROLLBACK")
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        #expect(!db.isInTransaction)
    }
}
