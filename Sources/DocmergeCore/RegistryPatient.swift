import DocmergeModel

/// A patient of the registry: the subject every merged resource points at.
public struct RegistryPatient: Sendable, Equatable {
    public let rowID: Int64
    public let mrn: String
    public let fhirID: String
    public let name: String?
    public let birthDate: String?
    public let version: Int

    public var demographics: RegistryDemographics { RegistryDemographics(name: name, birthDate: birthDate) }
}

/// A patient to add to the registry (from an import or a document's upload context).
public struct PatientRecord: Sendable, Equatable {
    public var mrn: String
    public var name: String?
    public var birthDate: String?
    /// The FHIR Patient as imported, if it came as one.
    public var resource: [JSONMember]?

    public init(mrn: String, name: String?, birthDate: String?, resource: [JSONMember]? = nil) {
        self.mrn = mrn
        self.name = name
        self.birthDate = birthDate
        self.resource = resource
    }

    /// The registry Patient resource: the imported one with the registry id and MRN
    /// identifier, or one built from the demographics.
    func resourceJSON(fhirID: String) -> String {
        let mrnIdentifier = JSON.object([
            JSONMember("type", .object([JSONMember("coding", .array([.object([
                JSONMember("system", .string("http://terminology.hl7.org/CodeSystem/v2-0203")),
                JSONMember("code", .string("MR"))])]))])),
            JSONMember("system", .string("urn:docmerge:mrn")),
            JSONMember("value", .string(mrn)),
        ])
        var members: [JSONMember] = [JSONMember("resourceType", .string("Patient")), JSONMember("id", .string(fhirID))]
        if let resource {
            var identifiers = resource.first(where: { $0.key == "identifier" })?.value.arrayValue ?? []
            if !identifiers.contains(where: { $0["value"]?.stringValue == mrn }) { identifiers.append(mrnIdentifier) }
            for member in resource where !["resourceType", "id"].contains(member.key) {
                members.append(member.key == "identifier" ? JSONMember("identifier", .array(identifiers)) : member)
            }
            if !resource.contains(where: { $0.key == "identifier" }) {
                members.insert(JSONMember("identifier", .array(identifiers)), at: 2)
            }
        } else {
            members.append(JSONMember("identifier", .array([mrnIdentifier])))
            if let name {
                let parts = name.split(separator: " ").map(String.init)
                var nameMembers: [JSONMember] = [JSONMember("text", .string(name))]
                if parts.count > 1 {
                    nameMembers.append(JSONMember("family", .string(parts[parts.count - 1])))
                    nameMembers.append(JSONMember("given", .array(parts.dropLast().map { .string($0) })))
                }
                members.append(JSONMember("name", .array([.object(nameMembers)])))
            }
            if let birthDate { members.append(JSONMember("birthDate", .string(birthDate))) }
        }
        return JSON.object(members).text
    }
}
