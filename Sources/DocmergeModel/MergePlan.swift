/// A document's contribution, ready to write: one planned resource per mergeable
/// entry, with its deterministic id, rewritten references and `meta.source`.
public struct MergePlan: Sendable {
    public let documentID: String
    public let patientFHIRID: String
    public var resources: [PlannedResource]

    public init(documentID: String, patientFHIRID: String, resources: [PlannedResource]) {
        self.documentID = documentID
        self.patientFHIRID = patientFHIRID
        self.resources = resources
    }

    public var patientReference: String { "Patient/" + patientFHIRID }
}

public struct PlannedResource: Sendable {
    public let resourceType: String
    /// The key within the document: `id:<extractor id>`, or for an entry without an id
    /// `c:<content hash>` (`c:<hash>:<n>` for the n-th repeat of identical content).
    public let key: String
    public let fhirID: String
    /// The serialized resource is `prefix + stamp + suffix`: the stamp (versionId,
    /// lastUpdated, then `tag`) goes at the end of `meta`, so stamping never re-serializes.
    public let prefix: [UInt8]
    public let suffix: [UInt8]
    /// The incoming `meta.tag` elements kept (raw, comma-separated; empty when none): the
    /// stamp writes them, then docmerge's own tags, in one `tag` array.
    public let keptTags: [UInt8]
    /// `ContentHash` of the content without the stamp and without docmerge's tags.
    public let contentHash: String
    /// The entry's `fullUrl` as the extractor wrote it (another document may reference it).
    public let fullUrl: String?
    /// References left as written because nothing in the document (or, once the store
    /// resolved them, in the record) is their target.
    public var unresolved: [String]

    public init(resourceType: String, key: String, fhirID: String, prefix: [UInt8], suffix: [UInt8], keptTags: [UInt8],
                contentHash: String, fullUrl: String?, unresolved: [String]) {
        self.resourceType = resourceType
        self.key = key
        self.fhirID = fhirID
        self.prefix = prefix
        self.suffix = suffix
        self.keptTags = keptTags
        self.contentHash = contentHash
        self.fullUrl = fullUrl
        self.unresolved = unresolved
    }

    public var reference: String { resourceType + "/" + fhirID }

    public func stamped(versionID: Int, lastUpdated: String, tags: [RecordTag] = []) -> [UInt8] {
        var out = prefix
        out.reserveCapacity(prefix.count + suffix.count + keptTags.count + 80 + tags.count * 160)
        out.append(contentsOf: ",\"versionId\":\"\(versionID)\",\"lastUpdated\":\"\(lastUpdated)\"".utf8)
        if !keptTags.isEmpty || !tags.isEmpty {
            out.append(contentsOf: ",\"tag\":[".utf8)
            out.append(contentsOf: keptTags)
            for (i, tag) in tags.enumerated() {
                if i > 0 || !keptTags.isEmpty { out.append(UInt8(ascii: ",")) }
                JSONWriter.write(tag.coding, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: suffix)
        return out
    }

    /// The content hash of the resource as stored with `tags`: a tag change is a change.
    public func contentHash(tags: [RecordTag]) -> String {
        tags.isEmpty ? contentHash : ContentHash.hex(Array((contentHash + "+" + tags.map(\.rawValue).joined(separator: ",")).utf8))
    }

    /// The resource without the stamp and docmerge's tags (valid JSON; for re-serializing).
    var unstamped: [UInt8] {
        var out = prefix
        if !keptTags.isEmpty {
            out.append(contentsOf: ",\"tag\":[".utf8)
            out.append(contentsOf: keptTags)
            out.append(UInt8(ascii: "]"))
        }
        out.append(contentsOf: suffix)
        return out
    }
}

public enum MergePlanner {
    public static func plan(_ extraction: Extraction) -> MergePlan {
        let patientRef = "Patient/" + ResourceIdentity.patientFHIRID(mrn: extraction.mrn)
        let keys = ResourceIdentity.keys(extraction.entries)
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
                                         source: source, rewriter: rewriter, fullUrl: item.entry.fullUrl)
        }
        return MergePlan(documentID: extraction.documentID,
                         patientFHIRID: ResourceIdentity.patientFHIRID(mrn: extraction.mrn), resources: resources)
    }

    /// `resource` with the references in `map` rewritten too (the store found their targets
    /// in other documents of the record); the rest unchanged.
    public static func relinked(_ resource: PlannedResource, map: [String: String], patientReference: String) -> PlannedResource {
        guard let raw = try? JSONParser.minify(resource.unstamped) else { return resource }
        let rewriter = ReferenceRewriter(map: map, patientReference: patientReference)
        var out = ResourceSerializer.serialize(raw, type: resource.resourceType, id: resource.fhirID, key: resource.key,
                                               source: raw.sourceOfMeta ?? "", rewriter: rewriter, fullUrl: resource.fullUrl)
        out.unresolved = resource.unresolved.filter { rewriter.map[$0] == nil && rewriter.map[ReferenceText.unversioned($0)] == nil }
        return out
    }

    /// A stored resource (bytes docmerge wrote) as a planned one, to stamp again with other
    /// tags: same id, key and content.
    public static func restored(_ body: [UInt8], resourceType: String, key: String, fhirID: String, fullUrl: String?,
                                unresolved: [String], patientReference: String) -> PlannedResource? {
        guard let raw = try? JSONParser.minify(body), raw.isObject else { return nil }
        var out = ResourceSerializer.serialize(raw, type: resourceType, id: fhirID, key: key, source: raw.sourceOfMeta ?? "",
                                               rewriter: ReferenceRewriter(map: [:], patientReference: patientReference),
                                               fullUrl: fullUrl)
        out.unresolved = unresolved
        return out
    }
}

extension RawJSON {
    /// `meta.source`, when the resource has one.
    var sourceOfMeta: String? {
        guard let meta = members.first(where: { $0.key == "meta" }),
              let raw = try? JSONParser.minify(Array(bytes[meta.valueRange])) else { return nil }
        return raw.string("source")
    }
}
