import CSQLite
import Dispatch
import Synchronization

/// Copies the write-ahead log into the database file on its own thread and connection,
/// so the writer's commits only append to the log. A PASSIVE checkpoint never waits for
/// the writer or readers; it copies what it can. Requests coalesce: while one is queued,
/// another commit adds nothing.
public final class Checkpointer: Sendable {
    /// The log size (in frames of one page) at which a commit asks for a checkpoint.
    public let frames: Int
    private let queue = DispatchQueue(label: "docmerge.checkpoint")
    private let owner: ConnectionOwner
    private let state = Mutex(State())

    private struct State {
        var queued = false
        /// Frames of the current log already copied (0 after the log starts over).
        var copied = 0
        var runs = 0
        var failures = 0
    }

    public init(path: String, frames: Int = 1_000) throws {
        self.frames = max(1, frames)
        // Opening reads the schema once; a checkpoint itself never waits (PASSIVE).
        self.owner = ConnectionOwner(try Connection(path: path, options: .init(busyTimeoutMilliseconds: 2_000)))
    }

    /// Checkpoints run so far (for tests and the verbose cost line).
    public var runs: Int { state.withLock { $0.runs } }
    /// Checkpoints that failed (busy, I/O, full disk): the writer's backstop still bounds the log.
    public var failures: Int { state.withLock { $0.failures } }

    /// Called by the writer after a commit that left `walFrames` frames in the log.
    func committed(walFrames: Int) {
        let wanted = state.withLock { s -> Bool in
            if walFrames <= s.copied { s.copied = 0 }   // the log started over
            guard !s.queued, walFrames - s.copied >= frames else { return false }
            s.queued = true
            return true
        }
        if wanted { queue.async { self.run() } }
    }

    private func run() {
        state.withLock { $0.queued = false }
        var log: Int32 = 0
        var copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(owner.connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &log, &copied)
        state.withLock { s in
            s.runs += 1
            if rc == SQLITE_OK { s.copied = Int(copied) } else { s.failures += 1 }
        }
    }

    /// Waits for a checkpoint in progress to end.
    public func drain() { queue.sync {} }
}

/// The checkpointer's connection. Safe to share across threads although `Connection` is
/// not Sendable: it is only ever used inside blocks run on the checkpointer's serial
/// queue (`Checkpointer.run`), one at a time, and deallocated with the checkpointer.
private final class ConnectionOwner: @unchecked Sendable {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }
}
