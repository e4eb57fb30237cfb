import DocmergeCore
import DocmergeModel
import Foundation

/// `/documents/<id>/verify/`: the reason first, the registry's demographics beside the
/// document's, each entry's value beside its snippet and confidence, the actions the
/// document's state allows (each form carrying the version it was drawn from), history.
struct VerifyView {
    let app: ConsoleApp
    let store: RecordStore
    let viewer: Viewer
    let documentID: String

    struct Notice {
        let text: String
        let kind: String
    }

    func render(notice: Notice? = nil, draft: CorrectionDraft? = nil) throws -> String {
        let d = try store.documentDetail(documentID, overdueDays: app.config.overdueDays)
        let s = d.summary
        let extracted = EntryView.entries(extraction: d.extraction, merged: d.mergedIDs)
        let corrected = try store.reviewAction(documentID: documentID) == "correct"
        // After a correction the record holds the steward's entries, not the extraction's.
        let entries = corrected ? try EntryView.current(store.mergedResources(documentID: documentID)) : extracted
        // Every Patient entry is evidence: one column each (entry numbers as in the entries table).
        let patients = extracted.enumerated().compactMap { i, e in e.type == "Patient" ? (i + 1, PatientEvidence(patient: e.resource)) : nil }
        let patientName = d.registry.name ?? "name unknown"
        func cells(_ registry: String?, _ documents: [(value: String?, problem: String?)]) -> String {
            let shown = documents.isEmpty ? [(value: nil, problem: nil)] : documents
            return "<td>\(HTML.h(registry ?? "unknown"))</td>" + shown.map { document in
                let differs = document.problem != nil
                    || document.value != nil && registry != nil && NameMatcherLite.normal(registry) != NameMatcherLite.normal(document.value)
                let text = document.problem.map { "not readable: \($0)" } ?? document.value ?? "not given"
                return "<td\(differs ? " class=\"mismatch\"" : "")>\(HTML.h(text))</td>"
            }.joined()
        }
        let documentHeads = patients.count > 1 ? patients.map { "<th>in the document (entry \($0.0), $.entries[\($0.0 - 1)])</th>" }.joined()
            : "<th>in the document</th>"
        let reasonBox = s.flagReason.map { "<div class=\"reason\" id=\"reason\"><strong>Why it was flagged:</strong> \(HTML.h($0))</div>" }
            ?? "<div class=\"reason none\" id=\"reason\">Not flagged (\(HTML.h(s.status.rawValue.replacingOccurrences(of: "_", with: "-"))))\(s.sampled ? ", picked for the quality sample" : "").</div>"
        let entryRows = entries.enumerated().map { i, e in
            """
            <tr><td class="num">\(i + 1)</td><td class="nowrap">\(HTML.h(e.type))\(e.type == "Patient" ? "<div class=\"muted\">evidence only</div>" : "")</td>
            <td><strong>\(HTML.h(e.summary))</strong><details><summary class="muted">resource</summary><pre>\(HTML.h(JSONPretty.text(e.resource)))</pre></details></td>
            <td>\(e.snippet.map { "<div class=\"snippet\">\(HTML.h($0))</div>" } ?? "<span class=\"muted\">\(corrected ? "—" : "no snippet")</span>")</td>
            <td class="num">\(HTML.h(e.confidence ?? "—"))</td>
            <td class="muted merged">\(HTML.h(e.mergedAs ?? (e.type == "Patient" ? "not merged" : (s.isMerged ? "" : "not merged"))))</td></tr>
            """
        }.joined(separator: "\n")
        let history = d.history.reversed().map { row in
            "<tr><td class=\"nowrap\">\(HTML.h(row.at))</td><td>\(HTML.h(row.action))</td><td>\(HTML.h(row.actor))</td><td>\(HTML.h(AuditSummary.text(row)))</td></tr>"
        }.joined()
        var forms = ActionForms(viewer: viewer, detail: d, entries: entries, draft: draft)
        if !d.conflicts.isEmpty { forms.openConflicts = try store.openConflicts(documentID: documentID, decoder: app.config.decoder) }
        let actions = viewer.canAct ? forms.html
            : "<p class=\"muted\">Your account is a viewer account: you can read this document but not act on it.</p>"
        let body = """
        \(notice.map { Layout.notice($0.text, kind: $0.kind) } ?? "")
        <p class="muted"><a href="/documents/flagged/">← Flagged queue</a></p>
        <h1>\(HTML.h(s.documentName ?? s.documentID))</h1>
        <p class="sub">Patient <strong>\(HTML.h(patientName))</strong> · MRN \(HTML.h(s.mrn)) · document \(HTML.h(s.documentID)) ·
        status <strong id="status">\(HTML.h(s.status.rawValue.replacingOccurrences(of: "_", with: "-")))</strong>\(s.isMerged ? "" : " (not merged)") ·
        age \(HTML.ageText(s.ageDays))\(s.overdue ? " <span class=\"pill overdue\">overdue</span>" : "") · version <span id="version">\(s.version)</span></p>
        \(reasonBox)
        \(viewer.canAct ? forms.quickBar : "")
        <div class="grid">
        <div class="panel"><h3>Demographics</h3><table><tr><th></th><th>registry</th>\(documentHeads)</tr>
        <tr><th>name</th>\(cells(d.registry.name, patients.map { ($0.1.name, $0.1.nameProblem) }))</tr>
        <tr><th>date of birth</th>\(cells(d.registry.birthDate, patients.map { ($0.1.birthDate, $0.1.birthDateProblem) }))</tr></table></div>
        <div class="panel"><h3>Extraction</h3><table>
        <tr><td>confidence</td><td class="num">\(String(format: "%.2f", d.confidence))</td></tr>
        <tr><td>model</td><td>\(HTML.h(d.model))\(d.fallbackUsed ? " <span class=\"pill overdue\">fallback</span>" : "")</td></tr>
        <tr><td>received</td><td>\(HTML.h(s.createdAt))</td></tr>
        \(d.reviewedBy.map { "<tr><td>reviewed by</td><td>\(HTML.h($0)) at \(HTML.h(d.reviewedAt))</td></tr>" } ?? "")
        \(forms.openConflicts.isEmpty ? "" : "<tr><td>re-ingest conflicts</td><td><a href=\"#conflict-panel\">\(forms.openConflicts.count) open</a></td></tr>")
        </table></div>
        </div>
        <h2>\(corrected ? "Data in the record now, as corrected by \(HTML.h(d.reviewedBy))" : "Extracted entries") (\(entries.count))</h2>
        <table class="list" id="entries"><tr><th class="num">#</th><th>type</th><th>extracted value</th><th>snippet from the document</th><th class="num">confidence</th><th>merged as</th></tr>
        \(entryRows.isEmpty ? "<tr><td colspan=\"6\">No entries were extracted.</td></tr>" : entryRows)</table>
        <h2>Actions</h2>
        \(actions)
        <h2>History</h2>
        <table class="list" id="history"><tr><th>when</th><th>what</th><th>who</th><th>details</th></tr>\(history)</table>
        """
        return Layout.page(title: s.documentName ?? s.documentID, viewer: viewer, active: "flagged", body: body)
    }
}

