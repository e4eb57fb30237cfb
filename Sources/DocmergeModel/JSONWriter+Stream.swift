extension JSONWriter {
    /// Feeds exactly the bytes `write` would produce to `sink`, in pieces of about 64 KiB,
    /// and raw values straight from their storage: the text is never held whole (a
    /// document's content hash costs no copy of the document).
    public static func stream(_ value: JSON, _ sink: (UnsafeRawBufferPointer) -> Void) {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(streamChunk)
        streamValue(value, &buffer, sink)
        buffer.withUnsafeBytes(sink)
    }

    static let streamChunk = 64 * 1024

    private static func streamValue(_ value: JSON, _ buffer: inout [UInt8], _ sink: (UnsafeRawBufferPointer) -> Void) {
        switch value {
        case .raw(let raw):
            buffer.withUnsafeBytes(sink)
            buffer.removeAll(keepingCapacity: true)
            raw.bytes.withUnsafeBytes(sink)
        case .array(let items):
            buffer.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                streamValue(item, &buffer, sink)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            buffer.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &buffer)
                buffer.append(UInt8(ascii: ":"))
                streamValue(member.value, &buffer, sink)
            }
            buffer.append(UInt8(ascii: "}"))
        default:
            write(value, into: &buffer)
        }
        if buffer.count >= streamChunk {
            buffer.withUnsafeBytes(sink)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

extension ContentHash {
    /// The hash of `value`'s compact text, computed without building the text.
    public static func hex(streaming value: JSON) -> String {
        var hasher = ContentHash()
        JSONWriter.stream(value) { hasher.update($0) }
        return hasher.finalize()
    }
}
