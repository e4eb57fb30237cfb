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
    /// The deepest nesting any parse allows (`pipeline.max_depth` may not exceed it): the
    /// parser recurses once per level, and this keeps it far from the end of a thread's stack.
    /// Stored data, accepted under the configured depth, is read back under this bound.
    public static let deepestAllowed = 1_000

    public static func parse(_ bytes: [UInt8], maxDepth: Int = deepestAllowed, rawResources: Bool = false) throws(JSONSyntaxError) -> JSON {
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
    public static func minify(_ bytes: [UInt8], maxDepth: Int = deepestAllowed) throws(JSONSyntaxError) -> RawJSON {
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
        // Exactly the input's extent (an upper bound of the minified size): a large
        // resource is copied once, never through a doubling buffer twice its size.
        out.reserveCapacity(rawExtent())
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
}