/// Loose comparison for highlighting a demographic difference (the quality check decides
/// properly; this only marks the cell).
enum NameMatcherLite {
    static func normal(_ text: String?) -> String {
        (text ?? "").folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init).sorted().joined(separator: " ")
    }
}

/// An audit row in words: counts, versions, reasons; never the resources' contents.
enum AuditSummary {
    static func text(_ row: AuditRow) -> String {
        let detail = (try? JSONParser.parse(Array(row.detail.utf8))) ?? .null
        var parts: [String] = []
        if let status = detail["status"]?.stringValue { parts.append(status) }
        if let previous = detail["previous_status"]?.stringValue { parts.append("was \(previous)") }
        if let reason = detail["flag_reason"]?.stringValue { parts.append(reason) }
        for key in ["inserted", "updated", "deleted", "removed"] {
            if let n = detail[key]?.numberValue, n > 0 { parts.append("\(key) \(Int(n))") }
        }
        if let v = detail["document_version"]?.numberValue { parts.append("document v\(Int(v))") }
        if let why = detail["reason"]?.stringValue { parts.append("why: \(why)") }
        if let error = detail["error"]?.stringValue { parts.append(error) }
        if let steward = detail["steward"]?.stringValue { parts.append("account \(steward)") }
        if let to = detail["to_mrn"]?.stringValue ?? detail["to"]?.stringValue { parts.append("to \(to)") }
        return parts.joined(separator: "; ")
    }
}
