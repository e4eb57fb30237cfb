extension ResourceIdentity {
    /// Each entry's key within its document, in entry order, read from the stored extraction's
    /// bytes: the keys the merge gave them (`id:<id>`, else the content key), so a reader can
    /// find the resource each entry was merged as.
    public static func entryKeys(extraction: [UInt8]) -> [String] {
        let raw = (try? JSONParser.parse(extraction, rawResources: true)) ?? .null
        let resources = (raw["entries"]?.arrayValue ?? []).map { $0["resource"] ?? .null }
        return keys(resources.map { resource -> (type: String, id: String?, content: String) in
            let type = resource["resourceType"]?.stringValue ?? "", id = resource["id"]?.stringValue
            guard id == nil, case .raw(let bytes) = resource else { return (type, id, "") }
            return (type, nil, contentKey(bytes))
        })
    }
}
