import DocmergeSQLite

extension RecordStore {
    /// Caps the database at `pages` pages (a fault drill's full disk).
    public func limitPages(_ pages: Int) throws { try db.setMaxPageCount(pages) }

    /// A burst can grow the write-ahead log past the checkpoint size; give the disk back afterwards.
    public func limitJournal(bytes: Int) throws { try db.execute("PRAGMA journal_size_limit = \(bytes)") }

    /// The database's size in pages.
    public func pageCount() throws -> Int { try db.scalarInt("PRAGMA page_count") ?? 0 }

    /// Statements this connection has stepped so far (the benchmark's cost per document).
    public var statementsRun: Int { db.statementsRun }

    /// Savepoint and statement journals stay in memory (the writer's group commits: on
    /// disk they were 60% of the bytes the runner wrote, a temporary file per commit).
    /// Not for connections that sort large results: their spills would stay in memory too.
    public func keepJournalsInMemory() throws { try db.execute("PRAGMA temp_store = MEMORY") }

    /// The writer's commits stop copying the write-ahead log into the database file; a
    /// checkpointer does it on its own thread once the log holds `frames` pages. If its
    /// connection cannot be opened, commits go on checkpointing themselves (false).
    @discardableResult
    public func checkpointInBackground(frames: Int = 1_000) -> Bool {
        guard let checkpointer = try? Checkpointer(path: path, frames: frames) else { return false }
        db.checkpoint(in: checkpointer)
        self.checkpointer = checkpointer
        return true
    }

    /// Whether a checkpointer copies the log (false: the commits checkpoint themselves).
    public var checkpointsInBackground: Bool { checkpointer != nil }

    /// Background checkpoints run so far, and how many of them failed.
    public var backgroundCheckpoints: (runs: Int, failed: Int) { (checkpointer?.runs ?? 0, checkpointer?.failures ?? 0) }
}
