/// The `notify` section: where stewards hear about flagged, overdue and failed documents.
/// Nothing is sent unless `command` or `webhook_url` is set.
extension Config {
    public struct Notify: Sendable, Equatable {
        /// The hook, as an argument vector (no shell); each event arrives on its standard input.
        public var command: [String] = []
        /// An https URL each event is POSTed to (http only to loopback); "" for none.
        public var webhookURL = ""
        /// The review console's base URL; events link to `<console_url>/documents/<id>/verify/`.
        public var consoleURL = ""
        /// Whether events carry the patient's MRN (off: the document id only).
        public var includeMRN = false
        /// Seconds one delivery may take before the hook is killed or the request abandoned.
        public var timeoutSeconds = 10.0
        /// Delivery attempts per event and channel before it is given up (and counted).
        public var retryAttempts = 5
        /// First wait between attempts, in ms (doubles each time, at most 10 minutes).
        public var retryBaseMs = 2_000
        /// Events waiting for delivery, at most; more are recorded as dropped and counted.
        public var queueSize = 1_000
        /// Seconds between looks at the committed audit rows.
        public var pollSeconds = 1.0
        /// Local time of day (HH:MM) of the daily digest; "" for none.
        public var digestTime = ""
        /// Minutes between the runner's checks of the audit hash chain (0: never).
        public var auditCheckMinutes = 60.0
        /// Seconds a stopping runner keeps delivering what is queued (the rest waits for the next start).
        public var drainSeconds = 5.0

        public init() {}

        /// Whether any channel is configured.
        public var isEnabled: Bool { !command.isEmpty || !webhookURL.isEmpty }

        /// Minutes after local midnight of `digest_time`, when set and valid.
        public var digestMinutes: Int? { Self.minutes(digestTime) }

        public static func minutes(_ text: String) -> Int? {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let h = Int(parts[0]), let m = Int(parts[1]),
                  (0..<24).contains(h), (0..<60).contains(m) else { return nil }
            return h * 60 + m
        }

        /// Whether a webhook URL is allowed: https anywhere, http only to loopback.
        public static func isAllowedWebhook(_ text: String) -> Bool {
            if text.isEmpty { return true }
            if text.hasPrefix("https://") { return text.count > 8 }
            guard text.hasPrefix("http://") else { return false }
            let rest = text.dropFirst(7)
            let hostPort = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if hostPort.contains("@") { return false }
            let host: Substring
            if hostPort.hasPrefix("[") { host = hostPort.prefix { $0 != "]" }.dropFirst() } else { host = hostPort.prefix { $0 != ":" } }
            return host == "127.0.0.1" || host == "localhost" || host == "::1"
        }
    }
}
