import DocmergeModel
import Foundation

/// Generates a workload in the ingest format: N documents over P patients (Zipf-skewed),
/// 0–30 realistic entries each, and the chosen fractions of every kind of trouble.
public struct WorkloadGenerator {
    static let given = ["Jane", "María", "José", "Thanh", "Aisha", "Olga", "Kwame", "Ingrid", "Rahul", "Mei",
                        "Carla", "Henrik", "Fatima", "Łukasz", "Chloé", "Dmitri", "Amara", "Søren", "Noor", "Pedro"]
    static let family = ["Doe", "García", "Nguyen", "Okafor", "Ivanova", "Mensah", "Larsen", "Patel", "Chen", "Echevarría",
                         "Berg", "Haddad", "Kowalski", "Dubois", "Petrov", "Adeyemi", "Jørgensen", "Rahman", "Silva", "Müller"]
    /// Names unlike any registry name (different initial letters and shapes).
    static let strangers = ["Zebulon Quixley", "Xiomara Vukovich", "Yevgeny Zhuravlev", "Quentin Yarborough", "Vashti Xu"]

    public let spec: WorkloadSpec
    public init(spec: WorkloadSpec) { self.spec = spec }

    struct Patient {
        let mrn: String
        let given: String
        let family: String
        let birthDate: String
        let known: Bool
    }

    enum Kind: CaseIterable { case clean, low, fallback, empty, few, dob, stranger, variant }

    /// Demographics as the generator knows them: who the name belongs to ("" for the
    /// patient, else the stranger's name) and the birth date.
    struct Demographics: Equatable {
        let identity: String
        let birthDate: String
    }

    /// What the registry holds for a patient the CSV left out, once a document registered
    /// it (`register_and_flag`: from the document's Patient entry, else its patient block).
    struct Registered {
        let by: String
        let demographics: Demographics
    }

    public func generate() -> Workload {
        var random = SeededRandom(seed: spec.seed)
        let zipf = Zipf(count: spec.patients, exponent: spec.zipfExponent)
        var patients: [Patient] = []
        for i in 0..<spec.patients {
            let year = 1930 + Int(random.next() % 70), month = 1 + Int(random.next() % 12), day = 1 + Int(random.next() % 28)
            patients.append(Patient(mrn: String(format: "MRN-%06d", i), given: random.pick(Self.given), family: random.pick(Self.family),
                                    birthDate: String(format: "%04d-%02d-%02d", year, month, day),
                                    known: !random.chance(spec.unknownPatient)))
        }
        var expected = ExpectedState()
        var files: [GeneratedFile] = []
        var history: [(id: String, bytes: [UInt8], patient: Int, extractedAt: Int)] = []
        let base = 1_795_000_000   // seconds; every extraction time derives from it
        var serial = 0
        var registeredUnknown: [Int: Registered] = [:]
        func fileName(_ id: String) -> String {
            serial += 1
            return String(format: "%07d-%@.json", serial, id)
        }
        for n in 0..<spec.documents {
            let roll = random.unit()
            var threshold = spec.redrop
            if roll < threshold, let earlier = history.randomElement(using: &random) {
                let name = fileName(earlier.id)
                files.append(GeneratedFile(name: name, bytes: earlier.bytes))   // same bytes, new name
                expected.files.append(name)
                continue
            }
            threshold += spec.reextraction
            if roll < threshold, let earlier = history.randomElement(using: &random) {
                let time = earlier.extractedAt + 600 + n
                let (bytes, doc, _) = document(id: earlier.id, patient: patients[earlier.patient], kind: .clean, extractedAt: time,
                                               registered: registeredUnknown[earlier.patient], random: &random)
                let name = fileName(earlier.id)
                files.append(GeneratedFile(name: name, bytes: bytes))
                expected.files.append(name)
                if let current = history.lastIndex(where: { $0.id == earlier.id }), history[current].extractedAt <= time {
                    expected.documents[earlier.id] = doc
                }
                history.append((earlier.id, bytes, earlier.patient, time))
                continue
            }
            threshold += spec.staleLate
            if roll < threshold, let earlier = history.randomElement(using: &random) {
                // An extraction older than the one applied, arriving late: recorded, not applied.
                let newest = history.filter { $0.id == earlier.id }.map(\.extractedAt).max() ?? earlier.extractedAt
                let (bytes, _, _) = document(id: earlier.id, patient: patients[earlier.patient], kind: .clean,
                                             extractedAt: newest - 3600, registered: registeredUnknown[earlier.patient],
                                             random: &random)
                let name = fileName(earlier.id)
                files.append(GeneratedFile(name: name, bytes: bytes))
                expected.files.append(name)
                continue
            }
            threshold += spec.malformed
            if roll < threshold {
                let name = fileName("malformed-\(n)")
                files.append(GeneratedFile(name: name, bytes: malformed(n, history: history, patients: patients, random: &random)))
                expected.files.append(name)
                expected.refused.insert(name)
                continue
            }
            let patientIndex = spec.hotShare > 0 && random.chance(spec.hotShare) ? 0 : zipf.sample(&random)
            let kind = pickKind(&random)
            let id = "doc-\(spec.seed)-\(n)"
            let time = base + n
            let (bytes, doc, evidence) = document(id: id, patient: patients[patientIndex], kind: kind, extractedAt: time,
                                                  registered: registeredUnknown[patientIndex], random: &random)
            if !patients[patientIndex].known && registeredUnknown[patientIndex] == nil {
                registeredUnknown[patientIndex] = Registered(by: id, demographics: evidence)
            }
            let name = fileName(id)
            files.append(GeneratedFile(name: name, bytes: bytes))
            expected.files.append(name)
            expected.documents[id] = doc
            history.append((id, bytes, patientIndex, time))
            if !patients[patientIndex].known { expected.unknownPatients.insert(patients[patientIndex].mrn) }
        }
        var csv = "mrn,given,family,birth_date\n"
        for p in patients where p.known {
            csv += "\(p.mrn),\(p.given),\(p.family),\(p.birthDate)\n"
            expected.registered.append(p.mrn)
        }
        return Workload(files: files, registryCSV: csv, expected: expected)
    }

