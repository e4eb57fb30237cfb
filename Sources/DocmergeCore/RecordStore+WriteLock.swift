import DocmergeSQLite

extension RecordStore {
    /// Holds the database's write lock (`BEGIN IMMEDIATE`, writing nothing) while `body`
    /// runs, as another process would: a fault drill's locked database. Every other
    /// writer waits its busy timeout, then gets SQLITE_BUSY, until `body` returns.
    public func holdingWriteLock<T>(_ body: () throws -> T) throws -> T {
        try db.writeTransaction(body)
    }
}
