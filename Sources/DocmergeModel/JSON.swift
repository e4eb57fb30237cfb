/// A JSON value that keeps what FHIR needs kept: object member order and the exact
/// text of numbers (`1.50` stays `1.50`; FHIR decimals carry precision).
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([JSONMember])
    /// Validated, minified JSON kept as bytes (a resource on the hot path).
    case raw(RawJSON)

    public subscript(key: String) -> JSON? {
        switch self {
        case .object(let members):
            for member in members where member.key == key { return member.value }
            return nil
        case .raw(let raw): return raw.tree[key]
        default: return nil
        }
    }

    public subscript(index: Int) -> JSON? {
        if case .raw(let raw) = self { return raw.tree[index] }
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var arrayValue: [JSON]? {
        if case .raw(let raw) = self { return raw.tree.arrayValue }
        if case .array(let a) = self { return a }
        return nil
    }
    public var objectValue: [JSONMember]? {
        if case .raw(let raw) = self { return raw.tree.objectValue }
        if case .object(let o) = self { return o }
        return nil
    }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var numberValue: Double? { if case .number(let n) = self { return Double(n) }; return nil }

    /// The JSON type name used in error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        case .raw(let raw): raw.isObject ? "an object" : raw.tree.typeName
        }
    }
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSON
    public init(_ key: String, _ value: JSON) {
        self.key = key
        self.value = value
    }
}

extension JSON {
    /// Compact UTF-8 text, members in their original order.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter.write(self, into: &out)
        return out
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