    func pickKind(_ random: inout SeededRandom) -> Kind {
        let u = random.unit()
        var edge = spec.lowConfidence
        if u < edge { return .low }
        edge += spec.fallback; if u < edge { return .fallback }
        edge += spec.empty; if u < edge { return .empty }
        edge += spec.fewResources; if u < edge { return .few }
        edge += spec.birthDateConflict; if u < edge { return .dob }
        edge += spec.differentPerson; if u < edge { return .stranger }
        edge += spec.nameVariant; if u < edge { return .variant }
        return .clean
    }

    /// One extraction file of the given kind, what its merge must give, and the demographics
    /// it would register its patient with. `registered`: what a document registered for a
    /// patient the CSV left out (nil while none has).
    func document(id: String, patient: Patient, kind: Kind, extractedAt: Int, registered: Registered?,
                  random: inout SeededRandom) -> ([UInt8], ExpectedState.Document, Demographics) {
        var confidence = 0.85 + random.unit() * 0.15
        let count: Int
        switch kind {
        case .empty: count = 0
        case .few: count = 1 + Int(random.next() % 2); confidence = 0.80 + random.unit() * 0.14
        default: count = 3 + Int(random.next() % UInt64(max(1, spec.maxEntries - 2)))
        }
        if kind == .low { confidence = 0.30 + random.unit() * 0.49 }
        var entries: [JSON] = []
        var flags: [String] = []
        let wantsPatientEntry = [.dob, .stranger, .variant].contains(kind) || (kind == .clean && random.chance(0.5))
        // The Patient entry is evidence, not a resource: it comes on top of `count` (checks 3 and 4).
        let clinical = count
        var evidence = Demographics(identity: "", birthDate: patient.birthDate)
        if wantsPatientEntry {
            var birth = patient.birthDate
            var family = patient.family, given = [patient.given]
            switch kind {
            case .dob:
                birth = String(format: "%04d", (Int(patient.birthDate.prefix(4)) ?? 1950) + 1) + patient.birthDate.dropFirst(4)
                flags.append("birth_date_mismatch")
            case .stranger:
                let parts = random.pick(Self.strangers).split(separator: " ").map(String.init)
                given = [parts[0]]
                family = parts[1]
                flags.append("name_mismatch")
            case .variant:
                // The same person written differently: upper case, accents dropped, an initial.
                family = family.uppercased().folding(options: .diacriticInsensitive, locale: nil)
                given = [patient.given.uppercased(), "\(random.pick(["A", "B", "M", "Q"]))."]
            default: break
            }
            evidence = Demographics(identity: kind == .stranger ? "\(given[0]) \(family)" : "", birthDate: birth)
            var text = "\(family), \(given.joined(separator: " "))"
            if kind == .variant { text = "Patient: " + text }
            entries.append(.object([
                JSONMember("resource", .object([JSONMember("resourceType", .string("Patient")),
                                                JSONMember("name", .array([.object([JSONMember("family", .string(family)), JSONMember("given", .array(given.map(JSON.string)))])])),
                                                JSONMember("birthDate", .string(birth))])),
                JSONMember("snippet", .string(text)),
            ]))
        }
        entries += ClinicalContent.entries(count: clinical, random: &random)
        let total = clinical
        if kind == .low { flags.append("low_confidence") }
        if kind == .fallback { flags.append("fallback_model") }
        if total == 0 { flags.append("no_resources") } else if total < 3 && confidence < 0.95 { flags.append("few_resources") }
        if !patient.known {
            // Checks 5 and 6 compare with what the registering document said; check 7 belongs to it.
            flags.removeAll { $0 == "birth_date_mismatch" || $0 == "name_mismatch" }
            if let registered {
                if wantsPatientEntry && evidence.birthDate != registered.demographics.birthDate { flags.append("birth_date_mismatch") }
                if wantsPatientEntry && evidence.identity != registered.demographics.identity { flags.append("name_mismatch") }
                if registered.by == id { flags.append("new_patient") }
            } else {
                flags.append("new_patient")
            }
        }
        let root = JSON.object([
            JSONMember("schema", .string("docmerge.extraction/v1")),
            JSONMember("document", .object([JSONMember("id", .string(id)), JSONMember("name", .string("\(id).pdf"))])),
            JSONMember("patient", .object([JSONMember("mrn", .string(patient.mrn)), JSONMember("name", .string("\(patient.given) \(patient.family)")),
                                           JSONMember("birth_date", .string(patient.birthDate))])),
            JSONMember("extraction", .object([JSONMember("confidence", .number(String((confidence * 1000).rounded() / 1000))),
                                              JSONMember("model", .string(kind == .fallback ? "gpt-4o-mini" : "claude-3-5-sonnet")),
                                              JSONMember("fallback_used", .bool(kind == .fallback)),
                                              JSONMember("extracted_at", .string(Timestamp.format(Date(timeIntervalSince1970: Double(extractedAt)))))])),
            JSONMember("entries", .array(entries)),
        ])
        let order = ["low_confidence", "fallback_model", "no_resources", "few_resources", "birth_date_mismatch", "name_mismatch",
                     "new_patient"]
        let expected = ExpectedState.Document(mrn: patient.mrn, resources: clinical, flags: flags.sorted { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) })
        return (root.bytes, expected, evidence)
    }

    /// A refused file of each kind in turn.
    func malformed(_ n: Int, history: [(id: String, bytes: [UInt8], patient: Int, extractedAt: Int)], patients: [Patient],
                   random: inout SeededRandom) -> [UInt8] {
        let good = { (id: String) -> String in
            "{\"schema\":\"docmerge.extraction/v1\",\"document\":{\"id\":\"\(id)\"},\"patient\":{\"mrn\":\"MRN-X\"},\"extraction\":{\"confidence\":0.9,\"model\":\"m\",\"fallback_used\":false},\"entries\":[{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"a\"}},{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"b\"}},{\"resource\":{\"resourceType\":\"Condition\",\"id\":\"c\"}}]}"
        }
        let id = "bad-\(spec.seed)-\(n)"
        switch n % 9 {
        case 0: return Array(good(id).prefix(60).utf8)
        case 1: return Array(good(id).replacingOccurrences(of: "0.9", with: "1.3").utf8)
        case 2: return Array(good(id).replacingOccurrences(of: "\"id\":\"\(id)\"", with: "\"name\":\"x.pdf\"").utf8)
        case 3: return Array(good("bad id/\(n)").utf8)
        case 4: return Array(good(id).replacingOccurrences(of: "\"resourceType\":\"Condition\",\"id\":\"b\"", with: "\"id\":\"b\"").utf8)
        case 5: return Array(good(id).replacingOccurrences(of: "\"id\":\"b\"", with: "\"id\":\"a\"").utf8)
        case 6: return Array(good(id).replacingOccurrences(of: "/v1", with: "/v2").utf8)
        case 7: return Array(good(id).replacingOccurrences(of: "\"fallback_used\":false", with: "\"fallback_used\":\"no\"").utf8)
        default:
            // A document id already merged for another patient.
            guard let earlier = history.first else { return [0xFF, 0xFE] }
            let other = patients[(earlier.patient + 1) % patients.count].mrn
            return Array(good(earlier.id).replacingOccurrences(of: "MRN-X", with: other).utf8)
        }
    }
}
