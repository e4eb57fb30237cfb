/// What an extracted FHIR resource says, in one line a steward can check against the
/// snippet: the code's display, the medication and its dose, the value with its unit, the
/// date. `Diabetes mellitus type 2 (2015)`, `Metformin 500 mg PO BID; 1 tablet twice
/// daily`, `Hemoglobin A1c = 7.2 % (2026-10-01)`. Plain text from input: escape it
/// (`TerminalText`) before it reaches a terminal.
public enum EntryDescription {
    public static func describe(_ resource: JSON) -> String {
        let type = resource["resourceType"]?.stringValue ?? ""
        var text = what(resource, type: type) ?? "(no code given)"
        if let value = value(resource) { text += " = " + value }
        if let dose = dose(resource) { text += "; " + dose }
        if let date = date(resource) { text += " (" + date + ")" }
        return text
    }

    /// The concept: a medication's name for medication resources, a vaccine for an
    /// immunization, else `code`.
    static func what(_ r: JSON, type: String) -> String? {
        if type.hasPrefix("Medication") {
            return concept(r["medicationCodeableConcept"]) ?? r["medicationReference"]?["display"]?.stringValue
                ?? concept(r["code"])
        }
        if type == "Immunization" { return concept(r["vaccineCode"]) }
        return concept(r["code"]) ?? concept(r["type"])
    }

    /// A CodeableConcept as a person reads it: the first coding's display, else its text,
    /// else `system|code`.
    public static func concept(_ c: JSON?) -> String? {
        guard let c else { return nil }
        let codings = c["coding"]?.arrayValue ?? []
        if let display = codings.lazy.compactMap({ $0["display"]?.stringValue }).first(where: { !$0.isEmpty }) { return display }
        if let text = c["text"]?.stringValue, !text.isEmpty { return text }
        if let code = codings.first?["code"]?.stringValue { return code }
        return nil
    }

    static func value(_ r: JSON) -> String? {
        if let q = r["valueQuantity"] { return quantity(q) }
        if let s = r["valueString"]?.stringValue { return s }
        if let c = concept(r["valueCodeableConcept"]) { return c }
        if let b = r["valueBoolean"]?.boolValue { return b ? "true" : "false" }
        if case .number(let n)? = r["valueInteger"] { return n }
        return nil
    }

    static func quantity(_ q: JSON) -> String? {
        guard case .number(let n)? = q["value"] else { return nil }
        let unit = q["unit"]?.stringValue ?? q["code"]?.stringValue
        return (q["comparator"]?.stringValue ?? "") + n + (unit.map { " " + $0 } ?? "")
    }

    static func dose(_ r: JSON) -> String? {
        guard let dosage = (r["dosage"] ?? r["dosageInstruction"])?[0] else { return nil }
        if let text = dosage["text"]?.stringValue, !text.isEmpty { return text }
        if let q = dosage["doseAndRate"]?[0]?["doseQuantity"], let dose = quantity(q) { return dose }
        return nil
    }

    static let dateFields = ["effectiveDateTime", "effectiveInstant", "onsetDateTime", "performedDateTime",
                             "occurrenceDateTime", "authoredOn", "recordedDate", "issued", "date", "dateAsserted"]
    static let periodFields = ["effectivePeriod", "onsetPeriod", "performedPeriod"]

    static func date(_ r: JSON) -> String? {
        for field in dateFields { if let d = r[field]?.stringValue { return d } }
        for field in periodFields { if let d = r[field]?["start"]?.stringValue { return d } }
        return nil
    }
}
