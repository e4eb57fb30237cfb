#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One accepted connection: reads a request within the limits and deadlines, writes a
/// response, closes. Owned by one worker thread for its whole life.
struct ClientConnection: ~Copyable {
    let fd: Int32
    let peer: String
    let peerIsLoopback: Bool
    let limits: HTTPLimits

    init(_ accepted: Listener.Accepted, limits: HTTPLimits) {
        fd = accepted.fd
        peer = accepted.peer
        peerIsLoopback = accepted.peerIsLoopback
        self.limits = limits
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    enum ReadOutcome {
        case request(HTTPRequest)
        case refused(HTTPError)
        /// The client went away or stayed silent: nothing is answered.
        case dropped
    }

    /// Reads one request. The idle deadline bounds the wait for the first byte; the read
    /// deadline bounds the whole request, so a trickling client cannot hold a worker.
    func readRequest() -> ReadOutcome {
        let started = Date()
        let idleDeadline = started.addingTimeInterval(limits.idleSeconds)
        let readDeadline = started.addingTimeInterval(limits.readSeconds)
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headEnd: Int?
        var scanned = 0
        while headEnd == nil {
            let deadline = buffer.isEmpty ? min(idleDeadline, readDeadline) : readDeadline
            switch receive(into: &chunk, deadline: deadline) {
            case .timedOut: return buffer.isEmpty ? .dropped : .refused(HTTPError(408, "The request did not arrive in time."))
            case .closed: return .dropped
            case .bytes(let n): buffer.append(contentsOf: chunk[0..<n])
            }
            headEnd = HTTPParser.headEnd(buffer, from: scanned - 3)
            do { try HTTPParser.checkPartial(buffer, from: scanned, upTo: headEnd, limits: limits) } catch { return .refused(error) }
            scanned = buffer.count
        }
        guard let end = headEnd else { return .dropped }
        let head: RequestHead
        do { head = try HTTPParser.parseHead(buffer[0..<end], limits: limits) } catch { return .refused(error) }
        var body = Array(buffer[end...])
        guard body.count <= head.contentLength else {
            return .refused(HTTPError(400, "The request carries more bytes than its Content-Length (pipelining is not supported)."))
        }
        while body.count < head.contentLength {
            switch receive(into: &chunk, deadline: readDeadline) {
            case .timedOut: return .refused(HTTPError(408, "The request body did not arrive in time."))
            case .closed: return .dropped
            case .bytes(let n):
                body.append(contentsOf: chunk[0..<n])
                if body.count > head.contentLength {
                    return .refused(HTTPError(400, "The request carries more bytes than its Content-Length."))
                }
            }
        }
        return .request(HTTPRequest(method: head.method, path: head.path, query: head.query, headers: head.headers,
                                    body: body, peer: peer, peerIsLoopback: peerIsLoopback))
    }

    enum Received { case bytes(Int), closed, timedOut }

    func receive(into chunk: inout [UInt8], deadline: Date) -> Received {
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return .timedOut }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining * 1000, 60_000)) + 1)
            if ready < 0 { if errno == EINTR { continue } else { return .closed } }
            if ready == 0 { continue }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue } else { return .closed } }
            return n == 0 ? .closed : .bytes(n)
        }
    }

    /// After a refusal: stop writing, then read and discard what the client is still
    /// sending (briefly, boundedly), so closing does not reset the connection before the
    /// client has read the answer.
    func drainBeforeClose() {
        shutdown(fd, Int32(SHUT_WR))
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let deadline = Date().addingTimeInterval(min(1, limits.readSeconds))
        var discarded = 0
        while discarded < 4 * limits.maxBodyBytes, case .bytes(let n) = receive(into: &chunk, deadline: deadline) { discarded += n }
    }

    /// Writes the whole response or gives up at the write deadline.
    func write(_ bytes: [UInt8]) {
        let deadline = Date().addingTimeInterval(limits.writeSeconds)
        var sent = 0
        while sent < bytes.count {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining * 1000, 60_000)) + 1)
            if ready < 0 { if errno == EINTR { continue } else { return } }
            if ready == 0 { continue }
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR || errno == EAGAIN { continue } else { return } }
            sent += n
        }
    }
}
