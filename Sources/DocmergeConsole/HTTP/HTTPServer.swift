import Foundation
import Synchronization

/// The server: one accept loop and a fixed set of worker threads, each owning whatever
/// `makeHandler` builds for it (a database connection, for the console), so nothing
/// non-Sendable crosses threads. Blocking socket and SQLite calls stay on these threads,
/// off Swift's cooperative pool.
public final class HTTPServer: Sendable {
    public typealias Handler = (HTTPRequest) -> HTTPResponse

    public let listener: Listener
    public let limits: HTTPLimits
    private let makeHandler: @Sendable () throws -> Handler
    private let queue: ConnectionQueue
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchGroup()
    private let log: @Sendable (String) -> Void

    public init(listener: Listener, limits: HTTPLimits, log: @escaping @Sendable (String) -> Void,
                makeHandler: @escaping @Sendable () throws -> Handler) {
        self.listener = listener
        self.limits = limits
        self.log = log
        self.makeHandler = makeHandler
        self.queue = ConnectionQueue(capacity: limits.maxConnections)
    }

    /// Serves until `stop()`; returns once every worker has finished its request.
    public func run() {
        for index in 0..<limits.maxConnections {
            finished.enter()
            let thread = Thread { [self] in
                work()
                finished.leave()
            }
            thread.name = "console-worker-\(index)"
            thread.start()
        }
        while !stopping.load(ordering: .acquiring) {
            guard let accepted = listener.accept(timeoutMs: 200) else { continue }
            if !queue.offer(accepted) {
                let connection = ClientConnection(accepted, limits: limits)
                connection.write(HTTPResponse.error(HTTPError(503, "The console is serving as many connections as it allows; try again in a moment.")).serialized)
                connection.drainBeforeClose()
            }
        }
        queue.close()
        finished.wait()
    }

    /// Stops accepting; requests being served finish.
    public func stop() { stopping.store(true, ordering: .releasing) }

    private func work() {
        var handler: Handler?
        while let accepted = queue.take() {
            defer { queue.finished() }
            let connection = ClientConnection(accepted, limits: limits)
            switch connection.readRequest() {
            case .dropped:
                continue
            case .refused(let error):
                connection.write(HTTPResponse.error(error).serialized)
                connection.drainBeforeClose()
            case .request(let request):
                if handler == nil {
                    do { handler = try makeHandler() } catch {
                        log("the console cannot open the database: \(error)")
                        connection.write(HTTPResponse.error(HTTPError(503, "The console cannot open the database.")).serialized)
                        continue
                    }
                }
                guard let handle = handler else { continue }
                connection.write(handle(request).serialized)
            }
        }
    }
}
