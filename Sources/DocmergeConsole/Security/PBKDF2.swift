/// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA-256 as the pseudo-random function.
public enum PBKDF2 {
    public static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int = 32) -> [UInt8] {
        precondition(iterations >= 1 && length >= 1, "PBKDF2 needs at least one iteration and one byte")
        let prf = HMACSHA256(key: password)
        var output: [UInt8] = []
        output.reserveCapacity(length)
        var blockIndex: UInt32 = 1
        while output.count < length {
            let indexBytes: [UInt8] = [UInt8(blockIndex >> 24), UInt8((blockIndex >> 16) & 0xff),
                                       UInt8((blockIndex >> 8) & 0xff), UInt8(blockIndex & 0xff)]
            var u = prf.authenticate(salt + indexBytes)
            var t = u
            if iterations > 1 {
                for _ in 2...iterations {
                    u = prf.authenticate(u)
                    for j in 0..<32 { t[j] ^= u[j] }
                }
            }
            output += t.prefix(length - output.count)
            blockIndex += 1
        }
        return output
    }
}
