import DocmergeModel

/// A document's Patient entry with every kind of element a registry Patient keeps.
public enum PatientEntries {
    public static let rich: JSON = .object([
        JSONMember("resourceType", .string("Patient")),
        JSONMember("id", .string("pat-in-doc")),
        JSONMember("meta", .object([JSONMember("profile", .array([.string("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient")])),
                                    JSONMember("versionId", .string("77"))])),
        JSONMember("identifier", .array([.object([JSONMember("system", .string("urn:oid:2.16.840.1.113883.3.1")),
                                                  JSONMember("value", .string("H-555"))])])),
        JSONMember("active", .bool(true)),
        JSONMember("name", .array([.object([JSONMember("use", .string("official")), JSONMember("family", .string("Lima")),
                                            JSONMember("given", .array([.string("Ana")]))])])),
        JSONMember("telecom", .array([.object([JSONMember("system", .string("phone")), JSONMember("value", .string("555-0100"))])])),
        JSONMember("gender", .string("female")),
        JSONMember("birthDate", .string("1970-01-02")),
        JSONMember("deceasedBoolean", .bool(false)),
        JSONMember("address", .array([.object([JSONMember("line", .array([.string("1 Main St")])), JSONMember("city", .string("Porto")),
                                               JSONMember("postalCode", .string("4000"))])])),
        JSONMember("extension", .array([.object([JSONMember("url", .string("http://example.org/ext")), JSONMember("valueString", .string("x"))])])),
    ])

    /// `builder` with `resource` as its first entry.
    public static func with(_ resource: JSON, _ builder: DocumentBuilder) -> DocumentBuilder {
        var b = builder
        b.entries.insert(.object([JSONMember("resource", resource), JSONMember("snippet", .string("Patient: LIMA, ANA"))]), at: 0)
        return b
    }
}
