/// How a document registers a patient the registry does not know: from its own Patient
/// entry when it has one (identifiers, gender, deceased, address, telecom and every other
/// element kept), with `patient.name` / `patient.birth_date` filling only what the entry
/// lacks or gives in a form that is not FHIR (such an element is not kept: the registry's
/// Patient stays valid FHIR); from the `patient` block alone otherwise. A document with
/// several Patient entries registers from the first; checks 5 and 6 then judge the others
/// against what it registered. Pure: the same extraction registers the same way.
public struct PatientRegistration: Sendable, Equatable {
    public var name: String?
    public var birthDate: String?
    /// The Patient's elements, without `resourceType` and `id` (the registry assigns the
    /// id; `RegistryResource` adds the MRN identifier and `meta`).
    public var elements: [JSONMember]

    public init(_ x: Extraction) {
        guard let entry = x.firstPatientEntry, var elements = entry.resource.tree.objectValue else {
            self.name = x.patientName
            self.birthDate = x.patientBirthDate
            self.elements = Self.elements(name: x.patientName, birthDate: x.patientBirthDate)
            return
        }
        elements.removeAll { $0.key == "resourceType" || $0.key == "id" }
        let evidence = PatientEvidence(patient: entry.resource)
        // A `name` or `birthDate` that is null or not FHIR is not kept (the checks flag it).
        elements.removeAll { ($0.key == "name" || $0.key == "birthDate") && $0.value == .null }
        if evidence.nameProblem != nil { elements.removeAll { $0.key == "name" } }
        if evidence.birthDateProblem != nil { elements.removeAll { $0.key == "birthDate" } }
        if evidence.name == nil, let name = x.patientName {
            elements.removeAll { $0.key == "name" }
            elements.append(JSONMember("name", .array([Self.nameElement(name)])))
        }
        if !elements.contains(where: { $0.key == "birthDate" }), let birth = x.patientBirthDate {
            elements.append(JSONMember("birthDate", .string(birth)))
        }
        self.name = evidence.name ?? x.patientName
        self.birthDate = evidence.birthDate ?? x.patientBirthDate
        self.elements = elements
    }

    /// Elements from demographics alone (an upload context, a CSV row).
    public static func elements(name: String?, birthDate: String?) -> [JSONMember] {
        var members: [JSONMember] = []
        if let name { members.append(JSONMember("name", .array([nameElement(name)]))) }
        if let birthDate { members.append(JSONMember("birthDate", .string(birthDate))) }
        return members
    }

    /// A HumanName from a display name: its text, and family = the last word.
    public static func nameElement(_ name: String) -> JSON {
        let parts = name.split(separator: " ").map(String.init)
        var members: [JSONMember] = [JSONMember("text", .string(name))]
        if parts.count > 1 {
            members.append(JSONMember("family", .string(parts[parts.count - 1])))
            members.append(JSONMember("given", .array(parts.dropLast().map { .string($0) })))
        }
        return .object(members)
    }
}

/// The registry's Patient resource: `resourceType`, the registry id, `meta` (versionId and
/// lastUpdated like every other resource; other meta elements kept), the identifiers with
/// the MRN identifier added when missing, then every other element.
public enum RegistryResource {
    public static let mrnSystem = "urn:docmerge:mrn"

    public static func build(elements: [JSONMember], mrn: String, fhirID: String, versionID: Int, lastUpdated: String) -> JSON {
        var identifiers = elements.first(where: { $0.key == "identifier" })?.value.arrayValue ?? []
        if !identifiers.contains(where: { $0["value"]?.stringValue == mrn }) { identifiers.append(mrnIdentifier(mrn)) }
        var meta = (elements.first(where: { $0.key == "meta" })?.value.objectValue ?? [])
            .filter { $0.key != "versionId" && $0.key != "lastUpdated" }
        meta += [JSONMember("versionId", .string(String(versionID))), JSONMember("lastUpdated", .string(lastUpdated))]
        var members: [JSONMember] = [JSONMember("resourceType", .string("Patient")), JSONMember("id", .string(fhirID)),
                                     JSONMember("meta", .object(meta)), JSONMember("identifier", .array(identifiers))]
        members += elements.filter { !["resourceType", "id", "meta", "identifier"].contains($0.key) }
        return .object(members)
    }

    public static func mrnIdentifier(_ mrn: String) -> JSON {
        .object([
            JSONMember("type", .object([JSONMember("coding", .array([.object([
                JSONMember("system", .string("http://terminology.hl7.org/CodeSystem/v2-0203")),
                JSONMember("code", .string("MR"))])]))])),
            JSONMember("system", .string(mrnSystem)),
            JSONMember("value", .string(mrn)),
        ])
    }
}
