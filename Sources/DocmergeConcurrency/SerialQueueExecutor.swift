import Dispatch

/// A serial executor backed by a serial `DispatchQueue`. An actor that does blocking
/// work (SQLite calls, file moves, metrics files, the notifier's hooks and HTTP) runs on
/// one of these, so the blocking never ties up a thread of the cooperative pool, nor the
/// merge path (GRDB's pattern).
public final class SerialQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    public init(label: String) { self.queue = DispatchQueue(label: label) }

    public func enqueue(_ job: UnownedJob) {
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}

// Safe: the only stored property is a `let` DispatchQueue, which is thread-safe;
// corelibs Dispatch on Linux does not mark it Sendable.
extension SerialQueueExecutor: @unchecked Sendable {}
