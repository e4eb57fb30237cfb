import DocmergeModel

/// HMAC-SHA-256 (RFC 2104) on the project's own SHA-256. The keyed inner and outer
/// states are computed once, so PBKDF2's many iterations only copy them.
public struct HMACSHA256: Sendable {
    private let inner: SHA256
    private let outer: SHA256

    public init<Key: Collection>(key: Key) where Key.Element == UInt8 {
        var block = Array(key)
        if block.count > 64 {
            var hasher = SHA256()
            hasher.update(block)
            block = hasher.finalize()
        }
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256(), outer = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outer.update(block.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    public func authenticate<Message: Sequence>(_ message: Message) -> [UInt8] where Message.Element == UInt8 {
        var i = inner
        i.update(message)
        var o = outer
        o.update(i.finalize())
        return o.finalize()
    }

    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        HMACSHA256(key: key).authenticate(message)
    }
}

/// Compares two byte strings in time that depends only on their lengths.
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}
