import Foundation

/// Deterministic identifiers.
public enum ResourceIdentity {
    /// A pure function of (document id, resource type, key): a retry gets the same id.
    public static func fhirID(documentID: String, resourceType: String, key: String) -> String {
        var hasher = SHA256()
        hasher.update(documentID)
        hasher.update([0])
        hasher.update(resourceType)
        hasher.update([0])
        hasher.update(key)
        return Array(hasher.finalize().prefix(16)).hexString
    }

    /// The registry Patient's id: the MRN itself when it is a valid FHIR id, else a hash.
    public static func patientFHIRID(mrn: String) -> String {
        let valid = (1...64).contains(mrn.utf8.count) && mrn.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 46
        }
        return valid ? mrn : "mrn-" + Array(SHA256.hash(Array(mrn.utf8)).prefix(12)).hexString
    }

    public static func source(documentID: String) -> String { "document_\(documentID)" }

    /// The ids docmerge gives its own resources of a document (`Provenance`, `DocumentReference`).
    public static func generatedID(documentID: String, resourceType: String) -> String {
        fhirID(documentID: documentID, resourceType: resourceType, key: "docmerge:generated")
    }

    /// Each entry's key within its document, in order: `id:<id>` when the extractor gave
    /// one, else `c:<hash of its content>` — so an unchanged entry keeps its key (and its
    /// resource id) when other entries come or go. The n-th repeat (n ≥ 1) of identical
    /// content in one document is `c:<hash>:<n>`.
    public static func keys(_ entries: [(type: String, id: String?, content: String)]) -> [String] {
        var repeats: [String: Int] = [:]
        return entries.map { entry in
            if let id = entry.id { return "id:\(id)" }
            let base = "c:" + entry.content
            let seen = repeats[entry.type + "\u{0}" + base, default: 0]
            repeats[entry.type + "\u{0}" + base] = seen + 1
            return seen == 0 ? base : "\(base):\(seen)"
        }
    }

    public static func keys(_ entries: [Extraction.Entry]) -> [String] {
        keys(entries.map { ($0.resourceType, $0.id, $0.id == nil ? contentKey($0.resource) : "") })
    }

    /// The hash an id-less entry is keyed by: every member but `id` and `meta`, as written
    /// (minified), so extractor bookkeeping in `meta` does not move the key.
    public static func contentKey(_ resource: RawJSON) -> String {
        var hasher = ContentHash()
        resource.bytes.withUnsafeBytes { bytes in
            for member in resource.members where member.key != "id" && member.key != "meta" {
                hasher.update(UnsafeRawBufferPointer(rebasing: bytes[member.range]))
                hasher.update([0])
            }
        }
        return hasher.finalize()
    }
}

/// Reference strings as FHIR reads them (R4 §2.3.0 Reference, §2.36.4 resolving in bundles).
public enum ReferenceText {
    /// `Type/id/_history/n` → `Type/id` (also on an absolute URL); anything else unchanged.
    public static func unversioned(_ reference: String) -> String {
        guard let range = reference.range(of: "/_history/", options: .backwards) else { return reference }
        return String(reference[..<range.lowerBound])
    }

    /// The version of a versioned reference, if any.
    public static func version(_ reference: String) -> String? {
        guard let range = reference.range(of: "/_history/", options: .backwards) else { return nil }
        return String(reference[range.upperBound...])
    }

    /// `urn:…`, `http://…`: a URI with a scheme (resolved against fullUrls as written).
    public static func isAbsolute(_ reference: String) -> Bool {
        guard let colon = reference.firstIndex(of: ":"), colon != reference.startIndex,
              let first = reference.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII else { return false }
        return reference[..<colon].unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "+" || $0 == "-" || $0 == "." )
        }
    }

    /// `Type/id` or `Type/id/_history/v` with FHIR's id syntax: (type, id, version).
    public static func relative(_ reference: String) -> (type: String, id: String, version: String?)? {
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 4 && parts[2] == "_history") else { return nil }
        let type = parts[0], id = parts[1]
        guard let head = type.unicodeScalars.first, ("A"..."Z").contains(head),
              type.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }),
              isID(id), parts.count == 2 || isID(parts[3]) else { return nil }
        return (String(type), String(id), parts.count == 4 ? String(parts[3]) : nil)
    }

    static func isID(_ text: Substring) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 46
        }
    }

    /// A RESTful absolute URL `http(s)://…/Type/id`: its base (without the trailing slash).
    public static func restfulBase(_ url: String) -> String? {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
        let parts = url.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 5, relative(parts.suffix(2).joined(separator: "/")) != nil else { return nil }
        return parts.dropLast(2).joined(separator: "/")
    }
}
