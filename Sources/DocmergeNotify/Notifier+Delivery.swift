import DocmergeCore
import Foundation

extension Notifier {
    /// Delivers due events one at a time until `deadline`. Without `retry` (a stopping
    /// runner), an event that fails keeps its place for the next start.
    func deliver(until deadline: Date, retry: Bool) {
        while Date() < deadline {
            let due: [PendingNotification]
            do { due = try store.notifyDue(nowSeconds: Date().timeIntervalSince1970, limit: 50) } catch {
                log("Could not read the notification queue: \(error).")
                return
            }
            guard !due.isEmpty else { return }
            for item in due {
                if Date() >= deadline { return }
                attempt(item, deadline: deadline, retry: retry)
            }
        }
    }

    func attempt(_ item: PendingNotification, deadline: Date, retry: Bool) {
        var done = item.channelsDone
        var problems: [String] = []
        let body = NotificationRecordBody(eventID: item.record.eventID, body: item.record.body)
        for channel in channels where !done.contains(channel.name) {
            let timeout = max(0.1, min(settings.timeoutSeconds, deadline.timeIntervalSinceNow))
            if let problem = channel.deliver(body, timeout: timeout) { problems.append(problem) } else { done.insert(channel.name) }
        }
        let delivered = problems.isEmpty
        let attempts = item.attempts + 1
        let giveUp = !delivered && retry && attempts >= settings.retryAttempts
        let backoff = min(600, Double(settings.retryBaseMs) / 1000 * pow(2, Double(attempts - 1)))
        let retryAt = delivered || !retry ? Date().timeIntervalSince1970 : Date().timeIntervalSince1970 + backoff
        do {
            try store.notifyAttempted(item.rowID, channelsDone: done, failures: problems.count,
                                      error: problems.isEmpty ? nil : problems.joined(separator: "; "),
                                      delivered: delivered, giveUp: giveUp, retryAt: retryAt)
        } catch {
            log("Could not record the delivery of notification \(item.record.eventID): \(error).")
        }
        guard !delivered else { return }
        let what = "Notification \(item.record.eventID) (\(item.record.event)) not delivered: \(problems.joined(separator: "; "))"
        if giveUp {
            log("\(what); given up after \(attempts) attempt\(attempts == 1 ? "" : "s").")
        } else {
            log(retry ? "\(what); retrying in \(CommandChannel.seconds((backoff * 10).rounded() / 10)) s." : "\(what); it stays queued for the next start.")
        }
    }
}
