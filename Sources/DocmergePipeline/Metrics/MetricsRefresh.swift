/// When the metrics files' database figures (counts by status, flag reasons, the sample,
/// overdue reviews) are read again. They are counts over every document, so a read grows
/// with the database: reading them every few seconds would cost an idle runner CPU in
/// proportion to its history. They are read again only when the database changed since
/// (another connection committed) or `maxAgeNanos` passed (the overdue count moves with
/// the clock alone), and never sooner than `costFactor` times the last read's duration
/// after it, so the reads take at most about 1/costFactor of one core, however large the
/// database. Between reads the files carry the last figures and the live counters.
struct MetricsRefresh: Sendable {
    var costFactor: UInt64 = 20
    var maxAgeNanos: UInt64 = 60_000_000_000
    private(set) var lastReadAt: UInt64?
    private(set) var lastCostNanos: UInt64 = 0
    private(set) var lastVersion: Int?

    /// Whether a dump at `now`, with the database at `version`, reads the figures again.
    func wantsRead(now: UInt64, version: Int) -> Bool {
        guard let lastReadAt, let lastVersion else { return true }
        let age = now &- lastReadAt
        let (wait, overflow) = lastCostNanos.multipliedReportingOverflow(by: costFactor)
        if overflow || age < wait { return false }
        return version != lastVersion || age >= maxAgeNanos
    }

    /// A read that started at `started` (seeing `version`) and ended at `ended`.
    mutating func read(started: UInt64, ended: UInt64, version: Int) {
        lastReadAt = ended
        lastCostNanos = ended &- started
        lastVersion = version
    }
}
