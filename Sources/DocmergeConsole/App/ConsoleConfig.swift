import DocmergeModel

/// How `docmerge serve` runs.
public struct ConsoleConfig: Sendable {
    public var databasePath: String
    public var listen: ListenAddress
    public var limits = HTTPLimits()
    /// Add `Secure` to cookies: set when TLS is terminated by a reverse proxy in front.
    public var secureCookies = false
    /// Behind a reverse proxy: count failed sign-ins per the client it names in
    /// X-Forwarded-For (else every client would share the proxy's address).
    public var trustProxy = false
    /// Serve `/metrics` without signing in to clients on the loopback interface.
    public var openMetricsOnLoopback = true
    /// Signed-in sessions end after this many seconds without a request.
    public var sessionIdleSeconds = 30.0 * 60
    public var sessionMaxSeconds = 12.0 * 3600
    public var overdueDays = 7.0
    /// Seconds between the dashboard's self-refreshes.
    public var refreshSeconds = 60
    public var pageSize = 50
    /// The flag-rate band the dashboard measures against.
    public var flagRateBand = (low: 0.05, high: 0.20)
    /// For retries: the same decoder limits and sample rate the runner uses.
    public var decoder = ExtractionDecoder()
    public var sampleRate = 0.02
    /// The cost of the decoy check made when a sign-in names no account (the accounts' own cost).
    public var decoyIterations = PasswordHash.defaultIterations

    public init(databasePath: String, listen: ListenAddress) {
        self.databasePath = databasePath
        self.listen = listen
    }
}
