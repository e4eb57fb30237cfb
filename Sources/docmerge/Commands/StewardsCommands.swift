import DocmergeConsole
import DocmergeCore
import DocmergeModel
import Foundation

/// The shared shape of the account commands.
enum StewardsShared {
    static let options: Set<String> = ["db", "role", "iterations"]

    static func role(_ args: Arguments) throws -> StewardAccount.Role? {
        guard let text = args.value("role") else { return nil }
        guard let role = StewardAccount.Role(rawValue: text) else { throw DocmergeError(.usage, "--role takes steward or viewer.") }
        return role
    }

    static func iterations(_ args: Arguments) throws -> Int {
        guard let n = try args.int("iterations") else { return PasswordHash.defaultIterations }
        guard n >= PasswordHash.minimumIterations else {
            throw DocmergeError(.usage, "--iterations must be at least \(PasswordHash.minimumIterations).")
        }
        return n
    }

    /// Who ran the command, for the audit row.
    static var operatorName: String {
        let name = ProcessInfo.processInfo.userName
        return name.isEmpty ? "uid-\(getuid())" : name
    }

    static func name(_ args: Arguments) throws -> String {
        let name = try args.positional(0, "the account NAME")
        try args.noExtraPositionals(1)
        guard StewardAccount.isValidName(name) else {
            throw DocmergeError(.usage, "An account name is 1–64 letters, digits, dots, underscores or hyphens.")
        }
        return name
    }

    /// The new password: asked twice without echo on a terminal, else the first line of stdin.
    static func newPassword(iterations: Int) throws -> PasswordHash {
        let password: String
        if isatty(0) == 1 {
            let first = try PasswordPrompt.read("New password: ")
            let second = try PasswordPrompt.read("Again: ")
            guard first == second else { throw DocmergeError(.failure, "The two passwords differ; nothing was changed.") }
            password = first
        } else {
            guard let line = readLine(strippingNewline: true) else {
                throw DocmergeError(.usage, "Give the password on standard input (one line), or run this on a terminal.")
            }
            password = line
        }
        if let weakness = PasswordHash.weakness(password) { throw DocmergeError(.usage, weakness) }
        do { return try PasswordHash.make(password: password, iterations: iterations) } catch {
            throw DocmergeError(.failure, "\(error)")
        }
    }
}

struct StewardsAddCommand: Command {
    static let name = "add"
    static let summary = "add a review-console account"
    static let usage = """
        Usage: docmerge stewards add NAME [--role steward|viewer] --db FILE [--iterations N]

        Adds an account for `docmerge serve`. The password is asked twice without echo on a
        terminal, or read as one line from standard input. It is stored only as
        PBKDF2-HMAC-SHA256 with a salt of its own (\(PasswordHash.defaultIterations) iterations unless
        --iterations says otherwise; at least \(PasswordHash.minimumIterations)). Roles: steward (may act on documents,
        the default) and viewer (reads only). A password has at least \(PasswordHash.minimumPasswordLength) characters.
        """
    static let options = StewardsShared.options

    static func run(_ args: Arguments) async throws -> Int32 {
        let name = try StewardsShared.name(args)
        let role = try StewardsShared.role(args) ?? .steward
        let store = try RecordStore.open(try args.database(), create: true)
        if try store.steward(named: name) != nil {
            throw DocmergeError(.conflict, "There is already an account named \(name); use `docmerge stewards passwd` to change its password.")
        }
        let hash = try StewardsShared.newPassword(iterations: try StewardsShared.iterations(args))
        try store.addSteward(name: name, role: role, saltHex: hash.salt.hexString, keyHex: hash.key.hexString,
                             iterations: hash.iterations, actor: StewardsShared.operatorName)
        Output.out("Account \(name) added (\(role.rawValue)).")
        return 0
    }
}

struct StewardsPasswdCommand: Command {
    static let name = "passwd"
    static let summary = "set an account's password (and role)"
    static let usage = """
        Usage: docmerge stewards passwd NAME --db FILE [--role steward|viewer] [--iterations N]

        Sets a new password for the account (asked without echo, or one line on standard input);
        with --role, changes its role too. The account's open console sessions end at their
        next request.
        """
    static let options = StewardsShared.options

    static func run(_ args: Arguments) async throws -> Int32 {
        let name = try StewardsShared.name(args)
        let store = try RecordStore.open(try args.database())
        guard try store.steward(named: name) != nil else { throw DocmergeError(.notFound, "No account named \(name).") }
        let hash = try StewardsShared.newPassword(iterations: try StewardsShared.iterations(args))
        try store.updateSteward(name: name, role: try StewardsShared.role(args), saltHex: hash.salt.hexString,
                                keyHex: hash.key.hexString, iterations: hash.iterations, actor: StewardsShared.operatorName)
        Output.out("Password of \(name) changed.")
        return 0
    }
}

struct StewardsRemoveCommand: Command {
    static let name = "remove"
    static let summary = "remove a review-console account"
    static let usage = """
        Usage: docmerge stewards remove NAME --db FILE

        Removes the account: it can no longer sign in, and its open console sessions end at
        their next request. Its name stays in the audit rows it made.
        """

    static func run(_ args: Arguments) async throws -> Int32 {
        let name = try StewardsShared.name(args)
        let store = try RecordStore.open(try args.database())
        try store.removeSteward(name: name, actor: StewardsShared.operatorName)
        Output.out("Account \(name) removed.")
        return 0
    }
}

struct StewardsListCommand: Command {
    static let name = "list"
    static let summary = "the review-console accounts"
    static let usage = """
        Usage: docmerge stewards list --db FILE [--json]

        Every account: name, role, when it was added and last changed.
        """
    static let flags: Set<String> = ["json"]

    static func run(_ args: Arguments) async throws -> Int32 {
        try args.noExtraPositionals(0)
        let store = try RecordStore.open(try args.database())
        let accounts = try store.stewards()
        if args.flag("json") {
            Output.out(JSON.array(accounts.map { a in .object([
                JSONMember("name", .string(a.name)), JSONMember("role", .string(a.role.rawValue)),
                JSONMember("created_at", .string(a.createdAt)), JSONMember("updated_at", .string(a.updatedAt)),
                JSONMember("iterations", .number(String(a.iterations))),
            ]) }).text)
            return 0
        }
        Output.out("\(accounts.count) account\(accounts.count == 1 ? "" : "s")")
        for a in accounts {
            Output.out("  \(a.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(a.role.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) added \(a.createdAt), changed \(a.updatedAt)")
        }
        return 0
    }
}

/// Reads a line from the terminal with echo off (termios), restoring it afterwards.
enum PasswordPrompt {
    static func read(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { throw DocmergeError(.failure, "Cannot read the terminal's settings.") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw DocmergeError(.failure, "No password was given.") }
        return line
    }
}
