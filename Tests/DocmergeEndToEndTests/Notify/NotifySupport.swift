import DocmergeCore
import DocmergeModel
import DocmergeNotify
import DocmergeTestSupport
import Foundation
import Synchronization

/// A clock the test moves.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ text: String) { value = Mutex(Timestamp.parse(text) ?? Date()) }
    func set(_ text: String) { value.withLock { $0 = Timestamp.parse(text) ?? $0 } }
    var now: @Sendable () -> Date { { self.value.withLock { $0 } } }
}

/// A channel that records what it is given and fails the first `failures` times.
final class RecordingChannel: NotifyChannel {
    let name = "recording"
    private let state: Mutex<(bodies: [String], failuresLeft: Int)>
    init(failures: Int = 0) { state = Mutex(([], failures)) }

    func deliver(_ notification: NotificationRecordBody, timeout: Double) -> String? {
        state.withLock { s in
            if s.failuresLeft > 0 { s.failuresLeft -= 1; return "refused on purpose" }
            s.bodies.append(notification.body)
            return nil
        }
    }

    var events: [JSON] { state.withLock { $0.bodies }.compactMap { try? JSONParser.parse(Array($0.utf8)) } }
}

/// A database with documents merged at the clock's time: `flagged` of them low-confidence.
func notifySite(_ dir: TemporaryDirectory, clock: TestClock, flagged: [String], approved: [String] = []) throws -> String {
    let path = dir.file("db.sqlite")
    let store = try RecordStore(path: path, now: clock.now)
    for id in flagged {
        var b = DocumentBuilder.clinical(id: id, mrn: "MRN-\(id)")
        b.confidence = 0.5
        _ = try store.merge(try b.prepared(thresholds: Thresholds(unknownPatient: .register)))
    }
    for id in approved {
        _ = try store.merge(try DocumentBuilder.clinical(id: id, mrn: "MRN-\(id)").prepared(thresholds: Thresholds(unknownPatient: .register)))
    }
    return path
}

func notifyConfig(_ edit: (inout Config) -> Void) -> Config {
    var config = Config()
    config.notify.command = ["/bin/true"]
    config.notify.retryBaseMs = 0
    config.notify.auditCheckMinutes = 0
    edit(&config)
    return config
}

/// Words of the test documents that must never appear in a notification.
let phiWords = ["Jane", "Doe", "1950-03-02", "Condition", "Medication", "44054006", "claude"]
