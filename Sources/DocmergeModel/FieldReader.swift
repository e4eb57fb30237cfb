import Foundation

/// Typed field access with errors that name the JSON path.
struct FieldReader {
    func object(_ parent: JSON, _ key: String, at path: String) throws(ExtractionError) -> JSON {
        guard let value = parent[key] else { throw ExtractionError(path: "\(path).\(key)", message: "is required") }
        guard case .object = value else {
            throw ExtractionError(path: "\(path).\(key)", message: "must be an object, found \(value.typeName)")
        }
        return value
    }

    func string(_ parent: JSON, _ key: String, at path: String) throws(ExtractionError) -> String {
        guard let value = parent[key] else { throw ExtractionError(path: "\(path).\(key)", message: "is required") }
        guard let text = value.stringValue else {
            throw ExtractionError(path: "\(path).\(key)", message: "must be a string, found \(value.typeName)")
        }
        return text
    }

    func optionalString(_ parent: JSON, _ key: String, at path: String) throws(ExtractionError) -> String? {
        guard let value = parent[key], value != .null else { return nil }
        guard let text = value.stringValue else {
            throw ExtractionError(path: "\(path).\(key)", message: "must be a string, found \(value.typeName)")
        }
        return text
    }

    /// A number in [0, 1], judged on its decimal text (a text above 1 is refused even when
    /// it reads as the double 1.0); nil when absent. See `DecimalText.comparableDouble`.
    func unitNumber(_ parent: JSON, _ key: String, at path: String) throws(ExtractionError) -> Double? {
        guard let value = parent[key], value != .null else { return nil }
        guard case .number(let text) = value else {
            throw ExtractionError(path: "\(path).\(key)", message: "must be a number in [0, 1], found \(value.typeName)")
        }
        guard let decimal = DecimalText(text), let number = DecimalText.comparableDouble(text) else {
            // A number whose exponent no decimal comparison can hold (1e400, 1e-99999999999).
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            throw ExtractionError(path: "\(path).\(key)", message: "must be a number in [0, 1] written without an extreme exponent, found \(shown)")
        }
        guard !decimal.negative, !(DecimalText(1) < decimal) else {
            throw ExtractionError(path: "\(path).\(key)", message: "must be a number in [0, 1], found \(text)")
        }
        return number
    }

    func time(_ text: String?, at path: String) throws(ExtractionError) -> Date? {
        guard let text else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw ExtractionError(path: path, message: "must be an RFC 3339 date-time such as 2026-11-28T10:15:00Z")
        }
        return date
    }
}

/// The `entries` array: objects shaped like FHIR `Bundle.entry`.
public enum EntriesDecoder {
    public static func decode(_ value: JSON?, at path: String) throws(ExtractionError) -> [Extraction.Entry] {
        guard let value else { throw ExtractionError(path: path, message: "is required (an empty array is allowed)") }
        guard let items = value.arrayValue else {
            throw ExtractionError(path: path, message: "must be an array, found \(value.typeName)")
        }
        let reader = FieldReader()
        var entries: [Extraction.Entry] = []
        entries.reserveCapacity(items.count)
        var seen = Set<String>()
        var addresses = EntryAddresses()
        for (index, item) in items.enumerated() {
            let at = "\(path)[\(index)]"
            guard case .object = item else { throw ExtractionError(path: at, message: "must be an object, found \(item.typeName)") }
            guard let resourceValue = item.objectValue?.first(where: { $0.key == "resource" })?.value else {
                throw ExtractionError(path: "\(at).resource", message: "is required")
            }
            let resource: RawJSON
            switch resourceValue {
            case .raw(let raw): resource = raw
            case .object:
                do { resource = try JSONParser.minify(resourceValue.bytes) } catch {
                    throw ExtractionError(path: "\(at).resource", message: "is not valid JSON")
                }
            default: throw ExtractionError(path: "\(at).resource", message: "must be an object, found \(resourceValue.typeName)")
            }
            guard resource.isObject else {
                throw ExtractionError(path: "\(at).resource", message: "must be an object, found \(resourceValue.typeName)")
            }
            guard let typeName = resource.typeName("resourceType") else {
                throw ExtractionError(path: "\(at).resource.resourceType", message: "is required")
            }
            guard typeName == "a string", let type = resource.string("resourceType"), !type.isEmpty,
                  type.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) })
            else {
                throw ExtractionError(path: "\(at).resource.resourceType", message: "must be a non-empty FHIR resource type name")
            }
            if let why = FHIRResourceType.refusal(type) {
                throw ExtractionError(path: "\(at).resource.resourceType", message: why)
            }
            var id: String?
            if let idType = resource.typeName("id"), idType != "null" {
                guard idType == "a string", let text = resource.string("id"), !text.isEmpty else {
                    throw ExtractionError(path: "\(at).resource.id", message: "must be a non-empty string")
                }
                id = text
                guard seen.insert("\(type)/\(text)").inserted else {
                    throw ExtractionError(path: "\(at).resource.id",
                                          message: "a second \(type) entry with id '\(text)' (ids must be unique within a document)")
                }
            }
            let fullUrl = try reader.optionalString(item, "fullUrl", at: at)
            try addresses.claim(type: type, id: id, fullUrl: fullUrl, entry: index, at: at)
            entries.append(Extraction.Entry(
                resource: resource, resourceType: type, id: id,
                fullUrl: fullUrl,
                snippet: try reader.optionalString(item, "snippet", at: at),
                confidence: try reader.unitNumber(item, "confidence", at: at)))
        }
        return entries
    }
}
