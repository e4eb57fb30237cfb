#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// SIGINT and SIGTERM as a stream (the default handlers are replaced, so the process
/// drains instead of dying).
public final class SignalWatcher {
    public let signals: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    deinit { for source in sources { source.cancel() } }

    public init(_ numbers: [Int32] = [SIGINT, SIGTERM]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        signals = stream
        let queue = DispatchQueue(label: "docmerge.signals")
        sources = numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }
}
