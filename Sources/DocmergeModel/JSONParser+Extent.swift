extension JSONReader {
    /// How many input bytes the value at `position` spans, found by a quick scan that only
    /// tracks strings and brackets (no validation: the real parse that follows validates).
    /// Used to size the minified copy of a resource; on malformed input it may overshoot
    /// to the end of the input, never past it.
    func rawExtent() -> Int {
        var i = position
        var depth = 0
        let end = buffer.count
        while i < end {
            let byte = buffer[i]
            switch byte {
            case UInt8(ascii: "\""):
                i += 1
                while i < end && buffer[i] != UInt8(ascii: "\"") { i += buffer[i] == UInt8(ascii: "\\") ? 2 : 1 }
                if depth == 0 { return min(i + 1, end) - position }
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth <= 0 { return min(i + 1, end) - position }
            case UInt8(ascii: ","):
                if depth == 0 { return i - position }
            default: break
            }
            i += 1
        }
        return end - position
    }
}
