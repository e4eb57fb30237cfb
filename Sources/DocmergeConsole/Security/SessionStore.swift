import DocmergeCore
import DocmergeModel
import Foundation
import Synchronization

/// Signed-in sessions, in the server's memory (a restart signs everyone out). The cookie
/// holds 32 random bytes from the kernel; the table is keyed by their SHA-256, so the
/// table itself holds no usable credential. A session ends on logout, after
/// `idleSeconds` without a request, or `maxSeconds` after sign-in.
public final class SessionStore: Sendable {
    public struct Session: Sendable {
        public let name: String
        public let role: StewardAccount.Role
        public let csrf: String
        /// The account's `updated_at` at sign-in: a password or role change since ends the session.
        public let accountStamp: String
        let created: Date
        var lastSeen: Date
    }

    private let sessions = Mutex<[String: Session]>([:])
    public let idleSeconds: Double
    public let maxSeconds: Double
    public let maxSessions: Int
    private let now: @Sendable () -> Date

    public init(idleSeconds: Double, maxSeconds: Double = 12 * 3600, maxSessions: Int = 10_000,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.idleSeconds = idleSeconds
        self.maxSeconds = maxSeconds
        self.maxSessions = maxSessions
        self.now = now
    }

    /// A new session; returns the cookie value.
    public func create(name: String, role: StewardAccount.Role, accountStamp: String) throws -> String {
        let token = try KernelRandom.token(32)
        let csrf = try KernelRandom.token(32)
        let at = now()
        sessions.withLock { table in
            if table.count >= maxSessions {
                table = table.filter { isLive($0.value, at: at) }
                if table.count >= maxSessions, let oldest = table.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
                    table[oldest] = nil
                }
            }
            table[Self.key(token)] = Session(name: name, role: role, csrf: csrf, accountStamp: accountStamp, created: at, lastSeen: at)
        }
        return token
    }

    /// The live session for a cookie value (and marks it used), or nil.
    public func session(_ token: String?) -> Session? {
        guard let token, token.utf8.count == 64 else { return nil }
        let key = Self.key(token)
        let at = now()
        return sessions.withLock { table in
            guard var session = table[key] else { return nil }
            guard isLive(session, at: at) else {
                table[key] = nil
                return nil
            }
            session.lastSeen = at
            table[key] = session
            return session
        }
    }

    public func end(_ token: String?) {
        guard let token else { return }
        sessions.withLock { $0[Self.key(token)] = nil }
    }

    private func isLive(_ s: Session, at: Date) -> Bool {
        at.timeIntervalSince(s.lastSeen) < idleSeconds && at.timeIntervalSince(s.created) < maxSeconds
    }

    static func key(_ token: String) -> String { SHA256.hash(Array(token.utf8)).hexString }
}
