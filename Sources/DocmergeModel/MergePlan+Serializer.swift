/// Rewrites `reference` strings: a document's own entries (`Type/id`, also versioned
/// `Type/id/_history/n`, and `fullUrl`) to their assigned ids, every `Patient/…` and the
/// Patient entry to the registry patient. Contained (`#id`) references are kept; any
/// other is unresolved (kept as written).
public struct ReferenceRewriter: Sendable {
    public let map: [String: String]
    public let patientReference: String

    public init(map: [String: String], patientReference: String) {
        self.map = map
        self.patientReference = patientReference
    }

    /// The reference to write, or nil when nothing known is its target.
    public func resolve(_ reference: String) -> String? {
        if reference.hasPrefix("#") { return reference }
        // Patient first: no entry's address can capture a reference meant for the patient.
        if reference.hasPrefix("Patient/") { return patientReference }
        if let mapped = map[reference] { return mapped }
        let base = ReferenceText.unversioned(reference)
        if base != reference, let mapped = map[base] { return mapped }
        return nil
    }

    public func rewrite(_ reference: String) -> String { resolve(reference) ?? reference }
}

enum ResourceSerializer {
    /// `resourceType` first, then the assigned `id`, `meta` (kept members copied as they are,
    /// kept extensions plus the incoming `meta.source` as an extension, docmerge's `source`,
    /// stamp point, then `tag`), then every other member in its original order, copied from
    /// the minified bytes with each rewritten reference spliced in.
    static func serialize(_ raw: RawJSON, type: String, id: String, key: String, source: String,
                          rewriter: ReferenceRewriter, fullUrl: String?) -> PlannedResource {
        var prefix: [UInt8] = []
        prefix.reserveCapacity(128)
        prefix.append(contentsOf: "{\"resourceType\":".utf8)
        JSONWriter.writeString(type, into: &prefix)
        prefix.append(contentsOf: ",\"id\":".utf8)
        JSONWriter.writeString(id, into: &prefix)
        prefix.append(contentsOf: ",\"meta\":{".utf8)
        var keptTags: [UInt8] = []
        if let meta = raw.members.first(where: { $0.key == "meta" }) {
            writeMeta(Array(raw.bytes[meta.valueRange]), source: source, into: &prefix, tags: &keptTags)
        }
        prefix.append(contentsOf: "\"source\":".utf8)
        JSONWriter.writeString(source, into: &prefix)
        var suffix: [UInt8] = [UInt8(ascii: "}")]
        suffix.reserveCapacity(raw.bytes.count + 64)
        var unresolved: [String] = []
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
                    guard let replacement = rewriter.resolve(reference.value) else {
                        if !unresolved.contains(reference.value) { unresolved.append(reference.value) }
                        continue
                    }
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
        if !keptTags.isEmpty {
            hasher.update([0])
            hasher.update(keptTags)
        }
        hasher.update(suffix)
        return PlannedResource(resourceType: type, key: key, fhirID: id, prefix: prefix, suffix: suffix, keptTags: keptTags,
                               contentHash: hasher.finalize(), fullUrl: fullUrl, unresolved: unresolved)
    }

    /// The incoming `meta`'s members (each followed by a comma), minus what docmerge sets.
    /// `tag` elements not of docmerge's code system go to `tags` (the stamp writes them).
    private static func writeMeta(_ bytes: [UInt8], source: String, into out: inout [UInt8], tags: inout [UInt8]) {
        guard let meta = try? JSONParser.minify(bytes), meta.isObject else { return }
        var extensions: [UInt8] = []
        var incomingSource: String?
        for member in meta.members {
            let value = meta.bytes[member.valueRange]
            switch member.key {
            case "versionId", "lastUpdated": continue
            case "source": incomingSource = meta.string("source")
            case "tag":
                for element in RawArray.elements(value) where !isDocmergeCoding(meta.bytes[element]) {
                    if !tags.isEmpty { tags.append(UInt8(ascii: ",")) }
                    tags.append(contentsOf: meta.bytes[element])
                }
            case "extension":
                for element in RawArray.elements(value) {
                    if !extensions.isEmpty { extensions.append(UInt8(ascii: ",")) }
                    extensions.append(contentsOf: meta.bytes[element])
                }
            default:
                out.append(contentsOf: meta.bytes[member.range])
                out.append(UInt8(ascii: ","))
            }
        }
        if let incomingSource, incomingSource != source {
            if !extensions.isEmpty { extensions.append(UInt8(ascii: ",")) }
            JSONWriter.write(.object([JSONMember("url", .string(RecordCodes.originalSourceExtension)),
                                      JSONMember("valueUri", .string(incomingSource))]), into: &extensions)
        }
        if !extensions.isEmpty {
            out.append(contentsOf: "\"extension\":[".utf8)
            out.append(contentsOf: extensions)
            out.append(contentsOf: "],".utf8)
        }
    }

    private static func isDocmergeCoding(_ bytes: ArraySlice<UInt8>) -> Bool {
        (try? JSONParser.parse(Array(bytes)))?["system"]?.stringValue == RecordCodes.system
    }
}

/// The elements of a minified JSON array, as byte ranges, without building a tree.
enum RawArray {
    static func elements(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        guard bytes.first == UInt8(ascii: "["), bytes.count > 2 else { return [] }
        var out: [Range<Int>] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start = bytes.startIndex + 1
        for i in (bytes.startIndex + 1)..<(bytes.endIndex - 1) {
            let byte = bytes[i]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ",") where depth == 0:
                out.append(start..<i)
                start = i + 1
            default: break
            }
        }
        out.append(start..<(bytes.endIndex - 1))
        return out
    }
}
