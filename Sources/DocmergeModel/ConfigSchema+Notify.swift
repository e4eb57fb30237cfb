/// The `notify` section's settings (see `Config.Notify`).
extension ConfigSchema {
    static var notifySettings: [Setting] {
        [
            Setting(section: "notify", key: "command", kind: .argv, read: { .texts($0.notify.command) },
                    write: { config, value in if case .texts(let words) = value { config.notify.command = words } }),
            text("webhook_url", .webhookURL, \.notify.webhookURL),
            text("console_url", .baseURL, \.notify.consoleURL),
            Setting(section: "notify", key: "include_mrn", kind: .flag, read: { .bool($0.notify.includeMRN) },
                    write: { config, value in if case .bool(let b) = value { config.notify.includeMRN = b } }),
            double("notify", "timeout_seconds", .positiveNumber, \.notify.timeoutSeconds),
            int("notify", "retry_attempts", .count, \.notify.retryAttempts),
            int("notify", "retry_base_ms", .nonNegativeInteger, \.notify.retryBaseMs),
            int("notify", "queue_size", .count, \.notify.queueSize),
            double("notify", "poll_seconds", .positiveNumber, \.notify.pollSeconds),
            text("digest_time", .timeOfDay, \.notify.digestTime),
            double("notify", "audit_check_minutes", .nonNegativeNumber, \.notify.auditCheckMinutes),
            double("notify", "drain_seconds", .nonNegativeNumber, \.notify.drainSeconds),
        ]
    }

    static func text(_ key: String, _ kind: Kind, _ path: WritableKeyPath<Config, String>) -> Setting {
        Setting(section: "notify", key: key, kind: kind, read: { .text($0[keyPath: path]) },
                write: { config, value in if case .text(let t) = value { config[keyPath: path] = t } })
    }
}
