#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// A tiny HTTP server on 127.0.0.1 for webhook tests: answers the first `failures`
/// requests with 500, the rest with 200, and keeps every request it read. A `silent`
/// server reads each request whole and never answers nor closes (until it is released).
final class LoopbackServer: Sendable {
    let port: UInt16
    private let fd: Int32
    private let requests = Mutex<[String]>([])
    private let failuresLeft: Mutex<Int>
    private let silent: Bool
    private let held = Mutex<[Int32]>([])

    init(failures: Int, silent: Bool = false) throws {
        failuresLeft = Mutex(failures)
        self.silent = silent
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 16) == 0 else { throw CocoaError(.fileWriteUnknown) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        self.fd = fd
        Thread { [self] in self.serve() }.start()
    }

    var received: [String] { requests.withLock { $0 } }

    private func serve() {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                data += buffer[0..<n]
                let text = String(decoding: data, as: UTF8.self)
                if let end = text.range(of: "\r\n\r\n") {
                    let head = text[..<end.lowerBound].lowercased()
                    let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if text.utf8.count - text[..<end.upperBound].utf8.count >= length { break }
                }
            }
            requests.withLock { $0.append(String(decoding: data, as: UTF8.self)) }
            if silent {
                held.withLock { $0.append(client) }
                continue
            }
            let fail = failuresLeft.withLock { n in n > 0 ? { n -= 1; return true }() : false }
            let answer = fail ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            _ = Array(answer.utf8).withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        for client in held.withLock({ $0 }) { close(client) }
    }
}
