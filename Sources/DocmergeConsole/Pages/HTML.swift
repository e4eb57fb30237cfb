import DocmergeCore
import Foundation

/// HTML building: every piece of text from the database or the request goes through
/// `escape` (the `h` helper), attributes too. There is no other way to put text in a page.
public enum HTML {
    public static func escape(_ text: String) -> String { DashboardPage.escape(text) }

    static func h(_ text: String?) -> String { escape(text ?? "") }

    /// A query-string link with every value encoded.
    static func link(_ path: String, _ query: [(String, String?)]) -> String {
        let parts = query.compactMap { name, value in value.map { "\(name)=\(PercentDecoding.encode($0))" } }
        return parts.isEmpty ? path : path + "?" + parts.joined(separator: "&")
    }

    /// The path of a document's page (document ids are `A-Z a-z 0-9 . _ : -`; encoded anyway).
    static func documentPath(_ id: String, _ action: String = "verify") -> String {
        "/documents/\(PercentDecoding.encode(id))/\(action)/"
    }

    static func ageText(_ days: Double) -> String {
        if days < 1 { return "\(max(0, Int(days * 24))) h" }
        return "\(Int(days)) d"
    }

    static func ageClass(_ days: Double, overdueDays: Double) -> String {
        days >= overdueDays ? "age-overdue" : (days >= 3 ? "age-aging" : "age-fresh")
    }
}

/// Who is looking at a page, for the header and the forms.
struct Viewer: Sendable {
    let name: String
    let role: StewardAccount.Role
    let csrf: String
    var canAct: Bool { role == .steward }

    /// The hidden CSRF field every form carries.
    var csrfField: String { "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(csrf))\">" }
}

enum Layout {
    static func page(title: String, viewer: Viewer?, active: String = "", refreshSeconds: Int? = nil, body: String) -> String {
        var nav = ""
        if let viewer {
            func item(_ path: String, _ label: String, _ key: String) -> String {
                "<a href=\"\(path)\"\(active == key ? " class=\"active\" aria-current=\"page\"" : "")>\(label)</a>"
            }
            nav = """
            <nav class="top"><span class="brand">docmerge review</span>\(item("/", "Dashboard", "dashboard"))\(item("/documents/flagged/", "Flagged queue", "flagged"))\(item("/documents/conflicts/", "Conflicts", "conflicts"))\(item("/documents/sample/", "Quality sample", "sample"))\(item("/audit/", "Audit", "audit"))
            <span class="who">\(HTML.escape(viewer.name)) <span class="role">\(viewer.role.rawValue)</span></span>
            <form method="post" action="/logout" class="inline">\(viewer.csrfField)<button type="submit" class="link">Sign out</button></form></nav>
            """
        }
        let refresh = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? ""
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">\(refresh)
        <title>\(HTML.escape(title)) — docmerge review</title>
        <link rel="stylesheet" href="/console.css">
        </head><body>
        \(nav)
        <main>
        \(body)
        </main>
        </body></html>

        """
    }

    /// A notice above a page's content (done, refused, stale).
    static func notice(_ text: String, kind: String = "ok") -> String {
        "<div class=\"notice \(kind)\" role=\"status\">\(HTML.escape(text))</div>"
    }
}
