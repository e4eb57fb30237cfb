import DocmergeModel

/// What the database holds about one document, as a patient's merge actor needs it
/// to decide replay / stale / people-win / merge and to compute the exact row changes.
/// A plan made from a snapshot names the snapshot's `version`; the write checks it.
public struct DocumentSnapshot: Sendable, Equatable {
    public struct Resource: Sendable, Equatable {
        public let resourceType: String
        public let key: String
        public let fhirID: String
        public let contentHash: String
        public let version: Int
    }

    public let documentID: String
    public let mrn: String
    public var status: ReviewStatus
    public var isMerged: Bool
    public var humanDecision: Bool
    public var contentHash: String
    public var extractedAt: String?
    public var version: Int
    /// Every extraction of this document seen so far (replays change nothing).
    public var seenHashes: Set<String>
    /// The document's current contribution, keyed by `resourceType \0 key`.
    public var resources: [String: Resource]

    static func resourceKey(_ type: String, _ key: String) -> String { type + "\u{0}" + key }
}

/// What a patient's merge actor holds between documents: the registry row (absent
/// until the first document registers the patient), the document that registered it
/// under `register_and_flag` (check 7 belongs to that document), and the record version.
/// A registry change by another process bumps the version, so a plan made on a stale
/// snapshot fails its version check and is made again.
public struct PatientSnapshot: Sendable, Equatable {
    public let mrn: String
    public var registry: RegistryDemographics?
    public var registeredBy: String?
    public var version: Int
    public var isRegistered: Bool { registry != nil }
    public init(mrn: String, registry: RegistryDemographics?, registeredBy: String? = nil, version: Int) {
        self.mrn = mrn
        self.registry = registry
        self.registeredBy = registeredBy
        self.version = version
    }
}
