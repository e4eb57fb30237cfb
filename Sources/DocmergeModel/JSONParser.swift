/// A byte-level JSON parser (RFC 8259) with a nesting limit. Several times faster than
/// Foundation's on Linux; keeps member order and number text; validates UTF-8 inside
/// strings as it goes. In raw mode, every `resource` member below the top level (the
/// entries of an extraction) is validated and minified into a `RawJSON` instead of a tree.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    /// Where in the document it happened, innermost component first (built while unwinding).
    var reversedPath: [String] = []
    /// True for a member name that appears twice in one object (refused: readers disagree on which wins).
    public internal(set) var isDuplicateMember = false

    init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// A JSON path such as `$.entries[2].resource.code`.
    public var path: String { "$" + reversedPath.reversed().joined() }
    public var description: String { "\(message) at byte \(offset)" }
}

public enum JSONParser {
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 64, rawResources: Bool = false) throws(JSONSyntaxError) -> JSON {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> JSON in
            var reader = JSONReader(buffer: buffer, maxDepth: maxDepth, rawResources: rawResources)
            reader.skipWhitespace()
            let value = try reader.parseValue(depth: 0)
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw reader.fail("unexpected text after the JSON value") }
            return value
        }
    }

    /// Validates and minifies a whole JSON text.
    public static func minify(_ bytes: [UInt8], maxDepth: Int = 64) throws(JSONSyntaxError) -> RawJSON {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) -> RawJSON in
            var reader = JSONReader(buffer: buffer, maxDepth: maxDepth, rawResources: false)
            reader.skipWhitespace()
            let raw = try reader.parseRaw(depth: 0)
            reader.skipWhitespace()
            guard reader.position == buffer.count else { throw reader.fail("unexpected text after the JSON value") }
            return raw
        }
    }
}

struct JSONReader {
    let buffer: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    let rawResources: Bool
    var position = 0
    /// Member names of the objects being scanned in raw mode, innermost last (see `insertName`).
    var openNames: [StringToken] = []

    init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int, rawResources: Bool) {
        self.buffer = buffer
        self.maxDepth = maxDepth
        self.rawResources = rawResources
    }

    func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: position) }

    @inline(__always) mutating func skipWhitespace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    // MARK: trees

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSON {
        guard position < buffer.count else { throw fail("unexpected end of input") }
        switch buffer[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            let token = try scanString()
            return .string(decode(token))
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            try scanNumber()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self))
        default: throw fail("unexpected character")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSON {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        position += 1
        var members: [JSONMember] = []
        var names = TreeMemberNames()
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
            let keyToken = try scanString()
            let key = decode(keyToken)
            try names.insert(key, members: members, reader: self)
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            position += 1
            skipWhitespace()
            do throws(JSONSyntaxError) {
                if rawResources && depth >= 2 && key == "resource" {
                    members.append(JSONMember(key, .raw(try parseRaw(depth: depth))))
                } else {
                    members.append(JSONMember(key, try parseValue(depth: depth)))
                }
            } catch { throw error.inside(JSONPathComponent.member(key)) }
            skipWhitespace()
            guard position < buffer.count else { throw fail("unexpected end of input in an object") }
            if buffer[position] == UInt8(ascii: ",") { position += 1; continue }
            if buffer[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSON {
        guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
        position += 1
        var items: [JSON] = []
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            skipWhitespace()
            do throws(JSONSyntaxError) { items.append(try parseValue(depth: depth)) } catch {
                throw error.inside(JSONPathComponent.index(items.count))
            }
            skipWhitespace()
            guard position < buffer.count else { throw fail("unexpected end of input in an array") }
            if buffer[position] == UInt8(ascii: ",") { position += 1; continue }
            if buffer[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
            throw fail("expected ',' or ']'")
        }
    }

    // MARK: raw (validate + minify)

    mutating func parseRaw(depth: Int) throws(JSONSyntaxError) -> RawJSON {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        var members: [RawJSON.Member] = []
        var references: [RawJSON.Reference] = []
        try rawValue(depth: depth, level: 0, out: &out, members: &members, references: &references)
        return RawJSON(bytes: out, members: members, references: references)
    }

    mutating func rawValue(depth: Int, level: Int, out: inout [UInt8], members: inout [RawJSON.Member],
                           references: inout [RawJSON.Reference]) throws(JSONSyntaxError) {
        guard position < buffer.count else { throw fail("unexpected end of input") }
        let byte = buffer[position]
        switch byte {
        case UInt8(ascii: "{"):
            guard depth + 1 <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
            position += 1
            out.append(byte)
            skipWhitespace()
            if position < buffer.count, buffer[position] == UInt8(ascii: "}") { position += 1; out.append(UInt8(ascii: "}")); return }
            var first = true
            let namesBase = openNames.count
            var bigNames: Set<String>? = nil
            defer { openNames.removeSubrange(namesBase...) }
            while true {
                skipWhitespace()
                guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                let memberStart = out.count
                let keyToken = try scanString()
                try insertName(keyToken, base: namesBase, big: &bigNames)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(keyToken.start - 1)...keyToken.end]))
                skipWhitespace()
                guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                position += 1
                out.append(UInt8(ascii: ":"))
                skipWhitespace()
                let isReference = matches(keyToken, "reference")
                let valueStart = out.count
                if isReference, position < buffer.count, buffer[position] == UInt8(ascii: "\"") {
                    let token = try scanString()
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(token.start - 1)...token.end]))
                    references.append(RawJSON.Reference(range: valueStart..<out.count, value: decode(token)))
                } else {
                    do throws(JSONSyntaxError) {
                        try rawValue(depth: depth + 1, level: level + 1, out: &out, members: &members, references: &references)
                    } catch { throw error.inside(JSONPathComponent.member(decode(keyToken))) }
                }
                if level == 0 {
                    members.append(RawJSON.Member(key: decode(keyToken), range: memberStart..<out.count, valueRange: valueStart..<out.count))
                }
                skipWhitespace()
                guard position < buffer.count else { throw fail("unexpected end of input in an object") }
                if buffer[position] == UInt8(ascii: ",") { position += 1; continue }
                if buffer[position] == UInt8(ascii: "}") { position += 1; out.append(UInt8(ascii: "}")); return }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            guard depth + 1 <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
            position += 1
            out.append(byte)
            skipWhitespace()
            if position < buffer.count, buffer[position] == UInt8(ascii: "]") { position += 1; out.append(UInt8(ascii: "]")); return }
            var first = true
            var index = 0
            while true {
                skipWhitespace()
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                do throws(JSONSyntaxError) {
                    try rawValue(depth: depth + 1, level: level + 1, out: &out, members: &members, references: &references)
                } catch { throw error.inside(JSONPathComponent.index(index)) }
                index += 1
                skipWhitespace()
                guard position < buffer.count else { throw fail("unexpected end of input in an array") }
                if buffer[position] == UInt8(ascii: ",") { position += 1; continue }
                if buffer[position] == UInt8(ascii: "]") { position += 1; out.append(UInt8(ascii: "]")); return }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            let token = try scanString()
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(token.start - 1)...token.end]))
        case UInt8(ascii: "t"): try expectLiteral("true"); out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(position - 4)..<position]))
        case UInt8(ascii: "f"): try expectLiteral("false"); out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(position - 5)..<position]))
        case UInt8(ascii: "n"): try expectLiteral("null"); out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[(position - 4)..<position]))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            try scanNumber()
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<position]))
        default: throw fail("unexpected character")
        }
    }

    // MARK: tokens

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
