#if canImport(Glibc)
import Glibc
#endif

/// `HOST:PORT` for the listening socket: an IPv4 address (`127.0.0.1:8470`, `0.0.0.0:8470`)
/// or a bracketed IPv6 one (`[::1]:8470`). Names are not resolved.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: UInt16
    public let isIPv6: Bool

    public init(parsing text: String) throws(HTTPError) {
        var hostPart: Substring
        var portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw HTTPError(0, "--listen takes HOST:PORT, such as 127.0.0.1:8470 or [::1]:8470.")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
            isIPv6 = true
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw HTTPError(0, "--listen takes HOST:PORT, such as 127.0.0.1:8470.")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            isIPv6 = false
        }
        guard let port = UInt16(portPart) else { throw HTTPError(0, "--listen needs a port from 0 to 65535.") }
        host = String(hostPart)
        self.port = port
        guard (try? sockaddrBytes()) != nil else {
            throw HTTPError(0, "--listen needs a numeric IP address, not '\(host)'.")
        }
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        if isIPv6 { return host == "::1" }
        return host.hasPrefix("127.")
    }

    /// The `sockaddr_in` / `sockaddr_in6` for bind.
    func sockaddrBytes() throws(HTTPError) -> [UInt8] {
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            guard inet_pton(AF_INET6, host, &address.sin6_addr) == 1 else { throw HTTPError(0, "bad IPv6 address") }
            return withUnsafeBytes(of: &address) { Array($0) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw HTTPError(0, "bad IPv4 address") }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}
