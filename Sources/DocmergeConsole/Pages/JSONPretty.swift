import DocmergeCore
import DocmergeModel

/// Indented JSON for people to read and edit in a form (member order and number text kept).
enum JSONPretty {
    static func text(_ value: JSON, indent: String = "") -> String {
        let inner = indent + "  "
        switch value {
        case .raw(let raw):
            return text((try? JSONParser.parse(raw.bytes)) ?? .null, indent: indent)
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { inner + text($0, indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            return "{\n" + members.map { inner + JSONWriter.quoted($0.key) + ": " + text($0.value, indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return value.text
        }
    }
}

/// One extracted entry as the verification page shows it.
struct EntryView {
    let resource: JSON
    let type: String
    let snippet: String?
    let confidence: String?
    let mergedAs: String?

    static func entries(extraction: [UInt8], merged: [String: String]) -> [EntryView] {
        let root = (try? JSONParser.parse(extraction)) ?? .null
        let items = root["entries"]?.arrayValue ?? []
        let resources = items.map { $0["resource"] ?? .null }
        let keys = ResourceIdentity.entryKeys(extraction: extraction)
        return zip(zip(items, resources), keys).map { pair, key in
            let (entry, resource) = pair
            let type = resource["resourceType"]?.stringValue ?? "?"
            var confidence: String?
            if case .number(let n)? = entry["confidence"] { confidence = n }
            return EntryView(resource: resource, type: type, snippet: entry["snippet"]?.stringValue, confidence: confidence,
                             mergedAs: type == "Patient" ? nil : merged[type + "\u{0}" + key])
        }
    }

    /// The document's resources as they are in the record (after a correction), without
    /// the `meta` the merge stamped on them, so a further correction starts from them.
    static func current(_ resources: [RecordStore.MergedResource]) -> [EntryView] {
        resources.map { r in
            var resource = (try? JSONParser.parse(r.body)) ?? .null
            if case .object(let members) = resource { resource = .object(members.filter { $0.key != "meta" }) }
            return EntryView(resource: resource, type: r.resourceType, snippet: nil, confidence: nil, mergedAs: r.resourceType + "/" + r.fhirID)
        }
    }

    /// The value a steward checks against the snippet: the coded text and the value.
    var summary: String {
        let r = resource
        func concept(_ c: JSON?) -> String? {
            guard let c else { return nil }
            return c["text"]?.stringValue ?? c["coding"]?[0]?["display"]?.stringValue ?? c["coding"]?[0]?["code"]?.stringValue
        }
        var parts: [String] = []
        if type == "Patient" {
            let evidence = PatientEvidence(patient: r)
            return [evidence.nameProblem.map { "name not readable: \($0)" } ?? evidence.name,
                    evidence.birthDateProblem.map { "date of birth not readable: \($0)" } ?? evidence.birthDate.map { "born \($0)" }]
                .compactMap { $0 }.joined(separator: ", ")
        }
        if let what = concept(r["code"]) ?? concept(r["medicationCodeableConcept"]) ?? concept(r["vaccineCode"]) ?? concept(r["type"]) {
            parts.append(what)
        }
        if let q = r["valueQuantity"] {
            parts.append([q["value"]?.text, q["unit"]?.stringValue ?? q["code"]?.stringValue].compactMap { $0 }.joined(separator: " "))
        } else if let v = r["valueString"]?.stringValue ?? concept(r["valueCodeableConcept"]) {
            parts.append(v)
        }
        if let dose = r["dosage"]?[0]?["text"]?.stringValue ?? r["dosageInstruction"]?[0]?["text"]?.stringValue { parts.append(dose) }
        if let status = r["clinicalStatus"].flatMap(concept) ?? r["status"]?.stringValue { parts.append("(\(status))") }
        if let when = r["effectiveDateTime"]?.stringValue ?? r["onsetDateTime"]?.stringValue ?? r["recordedDate"]?.stringValue ?? r["authoredOn"]?.stringValue {
            parts.append("· \(when)")
        }
        return parts.isEmpty ? "(see the resource)" : parts.joined(separator: " ")
    }
}
