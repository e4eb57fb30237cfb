/// A fast 128-bit content fingerprint for change detection (is this resource, or this
/// extraction, the same as the one stored?). Two independent 64-bit lanes, eight bytes
/// per step, each finished with MurmurHash3's fmix64. Not a cryptographic hash: the
/// tamper-evident audit chain uses SHA-256; this only has to tell honest contents
/// apart, at several GB/s instead of SHA-256's hundreds of MB/s.
public struct ContentHash: Sendable {
    private var a: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var tail: UInt64 = 0
    private var tailCount = 0
    private var length: UInt64 = 0

    public init() {}

    @inline(__always) private mutating func mix(_ word: UInt64) {
        a = (a ^ word) &* 0x0000_0100_0000_01B3
        a = (a << 31) | (a >> 33)
        b = (b &+ word) &* 0x87C3_7B91_1142_53D5
        b = (b << 27) | (b >> 37)
        b ^= a
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while tailCount != 0 && i < n {
            tail |= UInt64(bytes[i]) << (8 * UInt64(tailCount))
            tailCount += 1
            i += 1
            if tailCount == 8 { mix(tail); tail = 0; tailCount = 0 }
        }
        while n - i >= 8 {
            mix(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        while i < n {
            tail |= UInt64(bytes[i]) << (8 * UInt64(tailCount))
            tailCount += 1
            i += 1
        }
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    @inline(__always) static func fmix(_ k: UInt64) -> UInt64 {
        var k = k
        k ^= k >> 33
        k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }

    /// 32 hex digits.
    public mutating func finalize() -> String {
        if tailCount > 0 { mix(tail | (0x80 << (8 * UInt64(tailCount % 8)))) }
        mix(length)
        let high = Self.fmix(a &+ b), low = Self.fmix(b ^ (a &* 0x9E37_79B9_7F4A_7C15))
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            out[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        return out.hexString
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        var h = ContentHash()
        h.update(bytes)
        return h.finalize()
    }
}
