/// A JSON value kept as validated, minified bytes instead of a tree: the hot path's form
/// of a resource. The scan that produced it also recorded its top-level members and
/// where every `reference` string sits, so rewriting is splicing bytes.
public struct RawJSON: Sendable, Equatable {
    /// Compact JSON text (whitespace removed; strings and numbers as written).
    public let bytes: [UInt8]
    /// Top-level members, when the value is an object: key and the byte range of `"key":value`.
    public let members: [Member]
    /// Every `"reference": "<string>"` at any depth: the range of the string token
    /// (quotes included) and its decoded value.
    public let references: [Reference]

    public struct Member: Sendable, Equatable {
        public let key: String
        public let range: Range<Int>
        public let valueRange: Range<Int>
    }

    public struct Reference: Sendable, Equatable {
        public let range: Range<Int>
        public let value: String
    }

    /// Bytes this program produced itself (valid, compact JSON); no members or references recorded.
    public init(trusted bytes: [UInt8]) {
        self.init(bytes: bytes, members: [], references: [])
    }

    init(bytes: [UInt8], members: [Member], references: [Reference]) {
        self.bytes = bytes
        self.members = members
        self.references = references
    }

    public var isObject: Bool { bytes.first == UInt8(ascii: "{") }

    /// The decoded string value of a top-level member, if it is a string.
    public func string(_ key: String) -> String? {
        guard let member = members.first(where: { $0.key == key }) else { return nil }
        let value = bytes[member.valueRange]
        // Fast path (the hot one: resourceType and id): a quoted string without escapes.
        if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\""),
           !value.contains(UInt8(ascii: "\\")) {
            return String(decoding: value.dropFirst().dropLast(), as: UTF8.self)
        }
        return try? JSONParser.parse(Array(value)).stringValue
    }

    /// The JSON type name of a top-level member's value (for error messages), or nil if absent.
    public func typeName(_ key: String) -> String? {
        guard let member = members.first(where: { $0.key == key }), let first = bytes[member.valueRange].first else { return nil }
        switch first {
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default: return "a number"
        }
    }

    /// The full tree (for the few places that need one: a Patient entry, review display).
    public var tree: JSON { (try? JSONParser.parse(bytes)) ?? .null }

    public static func == (a: RawJSON, b: RawJSON) -> Bool { a.bytes == b.bytes }
}
