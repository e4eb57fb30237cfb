import CSQLite

/// The context of a connection's write-ahead-log hook: what to do after each commit.
final class WALHook {
    let afterCommit: (_ connection: OpaquePointer, _ frames: Int) -> Void
    init(_ afterCommit: @escaping (OpaquePointer, Int) -> Void) { self.afterCommit = afterCommit }
}

extension Connection {
    /// Hands checkpointing to `checkpointer`: after each commit of this connection that
    /// leaves at least `checkpointer.frames` frames in the log, the checkpointer copies them
    /// into the database file on its own thread. This replaces SQLite's automatic
    /// checkpoint, which copies them inside the committing call. If the log still reaches
    /// `backstopFrames` (the writer never paused long enough for the log to start over),
    /// the commit checkpoints it itself, as SQLite would, so the log stays bounded.
    public func checkpoint(in checkpointer: Checkpointer, backstopFrames: Int = 8_000) {
        let hook = WALHook { handle, frames in
            if frames >= backstopFrames {
                _ = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            } else {
                checkpointer.committed(walFrames: frames)
            }
        }
        walHook = hook
        sqlite3_wal_hook(handle, { context, db, _, frames in
            guard let context, let db else { return SQLITE_OK }
            Unmanaged<WALHook>.fromOpaque(context).takeUnretainedValue().afterCommit(db, Int(frames))
            return SQLITE_OK
        }, Unmanaged.passUnretained(hook).toOpaque())
    }
}
