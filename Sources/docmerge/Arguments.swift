import DocmergeCore
import DocmergeModel
import Foundation

/// A command's arguments: positionals, `--name value` options and `--flag` flags.
/// Unknown options are a usage error (exit 2).
struct Arguments {
    var positionals: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var help = false

    init(_ args: [String], options: Set<String>, flags allowedFlags: Set<String>) throws {
        var i = 0
        while i < args.count {
            let arg = args[i]
            if arg == "--help" || arg == "-h" {
                help = true
            } else if arg.hasPrefix("--") {
                var name = String(arg.dropFirst(2))
                var inline: String?
                if let eq = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                if options.contains(name) {
                    if let inline {
                        values[name] = inline
                    } else {
                        guard i + 1 < args.count else { throw DocmergeError(.usage, "--\(name) needs a value.") }
                        values[name] = args[i + 1]
                        i += 1
                    }
                } else if allowedFlags.contains(name), inline == nil {
                    flags.insert(name)
                } else {
                    throw DocmergeError(.usage, "Unknown option --\(name); see --help.")
                }
            } else {
                positionals.append(arg)
            }
            i += 1
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func value(_ name: String) -> String? { values[name] }

    func required(_ name: String) throws -> String {
        guard let value = values[name], !value.isEmpty else { throw DocmergeError(.usage, "--\(name) is required; see --help.") }
        return value
    }

    func int(_ name: String) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text) else { throw DocmergeError(.usage, "--\(name) takes a whole number, not '\(text)'.") }
        return value
    }

    /// `--db`, or the DOCMERGE_DB environment variable.
    func database() throws -> String {
        if let db = values["db"], !db.isEmpty { return db }
        if let db = ProcessInfo.processInfo.environment["DOCMERGE_DB"], !db.isEmpty { return db }
        throw DocmergeError(.usage, "--db FILE is required (or set DOCMERGE_DB); see --help.")
    }

    func positional(_ index: Int, _ what: String) throws -> String {
        guard index < positionals.count else { throw DocmergeError(.usage, "Missing \(what); see --help.") }
        return positionals[index]
    }

    func noExtraPositionals(_ count: Int) throws {
        if positionals.count > count {
            throw DocmergeError(.usage, "Unexpected argument '\(positionals[count])'; see --help.")
        }
    }
}

/// Standard output and error. Nothing reaches the terminal raw: text goes through
/// `TerminalText` (commands escape each input-derived field with `TerminalText.escape`,
/// and every line is checked again here, newlines kept), JSON through `TerminalText.json`
/// (the same JSON, with the characters a terminal would act on written as escapes).
enum Output {
    static func out(_ text: String) {
        write(1, Array((TerminalText.lines(text) + "\n").utf8))
    }

    /// A line in red on a terminal (the colour codes are added after the text is escaped).
    static func red(_ text: String) {
        let safe = TerminalText.lines(text)
        write(1, Array((isTerminal ? "\u{1B}[31m\(safe)\u{1B}[0m\n" : safe + "\n").utf8))
    }

    static func json(_ value: JSON) {
        bytes(value.bytes + [0x0A])
    }

    /// JSON bytes (a bundle, a JSON document) on standard output.
    static func bytes(_ bytes: [UInt8]) {
        write(1, TerminalText.json(bytes))
    }

    static func err(_ text: String) {
        write(2, Array((TerminalText.lines(text) + "\n").utf8))
    }

    /// All of `bytes` to standard output (1) or error (2). A reader that went away (EPIPE)
    /// ends the command quietly, with the status a SIGPIPE would give; any other failure
    /// (a full disk behind `>`) is said in one sentence and ends it with status 1.
    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n >= 0 { offset += n; continue }
            let failure = errno
            if failure == EINTR || failure == EAGAIN { continue }
            if failure == EPIPE { exit(128 + SIGPIPE) }
            if fd == 1 { write(2, Array("Cannot write to standard output: \(String(cString: strerror(failure))).\n".utf8)) }
            exit(1)
        }
    }

    /// Bytes for standard output, written in large pieces (already made safe by the caller).
    struct Buffered {
        private var pending: [UInt8] = []

        mutating func append(_ bytes: [UInt8]) {
            pending.append(contentsOf: bytes)
            if pending.count >= 1 << 16 { flush() }
        }

        mutating func flush() {
            Output.write(1, pending)
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// True when standard output is a terminal (colour allowed).
    static var isTerminal: Bool { isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }
}

/// Shorthand for one input-derived field in a line of text.
func safe(_ text: String) -> String { TerminalText.escape(text) }

/// One subcommand: its usage text and its body.
protocol Command {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    static var options: Set<String> { get }
    static var flags: Set<String> { get }
    static func run(_ args: Arguments) async throws -> Int32
}

extension Command {
    static var options: Set<String> { ["db"] }
    static var flags: Set<String> { [] }

    static func main(_ raw: [String]) async throws -> Int32 {
        let args = try Arguments(raw, options: options, flags: flags)
        if args.help {
            Output.out(usage)
            return 0
        }
        return try await run(args)
    }
}

/// A command in the dispatch table (a closure, not an existential metatype).
struct CommandEntry: Sendable {
    let name: String
    let summary: String
    let main: @Sendable ([String]) async throws -> Int32

    static func of<C: Command>(_ command: C.Type) -> CommandEntry {
        CommandEntry(name: C.name, summary: C.summary, main: { try await C.main($0) })
    }
}
