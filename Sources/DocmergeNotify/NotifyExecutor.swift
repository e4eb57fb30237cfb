import Dispatch

/// A serial executor on a dispatch queue of its own: the notifier's blocking work (SQLite,
/// hooks, HTTP) runs on that thread, never on the cooperative pool or the merge path.
final class NotifyExecutor: SerialExecutor {
    private let queue = DispatchQueue(label: "docmerge.notify")

    func enqueue(_ job: UnownedJob) {
        queue.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}

// Safe: the only stored property is a `let` DispatchQueue, which is thread-safe;
// corelibs Dispatch on Linux does not mark it Sendable.
extension NotifyExecutor: @unchecked Sendable {}
