import CSQLite

extension Connection {
    /// Copies this database to `destination` with SQLite's online backup API: a
    /// consistent snapshot even while another process writes.
    /// `afterStep` sees the pages still to copy after each step.
    public func backup(to destination: String, pagesPerStep: Int32 = 1024,
                       afterStep: (_ remaining: Int32) -> Void = { _ in }) throws {
        // Not WAL: a backup into a WAL database cannot take the source's page size.
        var options = Options(synchronous: .full)
        options.wal = false
        let target = try Connection(path: destination, options: options)
        guard let backup = sqlite3_backup_init(target.handle, "main", handle, "main") else {
            throw target.error(sqlite3_errcode(target.handle), sql: nil, operation: "backup init")
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, pagesPerStep)
            afterStep(sqlite3_backup_remaining(backup))
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(20) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE, finish == SQLITE_OK else {
            throw target.error(rc == SQLITE_DONE ? finish : rc, sql: nil, operation: "backup step")
        }
    }

    /// Caps the database size (fault injection for "disk full" without a full disk).
    public func setMaxPageCount(_ pages: Int) throws {
        try execute("PRAGMA max_page_count = \(pages)")
    }
}
