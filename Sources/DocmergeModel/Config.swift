import Foundation

/// Pipeline settings and thresholds, read from a JSON file in `Configs/`.
public struct Config: Codable, Sendable, Equatable {
    public var thresholds = Thresholds()
    public var pipeline = Pipeline()

    public struct Pipeline: Codable, Sendable, Equatable {
        /// Largest file accepted, in bytes.
        public var maxFileBytes = 10 * 1024 * 1024
        /// Deepest JSON nesting accepted.
        public var maxDepth = 64
        /// Documents read but not yet committed, at most.
        public var maxInFlight = 512
        /// Memory budget of the documents in flight, in bytes (each charged 4 bytes per
        /// byte of its file; see README, Memory): bounds peak memory whatever the file sizes.
        public var maxInFlightBytes = 512 * 1024 * 1024
        /// Parallel decode workers (0: one per core).
        public var decodeWorkers = 0
        /// Documents per group-commit transaction, at most.
        public var batchMax = 256
        /// Seconds between rescans of the inbox (the safety net under inotify).
        public var rescanSeconds = 2.0
        /// A file younger than this (ms since last modification) is treated as still being written.
        public var settleMs = 200
        /// Merge attempts before a document is flagged as failed.
        public var retryAttempts = 5
        /// First backoff between attempts, in ms (doubles each time).
        public var retryBaseMs = 50
        /// Seconds between rewrites of metrics.prom / metrics.json.
        public var metricsIntervalSeconds = 5.0
        /// Fraction of auto-approved documents picked for the quality sample.
        public var sampleRate = 0.02
        /// Days after which a flagged document is overdue.
        public var overdueDays = 7.0
        /// How long a write waits for another process's lock before it counts as a failure, in ms.
        public var busyTimeoutMs = 5_000
        /// Caps the database at this many pages (0: no cap). Also a way to rehearse "disk full".
        public var maxDbPages = 0
        /// Seconds a file whose merge failed waits in the inbox before it is tried again.
        public var parkSeconds = 30.0
        /// Flag-rate band the tuner aims for.
        public var targetFlagRateLow = 0.05
        public var targetFlagRateHigh = 0.20

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Pipeline()
            maxFileBytes = try c.decodeIfPresent(Int.self, forKey: .maxFileBytes) ?? d.maxFileBytes
            maxDepth = try c.decodeIfPresent(Int.self, forKey: .maxDepth) ?? d.maxDepth
            maxInFlight = try c.decodeIfPresent(Int.self, forKey: .maxInFlight) ?? d.maxInFlight
            maxInFlightBytes = try c.decodeIfPresent(Int.self, forKey: .maxInFlightBytes) ?? d.maxInFlightBytes
            decodeWorkers = try c.decodeIfPresent(Int.self, forKey: .decodeWorkers) ?? d.decodeWorkers
            batchMax = try c.decodeIfPresent(Int.self, forKey: .batchMax) ?? d.batchMax
            rescanSeconds = try c.decodeIfPresent(Double.self, forKey: .rescanSeconds) ?? d.rescanSeconds
            settleMs = try c.decodeIfPresent(Int.self, forKey: .settleMs) ?? d.settleMs
            retryAttempts = try c.decodeIfPresent(Int.self, forKey: .retryAttempts) ?? d.retryAttempts
            retryBaseMs = try c.decodeIfPresent(Int.self, forKey: .retryBaseMs) ?? d.retryBaseMs
            metricsIntervalSeconds = try c.decodeIfPresent(Double.self, forKey: .metricsIntervalSeconds) ?? d.metricsIntervalSeconds
            sampleRate = try c.decodeIfPresent(Double.self, forKey: .sampleRate) ?? d.sampleRate
            overdueDays = try c.decodeIfPresent(Double.self, forKey: .overdueDays) ?? d.overdueDays
            busyTimeoutMs = try c.decodeIfPresent(Int.self, forKey: .busyTimeoutMs) ?? d.busyTimeoutMs
            maxDbPages = try c.decodeIfPresent(Int.self, forKey: .maxDbPages) ?? d.maxDbPages
            parkSeconds = try c.decodeIfPresent(Double.self, forKey: .parkSeconds) ?? d.parkSeconds
            targetFlagRateLow = try c.decodeIfPresent(Double.self, forKey: .targetFlagRateLow) ?? d.targetFlagRateLow
            targetFlagRateHigh = try c.decodeIfPresent(Double.self, forKey: .targetFlagRateHigh) ?? d.targetFlagRateHigh
        }

        enum CodingKeys: String, CodingKey {
            case maxFileBytes = "max_file_bytes", maxDepth = "max_depth", maxInFlight = "max_in_flight"
            case maxInFlightBytes = "max_in_flight_bytes"
            case decodeWorkers = "decode_workers", batchMax = "batch_max"
            case rescanSeconds = "rescan_seconds", settleMs = "settle_ms", retryAttempts = "retry_attempts"
            case retryBaseMs = "retry_base_ms", metricsIntervalSeconds = "metrics_interval_seconds"
            case sampleRate = "sample_rate", overdueDays = "overdue_days"
            case busyTimeoutMs = "busy_timeout_ms", maxDbPages = "max_db_pages", parkSeconds = "park_seconds"
            case targetFlagRateLow = "target_flag_rate_low", targetFlagRateHigh = "target_flag_rate_high"
        }
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        thresholds = try c.decodeIfPresent(Thresholds.self, forKey: .thresholds) ?? Thresholds()
        pipeline = try c.decodeIfPresent(Pipeline.self, forKey: .pipeline) ?? Pipeline()
    }

    /// Reads a config file; a missing key takes its default.
    public static func load(path: String) throws -> Config {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(Config.self, from: data)
    }
}
