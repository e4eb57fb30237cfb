import Synchronization

/// Graceful shutdown: the first SIGINT/SIGTERM stops intake and starts the deadline;
/// when the deadline passes, or at a second signal, the stages are cancelled (every
/// wait observes it) and whatever was not committed stays in the inbox.
public final class ShutdownController: Sendable {
    public let deadlineNanos: UInt64
    /// Uptime when stopping began (0: running).
    private let began = Atomic<UInt64>(0)
    private let signalsSeen = Atomic<Int>(0)
    public let aborts: AsyncStream<Void>
    private let abortContinuation: AsyncStream<Void>.Continuation

    public init(deadlineSeconds: Double) {
        deadlineNanos = UInt64(max(0, deadlineSeconds) * 1e9)
        (aborts, abortContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A signal arrived; returns true if it was the first.
    public func signalled(at uptime: UInt64) -> Bool {
        let count = signalsSeen.add(1, ordering: .relaxed).newValue
        if count == 1 { beginStopping(at: uptime); return true }
        abort()
        return false
    }

    public func beginStopping(at uptime: UInt64) {
        _ = began.compareExchange(expected: 0, desired: max(1, uptime), ordering: .relaxed)
    }

    /// Called by the ticker: aborts once the deadline has passed.
    public func check(at uptime: UInt64) {
        let start = began.load(ordering: .relaxed)
        if start > 0 && uptime >= start && uptime - start >= deadlineNanos { abort() }
    }

    public func abort() { abortContinuation.yield() }
    public func finish() { abortContinuation.finish() }
}
