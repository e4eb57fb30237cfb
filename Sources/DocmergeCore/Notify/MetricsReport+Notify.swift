import DocmergeModel

extension MetricsReport {
    /// Name, help text and value of each notification figure.
    var notificationSamples: [(String, String, Int)] {
        let n = notifications
        return [
            ("notifications_delivered", "Notifications every configured channel took.", n.delivered),
            ("notifications_pending", "Notifications waiting for delivery or a retry.", n.pending),
            ("notifications_failed", "Notification delivery attempts that failed (hook failed, hung or missing; webhook refused or silent).", n.failed),
            ("notifications_given_up", "Notifications abandoned after their retries.", n.givenUp),
            ("notifications_dropped", "Notifications not queued because the queue was full (recorded, not delivered).", n.dropped),
        ]
    }

    var notificationMembers: [JSONMember] {
        notificationSamples.map { JSONMember($0.0, .number(String($0.2))) }
    }
}
