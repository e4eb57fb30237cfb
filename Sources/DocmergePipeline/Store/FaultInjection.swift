/// The seam through which tests and the stress drills inject faults. Production never
/// sets it: `docmerge run` fills it only in builds compiled with `DOCMERGE_FAULTS`
/// (debug builds; see Package.swift), so a release binary reads no fault switch.
public struct FaultInjection: Sendable {
    /// SIGKILL the process right after the Nth commit, before any file moves.
    public var killAfterCommit: Int?
    /// Cap the database at this many pages (a rehearsal of a full disk).
    public var maxDbPages: Int?
    /// Hold every file move until this path exists.
    public var holdMovesUntil: String?
    /// Awaited before each commit (a slow or stuck store), with the commit's number.
    public var beforeCommit: (@Sendable (Int) async -> Void)?

    public init(killAfterCommit: Int? = nil, maxDbPages: Int? = nil, holdMovesUntil: String? = nil,
                beforeCommit: (@Sendable (Int) async -> Void)? = nil) {
        self.killAfterCommit = killAfterCommit
        self.maxDbPages = maxDbPages
        self.holdMovesUntil = holdMovesUntil
        self.beforeCommit = beforeCommit
    }

    public static let none = FaultInjection()
}
