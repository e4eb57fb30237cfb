/// A document's contribution, ready to write: one planned resource per mergeable
/// entry, with its deterministic id, rewritten references and `meta.source`.
public struct MergePlan: Sendable {
    public let documentID: String
    public let patientFHIRID: String
    public let resources: [PlannedResource]
}

public struct PlannedResource: Sendable {
    public let resourceType: String
    /// The key within the document: `id:<extractor id>` or `#<ordinal among its type>`.
    public let key: String
    public let fhirID: String
    /// The serialized resource is `prefix + stamp + suffix`: the stamp (versionId,
    /// lastUpdated) goes at the end of `meta`, so stamping never re-serializes.
    public let prefix: [UInt8]
    public let suffix: [UInt8]
    /// `ContentHash` of `prefix + suffix`: the content without the stamp.
    public let contentHash: String

    public func stamped(versionID: Int, lastUpdated: String) -> [UInt8] {
        var out = prefix
        out.reserveCapacity(prefix.count + suffix.count + 80)
        out.append(contentsOf: ",\"versionId\":\"\(versionID)\",\"lastUpdated\":\"\(lastUpdated)\"".utf8)
        out.append(contentsOf: suffix)
        return out
    }
}

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

    /// Each entry's key within its document, in order: `id:<id>` when the extractor gave
    /// one, else `#<ordinal among the document's entries of that type>`.
    public static func keys(_ entries: [(type: String, id: String?)]) -> [String] {
        var ordinals: [String: Int] = [:]
        return entries.map { entry in
            let ordinal = ordinals[entry.type, default: 0]
            ordinals[entry.type] = ordinal + 1
            return entry.id.map { "id:\($0)" } ?? "#\(ordinal)"
        }
    }
}

public enum MergePlanner {
    public static func plan(_ extraction: Extraction) -> MergePlan {
        let patientRef = "Patient/" + ResourceIdentity.patientFHIRID(mrn: extraction.mrn)
        let keys = ResourceIdentity.keys(extraction.entries.map { ($0.resourceType, $0.id) })
        var keyed: [(entry: Extraction.Entry, key: String, id: String)] = []
        var references: [String: String] = [:]
        for (entry, key) in zip(extraction.entries, keys) {
            if entry.isPatient {
                if let id = entry.id { references["Patient/\(id)"] = patientRef }
                if let url = entry.fullUrl { references[url] = patientRef }
                continue
            }
            let id = ResourceIdentity.fhirID(documentID: extraction.documentID, resourceType: entry.resourceType, key: key)
            let target = "\(entry.resourceType)/\(id)"
            if let own = entry.id { references["\(entry.resourceType)/\(own)"] = target }
            if let url = entry.fullUrl { references[url] = target }
            keyed.append((entry, key, id))
        }
        let rewriter = ReferenceRewriter(map: references, patientReference: patientRef)
        let source = ResourceIdentity.source(documentID: extraction.documentID)
        let resources = keyed.map { item in
            ResourceSerializer.serialize(item.entry.resource, type: item.entry.resourceType, id: item.id, key: item.key,
                                         source: source, rewriter: rewriter)
        }
        return MergePlan(documentID: extraction.documentID,
                         patientFHIRID: ResourceIdentity.patientFHIRID(mrn: extraction.mrn), resources: resources)
    }
}

/// Rewrites `reference` strings: a document's own entries (`Type/id`, `fullUrl`) to
/// their assigned ids, every `Patient/…` and the Patient entry to the registry patient.
/// Contained (`#id`), absolute and unknown references are left alone.
public struct ReferenceRewriter: Sendable {
    public let map: [String: String]
    public let patientReference: String

    public func rewrite(_ reference: String) -> String {
        // Patient first: no entry's address can capture a reference meant for the patient.
        if reference.hasPrefix("Patient/") { return patientReference }
        if let mapped = map[reference] { return mapped }
        return reference
    }
}

enum ResourceSerializer {
    /// `resourceType` first, then the assigned `id`, `meta` (kept members + source,
    /// stamp point at its end), then every other member in its original order, copied
    /// from the minified bytes with each rewritten reference spliced in.
    static func serialize(_ raw: RawJSON, type: String, id: String, key: String, source: String,
                          rewriter: ReferenceRewriter) -> PlannedResource {
        var prefix: [UInt8] = []
        prefix.reserveCapacity(128)
        prefix.append(contentsOf: "{\"resourceType\":".utf8)
        JSONWriter.writeString(type, into: &prefix)
        prefix.append(contentsOf: ",\"id\":".utf8)
        JSONWriter.writeString(id, into: &prefix)
        prefix.append(contentsOf: ",\"meta\":{".utf8)
        if let meta = raw.members.first(where: { $0.key == "meta" }),
           case .object(let members) = (try? JSONParser.parse(Array(raw.bytes[meta.valueRange]))) ?? .null {
            let kept = members.filter { !["versionId", "lastUpdated", "source"].contains($0.key) }
            if !kept.isEmpty {
                JSONWriter.writeMembers(kept, into: &prefix)
                prefix.append(UInt8(ascii: ","))
            }
        }
        prefix.append(contentsOf: "\"source\":".utf8)
        JSONWriter.writeString(source, into: &prefix)
        var suffix: [UInt8] = [UInt8(ascii: "}")]
        suffix.reserveCapacity(raw.bytes.count + 64)
        var nextReference = 0
        raw.bytes.withUnsafeBufferPointer { bytes in
            for member in raw.members {
                while nextReference < raw.references.count, raw.references[nextReference].range.lowerBound < member.range.lowerBound {
                    nextReference += 1
                }
                if member.key == "resourceType" || member.key == "id" || member.key == "meta" { continue }
                suffix.append(UInt8(ascii: ","))
                var cursor = member.range.lowerBound
                while nextReference < raw.references.count, raw.references[nextReference].range.upperBound <= member.range.upperBound {
                    let reference = raw.references[nextReference]
                    nextReference += 1
                    let replacement = rewriter.rewrite(reference.value)
                    guard replacement != reference.value else { continue }
                    suffix.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<reference.range.lowerBound]))
                    JSONWriter.writeString(replacement, into: &suffix)
                    cursor = reference.range.upperBound
                }
                suffix.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[cursor..<member.range.upperBound]))
            }
        }
        suffix.append(UInt8(ascii: "}"))
        var hasher = ContentHash()
        hasher.update(prefix)
        hasher.update(suffix)
        return PlannedResource(resourceType: type, key: key, fhirID: id, prefix: prefix, suffix: suffix,
                               contentHash: hasher.finalize())
    }
}
