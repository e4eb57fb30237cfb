/// Every setting a config file may hold: its section, key, type and allowed range. The
/// one place that knows them: the loader validates against it, `config check` prints it.
public enum ConfigSchema {
    public enum Kind: Sendable, Equatable {
        case fraction              // a number in [0, 1]
        case positiveNumber        // > 0
        case nonNegativeNumber     // >= 0
        case count                 // a whole number >= 1
        case countUpTo(Int)        // a whole number from 1 to the bound
        case nonNegativeInteger    // a whole number >= 0
        case choice([String])
        case flag                  // true or false
        case argv                  // an array of strings (a command and its arguments, no shell)
        case timeOfDay             // "HH:MM", or "" for none
        case webhookURL            // an https URL (http only to loopback), or ""
        case baseURL               // an http(s) URL, or ""

        /// The allowed values, as the refusal sentence says them.
        public var allowed: String {
            switch self {
            case .fraction: "a number from 0 to 1"
            case .positiveNumber: "a number greater than 0"
            case .nonNegativeNumber: "a number of 0 or more"
            case .count: "a whole number of 1 or more"
            case .countUpTo(let bound): "a whole number from 1 to \(bound)"
            case .nonNegativeInteger: "a whole number of 0 or more"
            case .choice(let values): "one of " + values.joined(separator: ", ")
            case .flag: "true or false"
            case .argv: "an array of strings (a program and its arguments, no shell), or []"
            case .timeOfDay: "a time of day as \"HH:MM\", or \"\""
            case .webhookURL: "an https:// URL (http:// only to 127.0.0.1, ::1 or localhost), or \"\""
            case .baseURL: "an http:// or https:// URL, or \"\""
            }
        }
    }

    public enum Value: Sendable, Equatable {
        case number(Double)
        case integer(Int)
        case text(String)
        case bool(Bool)
        case texts([String])
    }

    public struct Setting {
        public let section: String
        public let key: String
        public let kind: Kind
        let read: (Config) -> Value
        let write: (inout Config, Value) -> Void
        public var name: String { "\(section).\(key)" }
    }

    /// Sections in file order, each with its keys in file order. `evidence` (written by
    /// `tune --apply`) is a record of what a tuning was based on, not a setting.
    public static let sections = ["thresholds", "registry", "pipeline", "tune", "notify"]
    public static let evidenceSection = "evidence"

    public static var settings: [Setting] {
        [
            double("thresholds", "min_confidence", .fraction, \.thresholds.minConfidence),
            int("thresholds", "few_resources_count", .count, \.thresholds.fewResourcesCount),
            double("thresholds", "few_resources_confidence", .fraction, \.thresholds.fewResourcesConfidence),
            double("thresholds", "min_name_similarity", .fraction, \.thresholds.minNameSimilarity),
            Setting(section: "registry", key: "unknown_patient", kind: .choice(UnknownPatientPolicy.allCases.map(\.rawValue)),
                    read: { .text($0.registry.unknownPatient.rawValue) },
                    write: { config, value in
                        if case .text(let t) = value, let p = UnknownPatientPolicy(rawValue: t) { config.registry.unknownPatient = p }
                    }),
            int("pipeline", "max_file_bytes", .count, \.pipeline.maxFileBytes),
            // Nesting is parsed recursively: the bound keeps a configured depth far from the stack's end.
            int("pipeline", "max_depth", .countUpTo(JSONParser.deepestAllowed), \.pipeline.maxDepth),
            int("pipeline", "max_in_flight", .count, \.pipeline.maxInFlight),
            int("pipeline", "max_in_flight_bytes", .count, \.pipeline.maxInFlightBytes),
            int("pipeline", "max_live_patients", .count, \.pipeline.maxLivePatients),
            int("pipeline", "decode_workers", .nonNegativeInteger, \.pipeline.decodeWorkers),
            int("pipeline", "batch_max", .count, \.pipeline.batchMax),
            double("pipeline", "rescan_seconds", .positiveNumber, \.pipeline.rescanSeconds),
            int("pipeline", "settle_ms", .nonNegativeInteger, \.pipeline.settleMs),
            int("pipeline", "retry_attempts", .count, \.pipeline.retryAttempts),
            int("pipeline", "retry_base_ms", .nonNegativeInteger, \.pipeline.retryBaseMs),
            int("pipeline", "busy_timeout_ms", .nonNegativeInteger, \.pipeline.busyTimeoutMs),
            int("pipeline", "max_db_pages", .nonNegativeInteger, \.pipeline.maxDbPages),
            double("pipeline", "park_seconds", .nonNegativeNumber, \.pipeline.parkSeconds),
            double("pipeline", "metrics_interval_seconds", .positiveNumber, \.pipeline.metricsIntervalSeconds),
            double("pipeline", "sample_rate", .fraction, \.pipeline.sampleRate),
            double("pipeline", "overdue_days", .nonNegativeNumber, \.pipeline.overdueDays),
            double("pipeline", "target_flag_rate_low", .fraction, \.pipeline.targetFlagRateLow),
            double("pipeline", "target_flag_rate_high", .fraction, \.pipeline.targetFlagRateHigh),
            double("pipeline", "shutdown_deadline_seconds", .nonNegativeNumber, \.pipeline.shutdownDeadlineSeconds),
            int("tune", "min_reviewed_outcomes", .count, \.tune.minReviewedOutcomes),
        ] + notifySettings
    }

    static func double(_ section: String, _ key: String, _ kind: Kind, _ path: WritableKeyPath<Config, Double>) -> Setting {
        Setting(section: section, key: key, kind: kind, read: { .number($0[keyPath: path]) },
                write: { config, value in if case .number(let n) = value { config[keyPath: path] = n } })
    }

    static func int(_ section: String, _ key: String, _ kind: Kind, _ path: WritableKeyPath<Config, Int>) -> Setting {
        Setting(section: section, key: key, kind: kind, read: { .integer($0[keyPath: path]) },
                write: { config, value in if case .integer(let n) = value { config[keyPath: path] = n } })
    }
}
