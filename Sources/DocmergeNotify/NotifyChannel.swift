/// One way of delivering a notification. `deliver` blocks (the notifier calls it on its
/// own thread, never on the merge path) for at most about `timeout` seconds and returns
/// nil when the receiver took the event, else why not, in one sentence.
public protocol NotifyChannel: Sendable {
    var name: String { get }
    func deliver(_ notification: NotificationRecordBody, timeout: Double) -> String?
}

/// What a channel sends: the event id (for receivers that deduplicate) and the JSON body.
public struct NotificationRecordBody: Sendable {
    public let eventID: String
    public let body: String
    public init(eventID: String, body: String) {
        self.eventID = eventID
        self.body = body
    }
}
