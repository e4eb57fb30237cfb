import DocmergeCore
import DocmergeModel
import Foundation

/// `/audit/`: the compliance view. Who did what, when, to which document; newest first;
/// filtered by person, action, MRN, document and time.
struct AuditView {
    let app: ConsoleApp
    let store: RecordStore
    let viewer: Viewer
    let query: FormData

    func render() throws -> String {
        func value(_ name: String) -> String? {
            let v = query[name]?.trimmingCharacters(in: .whitespaces)
            return v?.isEmpty == false ? v : nil
        }
        let actor = value("actor"), action = value("action"), mrn = value("mrn"), document = value("document")
        let since = value("since"), until = value("until")
        let rows = try AuditRows(store: store).rows(actor: actor, action: action, mrn: mrn, documentID: document, since: since, until: until)
        let size = app.config.pageSize * 2
        let pages = max(1, (rows.count + size - 1) / size)
        let page = min(max(1, Int(query["page"] ?? "1") ?? 1), pages)
        let shown = rows.dropFirst((page - 1) * size).prefix(size)
        let lines = shown.map { row in
            """
            <tr><td class="num">\(row.seq)</td><td class="nowrap">\(HTML.h(row.at))</td><td>\(HTML.h(row.actor))</td><td>\(HTML.h(row.action))</td>
            <td>\(row.documentID.map { "<a href=\"\(HTML.documentPath($0))\">\(HTML.h($0))</a>" } ?? "")</td><td>\(HTML.h(row.mrn))</td><td>\(HTML.h(AuditSummary.text(row)))</td></tr>
            """
        }.joined(separator: "\n")
        func field(_ name: String, _ label: String, _ v: String?, _ placeholder: String = "") -> String {
            "<div class=\"field\"><label for=\"\(name)\">\(label)</label><input type=\"text\" id=\"\(name)\" name=\"\(name)\" value=\"\(HTML.h(v))\" placeholder=\"\(placeholder)\" size=\"16\"></div>"
        }
        func pageLink(_ n: Int) -> String {
            HTML.link("/audit/", [("actor", actor), ("action", action), ("mrn", mrn), ("document", document), ("since", since), ("until", until), ("page", String(n))])
        }
        let body = """
        <h1>Audit trail <span class="muted">\(rows.count) row\(rows.count == 1 ? "" : "s")</span></h1>
        <p class="sub">Every change to a record and every review decision, newest first. Rows are hash-chained; <code>docmerge audit verify</code> checks the chain.</p>
        <form method="get" action="/audit/" class="filters">
        \(field("actor", "Who", actor)) \(field("action", "Action", action, "mark_correct")) \(field("mrn", "MRN", mrn)) \(field("document", "Document", document))
        \(field("since", "Since", since, "2026-11-01")) \(field("until", "Until", until, "2026-12-01"))
        <button type="submit" class="secondary">Filter</button> <a href="/audit/">Clear</a></form>
        <table class="list" id="audit"><tr><th class="num">#</th><th>when</th><th>who</th><th>action</th><th>document</th><th>MRN</th><th>details</th></tr>
        \(lines.isEmpty ? "<tr><td colspan=\"7\">No audit rows match.</td></tr>" : lines)</table>
        \(pages > 1 ? "<div class=\"pager\">\(page > 1 ? "<a href=\"\(pageLink(page - 1))\">← newer</a>" : "")<span>page \(page) of \(pages)</span>\(page < pages ? "<a href=\"\(pageLink(page + 1))\">older →</a>" : "")</div>" : "")
        """
        return Layout.page(title: "Audit trail", viewer: viewer, active: "audit", body: body)
    }
}

/// The audit rows the compliance view asks for, newest first (the review workflow's
/// audit list query: the same filters as `docmerge audit list`).
struct AuditRows {
    let store: RecordStore

    func rows(actor: String?, action: String?, mrn: String?, documentID: String?, since: String?, until: String?) throws -> [AuditRow] {
        var q = RecordStore.AuditQuery()
        q.actor = actor
        q.actions = action.map { [$0] } ?? []
        q.mrn = mrn
        q.documentID = documentID
        q.since = since
        q.until = until
        return try store.auditList(q).reversed()
    }
}
