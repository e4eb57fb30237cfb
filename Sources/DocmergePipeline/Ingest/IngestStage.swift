import DocmergeModel
import Foundation

/// Takes files from the inbox in arrival order: what is there at start (oldest first),
/// then inotify names, with periodic rescans as the safety net. Each file is offered
/// once while in flight; a file whose merge failed is parked and retried later. A file
/// modified a moment ago may still be being written: it waits (without holding up any
/// other file) until it has not changed for the settle time. A modification time in
/// the future (clock skew, `cp -p`) waits at most that long too.
public actor IngestStage {
    private let inbox: Inbox
    private let budget: InFlightBudget
    private let stop: StopFlag
    private let clock: any PipelineClock
    private let maxFileBytes: Int
    private let logger: Logger?
    private let settleNanos: UInt64
    private let parkNanos: UInt64
    private let rescanNanos: UInt64
    private var inFlight = Set<String>()
    private var parked: [String: (identity: FileIdentity, until: UInt64)] = [:]
    /// Files seen but not settled: when first seen with this identity.
    private var unsettled: [String: (identity: FileIdentity, since: UInt64)] = [:]
    private var nextSeq = 0
    /// Folders in the watch directory already said (once per runner).
    private var reportedFolders = Set<String>()
    private var lastScanEnded: UInt64?
    public private(set) var offered = 0

    public init(inbox: Inbox, budget: InFlightBudget, stop: StopFlag, clock: any PipelineClock = SystemClock(),
                settleMs: Int, parkSeconds: Double = 30, rescanSeconds: Double = 2,
                maxFileBytes: Int = 10 * 1024 * 1024, logger: Logger? = nil) {
        self.maxFileBytes = maxFileBytes
        self.logger = logger
        self.inbox = inbox
        self.budget = budget
        self.stop = stop
        self.clock = clock
        self.settleNanos = UInt64(max(0, settleMs)) * 1_000_000
        self.parkNanos = UInt64(max(0, parkSeconds) * 1e9)
        self.rescanNanos = UInt64(max(0, rescanSeconds) * 1e9)
    }

    /// `once`: take what is present (waiting for unsettled files), then finish.
    /// Otherwise follow `signals` until stop. Finishing `output` drains the pipeline.
    public func run(signals: IngestSignals, output: WorkQueue<FileTicket>, once: Bool) async {
        await follow(signals, output, once: once)
        await output.finish()
    }

    private func follow(_ signals: IngestSignals, _ output: WorkQueue<FileTicket>, once: Bool) async {
        await scan(output)
        if once && unsettled.isEmpty { return }
        for await signal in signals.stream {
            if stop.isSet || Task.isCancelled { break }
            if signals.takeRescanNeeded() { await scan(output) }
            switch signal {
            case .name(let name): await offer(name, settled: true, output)
            case .rescan:
                // Rescans that piled up while a long scan ran (a backlog) collapse into one.
                if !once, lastScanEnded.map({ clock.uptimeNanos() - $0 >= rescanNanos }) ?? true { await scan(output) }
            case .tick: await recheckUnsettled(output)
            case .stop: break
            }
            if stop.isSet || (once && unsettled.isEmpty) { break }
        }
    }

    /// The file finisher reports each file done: moved (or gone), or kept in the inbox
    /// after a failed merge (parked until it changes or the park time passes).
    public func completed(_ done: [(name: String, keep: FileIdentity?)]) {
        let now = clock.uptimeNanos()
        for item in done {
            inFlight.remove(item.name)
            if let identity = item.keep { parked[item.name] = (identity, now + parkNanos) }
        }
    }

    public var unsettledCount: Int { unsettled.count }

    private func scan(_ output: WorkQueue<FileTicket>) async {
        defer { lastScanEnded = clock.uptimeNanos() }
        let listing = inbox.scan()
        rejectUndecodableNames(listing.undecodable)
        rejectNotRegularFiles(listing.notRegular)
        for candidate in listing.candidates {
            if stop.isSet || Task.isCancelled { return }
            await offer(candidate.name, settled: false, output)
        }
    }

    private func recheckUnsettled(_ output: WorkQueue<FileTicket>) async {
        let waiting = unsettled.sorted { ($0.value.identity.modifiedNanos, $0.key) < ($1.value.identity.modifiedNanos, $1.key) }
        for (name, _) in waiting {
            if stop.isSet || Task.isCancelled { return }
            await offer(name, settled: false, output)
        }
    }

    private func offer(_ name: String, settled: Bool, _ output: WorkQueue<FileTicket>) async {
        guard !stop.isSet, !Inbox.isIgnored(name), !inFlight.contains(name) else { return }
        guard let identity = inbox.identity(of: name) else { unsettled[name] = nil; return }
        if let park = parked[name] {
            if park.identity == identity && clock.uptimeNanos() < park.until { return }
            parked[name] = nil
        }
        if !settled && !isSettled(name, identity) { return }
        unsettled[name] = nil
        inFlight.insert(name)
        // Charged by estimated memory (about 4 bytes per byte of file), not by file size alone.
        let cost = DocumentMemory.charge(fileBytes: identity.size, maxFileBytes: maxFileBytes)
        guard await budget.acquire(size: Int64(cost)) else {
            inFlight.remove(name)
            return
        }
        var ticket = FileTicket(seq: nextSeq, name: name, path: inbox.root + "/" + name, identity: identity,
                                firstSeen: clock.now(), seenUptimeNanos: clock.uptimeNanos())
        ticket.cost = cost
        nextSeq += 1
        offered += 1
        await output.push(ticket)
    }

    /// Links, pipes, sockets and devices are moved to rejected/ as they are, and said; a
    /// folder is said once and left alone.
    private func rejectNotRegularFiles(_ found: [Inbox.NotRegular]) {
        for item in found {
            if item.isFolder {
                if reportedFolders.insert(item.name).inserted {
                    logger?.error("\(item.name) in the watch directory is a folder, not a document; docmerge leaves it alone (move documents to the top level).")
                }
                continue
            }
            do {
                if let final = try inbox.rejectNotRegular(item, at: clock.now()) {
                    logger?.error("\(item.name) is \(item.kind), not a regular file: moved to rejected/ as \(final), unread.")
                }
            } catch {
                logger?.error("\(item.name) is \(item.kind), not a regular file, and could not be moved to rejected/: \(error)")
            }
        }
    }

    /// A name that is not UTF-8 cannot be offered (no `String` names it): it is moved to
    /// rejected/ under an escaped name at once, unread, and logged.
    private func rejectUndecodableNames(_ names: [[UInt8]]) {
        for bytes in names {
            do {
                if let final = try inbox.rejectUndecodableName(bytes, at: clock.now()) {
                    logger?.error("A file whose name is not valid UTF-8 (\(Inbox.escaped(bytes))) was moved to rejected/ as \(final), unread.")
                }
            } catch {
                logger?.error("A file whose name is not valid UTF-8 (\(Inbox.escaped(bytes))) could not be moved to rejected/: \(error)")
            }
        }
    }

    /// Settled: last modified at least the settle time ago, or unchanged while watched for
    /// that long (which also ends the wait for a modification time in the future).
    private func isSettled(_ name: String, _ identity: FileIdentity) -> Bool {
        let ageNanos = Int64(clock.now().timeIntervalSince1970 * 1e9) - identity.modifiedNanos
        if ageNanos >= Int64(settleNanos) { return true }
        let now = clock.uptimeNanos()
        if let seen = unsettled[name], seen.identity == identity {
            return now - seen.since >= settleNanos
        }
        unsettled[name] = (identity, now)
        return false
    }
}
