/// The parser's tokens: literals, numbers, strings (escapes, UTF-8 validation, decoding).
extension JSONReader {
    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= buffer.count else { throw fail("unexpected end of input") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for i in 0..<count where buffer[position + i] != expected[i] { throw fail("invalid literal") }
        position += count
    }

    mutating func scanNumber() throws(JSONSyntaxError) {
        if buffer[position] == UInt8(ascii: "-") { position += 1 }
        guard position < buffer.count, isDigit(buffer[position]) else { throw fail("invalid number") }
        if buffer[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            position += 1
            guard position < buffer.count, isDigit(buffer[position]) else { throw fail("invalid number") }
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: "e") || buffer[position] == UInt8(ascii: "E") {
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") { position += 1 }
            guard position < buffer.count, isDigit(buffer[position]) else { throw fail("invalid number") }
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
    }

    @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    struct StringToken {
        /// First byte after the opening quote; `end` is the closing quote's index.
        let start: Int
        let end: Int
        let escaped: Bool
        /// No escapes and no byte above 0x7F: its bytes are its text.
        var plain = true
    }

    /// Validates a string (escapes, control characters, UTF-8) and leaves `position`
    /// after its closing quote.
    mutating func scanString() throws(JSONSyntaxError) -> StringToken {
        position += 1
        let start = position
        var escaped = false
        var plain = true
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                let token = StringToken(start: start, end: position, escaped: escaped, plain: plain)
                position += 1
                return token
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                plain = false
                position += 1
                guard position < buffer.count else { break }
                switch buffer[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    position += 1
                    let scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard position + 1 < buffer.count, buffer[position] == UInt8(ascii: "\\"), buffer[position + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate escape")
                        }
                        position += 2
                        guard (0xDC00...0xDFFF).contains(try hex4()) else { throw fail("unpaired surrogate escape") }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("unpaired surrogate escape")
                    }
                default: throw fail("invalid escape")
                }
                continue
            }
            if byte < 0x20 { throw fail("control character in a string") }
            if byte < 0x80 { position += 1; continue }
            plain = false
            try scanUTF8Sequence()
        }
        throw fail("unterminated string")
    }

    /// One multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF).
    mutating func scanUTF8Sequence() throws(JSONSyntaxError) {
        let b0 = buffer[position]
        var count = 0
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: count = 1
        case 0xE0: count = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 2
        case 0xED: count = 2; high = 0x9F
        case 0xF0: count = 3; low = 0x90
        case 0xF1...0xF3: count = 3
        case 0xF4: count = 3; high = 0x8F
        default: throw fail("the file is not valid UTF-8")
        }
        guard position + count < buffer.count else { throw fail("the file is not valid UTF-8") }
        let b1 = buffer[position + 1]
        guard b1 >= low && b1 <= high else { throw fail("the file is not valid UTF-8") }
        for i in stride(from: 2, through: count, by: 1) where buffer[position + i] & 0xC0 != 0x80 {
            throw fail("the file is not valid UTF-8")
        }
        position += count + 1
    }

    func matches(_ token: StringToken, _ literal: StaticString) -> Bool {
        guard !token.escaped, token.end - token.start == literal.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for i in 0..<expected.count where buffer[token.start + i] != expected[i] { return false }
        return true
    }

    /// The decoded text of a validated string token.
    func decode(_ token: StringToken) -> String {
        let slice = UnsafeBufferPointer(rebasing: buffer[token.start..<token.end])
        guard token.escaped else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = 0
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for j in at..<(at + 4) {
                let c = slice[j]
                let digit: UInt32 = c <= 57 ? UInt32(c - 48) : (c >= 97 ? UInt32(c - 87) : UInt32(c - 55))
                value = value << 4 | digit
            }
            return value
        }
        while i < slice.count {
            let byte = slice[i]
            guard byte == UInt8(ascii: "\\") else { out.append(byte); i += 1; continue }
            let escape = slice[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex(i)
                i += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let lowSurrogate = hex(i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (lowSurrogate - 0xDC00)
                }
                if let unicode = Unicode.Scalar(scalar) { out.append(contentsOf: Array(String(Character(unicode)).utf8)) }
            default: out.append(escape)   // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= buffer.count else { throw fail("invalid \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = buffer[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
