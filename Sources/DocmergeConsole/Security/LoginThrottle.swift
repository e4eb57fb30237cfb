import Foundation
import Synchronization

/// Failed sign-ins, counted per account name and per client address over a sliding
/// window. Past the limit, sign-in is refused (even with the right password) until the
/// window has moved on, so passwords cannot be guessed at speed.
public final class LoginThrottle: Sendable {
    private let failures = Mutex<[String: [Date]]>([:])
    public let window: Double
    public let perAccount: Int
    public let perAddress: Int
    private let now: @Sendable () -> Date

    public init(window: Double = 15 * 60, perAccount: Int = 5, perAddress: Int = 20,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.window = window
        self.perAccount = perAccount
        self.perAddress = perAddress
        self.now = now
    }

    /// Seconds to wait before another attempt is allowed, or nil when one is allowed now.
    public func wait(name: String, address: String) -> Double? {
        let at = now()
        return failures.withLock { table -> Double? in
            var longest: Double?
            for (key, limit) in [("u:" + name, perAccount), ("a:" + address, perAddress)] {
                let recent = (table[key] ?? []).filter { at.timeIntervalSince($0) < window }
                table[key] = recent.isEmpty ? nil : recent
                if recent.count >= limit, let oldest = recent.first {
                    let wait = window - at.timeIntervalSince(oldest)
                    longest = max(longest ?? 0, wait)
                }
            }
            return longest
        }
    }

    public func failed(name: String, address: String) {
        let at = now()
        failures.withLock { table in
            if table.count > 100_000 { table = table.filter { $0.value.contains { at.timeIntervalSince($0) < window } } }
            table["u:" + name, default: []].append(at)
            table["a:" + address, default: []].append(at)
        }
    }

    public func succeeded(name: String) {
        failures.withLock { $0["u:" + name] = nil }
    }
}
