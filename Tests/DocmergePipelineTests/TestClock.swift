import DocmergePipeline
import Foundation
import Synchronization

/// A clock the test moves by hand: `now` and `uptime` stand still until `advance`;
/// `sleep` returns once the clock has been advanced past its deadline.
final class ManualClock: PipelineClock {
    private struct State {
        var offset: UInt64 = 0
        var sleepers: [(until: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    }

    let base: Date
    private let state = Mutex(State())

    init(base: Date = Date()) { self.base = base }

    func now() -> Date { base.addingTimeInterval(Double(state.withLock { $0.offset }) / 1e9) }
    func uptimeNanos() -> UInt64 { 1 + state.withLock { $0.offset } }

    func sleep(nanoseconds: UInt64) async throws {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { s -> Bool in
                if nanoseconds == 0 { return true }
                s.sleepers.append((s.offset + nanoseconds, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
        try Task.checkCancellation()
    }

    func advance(seconds: Double) {
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.offset += UInt64(seconds * 1e9)
            let due = s.sleepers.filter { $0.until <= s.offset }
            s.sleepers.removeAll { $0.until <= s.offset }
            return due.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }
}

func ticket(_ seq: Int, name: String = "x.json") -> FileTicket {
    FileTicket(seq: seq, name: name, path: "/nonexistent/" + name,
               identity: FileIdentity(device: 0, inode: UInt64(seq), size: 100, modifiedNanos: 0),
               firstSeen: Date(), seenUptimeNanos: 0)
}
