import DocmergeModel
import Foundation

/// The "Correct data" form's content: what it starts from (the stored entries) or what
/// the steward submitted, with an error beside each refused entry.
struct CorrectionDraft {
    struct Item {
        var resource: String
        var snippet: String
        var confidence: String
        var drop = false
        var error: String?
    }

    var items: [Item]
    var added = Item(resource: "", snippet: "", confidence: "")
    var formError: String?

    init(entries: [EntryView]) {
        items = entries.map { Item(resource: JSONPretty.text($0.resource), snippet: $0.snippet ?? "", confidence: $0.confidence ?? "") }
    }

    init(form: FormData) throws(HTTPError) {
        guard let countText = form["count"], let count = Int(countText), (0...1000).contains(count) else {
            throw HTTPError(400, "The correction form is incomplete; reload the page.")
        }
        items = (0..<count).map { i in
            Item(resource: form["entry-\(i)-resource"] ?? "", snippet: form["entry-\(i)-snippet"] ?? "",
                 confidence: form["entry-\(i)-confidence"] ?? "", drop: form["entry-\(i)-drop"] == "1")
        }
        added = Item(resource: form["new-resource"] ?? "", snippet: form["new-snippet"] ?? "", confidence: form["new-confidence"] ?? "")
    }

    /// The entries to submit, validated exactly as an ingest validates them
    /// (`EntriesDecoder`); nil when any is refused, with the errors set on the items.
    mutating func validated(maxDepth: Int) -> [Extraction.Entry]? {
        var kept: [(index: Int?, json: JSON)] = []
        var failed = false
        func entryJSON(_ item: inout Item) -> JSON? {
            let text = item.resource.trimmingCharacters(in: .whitespacesAndNewlines)
            let resource: JSON
            do { resource = try JSONParser.parse(Array(text.utf8), maxDepth: maxDepth) } catch {
                item.error = "The resource is not valid JSON: \(error.description)."
                return nil
            }
            var members = [JSONMember("resource", resource)]
            let snippet = item.snippet.trimmingCharacters(in: .whitespacesAndNewlines)
            if !snippet.isEmpty { members.append(JSONMember("snippet", .string(snippet))) }
            let confidence = item.confidence.trimmingCharacters(in: .whitespaces)
            if !confidence.isEmpty {
                guard let value = Double(confidence), value.isFinite, confidence.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }) else {
                    item.error = "The confidence must be a number from 0 to 1."
                    return nil
                }
                _ = value
                members.append(JSONMember("confidence", .number(confidence)))
            }
            return .object(members)
        }
        for i in items.indices where !items[i].drop {
            if let json = entryJSON(&items[i]) { kept.append((i, json)) } else { failed = true }
        }
        if !added.resource.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if let json = entryJSON(&added) { kept.append((nil, json)) } else { failed = true }
        }
        guard !failed else { return nil }
        do {
            return try EntriesDecoder.decode(.array(kept.map(\.json)), at: "$")
        } catch {
            // "$[k]…": put the message beside the k-th kept entry.
            let path = error.path
            if path.hasPrefix("$["), let close = path.firstIndex(of: "]"),
               let k = Int(path[path.index(path.startIndex, offsetBy: 2)..<close]), kept.indices.contains(k) {
                let field = path[path.index(after: close)...]
                let message = "\(field.isEmpty ? "This entry" : "The entry's \(field.dropFirst())") \(error.message)."
                if let index = kept[k].index { items[index].error = message } else { added.error = message }
            } else {
                formError = "The entries are refused: \(error.description)."
            }
            return nil
        }
    }
}
