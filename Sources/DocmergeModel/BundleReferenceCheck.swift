/// Resolves every reference of a Bundle the way FHIR R4 says a strict consumer does
/// (§2.36.4 "Resolving references in Bundles"), with no docmerge-specific matching:
/// an absolute reference must equal an entry's `fullUrl`; a relative `Type/id` is
/// resolved against the base of its own entry's RESTful `fullUrl` (a URN fullUrl gives
/// it no meaning); a versioned reference must also match the target's `meta.versionId`.
/// Contained references (`#id`) must name a contained resource of the same entry.
public enum BundleReferenceCheck {
    public struct Unresolved: Sendable, Equatable {
        /// The referring entry's resource, `Type/id`.
        public let resource: String
        public let reference: String
        /// The referring resource's `meta.source` (the document, for merged resources).
        public let source: String?
    }

    public struct Report: Sendable {
        public let references: Int
        public let unresolved: [Unresolved]
    }

    public static func check(_ bundle: JSON) -> Report {
        let entries = bundle["entry"]?.arrayValue ?? []
        var versions: [String: String?] = [:]
        for entry in entries {
            if let url = entry["fullUrl"]?.stringValue {
                versions.updateValue(entry["resource"]?["meta"]?["versionId"]?.stringValue, forKey: url)
            }
        }
        var total = 0
        var unresolved: [Unresolved] = []
        for entry in entries {
            let resource = entry["resource"] ?? .null
            let fullUrl = entry["fullUrl"]?.stringValue
            let contained = Set((resource["contained"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
            for reference in references(in: resource) {
                total += 1
                if resolves(reference, fullUrl: fullUrl, contained: contained, versions: versions) { continue }
                let name = "\(resource["resourceType"]?.stringValue ?? "?")/\(resource["id"]?.stringValue ?? "?")"
                unresolved.append(Unresolved(resource: name, reference: reference,
                                             source: resource["meta"]?["source"]?.stringValue))
            }
        }
        return Report(references: total, unresolved: unresolved)
    }

    static func resolves(_ reference: String, fullUrl: String?, contained: Set<String>, versions: [String: String?]) -> Bool {
        if reference.hasPrefix("#") { return reference == "#" || contained.contains(String(reference.dropFirst())) }
        let absolute: String
        if ReferenceText.isAbsolute(reference) {
            absolute = reference
        } else {
            guard ReferenceText.relative(reference) != nil, let fullUrl, let base = ReferenceText.restfulBase(fullUrl) else {
                return false
            }
            absolute = base + "/" + reference
        }
        if let version = ReferenceText.version(absolute), ReferenceText.restfulBase(ReferenceText.unversioned(absolute)) != nil {
            guard let found = versions[ReferenceText.unversioned(absolute)] else { return false }
            return found == version
        }
        return versions[absolute] != nil
    }

    /// Every `reference` string of a resource, at any depth (contained resources included).
    public static func references(in value: JSON) -> [String] {
        var out: [String] = []
        func walk(_ v: JSON) {
            switch v {
            case .object(let members):
                for m in members {
                    if m.key == "reference", let s = m.value.stringValue { out.append(s) } else { walk(m.value) }
                }
            case .array(let items): items.forEach(walk)
            case .raw(let raw): walk(raw.tree)
            default: break
            }
        }
        walk(value)
        return out
    }
}
