import DocmergeCore
import DocmergeModel

/// What a steward may do with the document in its current state, as plain forms. Each
/// carries the CSRF token and the document version it was drawn from; each submit
/// button names its action.
struct ActionForms {
    let viewer: Viewer
    let detail: RecordStore.DocumentDetail
    let entries: [EntryView]
    let draft: CorrectionDraft?
    var openConflicts: [RecordStore.OpenConflict] = []

    var summary: DocumentSummary { detail.summary }

    func form(_ action: String, _ inner: String, id: String) -> String {
        """
        <form method="post" action="\(HTML.documentPath(summary.documentID, action))" id="\(id)">
        \(viewer.csrfField)<input type="hidden" name="version" value="\(summary.version)">
        \(inner)
        </form>
        """
    }

    /// The one-click decision near the top of the page, with shortcuts to the others.
    var quickBar: String {
        let s = summary
        var parts: [String] = []
        if (s.status == .flagged || s.status == .autoApproved) && s.isMerged {
            parts.append(form("mark-correct", "<button type=\"submit\" class=\"good\">Mark as correct</button>", id: "mark-correct-top")
                .replacingOccurrences(of: "<form ", with: "<form class=\"inline\" "))
        }
        if [.flagged, .autoApproved, .reviewed].contains(s.status) { parts.append("<a href=\"#correct-panel\">Correct data ↓</a>") }
        if s.isMerged || s.status != .rejected { parts.append("<a href=\"#remove\">Remove from record ↓</a>") }
        if s.flagCodes.contains(FlagCode.mergeFailed.rawValue) { parts.append("<a href=\"#retry\">Retry the merge ↓</a>") }
        return parts.isEmpty ? "" : "<div class=\"quick\">\(parts.joined(separator: " "))</div>"
    }

    var html: String {
        let s = summary
        var panels: [String] = []
        if (s.status == .flagged || s.status == .autoApproved) && s.isMerged {
            panels.append("<div class=\"panel\"><h3>The merged data is right</h3><p class=\"muted\">Nothing in the record changes; the document leaves the queue.</p>"
                + form("mark-correct", "<button type=\"submit\" class=\"good\">Mark as correct</button>", id: "mark-correct") + "</div>")
        }
        if s.flagCodes.contains(FlagCode.mergeFailed.rawValue) {
            panels.append("<div class=\"panel\"><h3>The merge failed</h3><p class=\"muted\">Try it again from the stored extraction, judged with the same thresholds.</p>"
                + form("retry", "<button type=\"submit\">Retry the merge</button>", id: "retry") + "</div>")
        }
        if s.isMerged || s.status != .rejected {
            let count = detail.mergedIDs.count
            panels.append("""
                <div class="panel"><h3>Remove from record</h3><p class="muted">Deletes exactly the \(count) resource\(count == 1 ? "" : "s") this document put in the record; nothing else changes.</p>
                \(form("remove", """
                    <div class="field"><label for="remove-reason">Why (kept in the audit trail)</label><input type="text" id="remove-reason" name="reason" required maxlength="500" size="40"></div>
                    <div class="field"><label class="plain"><input type="checkbox" name="confirm" value="yes" required> I confirm: remove this document's data from the patient's record</label></div>
                    <button type="submit" class="danger">Remove from record</button>
                    """, id: "remove"))</div>
                """)
        }
        if !openConflicts.isEmpty {
            panels.append("<div class=\"panel\" id=\"conflict-panel\"><h3>Re-ingest conflict</h3><p>\(openConflicts.count) newer extraction\(openConflicts.count == 1 ? " was" : "s were") received after a person decided; the decision was kept.</p>"
                + ConflictForms.html(self, conflicts: openConflicts) + "</div>")
        }
        var out = panels.isEmpty ? "<p class=\"muted\">No action applies to this document in its current state.</p>"
            : "<div class=\"actions\">" + panels.joined() + "</div>"
        if [.flagged, .autoApproved, .reviewed].contains(s.status) {
            out += correctForm
        }
        out += RefileForms.html(self)
        return out
    }

