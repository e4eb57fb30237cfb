import CSQLite

extension Connection {
    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`. The body is synchronous: a
    /// transaction is never held across an `await`. On error, rolls back only if a
    /// transaction is still open, and rethrows the first error.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            // SQLite can end a transaction by itself (a full disk, an interrupted statement,
            // ON CONFLICT ROLLBACK): the body's later writes then ran outside it. Never commit that.
            guard isInTransaction else {
                throw SQLiteError(code: SQLITE_ABORT, message: "the transaction was rolled back by SQLite before it could commit",
                                  operation: "commit")
            }
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// A read transaction: one consistent snapshot for several queries.
    public func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN DEFERRED")
        defer { if isInTransaction { try? execute("COMMIT") } }
        return try body()
    }
}
