#if canImport(Glibc)
import Glibc
#endif
import DocmergeModel

/// Random bytes from the kernel (`/dev/urandom`, the same pool as `getrandom(2)`, which
/// Swift's Glibc module does not export), for salts, session ids and CSRF tokens.
public enum KernelRandom {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let description = "The kernel's random source could not be read."
    }

    public static func bytes(_ count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure() }
        defer { close(fd) }
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return read(fd, base + filled, count - filled)
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure() }
            filled += n
        }
        return buffer
    }

    /// A URL- and cookie-safe token of `count` random bytes (lowercase hex).
    public static func token(_ count: Int = 32) throws -> String {
        try bytes(count).hexString
    }
}
