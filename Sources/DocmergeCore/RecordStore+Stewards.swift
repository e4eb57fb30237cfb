import DocmergeModel
import DocmergeSQLite

/// A review-console account. The password is stored only as PBKDF2 output (hex), with
/// its salt and iteration count; the console derives and compares.
public struct StewardAccount: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        case steward   // may act on documents
        case viewer    // reads only
    }

    public let name: String
    public let role: Role
    public let saltHex: String
    public let keyHex: String
    public let iterations: Int
    public let createdAt: String
    public let updatedAt: String

    /// 1–64 characters of letters, digits and `. _ -`: the name is the reviewer in audit rows.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || [0x2E, 0x5F, 0x2D].contains($0)
        }
    }
}

extension RecordStore {
    public func stewards() throws -> [StewardAccount] {
        try db.query("SELECT name, role, password_salt, password_key, password_iterations, created_at, updated_at FROM stewards ORDER BY name",
                     [], Self.steward)
    }

    public func steward(named name: String) throws -> StewardAccount? {
        try db.first("SELECT name, role, password_salt, password_key, password_iterations, created_at, updated_at FROM stewards WHERE name = ?",
                     [name], Self.steward)
    }

    /// Adds an account; an existing name is a conflict. The audit row names who ran it.
    public func addSteward(name: String, role: StewardAccount.Role, saltHex: String, keyHex: String, iterations: Int,
                           actor: String) throws {
        guard StewardAccount.isValidName(name) else {
            throw DocmergeError(.usage, "A steward name is 1–64 letters, digits, dots, underscores or hyphens.")
        }
        try db.writeTransaction {
            if try steward(named: name) != nil {
                throw DocmergeError(.conflict, "There is already an account named \(name); use `docmerge stewards passwd` to change its password.")
            }
            let at = timestamp()
            try db.run("INSERT INTO stewards(name, role, password_salt, password_key, password_iterations, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       name, role.rawValue, saltHex, keyHex, iterations, at, at)
            try appendAudit(actor: actor, action: "steward_add", mrn: nil, documentID: nil, detail: .object([
                JSONMember("steward", .string(name)), JSONMember("role", .string(role.rawValue)),
            ]))
        }
    }

    /// New password (and optionally role) for an existing account.
    public func updateSteward(name: String, role: StewardAccount.Role?, saltHex: String?, keyHex: String?, iterations: Int?,
                              actor: String) throws {
        try db.writeTransaction {
            guard let current = try steward(named: name) else {
                throw DocmergeError(.notFound, "No account named \(name).")
            }
            let newRole = role ?? current.role
            try db.run("UPDATE stewards SET role = ?, password_salt = ?, password_key = ?, password_iterations = ?, updated_at = ? WHERE name = ?",
                       newRole.rawValue, saltHex ?? current.saltHex, keyHex ?? current.keyHex, iterations ?? current.iterations,
                       timestamp(), name)
            try appendAudit(actor: actor, action: keyHex == nil ? "steward_role" : "steward_passwd", mrn: nil, documentID: nil, detail: .object([
                JSONMember("steward", .string(name)), JSONMember("role", .string(newRole.rawValue)),
            ]))
        }
    }

    public func removeSteward(name: String, actor: String) throws {
        try db.writeTransaction {
            guard try steward(named: name) != nil else { throw DocmergeError(.notFound, "No account named \(name).") }
            try db.run("DELETE FROM stewards WHERE name = ?", name)
            try appendAudit(actor: actor, action: "steward_remove", mrn: nil, documentID: nil, detail: .object([
                JSONMember("steward", .string(name)),
            ]))
        }
    }

    static func steward(_ r: Row) -> StewardAccount {
        StewardAccount(name: r.text(0), role: StewardAccount.Role(rawValue: r.text(1)) ?? .viewer, saltHex: r.text(2),
                       keyHex: r.text(3), iterations: r.int(4), createdAt: r.text(5), updatedAt: r.text(6))
    }
}
