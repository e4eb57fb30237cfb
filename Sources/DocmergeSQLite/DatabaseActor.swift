import Dispatch

/// Runs blocking SQLite work on its own serial dispatch queue, so `sqlite3_step`
/// never ties up a thread of the cooperative pool (GRDB's pattern). The connection
/// is created on that queue and never leaves it.
public actor DatabaseActor {
    private let executor: QueueExecutor
    private let connection: Connection

    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public init(path: String, options: Connection.Options = .init(), label: String = "docmerge.db") throws {
        self.executor = QueueExecutor(queue: DispatchQueue(label: label))
        self.connection = try Connection(path: path, options: options)
    }

    /// Runs `body` with the connection on this actor's queue.
    public func with<T: Sendable>(_ body: @Sendable (Connection) throws -> T) throws -> T {
        try body(connection)
    }
}

/// A serial executor backed by a serial `DispatchQueue`.
public final class QueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    public init(queue: DispatchQueue) { self.queue = queue }

    public func enqueue(_ job: UnownedJob) {
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}

// Safe: the only stored property is a `let` DispatchQueue, which is thread-safe;
// corelibs Dispatch on Linux does not mark it Sendable.
extension QueueExecutor: @unchecked Sendable {}
