import Synchronization

/// What wakes the ingest stage: a file name from inotify, a rescan, a tick (settle
/// re-checks), stop. Bounded: when a burst of names overflows the buffer, the names
/// that do not fit collapse into one "rescan needed" instead of queueing without bound.
public final class IngestSignals: Sendable {
    public enum Signal: Sendable, Equatable {
        case name(String)
        case rescan
        case tick
        case stop
    }

    public let stream: AsyncStream<Signal>
    private let continuation: AsyncStream<Signal>.Continuation
    private let rescanNeeded = Atomic<Bool>(false)
    public let capacity: Int

    public init(capacity: Int = 1024) {
        self.capacity = max(4, capacity)
        (stream, continuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingOldest(self.capacity))
    }

    public func send(_ signal: Signal) {
        if case .dropped = continuation.yield(signal), signal != .tick {
            rescanNeeded.store(true, ordering: .releasing)
        }
    }

    public func finish() { continuation.finish() }

    /// True once after names were dropped: the consumer rescans the inbox.
    public func takeRescanNeeded() -> Bool { rescanNeeded.exchange(false, ordering: .acquiringAndReleasing) }
}
