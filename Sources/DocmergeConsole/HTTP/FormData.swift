/// Name/value pairs of a query string or an urlencoded form, decoded strictly: a `%` not
/// followed by two hex digits, bytes that are not UTF-8, or control characters other
/// than tab and newlines are refused (400), never guessed at.
public struct FormData: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

    public static func == (a: FormData, b: FormData) -> Bool {
        a.pairs.map(\.name) == b.pairs.map(\.name) && a.pairs.map(\.value) == b.pairs.map(\.value)
    }

    public subscript(_ name: String) -> String? { pairs.first(where: { $0.name == name })?.value }

    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    public static func parse(_ bytes: ArraySlice<UInt8>, maxFields: Int) throws(HTTPError) -> FormData {
        var pairs: [(name: String, value: String)] = []
        for part in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard pairs.count < maxFields else { throw HTTPError(413, "The form has more than \(maxFields) fields.") }
            let eq = part.firstIndex(of: UInt8(ascii: "="))
            let name = try PercentDecoding.decode(part[..<(eq ?? part.endIndex)], plusIsSpace: true, allowNewlines: false)
            var value = ""
            if let eq { value = try PercentDecoding.decode(part[part.index(after: eq)...], plusIsSpace: true, allowNewlines: true) }
            pairs.append((name, value))
        }
        return FormData(pairs)
    }
}

public enum PercentDecoding {
    /// Decodes `%XX` escapes (and `+` as a space in forms); refuses malformed input.
    public static func decode(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool, allowNewlines: Bool) throws(HTTPError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex,
                      let hi = hex(bytes[i + 1]), let lo = hex(bytes[i + 2]) else {
                    throw HTTPError(400, "The request has a malformed percent-escape.")
                }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusIsSpace && b == UInt8(ascii: "+") ? 0x20 : b)
                i += 1
            }
        }
        for c in out where c < 0x20 || c == 0x7F {
            if c == 0x09 || (allowNewlines && (c == 0x0A || c == 0x0D)) { continue }
            throw HTTPError(400, "The request holds a control character.")
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw HTTPError(400, "The request is not valid UTF-8.")
        }
        return text
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Percent-encodes for a query value (everything but unreserved characters).
    public static func encode(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let digits = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
