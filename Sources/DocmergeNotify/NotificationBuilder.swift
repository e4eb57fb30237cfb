import DocmergeCore
import DocmergeModel
import Foundation

/// Turns what happened into notification bodies. The privacy rule lives here, in one
/// place: an event carries its schema, name, id, time and document id, the MRN only
/// when `notify.include_mrn` is set, a console link when `notify.console_url` is set,
/// and the program's own words (flag codes and reasons, counts). Never a name, a birth
/// date, a snippet or any resource content.
public struct NotificationBuilder: Sendable {
    public static let schema = "docmerge.notification/v1"
    public let settings: Config.Notify

    public init(settings: Config.Notify) { self.settings = settings }

    /// The event a committed audit row stands for, if any: `flagged` (a merge that left the
    /// document flagged), `merge_failed`, `conflict` (a re-ingest held aside). Its id is
    /// the row's seq, so the same row always makes the same event.
    public func event(for row: AuditRow) -> NotificationRecord? {
        let detail = (try? JSONParser.parse(Array(row.detail.utf8))) ?? .object([])
        var extra: [JSONMember] = []
        let event: String
        switch row.action {
        case "merge", "re_merge", "retry_merge":
            guard detail["status"]?.stringValue == "flagged" else { return nil }
            event = "flagged"
            extra.append(JSONMember("codes", .array((detail["flag_codes"]?.arrayValue ?? []).compactMap(\.stringValue).map(JSON.string))))
            extra.append(JSONMember("reason", detail["flag_reason"]?.stringValue.map(JSON.string) ?? .null))
        case "merge_failed":
            event = "merge_failed"
            extra.append(JSONMember("codes", .array([.string("merge_failed")])))
            extra.append(JSONMember("reason", .string("merge failed: " + String((detail["error"]?.stringValue ?? "").prefix(300)))))
        case "reingest_conflict":
            event = "conflict"
            extra.append(JSONMember("kept_status", detail["kept_status"]?.stringValue.map(JSON.string) ?? .null))
        default:
            return nil
        }
        return record(event, id: "\(event)-\(row.seq)", time: row.at, documentID: row.documentID, mrn: row.mrn,
                      extra: extra.map { withheld($0, mrn: row.mrn) })
    }

    /// A flagged document waiting longer than `overdue_days` (its id names the document: once each).
    public func overdue(documentID: String, mrn: String, flaggedAt: String, overdueDays: Double, now: Date) -> NotificationRecord {
        record("overdue", id: "overdue-\(documentID)", time: Timestamp.format(now), documentID: documentID, mrn: mrn, extra: [
            JSONMember("flagged_at", .string(flaggedAt)),
            JSONMember("overdue_days", .number(overdueDays == overdueDays.rounded() && abs(overdueDays) < 1e15 ? String(Int(overdueDays)) : String(overdueDays))),
        ])
    }

    /// The daily digest for `day` (YYYY-MM-DD, local): counts per reason and the oldest item.
    public func digest(_ facts: DigestFacts, day: String, now: Date) -> NotificationRecord {
        var extra: [JSONMember] = [
            JSONMember("day", .string(day)),
            JSONMember("flagged_open", .number(String(facts.flaggedOpen))),
            JSONMember("overdue", .number(String(facts.overdue))),
            JSONMember("reasons", .object(facts.reasons.map { JSONMember($0.code, .number(String($0.count))) })),
        ]
        extra.append(JSONMember("oldest", facts.oldest.map { oldest in
            .object([JSONMember("document_id", .string(oldest.documentID)), JSONMember("flagged_at", .string(oldest.flaggedAt))]
                    + (settings.includeMRN ? [JSONMember("mrn", .string(oldest.mrn))] : [])
                    + (link(oldest.documentID).map { [JSONMember("link", .string($0))] } ?? []))
        } ?? .null))
        return record("digest", id: "digest-\(day)", time: Timestamp.format(now), documentID: nil, mrn: nil, extra: extra)
    }

    /// The periodic audit check found the chain broken (once per broken place).
    public func auditBroken(problem: String, brokenSeq: Int?, rows: Int, now: Date) -> NotificationRecord {
        record("audit_broken", id: "audit_broken-\(brokenSeq ?? rows)", time: Timestamp.format(now), documentID: nil, mrn: nil, extra: [
            JSONMember("problem", .string(problem)),
            JSONMember("broken_seq", brokenSeq.map { .number(String($0)) } ?? .null),
        ])
    }

    /// What `notify test` sends: shaped like `flagged`, marked as a test.
    public func sample(now: Date) -> NotificationRecord {
        let stamp = Timestamp.format(now)
        return record("test", id: "test-\(stamp)", time: stamp, documentID: "docmerge-notify-test", mrn: "TEST-MRN", extra: [
            JSONMember("codes", .array([.string("low_confidence")])),
            JSONMember("reason", .string("a test notification sent by docmerge notify test")),
        ])
    }

    /// A reason may name the MRN (check 7 says which patient was registered): without
    /// `include_mrn` it is withheld there too.
    func withheld(_ member: JSONMember, mrn: String?) -> JSONMember {
        guard !settings.includeMRN, let mrn, !mrn.isEmpty, let text = member.value.stringValue, text.contains(mrn) else { return member }
        return JSONMember(member.key, .string(text.replacingOccurrences(of: mrn, with: "(MRN withheld)")))
    }

    /// The console's verify page for a document, when `notify.console_url` is set.
    public func link(_ documentID: String) -> String? {
        guard !settings.consoleURL.isEmpty else { return nil }
        var base = settings.consoleURL
        while base.hasSuffix("/") { base.removeLast() }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let id = documentID.addingPercentEncoding(withAllowedCharacters: allowed) ?? documentID
        return "\(base)/documents/\(id)/verify/"
    }

    func record(_ event: String, id: String, time: String, documentID: String?, mrn: String?, extra: [JSONMember]) -> NotificationRecord {
        var members: [JSONMember] = [
            JSONMember("schema", .string(Self.schema)),
            JSONMember("event", .string(event)),
            JSONMember("event_id", .string(id)),
            JSONMember("time", .string(time)),
            JSONMember("document_id", documentID.map(JSON.string) ?? .null),
        ]
        if settings.includeMRN, let mrn { members.append(JSONMember("mrn", .string(mrn))) }
        if let documentID, let link = link(documentID) { members.append(JSONMember("link", .string(link))) }
        members += extra
        return NotificationRecord(eventID: id, event: event, documentID: documentID, body: JSON.object(members).text)
    }
}
