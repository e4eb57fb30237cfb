/// What a document costs in memory while in flight. When it is taken from the inbox only
/// its size is known: the file as read (kept to be stored), its merge plan (every resource
/// serialized once) and the decoding's transient copies, about 4 bytes per byte, plus a
/// fixed part for the small structures. Once read, its structure is known too: every JSON
/// object becomes decoded nodes, a planned resource and their strings, which a file of many
/// small entries has many of (a 10 MB file of 98,000 tiny entries peaked at 274 MB, 27
/// bytes per byte). Measured in README ("Memory").
public enum DocumentMemory {
    public static let bytesPerInputByte = 4
    public static let fixed = 64 * 1024
    /// Memory per JSON object while the document is decoded and planned (measured: 274 MB
    /// for 392,000 objects in 10 MB, 40 MB of it the per-byte part).
    public static let bytesPerObject = 640

    /// A file over the size limit is refused from `fstat`, unread: only the fixed part.
    public static func charge(fileBytes: Int64, maxFileBytes: Int) -> Int {
        guard fileBytes >= 0, fileBytes <= Int64(maxFileBytes) else { return fixed }
        return Int(fileBytes) * bytesPerInputByte + fixed
    }

    /// The charge of a file once read: the per-byte part and one part per `{` (objects;
    /// one inside a string counts too, which only overestimates).
    public static func charge(read bytes: [UInt8]) -> Int {
        var objects = 0
        for byte in bytes where byte == UInt8(ascii: "{") { objects += 1 }
        return bytes.count * bytesPerInputByte + objects * bytesPerObject + fixed
    }
}
