import DocmergeModel

/// A steward's stored password: PBKDF2-HMAC-SHA256, a 16-byte salt of the user's own from
/// the kernel, a 32-byte derived key. `defaultIterations` follows OWASP's 2023 figure for
/// PBKDF2-HMAC-SHA256 (600,000); each account keeps the count it was hashed with, so the
/// default can rise without invalidating older passwords.
public struct PasswordHash: Sendable, Equatable {
    public static let defaultIterations = 600_000
    /// The floor `stewards add --iterations` accepts (tests and slow machines only).
    public static let minimumIterations = 1_000
    public static let minimumPasswordLength = 10

    public let salt: [UInt8]
    public let iterations: Int
    public let key: [UInt8]

    public init(salt: [UInt8], iterations: Int, key: [UInt8]) {
        self.salt = salt
        self.iterations = iterations
        self.key = key
    }

    public static func make(password: String, iterations: Int = defaultIterations) throws -> PasswordHash {
        let salt = try KernelRandom.bytes(16)
        return PasswordHash(salt: salt, iterations: iterations,
                            key: PBKDF2.sha256(password: Array(password.utf8), salt: salt, iterations: iterations))
    }

    public func verify(_ password: String) -> Bool {
        guard iterations >= 1 else { return false }
        let candidate = PBKDF2.sha256(password: Array(password.utf8), salt: salt, iterations: iterations, length: key.count)
        return constantTimeEqual(candidate, key)
    }

    /// Why a new password is refused, or nil when it is acceptable.
    public static func weakness(_ password: String) -> String? {
        if password.count < minimumPasswordLength { return "A password needs at least \(minimumPasswordLength) characters." }
        if password.utf8.count > 1024 { return "A password may have at most 1024 bytes." }
        return nil
    }
}
