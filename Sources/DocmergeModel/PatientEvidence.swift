/// The demographics found in one of a document's Patient entries (every one is evidence
/// for checks 5 and 6), and what of them is not FHIR: a `name` or `birthDate` that is
/// there but cannot be read is a problem the checks report, never a silent "not given".
public struct PatientEvidence: Sendable, Equatable {
    public var name: String?
    public var birthDate: String?
    /// Why the entry's `name` cannot be read (present, but not an array of HumanName objects).
    public var nameProblem: String?
    /// Why the entry's `birthDate` cannot be read (present, but not a FHIR date).
    public var birthDateProblem: String?
    /// The entry's index in the document's `entries`, when known.
    public var entry: Int?

    public init(name: String?, birthDate: String?, entry: Int? = nil) {
        self.name = name
        self.birthDate = birthDate
        self.entry = entry
    }

    public init(patient raw: RawJSON, entry: Int? = nil) {
        self.init(patient: raw.tree, entry: entry)
    }

    /// Reads a FHIR Patient: the official (or first) name, `text` or given + family, and
    /// `birthDate`. JSON `null` counts as absent.
    public init(patient value: JSON, entry: Int? = nil) {
        var resource = value
        if case .raw(let raw) = value { resource = raw.tree }
        self.entry = entry
        if let birth = resource["birthDate"], birth != .null {
            if let text = birth.stringValue, FHIRDate.isValid(text) {
                birthDate = text
            } else {
                birthDateProblem = Self.dateProblem(birth)
            }
        }
        if let names = resource["name"], names != .null {
            if let problem = Self.nameProblem(names) {
                nameProblem = problem
            } else if let list = names.arrayValue {
                let chosen = list.first(where: { $0["use"]?.stringValue == "official" }) ?? list.first
                name = chosen.flatMap(PatientEvidence.displayName)
            }
        }
    }

    /// Where the entry is, for a finding's text: `$.entries[3]`.
    public var place: String { entry.map { "$.entries[\($0)]" } ?? "the Patient entry" }

    /// Every Patient entry of an `entries` array as stored (objects with a `resource`), in order.
    public static func all(entries: JSON?) -> [PatientEvidence] {
        (entries?.arrayValue ?? []).enumerated().compactMap { index, entry in
            guard let resource = entry["resource"], resource["resourceType"]?.stringValue == "Patient" else { return nil }
            return PatientEvidence(patient: resource, entry: index)
        }
    }

    public static func displayName(_ name: JSON) -> String? {
        var parts: [String] = []
        for given in name["given"]?.arrayValue ?? [] { if let g = given.stringValue { parts.append(g) } }
        if let family = name["family"]?.stringValue { parts.append(family) }
        if parts.isEmpty { return name["text"]?.stringValue }
        return parts.joined(separator: " ")
    }

    /// What is wrong with a `birthDate` that is not a FHIR date. Names the shape, never the
    /// value: finding texts travel to notifications and the audit, and a birth date is PHI.
    static func dateProblem(_ value: JSON) -> String {
        let expected = "a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)"
        guard let text = value.stringValue else { return "birthDate is \(value.typeName), not \(expected)" }
        let utf8 = Array(text.utf8)
        if utf8.count > 10, utf8[10] == UInt8(ascii: "T"), FHIRDate.isValid(String(decoding: utf8[0..<10], as: UTF8.self)) {
            return "birthDate is a date-time, not \(expected)"
        }
        return "birthDate is a string but not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD, a real day)"
    }

    /// What is wrong with a `name` that is not an array of HumanName objects; nil when it is one.
    static func nameProblem(_ value: JSON) -> String? {
        let expected = "an array of HumanName objects"
        guard let names = value.arrayValue else { return "name is \(value.typeName), not \(expected)" }
        guard !names.isEmpty else { return "name is an empty array, not \(expected)" }
        for (index, item) in names.enumerated() {
            guard let members = item.objectValue, !members.isEmpty else {
                return "name[\(index)] is \(item.objectValue == nil ? item.typeName : "an empty object"), not a HumanName"
            }
            for member in members {
                switch member.key {
                case "text", "family", "use":
                    guard member.value.stringValue != nil else {
                        return "name[\(index)].\(member.key) is \(member.value.typeName), not a string"
                    }
                case "given", "prefix", "suffix":
                    guard let parts = member.value.arrayValue, !parts.isEmpty, parts.allSatisfy({ $0.stringValue != nil }) else {
                        return "name[\(index)].\(member.key) is not an array of strings"
                    }
                default:
                    continue
                }
            }
        }
        return nil
    }
}

extension Extraction {
    /// Every Patient entry's demographics, in document order: the evidence for checks 5 and 6.
    public var patientEvidence: [PatientEvidence] {
        entries.enumerated().compactMap { index, entry in
            entry.isPatient ? PatientEvidence(patient: entry.resource, entry: index) : nil
        }
    }
}
