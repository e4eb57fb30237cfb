/// One notification as the outbox (`notify_events`) keeps it: its stable id, the event
/// name, the document it concerns, and the JSON body exactly as it is delivered.
public struct NotificationRecord: Sendable, Equatable {
    public let eventID: String
    public let event: String
    public let documentID: String?
    public let body: String
    public init(eventID: String, event: String, documentID: String?, body: String) {
        self.eventID = eventID
        self.event = event
        self.documentID = documentID
        self.body = body
    }
}

/// A queued notification awaiting delivery, with what earlier attempts achieved.
public struct PendingNotification: Sendable, Equatable {
    public let rowID: Int
    public let record: NotificationRecord
    /// Channels that already took it (a retry skips them).
    public let channelsDone: Set<String>
    public let attempts: Int
}

/// What the notifier has done, from the outbox (so it survives restarts).
public struct NotificationCounts: Sendable, Equatable {
    public var delivered = 0
    public var pending = 0
    /// Delivery attempts that failed (a hook that exits non-zero, hangs past its timeout or
    /// is missing; a webhook that refuses or does not answer).
    public var failed = 0
    /// Events given up after their retries.
    public var givenUp = 0
    /// Events that found the queue full: recorded, never delivered.
    public var dropped = 0
    public init() {}
}

/// The facts the daily digest reports.
public struct DigestFacts: Sendable, Equatable {
    public var flaggedOpen = 0
    public var overdue = 0
    public var reasons: [(code: String, count: Int)] = []
    public var oldest: (documentID: String, mrn: String, flaggedAt: String)?

    public static func == (a: DigestFacts, b: DigestFacts) -> Bool {
        a.flaggedOpen == b.flaggedOpen && a.overdue == b.overdue && a.reasons.map(\.code) == b.reasons.map(\.code)
            && a.reasons.map(\.count) == b.reasons.map(\.count) && a.oldest?.documentID == b.oldest?.documentID
    }
}
