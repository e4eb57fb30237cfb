import DocmergeModel
import Foundation

/// Turns a real FHIR Bundle into ingest documents: one per Encounter holding the
/// Encounter and every resource that points at it, the rest in one more document.
/// Each document carries the bundle's Patient as its Patient entry (the evidence).
public enum FixtureSplitter {
    public struct Split: Sendable {
        public let documents: [DocumentBuilder]
        /// For each document id: the references between its own entries, as written in
        /// the source (`urn:uuid:…` or `Type/id`) with the target's (type, id).
        public let internalReferences: [String: [(reference: String, targetType: String, targetID: String)]]
        public let resourceCount: Int
    }

    public static func split(_ bundle: JSON, mrn: String, prefix: String) -> Split {
        let entries = bundle["entry"]?.arrayValue ?? []
        var patient: JSON?
        var others: [JSON] = []
        for entry in entries {
            if entry["resource"]?["resourceType"]?.stringValue == "Patient", patient == nil { patient = entry } else { others.append(entry) }
        }
        var encounterKeys: [String: Int] = [:]   // reference string → group
        var groups: [[JSON]] = []
        for entry in others where entry["resource"]?["resourceType"]?.stringValue == "Encounter" {
            let index = groups.count
            groups.append([entry])
            if let id = entry["resource"]?["id"]?.stringValue { encounterKeys["Encounter/\(id)"] = index }
            if let url = entry["fullUrl"]?.stringValue { encounterKeys[url] = index }
        }
        var rest: [JSON] = []
        for entry in others where entry["resource"]?["resourceType"]?.stringValue != "Encounter" {
            let refs = references(in: entry["resource"] ?? .null)
            if let group = refs.lazy.compactMap({ encounterKeys[$0] }).first { groups[group].append(entry) } else { rest.append(entry) }
        }
        if !rest.isEmpty { groups.append(rest) }
        var documents: [DocumentBuilder] = []
        var insideRefs: [String: [(String, String, String)]] = [:]
        for (i, group) in groups.enumerated() {
            let id = "\(prefix)-\(i)"
            var b = DocumentBuilder(id: id, mrn: mrn)
            b.patientName = nil
            b.patientBirthDate = nil
            var all = group
            if let patient { all.insert(patient, at: 0) }
            b.entries = all.map { entry in
                var members: [JSONMember] = [JSONMember("resource", entry["resource"] ?? .null)]
                if let url = entry["fullUrl"] { members.append(JSONMember("fullUrl", url)) }
                return .object(members)
            }
            var targets: [String: (String, String)] = [:]
            for entry in group {
                guard let type = entry["resource"]?["resourceType"]?.stringValue,
                      let rid = entry["resource"]?["id"]?.stringValue else { continue }
                targets["\(type)/\(rid)"] = (type, rid)
                if let url = entry["fullUrl"]?.stringValue { targets[url] = (type, rid) }
            }
            var found: [(String, String, String)] = []
            for entry in group {
                for ref in references(in: entry["resource"] ?? .null) {
                    if let target = targets[ref] { found.append((ref, target.0, target.1)) }
                }
            }
            insideRefs[id] = found
            documents.append(b)
        }
        return Split(documents: documents, internalReferences: insideRefs, resourceCount: others.count)
    }

    /// Every `reference` string in a resource, at any depth.
    public static func references(in value: JSON) -> [String] { BundleReferenceCheck.references(in: value) }
}
