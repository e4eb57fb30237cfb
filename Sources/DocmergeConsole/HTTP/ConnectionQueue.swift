import Foundation
import Synchronization

/// Accepted connections waiting for a worker, bounded: `offer` refuses once
/// `capacity` connections are queued or being served.
final class ConnectionQueue: Sendable {
    private struct State {
        var waiting: [Listener.Accepted] = []
        var busy = 0
        var closed = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// False when the server is full (the caller answers 503) or stopping.
    func offer(_ connection: Listener.Accepted) -> Bool {
        let taken = state.withLock { s -> Bool in
            guard !s.closed, s.waiting.count + s.busy < capacity else { return false }
            s.waiting.append(connection)
            return true
        }
        if taken { available.signal() }
        return taken
    }

    /// The next connection, or nil once the queue is closed and empty.
    func take() -> Listener.Accepted? {
        while true {
            _ = available.wait(timeout: .now() + .milliseconds(250))
            let next = state.withLock { s -> (Listener.Accepted?, Bool) in
                if !s.waiting.isEmpty {
                    s.busy += 1
                    return (s.waiting.removeFirst(), false)
                }
                return (nil, s.closed)
            }
            if let connection = next.0 { return connection }
            if next.1 { return nil }
        }
    }

    func finished() { state.withLock { $0.busy -= 1 } }

    func close() { state.withLock { $0.closed = true } }

    var inFlight: Int { state.withLock { $0.waiting.count + $0.busy } }
}
