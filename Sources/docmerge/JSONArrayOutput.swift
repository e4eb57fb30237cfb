import DocmergeModel
import Foundation

/// A JSON array written to standard output element by element, in 64 KiB writes: a
/// long list costs one element's memory, not the whole document's (`review list --json`
/// over 200,000 documents). The bytes are exactly those of `Output.json(JSON.array(...))`.
struct JSONArrayOutput {
    private var buffer: [UInt8] = [UInt8(ascii: "[")]
    private var first = true

    mutating func append(_ value: JSON) {
        if !first { buffer.append(UInt8(ascii: ",")) }
        first = false
        JSONWriter.write(value, into: &buffer)
        if buffer.count >= 64 * 1024 { flush() }
    }

    mutating func finish() {
        buffer.append(UInt8(ascii: "]"))
        buffer.append(0x0A)
        flush()
    }

    private mutating func flush() {
        Output.bytes(buffer)   // escaped as every JSON output is (per element: chunks end between elements)
        buffer.removeAll(keepingCapacity: true)
    }
}
