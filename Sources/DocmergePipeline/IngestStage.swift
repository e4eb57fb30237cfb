import DocmergeModel
import Foundation

/// Takes files from the inbox in arrival order: what is there at start (oldest first),
/// then inotify events, with a periodic rescan as the safety net. Each file is offered
/// once while in flight; a file whose merge failed is parked and retried later.
public actor IngestStage {
    public enum Signal: Sendable {
        case name(String)
        case rescan
        case stop
    }

    private let inbox: Inbox
    private let output: WorkQueue<FileTicket>
    private let permits: AsyncSemaphore
    private let bytes: InFlightBytes?
    private let logger: Logger?
    private let maxFileBytes: Int
    private let stop: StopFlag
    private let settleNanos: Int64
    private let parkNanos: UInt64
    private var inFlight = Set<String>()
    private var parked: [String: (identity: FileIdentity, until: UInt64)] = [:]
    private var nextSeq = 0
    private var lastScanEnded: UInt64 = 0
    private let rescanNanos: UInt64
    public private(set) var offered = 0

    public init(inbox: Inbox, output: WorkQueue<FileTicket>, permits: AsyncSemaphore, stop: StopFlag,
                settleMs: Int, parkSeconds: Double = 30, rescanSeconds: Double = 2,
                bytes: InFlightBytes? = nil, maxFileBytes: Int = 10 * 1024 * 1024, logger: Logger? = nil) {
        self.logger = logger
        self.inbox = inbox
        self.output = output
        self.permits = permits
        self.bytes = bytes
        self.maxFileBytes = maxFileBytes
        self.stop = stop
        self.settleNanos = Int64(settleMs) * 1_000_000
        self.parkNanos = UInt64(parkSeconds * 1e9)
        self.rescanNanos = UInt64(max(0, rescanSeconds) * 1e9)
    }

    /// `once`: take what is present, then finish. Otherwise follow `signals` until stop.
    public func run(signals: AsyncStream<Signal>, once: Bool) async {
        await scan()
        if !once {
            for await signal in signals {
                if stop.isSet { break }
                switch signal {
                case .name(let name): await offer(name, settled: true)
                case .rescan:
                    // Rescans that piled up while a long scan ran (a backlog) collapse into one.
                    if DispatchTime.now().uptimeNanoseconds - lastScanEnded >= rescanNanos { await scan() }
                case .stop: break
                }
                if stop.isSet { break }
            }
        }
        await output.finish()
    }

    /// The writer reports each file done: moved (or gone), or kept in the inbox after a
    /// failed merge (parked until it changes or the park time passes).
    public func completed(_ done: [(name: String, keep: FileIdentity?)]) {
        let now = DispatchTime.now().uptimeNanoseconds
        for item in done {
            inFlight.remove(item.name)
            if let identity = item.keep { parked[item.name] = (identity, now + parkNanos) }
        }
    }

    public var inFlightCount: Int { inFlight.count }

    /// Offers what is in the inbox, oldest first. A file modified a moment ago may still
    /// be being written by a non-atomic writer: the scan waits for it to settle rather
    /// than skip it, so a younger file never overtakes an older one (arrival order).
    private func scan() async {
        defer { lastScanEnded = DispatchTime.now().uptimeNanoseconds }
        rejectUndecodableNames()
        for candidate in inbox.list() {
            if stop.isSet { return }
            await offer(candidate.name, settled: false)
        }
    }

    private func offer(_ name: String, settled: Bool) async {
        guard !stop.isSet, !Inbox.isIgnored(name), !inFlight.contains(name),
              var identity = inbox.identity(of: name) else { return }
        if let park = parked[name] {
            if park.identity == identity && DispatchTime.now().uptimeNanoseconds < park.until { return }
            parked[name] = nil
        }
        if !settled {
            // A file modified a moment ago may still be being written by a non-atomic writer.
            while Self.ageNanos(identity) < settleNanos {
                try? await Task.sleep(nanoseconds: UInt64(max(1_000_000, settleNanos - Self.ageNanos(identity))))
                guard let again = inbox.identity(of: name) else { return }
                identity = again
            }
        }
        inFlight.insert(name)
        await permits.acquire()
        let cost = DocumentMemory.charge(fileBytes: identity.size, maxFileBytes: maxFileBytes)
        await bytes?.acquire(cost)
        var ticket = FileTicket(seq: nextSeq, name: name, path: inbox.root + "/" + name, identity: identity,
                                firstSeen: Date(), seenUptimeNanos: DispatchTime.now().uptimeNanoseconds)
        ticket.cost = bytes == nil ? 0 : cost
        nextSeq += 1
        offered += 1
        await output.push(ticket)
    }

    /// A name that is not UTF-8 cannot be offered (no `String` names it): it is moved to
    /// rejected/ under an escaped name at once, unread, and logged.
    private func rejectUndecodableNames() {
        for bytes in inbox.undecodableNames() {
            do {
                if let final = try inbox.rejectUndecodableName(bytes, at: Date()) {
                    logger?.error("A file whose name is not valid UTF-8 (\(Inbox.escaped(bytes))) was moved to rejected/ as \(final), unread.")
                }
            } catch {
                logger?.error("A file whose name is not valid UTF-8 (\(Inbox.escaped(bytes))) could not be moved to rejected/: \(error)")
            }
        }
    }

    static func ageNanos(_ identity: FileIdentity) -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1e9) - identity.modifiedNanos
    }
}
