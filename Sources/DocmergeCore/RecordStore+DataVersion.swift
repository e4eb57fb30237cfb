import DocmergeSQLite

extension RecordStore {
    /// SQLite's `data_version` of this connection: it changes whenever another connection
    /// (of this process or another) commits to the database, so a reader can tell that what
    /// it read before is still current without reading it again.
    public func dataVersion() throws -> Int { try db.scalarInt("PRAGMA data_version") ?? 0 }
}
