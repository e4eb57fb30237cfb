extension WorkloadSpec {
    /// A benchmark workload: realistic trouble rates (a few low-confidence, fallback,
    /// conflict and unknown-patient documents), no re-drops, re-extractions, late or
    /// malformed files, so every file is one merge.
    public static func clean(documents: Int, patients: Int, seed: UInt64, maxEntries: Int = 24) -> WorkloadSpec {
        var spec = WorkloadSpec()
        spec.documents = documents
        spec.patients = patients
        spec.seed = seed
        spec.maxEntries = maxEntries
        spec.lowConfidence = 0.04; spec.fallback = 0.01; spec.empty = 0; spec.fewResources = 0.01
        spec.birthDateConflict = 0.005; spec.differentPerson = 0.005; spec.nameVariant = 0.05; spec.unknownPatient = 0.02
        spec.redrop = 0; spec.reextraction = 0; spec.staleLate = 0; spec.malformed = 0
        return spec
    }
}
