import DocmergeModel
import DocmergeSQLite
import Foundation

/// The records, on one SQLite connection: registry, documents, resources, audit.
/// Not Sendable: owned by one actor (the pipeline's writer) or one command. Every
/// write is one `BEGIN IMMEDIATE` transaction that includes its audit row.
public final class RecordStore {
    /// The store's own connection, never handed out: other modules read facts through
    /// named queries (`RecordStore+Inspection`); the store's unit tests reach it `@testable`.
    let db: Connection
    public let path: String
    /// The clock: injected so tests control time.
    public var now: @Sendable () -> Date
    /// The operating-system user and host every audit row records beside its actor.
    public var identity = OSIdentity.current
    /// Copies the write-ahead log into the database off the writer's thread, once started.
    var checkpointer: Checkpointer?

    public init(path: String, readOnly: Bool = false, synchronous: Synchronous = .full,
                busyTimeoutMs: Int = 5_000, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.path = path
        self.now = now
        // Page size stays SQLite's 4 KiB: 16 KiB pages measured ~20% more bulk throughput but
        // tripled landed→committed p99 at a steady 500 documents/s (Stress/results/).
        if !readOnly { try PrivateFiles.prepareDatabaseFile(path) }
        try Self.refuseHardLinked(path)
        self.db = try Connection(path: path, options: .init(readOnly: readOnly, busyTimeoutMilliseconds: Int32(clamping: busyTimeoutMs),
                                                            synchronous: synchronous.connectionLevel))
        if readOnly {
            try Schema.requireCurrent(db, path: path)
        } else {
            try Schema.refuseForeign(db, path: path)
            let applied = try Schema.migrator.migrate(db)
            migrationNotes = try Schema.notes(db, applied: applied)
        }
    }

    /// What the migrations applied by this open said they did (e.g. how many rows a
    /// recount changed), for the runner to log.
    public private(set) var migrationNotes: [String] = []

    /// Opens an existing database for a command; a missing file is a clear error. With
    /// `write`, a user who may not write the database (or its directory, where the WAL,
    /// shared-memory and lock files live) is told so in one sentence.
    public static func open(_ path: String, create: Bool = false, write: Bool = false) throws -> RecordStore {
        if !create && !FileManager.default.fileExists(atPath: path) {
            if !WriteAccess.canSearchDirectory(of: path) { throw write ? WriteAccess.refusal(path) : WriteAccess.readRefusal(path) }
            throw DocmergeError(.notFound, "No database at \(TerminalText.escape(path)); run `docmerge run` or `docmerge patients import` to create one.")
        }
        if write || create, !WriteAccess.allowed(databasePath: path) { throw WriteAccess.refusal(path) }
        do {
            return try RecordStore(path: path)
        } catch let error as SQLiteError where error.isReadOnly {
            throw WriteAccess.refusal(path)
        } catch let error as SQLiteError {
            throw DocmergeError(.failure, "Cannot open the database \(TerminalText.escape(path)): \(error.message).")
        }
    }

    /// Opens an existing database for a command that only reads: never creates a file,
    /// a schema or a migration (a read-only connection), and refuses a file that is not a
    /// docmerge database.
    public static func openForReading(_ path: String) throws -> RecordStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DocmergeError(.notFound, "No database at \(TerminalText.escape(path)); run `docmerge run` or `docmerge patients import` to create one.")
        }
        do {
            return try RecordStore(path: path, readOnly: true)
        } catch let error as SQLiteError {
            throw DocmergeError(.failure, "Cannot open the database \(TerminalText.escape(path)): \(error.message).")
        }
    }

    /// SQLite names the WAL after the path it was opened by (symlinks resolved, hard links
    /// not): two names for one database file would mean two WALs, and commits seen under
    /// one name only, then a corrupt database. So a file with several links is refused.
    static func refuseHardLinked(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0, info.st_nlink > 1 else { return }
        throw DocmergeError(.failure, "The database \(TerminalText.escape(path)) has \(info.st_nlink) hard links; SQLite keeps its write-ahead log by name, so two names for one database would corrupt it: remove the other links (a symlink is fine).")
    }

    /// Refuses some other program's SQLite file before anything is created beside it.
    /// Returns false when the file is there but is no SQLite database at all (opening it
    /// will say so), true when it is absent, empty or a docmerge database.
    @discardableResult
    public static func refuseForeign(_ path: String) throws -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_size > 0 else { return true }
        guard let db = try? Connection(path: path, options: .init(readOnly: true)) else { return false }
        try Schema.refuseForeign(db, path: path)
        return true
    }

    func timestamp() -> String { Timestamp.format(now()) }
}
