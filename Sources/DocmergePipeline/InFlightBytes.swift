/// The memory budget of documents in flight (read, not yet finished), in bytes: the
/// count limit alone lets 512 large files hold gigabytes. Each file is charged its
/// estimated memory (`DocumentMemory.charge`) when it is taken from the inbox and
/// released when it is done. A file larger than the whole budget is still taken, alone,
/// so nothing waits forever. First come, first served: a large file is never overtaken.
public actor InFlightBytes {
    public let budget: Int
    private var inUse = 0
    private var holders = 0
    private var waiters: [(bytes: Int, continuation: CheckedContinuation<Void, Never>)] = []

    public init(budget: Int) { self.budget = max(1, budget) }

    public func acquire(_ bytes: Int) async {
        if waiters.isEmpty && fits(bytes) { take(bytes); return }
        await withCheckedContinuation { waiters.append((bytes, $0)) }
    }

    public func release(_ bytes: Int) {
        inUse -= bytes
        holders -= 1
        while let first = waiters.first, fits(first.bytes) {
            waiters.removeFirst()
            take(first.bytes)
            first.continuation.resume()
        }
    }

    public var bytesInUse: Int { inUse }

    private func fits(_ bytes: Int) -> Bool { holders == 0 || inUse + bytes <= budget }

    private func take(_ bytes: Int) {
        inUse += bytes
        holders += 1
    }
}

/// What a document costs in memory while in flight, estimated from its file size: the
/// file as read (kept to be stored), its merge plan (every resource serialized once)
/// and the decoding's transient copies, plus a fixed part for the small structures.
/// Measured in README ("Memory"): about 2–3 bytes of memory per byte of input held while a
/// document waits, more transiently while one is decoded or written.
public enum DocumentMemory {
    public static let bytesPerInputByte = 4
    public static let fixed = 64 * 1024

    /// A file over the size limit is refused from `fstat`, unread: only the fixed part.
    public static func charge(fileBytes: Int64, maxFileBytes: Int) -> Int {
        guard fileBytes >= 0, fileBytes <= Int64(maxFileBytes) else { return fixed }
        return Int(fileBytes) * bytesPerInputByte + fixed
    }
}
