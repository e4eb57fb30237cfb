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
