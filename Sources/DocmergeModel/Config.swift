/// Pipeline settings and thresholds, read from a JSON file in `Configs/` and validated
/// key by key (`ConfigSchema`): an unknown key, a wrong type or a value out of range
/// refuses the file.
public struct Config: Sendable, Equatable {
    public var thresholds = Thresholds()
    public var registry = Registry()
    public var pipeline = Pipeline()
    public var tune = Tune()
    public var notify = Notify()

    /// The `registry` section.
    public struct Registry: Sendable, Equatable {
        /// What a document for an MRN the registry does not know does (check 7).
        public var unknownPatient: UnknownPatientPolicy = .registerAndFlag
        public init(unknownPatient: UnknownPatientPolicy = .registerAndFlag) { self.unknownPatient = unknownPatient }
    }

    /// The `tune` section.
    public struct Tune: Sendable, Equatable {
        /// `tune --apply` refuses with fewer reviewed outcomes than this (unless --force).
        public var minReviewedOutcomes = 30
        public init() {}
    }

    public struct Pipeline: Sendable, Equatable {
        /// Largest file accepted, in bytes.
        public var maxFileBytes = 10 * 1024 * 1024
        /// Deepest JSON nesting accepted.
        public var maxDepth = 64
        /// Documents read but not yet committed, at most.
        public var maxInFlight = 512
        /// Memory budget of the documents in flight, in bytes (each charged 4 bytes per byte
        /// of its file; see README, Hardening): bounds peak memory whatever the file sizes.
        public var maxInFlightBytes = 512 * 1024 * 1024
        /// Patients' merge actors kept in memory; idle ones past this are evicted.
        public var maxLivePatients = 1024
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
        /// Seconds a SIGINT/SIGTERM waits for in-flight work before cancelling it.
        public var shutdownDeadlineSeconds = 30.0

        public init() {}
    }

    public init() {}

    /// What a document is judged with: the thresholds plus the unknown-patient policy
    /// (stored with each document, so a retry judges the same way).
    public var judgement: Thresholds {
        var t = thresholds
        t.unknownPatient = registry.unknownPatient
        return t
    }
}
