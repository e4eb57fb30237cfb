import DocmergeConcurrency
import DocmergeCore
import DocmergeModel
import Foundation

/// Follows the committed audit rows (never the merge itself) and delivers notifications.
///
/// Each pass: (1) turns audit rows after its cursor into events and records them with the
/// new cursor in one transaction (`notify_events`, the outbox); (2) adds the periodic
/// events — `overdue` once per document, the `digest` once a day at `digest_time`, and
/// `audit_broken` from the audit check — each under an id that makes it once; (3) delivers
/// what is due, one event at a time, each attempt bounded by the timeout, retrying with
/// doubling backoff. A delivery is recorded after the receiver took it, so a crash can
/// repeat the last event (same id) but never skips one: at-least-once.
public actor Notifier {
    private let executor = SerialQueueExecutor(label: "docmerge.notify")
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public let settings: Config.Notify
    let overdueDays: Double
    let builder: NotificationBuilder
    let channels: [any NotifyChannel]
    let store: RecordStore
    /// The clock for event times, overdue and the digest (injected by tests).
    let now: @Sendable () -> Date
    let timeZone: TimeZone
    let log: @Sendable (String) -> Void

    public init(dbPath: String, config: Config, channels: [any NotifyChannel]? = nil, timeZone: TimeZone = .current,
                now: @escaping @Sendable () -> Date = { Date() }, log: @escaping @Sendable (String) -> Void) throws {
        settings = config.notify
        overdueDays = config.pipeline.overdueDays
        builder = NotificationBuilder(settings: config.notify)
        self.channels = channels ?? Notifier.channels(for: config.notify)
        // Notification state only: a commit lost to a power cut means a repeat, never a loss of records.
        store = try RecordStore(path: dbPath, synchronous: .normal, busyTimeoutMs: 10_000, now: now)
        self.now = now
        self.timeZone = timeZone
        self.log = log
    }

    /// The channels `notify` configures: the command, then the webhook.
    public static func channels(for settings: Config.Notify) -> [any NotifyChannel] {
        var channels: [any NotifyChannel] = []
        if !settings.command.isEmpty { channels.append(CommandChannel(argv: settings.command)) }
        if !settings.webhookURL.isEmpty, let webhook = WebhookChannel(url: settings.webhookURL) { channels.append(webhook) }
        return channels
    }

    /// The runner's one child task: follows and delivers until cancelled, then delivers what
    /// is queued for at most `drain_seconds`. With no channel configured it only keeps the
    /// cursor at the newest audit row (so enabling it later does not replay history).
    public static func serve(dbPath: String, config: Config, log: @escaping @Sendable (String) -> Void) async {
        do {
            let notifier = try Notifier(dbPath: dbPath, config: config, log: log)
            await notifier.run()
        } catch {
            log("Notifications are not running: \(error).")
        }
    }

    public func run() async {
        guard settings.isEnabled else {
            skipToHead()
            while !Task.isCancelled { try? await Task.sleep(nanoseconds: 3_600 * 1_000_000_000) }
            skipToHead()
            return
        }
        while !Task.isCancelled {
            pass(deliveryBudget: max(settings.pollSeconds, 1))
            try? await Task.sleep(nanoseconds: UInt64(settings.pollSeconds * 1e9))
        }
        follow()
        deliver(until: Date().addingTimeInterval(settings.drainSeconds), retry: false)
    }

    /// One pass: follow, periodic events, delivery for about `deliveryBudget` seconds.
    public func pass(deliveryBudget: Double = 60) {
        follow()
        periodic()
        deliver(until: Date().addingTimeInterval(deliveryBudget), retry: true)
    }

    func skipToHead() {
        do { try store.notifySkipToHead() } catch { log("Could not move the notification cursor: \(error).") }
    }

    /// Committed audit rows after the cursor become events (recorded with the new cursor).
    func follow() {
        do {
            var cursor = try store.notifyCursor()
            while true {
                let rows = try store.auditRows(after: cursor, limit: 1_000)
                guard let last = rows.last else { return }
                let events = rows.compactMap(builder.event(for:))
                try record(events, cursor: last.seq)
                cursor = last.seq
            }
        } catch {
            log("Could not read the audit trail for notifications: \(error); it will catch up later.")
        }
    }

    func record(_ events: [NotificationRecord], cursor: Int?) throws {
        let result = try store.notifyEnqueue(events, cursor: cursor, queueSize: settings.queueSize)
        if !result.dropped.isEmpty {
            log("The notification queue is full (\(settings.queueSize) waiting): \(result.dropped.count) event\(result.dropped.count == 1 ? "" : "s") recorded as dropped, first \(result.dropped[0]).")
        }
    }
}