    var correctForm: String {
        let d = draft ?? CorrectionDraft(entries: entries)
        var rows = ""
        for (i, e) in d.items.enumerated() {
            rows += """
            <tr class="\(e.drop ? "entry-drop" : "")" id="entry-\(i)"><td class="num">\(i + 1)</td><td>
            \(i < entries.count ? "<div class=\"entry-label\">\(HTML.h(entries[i].type)): \(HTML.h(entries[i].summary))</div>" : "")
            <textarea name="entry-\(i)-resource" rows="\(min(14, max(4, e.resource.split(separator: "\n").count + 1)))" aria-label="entry \(i + 1) resource">\(HTML.h(e.resource))</textarea>
            \(e.error.map { "<div class=\"err\" id=\"entry-\(i)-error\">\(HTML.h($0))</div>" } ?? "")</td>
            <td><input type="text" name="entry-\(i)-snippet" value="\(HTML.h(e.snippet))" aria-label="entry \(i + 1) snippet" size="28"></td>
            <td><input type="text" class="small" name="entry-\(i)-confidence" value="\(HTML.h(e.confidence))" aria-label="entry \(i + 1) confidence"></td>
            <td><label class="plain"><input type="checkbox" name="entry-\(i)-drop" value="1"\(e.drop ? " checked" : "")> drop</label></td></tr>
            """
        }
        let n = d.added
        rows += """
        <tr id="entry-new"><td class="num">new</td><td>
        <textarea name="new-resource" rows="4" placeholder="Add an entry: a FHIR resource as JSON, e.g. {&quot;resourceType&quot;: &quot;Observation&quot;, …}" aria-label="new entry resource">\(HTML.h(n.resource))</textarea>
        \(n.error.map { "<div class=\"err\" id=\"entry-new-error\">\(HTML.h($0))</div>" } ?? "")</td>
        <td><input type="text" name="new-snippet" value="\(HTML.h(n.snippet))" aria-label="new entry snippet" size="28"></td>
        <td><input type="text" class="small" name="new-confidence" value="\(HTML.h(n.confidence))" aria-label="new entry confidence"></td><td></td></tr>
        """
        return """
        <div class="panel" id="correct-panel"><h3>Correct data</h3>
        <p class="muted">Edit an entry's resource, drop an entry, or add one. The corrected entries replace this document's contribution to the record, checked exactly as an ingest is; nothing changes if any entry is refused.</p>
        \(d.formError.map { "<div class=\"err\">\(HTML.h($0))</div>" } ?? "")
        \(form("correct", """
            <input type="hidden" name="count" value="\(d.items.count)">
            <table class="correct"><tr><th class="num">#</th><th>resource (JSON)</th><th>snippet</th><th>confidence</th><th></th></tr>\(rows)</table>
            <p><button type="submit">Correct data</button></p>
            """, id: "correct"))
        </div>
        """
    }
}

/// Accept or dismiss a re-ingest held aside because a person had decided: what it would
/// change first, then the two forms.
enum ConflictForms {
    static func html(_ forms: ActionForms, conflicts: [RecordStore.OpenConflict]) -> String {
        guard let newest = conflicts.last else { return "" }
        let changes = newest.changes.map { c in
            "<tr><td>\(HTML.h(c.kind.rawValue))</td><td class=\"muted merged\">\(HTML.h(c.reference))</td><td>\(HTML.h(c.before ?? "—"))</td><td>\(HTML.h(c.after ?? "—"))</td></tr>"
        }.joined()
        return """
        <p class="muted">The newest one (received \(HTML.h(newest.at))) would change:</p>
        <table><tr><th>change</th><th>resource</th><th>in the record now</th><th>in the new extraction</th></tr>\(changes.isEmpty ? "<tr><td colspan=\"4\">nothing</td></tr>" : changes)</table>
        \(forms.form("conflict-accept", """
            <div class="field"><label for="accept-reason">Why (optional, kept in the audit trail)</label><input type="text" id="accept-reason" name="reason" maxlength="500" size="40"></div>
            <button type="submit" class="good">Accept the new extraction</button>
            """, id: "conflict-accept"))
        \(forms.form("conflict-dismiss", """
            <div class="field"><label for="dismiss-reason">Why (kept in the audit trail)</label><input type="text" id="dismiss-reason" name="reason" required maxlength="500" size="40"></div>
            <button type="submit" class="secondary">Dismiss the new extraction</button>
            """, id: "conflict-dismiss"))
        """
    }
}

/// Move a document uploaded under the wrong patient.
enum RefileForms {
    static func html(_ forms: ActionForms) -> String {
        let s = forms.summary
        guard s.isMerged, s.status != .pending, s.status != .rejected, forms.openConflicts.isEmpty else { return "" }
        return """
        <div class="panel" id="refile-panel"><h3>Refile to another patient</h3>
        <p class="muted">Moves this document's data from \(HTML.h(s.mrn))'s record to another registry patient's, judged again for that patient.</p>
        \(forms.form("refile", """
            <div class="field"><label for="refile-mrn">The right patient's MRN</label><input type="text" id="refile-mrn" name="mrn" required maxlength="128"></div>
            <div class="field"><label for="refile-reason">Why (kept in the audit trail)</label><input type="text" id="refile-reason" name="reason" required maxlength="500" size="40"></div>
            <button type="submit">Refile</button>
            """, id: "refile"))
        </div>
        """
    }
}
