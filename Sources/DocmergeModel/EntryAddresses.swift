/// The addresses other entries may reference an entry by (`Type/id`, `fullUrl`): each
/// must name exactly one entry, and only a Patient entry may claim a patient address,
/// so a reference meant for the patient can never be captured by another resource.
struct EntryAddresses {
    private var owners: [String: Int] = [:]

    mutating func claim(type: String, id: String?, fullUrl: String?, entry: Int, at path: String) throws(ExtractionError) {
        if let id {
            if let owner = owners["\(type)/\(id)"], owner != entry {
                throw ExtractionError(path: "\(path).resource.id",
                                      message: "entry \(owner) already has the address \(type)/\(id) as its fullUrl (ambiguous references)")
            }
            owners["\(type)/\(id)"] = entry
        }
        guard let fullUrl, !fullUrl.isEmpty else { return }
        if type != "Patient" && Self.isPatientAddress(fullUrl) {
            throw ExtractionError(path: "\(path).fullUrl",
                                  message: "a \(type) entry cannot have a Patient address as its fullUrl (references to the patient always mean the registry patient)")
        }
        if let owner = owners[fullUrl], owner != entry {
            throw ExtractionError(path: "\(path).fullUrl",
                                  message: "entry \(owner) already has this address (fullUrls must be unique within a document)")
        }
        owners[fullUrl] = entry
    }

    /// `Patient/<id>`, or a RESTful URL ending in `/Patient/<id>` (optionally `/_history/<n>`).
    static func isPatientAddress(_ url: String) -> Bool {
        let parts = url.split(separator: "/", omittingEmptySubsequences: false)
        guard let at = parts.lastIndex(of: "Patient") else { return false }
        return at == parts.count - 2 || (at == parts.count - 4 && parts[parts.count - 2] == "_history")
    }
}
