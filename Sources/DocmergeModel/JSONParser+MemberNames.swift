/// Duplicate member names are refused: RFC 8259 leaves "which one wins" to each reader,
/// so a document with `"mrn"` twice could merge into one patient and read as another
/// elsewhere. Names compare as Swift strings (canonically equivalent spellings are the
/// same name, as they are to `JSON`'s subscript). Small objects scan linearly; past
/// `linearLimit` names a hash set takes over, so a huge object stays O(n).
let linearLimit = 32

enum JSONPathComponent {
    static func member(_ key: String) -> String {
        let simple = !key.isEmpty && key.utf8.allSatisfy {
            ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45
        }
        if simple { return "." + key }
        var quoted: [UInt8] = []
        JSONWriter.writeString(key, into: &quoted)
        return "[" + String(decoding: quoted, as: UTF8.self) + "]"
    }

    static func index(_ index: Int) -> String { "[\(index)]" }
}

extension JSONSyntaxError {
    /// The same error, one level further out (`component` is where it happened in the parent).
    func inside(_ component: String) -> JSONSyntaxError {
        var copy = self
        copy.reversedPath.append(component)
        return copy
    }
}

/// The names seen so far in one object of a tree parse.
struct TreeMemberNames {
    private var set: Set<String>?

    mutating func insert(_ key: String, members: [JSONMember], reader: JSONReader) throws(JSONSyntaxError) {
        if set == nil && members.count >= linearLimit { set = Set(members.map(\.key)) }
        let duplicate: Bool
        if set != nil {
            duplicate = set?.insert(key).inserted == false
        } else {
            duplicate = members.contains { $0.key == key }
        }
        if duplicate { throw reader.duplicate(key) }
    }
}

extension JSONReader {
    func duplicate(_ key: String) -> JSONSyntaxError {
        var error = fail("the member name appears twice in one object")
        error.isDuplicateMember = true
        return error.inside(JSONPathComponent.member(key))
    }

    /// Raw mode: the object's names so far are `openNames[base...]` (one shared stack, so
    /// scanning a resource allocates nothing per object); `big` is the set past the limit.
    mutating func insertName(_ token: StringToken, base: Int, big: inout Set<String>?) throws(JSONSyntaxError) {
        if big == nil && openNames.count - base >= linearLimit {
            big = Set(openNames[base...].map { decode($0) })
        }
        if big != nil {
            let key = decode(token)
            if big?.insert(key).inserted == false { throw duplicate(key) }
            openNames.append(token)
            return
        }
        for index in base..<openNames.count where sameName(openNames[index], token) {
            throw duplicate(decode(token))
        }
        openNames.append(token)
    }

    func sameName(_ a: StringToken, _ b: StringToken) -> Bool {
        if a.plain && b.plain {
            let count = a.end - a.start
            guard count == b.end - b.start else { return false }
            for i in 0..<count where buffer[a.start + i] != buffer[b.start + i] { return false }
            return true
        }
        return decode(a) == decode(b)
    }
}
