import DocmergeModel

/// One row of the append-only, hash-chained audit trail.
public struct AuditRow: Sendable, Equatable {
    public let seq: Int
    public let at: String
    public let actor: String
    public let action: String
    public let mrn: String?
    public let documentID: String?
    /// A JSON object: counts, versions, reasons, before/after.
    public let detail: String
    public let prevHash: String
    public let hash: String

    /// The chain: each row's hash covers its own fields and the previous row's hash,
    /// so an edit, a deletion or a reordering breaks every later link.
    public static func chainHash(prev: String, seq: Int, at: String, actor: String, action: String,
                                 mrn: String?, documentID: String?, detail: String) -> String {
        var hasher = SHA256()
        for field in [prev, String(seq), at, actor, action, mrn ?? "", documentID ?? "", detail] {
            hasher.update(String(field.utf8.count))
            hasher.update([0x3A])
            hasher.update(field)
        }
        return hasher.finalize().hexString
    }

    /// The JSON line written to `audit.jsonl`.
    public var jsonLine: String {
        var members: [JSONMember] = [
            JSONMember("seq", .number(String(seq))), JSONMember("at", .string(at)),
            JSONMember("actor", .string(actor)), JSONMember("action", .string(action)),
            JSONMember("mrn", mrn.map(JSON.string) ?? .null),
            JSONMember("document_id", documentID.map(JSON.string) ?? .null),
        ]
        // The detail is JSON this program wrote; it is embedded as it is, not re-parsed.
        members.append(JSONMember("detail", .raw(RawJSON(trusted: Array(detail.utf8)))))
        members.append(JSONMember("prev_hash", .string(prevHash)))
        members.append(JSONMember("hash", .string(hash)))
        return JSON.object(members).text
    }
}
